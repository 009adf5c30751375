import { describe, expect, it } from '@jest/globals';
import { CalendarOverride } from '../calendar/working-days.js';
import { chargeForUse, countDaysUsed, dueDate, FeeTerms } from './fees.js';

/** Tonghua's defaults: 0.02%/day for days 1–5, 0.04%/day beyond, private money at 0.4%/day. */
const TONGHUA: FeeTerms = {
  tierDays: 5,
  tier1DailyRate: '0.0002',
  tier2DailyRate: '0.0004',
  overdueDailyRate: '0.0008',
  benchmarkDailyRate: '0.004',
  minFeeFen: null,
};
/** 10,000,000.00 yuan. */
const TEN_MILLION = 1_000_000_000n;
const MAX_FEN = 999_999_999_999_999n;

describe('chargeForUse', () => {
  it('charges days 1..5 at the tier-1 rate: 5 days of 10 million cost 10,000.00', () => {
    const charge = chargeForUse(TEN_MILLION, 10, TONGHUA, 5);
    expect(charge).toMatchObject({ tier1Days: 5, tier2Days: 0, overdueDays: 0 });
    expect(charge.feeFen).toBe(1_000_000n);
    // 10 million × 0.004 × 5 = 200,000.00 of private money, less the fee.
    expect(charge.benchmarkCostFen).toBe(20_000_000n);
    expect(charge.savingsFen).toBe(19_000_000n);
  });

  it('charges day 6 alone at the tier-2 rate (marginal tiers): 14,000.00', () => {
    const charge = chargeForUse(TEN_MILLION, 10, TONGHUA, 6);
    expect(charge).toMatchObject({ tier1Days: 5, tier2Days: 1, overdueDays: 0 });
    expect(charge.feeFen).toBe(1_400_000n);
    expect(charge.savingsFen).toBe(24_000_000n - 1_400_000n);
  });

  it('charges days beyond the term at the overdue rate instead of a tier rate', () => {
    // Term 7 days, used 9: 5 at 0.02%, 2 at 0.04%, 2 overdue at 0.08%.
    const charge = chargeForUse(TEN_MILLION, 7, TONGHUA, 9);
    expect(charge).toMatchObject({ tier1Days: 5, tier2Days: 2, overdueDays: 2 });
    expect(charge.feeFen).toBe(1_000_000n + 800_000n + 1_600_000n);
  });

  it('charges every day past a short term at the overdue rate, tier 2 never reached', () => {
    const charge = chargeForUse(TEN_MILLION, 3, TONGHUA, 8);
    expect(charge).toMatchObject({ tier1Days: 3, tier2Days: 0, overdueDays: 5 });
    expect(charge.feeFen).toBe(600_000n + 4_000_000n);
  });

  it('raises a small fee to the minimum and keeps savings at zero rather than negative', () => {
    // 10,000.00 yuan for 3 days: 6.00 yuan of fee, 5,000.00 minimum (福鼎).
    const charge = chargeForUse(1_000_000n, 5, { ...TONGHUA, minFeeFen: 500_000n }, 3);
    expect(charge.computedFeeFen).toBe(600n);
    expect(charge.feeFen).toBe(500_000n);
    expect(charge.minimumApplied).toBe(true);
    expect(charge.benchmarkCostFen).toBe(12_000n);
    expect(charge.savingsFen).toBe(0n);
  });

  it('leaves a fee above the minimum alone', () => {
    const charge = chargeForUse(TEN_MILLION, 10, { ...TONGHUA, minFeeFen: 500_000n }, 5);
    expect(charge.feeFen).toBe(1_000_000n);
    expect(charge.minimumApplied).toBe(false);
  });

  it('rounds an exact half fen up, and just below half down', () => {
    // 25.00 yuan × 0.0002 × 1 = 0.5 fen; 75.00 yuan → 1.5 fen; 24.99 yuan → 0.4998 fen.
    expect(chargeForUse(2_500n, 5, TONGHUA, 1).feeFen).toBe(1n);
    expect(chargeForUse(7_500n, 5, TONGHUA, 1).feeFen).toBe(2n);
    expect(chargeForUse(2_499n, 5, TONGHUA, 1).feeFen).toBe(0n);
  });

  it('rounds once over the whole fee, not per tier', () => {
    // 37.50 yuan for 6 days: 3.75 fen (tier 1) + 1.5 fen (tier 2) = 5.25 → 5; rounding each
    // tier first would give 4 + 2 = 6.
    expect(chargeForUse(3_750n, 10, TONGHUA, 6).feeFen).toBe(5n);
  });

  it('is exact for the largest amount the API accepts (9,999,999,999,999.99 yuan)', () => {
    // 15 days: 5 × 0.0002 + 10 × 0.0004 = 0.005 → 4,999,999,999,999.995 fen, an exact half.
    const charge = chargeForUse(MAX_FEN, 15, TONGHUA, 15);
    expect(charge.feeFen).toBe(5_000_000_000_000n);
    // 0.004 × 15 = 0.06 → 59,999,999,999,999.94 fen → 60,000,000,000,000.
    expect(charge.benchmarkCostFen).toBe(60_000_000_000_000n);
    expect(charge.savingsFen).toBe(55_000_000_000_000n);
  });

  it('refuses a non-positive principal and day counts below 1', () => {
    expect(() => chargeForUse(0n, 5, TONGHUA, 1)).toThrow(RangeError);
    expect(() => chargeForUse(TEN_MILLION, 5, TONGHUA, 0)).toThrow(RangeError);
    expect(() => chargeForUse(TEN_MILLION, 0, TONGHUA, 1)).toThrow(RangeError);
    expect(() => chargeForUse(TEN_MILLION, 5, TONGHUA, 1.5)).toThrow(RangeError);
  });
});

