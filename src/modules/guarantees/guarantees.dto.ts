import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsMoney } from '../../common/money/is-money.decorator.js';
import { formatFen, toFenFromDb } from '../../common/money/money.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { MAX_REASON_LENGTH, MAX_TERM_MONTHS, trim } from '../matching/matches.dto.js';
import { BUSINESS_DATE_PATTERN } from '../products/lpr-rates.dto.js';
import { ANNUAL_RATE_MESSAGE, ANNUAL_RATE_PATTERN } from '../products/products.dto.js';
import { normaliseRate } from '../products/effective-rate.js';
import { RISK_PARTIES, type RiskParty, type RiskShares } from './guarantee-math.js';
import { GUARANTEE_STATUSES, type GuaranteeStatus } from './guarantee-lifecycle.js';

/** A share in (0, 1] with at most ten decimals (the column is NUMERIC(11, 10)). */
const SHARE_PATTERN = /^(0\.\d{1,10}|1(\.0{1,10})?)$/;
const SHARE_MESSAGE = 'must be a decimal string above 0 and at most 1, e.g. "0.4"';
/** 放大倍数: at most 9999.99. */
const MULTIPLE_PATTERN = /^\d{1,4}(\.\d{1,2})?$/;
const DATE_MESSAGE = 'must be a date as YYYY-MM-DD';

/** Who bears what part of a claim (代偿) and of a recovery (追偿); the named parts sum to 1. */
export class RiskSharesDto {
  @ApiPropertyOptional({ example: '0.4', description: 'The guarantee fund itself (担保机构)' })
  @IsOptional()
  @Matches(SHARE_PATTERN, { message: SHARE_MESSAGE })
  guarantor?: string;

  @ApiPropertyOptional({ example: '0.3', description: 'The provincial re-guarantor (再担保)' })
  @IsOptional()
  @Matches(SHARE_PATTERN, { message: SHARE_MESSAGE })
  reguarantor?: string;

  @ApiPropertyOptional({ example: '0.2', description: 'The lending bank' })
  @IsOptional()
  @Matches(SHARE_PATTERN, { message: SHARE_MESSAGE })
  bank?: string;

  @ApiPropertyOptional({ example: '0.1', description: 'The local government' })
  @IsOptional()
  @Matches(SHARE_PATTERN, { message: SHARE_MESSAGE })
  government?: string;
}

export class CreateGuaranteeFundDto {
  @ApiProperty({ example: '通化市信保基金', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({
    example: '0.007',
    description:
      'Annual fee rate. The national ceilings (1% up to 500万, 1.5% above) only raise warnings: the rate is the city’s choice',
  })
  @Matches(ANNUAL_RATE_PATTERN, { message: ANNUAL_RATE_MESSAGE })
  annualFeeRate: string;

  @ApiProperty({
    example: '10000000.00',
    description: 'Most principal one enterprise may have guaranteed at once',
  })
  @IsMoney()
  perEnterpriseCap: string;

  @ApiProperty({
    example: '10',
    description: '放大倍数: approved and active principal may reach capital × this',
  })
  @Matches(MULTIPLE_PATTERN, { message: 'must be a decimal string such as "10" or "7.5"' })
  capacityMultiple: string;

  @ApiProperty({ type: RiskSharesDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RiskSharesDto)
  shares: RiskSharesDto;
}

export class CapitalDto {
  @ApiProperty({ example: '50000000.00' })
  @IsMoney()
  amount: string;

  @ApiPropertyOptional({ example: '市财政注资', maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class CreateGuaranteeDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  fundId: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'A match that is approved or disbursed; its bank and enterprise are the guarantee’s',
  })
  @IsOptional()
  @IsUUID()
  matchId?: string;

  @ApiPropertyOptional({
    example: 'JL-2026-0815',
    description: 'For a loan the bank enters itself (without matchId): its contract number',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  loanContractNo?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'With loanContractNo: the borrower' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'With loanContractNo, for administrators: the lending bank (bank staff: their own)',
  })
  @IsOptional()
  @IsUUID()
  bankId?: string;

  @ApiProperty({ example: '3000000.00' })
  @IsMoney()
  principal: string;

  @ApiProperty({ example: 12, minimum: 1, maximum: MAX_TERM_MONTHS })
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  termMonths: number;
}

export class GuaranteeReasonDto {
  @ApiProperty({ example: '企业资产负债率过高', maxLength: MAX_REASON_LENGTH })
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: '$property is required and may not be blank' })
  @MaxLength(MAX_REASON_LENGTH)
  reason: string;
}

export class AmountDto {
  @ApiProperty({ example: '1000000.00' })
  @IsMoney()
  amount: string;
}

export class ListGuaranteesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  fundId?: string;

