import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { Role } from '../../src/common/auth/role.js';
import { AppConfig } from '../../src/common/config/app-config.js';
import { encodeCursor } from '../../src/common/pagination/pagination.js';
import { createDataSource } from '../../src/database/data-source.js';
import { postgresErrorCode } from '../../src/database/transaction.js';
import { chainHash, GENESIS_HASH } from '../../src/modules/audit/audit-chain.js';
import { AuditReader, VERIFY_BATCH } from '../../src/modules/audit/audit-reader.service.js';
import { AuditSealer, toChainedRow } from '../../src/modules/audit/audit-sealer.service.js';
import { AuditEntry, AuditService } from '../../src/modules/audit/audit.service.js';
import {
  bearer,
  createTestApp,
  insertBank,
  insertEnterprise,
  insertUser,
  login,
  Session,
  TestApp,
} from '../support/app.js';

const EVENTS = '/api/v1/audit-events';
const VERIFY = '/api/v1/audit-events/verify';

/** The chain columns of every row, in insertion order. */
interface ChainRow {
  id: string;
  position: string;
  sequence: string | null;
  prev_hash: string | null;
  hash: string | null;
}

/** A whole row as the database holds it (what the sealer and verify read). */
interface StoredRow {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  sequence: string | null;
  prev_hash: string | null;
  hash: string | null;
}

interface Verification {
  ok: boolean;
  checked: number;
  unsealed: number;
  brokenAt?: { sequence: string; id: string; reason: string };
}

interface EventPage {
  items: { id: string; action: string; entityType: string; entityId: string | null }[];
  nextCursor: string | null;
}

/**
 * The real app, with its background sealer stopped: these tests decide when sealing happens
 * (the interval is also pushed to its maximum in case a tick was already scheduled).
 */
async function startApp(): Promise<TestApp> {
  const testApp = await createTestApp({ AUDIT_SEAL_INTERVAL_MS: '60000' });
  await testApp.app.get(AuditSealer).beforeApplicationShutdown();
  return testApp;
}

let entries = 0;
function entry(fields: Partial<AuditEntry> = {}): AuditEntry {
  entries += 1;
  return {
    actor: { userId: randomUUID(), role: Role.BankOfficer, requestId: `req-${entries}` },
    action: 'test.recorded',
    entityType: 'test',
    entityId: String(entries),
    after: { n: entries },
    ...fields,
  };
}

async function recordCommitted(testApp: TestApp, fields: Partial<AuditEntry> = {}): Promise<void> {
  const audit = testApp.app.get(AuditService);
  await testApp.dataSource.transaction((manager) => audit.record(manager, entry(fields)));
}

function chainRows(dataSource: DataSource): Promise<ChainRow[]> {
  return dataSource.query<ChainRow[]>(
    `SELECT id, position::text AS position, sequence::text AS sequence, prev_hash, hash
       FROM audit_events ORDER BY audit_events.position`,
  );
}

async function rowAt(dataSource: DataSource, sequence: number): Promise<StoredRow> {
  const [row] = await dataSource.query<StoredRow[]>(
    'SELECT * FROM audit_events WHERE sequence = $1',
    [sequence],
  );
  return row;
}

async function count(dataSource: DataSource, where = 'true', params: unknown[] = []) {
  const [row] = await dataSource.query<[{ count: number }]>(
    `SELECT count(*)::int AS count FROM audit_events WHERE ${where}`,
    params,
  );
  return row.count;
}

/** 1..n as the strings PostgreSQL returns for bigint. */
const oneTo = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i + 1));

/** Every row sealed, sequences 1..n in the given order, each prev_hash the previous hash. */
function expectLinkedChain(rows: ChainRow[]): void {
  expect(rows.map((row) => row.sequence)).toEqual(oneTo(rows.length));
  rows.forEach((row, i) => {
    expect(row.prev_hash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1].hash);
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
  });
}

async function sealedInSequenceOrder(dataSource: DataSource): Promise<ChainRow[]> {
  return dataSource.query<ChainRow[]>(
    `SELECT id, position::text AS position, sequence::text AS sequence, prev_hash, hash
       FROM audit_events ORDER BY audit_events.sequence`,
  );
}

