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
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentCaller } from '../../common/auth/auth.decorators.js';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Page } from '../../common/pagination/pagination.js';
import {
  CreateEnterpriseDto,
  EnterprisePageDto,
  EnterpriseResponseDto,
  ListEnterprisesQueryDto,
  UpdateEnterpriseDto,
} from './enterprises.dto.js';
import { EnterprisesService } from './enterprises.service.js';

@ApiTags('enterprises')
@Controller('enterprises')
export class EnterprisesController {
  constructor(private readonly enterprises: EnterprisesService) {}

  @Post()
  @Auth(Role.Admin)
  @ApiCreatedResponse({ type: EnterpriseResponseDto })
  @ApiConflictResponse({ description: 'CREDIT_CODE_TAKEN' })
  create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateEnterpriseDto,
  ): Promise<EnterpriseResponseDto> {
    return this.enterprises.create(caller, dto);
  }

  @Get()
  @Auth()
  @ApiOkResponse({ type: EnterprisePageDto })
  list(
    @CurrentCaller() caller: Caller,
    @Query() query: ListEnterprisesQueryDto,
  ): Promise<Page<EnterpriseResponseDto>> {
    return this.enterprises.list(caller, query);
  }

  @Get(':id')
  @Auth()
  @ApiOkResponse({ type: EnterpriseResponseDto })
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<EnterpriseResponseDto> {
    return this.enterprises.get(caller, id);
  }

  @Patch(':id')
  @Auth(Role.Admin, Role.Enterprise)
  @ApiOkResponse({ type: EnterpriseResponseDto })
  update(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateEnterpriseDto,
  ): Promise<EnterpriseResponseDto> {
    return this.enterprises.update(caller, id, dto);
  }

  @Post(':id/verify')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOkResponse({ type: EnterpriseResponseDto })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION: already verified' })
  verify(
    @CurrentCaller() caller: Caller,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<EnterpriseResponseDto> {
    return this.enterprises.verify(caller, id);
  }
}
