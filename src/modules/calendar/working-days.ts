/** A day's override of the weekend rule: a holiday on a weekday, or a make-up workday (调休). */
export type CalendarOverride = 'holiday' | 'workday';

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (no daylight saving). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (not 2026-02-30, not 2026-2-3). */
export function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (match === null) {
    return false;
  }
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** Whole days from one YYYY-MM-DD date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
}

/** Saturday or Sunday, for a YYYY-MM-DD date. */
export function isWeekend(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** The business date (YYYY-MM-DD) in Asia/Shanghai of an instant. */
export function shanghaiDateOf(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(
  date: string,
  overrides: ReadonlyMap<string, CalendarOverride>,
): boolean {
  const override = overrides.get(date);
  if (override !== undefined) {
    return override === 'workday';
  }
  return !isWeekend(date);
}

/**
 * The instant `days` working days after `from`, at the same Shanghai time of day: a match
 * dispatched Friday 15:00 with 3 working days is due Wednesday 15:00 (Thursday if Monday is a
 * holiday, and so on). Counting starts on the next day, so the dispatch day never counts.
 */
export function addWorkingDays(
  from: Date,
  days: number,
  overrides: ReadonlyMap<string, CalendarOverride>,
): Date {
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`working days must be a non-negative integer, not ${days}`);
  }
  let instant = from.getTime();
  for (let counted = 0; counted < days;) {
    instant += DAY_MS;
    if (isWorkingDay(shanghaiDateOf(new Date(instant)), overrides)) {
      counted += 1;
    }
  }
  return new Date(instant);
}
