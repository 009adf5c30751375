import { describe, expect, it } from '@jest/globals';
import { effectiveRate, LprQuote, normaliseRate, ProductRateTerms } from './effective-rate.js';
import type { LprTenor } from './product.entity.js';

const quotes = new Map<LprTenor, LprQuote>([
  ['1y', { tenor: '1y', rate: '0.030000', effectiveOn: '2025-05-20' }],
  ['5y', { tenor: '5y', rate: '0.035000', effectiveOn: '2025-05-20' }],
]);

const lpr = (tenor: LprTenor, minSpreadBp: number, maxSpreadBp: number): ProductRateTerms => ({
  rateKind: 'lpr',
  minAnnualRate: null,
  maxAnnualRate: null,
  lprTenor: tenor,
  minSpreadBp,
  maxSpreadBp,
});

describe('effectiveRate', () => {
  it('adds the spreads in basis points to the LPR of the product tenor', () => {
    expect(effectiveRate(lpr('1y', 0, 85), quotes)).toEqual({
      minAnnualRate: '0.03',
      maxAnnualRate: '0.0385',
      lprRate: '0.03',
      lprEffectiveOn: '2025-05-20',
    });
    expect(effectiveRate(lpr('5y', 10, 120), quotes)).toMatchObject({
      minAnnualRate: '0.036',
      maxAnnualRate: '0.047',
      lprRate: '0.035',
    });
  });

  it('subtracts negative spreads exactly, without binary drift', () => {
    // As doubles, 0.03 - 0.0015 is 0.028499999999999998.
    expect(effectiveRate(lpr('1y', -15, -1), quotes)).toMatchObject({
      minAnnualRate: '0.0285',
      maxAnnualRate: '0.0299',
    });
  });

  it('leaves the range empty when no LPR of the tenor is in force', () => {
    const only1y = new Map([...quotes].filter(([tenor]) => tenor === '1y'));
    expect(effectiveRate(lpr('5y', 0, 50), only1y)).toEqual({
      minAnnualRate: null,
      maxAnnualRate: null,
      lprRate: null,
      lprEffectiveOn: null,
    });
  });

  it('passes a fixed range through, normalised, and ignores the LPR', () => {
    const fixed: ProductRateTerms = {
      rateKind: 'fixed',
      minAnnualRate: '0.038500',
      maxAnnualRate: '0.060000',
      lprTenor: null,
      minSpreadBp: null,
      maxSpreadBp: null,
    };
    expect(effectiveRate(fixed, quotes)).toEqual({
      minAnnualRate: '0.0385',
      maxAnnualRate: '0.06',
      lprRate: null,
      lprEffectiveOn: null,
    });
  });
});

describe('normaliseRate', () => {
  it('prints plain notation without trailing zeros', () => {
    expect(normaliseRate('0.000100')).toBe('0.0001');
    expect(normaliseRate('0.000001')).toBe('0.000001');
  });
});
