/** A day's override of the weekend rule: a holiday on a weekday, or a make-up workday (调休). */
export type CalendarOverride = 'holiday' | 'workday';

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (no daylight saving). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

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
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
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
