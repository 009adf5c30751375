import { describe, expect, it } from '@jest/globals';
import { Decimal } from '../../common/money/rate.js';
import {
  feeRateWarnings,
  guaranteeFee,
  RISK_PARTIES,
  sharesSumToOne,
  splitByShares,
} from './guarantee-math.js';

const ANHUI_4321 = { guarantor: '0.4', reguarantor: '0.3', bank: '0.2', government: '0.1' };

describe('guaranteeFee', () => {
  it('charges principal × rate × months / 12 (Tonghua: 0.7% a year)', () => {
    // 100万 for 12 months at 0.7% = 7000.00 yuan.
    expect(guaranteeFee(100_000_000n, '0.007', 12)).toBe(700_000n);
    // 6 months is half of it.
    expect(guaranteeFee(100_000_000n, '0.007', 6)).toBe(350_000n);
  });

  it('rounds half-up once, at the fen', () => {
    // 1.50 yuan × 0.01 × 1/12 = 0.125 fen → 0; 6.00 yuan × 0.01 × 1/12 = 0.5 fen → 1.
    expect(guaranteeFee(150n, '0.01', 1)).toBe(0n);
    expect(guaranteeFee(600n, '0.01', 1)).toBe(1n);
    // 13 months: 1000.00 × 0.007 × 13 / 12 = 7.583… yuan → 758 fen (758.33…).
    expect(guaranteeFee(100_000n, '0.007', 13)).toBe(758n);
    // 7.58333 rounds down, 0.5 rounds up: 1200.00 × 0.0125 × 1/12 = 1.25 yuan exactly = 125 fen.
    expect(guaranteeFee(120_000n, '0.0125', 1)).toBe(125n);
  });

  it('stays exact at the largest amount the API accepts', () => {
    // 9,999,999,999,999.99 yuan for 36 months at 1.5%: 449,999,999,999.99955 yuan → …00.00 fen.
    expect(guaranteeFee(999_999_999_999_999n, '0.015', 36)).toBe(45_000_000_000_000n);
  });
});

describe('feeRateWarnings', () => {
  it('warns above 1% up to 500万 and above 1.5% beyond, without refusing', () => {
    expect(feeRateWarnings('0.007')).toEqual([]);
    expect(feeRateWarnings('0.01')).toEqual([]);
    expect(feeRateWarnings('0.012')).toHaveLength(1);
    expect(feeRateWarnings('0.012', 500_000_000n)).toHaveLength(1);
    expect(feeRateWarnings('0.012', 500_000_001n)).toEqual([]);
    expect(feeRateWarnings('0.016', 500_000_001n)).toHaveLength(1);
    expect(feeRateWarnings('0.016')).toHaveLength(2);
  });
});

describe('sharesSumToOne', () => {
  it('accepts any subset of parties summing to exactly 1', () => {
    expect(sharesSumToOne(ANHUI_4321)).toBe(true);
    expect(sharesSumToOne({ guarantor: '1' })).toBe(true);
    expect(sharesSumToOne({ guarantor: '0.7', bank: '0.3' })).toBe(true);
    expect(
      sharesSumToOne({
        guarantor: '0.3333333333',
        bank: '0.3333333333',
        government: '0.3333333334',
      }),
    ).toBe(true);
  });

  it('refuses sums off by any amount, zero shares and an empty set', () => {
    expect(sharesSumToOne({ guarantor: '0.4', bank: '0.5' })).toBe(false);
    expect(sharesSumToOne({ guarantor: '0.5', bank: '0.5000000001' })).toBe(false);
    expect(sharesSumToOne({ guarantor: '1', bank: '0' })).toBe(false);
    expect(sharesSumToOne({})).toBe(false);
  });
});

describe('splitByShares', () => {
  const sum = (parts: Record<string, bigint>): bigint =>
    Object.values(parts).reduce((total, part) => total + part, 0n);

  it('splits 4321 exactly when the amount divides', () => {
    expect(splitByShares(1_000_000n, ANHUI_4321)).toEqual({
      guarantor: 400_000n,
      reguarantor: 300_000n,
      bank: 200_000n,
      government: 100_000n,
    });
  });

  it('always sums to the amount, each part within one fen of its exact share', () => {
    const shares = { guarantor: '0.3333333333', bank: '0.3333333333', government: '0.3333333334' };
    for (const amount of [1n, 2n, 3n, 7n, 100n, 1001n, 999_999_999_999_999n]) {
      const parts = splitByShares(amount, shares);
      expect(sum(parts)).toBe(amount);
      expect(parts.reguarantor).toBe(0n);
      for (const party of ['guarantor', 'bank', 'government'] as const) {
        const exact = new Decimal(amount.toString()).times(shares[party]);
        expect(exact.minus(parts[party].toString()).abs().lte(1)).toBe(true);
      }
    }
  });

  it('gives the leftover fen to the largest remainders, ties in party order', () => {
    // 1 fen among 4/3/2/1: exact 0.4/0.3/0.2/0.1 → the guarantor takes it.
    expect(splitByShares(1n, ANHUI_4321)).toEqual({
      guarantor: 1n,
      reguarantor: 0n,
      bank: 0n,
      government: 0n,
    });
    // 1 fen between two halves: a tie, so the first party in order takes it.
    expect(splitByShares(1n, { bank: '0.5', government: '0.5' }).bank).toBe(1n);
    // 3 fen at 4321: exact 1.2/0.9/0.6/0.3 → floors 1/0/0/0, remainders .2/.9/.6/.3.
    expect(splitByShares(3n, ANHUI_4321)).toEqual({
      guarantor: 1n,
      reguarantor: 1n,
      bank: 1n,
      government: 0n,
    });
  });

  it('names every party, with zero for those not sharing', () => {
    expect(Object.keys(splitByShares(10n, { guarantor: '1' }))).toEqual([...RISK_PARTIES]);
  });
});
