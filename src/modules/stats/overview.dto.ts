import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '../matching/matches.dto.js';

export class OverviewQueryDto {
  @ApiProperty({
    format: 'date',
    example: '2026-01-01',
    description: 'First business day of the period (Asia/Shanghai), included',
  })
  @IsCalendarDate()
  from: string;

  @ApiProperty({
    format: 'date',
    example: '2027-01-01',
    description: 'Business day after the period (Asia/Shanghai), excluded; later than from',
  })
  @IsCalendarDate()
  to: string;
}

export class OverviewProjectsDto {
  @ApiProperty({
    example: 220,
    description:
      '重点项目数: key projects on the list as it stands now (not bounded by the period)',
  })
  count: number;

  @ApiProperty({ example: '102700000000.00', description: '总投资: Σ total investment of them' })
  totalInvestment: string;

  @ApiProperty({
    example: '21660000000.00',
    description: '年度计划投资: Σ investment planned for this year of them',
  })
  plannedInvestment: string;

  @ApiProperty({ example: 93, description: '新建: of them, kind new' })
  newProjects: number;

  @ApiProperty({ example: 127, description: '续建: of them, kind continuing' })
  continuingProjects: number;

  @ApiProperty({
    example: 217,
    description: '开工: of them, status started or completed (a suspended project is not counted)',
  })
  started: number;

  @ApiProperty({
    example: '0.9864',
    nullable: true,
    type: String,
    description: '开工率 = started ÷ count, 4 decimals, half-up; null when there is no project',
  })
  startRate: string | null;
}

export class OverviewTurnoverFundDto {
  @ApiProperty({
    example: '18511000000.00',
    description:
      '累计转贷: Σ principal of the uses of every turnover fund disbursed before `to` (since the first use)',
  })
  turnover: string;

  @ApiProperty({
    example: 1524,
    description: '累计服务企业: distinct enterprises among those uses',
  })
  enterprises: number;

  @ApiProperty({ example: 1524, description: '累计转贷笔数: those uses' })
  uses: number;

  @ApiProperty({
    example: '533000000.00',
    description:
      '累计节约财务成本: Σ savings of the uses repaid before `to` (principal × the private benchmark ' +
      'daily rate × days − fee, per use, never negative)',
  })
  savings: string;

  @ApiProperty({
    example: '4550000000.00',
    description: '新增转贷: Σ principal of the uses disbursed in [from, to)',
  })
  newTurnover: string;

  @ApiProperty({ description: '新增转贷笔数: uses disbursed in [from, to)' })
  newUses: number;

  @ApiProperty({ description: 'Distinct enterprises among the uses disbursed in [from, to)' })
  newEnterprises: number;
}

export class OverviewGuaranteesDto {
  @ApiProperty({
    example: '0.007000',
    nullable: true,
    type: String,
    description:
      '担保费率: annual fee rate of the guarantees approved in [from, to), weighted by principal ' +
      '(Σ principal × the rate each was applied at ÷ Σ principal), 6 decimals, half-up; null when none',
  })
  feeRate: string | null;

  @ApiProperty({ description: '新增担保笔数: guarantees of every fund approved in [from, to)' })
  newGuarantees: number;

  @ApiProperty({
    example: '18000000.00',
    description: '新增担保贷款: Σ principal of the guarantees approved in [from, to)',
  })
  newGuaranteedLoans: string;
}

export class OverviewOnlineLoansDto {
  @ApiProperty({
    description:
      '线上小微贷款笔数 (吉企银通): matches disbursed (disbursement date in [from, to)) whose ' +
      'financing request the enterprise filed itself through the self-service channel (not on its ' +
      'behalf by the center, a commissioner or an event), for enterprises of scale small or micro',
  })
  disbursements: number;

  @ApiProperty({ description: 'Distinct enterprises among those disbursements' })
  enterprises: number;

  @ApiProperty({
    example: '175000000.00',
    description: '线上小微贷款金额: Σ disbursed amount of those disbursements',
  })
  amount: string;
}

export class OverviewCommissionersDto {
  @ApiProperty({
    example: '3162000000.00',
    description:
      '专员授信 (双50): Σ approved amount of matches approved in [from, to) for key50 enterprises, ' +
      'counted when a commissioner served the enterprise on the approval date (as GET /stats/commissioners)',
  })
  creditApproved: string;

  @ApiProperty({
    example: '1764000000.00',
    description:
      '专员放款 (双50): Σ disbursed amount of matches disbursed in [from, to) for key50 ' +
      'enterprises served by a commissioner on the disbursement date',
  })
  loansDisbursed: string;
}

export class OverviewMatchmakingDto {
  @ApiProperty({
    example: 3210,
    description:
      '对接户数: distinct enterprises with a match dispatched in [from, to) (a cohort by dispatch ' +
      'date, as GET /stats/matchmaking)',
  })
  enterprisesPushed: number;

  @ApiProperty({
    example: '17640000000.00',
    description: '需求金额: Σ amount of those matches’ requests, each request once',
  })
  demandAmount: string;

  @ApiProperty({
    example: 2161,
    description: '放款户数: distinct enterprises with one of those matches disbursed (at any time)',
  })
  enterprisesFunded: number;

  @ApiProperty({
    example: '15450000000.00',
    description: '放款金额: Σ disbursed amount of those matches',
  })
  amountDisbursed: string;

  @ApiProperty({
    example: '0.6732',
    nullable: true,
    type: String,
    description:
      '对接成功率 = enterprisesFunded ÷ enterprisesPushed, 4 decimals, half-up; null if none pushed',
  })
  successRate: string | null;

  @ApiProperty({
    example: '0.8759',
    nullable: true,
    type: String,
    description:
      '资金需求满足率 = amountDisbursed ÷ demandAmount, 4 decimals, half-up; null if none pushed',
  })
  satisfactionRate: string | null;
}

export class OverviewEventsDto {
  @ApiProperty({ description: '融资对接活动: events held in [from, to)' })
  events: number;

  @ApiProperty({ description: '意向笔数: intents recorded for those events' })
  intents: number;

  @ApiProperty({
    example: '15000000.00',
    description: '融资意向金额: Σ amount of every intent recorded for those events',
  })
  intentAmount: string;
}

export class OverviewDto {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;

  @ApiProperty({ type: OverviewProjectsDto, description: '重点项目 (≥ 5000万)' })
  projects: OverviewProjectsDto;

  @ApiProperty({ type: OverviewTurnoverFundDto, description: '应急周转基金, every fund' })
  turnoverFund: OverviewTurnoverFundDto;

  @ApiProperty({ type: OverviewGuaranteesDto, description: '信保基金, every fund' })
  guarantees: OverviewGuaranteesDto;

  @ApiProperty({ type: OverviewOnlineLoansDto, description: '吉企银通: online small/micro loans' })
  onlineLoans: OverviewOnlineLoansDto;

  @ApiProperty({ type: OverviewCommissionersDto, description: '金融服务专员 for 双50 enterprises' })
  commissioners: OverviewCommissionersDto;

  @ApiProperty({ type: OverviewMatchmakingDto, description: '项目中心+行长制' })
  matchmaking: OverviewMatchmakingDto;

  @ApiProperty({ type: OverviewEventsDto, description: '融资对接活动' })
  events: OverviewEventsDto;
}
