import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
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
import { formatFen } from '../../common/money/money.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { IsCalendarDate, MAX_TERM_MONTHS, trim } from '../matching/matches.dto.js';
import { normaliseRate } from '../products/effective-rate.js';
import { DAY_COUNTS, type DayCount } from './fees.js';
import {
  APPLICATION_STATUSES,
  type ApplicationStatus,
  OPEN_APPLICATION_STATUSES,
} from './lifecycle.js';
import {
  RENEWAL_ROUTES,
  type RenewalRoute,
  TurnoverApplicationEntity,
} from './turnover-application.entity.js';
import { MAX_FUND_DAYS } from './turnover-funds.dto.js';

/** What the maturing loan was for; the fund bridges working-capital loans only. */
export const LOAN_KINDS = ['working_capital', 'fixed_asset', 'project', 'other'] as const;
export type LoanKind = (typeof LOAN_KINDS)[number];

/** The documents one city platform asks for (DOMAIN §2); stored as references. */
export const DOCUMENT_KINDS = [
  'business_licence',
  'articles_of_association',
  'legal_representative_id',
  'credit_report',
  'premises_proof',
  'maturing_loan_contract',
  'board_resolution',
  'financial_statements',
  'application_form',
  'truthfulness_pledge',
  'guarantor_documents',
  'renewal_commitment',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export const MAX_DOCUMENTS = 30;
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

const ContractNo = (): PropertyDecorator =>
  applyDecorators(Transform(trim), IsString(), MinLength(1), MaxLength(100));

export class MaturingLoanDto {
  @ApiProperty({ example: 'JLB-2025-0420' })
  @ContractNo()
  contractNo: string;

  @ApiProperty({ example: '10000000.00' })
  @IsMoney()
  amount: string;

  @ApiProperty({ example: '2026-03-20', description: 'Not in the past (Asia/Shanghai)' })
  @IsCalendarDate()
  maturityDate: string;

  @ApiProperty({ enum: LOAN_KINDS, description: 'Only working_capital loans are bridged' })
  @IsIn(LOAN_KINDS)
  kind: LoanKind;
}

export class DocumentReferenceDto {
  @ApiProperty({ enum: DOCUMENT_KINDS })
  @IsIn(DOCUMENT_KINDS)
  kind: DocumentKind;

  @ApiProperty({ example: '贷款合同.pdf' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ description: 'SHA-256 of the file, 64 lowercase hex digits' })
  @IsString()
  @Matches(SHA256_PATTERN, { message: '$property must be a SHA-256 in 64 lowercase hex digits' })
  checksum: string;
}

export class CreateTurnoverApplicationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  fundId: string;

  @ApiProperty({ format: 'uuid', description: 'The lending bank holding the maturing loan' })
  @IsUUID()
  bankId: string;

  @ApiProperty({ type: MaturingLoanDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MaturingLoanDto)
  maturingLoan: MaturingLoanDto;

  @ApiProperty({ example: '9500000.00', description: '≤ the per-use cap and the maturing amount' })
  @IsMoney()
  amount: string;

  @ApiProperty({ example: 5, description: '≤ the fund’s max days' })
  @IsInt()
  @Min(1)
  @Max(MAX_FUND_DAYS)
  days: number;

  @ApiPropertyOptional({ type: [DocumentReferenceDto], maxItems: MAX_DOCUMENTS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_DOCUMENTS)
  @ValidateNested({ each: true })
  @Type(() => DocumentReferenceDto)
  documents?: DocumentReferenceDto[];
}

export class BankCommitDto {
  @ApiProperty({
    example: '10000000.00',
    description: 'The renewal the bank commits to (续贷承诺); amount ≤ capRatio × this',
  })
  @IsMoney()
  committedAmount: string;

  @ApiProperty({ example: 12, minimum: 1, maximum: MAX_TERM_MONTHS })
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  renewalTermMonths: number;
}

export class RenewalDto {
  @ApiProperty({ example: 'JLB-2026-0101' })
  @ContractNo()
  newContractNo: string;

  @ApiProperty({ example: '10000000.00', description: 'The new loan (yuan)' })
  @IsMoney()
  amount: string;

  @ApiProperty({ example: '2026-03-23', description: 'Not in the future (Asia/Shanghai)' })
  @IsCalendarDate()
  renewedOn: string;
}

export class RepayDto {
  @ApiProperty({
    example: '2026-03-25',
    description: 'The day the money came back; not before the disbursement, not in the future',
  })
  @IsCalendarDate()
  repaidOn: string;
}

export class ListTurnoverApplicationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: APPLICATION_STATUSES })
  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  fundId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Bank staff: only their own bank' })
  @IsOptional()
  @IsUUID()
  bankId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Administrators and auditors only' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;
}

