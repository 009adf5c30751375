import type { ValueTransformer } from 'typeorm';

const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;
const INTEGER_STRING = /^-?\d+$/;

/**
 * TypeORM transformer for `BIGINT` fen columns, typed `bigint` on the entity:
 * `@Column({ type: 'bigint', transformer: moneyTransformer }) amountFen: bigint`.
 *
 * `to` returns the `bigint` itself (`pg` sends it as its decimal text) rather than a string, so it
 * is idempotent: TypeORM can apply it twice to the same `FindOperator`, since it rewrites the
 * operator's value in place.
 */
export const moneyTransformer: ValueTransformer = {
  to(value: unknown): bigint | null | undefined {
    if (value === null || value === undefined) {
      return value;
    }
    if (typeof value === 'number') {
      throw new Error(
        `Refusing to store the JS number ${String(value)} in a BIGINT fen column: it may already have lost precision; use a bigint`,
      );
    }
    if (typeof value !== 'bigint') {
      throw new Error(`A BIGINT fen column takes a bigint, got ${typeof value}`);
    }
    assertFitsBigint(value);
    return value;
  },

  from(value: unknown): bigint | null | undefined {
    if (value === null || value === undefined) {
      return value;
    }
    // A bigint can only come from a driver configured to parse BIGINT exactly, which is harmless.
    if (typeof value === 'bigint') {
      return assertFitsBigint(value);
    }
    if (typeof value === 'string' && INTEGER_STRING.test(value)) {
      return assertFitsBigint(BigInt(value));
    }
    if (typeof value === 'number') {
      // pg only returns numbers for BIGINT when parseInt8 is enabled, which rounds beyond 2^53.
      throw new Error(
        `A BIGINT fen column was read as the JS number ${String(value)}: pg type parsing for int8 must stay textual`,
      );
    }
    throw new Error(
      `A BIGINT fen column held ${typeof value === 'string' ? JSON.stringify(value) : typeof value}, not an integer`,
    );
  },
};

function assertFitsBigint(value: bigint): bigint {
  if (value < BIGINT_MIN || value > BIGINT_MAX) {
    throw new Error(`${value.toString()} fen does not fit in a signed 64-bit BIGINT column`);
  }
  return value;
}
