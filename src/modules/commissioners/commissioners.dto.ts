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
} from 'class-validator';
import { IsMoney } from '../../common/money/is-money.decorator.js';
import { formatFen } from '../../common/money/money.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { IsOmittable } from '../../common/validation/optional.js';
import {
  OFFERED_GUARANTEES,
  type OfferedGuarantee,
  REQUEST_PURPOSES,
  type RequestPurpose,
} from '../matching/financing-request.entity.js';
import { FinancingRequestResponseDto } from '../matching/financing-requests.dto.js';
import {
  IsCalendarDate,
  MAX_REASON_LENGTH,
  MAX_TERM_MONTHS,
  PersonDto,
  trim,
} from '../matching/matches.dto.js';
import { ANNUAL_RATE_MESSAGE, ANNUAL_RATE_PATTERN } from '../products/products.dto.js';
import {
  type AssignmentEndCause,
  type AssignmentStatus,
  type NeedStatus,
  needStatus,
  VISIT_KINDS,
  type VisitKind,
} from './commissioner-lifecycle.js';

export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['active', 'ended'];
export const MAX_NOTES_LENGTH = 4000;

const IsText = (max: number): PropertyDecorator =>
  applyDecorators(
    Transform(trim),
    IsString(),
    MinLength(1, { message: '$property is required and may not be blank' }),
    MaxLength(max),
  );

export class CreateCommissionerDto {
  @ApiProperty({
    format: 'uuid',
    description: 'An active bank officer or bank president: the commissioner',
  })
  @IsUUID()
  officerId: string;

  @ApiProperty({ format: 'uuid', description: 'The enterprise served' })
  @IsUUID()
  enterpriseId: string;

  @ApiProperty({
    format: 'date',
    example: '2026-03-01',
    description:
      'First day of service (Asia/Shanghai), not in the future; not before the current ' +
      'commissioner’s first day nor inside an earlier commissioner’s service',
  })
  @IsCalendarDate()
  from: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2028-02-29',
    description: 'Last day of the term, inclusive, not before today; default two years less a day',
  })
  @IsOmittable()
  @IsCalendarDate()
  to?: string;
}

export class ListCommissionersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The commissioner (a user id)' })
  @IsOptional()
  @IsUUID()
  officerId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The commissioner’s bank' })
  @IsOptional()
  @IsUUID()
  bankId?: string;

  @ApiPropertyOptional({ enum: ASSIGNMENT_STATUSES })
  @IsOptional()
  @IsIn(ASSIGNMENT_STATUSES)
  status?: AssignmentStatus;
}

export class EndCommissionerDto {
  @ApiProperty({ example: '专员调任其他岗位', maxLength: MAX_REASON_LENGTH })
  @IsText(MAX_REASON_LENGTH)
  reason: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-06-01',
    description:
      'First day no longer served (Asia/Shanghai); default today; not in the future nor before ' +
      'the first day. A term already over keeps its own end.',
  })
  @IsOmittable()
  @IsCalendarDate()
  on?: string;
}

export class CreateVisitDto {
  @ApiProperty({
    format: 'date',
    example: '2026-03-05',
    description: 'Business date of the contact: within the service, not in the future',
  })
  @IsCalendarDate()
  on: string;

  @ApiProperty({ enum: VISIT_KINDS, description: '上门走访 / 电话 / 线上 / 座谈或活动' })
  @IsIn(VISIT_KINDS)
  kind: VisitKind;

  @ApiProperty({ example: '了解企业扩产计划，需流动资金', maxLength: MAX_NOTES_LENGTH })
  @IsText(MAX_NOTES_LENGTH)
  notes: string;

  @ApiPropertyOptional({ description: 'A financing need was found (default false)' })
  @IsOmittable()
  @IsBoolean()
  needFound?: boolean;

  @ApiPropertyOptional({
    example: '5000000.00',
    description: 'The need’s amount in yuan, above 0: required with needFound, refused without',
  })
  @IsOmittable()
  @IsMoney()
  amount?: string;
}

export class FileNeedDto {
  @ApiPropertyOptional({
    example: '5000000.00',
    description: 'Amount of the request in yuan; default the amount of the need found',
  })
  @IsOmittable()
  @IsMoney()
  amount?: string;

