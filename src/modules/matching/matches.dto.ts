import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  buildMessage,
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
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { IsMoney } from '../../common/money/is-money.decorator.js';
import { formatFen } from '../../common/money/money.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { ANNUAL_RATE_MESSAGE, ANNUAL_RATE_PATTERN } from '../products/products.dto.js';
import { normaliseRate } from '../products/effective-rate.js';
import { isCalendarDate } from '../projects/project-rules.js';
import { type MatchStatus, OPEN_MATCH_STATUSES } from './lifecycles.js';
import { MatchEntity } from './match.entity.js';

export const MATCH_STATUSES: readonly MatchStatus[] = [
  'dispatched',
  'accepted',
  'approved',
  'disbursed',
  'declined',
  'recalled',
  'cancelled',
];
/** Fifty years: the database's bound on terms. */
export const MAX_TERM_MONTHS = 600;
export const MAX_REASON_LENGTH = 1000;

export const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: buildMessage(
          (eachPrefix) => `${eachPrefix}$property must be a date written YYYY-MM-DD`,
          options,
        ),
      },
    },
    options,
  );
}

/** A required free-text reason: trimmed, never blank. */
const IsReason = (): PropertyDecorator =>
  applyDecorators(
    Transform(trim),
    IsString(),
    MinLength(1, { message: '$property is required and may not be blank' }),
    MaxLength(MAX_REASON_LENGTH),
  );

export class DispatchDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The bank; its active president becomes accountable',
  })
  @IsUUID()
  bankId: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'An active product of that bank' })
  @IsOptional()
  @IsUUID()
  productId?: string;
}

export class AssignDto {
  @ApiProperty({ format: 'uuid', description: 'An active bank officer of the match’s bank' })
  @IsUUID()
  officerId: string;
}

export class ApproveDto {
  @ApiProperty({
    example: '3000000.00',
    description:
      '授信 amount in yuan, above 0 and at most the requested amount (a bank that would lend ' +
      'more asks the enterprise to file a new request)',
  })
  @IsMoney()
  approvedAmount: string;

  @ApiProperty({ example: '0.0385', description: 'Annual rate, above 0 and below 1, ≤ 6 decimals' })
  @IsString()
  @Matches(ANNUAL_RATE_PATTERN, { message: ANNUAL_RATE_MESSAGE })
  annualRate: string;

  @ApiProperty({ example: 12, minimum: 1, maximum: MAX_TERM_MONTHS })
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  termMonths: number;
}

export class DisburseDto {
  @ApiProperty({ example: '3000000.00', description: '放款 amount in yuan, at most the approved' })
  @IsMoney()
  amount: string;

  @ApiProperty({
    example: '2026-03-02',
    description:
      'Business date of the disbursement (Asia/Shanghai): not in the future, not ' +
      'before the match was dispatched',
  })
  @IsCalendarDate()
  disbursedOn: string;

  @ApiProperty({ example: 'JLB-2026-0001', description: 'The loan contract number' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  contractNo: string;
}

export class DeclineDto {
  @ApiProperty({
    example: 'insufficient_collateral',
    description: 'An active code of GET /decline-reasons',
  })
  @IsString()
  @MaxLength(50)
  reasonCode: string;

  @ApiProperty({ example: '抵押物评估价值不足以覆盖授信金额', maxLength: MAX_REASON_LENGTH })
  @IsReason()
  reason: string;
}

export class ReasonDto {
  @ApiProperty({ example: '超过响应时限未受理，改派他行', maxLength: MAX_REASON_LENGTH })
  @IsReason()
  reason: string;
}

export class ListMatchesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MATCH_STATUSES })
  @IsOptional()
  @IsIn(MATCH_STATUSES)
  status?: MatchStatus;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: still `dispatched` past responseDueAt; false: every other match',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ format: 'uuid', description: 'Administrators and auditors only' })
  @IsOptional()
  @IsUUID()
  bankId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The matches of one financing request' })
  @IsOptional()
  @IsUUID()
  requestId?: string;
}

export class PersonDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '王行长' }) name: string;
}

export class HolderDto extends PersonDto {
  @ApiProperty({ enum: ['bank_president', 'bank_officer'] }) role: string;
}

export class MatchDeclineDto {
  @ApiProperty({ example: 'insufficient_collateral' }) code: string;
  @ApiProperty({ example: '抵押担保不足' }) label: string;
  @ApiProperty() reason: string;
}

export class MatchAssignmentDto {
  @ApiProperty({ type: PersonDto }) officer: PersonDto;
  @ApiProperty({ type: PersonDto }) assignedBy: PersonDto;
  @ApiProperty({ format: 'date-time' }) assignedAt: string;
}

