import { describe, expect, it } from '@jest/globals';
import { isIsoInstant } from './identifiers.js';

describe('isIsoInstant', () => {
  it('accepts what Date#toISOString writes', () => {
    for (const time of [0, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2026, 10, 29, 11)]) {
      expect(isIsoInstant(new Date(time).toISOString())).toBe(true);
    }
  });

  it('refuses instants that are shaped right but not real, and other spellings', () => {
    for (const value of [
      '2026-02-30T00:00:00.000Z', // Date.parse rolls it over to 2 March
      '2025-02-29T00:00:00.000Z', // not a leap year
      '2026-01-01T24:00:00.000Z', // Date.parse reads the next day's midnight
      '2026-13-01T00:00:00.000Z',
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.000+08:00',
      '2026-01-01 00:00:00.000Z',
    ]) {
      expect({ value, accepted: isIsoInstant(value) }).toEqual({ value, accepted: false });
    }
  });
});
