import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

import { DomainError } from '../errors/domain-error.js';
import { ErrorCode } from '../errors/error-code.js';
import {
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  encodeCursor,
  MAX_CURSOR_LENGTH,
  PageQueryDto,
  toPage,
} from './pagination.js';

const TIME = '2025-05-20 08:30:00.123456+00';
const ID = '3f1c2a4e-8b7d-4c6a-9e5f-0a1b2c3d4e5f';

function toBase64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function expectInvalidCursor(action: () => unknown): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  const domainError = caught as DomainError;
  expect(domainError.code).toBe(ErrorCode.ValidationFailed);
  expect(domainError.details.errors).toEqual([
    { field: 'cursor', message: 'is not a cursor from this list' },
  ]);
}

async function parseQuery(query: Record<string, unknown>) {
  const dto = plainToInstance(PageQueryDto, query);
  const errors = await validate(dto);
  return { dto, properties: errors.map((error) => error.property) };
}

describe('PageQueryDto', () => {
  it('defaults the limit to 20', async () => {
    const { dto, properties } = await parseQuery({});
    expect(properties).toEqual([]);
    expect(dto.limit).toBe(DEFAULT_PAGE_LIMIT);
    expect(DEFAULT_PAGE_LIMIT).toBe(20);
    expect(dto.cursor).toBeUndefined();
  });

  it.each([
    ['1', 1],
    ['50', 50],
    ['100', 100],
  ])('turns the query string limit %j into the number %p', async (limit, expected) => {
    const { dto, properties } = await parseQuery({ limit });
    expect(properties).toEqual([]);
    expect(dto.limit).toBe(expected);
  });

  it.each(['0', '101', '-1', '1.5', 'abc', '', '1000'])('rejects the limit %j', async (limit) => {
    const { properties } = await parseQuery({ limit });
    expect(properties).toEqual(['limit']);
  });

  it('rejects a repeated limit parameter', async () => {
    const { properties } = await parseQuery({ limit: ['10', '20'] });
    expect(properties).toEqual(['limit']);
  });

  it('accepts a cursor of up to 512 characters', async () => {
    const { dto, properties } = await parseQuery({ cursor: 'a'.repeat(MAX_CURSOR_LENGTH) });
    expect(properties).toEqual([]);
    expect(dto.cursor).toHaveLength(512);
  });

  it('rejects a cursor longer than 512 characters', async () => {
    const { properties } = await parseQuery({ cursor: 'a'.repeat(MAX_CURSOR_LENGTH + 1) });
    expect(properties).toEqual(['cursor']);
  });

  it('rejects a repeated cursor parameter', async () => {
    const { properties } = await parseQuery({ cursor: ['a', 'b'] });
    expect(properties).toEqual(['cursor']);
  });
});

