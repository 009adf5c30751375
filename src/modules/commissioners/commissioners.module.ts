import { Module } from '@nestjs/common';
import { MatchingModule } from '../matching/matching.module.js';
import { CommissionerStatsController } from './commissioner-stats.controller.js';
import { CommissionerStatsService } from './commissioner-stats.service.js';
import { CommissionerVisitsService } from './commissioner-visits.service.js';
import { CommissionersController } from './commissioners.controller.js';
import { CommissionersService } from './commissioners.service.js';

/**
 * 金融服务专员: assignments of bank officers to enterprises, their service log, needs filed as
 * financing requests (through MatchingModule's service) and the commissioners' figures.
 */
@Module({
  imports: [MatchingModule],
  controllers: [CommissionersController, CommissionerStatsController],
  providers: [CommissionersService, CommissionerVisitsService, CommissionerStatsService],
  exports: [CommissionerStatsService, CommissionersService],
})
export class CommissionersModule {}
