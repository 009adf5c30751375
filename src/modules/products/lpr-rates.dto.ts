import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { LprRateEntity } from './lpr-rate.entity.js';
import { normaliseRate } from './effective-rate.js';
import { ANNUAL_RATE_MESSAGE, ANNUAL_RATE_PATTERN } from './products.dto.js';
import { LPR_TENORS, type LprTenor } from './product.entity.js';

export const BUSINESS_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export class CreateLprRateDto {
  @ApiProperty({ enum: LPR_TENORS })
  @IsIn(LPR_TENORS)
  tenor: LprTenor;

  @ApiProperty({
    example: '2025-05-20',
    format: 'date',
    description: 'Business date it applies from',
  })
  @Matches(BUSINESS_DATE_PATTERN, { message: 'must be a date as YYYY-MM-DD' })
  effectiveOn: string;

  @ApiProperty({ example: '0.0300', description: 'Annual rate as a decimal string' })
  @Matches(ANNUAL_RATE_PATTERN, { message: ANNUAL_RATE_MESSAGE })
  rate: string;
}

export class ListLprRatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LPR_TENORS })
  @IsOptional()
  @IsIn(LPR_TENORS)
  tenor?: LprTenor;
}

export class LprRateResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: LPR_TENORS }) tenor: LprTenor;
  @ApiProperty({ format: 'date' }) effectiveOn: string;
  @ApiProperty({ example: '0.03' }) rate: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class LprRatePageDto {
  @ApiProperty({ type: [LprRateResponseDto] }) items: LprRateResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export function toLprRateResponse(rate: LprRateEntity): LprRateResponseDto {
  return {
    id: rate.id,
    tenor: rate.tenor,
    effectiveOn: rate.effectiveOn,
    rate: normaliseRate(rate.rate),
    createdAt: rate.createdAt.toISOString(),
  };
}
