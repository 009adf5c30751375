import { Module } from '@nestjs/common';
import { MatchmakingStatsService } from './matchmaking-stats.service.js';
import { StatsController } from './stats.controller.js';

/** The city's figures (DOMAIN.md §1). Read-only. */
@Module({
  controllers: [StatsController],
  providers: [MatchmakingStatsService],
})
export class StatsModule {}
