import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsMoney } from '../../common/money/is-money.decorator.js';
import { formatFen } from '../../common/money/money.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { normaliseRate } from '../products/effective-rate.js';
import { ANNUAL_RATE_MESSAGE, ANNUAL_RATE_PATTERN } from '../products/products.dto.js';
import {
  FinancingRequestEntity,
  OFFERED_GUARANTEES,
  type OfferedGuarantee,
  REQUEST_PURPOSES,
  type RequestPurpose,
} from './financing-request.entity.js';
import type { RequestStatus } from './lifecycles.js';
import { MatchResponseDto, MAX_TERM_MONTHS, trim } from './matches.dto.js';
import type { TimelineRow } from './request-timeline.js';

export const REQUEST_STATUSES: readonly RequestStatus[] = [
  'submitted',
  'dispatched',
  'funded',
  'withdrawn',
  'closed',
];
export const MAX_DESCRIPTION_LENGTH = 2000;

export class CreateFinancingRequestDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Administrators only, filing on the enterprise’s behalf (recorded as such); an enterprise ' +
      'user files for their own enterprise, from the token, and must leave it out',
  })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A key project of the same enterprise' })
  @IsOptional()
  @IsUUID()
  projectId?: string;

  @ApiProperty({ example: '5000000.00', description: 'Amount in yuan, above 0' })
  @IsMoney()
  amount: string;

  @ApiProperty({ example: 12, minimum: 1, maximum: MAX_TERM_MONTHS })
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  termMonths: number;

  @ApiProperty({ enum: REQUEST_PURPOSES })
  @IsIn(REQUEST_PURPOSES)
  purpose: RequestPurpose;

  @ApiProperty({ enum: OFFERED_GUARANTEES, description: '信用 / 抵押 / 质押 / 保证' })
  @IsIn(OFFERED_GUARANTEES)
  guaranteeOffered: OfferedGuarantee;

  @ApiPropertyOptional({ example: '0.045', description: 'Highest acceptable annual rate' })
  @IsOptional()
  @IsString()
  @Matches(ANNUAL_RATE_PATTERN, { message: ANNUAL_RATE_MESSAGE })
  rateCeiling?: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;
}

export class ListFinancingRequestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES)
  status?: RequestStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Administrators and auditors only' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Requests with a match (open or not) for this bank; bank staff: their own only',
  })
  @IsOptional()
  @IsUUID()
  bankId?: string;
}

export class TimelineActorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'bank_officer' }) role: string;
  @ApiProperty({ example: '王经理' }) name: string;
}

export class TimelineEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    example: 'match.accepted',
    description:
      'request.submitted | request.dispatched | request.funded | request.reopened | ' +
      'request.withdrawn | request.closed | match.dispatched | match.assigned | match.accepted | ' +
      'match.approved | match.disbursed | match.declined | match.recalled | match.cancelled | …',
  })
  action: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) matchId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) bankId: string | null;
  @ApiProperty({ nullable: true, type: String }) bankName: string | null;
  @ApiProperty({ nullable: true, type: String }) fromStatus: string | null;
  @ApiProperty({ nullable: true, type: String }) toStatus: string | null;
  @ApiProperty({ type: TimelineActorDto, nullable: true, description: 'null for the system' })
  actor: TimelineActorDto | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: Object, nullable: true }) details: Record<string, unknown> | null;
}

export class FinancingRequestResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty() enterpriseName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) projectId: string | null;
  @ApiProperty({ nullable: true, type: String }) projectName: string | null;
  @ApiProperty({ example: '5000000.00' }) amount: string;
  @ApiProperty({ example: 12 }) termMonths: number;
  @ApiProperty({ enum: REQUEST_PURPOSES }) purpose: RequestPurpose;
  @ApiProperty({ enum: OFFERED_GUARANTEES }) guaranteeOffered: OfferedGuarantee;
  @ApiProperty({ nullable: true, type: String, example: '0.045' }) rateCeiling: string | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: REQUEST_STATUSES }) status: RequestStatus;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ description: 'Filed by the project center for the enterprise' })
  onBehalf: boolean;
  @ApiProperty({ nullable: true, type: String }) closeReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class FinancingRequestDetailDto extends FinancingRequestResponseDto {
  @ApiProperty({
    type: [MatchResponseDto],
    description: 'Every match, oldest first (bank staff: their own bank’s only)',
  })
  matches: MatchResponseDto[];

  @ApiProperty({
    example: '3000000.00',
    description: '授信: sum approved over matches now approved or disbursed',
  })
  approvedAmount: string;

  @ApiProperty({ example: '3000000.00', description: '放款: sum actually paid out' })
  disbursedAmount: string;

  @ApiProperty({ type: [TimelineEventDto], description: 'Every transition, oldest first' })
  timeline: TimelineEventDto[];
}

export class FinancingRequestPageDto {
  @ApiProperty({ type: [FinancingRequestResponseDto] }) items: FinancingRequestResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export interface RequestNames {
  enterpriseName: string;
  projectName: string | null;
}

export function toFinancingRequestResponse(
  request: FinancingRequestEntity,
  names: RequestNames,
): FinancingRequestResponseDto {
  return {
    id: request.id,
    enterpriseId: request.enterpriseId,
    enterpriseName: names.enterpriseName,
    projectId: request.projectId,
    projectName: names.projectName,
    amount: formatFen(request.amountFen),
    termMonths: request.termMonths,
    purpose: request.purpose,
    guaranteeOffered: request.guaranteeOffered,
    rateCeiling: request.rateCeiling === null ? null : normaliseRate(request.rateCeiling),
    description: request.description,
    status: request.status,
    createdBy: request.createdBy,
    onBehalf: request.onBehalf,
    closeReason: request.closeReason,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

export function toTimelineEventResponse(row: TimelineRow): TimelineEventDto {
  return {
    id: row.id,
    action: row.action,
    matchId: row.matchId,
    bankId: row.bankId,
    bankName: row.bankName,
    fromStatus: row.fromStatus,
    toStatus: row.toStatus,
    actor:
      row.actorId === null
        ? null
        : { id: row.actorId, role: row.actorRole ?? '', name: row.actorName ?? '' },
    occurredAt: row.occurredAt.toISOString(),
    details: row.details,
  };
}

export function toFinancingRequestDetail(
  request: FinancingRequestEntity,
  names: RequestNames,
  matches: MatchResponseDto[],
  totals: { approvedFen: bigint; disbursedFen: bigint },
  timeline: TimelineRow[],
): FinancingRequestDetailDto {
  return {
    ...toFinancingRequestResponse(request, names),
    matches,
    approvedAmount: formatFen(totals.approvedFen),
    disbursedAmount: formatFen(totals.disbursedFen),
    timeline: timeline.map(toTimelineEventResponse),
  };
}