  @ApiPropertyOptional({ enum: GUARANTEE_STATUSES })
  @IsOptional()
  @IsIn(GUARANTEE_STATUSES)
  status?: GuaranteeStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  bankId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;
}

export class GuaranteeReportQueryDto {
  @ApiProperty({
    format: 'date',
    example: '2026-01-01',
    description: 'First day (Asia/Shanghai), included',
  })
  @Matches(BUSINESS_DATE_PATTERN, { message: DATE_MESSAGE })
  from: string;

  @ApiProperty({
    format: 'date',
    example: '2027-01-01',
    description: 'Day after the period, excluded',
  })
  @Matches(BUSINESS_DATE_PATTERN, { message: DATE_MESSAGE })
  to: string;
}

export class SharesAmountsDto {
  @ApiProperty({ example: '400000.00' })
  guarantor: string;
  @ApiProperty({ example: '300000.00' })
  reguarantor: string;
  @ApiProperty({ example: '200000.00' })
  bank: string;
  @ApiProperty({ example: '100000.00' })
  government: string;
}

export class GuaranteeFundPublicDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ example: '0.007' })
  annualFeeRate: string;
  @ApiProperty({ type: RiskSharesDto })
  shares: RiskShares;
  @ApiProperty({ example: '10000000.00' })
  perEnterpriseCap: string;
}

export class GuaranteeFundResponseDto extends GuaranteeFundPublicDto {
  @ApiProperty({ example: '10' })
  capacityMultiple: string;
  @ApiProperty({ example: '50000000.00' })
  capital: string;
  @ApiProperty({ example: '49000000.00' })
  cash: string;
  @ApiProperty({ example: '70000.00' })
  feeIncome: string;
  @ApiProperty({ example: '1200000.00' })
  claimsPaid: string;
  @ApiProperty({ example: '300000.00' })
  recoveries: string;
  @ApiProperty({
    example: '30000000.00',
    description: 'Principal of approved and active guarantees',
  })
  outstanding: string;
  @ApiProperty({ example: '470000000.00', description: 'capital × capacityMultiple − outstanding' })
  capacityLeft: string;
  @ApiProperty({ type: [String], description: 'Fee rate above the national ceilings' })
  warnings: string[];
  @ApiProperty()
  createdAt: string;
}

export class GuaranteeResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  fundId: string;
  @ApiProperty({ format: 'uuid' })
  bankId: string;
  @ApiProperty({ example: '吉林银行通化分行' })
  bankName: string;
  @ApiProperty({ format: 'uuid' })
  enterpriseId: string;
  @ApiProperty({ example: '通化东宝药业股份有限公司' })
  enterpriseName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  matchId: string | null;
  @ApiProperty({ nullable: true, type: String })
  loanContractNo: string | null;
  @ApiProperty({ example: '3000000.00' })
  principal: string;
  @ApiProperty({ example: 12 })
  termMonths: number;
  @ApiProperty({ example: '0.007' })
  annualFeeRate: string;
  @ApiProperty({ example: '21000.00', description: 'principal × rate × term / 12, half-up' })
  fee: string;
  @ApiProperty({ type: RiskSharesDto })
  shares: RiskShares;
  @ApiProperty({ enum: GUARANTEE_STATUSES })
  status: GuaranteeStatus;
  @ApiProperty({ nullable: true, type: String })
  reason: string | null;
  @ApiProperty({ nullable: true, type: String })
  claim: string | null;
  @ApiProperty({ type: SharesAmountsDto, nullable: true, description: 'The claim split by share' })
  claimSplit: Record<RiskParty, string> | null;
  @ApiProperty({ nullable: true, type: String })
  recovered: string | null;
  @ApiProperty({ type: SharesAmountsDto, nullable: true })
  recoverySplit: Record<RiskParty, string> | null;
  @ApiProperty({
    type: [String],
    description: 'Fee rate above the national ceiling for this principal',
  })
  warnings: string[];
  @ApiProperty({ nullable: true, type: String })
  approvedAt: string | null;
  @ApiProperty({ nullable: true, type: String })
  activatedAt: string | null;
  @ApiProperty({ nullable: true, type: String })
  releasedAt: string | null;
  @ApiProperty({ nullable: true, type: String })
  claimedAt: string | null;
  @ApiProperty({ nullable: true, type: String })
  recoveredAt: string | null;
  @ApiProperty()
  createdAt: string;
}