describe('countDaysUsed', () => {
  // 2026-03-06 is a Friday; 2026-03-09 a Monday.
  it('counts calendar days between payout and repayment, across a month end', () => {
    expect(countDaysUsed('2026-02-27', '2026-03-02', 'calendar')).toBe(3);
    expect(countDaysUsed('2026-03-06', '2026-03-10', 'calendar')).toBe(4);
  });

  it('counts at least one day when the money comes back the day it went out', () => {
    expect(countDaysUsed('2026-03-06', '2026-03-06', 'calendar')).toBe(1);
    expect(countDaysUsed('2026-03-06', '2026-03-06', 'working')).toBe(1);
    // Out on Friday, back on Saturday: no working day passed, still one day charged.
    expect(countDaysUsed('2026-03-06', '2026-03-07', 'working')).toBe(1);
  });

  it('skips the weekend when counting working days', () => {
    // Fri → Tue: Sat and Sun are free; Mon and Tue count.
    expect(countDaysUsed('2026-03-06', '2026-03-10', 'working')).toBe(2);
  });

  it('skips a holiday and counts a make-up workday (调休)', () => {
    const holidayMonday = new Map<string, CalendarOverride>([['2026-03-09', 'holiday']]);
    expect(countDaysUsed('2026-03-06', '2026-03-10', 'working', holidayMonday)).toBe(1);
    const makeUpSaturday = new Map<string, CalendarOverride>([['2026-03-07', 'workday']]);
    expect(countDaysUsed('2026-03-06', '2026-03-10', 'working', makeUpSaturday)).toBe(3);
  });

  it('refuses a repayment before the payout', () => {
    expect(() => countDaysUsed('2026-03-06', '2026-03-05', 'calendar')).toThrow(RangeError);
  });
});

describe('dueDate', () => {
  it('adds calendar days', () => {
    expect(dueDate('2026-02-27', 5, 'calendar')).toBe('2026-03-04');
  });

  it('adds working days across a weekend and a holiday', () => {
    // Fri + 3 working days: Mon, Tue, Wed.
    expect(dueDate('2026-03-06', 3, 'working')).toBe('2026-03-11');
    // With Monday a holiday: Tue, Wed, Thu.
    expect(dueDate('2026-03-06', 3, 'working', new Map([['2026-03-09', 'holiday' as const]]))).toBe(
      '2026-03-12',
    );
  });

  it('agrees with countDaysUsed: repaid on the due date means exactly `days` days, no overdue', () => {
    const overrides = new Map<string, CalendarOverride>([
      ['2026-10-01', 'holiday'],
      ['2026-10-02', 'holiday'],
      ['2026-10-05', 'holiday'],
      ['2026-10-10', 'workday'],
    ]);
    const due = dueDate('2026-09-30', 5, 'working', overrides);
    // Thu, Fri and Mon are holidays; Tue–Fri count 4, the make-up Saturday the 5th.
    expect(due).toBe('2026-10-10');
    expect(countDaysUsed('2026-09-30', due, 'working', overrides)).toBe(5);
    const charge = chargeForUse(TEN_MILLION, 5, TONGHUA, 5);
    expect(charge.overdueDays).toBe(0);
  });
});
