import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { listSql } from '../../src/modules/matching/request-list.js';
import {
  BANK_RECORDS_SQL,
  bankRecordParameters,
} from '../../src/modules/suggestions/bank-records.js';
import { bearer, createTestApp, login, Session, TestApp } from '../support/app.js';

interface SeedResult {
  tag: string;
  counts: Record<string, number>;
}
type SeedScale = (
  client: pg.Client,
  options: Record<string, number | string>,
) => Promise<SeedResult>;

// The tables that grow with the city: a sequential scan on any of them is a bug at scale.
// (matchmaking_accepts is not one: the exact median of a period reads every accept time in it,
// and a year's figures read them all.)
const SCALE_TABLES = [
  'financing_requests',
  'matches',
  'audit_events',
  'enterprises',
  'users',
  'bank_request_stakes',
  'matchmaking_presence',
];
const API = '/api/v1';

/** Every plan node (with its children) that reads a relation by a sequential scan. */
function seqScans(plan: Record<string, unknown>): string[] {
  const own =
    plan['Node Type'] === 'Seq Scan' && SCALE_TABLES.includes(plan['Relation Name'] as string)
      ? [plan['Relation Name'] as string]
      : [];
  const children = (plan.Plans as Record<string, unknown>[] | undefined) ?? [];
  return [...own, ...children.flatMap(seqScans)];
}

/** Every plan node's type with the index it reads, if any ("Index Only Scan on x_idx"). */
function indexReads(plan: Record<string, unknown>): string[] {
  const own =
    typeof plan['Index Name'] === 'string'
      ? [`${plan['Node Type'] as string} on ${plan['Index Name']}`]
      : [];
  const children = (plan.Plans as Record<string, unknown>[] | undefined) ?? [];
  return [...own, ...children.flatMap(indexReads)];
}

/**
 * The hot queries on a moderately sized scale data set (scripts/seed-scale.mjs): each must reach
 * the big tables through an index. Checked two ways: EXPLAIN of the SQL behind each hot path, and
 * the server's own per-table sequential-scan counters around the real HTTP calls (which catches a
 * query the service changed without this test noticing).
 */
