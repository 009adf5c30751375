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

describe('chainHash of rows sealed before the verify speed-up', () => {
  // Hashes computed by the chain as first released: any change to the canonical form or the
  // hashing must keep them, or every chain already sealed in a database stops verifying.
  // Representative of what the sealer and verify read: JSON from jsonb (strings, numbers of every
  // shape, nesting, empty containers, non-object roots), keys needing code-unit order, text
  // needing JSON escapes, non-BMP characters, null columns and a sequence beyond 2^53.
  const rows: (Omit<ChainedAuditRow, 'occurredAt'> & { occurredAt: string })[] = [
    {
      id: '6f1c2a9e-0b7d-4e5f-8a3c-1d2e3f405162',
      sequence: '1',
      occurredAt: '2026-01-05T08:09:10.123Z',
      actorId: '0d3b8e26-52a6-4f8e-a0f5-6c9d9a1e7f10',
      actorRole: 'enterprise',
      action: 'financing_request.created',
      entityType: 'financing_request',
      entityId: 'b9d7c0a1-2e3f-4a5b-8c6d-7e8f9a0b1c2d',
      before: null,
      after: { status: 'submitted', amountFen: '150000000' },
      requestId: 'seed-0',
    },
    {
      id: '7a2b3c4d-5e6f-4081-92a3-b4c5d6e7f809',
      sequence: '2',
      occurredAt: '2026-02-28T23:59:59.999Z',
      actorId: null,
      actorRole: null,
      action: 'turnover.disbursed',
      entityType: 'turnover_use',
      entityId: null,
      before: {
        status: 'approved',
        amountFen: '1500000',
        history: [{ at: '2026-02-01', by: 'x' }, null, true],
      },
      after: {
        status: 'disbursed',
        amountFen: '1500000',
        rate: 0.0435,
        days: 30,
        overdue: false,
        neg: -12.5,
        big: 1e21,
        tiny: 1e-7,
        zero: 0,
      },
      requestId: null,
    },
    {
      id: '8b3c4d5e-6f70-4192-a3b4-c5d6e7f8091a',
      sequence: '3',
      occurredAt: '2026-03-01T00:00:00.000Z',
      actorId: '1e4c9f37-63b7-4a9f-b1a6-7d0e0b2f8a21',
      actorRole: 'admin',
      action: 'enterprise.updated',
      entityType: 'enterprise',
      entityId: 'e-通化-1',
      before: {
        name: '通化市东昌区某某有限公司',
        名称: 'a',
        b: { z: [], y: {}, a: [1, [2, [3]]] },
      },
      after: {
        name: 'quote " back\\slash \n\t\r\b\f \u0001 \u001f \u007f \u2028 \u2029 😀',
        é: 1,
        B: 2,
        _: 3,
        a: 4,
        '\uffff': 5,
        '😀': 6,
        '': 7,
      },
      requestId: 'req-"quoted"\n',
    },
    {
      id: '9c4d5e6f-7081-42a3-b4c5-d6e7f8091a2b',
      sequence: '9007199254740993',
      occurredAt: '1999-12-31T23:59:59.001Z',
      actorId: '2f5d0a48-74c8-4b0a-82b7-8e1f1c3a9b32',
      actorRole: 'bank_officer',
      action: 'match.accepted',
      entityType: 'match',
      entityId: '42',
      before: [],
      after: 'a bare string',
      requestId: '',
    },
  ];
  const pinned = [
    'af1f90822f76571d8769a9de283d506c070f601ddb7a822c891ba07b1e6590aa',
    '1ebb81f42c89cf18237bee357c93fc58f8bcf50aabb5d8639e174c602e27fc92',
    '4565515578b0667f387a609cb1873be8489a2b5b6a7770f7c282f973e55def15',
    '6023e8ea0dcbd93089b04c4dcc57c9dfd9f4bf03588772c79de97c3422140043',
  ];

  it('still hashes each row, chained from genesis, to its pinned hash', () => {
    let prevHash = GENESIS_HASH;
    rows.forEach((row, index) => {
      const hash = chainHash(prevHash, row);
      expect(hash).toBe(pinned[index]);
      // The sealer passes the time as a Date, verify as the ISO string read from SQL.
      expect(chainHash(prevHash, { ...row, occurredAt: new Date(row.occurredAt) })).toBe(hash);
      prevHash = hash;
    });
  });
});