export class MaturingLoanResponseDto {
  @ApiProperty() contractNo: string;
  @ApiProperty() amount: string;
  @ApiProperty({ format: 'date' }) maturityDate: string;
  @ApiProperty({ enum: LOAN_KINDS }) kind: string;
}

export class CommitmentResponseDto {
  @ApiProperty() committedAmount: string;
  @ApiProperty() renewalTermMonths: number;
  @ApiProperty({ format: 'uuid' }) committedBy: string;
  @ApiProperty({ format: 'date-time' }) committedAt: string;
}

export class ApplicationTermsDto {
  @ApiProperty({ description: 'The fund’s settings version copied at approval' })
  version: number;
  @ApiProperty() tierDays: number;
  @ApiProperty() tier1DailyRate: string;
  @ApiProperty() tier2DailyRate: string;
  @ApiProperty() overdueDailyRate: string;
  @ApiProperty({ enum: DAY_COUNTS }) dayCount: DayCount;
  @ApiProperty() benchmarkDailyRate: string;
  @ApiProperty({ nullable: true, type: String }) minFee: string | null;
  @ApiProperty() commitmentCapRatio: string;
}

export class DecisionDto {
  @ApiProperty({ format: 'uuid' }) by: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiPropertyOptional() reason?: string;
}

export class DisbursementResponseDto {
  @ApiProperty({ format: 'uuid' }) disbursedBy: string;
  @ApiProperty({ format: 'date-time' }) disbursedAt: string;
  @ApiProperty({ format: 'date' }) disbursedOn: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
}

export class RenewalResponseDto {
  @ApiProperty() newContractNo: string;
  @ApiProperty() amount: string;
  @ApiProperty({ format: 'date' }) renewedOn: string;
  @ApiProperty({ format: 'uuid' }) recordedBy: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class RepaymentResponseDto {
  @ApiProperty({ format: 'date' }) repaidOn: string;
  @ApiProperty() daysUsed: number;
  @ApiProperty() overdueDays: number;
  @ApiProperty({ example: '1900.00' }) fee: string;
  @ApiProperty({ description: 'principal × benchmark × days − fee, never negative' })
  savings: string;
  @ApiProperty({ format: 'uuid' }) recordedBy: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class TurnoverApplicationResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) fundId: string;
  @ApiProperty() fundName: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty() enterpriseName: string;
  @ApiProperty({ format: 'uuid' }) bankId: string;
  @ApiProperty() bankName: string;
  @ApiProperty({ enum: APPLICATION_STATUSES }) status: ApplicationStatus;
  @ApiProperty({ description: 'Not yet closed (at most one per enterprise)' }) open: boolean;
  @ApiProperty({ enum: RENEWAL_ROUTES, nullable: true, type: String })
  route: RenewalRoute | null;
  @ApiProperty({ type: MaturingLoanResponseDto }) maturingLoan: MaturingLoanResponseDto;
  @ApiProperty({ example: '9500000.00' }) amount: string;
  @ApiProperty() days: number;
  @ApiProperty({ type: CommitmentResponseDto, nullable: true })
  commitment: CommitmentResponseDto | null;
  @ApiProperty({ type: ApplicationTermsDto, nullable: true, description: 'Copied at approval' })
  terms: ApplicationTermsDto | null;
  @ApiProperty({ type: DecisionDto, nullable: true }) approval: DecisionDto | null;
  @ApiProperty({ type: DecisionDto, nullable: true }) rejection: DecisionDto | null;
  @ApiProperty({ type: DecisionDto, nullable: true }) cancellation: DecisionDto | null;
  @ApiProperty({ type: DisbursementResponseDto, nullable: true })
  disbursement: DisbursementResponseDto | null;
  @ApiProperty({ type: RenewalResponseDto, nullable: true }) renewal: RenewalResponseDto | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) overdueAt: string | null;
  @ApiProperty({ type: RepaymentResponseDto, nullable: true })
  repayment: RepaymentResponseDto | null;
  @ApiProperty({ type: DecisionDto, nullable: true }) writeOff: DecisionDto | null;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class DocumentResponseDto {
  @ApiProperty({ enum: DOCUMENT_KINDS }) kind: string;
  @ApiProperty() name: string;
  @ApiProperty() checksum: string;
}

export class TimelineEntryDto {
  @ApiProperty({ example: 'turnover_application.disbursed' }) action: string;
  @ApiProperty({ nullable: true, type: String }) fromStatus: string | null;
  @ApiProperty({ nullable: true, type: String }) toStatus: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String }) actorRole: string | null;
  @ApiProperty({ nullable: true, type: String }) actorName: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}

export class TurnoverApplicationDetailDto extends TurnoverApplicationResponseDto {
  @ApiProperty({ type: [DocumentResponseDto] }) documents: DocumentResponseDto[];
  @ApiProperty({ type: [TimelineEntryDto], description: 'Every transition, oldest first' })
  timeline: TimelineEntryDto[];
}

