import { describe, expect, it } from '@jest/globals';
import { In, MoreThan } from 'typeorm';

import { moneyTransformer } from './money.transformer.js';

const BIGINT_MAX = 9_223_372_036_854_775_807n;
const BIGINT_MIN = -9_223_372_036_854_775_808n;

describe('moneyTransformer.to', () => {
  it.each([0n, 1n, -1n, 150_000_000n, BIGINT_MAX, BIGINT_MIN])(
    'passes the bigint %p through',
    (value) => {
      expect(moneyTransformer.to(value)).toBe(value);
    },
  );

  it('keeps null and undefined', () => {
    expect(moneyTransformer.to(null)).toBeNull();
    expect(moneyTransformer.to(undefined)).toBeUndefined();
  });

  it.each([0, 150, 1.5, 2 ** 53, Number.NaN])('refuses the JS number %p', (value) => {
    expect(() => moneyTransformer.to(value)).toThrow(/JS number .*lost precision/);
  });

  it.each([
    ['one above the largest BIGINT', BIGINT_MAX + 1n],
    ['one below the smallest BIGINT', BIGINT_MIN - 1n],
    ['2^70', 2n ** 70n],
  ])('refuses %s', (_description, value) => {
    expect(() => moneyTransformer.to(value)).toThrow(/does not fit in a signed 64-bit BIGINT/);
  });

  it.each([
    ['a string', '150'],
    ['an object', {}],
    ['a boolean', true],
  ])('refuses %s', (_description, value) => {
    expect(() => moneyTransformer.to(value)).toThrow(/takes a bigint/);
  });

  it('transforms a find operator in place and tolerates being applied twice', () => {
    // TypeORM rewrites an operator's value in place and may do so more than once.
    const operator = MoreThan(5n);
    operator.transformValue(moneyTransformer);
    operator.transformValue(moneyTransformer);
    expect(operator.value).toBe(5n);

    const list = In([1n, 2n]);
    list.transformValue(moneyTransformer);
    list.transformValue(moneyTransformer);
    expect(list.value).toEqual([1n, 2n]);
  });

  it('refuses a JS number inside a find operator', () => {
    expect(() => MoreThan(5).transformValue(moneyTransformer)).toThrow(/JS number/);
  });
});

describe('moneyTransformer.from', () => {
  it.each([
    ['0', 0n],
    ['150000000', 150_000_000n],
    ['-5', -5n],
    ['9223372036854775807', BIGINT_MAX],
    ['-9223372036854775808', BIGINT_MIN],
    ['9007199254740993', 9_007_199_254_740_993n],
  ])('reads %j as %p', (value, expected) => {
    expect(moneyTransformer.from(value)).toBe(expected);
  });

  it('keeps null and undefined', () => {
    expect(moneyTransformer.from(null)).toBeNull();
    expect(moneyTransformer.from(undefined)).toBeUndefined();
  });

  it('accepts a bigint from a driver that parses BIGINT exactly', () => {
    expect(moneyTransformer.from(42n)).toBe(42n);
  });

  it.each([0, 42, 2 ** 53])(
    'refuses the JS number %p, which means parseInt8 was enabled',
    (value) => {
      expect(() => moneyTransformer.from(value)).toThrow(/read as the JS number/);
    },
  );

  it.each(['1.5', '150.00', '', ' 1', '1 ', '1e3', '+1', 'NaN', '0x10', '１'])(
    'refuses the string %j',
    (value) => {
      expect(() => moneyTransformer.from(value)).toThrow(/not an integer/);
    },
  );

  it.each([{}, true])('refuses %p', (value) => {
    expect(() => moneyTransformer.from(value)).toThrow(/not an integer/);
  });

  it('refuses a value beyond 64 bits', () => {
    expect(() => moneyTransformer.from('9223372036854775808')).toThrow(/does not fit/);
  });

  it('round-trips every fen', () => {
    for (const value of [0n, 1n, -1n, 999_999_999_999_999n, BIGINT_MAX, BIGINT_MIN]) {
      expect(moneyTransformer.from(String(moneyTransformer.to(value)))).toBe(value);
    }
  });
});
