import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The one source of "now" for business rules (deadlines, sweeps), so tests can move time
 * (`jest.spyOn(app.get(Clock), 'now')`) without touching timers. Database defaults still use
 * the server's clock for row timestamps.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