export class TurnoverApplicationPageDto {
  @ApiProperty({ type: [TurnoverApplicationResponseDto] })
  items: TurnoverApplicationResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** Names a response shows beside the ids. */
export interface ApplicationNames {
  fundName: string;
  enterpriseName: string;
  bankName: string;
}

const iso = (value: Date | null): string => value?.toISOString() ?? '';

function decision(by: string | null, at: Date | null, reason?: string | null): DecisionDto | null {
  if (by === null || at === null) {
    return null;
  }
  return { by, at: at.toISOString(), ...(reason == null ? {} : { reason }) };
}

function termsOf(application: TurnoverApplicationEntity): ApplicationTermsDto | null {
  const a = application;
  if (
    a.termsVersion === null ||
    a.termsTierDays === null ||
    a.termsTier1DailyRate === null ||
    a.termsTier2DailyRate === null ||
    a.termsOverdueDailyRate === null ||
    a.termsDayCount === null ||
    a.termsBenchmarkDailyRate === null ||
    a.termsCommitmentCapRatio === null
  ) {
    return null;
  }
  return {
    version: a.termsVersion,
    tierDays: a.termsTierDays,
    tier1DailyRate: normaliseRate(a.termsTier1DailyRate),
    tier2DailyRate: normaliseRate(a.termsTier2DailyRate),
    overdueDailyRate: normaliseRate(a.termsOverdueDailyRate),
    dayCount: a.termsDayCount,
    benchmarkDailyRate: normaliseRate(a.termsBenchmarkDailyRate),
    minFee: a.termsMinFeeFen === null ? null : formatFen(a.termsMinFeeFen),
    commitmentCapRatio: normaliseRate(a.termsCommitmentCapRatio),
  };
}

export function toApplicationResponse(
  application: TurnoverApplicationEntity,
  names: ApplicationNames,
): TurnoverApplicationResponseDto {
  const a = application;
  return {
    id: a.id,
    fundId: a.fundId,
    fundName: names.fundName,
    enterpriseId: a.enterpriseId,
    enterpriseName: names.enterpriseName,
    bankId: a.bankId,
    bankName: names.bankName,
    status: a.status,
    open: OPEN_APPLICATION_STATUSES.includes(a.status),
    route: a.route,
    maturingLoan: {
      contractNo: a.maturingContractNo,
      amount: formatFen(a.maturingAmountFen),
      maturityDate: a.maturityDate,
      kind: a.maturingLoanKind,
    },
    amount: formatFen(a.principalFen),
    days: a.days,
    commitment:
      a.committedAmountFen === null || a.committedBy === null || a.committedAt === null
        ? null
        : {
            committedAmount: formatFen(a.committedAmountFen),
            renewalTermMonths: a.renewalTermMonths ?? 0,
            committedBy: a.committedBy,
            committedAt: a.committedAt.toISOString(),
          },
    terms: termsOf(a),
    approval: decision(a.approvedBy, a.approvedAt),
    rejection: decision(a.rejectedBy, a.rejectedAt, a.rejectReason),
    cancellation: decision(a.cancelledBy, a.cancelledAt),
    disbursement:
      a.disbursedBy === null || a.disbursedOn === null || a.dueOn === null
        ? null
        : {
            disbursedBy: a.disbursedBy,
            disbursedAt: iso(a.disbursedAt),
            disbursedOn: a.disbursedOn,
            dueOn: a.dueOn,
          },
    renewal:
      a.renewedBy === null || a.renewalAmountFen === null || a.renewedOn === null
        ? null
        : {
            newContractNo: a.renewalContractNo ?? '',
            amount: formatFen(a.renewalAmountFen),
            renewedOn: a.renewedOn,
            recordedBy: a.renewedBy,
            recordedAt: iso(a.renewedAt),
          },
    overdueAt: a.overdueAt?.toISOString() ?? null,
    repayment:
      a.repaidBy === null || a.repaidOn === null || a.feeFen === null || a.savingsFen === null
        ? null
        : {
            repaidOn: a.repaidOn,
            daysUsed: a.daysUsed ?? 0,
            overdueDays: a.overdueDays ?? 0,
            fee: formatFen(a.feeFen),
            savings: formatFen(a.savingsFen),
            recordedBy: a.repaidBy,
            recordedAt: iso(a.repaidAt),
          },
    writeOff: decision(a.writtenOffBy, a.writtenOffAt, a.writeOffReason),
    createdBy: a.createdBy,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export interface TimelineRow {
  action: string;
  from_status: string | null;
  to_status: string | null;
  actor_id: string | null;
  actor_role: string | null;
  actor_name: string | null;
  occurred_at: Date;
}

export function toTimelineEntry(row: TimelineRow): TimelineEntryDto {
  return {
    action: row.action,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    actorName: row.actor_name,
    occurredAt: row.occurred_at.toISOString(),
  };
}
