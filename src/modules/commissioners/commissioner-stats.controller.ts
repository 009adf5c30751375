import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../common/auth/auth.decorators.js';
import { Role } from '../../common/auth/role.js';
import { CommissionerStatsService } from './commissioner-stats.service.js';
import { CommissionerStatsDto, CommissionerStatsQueryDto } from './commissioners.dto.js';

const DESCRIPTION = [
  'What the financial service commissioners (金融服务专员) did for the key50 (双50) enterprises',
  'in [from, to) (business dates, Asia/Shanghai), per commissioner and in total. An approval or',
  'disbursement counts for the commissioner who served the enterprise on its date; visits and',
  'needs for the commissioner whose log holds them. Only enterprises tagged key50 now count.',
  'Each figure is defined on its field below.',
].join('\n');

@ApiTags('stats')
@Controller('stats')
export class CommissionerStatsController {
  constructor(private readonly stats: CommissionerStatsService) {}

  @Get('commissioners')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({
    summary: 'Commissioners’ figures for the key50 enterprises',
    description: DESCRIPTION,
  })
  @ApiOkResponse({ type: CommissionerStatsDto })
  commissioners(@Query() query: CommissionerStatsQueryDto): Promise<CommissionerStatsDto> {
    return this.stats.commissioners(query);
  }
}