describe('encodeCursor and decodeCursor', () => {
  it('round-trip a time and an id', () => {
    const cursor = encodeCursor([TIME, ID]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 2)).toEqual([TIME, ID]);
  });

  it('encode the keys as base64url JSON', () => {
    expect(Buffer.from(encodeCursor(['a', 'b']), 'base64url').toString('utf8')).toBe('["a","b"]');
  });

  it('round-trip keys with quotes, non-ASCII text and characters that base64 would pad', () => {
    const keys = ['"quoted" \\ slash', '银企通', '?>', ''];
    expect(decodeCursor(encodeCursor(keys), 4)).toEqual(keys);
  });

  it('stay well inside the cursor length limit for a time and an id', () => {
    expect(encodeCursor([TIME, ID]).length).toBeLessThan(MAX_CURSOR_LENGTH);
  });

  it('apply the key check when one is given', () => {
    const isUuidAtSecond = (key: string, position: number) =>
      position === 0 || /^[0-9a-f-]{36}$/.test(key);

    expect(decodeCursor(encodeCursor([TIME, ID]), 2, isUuidAtSecond)).toEqual([TIME, ID]);
    expectInvalidCursor(() => decodeCursor(encodeCursor([TIME, 'nope']), 2, isUuidAtSecond));
  });

  it.each([
    ['an empty string', ''],
    ['characters outside base64url', 'not a cursor!'],
    ['standard base64 with padding', Buffer.from('["a"]').toString('base64')],
    ['base64 of text that is not JSON', toBase64Url('not json')],
    ['base64 of a JSON object', toBase64Url('{"a":"b"}')],
    ['base64 of a JSON string', toBase64Url('"a"')],
    ['base64 of JSON null', toBase64Url('null')],
    ['too few keys', encodeCursor([TIME])],
    ['too many keys', encodeCursor([TIME, ID, 'extra'])],
    ['numbers for keys', toBase64Url('[1,2]')],
    ['a null key', toBase64Url(`["${TIME}",null]`)],
    ['a nested array', toBase64Url(`["${TIME}",["${ID}"]]`)],
    ['JSON spelt differently from encodeCursor', toBase64Url(`[ "${TIME}", "${ID}" ]`)],
    ['a cursor over 512 characters', encodeCursor([TIME, 'x'.repeat(600)])],
  ])('decodeCursor rejects %s', (_description, cursor) => {
    expectInvalidCursor(() => decodeCursor(cursor, 2));
  });

  it('decodeCursor rejects a cursor with a character dropped or appended', () => {
    const cursor = encodeCursor([TIME, ID]);
    expectInvalidCursor(() => decodeCursor(cursor.slice(0, -1), 2));
    expectInvalidCursor(() => decodeCursor(`${cursor}A`, 2));
  });

  it('decodeCursor rejects a value that is not a string', () => {
    expectInvalidCursor(() => decodeCursor(42 as unknown as string, 2));
    expectInvalidCursor(() => decodeCursor(null as unknown as string, 2));
  });
});

interface Row {
  createdAt: string;
  id: string;
  name: string;
}

function rows(count: number): Row[] {
  return Array.from({ length: count }, (_unused, index) => ({
    createdAt: `2025-05-20 08:30:${String(59 - index).padStart(2, '0')}+00`,
    id: `id-${index}`,
    name: `row ${index}`,
  }));
}

const keyOf = (row: Row) => [row.createdAt, row.id];
const toItem = (row: Row) => ({ name: row.name });

describe('toPage', () => {
  it('drops the extra row and points the cursor at the last row returned', () => {
    const fetched = rows(4);
    const page = toPage(fetched, 3, keyOf, toItem);

    expect(page.items).toEqual([{ name: 'row 0' }, { name: 'row 1' }, { name: 'row 2' }]);
    expect(page.nextCursor).not.toBeNull();
    expect(decodeCursor(page.nextCursor as string, 2)).toEqual([fetched[2].createdAt, 'id-2']);
  });

  it('has no next cursor when exactly limit rows came back', () => {
    const page = toPage(rows(3), 3, keyOf, toItem);
    expect(page.items).toHaveLength(3);
    expect(page.nextCursor).toBeNull();
  });

  it('has no next cursor when fewer rows came back', () => {
    const page = toPage(rows(2), 3, keyOf, toItem);
    expect(page.items).toEqual([{ name: 'row 0' }, { name: 'row 1' }]);
    expect(page.nextCursor).toBeNull();
  });

  it('returns an empty page for no rows', () => {
    expect(toPage([], 20, keyOf, toItem)).toEqual({ items: [], nextCursor: null });
  });

  it('works with a limit of one', () => {
    const page = toPage(rows(2), 1, keyOf, toItem);
    expect(page.items).toEqual([{ name: 'row 0' }]);
    expect(decodeCursor(page.nextCursor as string, 2)).toEqual([rows(1)[0].createdAt, 'id-0']);
  });

  it('maps only the rows it returns', () => {
    const mapped: string[] = [];
    toPage(rows(3), 2, keyOf, (row) => mapped.push(row.id));
    expect(mapped).toEqual(['id-0', 'id-1']);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the limit %p', (limit) => {
    expect(() => toPage(rows(2), limit, keyOf, toItem)).toThrow(RangeError);
  });
});
