import { Decimal, multiplyToFen } from '../../common/money/rate.js';
import { CalendarOverride, daysBetween, isWorkingDay } from '../calendar/working-days.js';

/*
 * The fee and the savings of one use of the turnover fund (应急周转资金使用费), as pure
 * arithmetic over the terms copied onto the application when it was approved.
 *
 * Day count — the rule this module fixes:
 * - `calendar`: days used = repaidOn − disbursedOn in calendar days;
 * - `working`: days used = the working days after disbursedOn up to and including repaidOn
 *   (weekends and holidays in between are free; a make-up workday 调休 counts), the same way
 *   src/modules/calendar counts deadlines: the day the money goes out never counts;
 * - either way at least 1: money paid out and back on the same day was still used for a day.
 * The due date is `days` such days after disbursedOn, so a use repaid on its due date has used
 * exactly `days` days, and every day beyond is an overdue day.
 *
 * Fee, with marginal tiers (like tax brackets): of the days within the term, days 1..k at the
 * tier-1 daily rate and days k+1.. at the tier-2 rate; overdue days at the overdue rate instead of
 * a tier rate.
 *   fee = principal × (r1 × d1 + r2 × d2 + rOverdue × dOverdue), rounded half-up once, at the fen,
 *   and at least the minimum fee when the fund sets one.
 * Savings = principal × benchmark daily rate × days used (rounded half-up once, at the fen) − fee,
 * never negative: what private bridge money (≈ 0.4%/day) would have cost beyond the fee paid.
 */

export const DAY_COUNTS = ['calendar', 'working'] as const;
export type DayCount = (typeof DAY_COUNTS)[number];

/** The terms of one application that decide its fee (copied from the fund at approval). */
export interface FeeTerms {
  /** k: the last day charged at the tier-1 rate. */
  tierDays: number;
  tier1DailyRate: Decimal | string;
  tier2DailyRate: Decimal | string;
  overdueDailyRate: Decimal | string;
  benchmarkDailyRate: Decimal | string;
  minFeeFen: bigint | null;
}

export interface UseCharge {
  daysUsed: number;
  tier1Days: number;
  tier2Days: number;
  overdueDays: number;
  /** The fee before the minimum applies. */
  computedFeeFen: bigint;
  feeFen: bigint;
  minimumApplied: boolean;
  /** principal × benchmark × days used: what private money would have cost. */
  benchmarkCostFen: bigint;
  savingsFen: bigint;
}

const DAY_MS = 86_400_000;

function requireCount(name: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer ≥ ${minimum}, got ${String(value)}`);
  }
}

/** The YYYY-MM-DD date `days` calendar days after `date`. */
export function addCalendarDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The last date whose calendar override a working-day count of `days` from `from` may need: a
 * window of 3 × days + 30 calendar days covers any run of holidays China declares.
 */
export function workingWindowEnd(from: string, days: number): string {
  return addCalendarDays(from, days * 3 + 30);
}

/** Days used between paying out and being repaid, per the day count (at least 1). */
export function countDaysUsed(
  disbursedOn: string,
  repaidOn: string,
  dayCount: DayCount,
  overrides: ReadonlyMap<string, CalendarOverride> = new Map(),
): number {
  const span = daysBetween(disbursedOn, repaidOn);
  if (span < 0) {
    throw new RangeError(`repaid on ${repaidOn}, before it was paid out on ${disbursedOn}`);
  }
  let used = span;
  if (dayCount === 'working') {
    used = 0;
    for (let offset = 1; offset <= span; offset += 1) {
      if (isWorkingDay(addCalendarDays(disbursedOn, offset), overrides)) {
        used += 1;
      }
    }
  }
  return Math.max(used, 1);
}

/** The date a use falls due: `days` calendar or working days after it was paid out. */
export function dueDate(
  disbursedOn: string,
  days: number,
  dayCount: DayCount,
  overrides: ReadonlyMap<string, CalendarOverride> = new Map(),
): string {
  requireCount('days', days, 1);
  if (dayCount === 'calendar') {
    return addCalendarDays(disbursedOn, days);
  }
  const limit = daysBetween(disbursedOn, workingWindowEnd(disbursedOn, days));
  let counted = 0;
  for (let offset = 1; offset <= limit; offset += 1) {
    const date = addCalendarDays(disbursedOn, offset);
    if (isWorkingDay(date, overrides)) {
      counted += 1;
      if (counted === days) {
        return date;
      }
    }
  }
  throw new RangeError(`fewer than ${days} working days in the calendar after ${disbursedOn}`);
}

/** Fee and savings of a use of `principalFen` granted for `termDays`, used for `daysUsed`. */
export function chargeForUse(
  principalFen: bigint,
  termDays: number,
  terms: FeeTerms,
  daysUsed: number,
): UseCharge {
  if (typeof principalFen !== 'bigint' || principalFen <= 0n) {
    throw new RangeError('the principal must be a positive bigint amount in fen');
  }
  requireCount('termDays', termDays, 1);
  requireCount('daysUsed', daysUsed, 1);
  requireCount('tierDays', terms.tierDays, 1);
  const withinTerm = Math.min(daysUsed, termDays);
  const tier1Days = Math.min(withinTerm, terms.tierDays);
  const tier2Days = withinTerm - tier1Days;
  const overdueDays = daysUsed - withinTerm;
  // Rates carry at most 10 decimals and day counts a few digits: this sum is exact, and the
  // only rounding is multiplyToFen's, once, at the fen.
  const rateDays = new Decimal(terms.tier1DailyRate)
    .times(tier1Days)
    .plus(new Decimal(terms.tier2DailyRate).times(tier2Days))
    .plus(new Decimal(terms.overdueDailyRate).times(overdueDays));
  const computedFeeFen = multiplyToFen(principalFen, rateDays);
  const minimumApplied = terms.minFeeFen !== null && computedFeeFen < terms.minFeeFen;
  const feeFen = minimumApplied && terms.minFeeFen !== null ? terms.minFeeFen : computedFeeFen;
  const benchmarkCostFen = multiplyToFen(principalFen, terms.benchmarkDailyRate, daysUsed);
  return {
    daysUsed,
    tier1Days,
    tier2Days,
    overdueDays,
    computedFeeFen,
    feeFen,
    minimumApplied,
    benchmarkCostFen,
    savingsFen: benchmarkCostFen > feeFen ? benchmarkCostFen - feeFen : 0n,
  };
}