export class GuaranteePageDto {
  @ApiProperty({ type: [GuaranteeResponseDto] })
  items: GuaranteeResponseDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class GuaranteeLedgerEntryDto {
  @ApiProperty({ example: '42' })
  id: string;
  @ApiProperty({ enum: ['capital', 'fee', 'claim', 'recovery'] })
  kind: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  guaranteeId: string | null;
  @ApiProperty({ example: 'cash' })
  debitAccount: string;
  @ApiProperty({ example: 'capital' })
  creditAccount: string;
  @ApiProperty({ example: '50000000.00' })
  amount: string;
  @ApiProperty({ nullable: true, type: String })
  memo: string | null;
  @ApiProperty()
  createdAt: string;
}

export class GuaranteeLedgerPageDto {
  @ApiProperty({ type: [GuaranteeLedgerEntryDto] })
  items: GuaranteeLedgerEntryDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class AccountReconciliationDto {
  @ApiProperty({ example: 'cash' })
  account: string;
  @ApiProperty({ example: '49000000.00', description: 'Stored on the fund' })
  stored: string;
  @ApiProperty({ example: '49000000.00', description: 'Recomputed from the ledger' })
  fromLedger: string;
  @ApiProperty()
  matches: boolean;
}

export class GuaranteeReconcileDto {
  @ApiProperty()
  ok: boolean;
  @ApiProperty({ type: [AccountReconciliationDto] })
  accounts: AccountReconciliationDto[];
  @ApiProperty({
    description: 'Principal of approved and active guarantees recomputed vs the stored outstanding',
  })
  outstandingMatches: boolean;
}

export class GuaranteeFiguresDto {
  @ApiProperty({ description: 'Guarantees approved in the period' })
  issued: number;
  @ApiProperty({ example: '18000000.00', description: 'Their principal' })
  principal: string;
  @ApiProperty({ example: '126000.00', description: 'Fees of guarantees activated in the period' })
  fees: string;
  @ApiProperty({ description: 'Distinct enterprises among the guarantees approved in the period' })
  enterprises: number;
  @ApiProperty({ description: 'Claims (代偿) made in the period' })
  claims: number;
  @ApiProperty({ example: '500000.00', description: 'Their amounts' })
  claimed: string;
  @ApiProperty({ example: '200000.00', description: 'The fund’s (guarantor’s) share of them' })
  claimsPaid: string;
  @ApiProperty({ example: '100000.00', description: 'Recoveries (追偿) made in the period' })
  recovered: string;
  @ApiProperty({ example: '40000.00', description: 'The fund’s share of them' })
  recoveriesReceived: string;
}

export class GuaranteeReportRowDto extends GuaranteeFiguresDto {
  @ApiProperty({ description: 'Bank id, or the month as YYYY-MM (Asia/Shanghai)' })
  key: string;
  @ApiProperty({ description: 'Bank name, or the month' })
  label: string;
}

export class GuaranteeReportDto {
  @ApiProperty()
  from: string;
  @ApiProperty()
  to: string;
  @ApiProperty({ type: [GuaranteeReportRowDto] })
  byBank: GuaranteeReportRowDto[];
  @ApiProperty({ type: [GuaranteeReportRowDto] })
  byMonth: GuaranteeReportRowDto[];
  @ApiProperty({ type: GuaranteeFiguresDto })
  total: GuaranteeFiguresDto;
}

/** A guarantee_funds row as selected by the service. */
export interface GuaranteeFundRow {
  id: string;
  name: string;
  annual_fee_rate: string;
  per_enterprise_cap_fen: string;
  capacity_multiple: string;
  guarantor_share: string | null;
  reguarantor_share: string | null;
  bank_share: string | null;
  government_share: string | null;
  cash_fen: string;
  capital_fen: string;
  fee_income_fen: string;
  claims_paid_fen: string;
  recoveries_fen: string;
  outstanding_fen: string;
  created_at: Date;
}

/** A guarantees row as selected by the service. */
export interface GuaranteeRow {
  id: string;
  fund_id: string;
  bank_id: string;
  enterprise_id: string;
  bank_name: string;
  enterprise_name: string;
  match_id: string | null;
  loan_contract_no: string | null;
  principal_fen: string;
  term_months: number;
  annual_fee_rate: string;
  fee_fen: string;
  shares: RiskShares;
  status: GuaranteeStatus;
  reason: string | null;
  claim_fen: string | null;
  claim_split: Record<RiskParty, string> | null;
  recovered_fen: string | null;
  recovery_split: Record<RiskParty, string> | null;
  approved_at: Date | null;
  activated_at: Date | null;
  released_at: Date | null;
  claimed_at: Date | null;
  recovered_at: Date | null;
  created_at: Date;
}

export function sharesOf(row: GuaranteeFundRow): RiskShares {
  const shares: RiskShares = {};
  for (const party of RISK_PARTIES) {
    const value = row[`${party}_share`];
    if (value !== null) {
      shares[party] = normaliseRate(value);
    }
  }
  return shares;
}

const money = (fen: string | bigint): string => formatFen(BigInt(fen));
const instant = (value: Date | null): string | null => value?.toISOString() ?? null;

export function toGuaranteeFundPublic(row: GuaranteeFundRow): GuaranteeFundPublicDto {
  return {
    id: row.id,
    name: row.name,
    annualFeeRate: normaliseRate(row.annual_fee_rate),
    shares: sharesOf(row),
    perEnterpriseCap: money(row.per_enterprise_cap_fen),
  };
}

export function toGuaranteeFundResponse(
  row: GuaranteeFundRow,
  capacityFen: bigint,
  warnings: string[],
): GuaranteeFundResponseDto {
  const outstanding = toFenFromDb(row.outstanding_fen);
  return {
    ...toGuaranteeFundPublic(row),
    capacityMultiple: normaliseRate(row.capacity_multiple),
    capital: money(row.capital_fen),
    cash: money(row.cash_fen),
    feeIncome: money(row.fee_income_fen),
    claimsPaid: money(row.claims_paid_fen),
    recoveries: money(row.recoveries_fen),
    outstanding: money(outstanding),
    capacityLeft: money(capacityFen > outstanding ? capacityFen - outstanding : 0n),
    warnings,
    createdAt: row.created_at.toISOString(),
  };
}

const splitMoney = (split: Record<RiskParty, string> | null): Record<RiskParty, string> | null =>
  split === null
    ? null
    : (Object.fromEntries(RISK_PARTIES.map((party) => [party, money(split[party])])) as Record<
        RiskParty,
        string
      >);

export function toGuaranteeResponse(row: GuaranteeRow, warnings: string[]): GuaranteeResponseDto {
  return {
    id: row.id,
    fundId: row.fund_id,
    bankId: row.bank_id,
    bankName: row.bank_name,
    enterpriseId: row.enterprise_id,
    enterpriseName: row.enterprise_name,
    matchId: row.match_id,
    loanContractNo: row.loan_contract_no,
    principal: money(row.principal_fen),
    termMonths: row.term_months,
    annualFeeRate: normaliseRate(row.annual_fee_rate),
    fee: money(row.fee_fen),
    shares: row.shares,
    status: row.status,
    reason: row.reason,
    claim: row.claim_fen === null ? null : money(row.claim_fen),
    claimSplit: splitMoney(row.claim_split),
    recovered: row.recovered_fen === null ? null : money(row.recovered_fen),
    recoverySplit: splitMoney(row.recovery_split),
    warnings,
    approvedAt: instant(row.approved_at),
    activatedAt: instant(row.activated_at),
    releasedAt: instant(row.released_at),
    claimedAt: instant(row.claimed_at),
    recoveredAt: instant(row.recovered_at),
    createdAt: row.created_at.toISOString(),
  };
}