export class MatchResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty() enterpriseName: string;
  @ApiProperty({ example: '5000000.00', description: 'The amount the request asks for' })
  requestedAmount: string;
  @ApiProperty({ format: 'uuid' }) bankId: string;
  @ApiProperty({ example: '吉林银行通化分行' }) bankName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) productId: string | null;
  @ApiProperty({ nullable: true, type: String }) productName: string | null;
  @ApiProperty({ enum: MATCH_STATUSES }) status: MatchStatus;
  @ApiProperty({ description: 'dispatched, accepted or approved' }) open: boolean;
  @ApiProperty({ type: PersonDto, description: 'The accountable president (行长)' })
  president: PersonDto;
  @ApiProperty({ type: PersonDto, nullable: true, description: 'The assigned officer' })
  officer: PersonDto | null;
  @ApiProperty({
    type: HolderDto,
    nullable: true,
    description:
      'Who has the ball now: the officer if assigned, else the president; null once closed',
  })
  heldBy: HolderDto | null;
  @ApiProperty({ format: 'date-time' }) dispatchedAt: string;
  @ApiProperty({ format: 'date-time' }) responseDueAt: string;
  @ApiProperty({ description: 'Still dispatched after responseDueAt' }) overdue: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) escalatedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) acceptedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: '授信 (approved, not paid out)' })
  approvedAmount: string | null;
  @ApiProperty({ nullable: true, type: String, example: '0.0385' }) annualRate: string | null;
  @ApiProperty({ nullable: true, type: Number }) approvedTermMonths: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) disbursedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: '放款 (actually paid out)' })
  disbursedAmount: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) disbursedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) contractNo: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({ type: MatchDeclineDto, nullable: true }) decline: MatchDeclineDto | null;
  @ApiProperty({ nullable: true, type: String }) recallReason: string | null;
  @ApiProperty({ type: [MatchAssignmentDto], description: 'Officer assignments, oldest first' })
  assignments: MatchAssignmentDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class MatchPageDto {
  @ApiProperty({ type: [MatchResponseDto] }) items: MatchResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** What a match response needs beyond the row: names from other tables. */
export interface MatchContext {
  enterpriseId: string;
  enterpriseName: string;
  requestedAmountFen: bigint;
  bankName: string;
  productName: string | null;
  presidentName: string;
  officerName: string | null;
  declineLabel: string | null;
  assignments: {
    officerId: string;
    officerName: string;
    assignedById: string;
    assignedByName: string;
    assignedAt: Date;
  }[];
}

const iso = (value: Date | null): string | null => value?.toISOString() ?? null;

export function isOverdue(match: MatchEntity, now: Date): boolean {
  return match.status === 'dispatched' && match.responseDueAt.getTime() < now.getTime();
}

export function toMatchResponse(
  match: MatchEntity,
  context: MatchContext,
  now: Date,
): MatchResponseDto {
  const open = OPEN_MATCH_STATUSES.includes(match.status);
  const president = { id: match.presidentId, name: context.presidentName };
  const officer =
    match.officerId === null ? null : { id: match.officerId, name: context.officerName ?? '' };
  return {
    id: match.id,
    requestId: match.requestId,
    enterpriseId: context.enterpriseId,
    enterpriseName: context.enterpriseName,
    requestedAmount: formatFen(context.requestedAmountFen),
    bankId: match.bankId,
    bankName: context.bankName,
    productId: match.productId,
    productName: context.productName,
    status: match.status,
    open,
    president,
    officer,
    heldBy: !open
      ? null
      : officer !== null
        ? { ...officer, role: 'bank_officer' }
        : { ...president, role: 'bank_president' },
    dispatchedAt: match.dispatchedAt.toISOString(),
    responseDueAt: match.responseDueAt.toISOString(),
    overdue: isOverdue(match, now),
    escalatedAt: iso(match.escalatedAt),
    acceptedAt: iso(match.acceptedAt),
    approvedAt: iso(match.approvedAt),
    approvedAmount: match.approvedAmountFen === null ? null : formatFen(match.approvedAmountFen),
    annualRate: match.annualRate === null ? null : normaliseRate(match.annualRate),
    approvedTermMonths: match.approvedTermMonths,
    disbursedAt: iso(match.disbursedAt),
    disbursedAmount: match.disbursedAmountFen === null ? null : formatFen(match.disbursedAmountFen),
    disbursedOn: match.disbursedOn,
    contractNo: match.contractNo,
    closedAt: iso(match.closedAt),
    decline:
      match.declineReasonCode === null
        ? null
        : {
            code: match.declineReasonCode,
            label: context.declineLabel ?? match.declineReasonCode,
            reason: match.declineReason ?? '',
          },
    recallReason: match.recallReason,
    assignments: context.assignments.map((assignment) => ({
      officer: { id: assignment.officerId, name: assignment.officerName },
      assignedBy: { id: assignment.assignedById, name: assignment.assignedByName },
      assignedAt: assignment.assignedAt.toISOString(),
    })),
    createdAt: match.createdAt.toISOString(),
    updatedAt: match.updatedAt.toISOString(),
  };
}
