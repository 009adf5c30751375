import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { DomainError } from '../errors/domain-error.js';

/*
 * Keyset pagination, stable under inserts (an offset would skip or repeat rows as new ones land).
 * A list orders by a unique key, newest first, and fetches one row more than it returns to learn
 * whether another page exists:
 *
 *   SELECT … WHERE <scope> AND ($1::timestamptz IS NULL OR (created_at, id) < ($1, $2))
 *   ORDER BY created_at DESC, id DESC LIMIT <limit + 1>
 *
 * then `toPage(rows, limit, (row) => [row.createdAtText, row.id], toResponse)`. Take the cursor's
 * time from the database as text (`created_at::text` or similar), not from a JS `Date`: a `Date`
 * keeps milliseconds while `timestamptz` keeps microseconds, and the truncated key would repeat or
 * skip rows that share a millisecond.
 */

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;
export const MAX_CURSOR_LENGTH = 512;

export class PageQueryDto {
  @ApiPropertyOptional({
    description: 'Number of items to return',
    minimum: 1,
    maximum: MAX_PAGE_LIMIT,
    default: DEFAULT_PAGE_LIMIT,
    type: 'integer',
  })
  @IsOptional()
  // Query strings always arrive as strings.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit: number = DEFAULT_PAGE_LIMIT;

  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page; omit for the first page',
    maxLength: MAX_CURSOR_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(keys: readonly string[]): string {
  return Buffer.from(JSON.stringify(keys), 'utf8').toString('base64url');
}

const INVALID_CURSOR = 'is not a cursor from this list';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Decodes a cursor made by {@link encodeCursor} into its `arity` keys. The keys come from the
 * client, so a list passes `isKeyValid` (e.g. a timestamp and a UUID check) whenever a malformed
 * key would otherwise reach SQL as a failing cast and surface as a 500 instead of a 400.
 */
export function decodeCursor(
  cursor: string,
  arity: number,
  isKeyValid: (key: string, position: number) => boolean = () => true,
): string[] {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) {
    throw DomainError.validation('cursor', INVALID_CURSOR);
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw DomainError.validation('cursor', INVALID_CURSOR);
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== arity ||
    !decoded.every(
      (key: unknown, position: number) => typeof key === 'string' && isKeyValid(key, position),
    )
  ) {
    throw DomainError.validation('cursor', INVALID_CURSOR);
  }
  const keys = decoded as string[];
  // Only the exact text encodeCursor produces is accepted, so a cursor has one spelling; this also
  // rejects input that Node's lenient base64 decoder would have half-read.
  if (encodeCursor(keys) !== cursor) {
    throw DomainError.validation('cursor', INVALID_CURSOR);
  }
  return keys;
}

/**
 * Builds a page from rows fetched with `LIMIT limit + 1`: the extra row only signals that more
 * exist, and the cursor points at the last row returned, since the next page starts after it.
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  keyOf: (row: R) => string[],
  map: (row: R) => T,
): Page<T> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`A page limit must be a positive integer, got ${String(limit)}`);
  }
  const returned = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return {
    items: returned.map(map),
    nextCursor: hasMore ? encodeCursor(keyOf(returned[returned.length - 1])) : null,
  };
}
