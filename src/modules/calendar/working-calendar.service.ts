import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addWorkingDays, CalendarOverride } from './working-days.js';

/** Working-day arithmetic over the admin-maintained calendar (holidays and make-up workdays). */
@Injectable()
export class WorkingCalendar {
  /** `days` working days after `from` (see addWorkingDays), reading the calendar in `manager`. */
  async addWorkingDays(manager: EntityManager, from: Date, days: number): Promise<Date> {
    // Holidays rarely span more than a few weeks: a window of 3 × days + 30 calendar days
    // always covers the answer.
    const rows = await manager.query<{ day: string; kind: CalendarOverride }[]>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM calendar_days
        WHERE day BETWEEN ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
                      AND ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + $2::int`,
      [from.toISOString(), days * 3 + 30],
    );
    return addWorkingDays(from, days, new Map(rows.map((row) => [row.day, row.kind])));
  }
}
