import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable } from '../../common/validation/optional.js';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsMoney } from '../../common/money/is-money.decorator.js';
import { formatFen } from '../../common/money/money.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { REGION_CODE_PATTERN } from '../banks/banks.dto.js';
import { INDUSTRIES, SCALES } from '../enterprises/enterprise-scale.js';
import { EffectiveRate, normaliseRate } from './effective-rate.js';
import {
  GUARANTEE_TYPES,
  LPR_TENORS,
  PRODUCT_CATEGORIES,
  type ProductCategory,
  ProductEntity,
  RATE_KINDS,
  type GuaranteeType,
  type LprTenor,
  type RateKind,
} from './product.entity.js';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/**
 * An annual rate above 0 and below 1 with at most six decimals: the columns are NUMERIC(8, 6),
 * which would silently round a seventh decimal.
 */
export const ANNUAL_RATE_PATTERN = /^0\.(?=\d*[1-9])\d{1,6}$/;
export const ANNUAL_RATE_MESSAGE =
  'must be an annual rate as a decimal string above 0 and below 1 with at most six decimals, e.g. "0.0385"';

/** A free-form tag: a short lower-case slug such as `first_loan` (首贷). */
export const TAG_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const TAG_MESSAGE = 'must be a lower-case slug of at most 40 letters, digits or _';
const REGION_CODE_MESSAGE = 'must be a six-digit region code, e.g. "220502"';

/** Spreads are bounded so that a typo (8500 for 85) is refused rather than published. */
export const MAX_SPREAD_BP = 1000;
/** Fifty years. */
export const MAX_TERM_MONTHS = 600;

/**
 * How a product quotes its rate: `{ rateKind: 'fixed', minAnnualRate, maxAnnualRate }` or
 * `{ rateKind: 'lpr', lprTenor, minSpreadBp, maxSpreadBp }`. Members of the other kind must be
 * absent (checked by the service).
 */
export class ProductRateInputDto {
  @ApiProperty({ enum: RATE_KINDS })
  @IsIn(RATE_KINDS)
  rateKind: RateKind;

  @ApiPropertyOptional({ example: '0.0385', description: "rateKind 'fixed' only" })
  @ValidateIf((rate: ProductRateInputDto) => rate.rateKind === 'fixed')
  @Matches(ANNUAL_RATE_PATTERN, { message: ANNUAL_RATE_MESSAGE })
  minAnnualRate?: string;

  @ApiPropertyOptional({ example: '0.0600', description: "rateKind 'fixed' only" })
  @ValidateIf((rate: ProductRateInputDto) => rate.rateKind === 'fixed')
  @Matches(ANNUAL_RATE_PATTERN, { message: ANNUAL_RATE_MESSAGE })
  maxAnnualRate?: string;

  @ApiPropertyOptional({ enum: LPR_TENORS, description: "rateKind 'lpr' only" })
  @ValidateIf((rate: ProductRateInputDto) => rate.rateKind === 'lpr')
  @IsIn(LPR_TENORS)
  lprTenor?: LprTenor;

  @ApiPropertyOptional({
    example: -20,
    minimum: -MAX_SPREAD_BP,
    maximum: MAX_SPREAD_BP,
    description: "Basis points over the LPR (may be negative); rateKind 'lpr' only",
  })
  @ValidateIf((rate: ProductRateInputDto) => rate.rateKind === 'lpr')
  @IsInt()
  @Min(-MAX_SPREAD_BP)
  @Max(MAX_SPREAD_BP)
  minSpreadBp?: number;

  @ApiPropertyOptional({ example: 80, minimum: -MAX_SPREAD_BP, maximum: MAX_SPREAD_BP })
  @ValidateIf((rate: ProductRateInputDto) => rate.rateKind === 'lpr')
  @IsInt()
  @Min(-MAX_SPREAD_BP)
  @Max(MAX_SPREAD_BP)
  maxSpreadBp?: number;
}

