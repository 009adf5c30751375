/** A commissioner's default term (Xinxiang pairs one bank staffer with one firm for two years). */
export const DEFAULT_TERM_YEARS = 2;

const DAY_MS = 86_400_000;

/** The YYYY-MM-DD date `days` after (or before, when negative) `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The same day `years` later; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = year + years;
  const lastDay = new Date(Date.UTC(target, month, 0)).getUTCDate();
  const shifted = new Date(Date.UTC(target, month - 1, Math.min(day, lastDay)));
  return shifted.toISOString().slice(0, 10);
}

/** Last day (inclusive) of a default term starting on `from`: two years less a day. */
export function defaultTermEnd(from: string): string {
  return addDays(addYears(from, DEFAULT_TERM_YEARS), -1);
}

/**
 * Median of whole-day durations, to one decimal (the mean of the two middle values when the
 * count is even, so it is always a whole or a half); null when there are none.
 */
export function medianDays(values: readonly number[]): string | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  // Whole days: the mean of two is a whole or a half, exact in a JS number.
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return median.toFixed(1);
}
