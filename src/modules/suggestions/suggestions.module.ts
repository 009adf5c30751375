import { Module } from '@nestjs/common';
import { ProductsModule } from '../products/products.module.js';
import { BankRecordsReader } from './bank-records.js';
import { SuggestionsController } from './suggestions.controller.js';
import { SuggestionsService } from './suggestions.service.js';

/** 推荐对接: ranked banks and products for a financing request. Read-only. */
@Module({
  // LprRatesService: the LPR in force prices LPR products against a rate ceiling.
  imports: [ProductsModule],
  controllers: [SuggestionsController],
  providers: [SuggestionsService, BankRecordsReader],
})
export class SuggestionsModule {}
