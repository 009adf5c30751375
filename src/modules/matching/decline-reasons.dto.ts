import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsOmittable } from '../../common/validation/optional.js';
import { DeclineReasonEntity } from './decline-reason.entity.js';
import { trim } from './matches.dto.js';

/** The decline_reasons.code CHECK. */
export const DECLINE_REASON_CODE = /^[a-z][a-z0-9_]{1,49}$/;

export class CreateDeclineReasonDto {
  @ApiProperty({ example: 'industry_policy', description: 'Lower-case slug, 2–50 characters' })
  @IsString()
  @Matches(DECLINE_REASON_CODE, {
    message: 'must be a lower-case slug of 2–50 letters, digits or _, starting with a letter',
  })
  code: string;

  @ApiProperty({ example: '行业政策限制', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label: string;

  @ApiPropertyOptional({ default: true })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ default: 0, description: 'Display order, smallest first' })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
}

export class UpdateDeclineReasonDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label?: string;

  @ApiPropertyOptional({
    description: 'false retires the code: old matches keep it, new declines cannot use it',
  })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
}

export class DeclineReasonResponseDto {
  @ApiProperty({ example: 'insufficient_collateral' }) code: string;
  @ApiProperty({ example: '抵押担保不足' }) label: string;
  @ApiProperty() active: boolean;
  @ApiProperty() sortOrder: number;
}

export function toDeclineReasonResponse(reason: DeclineReasonEntity): DeclineReasonResponseDto {
  return {
    code: reason.code,
    label: reason.label,
    active: reason.active,
    sortOrder: reason.sortOrder,
  };
}
