import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
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
import { NamedDto } from '../commissioners/commissioners.dto.js';
import {
  OFFERED_GUARANTEES,
  type OfferedGuarantee,
  REQUEST_PURPOSES,
  type RequestPurpose,
} from '../matching/financing-request.entity.js';
import { MAX_DESCRIPTION_LENGTH } from '../matching/financing-requests.dto.js';
import {
  IsCalendarDate,
  MatchResponseDto,
  MAX_TERM_MONTHS,
  PersonDto,
  trim,
} from '../matching/matches.dto.js';
import { ANNUAL_RATE_MESSAGE, ANNUAL_RATE_PATTERN } from '../products/products.dto.js';
import type { IntentStatus } from './event-intent-lifecycle.js';
import { EVENT_FORMATS, type EventFormat } from './matchmaking-event.entity.js';

export const INTENT_STATUSES: readonly IntentStatus[] = ['open', 'converted'];
/** Participants one request may add: a city's banks, and a large event's enterprises. */
export const MAX_BANKS_PER_CALL = 100;
export const MAX_ENTERPRISES_PER_CALL = 1000;

const IsText = (max: number): PropertyDecorator =>
  applyDecorators(
    Transform(trim),
    IsString(),
    MinLength(1, { message: '$property is required and may not be blank' }),
    MaxLength(max),
  );

const IsIdList = (max: number): PropertyDecorator =>
  applyDecorators(IsArray(), ArrayMaxSize(max), ArrayUnique(), IsUUID('all', { each: true }));

export class ParticipantsDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_BANKS_PER_CALL,
    description: 'Participating banks',
  })
  @IsOmittable()
  @IsIdList(MAX_BANKS_PER_CALL)
  bankIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_ENTERPRISES_PER_CALL,
    description: 'Participating enterprises',
  })
  @IsOmittable()
  @IsIdList(MAX_ENTERPRISES_PER_CALL)
  enterpriseIds?: string[];
}

export class CreateEventDto extends ParticipantsDto {
  @ApiProperty({ example: '专精特新企业线上融资对接会', maxLength: 200 })
  @IsText(200)
  title: string;

  @ApiProperty({ example: '专精特新', maxLength: 100 })
  @IsText(100)
  theme: string;

  @ApiProperty({ format: 'date', example: '2026-04-15', description: 'Day the event is held' })
  @IsCalendarDate()
  date: string;

  @ApiProperty({ enum: EVENT_FORMATS })
  @IsIn(EVENT_FORMATS)
  format: EventFormat;

  @ApiPropertyOptional({ example: '通化市金融服务中心', maxLength: 200 })
  @IsOmittable()
  @IsText(200)
  location?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOmittable()
  @IsText(2000)
  description?: string;
}

export class ListEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '专精特新' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  theme?: string;

  @ApiPropertyOptional({ enum: EVENT_FORMATS })
  @IsOptional()
  @IsIn(EVENT_FORMATS)
  format?: EventFormat;
}

export class CreateIntentDto {
  @ApiProperty({ format: 'uuid', description: 'A participating enterprise' })
  @IsUUID()
  enterpriseId: string;

  @ApiProperty({
    format: 'uuid',
    description: 'A participating bank; bank staff: their own bank only',
  })
  @IsUUID()
  bankId: string;

  @ApiProperty({ example: '5000000.00', description: 'Intended amount in yuan, above 0' })
  @IsMoney()
  amount: string;
}

export class ListIntentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INTENT_STATUSES })
  @IsOptional()
  @IsIn(INTENT_STATUSES)
  status?: IntentStatus;
}

export class ConvertIntentDto {
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

  @ApiPropertyOptional({ format: 'uuid', description: 'An active product of the intent’s bank' })
  @IsOmittable()
  @IsUUID()
  productId?: string;

  @ApiPropertyOptional({ example: '0.045', description: 'Highest acceptable annual rate' })
  @IsOmittable()
  @IsString()
  @Matches(ANNUAL_RATE_PATTERN, { message: ANNUAL_RATE_MESSAGE })
  rateCeiling?: string;

  @ApiPropertyOptional({
    maxLength: MAX_DESCRIPTION_LENGTH,
    description: 'Default: names the event',
  })
  @IsOmittable()
  @IsText(MAX_DESCRIPTION_LENGTH)
  description?: string;
}

