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
import { Role } from '../../common/auth/role.js';
import { Idempotent, IdempotencyKey } from '../../common/idempotency/idempotency-key.decorator.js';
import { answer } from '../../common/idempotency/idempotent-answer.js';
import { Page } from '../../common/pagination/pagination.js';
import {
  AmountDto,
  CreateGuaranteeDto,
  GuaranteePageDto,
  GuaranteeReasonDto,
  GuaranteeResponseDto,
  ListGuaranteesQueryDto,
} from './guarantees.dto.js';
import { GuaranteesService } from './guarantees.service.js';

const BANK_STAFF = [Role.BankOfficer, Role.BankPresident] as const;

@ApiTags('guarantees')
@Controller('guarantees')
export class GuaranteesController {
  constructor(private readonly guarantees: GuaranteesService) {}

  @Post()
  @Auth(Role.Admin, ...BANK_STAFF)
  @ApiOperation({
    summary: 'Apply for a guarantee of an approved/disbursed match or of a bank loan',
  })
  @ApiCreatedResponse({ type: GuaranteeResponseDto })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateGuaranteeDto,
  ): Promise<GuaranteeResponseDto> {
    return this.guarantees.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOperation({
    summary: 'Guarantees, newest first; bank staff: their bank’s; enterprises: their own',
  })
  @ApiOkResponse({ type: GuaranteePageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListGuaranteesQueryDto,
  ): Promise<Page<GuaranteeResponseDto>> {
    return this.guarantees.list(caller, query);
  }

  @Get(':id')
  @Auth()
  @ApiOkResponse({ type: GuaranteeResponseDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<GuaranteeResponseDto> {
    return this.guarantees.get(caller, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Auth(Role.Admin)
  @ApiOperation({
    summary: 'Approve: reserves capacity within capital × multiple and the enterprise cap',
  })
  @ApiOkResponse({ type: GuaranteeResponseDto })
  approve(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<GuaranteeResponseDto> {
    return this.guarantees.approve(caller, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Auth(Role.Admin)
  @ApiOkResponse({ type: GuaranteeResponseDto })
  reject(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: GuaranteeReasonDto,
  ): Promise<GuaranteeResponseDto> {
    return this.guarantees.reject(caller, id, dto);
  }

  @Post(':id/activate')
  @Auth(Role.Admin)
  @Idempotent()
  @ApiOperation({
    summary: 'Activate once the loan is made; collects the fee (Dr cash / Cr fee income)',
  })
  @ApiOkResponse({ type: GuaranteeResponseDto })
  async activate(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GuaranteeResponseDto> {
    return answer(reply, this.guarantees.activate(caller, id, key));
  }

  @Post(':id/release')
  @HttpCode(200)
  @Auth(Role.Admin, ...BANK_STAFF)
  @ApiOperation({ summary: 'Release: the loan was repaid (or never made); frees the capacity' })
  @ApiOkResponse({ type: GuaranteeResponseDto })
  release(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<GuaranteeResponseDto> {
    return this.guarantees.release(caller, id);
  }

  @Post(':id/claim')
  @Auth(Role.Admin, ...BANK_STAFF)
  @Idempotent()
  @ApiOperation({
    summary: '代偿: the bank claims its loss (≤ principal); the fund pays its share',
  })
  @ApiOkResponse({ type: GuaranteeResponseDto })
  async claim(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @IdempotencyKey() key: string,
    @Body() dto: AmountDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GuaranteeResponseDto> {
    return answer(reply, this.guarantees.claim(caller, id, key, dto));
  }

  @Post(':id/recover')
  @Auth(Role.Admin, ...BANK_STAFF)
  @Idempotent()
  @ApiOperation({ summary: '追偿: money recovered (≤ the claim), split by the same shares' })
  @ApiOkResponse({ type: GuaranteeResponseDto })
  async recover(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @IdempotencyKey() key: string,
    @Body() dto: AmountDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GuaranteeResponseDto> {
    return answer(reply, this.guarantees.recover(caller, id, key, dto));
  }
}