  @ApiProperty({ example: 12, minimum: 1, maximum: MAX_TERM_MONTHS })
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  termMonths: number;

  @ApiProperty({ enum: REQUEST_PURPOSES })
  @IsIn(REQUEST_PURPOSES)
  purpose: RequestPurpose;

  @ApiProperty({ enum: OFFERED_GUARANTEES })
  @IsIn(OFFERED_GUARANTEES)
  guaranteeOffered: OfferedGuarantee;

  @ApiPropertyOptional({ format: 'uuid', description: 'A key project of the enterprise' })
  @IsOmittable()
  @IsUUID()
  projectId?: string;

  @ApiPropertyOptional({ example: '0.045', description: 'Highest acceptable annual rate' })
  @IsOmittable()
  @IsString()
  @Matches(ANNUAL_RATE_PATTERN, { message: ANNUAL_RATE_MESSAGE })
  rateCeiling?: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Default: the visit’s notes' })
  @IsOmittable()
  @IsText(2000)
  description?: string;
}

export class CommissionerStatsQueryDto {
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
    description: 'Business day after the period, excluded; later than from',
  })
  @IsCalendarDate()
  to: string;
}

export class NamedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class CommissionerResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: PersonDto, description: 'The commissioner' }) officer: PersonDto;
  @ApiProperty({ type: NamedDto }) bank: NamedDto;
  @ApiProperty({ type: NamedDto }) enterprise: NamedDto;
  @ApiProperty({ format: 'date', description: 'First day of service' }) from: string;
  @ApiProperty({ format: 'date', description: 'Last day of the term, inclusive' }) to: string;
  @ApiProperty({ enum: ASSIGNMENT_STATUSES }) status: AssignmentStatus;
  @ApiProperty({
    description:
      'Serving today: active and today within [from, to]. Only then does the commissioner see ' +
      'the enterprise’s profile and projects.',
  })
  inOffice: boolean;
  @ApiProperty({
    format: 'date',
    nullable: true,
    type: String,
    description: 'First day no longer served, once ended',
  })
  endedOn: string | null;
  @ApiProperty({ enum: ['ended', 'reassigned'], nullable: true, type: String })
  endCause: AssignmentEndCause | null;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The assignment that took over',
  })
  replacedBy: string | null;
  @ApiProperty({ type: PersonDto }) assignedBy: PersonDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) endedAt: string | null;
}

export class CommissionerPageDto {
  @ApiProperty({ type: [CommissionerResponseDto] }) items: CommissionerResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class VisitResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) assignmentId: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty({ format: 'uuid', description: 'The commissioner' }) officerId: string;
  @ApiProperty({ format: 'date' }) on: string;
  @ApiProperty({ enum: VISIT_KINDS }) kind: VisitKind;
  @ApiProperty() notes: string;
  @ApiProperty() needFound: boolean;
  @ApiProperty({ nullable: true, type: String, example: '5000000.00' }) amount: string | null;
  @ApiProperty({
    enum: ['none', 'open', 'filed'],
    description: 'none: no need found; open: found, not filed; filed: a financing request',
  })
  needStatus: NeedStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) filedAt: string | null;
  @ApiProperty({ type: PersonDto }) recordedBy: PersonDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class VisitPageDto {
  @ApiProperty({ type: [VisitResponseDto] }) items: VisitResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class FiledNeedDto {
  @ApiProperty({ type: VisitResponseDto }) visit: VisitResponseDto;
  @ApiProperty({
    type: FinancingRequestResponseDto,
    description: 'Filed on the enterprise’s behalf (onBehalf), waiting for the center’s dispatch',
  })
  request: FinancingRequestResponseDto;
}

export class CommissionerFiguresDto {
  @ApiProperty({
    description:
      'key50 enterprises served on at least one day of the period (distinct; in the total an ' +
      'enterprise that changed commissioner counts once)',
  })
  enterprisesServed: number;

  @ApiProperty({
    example: '3162000000.00',
    description:
      '授信: Σ approvedAmount of matches now approved or disbursed, for requests of key50 ' +
      'enterprises, approved (business date) within the period and within the commissioner’s ' +
      'service of that enterprise',
  })
  creditApproved: string;

  @ApiProperty({
    example: '1764000000.00',
    description:
      '放款: Σ disbursed amount of matches disbursed (disbursedOn) within the period and within ' +
      'the commissioner’s service of the enterprise, key50 enterprises only',
  })
  loansDisbursed: string;

  @ApiProperty({ description: 'Disbursed matches counted in loansDisbursed' })
  disbursements: number;

  @ApiProperty({
    description: 'Service-log entries dated within the period, for key50 enterprises',
  })
  visits: number;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '32.5',
    description:
      'Median of (first disbursement date of the request a need was filed as − the date of the ' +
      'visit that found it), in days, over needs found by the commissioner (key50) whose first ' +
      'disbursement falls within the period; 1 decimal; null when none',
  })
  medianDaysNeedToDisbursement: string | null;

  @ApiProperty({
    description:
      'Needs found by the commissioner (key50) on visits dated before the period ends that are ' +
      'still open at its end: no disbursement dated before `to`, and not filed as a request ' +
      'now withdrawn or closed',
  })
  openNeeds: number;
}

