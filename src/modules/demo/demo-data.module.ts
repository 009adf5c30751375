import { Module } from '@nestjs/common';
import { BanksModule } from '../banks/banks.module.js';
import { EnterprisesModule } from '../enterprises/enterprises.module.js';
import { ProductsModule } from '../products/products.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { UsersModule } from '../users/users.module.js';
import { DemoDataService } from './demo-data.service.js';

/** The demo data set (DEMO_DATA): loaded by main.ts after the initial accounts. No routes. */
@Module({
  imports: [UsersModule, BanksModule, ProductsModule, EnterprisesModule, ProjectsModule],
  providers: [DemoDataService],
  exports: [DemoDataService],
})
export class DemoDataModule {}
