import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth } from '../../common/auth/auth.decorators.js';
import { Role } from '../../common/auth/role.js';
import { Page } from '../../common/pagination/pagination.js';
import { AuditReader } from './audit-reader.service.js';
import {
  AuditEventPageDto,
  AuditEventResponseDto,
  AuditVerificationDto,
  ListAuditEventsQueryDto,
} from './audit.dto.js';

@ApiTags('audit')
@Controller('audit-events')
@Auth(Role.Admin, Role.Auditor)
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get()
  @ApiOkResponse({ type: AuditEventPageDto })
  list(@Query() query: ListAuditEventsQueryDto): Promise<Page<AuditEventResponseDto>> {
    return this.reader.list(query);
  }

  @Get('verify')
  @ApiOkResponse({ type: AuditVerificationDto })
  verify(): Promise<AuditVerificationDto> {
    return this.reader.verify();
  }
}
