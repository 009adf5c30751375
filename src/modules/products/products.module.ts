import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module.js';
import { LprRatesController } from './lpr-rates.controller.js';
import { LprRatesService } from './lpr-rates.service.js';
import { ProductsController } from './products.controller.js';
import { ProductsService } from './products.service.js';

/** The loan-product supermarket (金融产品超市) and the LPR series its rates refer to. */
@Module({
  imports: [RegionsModule],
  controllers: [ProductsController, LprRatesController],
  providers: [ProductsService, LprRatesService],
  exports: [ProductsService, LprRatesService],
})
export class ProductsModule {}
