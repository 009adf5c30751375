import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module.js';
import { BankPresidency } from './bank-presidency.service.js';
import { BanksController } from './banks.controller.js';
import { BanksService } from './banks.service.js';

/**
 * The bank registry. Exports BankPresidency for UsersService (users import banks; banks never
 * import users, so there is no module cycle) and BanksService for the demo loader.
 */
@Module({
  imports: [RegionsModule],
  controllers: [BanksController],
  providers: [BanksService, BankPresidency],
  exports: [BanksService, BankPresidency],
})
export class BanksModule {}
