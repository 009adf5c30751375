import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CalendarOverride } from '../calendar/working-days.js';
import { countDaysUsed, type DayCount, dueDate, workingWindowEnd } from './fees.js';

/**
 * Day counting for the fund over the admin-maintained calendar (src/modules/calendar): reads the
 * holidays and make-up workdays only when the terms count working days, so a calendar-day fund
 * pays no round trip for it.
 */
@Injectable()
export class TurnoverCalendar {
  async dueDate(
    manager: EntityManager,
    disbursedOn: string,
    days: number,
    dayCount: DayCount,
  ): Promise<string> {
    const overrides =
      dayCount === 'working'
        ? await this.overrides(manager, disbursedOn, workingWindowEnd(disbursedOn, days))
        : undefined;
    return dueDate(disbursedOn, days, dayCount, overrides);
  }

  async daysUsed(
    manager: EntityManager,
    disbursedOn: string,
    repaidOn: string,
    dayCount: DayCount,
  ): Promise<number> {
    const overrides =
      dayCount === 'working' ? await this.overrides(manager, disbursedOn, repaidOn) : undefined;
    return countDaysUsed(disbursedOn, repaidOn, dayCount, overrides);
  }

  private async overrides(
    manager: EntityManager,
    from: string,
    to: string,
  ): Promise<Map<string, CalendarOverride>> {
    const rows = await manager.query<{ day: string; kind: CalendarOverride }[]>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM calendar_days
        WHERE day BETWEEN $1::date AND $2::date`,
      [from, to],
    );
    return new Map(rows.map((row) => [row.day, row.kind]));
  }
}
