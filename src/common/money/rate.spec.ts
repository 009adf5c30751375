import { describe, expect, it } from '@jest/globals';
import decimalModule from 'decimal.js';

import { DomainError } from '../errors/domain-error.js';
import { ErrorCode } from '../errors/error-code.js';
import { formatFen, parseYuan } from './money.js';
import {
  Decimal,
  multiplyDivideToFen,
  multiplyToFen,
  parseRate,
  RATE_FORMAT_MESSAGE,
  RATE_PATTERN,
} from './rate.js';

describe('Decimal', () => {
  it('computes with 40 significant digits, rounding half-up', () => {
    expect(Decimal.precision).toBe(40);
    expect(Decimal.rounding).toBe(Decimal.ROUND_HALF_UP);
    expect(new Decimal(1).div(3).toString()).toBe(`0.${'3'.repeat(40)}`);
    expect(new Decimal(2).div(3).toString()).toBe(`0.${'6'.repeat(39)}7`);
  });

  it('rounds ties away from zero', () => {
    expect(new Decimal('2.5').toDecimalPlaces(0).toString()).toBe('3');
    expect(new Decimal('-2.5').toDecimalPlaces(0).toString()).toBe('-3');
    expect(new Decimal('0.005').toDecimalPlaces(2).toString()).toBe('0.01');
  });

  it('prints small and large values in plain notation', () => {
    expect(new Decimal('0.00000001').toString()).toBe('0.00000001');
    expect(new Decimal('1e25').toString()).toBe('10000000000000000000000000');
  });

  it('leaves the shared decimal.js constructor untouched', () => {
    // Node hands over the class; the typings describe module.exports. Either way, read the class.
    const shared = ('default' in decimalModule
      ? decimalModule.default
      : decimalModule) as unknown as {
      precision: number;
      rounding: number;
    };
    expect(shared).not.toBe(Decimal);
    expect(shared.precision).toBe(20);
    expect(shared.rounding).toBe(4);
  });
});

describe('RATE_PATTERN', () => {
  it('allows up to ten decimal places and no sign or exponent', () => {
    expect(RATE_PATTERN.test('0.0000000001')).toBe(true);
    expect(RATE_PATTERN.test('0.00000000001')).toBe(false);
  });
});

