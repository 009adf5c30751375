import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { IsOmittable } from '../../common/validation/optional.js';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { formatFen } from '../../common/money/money.js';
import { IsMoney } from '../../common/money/is-money.decorator.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { CreateUserDto, UserResponseDto } from '../users/users.dto.js';
import { IsCreditCode } from './credit-code.decorator.js';
import { INDUSTRIES, type Industry, SCALES, type Scale } from './enterprise-scale.js';
import { ENTERPRISE_TAGS, EnterpriseEntity, type EnterpriseTag } from './enterprise.entity.js';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

const REGION_CODE = /^[0-9]{6}$/;
const PHONE = /^[0-9+() -]{5,32}$/;
const MAX_EMPLOYEES = 10_000_000;
export const MAX_OVERRIDE_REASON_LENGTH = 500;

/** The fields every new enterprise gives, whoever registers it. */
export class EnterpriseProfileDto {
  @ApiProperty({ example: '通化东宝药业股份有限公司' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({
    example: '91220500123456789X',
    description: '统一社会信用代码; upper-cased and trimmed before it is checked',
  })
  @IsCreditCode()
  creditCode: string;

  @ApiProperty({ example: '220502', description: 'GB/T 2260 code of a region (GET /regions)' })
  @IsString()
  @Matches(REGION_CODE, { message: 'must be a six-digit region code' })
  regionCode: string;

  @ApiProperty({ enum: INDUSTRIES })
  @IsIn(INDUSTRIES)
  industry: Industry;

  @ApiProperty({ minimum: 0, maximum: MAX_EMPLOYEES, type: 'integer' })
  @IsInt()
  @Min(0)
  @Max(MAX_EMPLOYEES)
  employees: number;

  @ApiProperty({ example: '30000000.00', description: 'Annual revenue in yuan' })
  @IsMoney()
  revenue: string;

  @ApiProperty({ example: '50000000.00', description: 'Total assets in yuan' })
  @IsMoney()
  assets: string;

  @ApiPropertyOptional({ example: '李明' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  legalRepresentative?: string | null;

  @ApiPropertyOptional({ example: '0435-3210000' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(PHONE, { message: 'must be a phone number (digits, +, -, spaces, parentheses)' })
  contactPhone?: string | null;
}

/** POST /enterprises (admin). */
export class CreateEnterpriseDto extends EnterpriseProfileDto {
  @ApiPropertyOptional({
    maxLength: MAX_OVERRIDE_REASON_LENGTH,
    description: 'Admits a code that fails the check character; recorded and audited',
  })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_OVERRIDE_REASON_LENGTH)
  creditCodeOverrideReason?: string;

  @ApiPropertyOptional({ enum: ENTERPRISE_TAGS, isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(ENTERPRISE_TAGS.length)
  @IsIn(ENTERPRISE_TAGS, { each: true })
  tags?: EnterpriseTag[];

  @ApiPropertyOptional({ default: false, description: 'Register it as already verified' })
  @IsOmittable()
  @IsBoolean()
  verified?: boolean;
}

/**
 * POST /auth/register: an enterprise and its first user. No tags, verification or credit-code
 * override: those are for administrators, so the whitelist refuses them here.
 */
export class RegisterEnterpriseDto extends IntersectionType(
  EnterpriseProfileDto,
  PickType(CreateUserDto, ['username', 'displayName', 'password'] as const),
) {}

/**
 * PATCH /enterprises/:id. Enterprise users may send the profile fields only; tags, the credit
 * code, its override reason and verification are for administrators.
 */
export class UpdateEnterpriseDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'Administrators only' })
  @IsOmittable()
  @IsCreditCode()
  creditCode?: string;

  @ApiPropertyOptional({
    maxLength: MAX_OVERRIDE_REASON_LENGTH,
    description: 'Administrators only',
  })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_OVERRIDE_REASON_LENGTH)
  creditCodeOverrideReason?: string;

  @ApiPropertyOptional({ example: '220502' })
  @IsOmittable()
  @IsString()
  @Matches(REGION_CODE, { message: 'must be a six-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ enum: INDUSTRIES })
  @IsOmittable()
  @IsIn(INDUSTRIES)
  industry?: Industry;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_EMPLOYEES, type: 'integer' })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(MAX_EMPLOYEES)
  employees?: number;

  @ApiPropertyOptional({ example: '30000000.00' })
  @IsOmittable()
  @IsMoney()
  revenue?: string;

  @ApiPropertyOptional({ example: '50000000.00' })
  @IsOmittable()
  @IsMoney()
  assets?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  legalRepresentative?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Matches(PHONE, { message: 'must be a phone number (digits, +, -, spaces, parentheses)' })
  contactPhone?: string | null;

  @ApiPropertyOptional({ enum: ENTERPRISE_TAGS, isArray: true, description: 'Administrators only' })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(ENTERPRISE_TAGS.length)
  @IsIn(ENTERPRISE_TAGS, { each: true })
  tags?: EnterpriseTag[];

  @ApiPropertyOptional({
    description: 'Administrators only: true verifies, false withdraws the verification',
  })
  @IsOmittable()
  @IsBoolean()
  verified?: boolean;
}

/** Fields of UpdateEnterpriseDto an enterprise user may not send. */
export const ADMIN_ONLY_FIELDS = [
  'tags',
  'creditCode',
  'creditCodeOverrideReason',
  'verified',
] as const satisfies readonly (keyof UpdateEnterpriseDto)[];

export class ListEnterprisesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '220502' })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE, { message: 'must be a six-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ enum: INDUSTRIES })
  @IsOptional()
  @IsIn(INDUSTRIES)
  industry?: Industry;

