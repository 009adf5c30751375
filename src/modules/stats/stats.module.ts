import { Module } from '@nestjs/common';
import { CommissionersModule } from '../commissioners/commissioners.module.js';
import { EventsModule } from '../events/events.module.js';
import { GuaranteesModule } from '../guarantees/guarantees.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { TurnoverFundModule } from '../turnover-fund/turnover-fund.module.js';
import { MatchmakingStatsService } from './matchmaking-stats.service.js';
import { OverviewService } from './overview.service.js';
import { StatsController } from './stats.controller.js';

/** The city's figures (DOMAIN.md §1), read from each system's own report. Read-only. */
@Module({
  imports: [
    ProjectsModule,
    TurnoverFundModule,
    GuaranteesModule,
    CommissionersModule,
    EventsModule,
  ],
  controllers: [StatsController],
  providers: [MatchmakingStatsService, OverviewService],
  exports: [OverviewService],
})
export class StatsModule {}
