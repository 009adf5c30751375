import {
  Body,
  Controller,
  Get,
  Headers,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { IdempotencyKey, Idempotent } from '../../common/idempotency/idempotency-key.decorator.js';
import { prefersCsv } from '../../common/csv.js';
import { Page } from '../../common/pagination/pagination.js';
import { answer } from '../../common/idempotency/idempotent-answer.js';
import {
  CapitalMovementDto,
  CapitalMovementResponseDto,
  CreateTurnoverFundDto,
  FundJournalDto,
  FundJournalPageDto,
  LedgerQueryDto,
  ListTurnoverFundsQueryDto,
  ReconciliationDto,
  TurnoverFundPageDto,
  TurnoverFundResponseDto,
  UpdateTurnoverFundDto,
} from './turnover-funds.dto.js';
import { TurnoverFundsService } from './turnover-funds.service.js';
import {
  toTurnoverReportCsv,
  TurnoverReportDto,
  TurnoverReportQueryDto,
  TurnoverReportService,
} from './turnover-report.js';

@ApiTags('turnover fund')
@Controller('turnover-funds')
export class TurnoverFundsController {
  constructor(
    private readonly funds: TurnoverFundsService,
    private readonly reports: TurnoverReportService,
  ) {}

  @Post()
  @Auth(Role.Admin)
  @ApiOperation({ summary: 'Create a fund with its fee schedule, caps and thresholds' })
  @ApiCreatedResponse({ type: TurnoverFundResponseDto })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateTurnoverFundDto,
  ): Promise<TurnoverFundResponseDto> {
    return this.funds.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOperation({
    summary: 'Funds, newest first; bank staff and enterprises see name, terms and open only',
  })
  @ApiOkResponse({ type: TurnoverFundPageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListTurnoverFundsQueryDto,
  ): Promise<Page<TurnoverFundResponseDto>> {
    return this.funds.list(caller, query);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({
    summary:
      'The fund: balances, outstanding, capital, fee income (administrators, auditors); ' +
      'name, terms and open (everyone else)',
  })
  @ApiOkResponse({ type: TurnoverFundResponseDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<TurnoverFundResponseDto> {
    return this.funds.get(caller, id);
  }

  @Patch(':id')
  @Auth(Role.Admin)
  @ApiOperation({
    summary: 'Change settings (audited); applications approved afterwards get the new terms',
  })
  @ApiOkResponse({ type: TurnoverFundResponseDto })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateTurnoverFundDto,
  ): Promise<TurnoverFundResponseDto> {
    return this.funds.update(caller, id, dto);
  }

  @Post(':id/capital')
  @Auth(Role.Admin)
  @Idempotent()
  @ApiOperation({ summary: 'Capital paid in: Dr cash / Cr capital' })
  @ApiCreatedResponse({ type: CapitalMovementResponseDto })
  injectCapital(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @IdempotencyKey() key: string,
    @Body() dto: CapitalMovementDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CapitalMovementResponseDto> {
    return answer(reply, this.funds.injectCapital(caller, id, key, dto));
  }

  @Post(':id/capital-returns')
  @Auth(Role.Admin)
  @Idempotent()
  @ApiOperation({
    summary: 'Capital paid back: Dr capital / Cr cash; 409 INSUFFICIENT_FUND_BALANCE when short',
  })
  @ApiCreatedResponse({ type: CapitalMovementResponseDto })
  returnCapital(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @IdempotencyKey() key: string,
    @Body() dto: CapitalMovementDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CapitalMovementResponseDto> {
    return answer(reply, this.funds.returnCapital(caller, id, key, dto));
  }

  @Get(':id/ledger')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({ summary: 'Journals with their lines, in posting order (keyset pages)' })
  @ApiOkResponse({ type: FundJournalPageDto })
  ledger(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: LedgerQueryDto,
  ): Promise<Page<FundJournalDto>> {
    return this.funds.journals(id, query);
  }

  @Get(':id/reconcile')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({ summary: 'Stored balances vs balances recomputed from the journal lines' })
  @ApiOkResponse({ type: ReconciliationDto })
  reconcile(@Param('id', ParseUUIDPipe) id: string): Promise<ReconciliationDto> {
    return this.funds.reconcile(id);
  }

  @Get(':id/report')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({
    summary:
      'Uses, enterprises, turnover, days, fees, savings, overdue and write-offs by bank and month',
    description:
      'Events in [from, to) (business dates, Asia/Shanghai): a use counts on its disbursement date, its fee and saving on its repayment date. With `Accept: text/csv` the same figures as CSV (UTF-8 with BOM).',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: TurnoverReportDto })
  async report(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: TurnoverReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TurnoverReportDto | string> {
    const report = await this.reports.report(id, query);
    if (!prefersCsv(accept)) {
      return report;
    }
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="turnover-${report.from}-${report.to}.csv"`,
      );
    return toTurnoverReportCsv(report);
  }
}
