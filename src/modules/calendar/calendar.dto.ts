import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  buildMessage,
  IsIn,
  IsString,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { type CalendarOverride, isCalendarDate } from './working-days.js';

export const CALENDAR_OVERRIDES: readonly CalendarOverride[] = ['holiday', 'workday'];

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: buildMessage(
          (eachPrefix) => `${eachPrefix}$property must be a real date written YYYY-MM-DD`,
          options,
        ),
      },
    },
    options,
  );
}

export class CalendarDaysQueryDto {
  @ApiProperty({ format: 'date', example: '2026-01-01', description: 'First day, inclusive' })
  @IsCalendarDate()
  from: string;

  @ApiProperty({
    format: 'date',
    example: '2026-12-31',
    description: 'Last day, inclusive; at most 366 days after `from`',
  })
  @IsCalendarDate()
  to: string;
}

export class PutCalendarDayDto {
  @ApiProperty({
    enum: CALENDAR_OVERRIDES,
    description:
      '`holiday`: a day off (any day); `workday`: a make-up working day (调休), only on a Saturday or Sunday',
  })
  @IsIn(CALENDAR_OVERRIDES)
  kind: CalendarOverride;

  @ApiProperty({ example: '春节', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;
}

export class CalendarDayResponseDto {
  @ApiProperty({ format: 'date', example: '2026-02-17' }) day: string;
  @ApiProperty({ enum: CALENDAR_OVERRIDES }) kind: CalendarOverride;
  @ApiProperty({ example: '春节' }) name: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CalendarDayListDto {
  @ApiProperty({ type: [CalendarDayResponseDto] }) items: CalendarDayResponseDto[];
}

/** A calendar_days row as read with the day as text (a `date` has no time zone to shift). */
export interface CalendarDayRow {
  day: string;
  kind: CalendarOverride;
  name: string;
  created_at: Date;
}

export function toCalendarDayResponse(row: CalendarDayRow): CalendarDayResponseDto {
  return {
    day: row.day,
    kind: row.kind,
    name: row.name,
    createdAt: row.created_at.toISOString(),
  };
}
