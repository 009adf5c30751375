import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Page } from '../../common/pagination/pagination.js';
import {
  BankDetailResponseDto,
  BankOfficerListDto,
  BankPageDto,
  BankResponseDto,
  CreateBankDto,
  ListBanksQueryDto,
  UpdateBankDto,
} from './banks.dto.js';
import { BanksService } from './banks.service.js';

@ApiTags('banks')
@Controller('banks')
export class BanksController {
  constructor(private readonly banks: BanksService) {}

  @Post()
  @Auth(Role.Admin)
  @ApiCreatedResponse({ type: BankResponseDto })
  create(@CurrentCaller() caller: Caller, @Body() dto: CreateBankDto): Promise<BankResponseDto> {
    return this.banks.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOkResponse({ type: BankPageDto })
  list(@Query() query: ListBanksQueryDto): Promise<Page<BankResponseDto>> {
    return this.banks.list(query);
  }

  @Get(':id')
  @Auth()
  @ApiOkResponse({ type: BankDetailResponseDto })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<BankDetailResponseDto> {
    return this.banks.get(id);
  }

  @Get(':id/officers')
  @Auth(Role.Admin, Role.Auditor, Role.BankPresident)
  @ApiOkResponse({ type: BankOfficerListDto })
  officers(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<BankOfficerListDto> {
    return this.banks.officers(caller, id);
  }

  @Patch(':id')
  @Auth(Role.Admin)
  @ApiOkResponse({ type: BankResponseDto })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateBankDto,
  ): Promise<BankResponseDto> {
    return this.banks.update(caller, id, dto);
  }
}
