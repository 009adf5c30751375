import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable } from '../../common/validation/optional.js';
import { Transform } from 'class-transformer';
import {
  buildMessage,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { IsMoney } from '../../common/money/is-money.decorator.js';
import { formatFen } from '../../common/money/money.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { MAX_NAME_LENGTH, MAX_NOTES_LENGTH } from './project-csv.js';
import {
  isCalendarDate,
  normalisePercent,
  PERCENT_FORMAT_MESSAGE,
  ProjectKind,
  ProjectStatus,
} from './project-rules.js';
import { ProjectEntity } from './project.entity.js';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** Query strings carry booleans as text. */
const booleanText = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

const REGION_CODE = /^\d{6}$/;

function IsPercent(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPercent',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && normalisePercent(value) !== undefined,
        defaultMessage: buildMessage(
          (eachPrefix) => `${eachPrefix}$property ${PERCENT_FORMAT_MESSAGE}`,
          options,
        ),
      },
    },
    options,
  );
}

function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
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

export class CreateProjectDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The owner. Required from an administrator; an enterprise user must leave it out (their ' +
      'own enterprise, from the token, owns the project).',
  })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiProperty({ example: '年产30万吨新能源负极材料工序项目', maxLength: MAX_NAME_LENGTH })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_NAME_LENGTH)
  name: string;

  @ApiProperty({ example: '220524', description: 'GB/T 2260 code of a region in the registry' })
  @IsString()
  @Matches(REGION_CODE, { message: 'must be a six-digit region code' })
  regionCode: string;

  @ApiProperty({ enum: ProjectKind, description: 'new 新建 / continuing 续建' })
  @IsEnum(ProjectKind)
  kind: ProjectKind;

  @ApiProperty({ example: '8800000000.00', description: '总投资, yuan' })
  @IsMoney()
  totalInvestment: string;

  @ApiProperty({ example: '1200000000.00', description: '年度计划投资, yuan; ≤ totalInvestment' })
  @IsMoney()
  plannedInvestment: string;

  @ApiProperty({
    enum: ProjectStatus,
    description: 'planned 计划 / started 开工 / completed 竣工 / suspended 停工',
  })
  @IsEnum(ProjectStatus)
  status: ProjectStatus;

  @ApiPropertyOptional({
    example: '2022-04-15',
    nullable: true,
    type: String,
    description:
      '开工日期: required when the status is started or completed, empty while planned, ' +
      'optional when suspended; never after today (Asia/Shanghai)',
  })
  @IsOptional()
  @IsCalendarDate()
  startedOn?: string | null;

  @ApiPropertyOptional({ example: '40', default: '0', description: '形象进度, 0–100' })
  @IsOmittable()
  @IsPercent()
  progressPercent?: string;

  @ApiPropertyOptional({ example: '300000000.00', default: '0', description: '资金缺口, yuan' })
  @IsOmittable()
  @IsMoney()
  fundingGap?: string;

  @ApiPropertyOptional({ default: false, description: '融资意向' })
  @IsOmittable()
  @IsBoolean()
  financingIntent?: boolean;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: MAX_NOTES_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES_LENGTH)
  notes?: string | null;
}

/** Every field optional; `startedOn` and `notes` may be cleared with null. */
export class UpdateProjectDto {
  @ApiPropertyOptional({ maxLength: MAX_NAME_LENGTH })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_NAME_LENGTH)
  name?: string;

  @ApiPropertyOptional({ example: '220524' })
  @IsOmittable()
  @IsString()
  @Matches(REGION_CODE, { message: 'must be a six-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ enum: ProjectKind })
  @IsOmittable()
  @IsEnum(ProjectKind)
  kind?: ProjectKind;

  @ApiPropertyOptional({ example: '8800000000.00' })
  @IsOmittable()
  @IsMoney()
  totalInvestment?: string;

  @ApiPropertyOptional({ example: '1200000000.00' })
  @IsOmittable()
  @IsMoney()
  plannedInvestment?: string;

  @ApiPropertyOptional({
    enum: ProjectStatus,
    description:
      'Moves: planned → started | completed | suspended; started → completed | suspended; ' +
      'suspended → planned | started | completed; completed is final (409 INVALID_TRANSITION)',
  })
  @IsOmittable()
  @IsEnum(ProjectStatus)
  status?: ProjectStatus;

  @ApiPropertyOptional({ example: '2022-04-15', nullable: true, type: String })
  @IsOptional()
  @IsCalendarDate()
  startedOn?: string | null;

  @ApiPropertyOptional({ example: '55.5' })
  @IsOmittable()
  @IsPercent()
  progressPercent?: string;

  @ApiPropertyOptional({ example: '250000000.00' })
  @IsOmittable()
  @IsMoney()
  fundingGap?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsBoolean()
  financingIntent?: boolean;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: MAX_NOTES_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTES_LENGTH)
  notes?: string | null;
}