describe('query plans of the hot paths on scale data', () => {
  let testApp: TestApp;
  let client: pg.Client;
  let tag: string;
  let bankId: string;
  let officer: Session;
  let enterprise: Session;
  let admin: Session;
  let officerRequestId: string;
  let enterpriseRequestId: string;

  beforeAll(async () => {
    testApp = await createTestApp({ THROTTLE_LIMIT: '100000' });
    client = new pg.Client({ connectionString: testApp.database.url });
    await client.connect();
    // A path held in a variable keeps tsc from resolving the plain-JavaScript module.
    const seedModule = '../../scripts/seed-scale.mjs';
    const { seedScale, DEFAULT_PASSWORD } = (await import(seedModule)) as {
      seedScale: SeedScale;
      DEFAULT_PASSWORD: string;
    };
    ({ tag } = await seedScale(client, {
      enterprises: 5_000,
      requests: 40_000,
      products: 500,
      audit: 10_000,
    }));
    bankId = (
      await client.query<{ bank_id: string }>('SELECT bank_id FROM users WHERE username = $1', [
        `scale-${tag}-officer-0`,
      ])
    ).rows[0].bank_id;
    officer = await login(testApp, `scale-${tag}-officer-0`, DEFAULT_PASSWORD);
    admin = await login(testApp, `scale-${tag}-admin`, DEFAULT_PASSWORD);
    const owned = (
      await client.query<{ id: string; username: string }>(
        `SELECT r.id, u.username FROM financing_requests r
           JOIN users u ON u.enterprise_id = r.enterprise_id
          WHERE u.username = $1 LIMIT 1`,
        [`scale-${tag}-e7`],
      )
    ).rows[0];
    enterpriseRequestId = owned.id;
    enterprise = await login(testApp, owned.username, DEFAULT_PASSWORD);
    officerRequestId = (
      await client.query<{ request_id: string }>(
        'SELECT request_id FROM matches WHERE bank_id = $1 LIMIT 1',
        [bankId],
      )
    ).rows[0].request_id;
  }, 600_000);

  afterAll(async () => {
    await client?.end();
    await testApp?.close();
  }, 300_000);

  async function plan(sql: string, parameters: unknown[]): Promise<Record<string, unknown>> {
    const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      parameters,
    );
    return rows[0]['QUERY PLAN'][0].Plan;
  }

  async function explain(sql: string, parameters: unknown[]): Promise<string[]> {
    return seqScans(await plan(sql, parameters));
  }

  it('reads a request by id, with the caller and the access check, through indexes', async () => {
    expect(
      await explain('SELECT username, role, bank_id, disabled_at FROM users WHERE id = $1', [
        await userId(`scale-${tag}-officer-0`),
      ]),
    ).toEqual([]);
    expect(
      await explain(
        `SELECT r.* FROM financing_requests r
          WHERE r.id = $1
            AND EXISTS (SELECT 1 FROM matches m WHERE m.request_id = r.id AND m.bank_id = $2)`,
        [officerRequestId, bankId],
      ),
    ).toEqual([]);
    expect(
      await explain('SELECT * FROM matches WHERE request_id = $1 ORDER BY dispatched_at', [
        officerRequestId,
      ]),
    ).toEqual([]);
  });

  it("walks a bank's inbox by keyset without scanning", async () => {
    // The service's own statement, one read in the batch.
    const shape = { stakes: true, ownEnterprise: false, status: true, enterpriseFilter: false };
    const read = (cursorAt: Date | null, cursorId: string | null) =>
      [[bankId], ['dispatched'], [null], [null], [cursorAt], [cursorId], [21]] as unknown[];
    expect(await explain(listSql({ ...shape, cursor: false }), read(null, null))).toEqual([]);
    expect(
      await explain(
        listSql({ ...shape, cursor: true }),
        read(new Date(Date.now() - 200 * 86_400_000), officerRequestId),
      ),
    ).toEqual([]);
  });

  it("reads every bank's suggestion record from its day rows and the accept-time index", async () => {
    const banks = (await client.query<{ id: string }>('SELECT id FROM banks')).rows.map(
      (row) => row.id,
    );
    const recordPlan = await plan(BANK_RECORDS_SQL, bankRecordParameters(banks, new Date()));
    expect(seqScans(recordPlan)).toEqual([]);
    // The median walks each bank's accept times in the index alone, never the window's matches.
    expect(indexReads(recordPlan)).toContain('Index Only Scan on matches_bank_accept_ms_idx');
  });

  it('serves each hot route without a sequential scan on any scale table', async () => {
    const first = await testApp
      .http()
      .get(`${API}/financing-requests?status=dispatched&limit=20`)
      .set(...bearer(officer));
    const cursor = (first.body as { nextCursor: string | null }).nextCursor;
    expect(cursor).not.toBeNull();
    const calls: [string, Session, string][] = [
      ['request by id', officer, `${API}/financing-requests/${officerRequestId}`],
      ['inbox page 1', officer, `${API}/financing-requests?status=dispatched&limit=20`],
      [
        'inbox page 2',
        officer,
        `${API}/financing-requests?status=dispatched&limit=20&cursor=${encodeURIComponent(cursor as string)}`,
      ],
      ['suggestions', enterprise, `${API}/financing-requests/${enterpriseRequestId}/suggestions`],
      // A year of figures from the roll-ups, which never read the raw tables.
      [
        'matchmaking figures',
        admin,
        `${API}/stats/matchmaking?groupBy=region&from=${daysAgo(400)}&to=${daysAgo(-2)}`,
      ],
      [
        "one bank's figures by month",
        admin,
        `${API}/stats/matchmaking?groupBy=month&bankId=${bankId}&from=${daysAgo(90)}&to=${daysAgo(-2)}`,
      ],
    ];
    const zero = Object.fromEntries(SCALE_TABLES.map((table) => [table, 0]));
    const scans: Record<string, Record<string, number>> = {};
    for (const [name, session, url] of calls) {
      const before = await scanCounts();
      const response = await testApp
        .http()
        .get(url)
        .set(...bearer(session));
      expect({ name, status: response.status }).toEqual({ name, status: 200 });
      scans[name] = await scanCounts(before);
    }
    expect(scans).toEqual(Object.fromEntries(calls.map(([name]) => [name, zero])));
  }, 300_000);

  function daysAgo(days: number): string {
    return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
  }

  async function userId(username: string): Promise<string> {
    return (
      await client.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [username])
    ).rows[0].id;
  }

  /**
   * Sequential scans per scale table; with `since`, the increase since then. An idle backend
   * flushes its counters within PostgreSQL's idle stats interval (10 s), so this waits that out.
   */
  async function scanCounts(since?: Record<string, number>): Promise<Record<string, number>> {
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ relname: string; seq_scan: string }>(
      'SELECT relname, seq_scan::text FROM pg_stat_user_tables WHERE relname = ANY($1)',
      [SCALE_TABLES],
    );
    return Object.fromEntries(
      rows.map((row) => [row.relname, Number(row.seq_scan) - (since?.[row.relname] ?? 0)]),
    );
  }
});
