import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import {
  CreateDeclineReasonDto,
  DeclineReasonResponseDto,
  UpdateDeclineReasonDto,
} from './decline-reasons.dto.js';
import { DeclineReasonsService } from './decline-reasons.service.js';

@ApiTags('matchmaking')
@Controller('decline-reasons')
export class DeclineReasonsController {
  constructor(private readonly reasons: DeclineReasonsService) {}

  @Get()
  @Auth()
  @ApiOkResponse({ type: [DeclineReasonResponseDto] })
  list(): Promise<DeclineReasonResponseDto[]> {
    return this.reasons.list();
  }

  @Post()
  @Auth(Role.Admin)
  @ApiCreatedResponse({ type: DeclineReasonResponseDto })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateDeclineReasonDto,
  ): Promise<DeclineReasonResponseDto> {
    return this.reasons.create(caller, dto);
  }

  @Patch(':code')
  @Auth(Role.Admin)
  @ApiOkResponse({ type: DeclineReasonResponseDto })
  update(
    @CurrentCaller() caller: Caller,
    @Param('code') code: string,
    @Body() dto: UpdateDeclineReasonDto,
  ): Promise<DeclineReasonResponseDto> {
    return this.reasons.update(caller, code, dto);
  }
}