describe('parseRate', () => {
  it.each(['0', '0.0', '0.0002', '0.0385', '0.007', '1', '0.0000000001', '999.9999999999', '00.5'])(
    'reads %j exactly',
    (input) => {
      const rate = parseRate(input);
      expect(rate).toBeInstanceOf(Decimal);
      expect(rate.equals(new Decimal(input))).toBe(true);
    },
  );

  it('keeps the digits as written', () => {
    expect(parseRate('0.0385').toString()).toBe('0.0385');
    expect(parseRate('0.0002').toFixed()).toBe('0.0002');
  });

  it.each([
    ['a number', 0.0385],
    ['a bigint', 1n],
    ['an exponent', '2e-4'],
    ['a negative rate', '-0.01'],
    ['a plus sign', '+0.01'],
    ['a leading point', '.5'],
    ['a trailing point', '1.'],
    ['eleven decimals', '0.00000000001'],
    ['four integer digits', '1000'],
    ['leading whitespace', ' 0.1'],
    ['trailing whitespace', '0.1 '],
    ['an empty string', ''],
    ['a percentage', '3.85%'],
    ['hexadecimal', '0x10'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['a full-width digit', '０.１'],
    ['null', null],
    ['undefined', undefined],
    ['an object', {}],
  ])('refuses %s', (_description, input) => {
    expect(() => parseRate(input as string)).toThrow(DomainError);
  });

  it('reports a validation error on the field it was given', () => {
    let caught: unknown;
    try {
      parseRate('-1', 'annualRate');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe(ErrorCode.ValidationFailed);
    expect((caught as DomainError).details.errors).toEqual([
      { field: 'annualRate', message: RATE_FORMAT_MESSAGE },
    ]);
  });
});

describe('multiplyToFen', () => {
  it('charges 1,000,000 yuan at 0.0002 a day for 7 days 1400.00 yuan', () => {
    const fee = multiplyToFen(parseYuan('1000000'), parseRate('0.0002'), 7);

    expect(fee).toBe(140_000n);
    expect(formatFen(fee)).toBe('1400.00');
  });

  it('accepts rates as strings, Decimal values and day counts as bigint', () => {
    expect(multiplyToFen(100_000_000n, '0.0002', 7n)).toBe(140_000n);
    expect(multiplyToFen(100_000_000n, new Decimal('0.0002'), 7)).toBe(140_000n);
    expect(multiplyToFen(100_000_000n, '0.00020000', '7')).toBe(140_000n);
  });

  it('returns the principal when there are no factors', () => {
    expect(multiplyToFen(12_345n)).toBe(12_345n);
  });

  it('rounds an exact half fen up', () => {
    // 1 yuan × 0.005 = 0.005 yuan = 0.5 fen.
    expect(formatFen(multiplyToFen(parseYuan('1'), '0.005'))).toBe('0.01');
    expect(multiplyToFen(1n, '0.5')).toBe(1n);
    expect(multiplyToFen(3n, '0.5')).toBe(2n);
  });

  it('rounds just under half a fen down', () => {
    expect(formatFen(multiplyToFen(parseYuan('1'), '0.0049999'))).toBe('0.00');
    expect(multiplyToFen(1n, '0.4999999999')).toBe(0n);
  });

  it('rounds just over half a fen up', () => {
    expect(multiplyToFen(1n, '0.5000000001')).toBe(1n);
  });

  it('rounds a negative half fen away from zero, as PostgreSQL round() does', () => {
    expect(multiplyToFen(-1n, '0.5')).toBe(-1n);
    expect(multiplyToFen(-1n, '0.4999999999')).toBe(0n);
    expect(multiplyToFen(1n, new Decimal('-0.5'))).toBe(-1n);
    expect(multiplyToFen(-3n, '-0.5')).toBe(2n);
  });

  it('rounds once, at the end, not after each factor', () => {
    // Rounding 0.4 fen per day to the fen first would give 0 for any number of days.
    expect(multiplyToFen(1n, '0.4', 10)).toBe(4n);
    // 0.5 fen would round to 1 and then double to 2; exactly it is 0.5 × 0.5 × 4 = 1.
    expect(multiplyToFen(1n, '0.5', '0.5', 4)).toBe(1n);
  });

  it('keeps the fen on large principals where floating point loses it', () => {
    // As doubles this comes to 4757189556654; exactly it is 4757189556654.5001 fen.
    expect(multiplyToFen(834_594_659_062_193n, '0.0003', 19)).toBe(4_757_189_556_655n);
    // As doubles this comes to 7115946494194; exactly it is 7115946494193.499 fen.
    expect(multiplyToFen(618_777_956_016_826n, '0.0005', 23)).toBe(7_115_946_494_193n);
  });

  it('multiplies the largest amount exactly', () => {
    // 999999999999999 fen × 0.073 = 72999999999999.927 fen.
    expect(multiplyToFen(parseYuan('9999999999999.99'), '0.0002', 365)).toBe(73_000_000_000_000n);
    expect(multiplyToFen(parseYuan('9999999999999.99'), '0.0002', 364)).toBe(72_800_000_000_000n);
  });

  it('stays exact beyond the 40 significant digits of Decimal', () => {
    const justUnderHalf = `0.4${'9'.repeat(44)}`;
    expect(multiplyToFen(1n, justUnderHalf)).toBe(0n);
    // Decimal itself would have rounded the product to 0.5 and then up.
    expect(new Decimal(justUnderHalf).times(1).toDecimalPlaces(0).toString()).toBe('1');

    const nines = `0.${'9'.repeat(45)}`;
    expect(multiplyToFen(1n, nines, '0.5')).toBe(0n);
  });

  it.each([
    ['a fractional JS number', 0.0002],
    ['an unsafe JS integer', 2 ** 53],
    ['NaN', Number.NaN],
    ['an exponent string', '2e-4'],
    ['a string with whitespace', ' 0.1'],
    ['a string with a plus sign', '+0.1'],
    ['an empty string', ''],
    ['a NaN Decimal', new Decimal(Number.NaN)],
    ['an infinite Decimal', new Decimal(Number.POSITIVE_INFINITY)],
    ['null', null],
    ['an object', {}],
  ])('refuses %s as a factor', (_description, factor) => {
    expect(() => multiplyToFen(100n, factor as string)).toThrow(TypeError);
  });

  it('refuses a principal that is not a bigint', () => {
    expect(() => multiplyToFen(100 as unknown as bigint, '0.5')).toThrow(TypeError);
    expect(() => multiplyToFen('100' as unknown as bigint, '0.5')).toThrow(TypeError);
  });
});

describe('multiplyDivideToFen', () => {
  it('computes an annual rate over a day count basis', () => {
    // 1,000,000 yuan × 0.0365 / 365 × 10 days = 1000.00 yuan.
    expect(multiplyDivideToFen(parseYuan('1000000'), ['0.0365', 10], [365])).toBe(100_000n);
  });

  it('rounds an exact half fen up even when the rate divided first would not be exact', () => {
    // 3600.00 yuan × 0.0385 / 360 × 1 day is exactly 38.5 fen.
    expect(multiplyDivideToFen(360_000n, ['0.0385', 1], [360])).toBe(39n);
    // Dividing the rate first rounds 0.000106944… at 40 digits and lands on the wrong side.
    expect(multiplyToFen(360_000n, new Decimal('0.0385').div(360), 1)).toBe(38n);
  });

  it('accepts decimal divisors', () => {
    expect(multiplyDivideToFen(100n, [], ['0.5'])).toBe(200n);
    expect(multiplyDivideToFen(1n, [], [new Decimal('3')])).toBe(0n);
    expect(multiplyDivideToFen(2n, [], [3n])).toBe(1n);
  });

  it('rounds a negative quotient away from zero', () => {
    expect(multiplyDivideToFen(1n, [], [-2])).toBe(-1n);
    expect(multiplyDivideToFen(-1n, [], [-2])).toBe(1n);
    expect(multiplyDivideToFen(-5n, [], [3])).toBe(-2n);
  });

  it.each([0, 0n, '0', '0.000', new Decimal(0)])('refuses to divide by %p', (divisor) => {
    expect(() => multiplyDivideToFen(100n, [], [divisor])).toThrow(RangeError);
  });
});
