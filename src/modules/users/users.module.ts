import { Module } from '@nestjs/common';
import { BanksModule } from '../banks/banks.module.js';
import { InitialAccounts } from './initial-accounts.service.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  // BankPresidency: a new bank president replaces the old one.
  imports: [BanksModule],
  controllers: [UsersController],
  providers: [UsersService, PasswordHasher, InitialAccounts],
  exports: [UsersService, PasswordHasher, InitialAccounts],
})
export class UsersModule {}
