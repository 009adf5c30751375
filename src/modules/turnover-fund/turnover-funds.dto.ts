import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsMoney } from '../../common/money/is-money.decorator.js';
import { formatFen } from '../../common/money/money.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { IsOmittable } from '../../common/validation/optional.js';
import { trim } from '../matching/matches.dto.js';
import { normaliseRate } from '../products/effective-rate.js';
import { DAY_COUNTS, type DayCount } from './fees.js';
import { ACCOUNTS, type Account, JOURNAL_KINDS, type JournalKind, SIDES } from './fund-ledger.js';
import { TurnoverFundEntity } from './turnover-fund.entity.js';

/** A daily rate: at least 0, below 1, at most 10 decimals ("0.0002" = 0.02% per day). */
export const DAILY_RATE_PATTERN = /^0(\.\d{1,10})?$/;
const DAILY_RATE_MESSAGE =
  '$property must be a daily rate as a decimal string from 0 to below 1 with at most 10 decimals, e.g. "0.0002"';
/** A share above 0 and at most 1, at most 4 decimals ("0.95"). */
export const RATIO_PATTERN = /^(?!0(\.0{1,4})?$)(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
const RATIO_MESSAGE =
  '$property must be a share above 0 and at most 1 as a decimal string with at most 4 decimals, e.g. "0.95"';
export const MAX_FUND_DAYS = 365;
export const MAX_NOTE_LENGTH = 500;

const IsDailyRate = (): PropertyDecorator =>
  applyDecorators(IsString(), Matches(DAILY_RATE_PATTERN, { message: DAILY_RATE_MESSAGE }));
const IsRatio = (): PropertyDecorator =>
  applyDecorators(IsString(), Matches(RATIO_PATTERN, { message: RATIO_MESSAGE }));
const IsDayNumber = (): PropertyDecorator => applyDecorators(IsInt(), Min(1), Max(MAX_FUND_DAYS));
const IsName = (): PropertyDecorator =>
  applyDecorators(Transform(trim), IsString(), MinLength(1), MaxLength(100));

export class CreateTurnoverFundDto {
  @ApiProperty({ example: '通化市应急周转基金' })
  @IsName()
  name: string;

  @ApiProperty({ example: 5, description: 'k: days 1..k at tier1DailyRate, later days at tier2' })
  @IsDayNumber()
  tierDays: number;

  @ApiProperty({ example: '0.0002' })
  @IsDailyRate()
  tier1DailyRate: string;

  @ApiProperty({ example: '0.0004' })
  @IsDailyRate()
  tier2DailyRate: string;

  @ApiProperty({ example: '0.0008', description: 'Charged for each day past the due date' })
  @IsDailyRate()
  overdueDailyRate: string;

  @ApiProperty({ enum: DAY_COUNTS, example: 'calendar' })
  @IsIn(DAY_COUNTS)
  dayCount: DayCount;

  @ApiProperty({ example: 15 })
  @IsDayNumber()
  maxDays: number;

  @ApiProperty({ example: '20000000.00', description: 'Largest single use (yuan)' })
  @IsMoney()
  perUseCap: string;

  @ApiPropertyOptional({ example: '0.95', default: '0.95' })
  @IsOmittable()
  @IsRatio()
  commitmentCapRatio?: string;

  @ApiProperty({ example: '0.004', description: 'Private bridge money per day, for savings' })
  @IsDailyRate()
  benchmarkDailyRate: string;

  @ApiPropertyOptional({ example: '5000.00', description: 'Minimum fee per use (yuan)' })
  @IsOmittable()
  @IsMoney()
  minFee?: string;

  @ApiPropertyOptional({
    example: '0.40',
    default: '0.40',
    description: 'New business stops while overdue principal exceeds this share of capital',
  })
  @IsOmittable()
  @IsRatio()
  overdueStopRatio?: string;

  @ApiPropertyOptional({ default: false })
  @IsOmittable()
  @IsBoolean()
  suspended?: boolean;
}

/** Settings changes; they reach applications approved afterwards (terms are copied then). */
export class UpdateTurnoverFundDto {
  @ApiPropertyOptional() @IsOmittable() @IsName() name?: string;
  @ApiPropertyOptional() @IsOmittable() @IsDayNumber() tierDays?: number;
  @ApiPropertyOptional() @IsOmittable() @IsDailyRate() tier1DailyRate?: string;
  @ApiPropertyOptional() @IsOmittable() @IsDailyRate() tier2DailyRate?: string;
  @ApiPropertyOptional() @IsOmittable() @IsDailyRate() overdueDailyRate?: string;
  @ApiPropertyOptional({ enum: DAY_COUNTS }) @IsOmittable() @IsIn(DAY_COUNTS) dayCount?: DayCount;
  @ApiPropertyOptional() @IsOmittable() @IsDayNumber() maxDays?: number;
  @ApiPropertyOptional() @IsOmittable() @IsMoney() perUseCap?: string;
  @ApiPropertyOptional() @IsOmittable() @IsRatio() commitmentCapRatio?: string;
  @ApiPropertyOptional() @IsOmittable() @IsDailyRate() benchmarkDailyRate?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes the minimum' })
  @ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null)
  @IsMoney()
  minFee?: string | null;

  @ApiPropertyOptional() @IsOmittable() @IsRatio() overdueStopRatio?: string;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() suspended?: boolean;
}