export class CommissionerFiguresRowDto extends CommissionerFiguresDto {
  @ApiProperty({ type: PersonDto }) officer: PersonDto;
  @ApiProperty({ type: NamedDto }) bank: NamedDto;
}

export class CommissionerStatsDto {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;

  @ApiProperty({
    type: [CommissionerFiguresRowDto],
    description:
      'Every commissioner with a figure in the period (a key50 enterprise served on one of its ' +
      'days, or a need of theirs disbursed in it or still open at its end), by bank and name',
  })
  commissioners: CommissionerFiguresRowDto[];

  @ApiProperty({
    type: CommissionerFiguresDto,
    description: 'The whole city: sums, except enterprisesServed (distinct) and the median',
  })
  total: CommissionerFiguresDto;
}

/** An assignment with the names it is shown with, as the service reads it. */
export interface AssignmentRow {
  id: string;
  officerId: string;
  officerName: string;
  bankId: string;
  bankName: string;
  enterpriseId: string;
  enterpriseName: string;
  startsOn: string;
  termEndsOn: string;
  status: AssignmentStatus;
  endedOn: string | null;
  endCause: AssignmentEndCause | null;
  endReason: string | null;
  replacedBy: string | null;
  assignedById: string;
  assignedByName: string;
  createdAt: Date;
  endedAt: Date | null;
}

export function isInOffice(row: AssignmentRow, today: string): boolean {
  return row.status === 'active' && row.startsOn <= today && today <= row.termEndsOn;
}

export function toCommissionerResponse(row: AssignmentRow, today: string): CommissionerResponseDto {
  return {
    id: row.id,
    officer: { id: row.officerId, name: row.officerName },
    bank: { id: row.bankId, name: row.bankName },
    enterprise: { id: row.enterpriseId, name: row.enterpriseName },
    from: row.startsOn,
    to: row.termEndsOn,
    status: row.status,
    inOffice: isInOffice(row, today),
    endedOn: row.endedOn,
    endCause: row.endCause,
    endReason: row.endReason,
    replacedBy: row.replacedBy,
    assignedBy: { id: row.assignedById, name: row.assignedByName },
    createdAt: row.createdAt.toISOString(),
    endedAt: row.endedAt === null ? null : row.endedAt.toISOString(),
  };
}

/** A visit with what it is shown with. */
export interface VisitRow {
  id: string;
  assignmentId: string;
  enterpriseId: string;
  officerId: string;
  visitedOn: string;
  kind: VisitKind;
  notes: string;
  needFound: boolean;
  needAmountFen: string | null;
  requestId: string | null;
  filedAt: Date | null;
  recordedById: string;
  recordedByName: string;
  createdAt: Date;
}

export function toVisitResponse(row: VisitRow): VisitResponseDto {
  return {
    id: row.id,
    assignmentId: row.assignmentId,
    enterpriseId: row.enterpriseId,
    officerId: row.officerId,
    on: row.visitedOn,
    kind: row.kind,
    notes: row.notes,
    needFound: row.needFound,
    amount: row.needAmountFen === null ? null : formatFen(BigInt(row.needAmountFen)),
    needStatus: needStatus(row),
    requestId: row.requestId,
    filedAt: row.filedAt === null ? null : row.filedAt.toISOString(),
    recordedBy: { id: row.recordedById, name: row.recordedByName },
    createdAt: row.createdAt.toISOString(),
  };
}
