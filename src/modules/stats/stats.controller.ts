import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { MatchmakingStatsService } from './matchmaking-stats.service.js';
import { prefersCsv } from '../../common/csv.js';
import { toMatchmakingCsv } from './matchmaking-report.js';
import { MatchmakingStatsDto, MatchmakingStatsQueryDto } from './stats.dto.js';
import { toOverviewCsv } from './overview-csv.js';
import { OverviewDto, OverviewQueryDto } from './overview.dto.js';
import { OverviewService } from './overview.service.js';

const MATCHMAKING_DESCRIPTION = [
  'Figures of 项目中心+行长制 for matches dispatched in [from, to) (business dates, Asia/Shanghai),',
  'per group and in total (the total is computed over the whole period, not summed: an',
  'enterprise pushed to two banks is one enterprise, a request pushed to two banks one demand).',
  'successRate (对接成功率) = enterprisesFunded ÷ enterprisesPushed; satisfactionRate',
  '(资金需求满足率) = amountDisbursed ÷ demandAmount; shareAcceptedOnTime = matches accepted at or',
  'before their deadline ÷ matches pushed. Ratios: 4 decimals, half-up, null when nothing was',
  'pushed. With `Accept: text/csv` the same table comes as CSV (UTF-8 with BOM, Chinese',
  'headers, a last row 合计). Administrators and auditors see every bank; a bank president sees',
  "only their own bank (another bank's id answers 404); officers and enterprises: 403.",
].join('\n');

const OVERVIEW_DESCRIPTION = [
  'The city dashboard (DOMAIN.md §1): key projects, the turnover fund, guarantees, online',
  'small/micro loans, commissioners, 项目中心+行长制 and events in one document. Each figure is',
  "the one its system's own report shows, and its definition is on the schema (OverviewDto).",
  'Period figures count what happened in [from, to) (business dates, Asia/Shanghai); the',
  'key-project list is as it stands, and the turnover fund also gives its cumulative figures',
  'up to `to`. Money: yuan strings; rates: decimal strings. With `Accept: text/csv`, one figure',
  'a line (UTF-8 with BOM). Administrators and auditors only.',
].join('\n');

@ApiTags('stats')
@Controller('stats')
export class StatsController {
  constructor(
    private readonly stats: MatchmakingStatsService,
    private readonly overviews: OverviewService,
  ) {}

  @Get('overview')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({ summary: 'The city dashboard', description: OVERVIEW_DESCRIPTION })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: OverviewDto })
  async overview(
    @CurrentCaller() caller: Caller,
    @Query() query: OverviewQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OverviewDto | string> {
    const overview = await this.overviews.overview(caller, query);
    if (!prefersCsv(accept)) {
      return overview;
    }
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="overview-${overview.from}-${overview.to}.csv"`,
      );
    return toOverviewCsv(overview);
  }

  @Get('matchmaking')
  @Auth(Role.Admin, Role.Auditor, Role.BankPresident)
  @ApiOperation({ summary: "The city's matchmaking figures", description: MATCHMAKING_DESCRIPTION })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: MatchmakingStatsDto })
  async matchmaking(
    @CurrentCaller() caller: Caller,
    @Query() query: MatchmakingStatsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MatchmakingStatsDto | string> {
    const report = await this.stats.matchmaking(caller, query);
    if (!prefersCsv(accept)) {
      return report;
    }
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="matchmaking-${report.from}-${report.to}.csv"`,
      );
    return toMatchmakingCsv(report);
  }
}
