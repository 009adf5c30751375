import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { BANK_ROLES, Role } from '../../common/auth/role.js';
import { IdempotencyKey, Idempotent } from '../../common/idempotency/idempotency-key.decorator.js';
import { Page } from '../../common/pagination/pagination.js';
import { ReasonDto } from '../matching/matches.dto.js';
import { answer } from '../../common/idempotency/idempotent-answer.js';
import {
  BankCommitDto,
  CreateTurnoverApplicationDto,
  ListTurnoverApplicationsQueryDto,
  RenewalDto,
  RepayDto,
  TurnoverApplicationDetailDto,
  TurnoverApplicationPageDto,
  TurnoverApplicationResponseDto,
} from './turnover-applications.dto.js';
import { TurnoverApplicationsService } from './turnover-applications.service.js';
import { TurnoverPaymentsService } from './turnover-payments.service.js';

@ApiTags('turnover fund')
@Controller('turnover-applications')
export class TurnoverApplicationsController {
  constructor(
    private readonly applications: TurnoverApplicationsService,
    private readonly payments: TurnoverPaymentsService,
  ) {}

  @Post()
  @Auth(Role.Enterprise)
  @ApiOperation({ summary: 'Apply to bridge a maturing working-capital loan (own enterprise)' })
  @ApiCreatedResponse({ type: TurnoverApplicationResponseDto })
  apply(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateTurnoverApplicationDto,
  ): Promise<TurnoverApplicationResponseDto> {
    return this.applications.apply(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOperation({
    summary: 'Applications the caller may see, newest first (enterprise: own; bank: its own)',
  })
  @ApiOkResponse({ type: TurnoverApplicationPageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListTurnoverApplicationsQueryDto,
  ): Promise<Page<TurnoverApplicationResponseDto>> {
    return this.applications.list(caller, query);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({ summary: 'The application with its documents and timeline' })
  @ApiOkResponse({ type: TurnoverApplicationDetailDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<TurnoverApplicationDetailDto> {
    return this.applications.get(caller, id);
  }

  @Post(':id/bank-commit')
  @Auth(...BANK_ROLES)
  @HttpCode(200)
  @ApiOperation({ summary: '续贷承诺 by the lending bank; amount ≤ capRatio × committedAmount' })
  @ApiOkResponse({ type: TurnoverApplicationResponseDto })
  bankCommit(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: BankCommitDto,
  ): Promise<TurnoverApplicationResponseDto> {
    return this.applications.bankCommit(caller, id, dto);
  }

  @Post(':id/renewed-without-bridge')
  @Auth(...BANK_ROLES)
  @HttpCode(200)
  @ApiOperation({ summary: '无还本续贷: the lending bank renewed without the fund; closes it' })
  @ApiOkResponse({ type: TurnoverApplicationResponseDto })
  renewWithoutBridge(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RenewalDto,
  ): Promise<TurnoverApplicationResponseDto> {
    return this.applications.renewWithoutBridge(caller, id, dto);
  }

  @Post(':id/approve')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve; the fund’s terms in force are copied onto the application' })
  @ApiOkResponse({ type: TurnoverApplicationResponseDto })
  approve(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<TurnoverApplicationResponseDto> {
    return this.applications.approve(caller, id);
  }

  @Post(':id/reject')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOkResponse({ type: TurnoverApplicationResponseDto })
  reject(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ReasonDto,
  ): Promise<TurnoverApplicationResponseDto> {
    return this.applications.reject(caller, id, dto);
  }

  @Post(':id/disburse')
  @Auth(Role.Admin)
  @Idempotent()
  @ApiOperation({
    summary: 'Pay out (four eyes: not the approver, 403); 409 INSUFFICIENT_FUND_BALANCE when short',
  })
  @ApiOkResponse({ type: TurnoverApplicationResponseDto })
  disburse(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TurnoverApplicationResponseDto> {
    return answer(reply, this.payments.disburse(caller, id, key));
  }

  @Post(':id/renewal')
  @Auth(...BANK_ROLES)
  @HttpCode(200)
  @ApiOperation({ summary: 'The lending bank records the new loan' })
  @ApiOkResponse({ type: TurnoverApplicationResponseDto })
  renew(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RenewalDto,
  ): Promise<TurnoverApplicationResponseDto> {
    return this.applications.renew(caller, id, dto);
  }

  @Post(':id/repay')
  @Auth(Role.Admin)
  @Idempotent()
  @ApiOperation({ summary: 'The money came back: fee and savings computed and booked' })
  @ApiOkResponse({ type: TurnoverApplicationResponseDto })
  repay(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @IdempotencyKey() key: string,
    @Body() dto: RepayDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TurnoverApplicationResponseDto> {
    return answer(reply, this.payments.repay(caller, id, key, dto));
  }

  @Post(':id/write-off')
  @Auth(Role.Admin)
  @Idempotent()
  @ApiOperation({ summary: 'Write off an overdue use: Dr loss / Cr receivable' })
  @ApiOkResponse({ type: TurnoverApplicationResponseDto })
  writeOff(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @IdempotencyKey() key: string,
    @Body() dto: ReasonDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TurnoverApplicationResponseDto> {
    return answer(reply, this.payments.writeOff(caller, id, key, dto));
  }

  @Post(':id/cancel')
  @Auth(Role.Enterprise, Role.Admin)
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw (own enterprise) or cancel (center) before disbursement' })
  @ApiOkResponse({ type: TurnoverApplicationResponseDto })
  cancel(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<TurnoverApplicationResponseDto> {
    return this.applications.cancel(caller, id);
  }
}
