import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable } from '../../common/validation/optional.js';
import { Transform } from 'class-transformer';
import { IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { BankEntity, BankKind } from './bank.entity.js';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** A GB/T 2260 county-level code such as 220502. */
export const REGION_CODE_PATTERN = /^[0-9]{6}$/;
const REGION_CODE_MESSAGE = 'must be a six-digit region code, e.g. "220502"';

export class CreateBankDto {
  @ApiProperty({ example: '吉林银行通化分行', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ example: '吉林银行', maxLength: 50, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  shortName?: string | null;

  @ApiProperty({ enum: BankKind })
  @IsEnum(BankKind)
  kind: BankKind;

  @ApiPropertyOptional({
    example: '220502',
    nullable: true,
    type: String,
    description: 'County-level unit (GB/T 2260); omit or null for a city-wide branch',
  })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: REGION_CODE_MESSAGE })
  regionCode?: string | null;
}

export class UpdateBankDto {
  @ApiPropertyOptional({ example: '吉林银行通化分行', maxLength: 100 })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 50, nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  shortName?: string | null;

  @ApiPropertyOptional({ enum: BankKind })
  @IsOmittable()
  @IsEnum(BankKind)
  kind?: BankKind;

  @ApiPropertyOptional({ example: '220502', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE_PATTERN, { message: REGION_CODE_MESSAGE })
  regionCode?: string | null;
}

export class ListBanksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: BankKind })
  @IsOptional()
  @IsEnum(BankKind)
  kind?: BankKind;

  @ApiPropertyOptional({ example: '220502' })
  @IsOptional()
  @Matches(REGION_CODE_PATTERN, { message: REGION_CODE_MESSAGE })
  regionCode?: string;

  @ApiPropertyOptional({ description: 'Part of the name or short name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class BankResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) shortName: string | null;
  @ApiProperty({ enum: BankKind }) kind: BankKind;
  @ApiProperty({ nullable: true, type: String }) regionCode: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class BankPresidentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() displayName: string;
}

/** An enabled officer of a bank, for the president's assignment choice. */
export class BankOfficerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() displayName: string;
}

export class BankOfficerListDto {
  @ApiProperty({ type: [BankOfficerDto] }) items: BankOfficerDto[];
}

export class BankStaffCountsDto {
  @ApiProperty({ description: 'Enabled bank officers' }) officers: number;
  @ApiProperty({ description: 'Enabled presidents: 0 or 1' }) presidents: number;
  @ApiProperty({ description: 'Disabled staff accounts' }) disabled: number;
}

export class BankDetailResponseDto extends BankResponseDto {
  @ApiProperty({ type: BankPresidentDto, nullable: true, description: 'The accountable 行长' })
  president: BankPresidentDto | null;

  @ApiProperty({ type: BankStaffCountsDto }) staffCounts: BankStaffCountsDto;
}

export class BankPageDto {
  @ApiProperty({ type: [BankResponseDto] }) items: BankResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export function toBankResponse(bank: BankEntity): BankResponseDto {
  return {
    id: bank.id,
    name: bank.name,
    shortName: bank.shortName,
    kind: bank.kind,
    regionCode: bank.regionCode,
    createdAt: bank.createdAt.toISOString(),
    updatedAt: bank.updatedAt.toISOString(),
  };
}

export function toBankDetailResponse(
  bank: BankEntity,
  president: BankPresidentDto | null,
  staffCounts: BankStaffCountsDto,
): BankDetailResponseDto {
  return { ...toBankResponse(bank), president, staffCounts };
}
