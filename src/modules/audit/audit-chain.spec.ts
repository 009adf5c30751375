import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { canonicalJson, chainHash, ChainedAuditRow, GENESIS_HASH } from './audit-chain.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth, including objects inside arrays', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 2 } })).toBe(
      '{"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('serialises equal values with different key order identically', () => {
    const left = { amount: '100.00', party: { name: '通化', id: 7 }, tags: ['x', { q: 1, p: 2 }] };
    const right = { tags: ['x', { p: 2, q: 1 }], party: { id: 7, name: '通化' }, amount: '100.00' };
    expect(canonicalJson(left)).toBe(canonicalJson(right));
  });

  it('orders keys by code unit, not by locale', () => {
    expect(canonicalJson({ a: 1, B: 2, _: 3, é: 4 })).toBe('{"B":2,"_":3,"a":1,"é":4}');
  });

  it('keeps array order, since order is part of an array value', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
  });

  it('writes null and undefined as null, drops undefined properties, and nulls undefined array items', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
  });

  it('writes a Date as its ISO-8601 string, at any depth', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(canonicalJson(at)).toBe('"2026-01-02T03:04:05.678Z"');
    expect(canonicalJson({ at })).toBe('{"at":"2026-01-02T03:04:05.678Z"}');
  });

  it('writes a bigint as its decimal string, as AuditService stores it, beyond 2^53 exactly', () => {
    expect(canonicalJson(9007199254740993n)).toBe('"9007199254740993"');
    expect(canonicalJson({ fen: 123n })).toBe(canonicalJson({ fen: '123' }));
  });

  it('distinguishes a number from the string of its digits, and escapes strings as JSON does', () => {
    expect(canonicalJson({ n: 1 })).not.toBe(canonicalJson({ n: '1' }));
    expect(canonicalJson('quote " and \\ and \n')).toBe('"quote \\" and \\\\ and \\n"');
    expect(canonicalJson(true)).toBe('true');
  });

  it('produces JSON that parses back to the same value', () => {
    const value = { z: [1, 'two', { y: null, x: false }], a: { nested: { deep: 1.5 } } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});

describe('chainHash', () => {
  const prevHash = 'a'.repeat(64);
  const row: ChainedAuditRow = {
    id: '4b0f8a4e-5a1c-4d36-9d2e-0c8f7c1a2b3c',
    sequence: '42',
    occurredAt: new Date('2026-03-04T05:06:07.089Z'),
    actorId: '0d3b8e26-52a6-4f8e-a0f5-6c9d9a1e7f10',
    actorRole: 'admin',
    action: 'user.created',
    entityType: 'user',
    entityId: 'e1',
    before: null,
    after: { username: 'zhang', role: 'bank_officer' },
    requestId: 'req-1',
  };
  const base = chainHash(prevHash, row);

  it('is SHA-256 in hex over the previous hash, a newline and the canonical row', () => {
    const canonical = canonicalJson({
      action: row.action,
      actorId: row.actorId,
      actorRole: row.actorRole,
      after: row.after,
      before: row.before,
      entityId: row.entityId,
      entityType: row.entityType,
      id: row.id,
      occurredAt: row.occurredAt.toISOString(),
      requestId: row.requestId,
      sequence: row.sequence,
    });
    const expected = createHash('sha256').update(`${prevHash}\n${canonical}`).digest('hex');
    expect(base).toBe(expected);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic and ignores key order inside before and after', () => {
    expect(chainHash(prevHash, { ...row })).toBe(base);
    expect(
      chainHash(prevHash, { ...row, after: { role: 'bank_officer', username: 'zhang' } }),
    ).toBe(base);
  });

  const changes: [string, Partial<ChainedAuditRow>][] = [
    ['id', { id: '4b0f8a4e-5a1c-4d36-9d2e-0c8f7c1a2b3d' }],
    ['sequence', { sequence: '43' }],
    ['occurredAt (by one millisecond)', { occurredAt: new Date('2026-03-04T05:06:07.090Z') }],
    ['actorId', { actorId: '0d3b8e26-52a6-4f8e-a0f5-6c9d9a1e7f11' }],
    ['actorId (to null)', { actorId: null }],
    ['actorRole', { actorRole: 'auditor' }],
    ['action', { action: 'user.disabled' }],
    ['entityType', { entityType: 'bank' }],
    ['entityId', { entityId: 'e2' }],
    ['entityId (to null)', { entityId: null }],
    ['before', { before: { username: 'zhang' } }],
    ['after (a nested value)', { after: { username: 'zhang', role: 'bank_president' } }],
    ['after (a key added)', { after: { username: 'zhang', role: 'bank_officer', x: null } }],
    ['after (to null)', { after: null }],
    ['before and after swapped', { before: row.after, after: row.before }],
    ['requestId', { requestId: 'req-2' }],
    ['requestId (to null)', { requestId: null }],
  ];
  it.each(changes)('changes when %s changes', (_field, change) => {
    expect(chainHash(prevHash, { ...row, ...change })).not.toBe(base);
  });

  it('changes when the previous hash changes, so every row commits to its whole past', () => {
    expect(chainHash('b'.repeat(64), row)).not.toBe(base);
    expect(chainHash(GENESIS_HASH, row)).not.toBe(base);
  });

  it('starts the chain from a genesis hash of 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});
