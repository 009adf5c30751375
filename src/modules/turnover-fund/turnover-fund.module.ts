import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../../common/idempotency/idempotency.module.js';
import { ApplicationTransitions } from './application-transitions.js';
import { FundLedger } from './fund-ledger.js';
import { OverdueSweep } from './overdue-sweep.service.js';
import { TurnoverApplicationsController } from './turnover-applications.controller.js';
import { TurnoverApplicationsService } from './turnover-applications.service.js';
import { TurnoverCalendar } from './turnover-calendar.js';
import { TurnoverFundsController } from './turnover-funds.controller.js';
import { TurnoverFundsService } from './turnover-funds.service.js';
import { TurnoverNotices } from './turnover-notices.js';
import { TurnoverPaymentsService } from './turnover-payments.service.js';
import { TurnoverReportService } from './turnover-report.js';

/**
 * 应急周转基金: funds, applications, the money moves and the double-entry ledger. Clock and
 * AuditService come from global modules. ApplicationTransitions and FundLedger are exported
 * for the overdue sweep and the report, which reuse the state moves and the ledger; the report
 * for the city dashboard; the funds, applications and payments for the Tonghua year replay.
 */
@Module({
  imports: [IdempotencyModule],
  controllers: [TurnoverFundsController, TurnoverApplicationsController],
  providers: [
    TurnoverFundsService,
    TurnoverApplicationsService,
    TurnoverPaymentsService,
    ApplicationTransitions,
    FundLedger,
    TurnoverCalendar,
    TurnoverNotices,
    OverdueSweep,
    TurnoverReportService,
  ],
  exports: [
    ApplicationTransitions,
    FundLedger,
    TurnoverNotices,
    OverdueSweep,
    TurnoverReportService,
    TurnoverFundsService,
    TurnoverApplicationsService,
    TurnoverPaymentsService,
  ],
})
export class TurnoverFundModule {}