export class ListProjectsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '220502' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'must be a six-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ enum: ProjectStatus })
  @IsOptional()
  @IsEnum(ProjectStatus)
  status?: ProjectStatus;

  @ApiPropertyOptional({ enum: ProjectKind })
  @IsOptional()
  @IsEnum(ProjectKind)
  kind?: ProjectKind;

  @ApiPropertyOptional({ type: Boolean, description: 'true: funding gap > 0; false: no gap' })
  @IsOptional()
  @Transform(booleanText)
  @IsBoolean()
  hasGap?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(booleanText)
  @IsBoolean()
  financingIntent?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Administrators and auditors only' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ description: 'Part of the project name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class ProjectSummaryQueryDto {
  @ApiPropertyOptional({ example: '220524', description: 'Only this region' })
  @IsOptional()
  @Matches(REGION_CODE, { message: 'must be a six-digit region code' })
  regionCode?: string;
}

export class ProjectResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId: string;
  @ApiProperty() name: string;
  @ApiProperty() regionCode: string;
  @ApiProperty({ enum: ProjectKind }) kind: ProjectKind;
  @ApiProperty({ example: '8800000000.00' }) totalInvestment: string;
  @ApiProperty({ example: '1200000000.00' }) plannedInvestment: string;
  @ApiProperty({ enum: ProjectStatus }) status: ProjectStatus;
  @ApiProperty({ format: 'date', nullable: true, type: String }) startedOn: string | null;
  @ApiProperty({ example: '40.00' }) progressPercent: string;
  @ApiProperty({ example: '300000000.00' }) fundingGap: string;
  @ApiProperty() financingIntent: boolean;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ProjectPageDto {
  @ApiProperty({ type: [ProjectResponseDto] }) items: ProjectResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export function toProjectResponse(project: ProjectEntity): ProjectResponseDto {
  return {
    id: project.id,
    enterpriseId: project.enterpriseId,
    name: project.name,
    regionCode: project.regionCode,
    kind: project.kind,
    totalInvestment: formatFen(project.totalInvestmentFen),
    plannedInvestment: formatFen(project.plannedInvestmentFen),
    status: project.status,
    startedOn: project.startedOn,
    progressPercent: project.progressPercent,
    fundingGap: formatFen(project.fundingGapFen),
    financingIntent: project.financingIntent,
    notes: project.notes,
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
  };
}

export enum SurveySource {
  Create = 'create',
  Update = 'update',
  Import = 'import',
}

/** 调度: one change of a project's gap, progress or status, with the values before and after. */
export class ProjectSurveyResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ format: 'date-time' }) surveyedAt: string;
  @ApiProperty({ format: 'date', description: 'Business date in Asia/Shanghai' })
  surveyedOn: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String }) actorUsername: string | null;
  @ApiProperty({ enum: SurveySource }) source: SurveySource;
  @ApiProperty({ nullable: true, type: String, description: 'null on the first survey' })
  oldFundingGap: string | null;
  @ApiProperty() newFundingGap: string;
  @ApiProperty({ nullable: true, type: String }) oldProgressPercent: string | null;
  @ApiProperty() newProgressPercent: string;
  @ApiProperty({ enum: ProjectStatus, nullable: true }) oldStatus: ProjectStatus | null;
  @ApiProperty({ enum: ProjectStatus }) newStatus: ProjectStatus;
}

export class ProjectSurveyPageDto {
  @ApiProperty({ type: [ProjectSurveyResponseDto] }) items: ProjectSurveyResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ProjectFiguresDto {
  @ApiProperty({ description: 'Projects listed' }) count: number;
  @ApiProperty({ example: '102700000000.00' }) totalInvestment: string;
  @ApiProperty({ example: '21660000000.00', description: '年度计划投资' })
  plannedInvestment: string;
  @ApiProperty({ description: '新建' }) newCount: number;
  @ApiProperty({ description: '续建' }) continuingCount: number;
  @ApiProperty({ description: 'Status started or completed (开工; suspended is not counted)' })
  startedCount: number;
  @ApiProperty({
    example: '0.9864',
    nullable: true,
    type: String,
    description: '开工率 = startedCount ÷ count, 4 decimals, half-up; null when count is 0',
  })
  startRate: string | null;
  @ApiProperty({ example: '5000000000.00', description: 'Σ 资金缺口' }) fundingGap: string;
  @ApiProperty({ description: 'Projects with a gap > 0' }) projectsWithGap: number;
  @ApiProperty({ description: 'Projects with 融资意向' }) financingIntentCount: number;
}

export class RegionFiguresDto extends ProjectFiguresDto {
  @ApiProperty({ example: '220524' }) regionCode: string;
  @ApiProperty({ example: '柳河县' }) regionName: string;
}

export class ProjectSummaryDto {
  @ApiProperty({ type: ProjectFiguresDto }) total: ProjectFiguresDto;
  @ApiProperty({
    type: [RegionFiguresDto],
    description: 'Every region of the registry (or the one asked for), zeros included',
  })
  byRegion: RegionFiguresDto[];
}

export class ProjectImportResultDto {
  @ApiProperty() created: number;
  @ApiProperty({ description: 'Existing projects whose values changed' }) updated: number;
  @ApiProperty({ description: 'Lines identical to the stored project' }) unchanged: number;
}
