import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { BUSINESS_DATE_PATTERN } from '../products/lpr-rates.dto.js';

export const STATS_GROUPINGS = ['bank', 'region', 'month'] as const;
export type StatsGrouping = (typeof STATS_GROUPINGS)[number];

const DATE_MESSAGE = 'must be a date as YYYY-MM-DD';

export class MatchmakingStatsQueryDto {
  @ApiProperty({
    format: 'date',
    example: '2025-01-01',
    description: 'First business day of the period (Asia/Shanghai), included',
  })
  @Matches(BUSINESS_DATE_PATTERN, { message: DATE_MESSAGE })
  from: string;

  @ApiProperty({
    format: 'date',
    example: '2025-07-01',
    description: 'Business day after the period (Asia/Shanghai), excluded; later than from',
  })
  @Matches(BUSINESS_DATE_PATTERN, { message: DATE_MESSAGE })
  to: string;

  @ApiPropertyOptional({
    enum: STATS_GROUPINGS,
    description: 'Without it, only the total. Months are calendar months in Asia/Shanghai.',
  })
  @IsOptional()
  @IsIn(STATS_GROUPINGS)
  groupBy?: StatsGrouping;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only this bank. A bank president always sees only their own bank.',
  })
  @IsOptional()
  @IsUUID('all')
  bankId?: string;
}

export class MatchmakingFiguresDto {
  @ApiProperty({
    description: '对接户数: distinct enterprises with a match dispatched in the period',
  })
  enterprisesPushed: number;

  @ApiProperty({
    example: '17640000000.00',
    description: '需求金额: the amounts of those requests, each request counted once',
  })
  demandAmount: string;

  @ApiProperty({
    description: '放款户数: distinct enterprises with one of those matches disbursed',
  })
  enterprisesFunded: number;

  @ApiProperty({
    example: '15450000000.00',
    description: '放款金额: disbursed amounts of those matches',
  })
  amountDisbursed: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '0.6732',
    description:
      '对接成功率 = enterprisesFunded ÷ enterprisesPushed, 4 decimals; null if none pushed',
  })
  successRate: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '0.8759',
    description: '资金需求满足率 = amountDisbursed ÷ demandAmount, 4 decimals; null if none pushed',
  })
  satisfactionRate: string | null;

  @ApiProperty({ description: 'Matches dispatched in the period (对接笔数)' })
  matchesPushed: number;

  @ApiProperty({ description: 'Of those, matches accepted (at any time)' })
  matchesAccepted: number;

  @ApiProperty({ description: 'Of those, matches accepted at or before their response deadline' })
  matchesAcceptedOnTime: number;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '6.5',
    description: 'Median hours dispatch → accept over the accepted matches, 1 decimal',
  })
  medianHoursToAccept: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '0.9000',
    description:
      'matchesAcceptedOnTime ÷ matchesPushed, 4 decimals: a match never accepted, or accepted ' +
      'late, counts against the bank',
  })
  shareAcceptedOnTime: string | null;

  @ApiProperty({
    description: 'Of those matches, escalated (deadline breached) and still waiting to be accepted',
  })
  openEscalations: number;
}

export class MatchmakingGroupDto extends MatchmakingFiguresDto {
  @ApiProperty({
    example: '2025-03',
    description: 'Bank id, region code (GB/T 2260) or month (YYYY-MM)',
  })
  key: string;

  @ApiProperty({ example: '2025-03', description: 'Bank name, region name or month' })
  label: string;
}

export class MatchmakingStatsDto {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;

  @ApiProperty({ enum: STATS_GROUPINGS, nullable: true, type: String })
  groupBy: StatsGrouping | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Bank filter applied' })
  bankId: string | null;

  @ApiProperty({ type: [MatchmakingGroupDto], description: 'Groups with at least one match' })
  groups: MatchmakingGroupDto[];

  @ApiProperty({ type: MatchmakingFiguresDto, description: 'Distinct over the whole period' })
  total: MatchmakingFiguresDto;
}
