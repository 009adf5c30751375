import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Page } from '../../common/pagination/pagination.js';
import {
  ApproveDto,
  AssignDto,
  DeclineDto,
  DisburseDto,
  ListMatchesQueryDto,
  MatchPageDto,
  MatchResponseDto,
  ReasonDto,
} from './matches.dto.js';
import { MatchesService } from './matches.service.js';

const BANK_STAFF = [Role.BankOfficer, Role.BankPresident] as const;

@ApiTags('matchmaking')
@Controller('matches')
export class MatchesController {
  constructor(private readonly matches: MatchesService) {}

  @Get()
  @Auth(Role.Admin, Role.Auditor, ...BANK_STAFF)
  @ApiOperation({
    summary: 'Matches, most urgent first (responseDueAt, id ascending); bank staff: their bank’s',
  })
  @ApiOkResponse({ type: MatchPageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListMatchesQueryDto,
  ): Promise<Page<MatchResponseDto>> {
    return this.matches.list(caller, query);
  }

  @Get(':id')
  @Auth(Role.Admin, Role.Auditor, ...BANK_STAFF)
  @ApiOkResponse({ type: MatchResponseDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<MatchResponseDto> {
    return this.matches.get(caller, id);
  }

  @Post(':id/assign')
  @Auth(Role.BankPresident)
  @HttpCode(200)
  @ApiOperation({ summary: '行长 assigns the match to an officer of the bank (history kept)' })
  @ApiOkResponse({ type: MatchResponseDto })
  assign(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AssignDto,
  ): Promise<MatchResponseDto> {
    return this.matches.assign(caller, id, dto);
  }

  @Post(':id/accept')
  @Auth(...BANK_STAFF)
  @HttpCode(200)
  @ApiOkResponse({ type: MatchResponseDto })
  accept(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<MatchResponseDto> {
    return this.matches.accept(caller, id);
  }

  @Post(':id/approve')
  @Auth(...BANK_STAFF)
  @HttpCode(200)
  @ApiOperation({ summary: '授信: approvedAmount ≤ the requested amount' })
  @ApiOkResponse({ type: MatchResponseDto })
  approve(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ApproveDto,
  ): Promise<MatchResponseDto> {
    return this.matches.approve(caller, id, dto);
  }

  @Post(':id/disburse')
  @Auth(...BANK_STAFF)
  @HttpCode(200)
  @ApiOperation({ summary: '放款: amount ≤ approved; the request becomes funded' })
  @ApiOkResponse({ type: MatchResponseDto })
  disburse(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DisburseDto,
  ): Promise<MatchResponseDto> {
    return this.matches.disburse(caller, id, dto);
  }

  @Post(':id/decline')
  @Auth(...BANK_STAFF)
  @HttpCode(200)
  @ApiOkResponse({ type: MatchResponseDto })
  decline(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DeclineDto,
  ): Promise<MatchResponseDto> {
    return this.matches.decline(caller, id, dto);
  }

  @Post(':id/recall')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'The project center takes the match back from the bank' })
  @ApiOkResponse({ type: MatchResponseDto })
  recall(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReasonDto,
  ): Promise<MatchResponseDto> {
    return this.matches.recall(caller, id, dto);
  }
}