/** Runs `work` with the append-only triggers off, as a superuser can; back on at commit. */
async function tamper(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<void>,
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    await runner.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await work(runner);
    await runner.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

async function expectRefusedByTrigger(statement: Promise<unknown>): Promise<void> {
  const error = await statement.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeDefined();
  expect(postgresErrorCode(error)).toBe('42501');
  expect((error as Error).message).toMatch(/audit_events is append-only/);
}

async function rowText(dataSource: DataSource, id: string): Promise<string> {
  const [row] = await dataSource.query<{ text: string }[]>(
    'SELECT row_to_json(audit_events)::text AS text FROM audit_events WHERE id = $1',
    [id],
  );
  return row.text;
}

describe('audit log: recording, sealing and the verify endpoint', () => {
  let testApp: TestApp;
  let audit: AuditService;
  let sealer: AuditSealer;
  const sessions: Partial<Record<Role, Session>> = {};

  beforeAll(async () => {
    testApp = await startApp();
    audit = testApp.app.get(AuditService);
    sealer = testApp.app.get(AuditSealer);
    const ds = testApp.dataSource;
    const bankId = await insertBank(ds, 'Audit Test Bank');
    const enterpriseId = await insertEnterprise(ds, 'Audit Test Enterprise');
    const users: { username: string; role: Role; bankId?: string; enterpriseId?: string }[] = [
      { username: 'audit-admin', role: Role.Admin },
      { username: 'audit-auditor', role: Role.Auditor },
      { username: 'audit-enterprise', role: Role.Enterprise, enterpriseId },
      { username: 'audit-officer', role: Role.BankOfficer, bankId },
      { username: 'audit-president', role: Role.BankPresident, bankId },
    ];
    for (const user of users) {
      await insertUser(ds, user);
      sessions[user.role] = await login(testApp, user.username);
    }
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('leaves no audit row when the transaction that recorded it rolls back', async () => {
    const action = `rollback.${randomUUID()}`;
    await expect(
      testApp.dataSource.transaction(async (manager) => {
        await audit.record(manager, entry({ action }));
        expect(
          await manager.query('SELECT 1 FROM audit_events WHERE action = $1', [action]),
        ).toHaveLength(1);
        throw new Error('the business change failed');
      }),
    ).rejects.toThrow('the business change failed');
    expect(await count(testApp.dataSource, 'action = $1', [action])).toBe(0);
  });

  it('leaves exactly one row, holding the entry as given, when the transaction commits', async () => {
    const action = `commit.${randomUUID()}`;
    const actorId = randomUUID();
    await testApp.dataSource.transaction((manager) =>
      audit.record(manager, {
        actor: { userId: actorId, role: Role.Admin, requestId: 'req-commit-1' },
        action,
        entityType: 'loan',
        entityId: 'L-1',
        before: { status: 'draft', amountFen: 123456789012345678n },
        after: { status: 'approved', nested: { b: 2, a: 1 } },
      }),
    );
    const rows = await testApp.dataSource.query<StoredRow[]>(
      'SELECT * FROM audit_events WHERE action = $1',
      [action],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_id: actorId,
      actor_role: Role.Admin,
      entity_type: 'loan',
      entity_id: 'L-1',
      // bigint fen is kept exactly, as a decimal string.
      before: { status: 'draft', amountFen: '123456789012345678' },
      after: { status: 'approved', nested: { a: 1, b: 2 } },
      request_id: 'req-commit-1',
      sequence: null,
      prev_hash: null,
      hash: null,
    });
    expect(rows[0].occurred_at).toBeInstanceOf(Date);
  });

  it('stores absent before/after as SQL NULL', async () => {
    const action = `absent.${randomUUID()}`;
    await recordCommitted(testApp, { action, before: undefined, after: undefined });
    expect(
      await count(testApp.dataSource, 'action = $1 AND before IS NULL AND after IS NULL', [action]),
    ).toBe(1);
  });

  it('inserts rows unsealed, then seals them with sequence 1..n in insertion order and linked hashes', async () => {
    for (let i = 0; i < 5; i += 1) {
      await recordCommitted(testApp);
    }
    const before = await chainRows(testApp.dataSource);
    // The logins of beforeAll and the rows above: nothing is sealed until the sealer runs.
    expect(before.length).toBeGreaterThanOrEqual(5 + 5);
    expect(
      before.every((row) => row.sequence === null && row.prev_hash === null && row.hash === null),
    ).toBe(true);

    expect(await sealer.seal({ wait: true })).toBe(before.length);

    const after = await chainRows(testApp.dataSource);
    expect(after.map((row) => row.id)).toEqual(before.map((row) => row.id));
    expectLinkedChain(after);
    // Each hash is the documented function of the row and the previous hash.
    for (const [i, row] of after.entries()) {
      const stored = await rowAt(testApp.dataSource, i + 1);
      expect(row.hash).toBe(
        chainHash(row.prev_hash as string, toChainedRow(stored, String(i + 1))),
      );
    }
  });

  it('seals nothing and changes nothing when there is nothing new to seal', async () => {
    const before = await chainRows(testApp.dataSource);
    expect(await sealer.seal({ wait: true })).toBe(0);
    expect(await sealer.seal({ wait: false })).toBe(0);
    expect(await chainRows(testApp.dataSource)).toEqual(before);
  });

  it.each([Role.Admin, Role.Auditor])(
    'answers GET /audit-events/verify for %s with ok, every row checked and none unsealed',
    async (role) => {
      const response = await testApp
        .http()
        .get(VERIFY)
        .set(...bearer(sessions[role] as Session));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ok: true,
        checked: await count(testApp.dataSource),
        unsealed: 0,
      });
    },
  );

  it('seals rows committed since the last round before verifying them', async () => {
    const sealedBefore = await count(testApp.dataSource, 'sequence IS NOT NULL');
    for (let i = 0; i < 3; i += 1) {
      await recordCommitted(testApp);
    }
    expect(await count(testApp.dataSource, 'sequence IS NULL')).toBe(3);
    const response = await testApp
      .http()
      .get(VERIFY)
      .set(...bearer(sessions[Role.Auditor] as Session));
    expect(response.body).toEqual({ ok: true, checked: sealedBefore + 3, unsealed: 0 });
    expectLinkedChain(await sealedInSequenceOrder(testApp.dataSource));
  });

  it.each([Role.Enterprise, Role.BankOfficer, Role.BankPresident])(
    'refuses the audit endpoints to %s with 403',
    async (role) => {
      for (const path of [EVENTS, VERIFY]) {
        const response = await testApp
          .http()
          .get(path)
          .set(...bearer(sessions[role] as Session));
        expect(response.status).toBe(403);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    },
  );

  it('refuses the audit endpoints without a token with 401', async () => {
    for (const path of [EVENTS, VERIFY]) {
      const response = await testApp.http().get(path);
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  describe('the append-only trigger, as the application connection', () => {
    let sealedId: string;
    let unsealedId: string;

    beforeAll(async () => {
      await recordCommitted(testApp, { action: 'trigger.sealed', before: { x: 1 } });
      await sealer.seal({ wait: true });
      await recordCommitted(testApp, { action: 'trigger.unsealed', before: { x: 1 } });
      [{ id: sealedId }] = await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM audit_events WHERE action = 'trigger.sealed'`,
      );
      [{ id: unsealedId }] = await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM audit_events WHERE action = 'trigger.unsealed' AND sequence IS NULL`,
      );
    });

    const COLUMN_EDITS: [string, string][] = [
      ['id', 'gen_random_uuid()'],
      ['position', 'position + 1000000'],
      ['occurred_at', `occurred_at + interval '1 second'`],
      ['actor_id', 'gen_random_uuid()'],
      ['actor_role', `'admin'`],
      ['action', `'tampered'`],
      ['entity_type', `'tampered'`],
      ['entity_id', `'tampered'`],
      ['before', `'{"tampered": true}'::jsonb`],
      ['after', `'{"tampered": true}'::jsonb`],
      ['request_id', `'tampered'`],
    ];

    it.each(COLUMN_EDITS)('refuses an UPDATE of %s on a sealed row', async (column, value) => {
      const before = await rowText(testApp.dataSource, sealedId);
      await expectRefusedByTrigger(
        testApp.dataSource.query(`UPDATE audit_events SET ${column} = ${value} WHERE id = $1`, [
          sealedId,
        ]),
      );
      expect(await rowText(testApp.dataSource, sealedId)).toBe(before);
    });

    it.each(COLUMN_EDITS)('refuses an UPDATE of %s on an unsealed row', async (column, value) => {
      const before = await rowText(testApp.dataSource, unsealedId);
      await expectRefusedByTrigger(
        testApp.dataSource.query(`UPDATE audit_events SET ${column} = ${value} WHERE id = $1`, [
          unsealedId,
        ]),
      );
      expect(await rowText(testApp.dataSource, unsealedId)).toBe(before);
    });

    it('refuses to re-seal a sealed row with another hash, or to unseal it, or even to rewrite it unchanged', async () => {
      const before = await rowText(testApp.dataSource, sealedId);
      for (const set of [
        `hash = repeat('f', 64)`,
        `sequence = sequence + 1000000`,
        `prev_hash = repeat('0', 64)`,
        'sequence = NULL, prev_hash = NULL, hash = NULL',
        'hash = hash',
      ]) {
        await expectRefusedByTrigger(
          testApp.dataSource.query(`UPDATE audit_events SET ${set} WHERE id = $1`, [sealedId]),
        );
      }
      expect(await rowText(testApp.dataSource, sealedId)).toBe(before);
    });

    it('refuses a sealing UPDATE that also changes another column, or sets only part of the chain', async () => {
      const before = await rowText(testApp.dataSource, unsealedId);
      for (const set of [
        `sequence = 999999, prev_hash = repeat('a', 64), hash = repeat('b', 64), after = '{"x": 2}'::jsonb`,
        `hash = repeat('b', 64)`,
        `sequence = 999999`,
      ]) {
        await expectRefusedByTrigger(
          testApp.dataSource.query(`UPDATE audit_events SET ${set} WHERE id = $1`, [unsealedId]),
        );
      }
      expect(await rowText(testApp.dataSource, unsealedId)).toBe(before);
    });

    it('refuses DELETE of a sealed and of an unsealed row, and TRUNCATE', async () => {
      const rowsBefore = await count(testApp.dataSource);
      await expectRefusedByTrigger(
        testApp.dataSource.query('DELETE FROM audit_events WHERE id = $1', [sealedId]),
      );
      await expectRefusedByTrigger(
        testApp.dataSource.query('DELETE FROM audit_events WHERE id = $1', [unsealedId]),
      );
      await expectRefusedByTrigger(testApp.dataSource.query('TRUNCATE audit_events'));
      expect(await count(testApp.dataSource)).toBe(rowsBefore);
    });

    it('refuses to INSERT a row that arrives already sealed, past the sealer', async () => {
      const rowsBefore = await count(testApp.dataSource);
      await expectRefusedByTrigger(
        testApp.dataSource.query(
          `INSERT INTO audit_events (action, entity_type, sequence, prev_hash, hash)
           VALUES ('forged', 'forged', 999999, repeat('0', 64), repeat('1', 64))`,
        ),
      );
      expect(await count(testApp.dataSource)).toBe(rowsBefore);
    });

    it('refuses to INSERT a row carrying any one chain column, and a batch holding one such row', async () => {
      const rowsBefore = await count(testApp.dataSource);
      for (const [column, value] of [
        ['sequence', '999999'],
        ['prev_hash', `repeat('0', 64)`],
        ['hash', `repeat('1', 64)`],
      ]) {
        await expectRefusedByTrigger(
          testApp.dataSource.query(
            `INSERT INTO audit_events (action, entity_type, ${column})
             VALUES ('forged', 'forged', ${value})`,
          ),
        );
      }
      await expectRefusedByTrigger(
        testApp.dataSource.query(
          `INSERT INTO audit_events (action, entity_type, hash)
           SELECT 'forged', 'forged', CASE WHEN n = 500 THEN repeat('1', 64) END
             FROM generate_series(1, 1000) AS n`,
        ),
      );
      expect(await count(testApp.dataSource)).toBe(rowsBefore);
    });

    it('allows the one-time NULL-to-value sealing of the chain columns, and refuses a second one', async () => {
      const runner = testApp.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        // For an UPDATE the driver answers [rows, affected count].
        const [, affected] = (await runner.query(
          `UPDATE audit_events SET sequence = 999999, prev_hash = repeat('a', 64), hash = repeat('b', 64)
            WHERE id = $1`,
          [unsealedId],
        )) as [unknown, number];
        expect(affected).toBe(1);
        const [row] = await runner.manager.query<ChainRow[]>(
          'SELECT sequence::text AS sequence, hash FROM audit_events WHERE id = $1',
          [unsealedId],
        );
        expect(row).toMatchObject({ sequence: '999999', hash: 'b'.repeat(64) });
        await expectRefusedByTrigger(
          runner.query(`UPDATE audit_events SET hash = repeat('c', 64) WHERE id = $1`, [
            unsealedId,
          ]),
        );
      } finally {
        // Hand-sealed with made-up values: never let it reach the real chain.
        await runner.rollbackTransaction();
        await runner.release();
      }
      expect(await count(testApp.dataSource, 'id = $1 AND sequence IS NULL', [unsealedId])).toBe(1);
    });

    it('still verifies after every refused attempt', async () => {
      expect(await testApp.app.get(AuditReader).verify()).toEqual({
        ok: true,
        checked: await count(testApp.dataSource),
        unsealed: 0,
      });
    });
  });
});

describe('audit log: a row whose transaction commits late', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startApp();
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('is sealed in a later round, after a row inserted after it, and the chain verifies', async () => {
    const audit = testApp.app.get(AuditService);
    const sealer = testApp.app.get(AuditSealer);
    const late = testApp.dataSource.createQueryRunner();
    await late.connect();
    await late.startTransaction();
    try {
      await audit.record(late.manager, entry({ action: 'late.a' }));
      await recordCommitted(testApp, { action: 'prompt.b' });

      // A is still open: the sealer neither waits for it nor sees it.
      expect(await sealer.seal({ wait: true })).toBe(1);
      const [b] = await testApp.dataSource.query<ChainRow[]>(
        `SELECT id, position::text AS position, sequence::text AS sequence, prev_hash, hash
           FROM audit_events WHERE action = 'prompt.b'`,
      );
      expect(b).toMatchObject({ sequence: '1', prev_hash: GENESIS_HASH });

      await late.commitTransaction();
    } finally {
      if (late.isTransactionActive) {
        await late.rollbackTransaction();
      }
      await late.release();
    }

    expect(await count(testApp.dataSource, 'sequence IS NULL')).toBe(1);
    expect(await testApp.app.get(AuditSealer).seal({ wait: true })).toBe(1);
    const rows = await sealedInSequenceOrder(testApp.dataSource);
    expect(rows).toHaveLength(2);
    expectLinkedChain(rows);
    const [a] = await testApp.dataSource.query<ChainRow[]>(
      `SELECT position::text AS position, sequence::text AS sequence FROM audit_events
        WHERE action = 'late.a'`,
    );
    expect(a.sequence).toBe('2');
    // A was inserted first: sealing order follows commits, insertion order only within a round.
    expect(BigInt(a.position)).toBeLessThan(BigInt(rows[0].position));
    expect(await testApp.app.get(AuditReader).verify()).toEqual({
      ok: true,
      checked: 2,
      unsealed: 0,
    });
  });
});

describe('audit log: concurrency', () => {
  let testApp: TestApp;
  let writers: DataSource;
  let audit: AuditService;
  let sealer: AuditSealer;

  beforeAll(async () => {
    testApp = await startApp();
    audit = testApp.app.get(AuditService);
    sealer = testApp.app.get(AuditSealer);
    // A pool of its own, wide enough for many writers at once.
    writers = createDataSource(testApp.database.url, 40);
    await writers.initialize();
  });
  afterAll(async () => {
    await writers.destroy();
    await testApp.close();
  });

  /** One short audited business transaction that gives up rather than wait for any lock. */
  function impatientWrite(i: number): Promise<void> {
    const tenant = randomUUID();
    const role = [Role.Enterprise, Role.BankOfficer, Role.BankPresident][i % 3];
    return writers.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '500ms'`);
      await audit.record(manager, {
        actor: { userId: randomUUID(), role, requestId: `concurrent-${i}` },
        action: 'concurrent.written',
        entityType: role === Role.Enterprise ? 'enterprise' : 'bank',
        entityId: tenant,
        after: { i, tenant },
      });
    });
  }

  it('commits 200 concurrent audited writes of different tenants without any lock wait, beside an open one, and verifies them sealed', async () => {
    const holder = writers.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    let holderOpen = true;
    try {
      // An uncommitted audited change, held open for the whole run: a chain-head design would
      // make every writer below queue behind it and trip its lock_timeout.
      await audit.record(holder.manager, entry({ action: 'concurrent.held' }));

      let writing = true;
      let sealedDuringWrites = 0;
      const sealing = (async () => {
        while (writing) {
          sealedDuringWrites += await sealer.seal({ wait: false });
        }
      })();
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) => impatientWrite(i)),
      );
      writing = false;
      await sealing;

      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      // All 200 committed while the holder is still open; its row stays invisible and unsealed.
      const sealedNow = sealedDuringWrites + (await sealer.seal({ wait: true }));
      expect(sealedNow).toBe(200);
      expect(await count(testApp.dataSource, `action = 'concurrent.written'`)).toBe(200);
      expect(await count(testApp.dataSource, `action = 'concurrent.held'`)).toBe(0);
      expect(await testApp.app.get(AuditReader).verify()).toEqual({
        ok: true,
        checked: 200,
        unsealed: 0,
      });

      await holder.commitTransaction();
      holderOpen = false;
    } finally {
      if (holderOpen) {
        await holder.rollbackTransaction();
      }
      await holder.release();
    }

    expect(await testApp.app.get(AuditReader).verify()).toEqual({
      ok: true,
      checked: 201,
      unsealed: 0,
    });
    const rows = await sealedInSequenceOrder(testApp.dataSource);
    expectLinkedChain(rows);
    const [held] = await testApp.dataSource.query<ChainRow[]>(
      `SELECT sequence::text AS sequence FROM audit_events WHERE action = 'concurrent.held'`,
    );
    expect(held.sequence).toBe('201');
  });

  it('never forks the chain when sealers of two instances race each other and the writers', async () => {
    const otherInstance = createDataSource(testApp.database.url, 4);
    await otherInstance.initialize();
    const otherSealer = new AuditSealer(otherInstance, testApp.app.get(AppConfig));
    try {
      const rowsBefore = await count(testApp.dataSource);
      let sealed = 0;
      for (let round = 0; round < 5; round += 1) {
        const [writes, ...seals] = await Promise.all([
          Promise.all(Array.from({ length: 30 }, (_, i) => impatientWrite(round * 30 + i))),
          sealer.seal({ wait: true }),
          otherSealer.seal({ wait: true }),
          sealer.seal({ wait: false }),
          otherSealer.seal({ wait: false }),
        ]);
        expect(writes).toHaveLength(30);
        sealed += seals.reduce((sum, n) => sum + n, 0);
        sealed += (
          await Promise.all([sealer.seal({ wait: true }), otherSealer.seal({ wait: true })])
        ).reduce((sum, n) => sum + n, 0);
      }
      // Every row sealed exactly once, by one sealer or the other.
      expect(sealed).toBe(150);
      expect(await count(testApp.dataSource)).toBe(rowsBefore + 150);
      const rows = await sealedInSequenceOrder(testApp.dataSource);
      expect(new Set(rows.map((row) => row.sequence)).size).toBe(rows.length);
      expectLinkedChain(rows);
      expect(await testApp.app.get(AuditReader).verify()).toEqual({
        ok: true,
        checked: rowsBefore + 150,
        unsealed: 0,
      });
    } finally {
      await otherInstance.destroy();
    }
  });
});

describe('audit log: GET /audit-events', () => {
  let testApp: TestApp;
  let session: Session;
  const actorA = randomUUID();
  const actorB = randomUUID();

  async function list(query: Record<string, string | number>): Promise<EventPage> {
    const response = await testApp
      .http()
      .get(EVENTS)
      .query(query)
      .set(...bearer(session));
    expect(response.status).toBe(200);
    return response.body as EventPage;
  }

  async function idsNewestFirst(where = 'true', params: unknown[] = []): Promise<string[]> {
    const rows = await testApp.dataSource.query<{ id: string }[]>(
      `SELECT id FROM audit_events WHERE ${where} ORDER BY position DESC`,
      params,
    );
    return rows.map((row) => row.id);
  }

  beforeAll(async () => {
    testApp = await startApp();
    await insertUser(testApp.dataSource, { username: 'list-auditor', role: Role.Auditor });
    session = await login(testApp, 'list-auditor');
    const rows: Partial<AuditEntry>[] = [
      { action: 'loan.approved', entityType: 'loan', entityId: 'L1' },
      { action: 'loan.approved', entityType: 'loan', entityId: 'L2' },
      { action: 'loan.rejected', entityType: 'loan', entityId: 'L1' },
      { action: 'bank.created', entityType: 'bank', entityId: 'L1' },
    ];
    for (const [i, fields] of rows.entries()) {
      await recordCommitted(testApp, {
        ...fields,
        actor: { userId: i % 2 === 0 ? actorA : actorB, role: Role.Admin, requestId: null },
      });
    }
    for (let i = 0; i < 19; i += 1) {
      await recordCommitted(testApp, { action: 'page.filler' });
    }
    // Rows from the past with known times, inserted as a fixture (the app stamps `now`).
    await testApp.dataSource.query(
      `INSERT INTO audit_events (occurred_at, action, entity_type, entity_id)
       SELECT timestamptz '2025-01-01T00:00:00Z' + make_interval(hours => g), 'history.imported',
              'history', g::text
         FROM generate_series(0, 3) AS g`,
    );
    await testApp.app.get(AuditSealer).seal({ wait: true });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('lists newest first, in pages of 5 that cover every row once, stable while rows are added', async () => {
    const expected = await idsNewestFirst();
    expect(expected.length).toBeGreaterThan(25);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: EventPage = await list(cursor === null ? { limit: 5 } : { limit: 5, cursor });
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
      if (pages === 2) {
        // New rows land at the head; pages already under way neither repeat nor skip rows.
        await recordCommitted(testApp, { action: 'page.late' });
      }
    } while (cursor !== null);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(expected.length / 5));
  });

  it('returns every field of an event', async () => {
    const page = await list({ action: 'loan.rejected' });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toEqual({
      id: expect.any(String),
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      actorId: actorA,
      actorRole: Role.Admin,
      action: 'loan.rejected',
      entityType: 'loan',
      entityId: 'L1',
      before: null,
      after: expect.any(Object),
      requestId: null,
      sequence: expect.stringMatching(/^\d+$/),
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(page.nextCursor).toBeNull();
  });

  // The fixture rows of beforeAll: actor A recorded the 1st and 3rd, actor B the 2nd and 4th.
  it.each<[string, Record<string, string>, string, unknown[], number]>([
    ['action', { action: 'loan.approved' }, `action = 'loan.approved'`, [], 2],
    ['entityType', { entityType: 'loan' }, `entity_type = 'loan'`, [], 3],
    ['entityId', { entityId: 'L1' }, `entity_id = 'L1'`, [], 3],
    [
      'entityType and entityId',
      { entityType: 'loan', entityId: 'L1' },
      `entity_type = 'loan' AND entity_id = 'L1'`,
      [],
      2,
    ],
    ['actorId', { actorId: actorA }, 'actor_id = $1', [actorA], 2],
    [
      'action and actorId',
      { action: 'loan.approved', actorId: actorB },
      `action = 'loan.approved' AND actor_id = $1`,
      [actorB],
      1,
    ],
  ])('filters by %s', async (_name, query, where, params, matching) => {
    const expected = await idsNewestFirst(where, params);
    expect(expected).toHaveLength(matching);
    const page = await list({ ...query, limit: 100 });
    expect(page.items.map((item) => item.id)).toEqual(expected);
  });

  it('filters by time: from is inclusive, to is exclusive', async () => {
    const entityIds = async (query: Record<string, string>) =>
      (await list({ ...query, entityType: 'history', limit: 100 })).items.map(
        (item) => item.entityId,
      );
    expect(
      await entityIds({ from: '2025-01-01T01:00:00.000Z', to: '2025-01-01T03:00:00.000Z' }),
    ).toEqual(['2', '1']);
    expect(await entityIds({ from: '2025-01-01T02:00:00Z' })).toEqual(['3', '2']);
    expect(await entityIds({ to: '2025-01-01T01:00:00Z' })).toEqual(['0']);
    // Everything the app recorded itself happened after the fixture rows.
    const recent = await list({ from: '2025-01-01T04:00:00Z', limit: 100 });
    expect(recent.items.some((item) => item.entityType === 'history')).toBe(false);
    expect(recent.items.length).toBeGreaterThan(0);
  });

  it('pages a filtered list without leaking rows outside the filter', async () => {
    const expected = await idsNewestFirst(`action = 'page.filler'`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { action: 'page.filler', limit: 5 };
      if (cursor !== null) {
        query.cursor = cursor;
      }
      const page: EventPage = await list(query);
      expect(page.items.every((item) => item.action === 'page.filler')).toBe(true);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expected);
  });

  it.each([
    ['not base64url', 'not a cursor!'],
    ['not JSON', Buffer.from('garbage', 'utf8').toString('base64url')],
    ['an object', Buffer.from('{"position":"1"}', 'utf8').toString('base64url')],
    ['the wrong number of keys', encodeCursor(['1', '2'])],
    ['a non-numeric key', encodeCursor(['abc'])],
    ['a negative key', encodeCursor(['-1'])],
    ['a key beyond bigint', encodeCursor(['9999999999999999999'])],
  ])(
    'answers a cursor that is %s with 400 problem+json naming the cursor',
    async (_name, cursor) => {
      const response = await testApp
        .http()
        .get(EVENTS)
        .query({ cursor })
        .set(...bearer(session));
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    },
  );

  it.each([
    ['actorId', { actorId: 'not-a-uuid' }],
    ['from', { from: 'yesterday' }],
    ['to', { to: '2025-13-01T00:00:00Z' }],
    ['limit', { limit: '0' }],
    ['limit', { limit: '101' }],
    ['colour', { colour: 'red' }],
  ])('answers an invalid %s filter with 400 problem+json naming it', async (field, query) => {
    const response = await testApp
      .http()
      .get(EVENTS)
      .query(query)
      .set(...bearer(session));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field })]),
    );
  });
});

describe('audit log: verify names the first broken row of a tampered chain', () => {
  let testApp: TestApp;
  let session: Session;
  const K = 3;

  async function verify(): Promise<Verification> {
    const response = await testApp
      .http()
      .get(VERIFY)
      .set(...bearer(session));
    expect(response.status).toBe(200);
    return response.body as Verification;
  }

  // A fresh database per case: a tampered chain cannot be repaired.
  beforeEach(async () => {
    testApp = await startApp();
    await insertUser(testApp.dataSource, { username: 'tamper-admin', role: Role.Admin });
    session = await login(testApp, 'tamper-admin');
    for (let i = 0; i < 5; i += 1) {
      await recordCommitted(testApp, {
        after: { amountFen: String(1000 * i), status: 'approved' },
      });
    }
    await testApp.app.get(AuditSealer).seal({ wait: true });
    expect(await verify()).toEqual({ ok: true, checked: 6, unsealed: 0 });
  });
  afterEach(async () => {
    await testApp.close();
  });

  it('reports hash_mismatch at row k when its `after` is edited', async () => {
    const target = await rowAt(testApp.dataSource, K);
    await tamper(testApp.dataSource, (runner) =>
      runner.query(
        `UPDATE audit_events SET after = '{"amountFen": "1", "status": "approved"}' WHERE id = $1`,
        [target.id],
      ),
    );
    expect(await verify()).toEqual({
      ok: false,
      checked: K - 1,
      unsealed: 0,
      brokenAt: { sequence: String(K), id: target.id, reason: 'hash_mismatch' },
    });
  });

  it('reports hash_mismatch at row k when a column outside the JSON (actor_role) is edited', async () => {
    const target = await rowAt(testApp.dataSource, K);
    await tamper(testApp.dataSource, (runner) =>
      runner.query(`UPDATE audit_events SET actor_role = 'auditor' WHERE id = $1`, [target.id]),
    );
    expect((await verify()).brokenAt).toEqual({
      sequence: String(K),
      id: target.id,
      reason: 'hash_mismatch',
    });
  });

  it('reports sequence_gap at row k+1 when row k is deleted', async () => {
    const next = await rowAt(testApp.dataSource, K + 1);
    await tamper(testApp.dataSource, (runner) =>
      runner.query('DELETE FROM audit_events WHERE sequence = $1', [K]),
    );
    expect(await verify()).toEqual({
      ok: false,
      checked: K - 1,
      unsealed: 0,
      brokenAt: { sequence: String(K + 1), id: next.id, reason: 'sequence_gap' },
    });
  });

  it('reports row k when the sequence numbers of rows k and k+1 are swapped', async () => {
    const next = await rowAt(testApp.dataSource, K + 1);
    await tamper(testApp.dataSource, async (runner) => {
      // Through a free number: the unique constraint still holds with the triggers off.
      await runner.query('UPDATE audit_events SET sequence = -1 WHERE sequence = $1', [K]);
      await runner.query('UPDATE audit_events SET sequence = $1 WHERE sequence = $2', [K, K + 1]);
      await runner.query('UPDATE audit_events SET sequence = $1 WHERE sequence = -1', [K + 1]);
    });
    expect(await verify()).toEqual({
      ok: false,
      checked: K - 1,
      unsealed: 0,
      brokenAt: { sequence: String(K), id: next.id, reason: 'prev_hash_mismatch' },
    });
  });

  it('reports prev_hash_mismatch at row k+1 when row k is rewritten with its own hash recomputed', async () => {
    const target = await rowAt(testApp.dataSource, K);
    const next = await rowAt(testApp.dataSource, K + 1);
    const forgedAfter = { amountFen: '99999999', status: 'approved' };
    // An attacker who knows the algorithm makes row k consistent with itself...
    const forgedHash = chainHash(
      target.prev_hash as string,
      toChainedRow({ ...target, after: forgedAfter }, String(K)),
    );
    await tamper(testApp.dataSource, (runner) =>
      runner.query('UPDATE audit_events SET after = $1::jsonb, hash = $2 WHERE id = $3', [
        JSON.stringify(forgedAfter),
        forgedHash,
        target.id,
      ]),
    );
    // ...but row k+1 committed to the old hash.
    expect(await verify()).toEqual({
      ok: false,
      checked: K,
      unsealed: 0,
      brokenAt: { sequence: String(K + 1), id: next.id, reason: 'prev_hash_mismatch' },
    });
  });

  it('reports sequence_gap at row k+1 when row k is unsealed to be sealed again at the end', async () => {
    const target = await rowAt(testApp.dataSource, K);
    const next = await rowAt(testApp.dataSource, K + 1);
    await tamper(testApp.dataSource, (runner) =>
      runner.query(
        'UPDATE audit_events SET sequence = NULL, prev_hash = NULL, hash = NULL WHERE id = $1',
        [target.id],
      ),
    );
    expect((await verify()).brokenAt).toEqual({
      sequence: String(K + 1),
      id: next.id,
      reason: 'sequence_gap',
    });
  });
});

describe('audit log: verify reads the chain in batches', () => {
  let testApp: TestApp;
  let reader: AuditReader;
  let sealer: AuditSealer;

  async function bulkInsert(rows: number): Promise<void> {
    // Many rows at once, as a superuser fixture; sealing them is the sealer's job as usual.
    await testApp.dataSource.query(
      `INSERT INTO audit_events (actor_role, action, entity_type, entity_id, after)
       SELECT 'system', 'bulk.recorded', 'bulk', g::text, jsonb_build_object('n', g)
         FROM generate_series(1, $1::int) AS g`,
      [rows],
    );
  }

  beforeAll(async () => {
    testApp = await startApp();
    reader = testApp.app.get(AuditReader);
    sealer = testApp.app.get(AuditSealer);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('verifies a chain of exactly one batch', async () => {
    await bulkInsert(VERIFY_BATCH);
    expect(await sealer.seal({ wait: true })).toBe(VERIFY_BATCH);
    expect(await reader.verify()).toEqual({ ok: true, checked: VERIFY_BATCH, unsealed: 0 });
    expectLinkedChain(await chainRows(testApp.dataSource));
  });

  it('carries the chain across the batch boundary', async () => {
    await bulkInsert(2);
    expect(await reader.verify()).toEqual({ ok: true, checked: VERIFY_BATCH + 2, unsealed: 0 });
  });

  it('finds an edit in the second batch', async () => {
    const target = await rowAt(testApp.dataSource, VERIFY_BATCH + 2);
    await tamper(testApp.dataSource, (runner) =>
      runner.query(`UPDATE audit_events SET after = '{"n": -1}' WHERE id = $1`, [target.id]),
    );
    expect(await reader.verify()).toEqual({
      ok: false,
      checked: VERIFY_BATCH + 1,
      unsealed: 0,
      brokenAt: { sequence: String(VERIFY_BATCH + 2), id: target.id, reason: 'hash_mismatch' },
    });
  });

  it('finds a deleted first row of the second batch', async () => {
    const next = await rowAt(testApp.dataSource, VERIFY_BATCH + 2);
    await tamper(testApp.dataSource, (runner) =>
      runner.query('DELETE FROM audit_events WHERE sequence = $1', [VERIFY_BATCH + 1]),
    );
    expect(await reader.verify()).toEqual({
      ok: false,
      checked: VERIFY_BATCH,
      unsealed: 0,
      brokenAt: { sequence: String(VERIFY_BATCH + 2), id: next.id, reason: 'sequence_gap' },
    });
  });
});
