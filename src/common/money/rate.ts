import decimalModule, { type Decimal as DecimalInstance } from 'decimal.js';

import { DomainError } from '../errors/domain-error.js';

// decimal.js describes its ES build with CommonJS typings, so under NodeNext TypeScript reads this
// default import as `module.exports` ({ default: Decimal, … }) while Node hands over the class
// itself; the check accepts either shape.
const BaseDecimal: typeof DecimalInstance =
  'default' in decimalModule ? decimalModule.default : decimalModule;

/**
 * decimal.js configured for rate arithmetic. A clone rather than `Decimal.set()` so that no other
 * library sharing the global constructor can change our precision or rounding. 40 significant
 * digits hold a 16-digit fen amount times a 10-decimal rate times a day count with room to spare.
 * The exponent thresholds keep `toString()` in plain notation ("0.00000001", not "1e-8"), which
 * is what the API and `NUMERIC` columns expect.
 */
export const Decimal = BaseDecimal.clone({
  precision: 40,
  rounding: BaseDecimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Decimal = DecimalInstance;

/** A non-negative rate such as "0.0002" per day or "0.0385" per year: plain notation, no sign. */
export const RATE_PATTERN = /^\d{1,3}(\.\d{1,10})?$/;

export const RATE_FORMAT_MESSAGE =
  'must be a non-negative decimal string with at most 10 decimal places, e.g. "0.0385"';

export function parseRate(value: string, field = 'rate'): Decimal {
  if (typeof value !== 'string' || !RATE_PATTERN.test(value)) {
    throw DomainError.validation(field, RATE_FORMAT_MESSAGE);
  }
  return new Decimal(value);
}

/**
 * A multiplier or divisor of an amount in fen. Rates are `Decimal` or decimal strings (e.g. a
 * `NUMERIC` column as `pg` returns it); JS numbers are accepted only as safe integers, for counts
 * such as days or months, because a fractional JS number is already a binary approximation.
 */
export type MoneyFactor = Decimal | string | bigint | number;

/**
 * `principalFen × factors…`, computed exactly and rounded once, half-up, to the fen.
 * Example: fee = `multiplyToFen(principalFen, dailyRate, days)`.
 */
export function multiplyToFen(principalFen: bigint, ...factors: readonly MoneyFactor[]): bigint {
  return multiplyDivideToFen(principalFen, factors, []);
}

/**
 * `principalFen × factors… ÷ divisors…`, computed exactly and rounded once, half-up, to the fen.
 * Example: `multiplyDivideToFen(principalFen, [annualRate, days], [360])`.
 *
 * Exists because dividing the rate first (`annualRate.div(360)`) rounds a repeating decimal at 40
 * digits, and that tiny error can move an exact half-fen to the wrong side: 3600.00 yuan at
 * 0.0385/yr for one day on a 360-day basis is exactly 38.5 fen and must round to 39, not 38.
 */
export function multiplyDivideToFen(
  principalFen: bigint,
  factors: readonly MoneyFactor[],
  divisors: readonly MoneyFactor[],
): bigint {
  if (typeof principalFen !== 'bigint') {
    throw new TypeError(`The principal must be a bigint amount in fen, got ${typeof principalFen}`);
  }
  // Work on the exact fraction numerator / denominator with bigints: nothing is rounded until the
  // single rounding at the end, however many factors there are.
  let numerator = principalFen;
  let denominator = 1n;
  for (const factor of factors) {
    const { coefficient, scale } = toScaledInteger(factor);
    numerator *= coefficient;
    denominator *= 10n ** scale;
  }
  for (const divisor of divisors) {
    const { coefficient, scale } = toScaledInteger(divisor);
    if (coefficient === 0n) {
      throw new RangeError('Cannot divide an amount by zero');
    }
    numerator *= 10n ** scale;
    denominator *= coefficient;
  }
  return divideRoundingHalfUp(numerator, denominator);
}

const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** `value = coefficient / 10^scale`, exactly. */
function toScaledInteger(factor: MoneyFactor): { coefficient: bigint; scale: bigint } {
  if (typeof factor === 'bigint') {
    return { coefficient: factor, scale: 0n };
  }
  if (typeof factor === 'number') {
    if (!Number.isSafeInteger(factor)) {
      throw new TypeError(
        `A JS number factor must be a safe integer (a count of days or months), got ${String(factor)}; pass rates as strings or Decimal`,
      );
    }
    return { coefficient: BigInt(factor), scale: 0n };
  }
  let text: string;
  if (typeof factor === 'string') {
    text = factor;
  } else if (BaseDecimal.isDecimal(factor) && factor.isFinite()) {
    // toFixed() without arguments prints every digit in plain notation, without rounding.
    text = factor.toFixed();
  } else {
    throw new TypeError(`Unsupported money factor: ${describeFactor(factor)}`);
  }
  const match = PLAIN_DECIMAL.exec(text);
  if (match === null) {
    throw new TypeError(
      `A money factor must be a plain decimal string, got ${JSON.stringify(text)}`,
    );
  }
  const [, sign, integerDigits, fractionDigits = ''] = match;
  const magnitude = BigInt(integerDigits + fractionDigits);
  return {
    coefficient: sign === '-' ? -magnitude : magnitude,
    scale: BigInt(fractionDigits.length),
  };
}

function describeFactor(factor: unknown): string {
  return BaseDecimal.isDecimal(factor) ? `the Decimal ${factor.toString()}` : typeof factor;
}

/**
 * Rounds numerator / denominator to an integer, ties away from zero: the same rule as
 * decimal.js `ROUND_HALF_UP` and PostgreSQL's `round(numeric)`, so amounts computed in SQL and in
 * code agree.
 */
function divideRoundingHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const dividend = numerator < 0n ? -numerator : numerator;
  const divisor = denominator < 0n ? -denominator : denominator;
  let quotient = dividend / divisor;
  if ((dividend % divisor) * 2n >= divisor) {
    quotient += 1n;
  }
  return negative ? -quotient : quotient;
}
