import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Page } from '../../common/pagination/pagination.js';
import {
  CreateLprRateDto,
  ListLprRatesQueryDto,
  LprRatePageDto,
  LprRateResponseDto,
} from './lpr-rates.dto.js';
import { LprRatesService } from './lpr-rates.service.js';

@ApiTags('products')
@Controller('lpr-rates')
export class LprRatesController {
  constructor(private readonly rates: LprRatesService) {}

  @Post()
  @Auth(Role.Admin)
  @ApiCreatedResponse({ type: LprRateResponseDto })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateLprRateDto,
  ): Promise<LprRateResponseDto> {
    return this.rates.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOkResponse({ type: LprRatePageDto })
  list(@Query() query: ListLprRatesQueryDto): Promise<Page<LprRateResponseDto>> {
    return this.rates.list(query);
  }
}
