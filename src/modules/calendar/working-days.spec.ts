import { describe, expect, it } from '@jest/globals';
import {
  addWorkingDays,
  CalendarOverride,
  isCalendarDate,
  isWorkingDay,
  shanghaiDateOf,
} from './working-days.js';

/** An instant given as Shanghai wall-clock time (UTC+8), so the tests read as the city lives. */
const shanghai = (wallClock: string): Date => new Date(`${wallClock}+08:00`);

const NO_OVERRIDES: ReadonlyMap<string, CalendarOverride> = new Map();

/** 2026 春节: 15–23 February off, Saturday 14 and Saturday 28 February worked (调休). */
const SPRING_FESTIVAL_2026: ReadonlyMap<string, CalendarOverride> = new Map<
  string,
  CalendarOverride
>([
  ['2026-02-14', 'workday'],
  ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map(
    (day): [string, CalendarOverride] => [`2026-02-${day}`, 'holiday'],
  ),
  ['2026-02-28', 'workday'],
]);

describe('shanghaiDateOf', () => {
  it('gives the Shanghai date of a UTC instant late in the UTC day', () => {
    expect(shanghaiDateOf(new Date('2026-01-09T15:59:59.999Z'))).toBe('2026-01-09');
    expect(shanghaiDateOf(new Date('2026-01-09T16:00:00.000Z'))).toBe('2026-01-10');
  });
});

describe('isWorkingDay', () => {
  it('treats Saturday and Sunday as days off and Monday to Friday as working days', () => {
    expect(isWorkingDay('2026-01-09', NO_OVERRIDES)).toBe(true); // Friday
    expect(isWorkingDay('2026-01-10', NO_OVERRIDES)).toBe(false); // Saturday
    expect(isWorkingDay('2026-01-11', NO_OVERRIDES)).toBe(false); // Sunday
    expect(isWorkingDay('2026-01-12', NO_OVERRIDES)).toBe(true); // Monday
  });

  it('lets a holiday override a weekday and a make-up workday override a Saturday', () => {
    expect(isWorkingDay('2026-02-16', SPRING_FESTIVAL_2026)).toBe(false); // Monday, holiday
    expect(isWorkingDay('2026-02-14', SPRING_FESTIVAL_2026)).toBe(true); // Saturday, 调休
  });
});

describe('addWorkingDays', () => {
  it('makes a Friday 15:00 dispatch with 3 working days due on Wednesday 15:00', () => {
    expect(addWorkingDays(shanghai('2026-01-09T15:00:00'), 3, NO_OVERRIDES)).toEqual(
      shanghai('2026-01-14T15:00:00'),
    );
  });

  it('skips a holiday that falls on a weekday', () => {
    // 清明 2026: Monday 6 April off, so Friday + 3 lands on Thursday.
    const qingming = new Map<string, CalendarOverride>([['2026-04-06', 'holiday']]);
    expect(addWorkingDays(shanghai('2026-04-03T15:00:00'), 3, qingming)).toEqual(
      shanghai('2026-04-09T15:00:00'),
    );
  });

  it('counts a make-up workday on a Saturday (调休)', () => {
    const labourDay = new Map<string, CalendarOverride>([['2026-05-09', 'workday']]);
    // Thursday 09:00 + 2: Friday, then the make-up Saturday.
    expect(addWorkingDays(shanghai('2026-05-07T09:00:00'), 2, labourDay)).toEqual(
      shanghai('2026-05-09T09:00:00'),
    );
    // Without the override the same dispatch is due on Monday.
    expect(addWorkingDays(shanghai('2026-05-07T09:00:00'), 2, NO_OVERRIDES)).toEqual(
      shanghai('2026-05-11T09:00:00'),
    );
  });

  it('carries a deadline across the Spring Festival week', () => {
    // Thursday 12 Feb 10:00 + 3: Friday 13, make-up Saturday 14, then nothing until Tuesday 24.
    expect(addWorkingDays(shanghai('2026-02-12T10:00:00'), 3, SPRING_FESTIVAL_2026)).toEqual(
      shanghai('2026-02-24T10:00:00'),
    );
    // Dispatched during the holiday: the first working day after it is the first one counted.
    expect(addWorkingDays(shanghai('2026-02-17T11:30:00'), 1, SPRING_FESTIVAL_2026)).toEqual(
      shanghai('2026-02-24T11:30:00'),
    );
  });

  it('never counts the dispatch day, however early or whether it is a working day', () => {
    expect(addWorkingDays(shanghai('2026-01-12T00:01:00'), 1, NO_OVERRIDES)).toEqual(
      shanghai('2026-01-13T00:01:00'),
    );
    // Saturday dispatch: Sunday is off, Monday is the first working day.
    expect(addWorkingDays(shanghai('2026-01-10T10:00:00'), 1, NO_OVERRIDES)).toEqual(
      shanghai('2026-01-12T10:00:00'),
    );
  });

  it('reads the calendar on Shanghai dates, not UTC ones', () => {
    // 20:00 UTC on Friday 9 January is 04:00 on Saturday 10 January in Shanghai, so the next
    // working day is Monday 12 January (Shanghai); on UTC dates it would wrongly be Monday 12
    // January 20:00 UTC, i.e. Tuesday in Shanghai.
    const lateFridayUtc = new Date('2026-01-09T20:00:00Z');
    expect(addWorkingDays(lateFridayUtc, 1, NO_OVERRIDES)).toEqual(
      new Date('2026-01-11T20:00:00Z'),
    );
    expect(shanghaiDateOf(addWorkingDays(lateFridayUtc, 1, NO_OVERRIDES))).toBe('2026-01-12');
  });

  it('returns the same instant for 0 working days', () => {
    const from = shanghai('2026-01-10T10:00:00');
    expect(addWorkingDays(from, 0, NO_OVERRIDES)).toEqual(from);
  });

  it('refuses a negative, fractional or non-finite number of days', () => {
    const from = shanghai('2026-01-09T15:00:00');
    for (const days of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => addWorkingDays(from, days, NO_OVERRIDES)).toThrow(RangeError);
    }
  });
});

describe('isCalendarDate', () => {
  it('accepts real dates written YYYY-MM-DD, leap days included', () => {
    expect(isCalendarDate('2026-02-17')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
  });

  it('refuses impossible dates and other spellings', () => {
    for (const text of [
      '2026-02-29',
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '2026-2-3',
      '2026/02/17',
      '20260217',
      '2026-02-17T00:00:00Z',
      ' 2026-02-17',
      '',
    ]) {
      expect({ text, valid: isCalendarDate(text) }).toEqual({ text, valid: false });
    }
  });
});
