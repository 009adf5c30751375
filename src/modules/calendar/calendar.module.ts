import { Global, Module } from '@nestjs/common';
import { CalendarDaysService } from './calendar-days.service.js';
import { CalendarController } from './calendar.controller.js';
import { WorkingCalendar } from './working-calendar.service.js';

@Global()
@Module({
  controllers: [CalendarController],
  providers: [WorkingCalendar, CalendarDaysService],
  exports: [WorkingCalendar],
})
export class CalendarModule {}
