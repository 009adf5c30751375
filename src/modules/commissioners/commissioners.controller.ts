import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Page, PageQueryDto } from '../../common/pagination/pagination.js';
import { CommissionerVisitsService } from './commissioner-visits.service.js';
import {
  CommissionerPageDto,
  CommissionerResponseDto,
  CreateCommissionerDto,
  CreateVisitDto,
  EndCommissionerDto,
  FiledNeedDto,
  FileNeedDto,
  ListCommissionersQueryDto,
  VisitPageDto,
  VisitResponseDto,
} from './commissioners.dto.js';
import { CommissionersService } from './commissioners.service.js';

const BANK_STAFF = [Role.BankOfficer, Role.BankPresident] as const;

@ApiTags('commissioners')
@Controller('commissioners')
export class CommissionersController {
  constructor(
    private readonly commissioners: CommissionersService,
    private readonly visits: CommissionerVisitsService,
  ) {}

  @Post()
  @Auth(Role.Admin)
  @ApiOperation({
    summary: '金融服务专员: appoint a bank officer to serve an enterprise (ends the current one)',
  })
  @ApiCreatedResponse({ type: CommissionerResponseDto })
  assign(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateCommissionerDto,
  ): Promise<CommissionerResponseDto> {
    return this.commissioners.assign(caller, dto);
  }

  @Get()
  @Auth(Role.Admin, Role.Auditor, ...BANK_STAFF, Role.Enterprise)
  @ApiOperation({
    summary:
      'Assignments, newest first, history included: presidents see their bank’s, officers ' +
      'their own, an enterprise its own',
  })
  @ApiOkResponse({ type: CommissionerPageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListCommissionersQueryDto,
  ): Promise<Page<CommissionerResponseDto>> {
    return this.commissioners.list(caller, query);
  }

  @Get(':id')
  @Auth(Role.Admin, Role.Auditor, ...BANK_STAFF, Role.Enterprise)
  @ApiOkResponse({ type: CommissionerResponseDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<CommissionerResponseDto> {
    return this.commissioners.get(caller, id);
  }

  @Post(':id/end')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'End an assignment; the officer loses access to the enterprise' })
  @ApiOkResponse({ type: CommissionerResponseDto })
  end(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: EndCommissionerDto,
  ): Promise<CommissionerResponseDto> {
    return this.commissioners.end(caller, id, dto);
  }

  @Post(':id/visits')
  @Auth(Role.Admin, ...BANK_STAFF)
  @ApiOperation({ summary: 'Log a visit (the commissioner themself, or an administrator)' })
  @ApiCreatedResponse({ type: VisitResponseDto })
  recordVisit(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateVisitDto,
  ): Promise<VisitResponseDto> {
    return this.visits.record(caller, id, dto);
  }

  @Get(':id/visits')
  @Auth(Role.Admin, Role.Auditor, ...BANK_STAFF)
  @ApiOperation({ summary: 'The service log, newest visit first' })
  @ApiOkResponse({ type: VisitPageDto })
  listVisits(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<VisitResponseDto>> {
    return this.visits.list(caller, id, query);
  }

  @Post(':id/visits/:visitId/request')
  @Auth(Role.Admin, ...BANK_STAFF)
  @ApiOperation({
    summary:
      'File the need a visit found as a financing request on the enterprise’s behalf; the ' +
      'project center is told and dispatches it',
  })
  @ApiCreatedResponse({ type: FiledNeedDto })
  fileNeed(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('visitId', ParseUUIDPipe) visitId: string,
    @Body() dto: FileNeedDto,
  ): Promise<FiledNeedDto> {
    return this.visits.fileNeed(caller, id, visitId, dto);
  }
}
