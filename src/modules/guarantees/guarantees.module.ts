import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module.js';
import { GuaranteeFundsController } from './guarantee-funds.controller.js';
import { GuaranteeFundsService } from './guarantee-funds.service.js';
import { GuaranteesController } from './guarantees.controller.js';
import { GuaranteesService } from './guarantees.service.js';

/** 信保基金: guarantee funds, their ledger, and the guarantees they issue. */
@Module({
  imports: [IdempotencyModule],
  controllers: [GuaranteeFundsController, GuaranteesController],
  providers: [GuaranteeFundsService, GuaranteesService],
  exports: [GuaranteeFundsService, GuaranteesService],
})
export class GuaranteesModule {}