/** The fields a create and an update share; every one optional here, required ones below. */
class ProductFieldsDto {
  @ApiPropertyOptional({ type: [String], example: ['220502'], description: 'Empty = any region' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(REGION_CODE_PATTERN, { each: true, message: REGION_CODE_MESSAGE })
  eligibleRegions?: string[];

  @ApiPropertyOptional({ enum: INDUSTRIES, isArray: true, description: 'Empty = any industry' })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(INDUSTRIES, { each: true })
  eligibleIndustries?: string[];

  @ApiPropertyOptional({ enum: SCALES, isArray: true, description: 'Empty = any scale' })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(SCALES, { each: true })
  eligibleScales?: string[];

  @ApiPropertyOptional({ enum: GUARANTEE_TYPES, isArray: true, description: 'Security accepted' })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(GUARANTEE_TYPES, { each: true })
  guaranteeTypes?: GuaranteeType[];

  @ApiPropertyOptional({
    type: [String],
    example: ['first_loan', 'specialized'],
    description:
      'Short slugs, e.g. first_loan 首贷, renewal 续贷, credit_loan 信用贷, specialized 专精特新贷',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(TAG_PATTERN, { each: true, message: TAG_MESSAGE })
  tags?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
}

export class CreateProductDto extends ProductFieldsDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for administrators; bank staff create for their own bank only',
  })
  @IsOptional()
  @IsUUID()
  bankId?: string;

  @ApiProperty({ example: '专精特新信用贷', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({ enum: PRODUCT_CATEGORIES })
  @IsIn(PRODUCT_CATEGORIES)
  category: ProductCategory;

  @ApiProperty({ example: '100000.00', description: 'Yuan, above zero' })
  @IsMoney()
  minAmount: string;

  @ApiProperty({ example: '10000000.00', description: 'Yuan, at least minAmount' })
  @IsMoney()
  maxAmount: string;

  @ApiProperty({ example: 6, minimum: 1, maximum: MAX_TERM_MONTHS })
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  minTermMonths: number;

  @ApiProperty({ example: 36, minimum: 1, maximum: MAX_TERM_MONTHS })
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  maxTermMonths: number;

  @ApiProperty({ type: ProductRateInputDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ProductRateInputDto)
  rate: ProductRateInputDto;
}

export class UpdateProductDto extends ProductFieldsDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: PRODUCT_CATEGORIES })
  @IsOmittable()
  @IsIn(PRODUCT_CATEGORIES)
  category?: ProductCategory;

  @ApiPropertyOptional({ example: '100000.00' })
  @IsOmittable()
  @IsMoney()
  minAmount?: string;

  @ApiPropertyOptional({ example: '10000000.00' })
  @IsOmittable()
  @IsMoney()
  maxAmount?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TERM_MONTHS })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  minTermMonths?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TERM_MONTHS })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  maxTermMonths?: number;

  @ApiPropertyOptional({ type: ProductRateInputDto, description: 'Replaces the rate as a whole' })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ProductRateInputDto)
  rate?: ProductRateInputDto;
}

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListProductsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PRODUCT_CATEGORIES })
  @IsOptional()
  @IsIn(PRODUCT_CATEGORIES)
  category?: ProductCategory;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  bankId?: string;

  @ApiPropertyOptional({
    example: '500000.00',
    description: 'Products whose amount range holds it',
  })
  @IsOptional()
  @IsMoney()
  amount?: string;

  @ApiPropertyOptional({ example: 12, description: 'Products whose term range holds it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TERM_MONTHS)
  termMonths?: number;

  @ApiPropertyOptional({ example: '220502', description: 'Products open to this region' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: REGION_CODE_MESSAGE })
  regionCode?: string;

  @ApiPropertyOptional({ enum: INDUSTRIES, description: 'Products open to this industry' })
  @IsOptional()
  @IsIn(INDUSTRIES)
  industry?: string;

  @ApiPropertyOptional({ enum: SCALES, description: 'Products open to this scale' })
  @IsOptional()
  @IsIn(SCALES)
  scale?: string;

  @ApiPropertyOptional({ example: 'first_loan' })
  @IsOptional()
  @Matches(TAG_PATTERN, { message: TAG_MESSAGE })
  tag?: string;

  @ApiPropertyOptional({
    default: true,
    description:
      'false lists withdrawn products: administrators and auditors see every bank’s, bank staff their own bank’s',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'Part of the product name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class ProductRateDto {
  @ApiProperty({ enum: RATE_KINDS }) rateKind: RateKind;
  @ApiProperty({ nullable: true, type: String, example: '0.0385' }) minAnnualRate: string | null;
  @ApiProperty({ nullable: true, type: String, example: '0.06' }) maxAnnualRate: string | null;
  @ApiProperty({ nullable: true, enum: LPR_TENORS }) lprTenor: LprTenor | null;
  @ApiProperty({ nullable: true, type: Number }) minSpreadBp: number | null;
  @ApiProperty({ nullable: true, type: Number }) maxSpreadBp: number | null;
}

export class EffectiveRateDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Today’s lowest annual rate; null while an LPR product’s tenor has no LPR',
  })
  minAnnualRate: string | null;

  @ApiProperty({ nullable: true, type: String }) maxAnnualRate: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'LPR products: the LPR in force' })
  lprRate: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date' }) lprEffectiveOn: string | null;
}

export class ProductResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) bankId: string;
  @ApiProperty() bankName: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PRODUCT_CATEGORIES }) category: ProductCategory;
  @ApiProperty({ example: '100000.00' }) minAmount: string;
  @ApiProperty({ example: '10000000.00' }) maxAmount: string;
  @ApiProperty() minTermMonths: number;
  @ApiProperty() maxTermMonths: number;
  @ApiProperty({ type: ProductRateDto }) rate: ProductRateDto;
  @ApiProperty({ type: EffectiveRateDto }) effectiveRate: EffectiveRateDto;
  @ApiProperty({ type: [String] }) eligibleRegions: string[];
  @ApiProperty({ enum: INDUSTRIES, isArray: true }) eligibleIndustries: string[];
  @ApiProperty({ enum: SCALES, isArray: true }) eligibleScales: string[];
  @ApiProperty({ enum: GUARANTEE_TYPES, isArray: true }) guaranteeTypes: GuaranteeType[];
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ProductPageDto {
  @ApiProperty({ type: [ProductResponseDto] }) items: ProductResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export function toProductResponse(
  product: ProductEntity,
  bankName: string,
  effective: EffectiveRate,
): ProductResponseDto {
  const normalise = (rate: string | null): string | null =>
    rate === null ? null : normaliseRate(rate);
  return {
    id: product.id,
    bankId: product.bankId,
    bankName,
    name: product.name,
    category: product.category,
    minAmount: formatFen(product.minAmountFen),
    maxAmount: formatFen(product.maxAmountFen),
    minTermMonths: product.minTermMonths,
    maxTermMonths: product.maxTermMonths,
    rate: {
      rateKind: product.rateKind,
      minAnnualRate: normalise(product.minAnnualRate),
      maxAnnualRate: normalise(product.maxAnnualRate),
      lprTenor: product.lprTenor,
      minSpreadBp: product.minSpreadBp,
      maxSpreadBp: product.maxSpreadBp,
    },
    effectiveRate: effective,
    eligibleRegions: product.eligibleRegions,
    eligibleIndustries: product.eligibleIndustries,
    eligibleScales: product.eligibleScales,
    guaranteeTypes: product.guaranteeTypes,
    tags: product.tags,
    active: product.active,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}