export class EventResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ example: '专精特新' }) theme: string;
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty({ enum: EVENT_FORMATS }) format: EventFormat;
  @ApiProperty({ nullable: true, type: String }) location: string | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ description: 'Participating banks' }) bankCount: number;
  @ApiProperty({ description: 'Participating enterprises' }) enterpriseCount: number;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class EventDetailDto extends EventResponseDto {
  @ApiProperty({ type: [NamedDto], description: 'By name' }) banks: NamedDto[];
  @ApiProperty({ type: [NamedDto], description: 'By name' }) enterprises: NamedDto[];
}

export class EventPageDto {
  @ApiProperty({ type: [EventResponseDto] }) items: EventResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class IntentResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ type: NamedDto }) enterprise: NamedDto;
  @ApiProperty({ type: NamedDto }) bank: NamedDto;
  @ApiProperty({ example: '5000000.00' }) amount: string;
  @ApiProperty({ enum: INTENT_STATUSES }) status: IntentStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) requestId: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The match with the intent’s bank',
  })
  matchId: string | null;
  @ApiProperty({ type: PersonDto }) recordedBy: PersonDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) convertedAt: string | null;
}

export class IntentPageDto {
  @ApiProperty({ type: [IntentResponseDto] }) items: IntentResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ConvertedIntentDto {
  @ApiProperty({ type: IntentResponseDto }) intent: IntentResponseDto;
  @ApiProperty({
    type: MatchResponseDto,
    description: 'The match dispatched to the intent’s bank; its requestId is the new request',
  })
  match: MatchResponseDto;
}

export class EventStatsDto {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ description: 'Participating banks' }) banks: number;
  @ApiProperty({ description: 'Participating enterprises' }) enterprises: number;
  @ApiProperty({ description: '意向笔数: intents recorded for the event' }) intents: number;
  @ApiProperty({
    example: '15000000.00',
    description: '意向金额: Σ amount of every intent recorded for the event',
  })
  intentAmount: string;
  @ApiProperty({ description: 'Distinct enterprises with at least one intent' })
  enterprisesWithIntent: number;
  @ApiProperty({ description: 'Intents converted into a dispatched financing request' })
  converted: number;
  @ApiProperty({ example: '12000000.00', description: 'Σ amount of the converted intents' })
  convertedAmount: string;
  @ApiProperty({
    description:
      'Converted intents whose match (with the intent’s bank) is now approved or disbursed',
  })
  approved: number;
  @ApiProperty({
    example: '10000000.00',
    description: '授信: Σ approvedAmount of those matches',
  })
  approvedAmount: string;
  @ApiProperty({ description: 'Converted intents whose match is disbursed (funded)' })
  funded: number;
  @ApiProperty({
    example: '9000000.00',
    description:
      '放款: Σ disbursed amount through the matches the conversions dispatched (a disbursement ' +
      'by another bank the request was later pushed to does not count)',
  })
  disbursedAmount: string;
}

export interface EventRow {
  id: string;
  title: string;
  theme: string;
  heldOn: string;
  format: EventFormat;
  location: string | null;
  description: string | null;
  bankCount: number;
  enterpriseCount: number;
  createdBy: string;
  createdAt: Date;
}

export function toEventResponse(row: EventRow): EventResponseDto {
  return {
    id: row.id,
    title: row.title,
    theme: row.theme,
    date: row.heldOn,
    format: row.format,
    location: row.location,
    description: row.description,
    bankCount: row.bankCount,
    enterpriseCount: row.enterpriseCount,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface IntentRow {
  id: string;
  eventId: string;
  enterpriseId: string;
  enterpriseName: string;
  bankId: string;
  bankName: string;
  amountFen: string;
  status: IntentStatus;
  requestId: string | null;
  matchId: string | null;
  recordedById: string;
  recordedByName: string;
  createdAt: Date;
  convertedAt: Date | null;
}

export function toIntentResponse(row: IntentRow): IntentResponseDto {
  return {
    id: row.id,
    eventId: row.eventId,
    enterprise: { id: row.enterpriseId, name: row.enterpriseName },
    bank: { id: row.bankId, name: row.bankName },
    amount: formatFen(BigInt(row.amountFen)),
    status: row.status,
    requestId: row.requestId,
    matchId: row.matchId,
    recordedBy: { id: row.recordedById, name: row.recordedByName },
    createdAt: row.createdAt.toISOString(),
    convertedAt: row.convertedAt === null ? null : row.convertedAt.toISOString(),
  };
}
