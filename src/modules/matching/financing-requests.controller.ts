import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Page } from '../../common/pagination/pagination.js';
import {
  CreateFinancingRequestDto,
  FinancingRequestDetailDto,
  FinancingRequestPageDto,
  FinancingRequestResponseDto,
  ListFinancingRequestsQueryDto,
} from './financing-requests.dto.js';
import { FinancingRequestsService } from './financing-requests.service.js';
import { DispatchDto, MatchResponseDto, ReasonDto } from './matches.dto.js';
import { MatchesService } from './matches.service.js';

@ApiTags('matchmaking')
@Controller('financing-requests')
export class FinancingRequestsController {
  constructor(
    private readonly requests: FinancingRequestsService,
    private readonly matches: MatchesService,
  ) {}

  @Post()
  @Auth(Role.Enterprise, Role.Admin)
  @ApiOperation({ summary: 'File a financing request (administrators: on an enterprise’s behalf)' })
  @ApiCreatedResponse({ type: FinancingRequestResponseDto })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateFinancingRequestDto,
  ): Promise<FinancingRequestResponseDto> {
    return this.requests.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOperation({ summary: 'Requests the caller may see, newest first' })
  @ApiOkResponse({ type: FinancingRequestPageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListFinancingRequestsQueryDto,
  ): Promise<Page<FinancingRequestResponseDto>> {
    return this.requests.list(caller, query);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({ summary: 'The request, its matches (who holds each now) and its timeline' })
  @ApiOkResponse({ type: FinancingRequestDetailDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<FinancingRequestDetailDto> {
    return this.requests.get(caller, id);
  }

  @Post(':id/withdraw')
  @Auth(Role.Enterprise)
  @HttpCode(200)
  @ApiOperation({ summary: 'The enterprise withdraws its request before it is funded' })
  @ApiOkResponse({ type: FinancingRequestDetailDto })
  withdraw(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<FinancingRequestDetailDto> {
    return this.requests.withdraw(caller, id);
  }

  @Post(':id/close')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOkResponse({ type: FinancingRequestDetailDto })
  close(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReasonDto,
  ): Promise<FinancingRequestDetailDto> {
    return this.requests.close(caller, id, dto);
  }

  @Post(':id/dispatch')
  @Auth(Role.Admin)
  @ApiOperation({
    summary: 'Push the request to a bank; its president answers for it by responseDueAt',
  })
  @ApiCreatedResponse({ type: MatchResponseDto })
  dispatch(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DispatchDto,
  ): Promise<MatchResponseDto> {
    return this.matches.dispatch(caller, id, dto);
  }
}