export class CapitalMovementDto {
  @ApiProperty({ example: '50000000.00', description: 'Yuan, above 0' })
  @IsMoney()
  amount: string;

  @ApiProperty({ example: '市财政局拨付第一期资本金', maxLength: MAX_NOTE_LENGTH })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_NOTE_LENGTH)
  note: string;
}

export class ListTurnoverFundsQueryDto extends PageQueryDto {}

export class LedgerQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the journals of one application' })
  @IsOptional()
  @IsUUID()
  applicationId?: string;
}

export class TurnoverFundTermsDto {
  @ApiProperty() tierDays: number;
  @ApiProperty({ example: '0.0002' }) tier1DailyRate: string;
  @ApiProperty({ example: '0.0004' }) tier2DailyRate: string;
  @ApiProperty({ example: '0.0008' }) overdueDailyRate: string;
  @ApiProperty({ enum: DAY_COUNTS }) dayCount: DayCount;
  @ApiProperty() maxDays: number;
  @ApiProperty({ example: '20000000.00' }) perUseCap: string;
  @ApiProperty({ example: '0.95' }) commitmentCapRatio: string;
  @ApiProperty({ example: '0.004' }) benchmarkDailyRate: string;
  @ApiProperty({ nullable: true, type: String }) minFee: string | null;
  @ApiProperty({ example: '0.4' }) overdueStopRatio: string;
}

export class FundBalancesDto {
  @ApiProperty({ example: '50000000.00' }) cash: string;
  @ApiProperty({ description: 'Outstanding principal (paid out, not yet back)' })
  receivable: string;
  @ApiProperty() capital: string;
  @ApiProperty() feeIncome: string;
  @ApiProperty() loss: string;
}

/**
 * A fund as administrators and auditors see it. Bank staff and enterprises receive only id,
 * name, terms and open.
 */
export class TurnoverFundResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: TurnoverFundTermsDto }) terms: TurnoverFundTermsDto;
  @ApiProperty({ description: 'Takes new applications: not suspended, new business not stopped' })
  open: boolean;
  @ApiPropertyOptional() suspended?: boolean;
  @ApiPropertyOptional({ description: 'Overdue principal exceeds overdueStopRatio × capital' })
  newBusinessStopped?: boolean;
  @ApiPropertyOptional() settingsVersion?: number;
  @ApiPropertyOptional({ type: FundBalancesDto }) balances?: FundBalancesDto;
  @ApiPropertyOptional() overduePrincipal?: string;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) updatedAt?: string;
}

export class TurnoverFundPageDto {
  @ApiProperty({ type: [TurnoverFundResponseDto] }) items: TurnoverFundResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class JournalLineDto {
  @ApiProperty() lineNo: number;
  @ApiProperty({ enum: ACCOUNTS }) account: Account;
  @ApiProperty({ enum: SIDES }) side: string;
  @ApiProperty({ example: '1000000.00' }) amount: string;
}

export class FundJournalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Posting order' }) position: string;
  @ApiProperty({ enum: JOURNAL_KINDS }) kind: JournalKind;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) applicationId: string | null;
  @ApiProperty({ nullable: true, type: String }) memo: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) postedAt: string;
  @ApiProperty({ type: [JournalLineDto] }) lines: JournalLineDto[];
}

