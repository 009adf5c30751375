import { Module } from '@nestjs/common';
import { EscalationSweep } from './escalation-sweep.service.js';

/** 超时上报: the deadline sweep over dispatched matches (no routes). */
@Module({
  providers: [EscalationSweep],
  exports: [EscalationSweep],
})
export class EscalationModule {}
