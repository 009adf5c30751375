import { DomainError } from '../errors/domain-error.js';

/**
 * Money crosses the API as a string in yuan and lives everywhere else as `bigint` fen (分), the
 * unit of the `BIGINT` columns. A JSON number is refused on input because by the time it reaches
 * us the parser may already have rounded it; a string reaches us exactly as the client wrote it.
 *
 * Leading zeros ("007.50") are accepted: they cannot be read two ways in decimal, and refusing them
 * would reject amounts some client libraries pad.
 */
export const MONEY_PATTERN = /^\d{1,13}(\.\d{1,2})?$/;

export const MONEY_FORMAT_MESSAGE =
  'must be an amount in yuan as a string with at most two decimals, e.g. "1500000.00"';

const FEN_PER_YUAN = 100n;

/** 9999999999999.99 yuan: the largest amount {@link MONEY_PATTERN} lets in. */
export const MAX_FEN = 999_999_999_999_999n;

const INTEGER_STRING = /^-?\d+$/;

/** Parses a yuan amount from a request into fen; any form but {@link MONEY_PATTERN} is a 400. */
export function parseYuan(value: string, field = 'amount'): bigint {
  // Checked at run time too: the compile-time type means nothing for a parsed JSON body.
  if (typeof value !== 'string' || !MONEY_PATTERN.test(value)) {
    throw DomainError.validation(field, MONEY_FORMAT_MESSAGE);
  }
  const [integerPart, fractionPart = ''] = value.split('.');
  return BigInt(integerPart) * FEN_PER_YUAN + BigInt(fractionPart.padEnd(2, '0'));
}

/**
 * Formats fen as yuan with exactly two decimals. Negative values are allowed because ledger
 * differences (reconciliation, stored minus recomputed) can be negative.
 */
export function formatFen(fen: bigint): string {
  if (typeof fen !== 'bigint') {
    throw new TypeError(`formatFen expects a bigint amount in fen, got ${typeof fen}`);
  }
  const sign = fen < 0n ? '-' : '';
  const magnitude = fen < 0n ? -fen : fen;
  const yuan = magnitude / FEN_PER_YUAN;
  const fraction = (magnitude % FEN_PER_YUAN).toString().padStart(2, '0');
  return `${sign}${yuan.toString()}.${fraction}`;
}

/**
 * Reads a fen value from a raw query row. `pg` returns `BIGINT`, `SUM` and `NUMERIC` as strings;
 * a JS number is only trusted while it is a safe integer (e.g. an `::int` cast), since beyond
 * 2^53 it may already have been rounded. Strings are not bounded to 64 bits because `SUM` over a
 * `BIGINT` column yields `NUMERIC`, which `bigint` holds exactly. `undefined` is refused because it
 * almost always means a misspelt column alias.
 */
export function toFenFromDb(value: null): null;
export function toFenFromDb(value: string | number | bigint): bigint;
export function toFenFromDb(value: string | number | bigint | null): bigint | null;
export function toFenFromDb(value: string | number | bigint | null): bigint | null {
  if (value === null) {
    return null;
  }
  if (typeof value === 'bigint') {
    return value;
  }
  if (typeof value === 'string' && INTEGER_STRING.test(value)) {
    return BigInt(value);
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return BigInt(value);
  }
  throw new Error(`Expected an integer amount in fen from the database, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    return `the number ${String(value)}`;
  }
  return value === null ? 'null' : typeof value;
}
