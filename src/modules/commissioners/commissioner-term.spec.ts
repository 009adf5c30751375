import { describe, expect, it } from '@jest/globals';
import { addDays, addYears, defaultTermEnd, medianDays } from './commissioner-term.js';

describe('commissioner terms', () => {
  it('ends a default term two years less a day after it starts', () => {
    expect(defaultTermEnd('2026-03-01')).toBe('2028-02-29');
    expect(defaultTermEnd('2026-01-01')).toBe('2027-12-31');
  });

  it('moves 29 February to 28 February in a common year', () => {
    expect(addYears('2024-02-29', 2)).toBe('2026-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
  });

  it('adds and subtracts days across months and years', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('median days', () => {
  it('is null without values', () => {
    expect(medianDays([])).toBeNull();
  });

  it('takes the middle value of an odd count, whatever the input order', () => {
    expect(medianDays([90, 10, 30])).toBe('30.0');
  });

  it('averages the two middle values of an even count', () => {
    expect(medianDays([10, 31, 90, 7])).toBe('20.5');
  });
});