export class FundJournalPageDto {
  @ApiProperty({ type: [FundJournalDto] }) items: FundJournalDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CapitalMovementResponseDto {
  @ApiProperty({ type: FundJournalDto }) journal: FundJournalDto;
  @ApiProperty({ type: FundBalancesDto, description: 'The fund’s balances right after' })
  balances: FundBalancesDto;
}

export class AccountReconciliationDto {
  @ApiProperty({ enum: ACCOUNTS }) account: Account;
  @ApiProperty({ description: 'The balance stored on the fund' }) stored: string;
  @ApiProperty({ description: 'The balance recomputed from the journal lines' })
  recomputed: string;
  @ApiProperty({ description: 'stored − recomputed' }) difference: string;
  @ApiProperty() matches: boolean;
}

export class ReconciliationDto {
  @ApiProperty({ format: 'uuid' }) fundId: string;
  @ApiProperty({ type: [AccountReconciliationDto] }) accounts: AccountReconciliationDto[];
  @ApiProperty() journals: number;
  @ApiProperty({ description: 'Journals whose lines do not balance (always 0 if the DB holds)' })
  unbalancedJournals: number;
  @ApiProperty() totalDebit: string;
  @ApiProperty() totalCredit: string;
  @ApiProperty({ description: 'Σ debit = Σ credit' }) balanced: boolean;
  @ApiProperty({ description: 'cash + receivable + loss = capital + fee income (stored)' })
  equationHolds: boolean;
  @ApiProperty({ description: 'Every check above passes' }) ok: boolean;
}

export function toTermsResponse(fund: TurnoverFundEntity): TurnoverFundTermsDto {
  return {
    tierDays: fund.tierDays,
    tier1DailyRate: normaliseRate(fund.tier1DailyRate),
    tier2DailyRate: normaliseRate(fund.tier2DailyRate),
    overdueDailyRate: normaliseRate(fund.overdueDailyRate),
    dayCount: fund.dayCount,
    maxDays: fund.maxDays,
    perUseCap: formatFen(fund.perUseCapFen),
    commitmentCapRatio: normaliseRate(fund.commitmentCapRatio),
    benchmarkDailyRate: normaliseRate(fund.benchmarkDailyRate),
    minFee: fund.minFeeFen === null ? null : formatFen(fund.minFeeFen),
    overdueStopRatio: normaliseRate(fund.overdueStopRatio),
  };
}

export function toBalancesResponse(balances: Record<Account, bigint>): FundBalancesDto {
  return {
    cash: formatFen(balances.cash),
    receivable: formatFen(balances.receivable),
    capital: formatFen(balances.capital),
    feeIncome: formatFen(balances.fee_income),
    loss: formatFen(balances.loss),
  };
}

/** What the fund's state adds to its row: overdue principal and whether business stopped. */
export interface FundStanding {
  overdueFen: bigint;
  newBusinessStopped: boolean;
}

/** The full view (administrators, auditors) or, with `full` false, name, terms and open only. */
export function toFundResponse(
  fund: TurnoverFundEntity,
  standing: FundStanding,
  full: boolean,
): TurnoverFundResponseDto {
  const summary = {
    id: fund.id,
    name: fund.name,
    terms: toTermsResponse(fund),
    open: !fund.suspended && !standing.newBusinessStopped,
  };
  if (!full) {
    return summary;
  }
  return {
    ...summary,
    suspended: fund.suspended,
    newBusinessStopped: standing.newBusinessStopped,
    settingsVersion: fund.settingsVersion,
    balances: toBalancesResponse({
      cash: fund.cashFen,
      receivable: fund.receivableFen,
      capital: fund.capitalFen,
      fee_income: fund.feeIncomeFen,
      loss: fund.lossFen,
    }),
    overduePrincipal: formatFen(standing.overdueFen),
    createdAt: fund.createdAt.toISOString(),
    updatedAt: fund.updatedAt.toISOString(),
  };
}

/** A journal as the ledger query reads it (lines aggregated as JSON, amounts as text). */
export interface JournalRow {
  id: string;
  position: string;
  kind: JournalKind;
  application_id: string | null;
  memo: string | null;
  created_by: string | null;
  posted_at: Date;
  lines: { lineNo: number; account: Account; side: string; amountFen: string }[];
}

export function toJournalResponse(row: JournalRow): FundJournalDto {
  return {
    id: row.id,
    position: row.position,
    kind: row.kind,
    applicationId: row.application_id,
    memo: row.memo,
    createdBy: row.created_by,
    postedAt: row.posted_at.toISOString(),
    lines: row.lines.map((line) => ({
      lineNo: line.lineNo,
      account: line.account,
      side: line.side,
      amount: formatFen(BigInt(line.amountFen)),
    })),
  };
}
