import { describe, expect, it } from '@jest/globals';

import { DomainError } from '../errors/domain-error.js';
import { ErrorCode } from '../errors/error-code.js';
import {
  formatFen,
  MAX_FEN,
  MONEY_FORMAT_MESSAGE,
  MONEY_PATTERN,
  parseYuan,
  toFenFromDb,
} from './money.js';

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('MONEY_PATTERN', () => {
  it('is the pattern the API documents', () => {
    expect(MONEY_PATTERN.source).toBe(String.raw`^\d{1,13}(\.\d{1,2})?$`);
    expect(MONEY_PATTERN.flags).toBe('');
  });
});

describe('MAX_FEN', () => {
  it('is 9999999999999.99 yuan in fen', () => {
    expect(MAX_FEN).toBe(999_999_999_999_999n);
    expect(parseYuan('9999999999999.99')).toBe(MAX_FEN);
  });
});

describe('parseYuan', () => {
  it.each([
    ['0', 0n],
    ['0.0', 0n],
    ['0.00', 0n],
    ['0.01', 1n],
    ['0.1', 10n],
    ['0.10', 10n],
    ['0.99', 99n],
    ['1', 100n],
    ['1.5', 150n],
    ['1.05', 105n],
    ['1500000.00', 150_000_000n],
    ['1000000', 100_000_000n],
    ['9999999999999', 999_999_999_999_900n],
    ['9999999999999.9', 999_999_999_999_990n],
    ['9999999999999.99', 999_999_999_999_999n],
    ['007', 700n],
    ['007.50', 750n],
    ['0000000000000.01', 1n],
  ])('reads %j as %p fen', (input, expected) => {
    expect(parseYuan(input)).toBe(expected);
  });

  it('reads amounts whose yuan value has no exact binary form without drift', () => {
    // As doubles, 1.15 × 100 is 114.99999999999999 and 4.35 × 100 is 434.99999999999994.
    expect(parseYuan('1.15')).toBe(115n);
    expect(parseYuan('4.35')).toBe(435n);
    expect(parseYuan('0.07')).toBe(7n);
  });

  it('adds "0.1" and "0.2" to exactly "0.30"', () => {
    expect(formatFen(parseYuan('0.1') + parseYuan('0.2'))).toBe('0.30');
    expect(parseYuan('0.1') + parseYuan('0.2')).toBe(parseYuan('0.3'));
  });

  it.each([
    ['a number', 1.5],
    ['an integer number', 1500],
    ['zero as a number', 0],
    ['a bigint', 10n],
    ['fourteen integer digits', '10000000000000'],
    ['fourteen integer digits with decimals', '10000000000000.00'],
    ['an exponent', '1e3'],
    ['an upper-case exponent', '1E3'],
    ['a negative amount', '-1'],
    ['negative zero', '-0'],
    ['an explicit plus sign', '+1'],
    ['a trailing point', '1.'],
    ['a leading point', '.5'],
    ['a third decimal', '1.234'],
    ['a third decimal that is zero', '1.000'],
    ['leading whitespace', ' 1'],
    ['trailing whitespace', '1 '],
    ['a trailing newline', '1\n'],
    ['an empty string', ''],
    ['a lone point', '.'],
    ['a full-width digit', '１'],
    ['an Arabic-Indic digit', '١'],
    ['hexadecimal', '0x10'],
    ['a thousands separator', '1,000'],
    ['a numeric separator', '1_000'],
    ['a decimal comma', '1,50'],
    ['two points', '1.2.3'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['a currency symbol', '¥1'],
    ['null', null],
    ['undefined', undefined],
    ['an object', {}],
    ['an array', ['1']],
    ['a boxed string', Object('1')],
  ])('refuses %s', (_description, input) => {
    expect(() => parseYuan(input as string)).toThrow(DomainError);
  });

  it('reports a validation error on the field it was given', () => {
    const error = captureError(() => parseYuan('1.234', 'approvedAmount'));

    expect(error).toBeInstanceOf(DomainError);
    const domainError = error as DomainError;
    expect(domainError.code).toBe(ErrorCode.ValidationFailed);
    expect(domainError.details.errors).toEqual([
      { field: 'approvedAmount', message: MONEY_FORMAT_MESSAGE },
    ]);
  });

  it('names the field "amount" by default', () => {
    const error = captureError(() => parseYuan('-1')) as DomainError;

    expect(error.details.errors?.[0]?.field).toBe('amount');
    expect(error.message).toBe(`amount: ${MONEY_FORMAT_MESSAGE}`);
  });
});

describe('formatFen', () => {
  it.each([
    [0n, '0.00'],
    [1n, '0.01'],
    [5n, '0.05'],
    [10n, '0.10'],
    [99n, '0.99'],
    [100n, '1.00'],
    [105n, '1.05'],
    [150n, '1.50'],
    [150_000_000n, '1500000.00'],
    [MAX_FEN, '9999999999999.99'],
    [-1n, '-0.01'],
    [-5n, '-0.05'],
    [-100n, '-1.00'],
    [-150n, '-1.50'],
    [-MAX_FEN, '-9999999999999.99'],
    [2n ** 63n - 1n, '92233720368547758.07'],
    [-(2n ** 63n), '-92233720368547758.08'],
    [2n ** 70n, '11805916207174113034.24'],
  ])('formats %p fen as %j', (fen, expected) => {
    expect(formatFen(fen)).toBe(expected);
  });

  it.each([
    '0',
    '0.01',
    '0.10',
    '1.00',
    '12.34',
    '1500000.00',
    '9007199254740.99',
    '9999999999999.99',
  ])('round-trips %j through parseYuan', (amount) => {
    expect(formatFen(parseYuan(amount))).toBe(amount.includes('.') ? amount : `${amount}.00`);
  });

  it.each([
    ['a number', 150],
    ['a string', '150'],
    ['null', null],
  ])(
    'refuses %s instead of formatting something that may have lost precision',
    (_description, input) => {
      expect(() => formatFen(input as unknown as bigint)).toThrow(TypeError);
    },
  );
});

describe('toFenFromDb', () => {
  it.each([
    ['0', 0n],
    ['123', 123n],
    ['-5', -5n],
    ['-0', 0n],
    ['9223372036854775807', 9_223_372_036_854_775_807n],
    ['-9223372036854775808', -9_223_372_036_854_775_808n],
    // SUM over BIGINT is NUMERIC and may exceed 64 bits.
    ['92233720368547758070', 92_233_720_368_547_758_070n],
  ])('reads the string %j as %p', (input, expected) => {
    expect(toFenFromDb(input)).toBe(expected);
  });

  it('keeps null', () => {
    expect(toFenFromDb(null)).toBeNull();
  });

  it('accepts a bigint as is', () => {
    expect(toFenFromDb(2n ** 63n - 1n)).toBe(2n ** 63n - 1n);
  });

  it.each([
    [0, 0n],
    [42, 42n],
    [-42, -42n],
    [Number.MAX_SAFE_INTEGER, 9_007_199_254_740_991n],
    [Number.MIN_SAFE_INTEGER, -9_007_199_254_740_991n],
  ])('accepts the safe integer %p', (input, expected) => {
    expect(toFenFromDb(input)).toBe(expected);
  });

  it.each([
    ['an unsafe integer', 2 ** 53],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a decimal string', '1.5'],
    ['a NUMERIC with a scale', '1500.00'],
    ['an empty string', ''],
    ['whitespace', ' 1'],
    ['an exponent', '1e3'],
    ['a plus sign', '+1'],
    ['a NaN string', 'NaN'],
    ['undefined, usually a misspelt column alias', undefined],
    ['an object', {}],
  ])('refuses %s', (_description, input) => {
    expect(() => toFenFromDb(input as string)).toThrow(Error);
  });
});
