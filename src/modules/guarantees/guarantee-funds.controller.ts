import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Idempotent, IdempotencyKey } from '../../common/idempotency/idempotency-key.decorator.js';
import { answer } from '../../common/idempotency/idempotent-answer.js';
import { Page, PageQueryDto } from '../../common/pagination/pagination.js';
import { GuaranteeFundsService } from './guarantee-funds.service.js';
import {
  CapitalDto,
  CreateGuaranteeFundDto,
  GuaranteeFundPublicDto,
  GuaranteeFundResponseDto,
  GuaranteeLedgerEntryDto,
  GuaranteeLedgerPageDto,
  GuaranteeReconcileDto,
  GuaranteeReportDto,
  GuaranteeReportQueryDto,
} from './guarantees.dto.js';

@ApiTags('guarantees')
@Controller('guarantee-funds')
export class GuaranteeFundsController {
  constructor(private readonly funds: GuaranteeFundsService) {}

  @Post()
  @Auth(Role.Admin)
  @ApiOperation({
    summary: 'Create a guarantee fund (信保基金); a rate above the national ceilings only warns',
  })
  @ApiCreatedResponse({ type: GuaranteeFundResponseDto })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateGuaranteeFundDto,
  ): Promise<GuaranteeFundResponseDto> {
    return this.funds.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOperation({ summary: 'Guarantee funds; balances for administrators and auditors only' })
  @ApiOkResponse({ type: [GuaranteeFundResponseDto] })
  list(
    @CurrentCaller() caller: Caller,
  ): Promise<(GuaranteeFundResponseDto | GuaranteeFundPublicDto)[]> {
    return this.funds.list(caller);
  }

  @Get(':id')
  @Auth()
  @ApiOkResponse({ type: GuaranteeFundResponseDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<GuaranteeFundResponseDto | GuaranteeFundPublicDto> {
    return this.funds.get(caller, id);
  }

  @Post(':id/capital')
  @Auth(Role.Admin)
  @Idempotent()
  @ApiOperation({ summary: 'Inject capital: Dr cash / Cr capital' })
  @ApiCreatedResponse({ type: GuaranteeFundResponseDto })
  async injectCapital(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @IdempotencyKey() key: string,
    @Body() dto: CapitalDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GuaranteeFundResponseDto> {
    return answer(reply, this.funds.injectCapital(caller, id, key, dto));
  }

  @Get(':id/ledger')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({ summary: 'Ledger entries, oldest first (each one debit and one credit)' })
  @ApiOkResponse({ type: GuaranteeLedgerPageDto })
  ledger(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<GuaranteeLedgerEntryDto>> {
    return this.funds.ledger(id, query);
  }

  @Get(':id/reconcile')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({ summary: 'Stored balances vs the ledger, outstanding vs the guarantees' })
  @ApiOkResponse({ type: GuaranteeReconcileDto })
  reconcile(@Param('id', ParseUUIDPipe) id: string): Promise<GuaranteeReconcileDto> {
    return this.funds.reconcile(id);
  }

  @Get(':id/report')
  @Auth(Role.Admin, Role.Auditor)
  @ApiOperation({ summary: 'Guarantees issued, fees, claims and recoveries by bank and by month' })
  @ApiOkResponse({ type: GuaranteeReportDto })
  report(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: GuaranteeReportQueryDto,
  ): Promise<GuaranteeReportDto> {
    return this.funds.report(id, query);
  }
}
