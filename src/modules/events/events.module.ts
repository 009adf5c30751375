import { Module } from '@nestjs/common';
import { MatchingModule } from '../matching/matching.module.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';

/**
 * 融资对接活动: matchmaking events, their rosters and intents, and the conversion of an intent
 * into a dispatched financing request (through MatchingModule's services).
 */
@Module({
  imports: [MatchingModule],
  controllers: [EventsController],
  providers: [EventsService],
  exports: [EventsService],
})
export class EventsModule {}
