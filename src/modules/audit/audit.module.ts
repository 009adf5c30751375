import { Global, Module } from '@nestjs/common';
import { AuditReader } from './audit-reader.service.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

/** Global: every module records its changes through AuditService. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditSealer, AuditReader],
  exports: [AuditService, AuditSealer],
})
export class AuditModule {}