  @ApiPropertyOptional({ enum: SCALES })
  @IsOptional()
  @IsIn(SCALES)
  scale?: Scale;

  @ApiPropertyOptional({ enum: ENTERPRISE_TAGS })
  @IsOptional()
  @IsIn(ENTERPRISE_TAGS)
  tag?: EnterpriseTag;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  verified?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Part of the name or of the credit code' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class EnterpriseResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: '统一社会信用代码' }) creditCode: string;
  @ApiProperty({ description: 'The code fails its check character and was admitted by an admin' })
  creditCodeOverridden: boolean;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Shown to administrators and auditors only',
  })
  creditCodeOverrideReason?: string | null;
  @ApiProperty() regionCode: string;
  @ApiProperty() regionName: string;
  @ApiProperty({ enum: INDUSTRIES }) industry: Industry;
  @ApiProperty({ type: 'integer' }) employees: number;
  @ApiProperty({ example: '30000000.00' }) revenue: string;
  @ApiProperty({ example: '50000000.00' }) assets: string;
  @ApiProperty({ enum: SCALES }) scale: Scale;
  @ApiProperty({ example: '2011', description: 'Version of the SME size standard applied' })
  scaleStandard: string;
  @ApiProperty({ nullable: true, type: String }) legalRepresentative: string | null;
  @ApiProperty({ nullable: true, type: String }) contactPhone: string | null;
  @ApiProperty({ enum: ENTERPRISE_TAGS, isArray: true }) tags: EnterpriseTag[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) verifiedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) verifiedBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class EnterprisePageDto {
  @ApiProperty({ type: [EnterpriseResponseDto] }) items: EnterpriseResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RegistrationResponseDto {
  @ApiProperty({ type: EnterpriseResponseDto }) enterprise: EnterpriseResponseDto;
  @ApiProperty({ type: UserResponseDto }) user: UserResponseDto;
}

export interface EnterpriseView {
  regionName: string;
  /** Administrators and auditors see why a failing credit code was admitted. */
  showOverrideReason: boolean;
}

export function toEnterpriseResponse(
  enterprise: EnterpriseEntity,
  view: EnterpriseView,
): EnterpriseResponseDto {
  return {
    id: enterprise.id,
    name: enterprise.name,
    creditCode: enterprise.creditCode,
    creditCodeOverridden: enterprise.creditCodeOverrideReason !== null,
    ...(view.showOverrideReason
      ? { creditCodeOverrideReason: enterprise.creditCodeOverrideReason }
      : {}),
    regionCode: enterprise.regionCode,
    regionName: view.regionName,
    industry: enterprise.industry,
    employees: enterprise.employees,
    revenue: formatFen(enterprise.revenueFen),
    assets: formatFen(enterprise.assetsFen),
    scale: enterprise.scale,
    scaleStandard: enterprise.scaleStandard,
    legalRepresentative: enterprise.legalRepresentative,
    contactPhone: enterprise.contactPhone,
    tags: enterprise.tags,
    verifiedAt: enterprise.verifiedAt?.toISOString() ?? null,
    verifiedBy: enterprise.verifiedBy,
    createdAt: enterprise.createdAt.toISOString(),
    updatedAt: enterprise.updatedAt.toISOString(),
  };
}
