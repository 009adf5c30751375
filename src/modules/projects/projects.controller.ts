import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Page, PageQueryDto } from '../../common/pagination/pagination.js';
import { CSV_BODY_ROUTE } from './csv-body-parser.js';
import { COLUMN_ALIASES, IMPORT_HEADER } from './project-csv.js';
import { ProjectImportService } from './project-import.service.js';
import {
  CreateProjectDto,
  ListProjectsQueryDto,
  ProjectImportResultDto,
  ProjectPageDto,
  ProjectResponseDto,
  ProjectSummaryDto,
  ProjectSummaryQueryDto,
  ProjectSurveyPageDto,
  ProjectSurveyResponseDto,
  UpdateProjectDto,
} from './projects.dto.js';
import { ProjectsService } from './projects.service.js';

const IMPORT_DESCRIPTION = [
  'All or nothing. The body is the CSV file itself (Content-Type: text/csv, UTF-8 with or ',
  'without a BOM, RFC 4180 quoting, at most CSV_IMPORT_LIMIT_BYTES, 64 MiB by default). Header:\n\n',
  `    ${IMPORT_HEADER}\n\n`,
  'Columns may come in any order; the first seven are required. Chinese aliases: ',
  Object.entries(COLUMN_ALIASES)
    .map(([column, aliases]) => `${column} = ${aliases.join(' / ')}`)
    .join('; '),
  '. Values: kind new|continuing|新建|续建; status planned|started|completed|suspended|计划|开工|',
  '竣工|停工; financing_intent 是|否|true|false; region_code a code or a region name (柳河县); ',
  'amounts in yuan with at most two decimals; ',
  'started_on YYYY-MM-DD; progress_percent 0–100. A left-out optional column keeps the stored ',
  'value; an empty optional cell means the default (no date, 0, 否, no notes). Lines upsert by ',
  '(credit_code, project_name). Every line is checked before anything is written; any bad line ',
  'answers 400 VALIDATION_FAILED with errors [{ field: "line N", message }] for every bad line ',
  '(header problems on its line, an empty file as field "file") and writes nothing.',
].join('');

@ApiTags('projects')
@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly importer: ProjectImportService,
  ) {}

  @Post()
  @Auth(Role.Admin, Role.Enterprise)
  @ApiOperation({ summary: 'Register a key project (enterprise users: for their own enterprise)' })
  @ApiCreatedResponse({ type: ProjectResponseDto })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateProjectDto,
  ): Promise<ProjectResponseDto> {
    return this.projects.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOperation({ summary: 'Key projects the caller may see, newest first' })
  @ApiOkResponse({ type: ProjectPageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListProjectsQueryDto,
  ): Promise<Page<ProjectResponseDto>> {
    return this.projects.list(caller, query);
  }

  @Get('summary')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({
    summary: 'Key-project figures by region and in total',
    description:
      'Started (开工) = status started or completed; startRate (开工率) = started ÷ count, ' +
      '4 decimals, half-up, null when there are no projects.',
  })
  @ApiOkResponse({ type: ProjectSummaryDto })
  summary(@Query() query: ProjectSummaryQueryDto): Promise<ProjectSummaryDto> {
    return this.projects.summary(query.regionCode);
  }

  @Post('import')
  @Auth(Role.Admin)
  @HttpCode(200)
  @RouteConfig(CSV_BODY_ROUTE)
  @ApiOperation({
    summary: 'Import the key-project survey sheet (CSV)',
    description: IMPORT_DESCRIPTION,
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: `${IMPORT_HEADER}\n` } })
  @ApiOkResponse({ type: ProjectImportResultDto })
  import(@CurrentCaller() caller: Caller, @Body() csv: unknown): Promise<ProjectImportResultDto> {
    return this.importer.import(caller, csv);
  }

  @Get(':id')
  @Auth()
  @ApiOkResponse({ type: ProjectResponseDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ProjectResponseDto> {
    return this.projects.get(caller, id);
  }

  @Patch(':id')
  @Auth(Role.Admin, Role.Enterprise)
  @ApiOperation({
    summary: 'Change a project; a change of gap, progress or status appends a survey row',
  })
  @ApiOkResponse({ type: ProjectResponseDto })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateProjectDto,
  ): Promise<ProjectResponseDto> {
    return this.projects.update(caller, id, dto);
  }

  @Get(':id/surveys')
  @Auth()
  @ApiOperation({ summary: 'The survey (调度) history of a project, newest first' })
  @ApiOkResponse({ type: ProjectSurveyPageDto })
  surveys(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<ProjectSurveyResponseDto>> {
    return this.projects.surveys(caller, id, query.limit, query.cursor);
  }
}
