import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module.js';
import { UsersModule } from '../users/users.module.js';
import { EnterpriseRegistrationController } from './enterprise-registration.controller.js';
import { EnterpriseRegistrationService } from './enterprise-registration.service.js';
import { EnterprisesController } from './enterprises.controller.js';
import { EnterprisesService } from './enterprises.service.js';

@Module({
  imports: [RegionsModule, UsersModule],
  controllers: [EnterprisesController, EnterpriseRegistrationController],
  providers: [EnterprisesService, EnterpriseRegistrationService],
  exports: [EnterprisesService],
})
export class EnterprisesModule {}
