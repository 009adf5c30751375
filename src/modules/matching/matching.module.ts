import { Module } from '@nestjs/common';
import { DeclineReasonsController } from './decline-reasons.controller.js';
import { DeclineReasonsService } from './decline-reasons.service.js';
import { FinancingRequestsController } from './financing-requests.controller.js';
import { FinancingRequestsService } from './financing-requests.service.js';
import { MatchViews } from './match-views.js';
import { MatchesController } from './matches.controller.js';
import { MatchesService } from './matches.service.js';
import { RequestDetailReader } from './request-detail.js';
import { RequestListReader } from './request-list.js';
import { RequestTimeline } from './request-timeline.js';

/**
 * 项目中心+行长制: financing requests, their dispatch to accountable bank presidents, the banks'
 * work on each match, the timeline and the decline reasons. Clock, WorkingCalendar,
 * NotificationsService and AuditService come from global modules.
 */
@Module({
  controllers: [FinancingRequestsController, MatchesController, DeclineReasonsController],
  providers: [
    FinancingRequestsService,
    MatchesService,
    MatchViews,
    RequestTimeline,
    RequestDetailReader,
    RequestListReader,
    DeclineReasonsService,
  ],
  exports: [RequestTimeline, FinancingRequestsService, MatchesService],
})
export class MatchingModule {}
