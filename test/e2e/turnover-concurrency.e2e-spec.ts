import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Response } from 'supertest';
import { pgPool } from '../../src/database/pg-pool.js';
import { MoneyMoveReader } from '../../src/modules/turnover-fund/money-move-reader.js';
import { createTestApp, TestApp } from '../support/app.js';
import { buildWorld, World } from '../support/matchmaking.js';
import {
  applicationBody,
  enterpriseUser,
  insertApprovedApplications,
  turnoverClient,
} from '../support/turnover.js';

/** 1,000,000.00 yuan per use. */
const PRINCIPAL_FEN = 100_000_000n;
const ROUNDS = 10;

/**
 * Races through the real HTTP stack and PostgreSQL. The fund must never lose or invent a fen:
 * however many disbursements compete for its cash, and whatever a retry, a competing
 * cancellation or a killed connection does.
 */
describe('turnover fund under concurrency', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof turnoverClient>;

  beforeAll(async () => {
    // Hundreds of calls from one address within a minute: lift the per-address budget.
    testApp = await createTestApp({ THROTTLE_LIMIT: '100000' });
    world = await buildWorld(testApp);
    http = turnoverClient(testApp);
  });
  afterAll(async () => {
    await testApp.close();
  });

  const fundWithCashFor = async (uses: number): Promise<string> => {
    const fundId = await http.createFund(world.admin);
    await http.inject(world.admin, fundId, `${uses * 1_000_000}.00`);
    return fundId;
  };
  const approved = (fundId: string, count: number): Promise<string[]> =>
    insertApprovedApplications(testApp, {
      fundId,
      bankId: world.bank1.id,
      approverId: world.admin.id,
      count,
      principalFen: PRINCIPAL_FEN,
    });
  const disburse = (id: string, key: string = randomUUID()): Promise<Response> =>
    http.keyed(world.otherAdmin, `/turnover-applications/${id}/disburse`, {}, key);
  const counts = async (
    fundId: string,
  ): Promise<{ journals: number; audits: number; disbursed: number; notices: number }> => {
    const [row] = await testApp.dataSource.query<
      { journals: number; audits: number; disbursed: number; notices: number }[]
    >(
      `SELECT (SELECT count(*)::int FROM fund_journals
                WHERE fund_id = $1 AND kind = 'disbursement') AS journals,
              (SELECT count(*)::int FROM audit_events ae
                 JOIN turnover_applications a ON a.id::text = ae.entity_id
                WHERE a.fund_id = $1 AND ae.action = 'turnover_application.disbursed') AS audits,
              (SELECT count(*)::int FROM turnover_applications
                WHERE fund_id = $1 AND status = 'disbursed') AS disbursed,
              (SELECT count(DISTINCT n.entity_id)::int FROM notifications n
                 JOIN turnover_applications a ON a.id = n.entity_id
                WHERE a.fund_id = $1 AND n.kind = 'turnover.disbursed') AS notices`,
      [fundId],
    );
    return row;
  };
  const tally = (responses: Response[]): Record<string, number> => {
    const result: Record<string, number> = {};
    for (const response of responses) {
      const code = (response.body as { code?: string }).code;
      const label = code === undefined ? String(response.status) : `${response.status} ${code}`;
      result[label] = (result[label] ?? 0) + 1;
    }
    return result;
  };

  describe('over-subscription', () => {
    it.each([
      [37, 200],
      [37, 250],
      [5, 220],
    ])(
      'pays exactly %i of %i concurrent disbursements a fund has cash for; the rest 409, none 5xx',
      async (fits, calls) => {
        const fundId = await fundWithCashFor(fits);
        const ids = await approved(fundId, calls);
        const responses = await Promise.all(ids.map((id) => disburse(id)));
        expect(tally(responses)).toEqual({
          '200': fits,
          '409 INSUFFICIENT_FUND_BALANCE': calls - fits,
        });
        expect(await http.balances(world.admin, fundId)).toEqual({
          cash: '0.00',
          receivable: `${fits * 1_000_000}.00`,
          capital: `${fits * 1_000_000}.00`,
          feeIncome: '0.00',
          loss: '0.00',
        });
        expect(await http.reconcile(world.auditor, fundId)).toMatchObject({
          ok: true,
          journals: fits + 1,
        });
        expect(await counts(fundId)).toEqual({
          journals: fits,
          audits: fits,
          disbursed: fits,
          notices: fits,
        });
        // The winners are exactly the applications the 200s named; every loser is untouched.
        const winners = responses
          .filter((response) => response.status === 200)
          .map((response) => (response.body as { id: string }).id)
          .sort();
        const rows = await testApp.dataSource.query<{ id: string }[]>(
          `SELECT id FROM turnover_applications WHERE fund_id = $1 AND status = 'disbursed'
            ORDER BY id`,
          [fundId],
        );
        expect(rows.map((row) => row.id)).toEqual(winners);
        const [{ keys }] = await testApp.dataSource.query<{ keys: number }[]>(
          `SELECT count(*)::int AS keys FROM idempotency_keys
            WHERE scope = ANY($1::text[])`,
          [ids.map((id) => `turnover.disbursement:${id}`)],
        );
        expect(keys).toBe(fits);
      },
    );
  });

  describe('double disbursement', () => {
    it('answers 50 concurrent calls with one Idempotency-Key with one effect, replayed', async () => {
      const fundId = await fundWithCashFor(10);
      const [id] = await approved(fundId, 1);
      const key = randomUUID();
      const responses = await Promise.all(Array.from({ length: 50 }, () => disburse(id, key)));
      const labels = Object.keys(tally(responses));
      expect(
        labels.every((label) => ['200', '409 IDEMPOTENCY_REQUEST_IN_FLIGHT'].includes(label)),
      ).toBe(true);
      const successes = responses.filter((response) => response.status === 200);
      expect(successes.length).toBeGreaterThan(0);
      expect(new Set(successes.map((response) => response.text)).size).toBe(1);
      expect(await counts(fundId)).toEqual({ journals: 1, audits: 1, disbursed: 1, notices: 1 });
      expect(await http.balances(world.admin, fundId)).toMatchObject({
        cash: '9000000.00',
        receivable: '1000000.00',
      });
      // After the dust settles, the same key replays the very same answer.
      const replay = await disburse(id, key);
      expect(replay.status).toBe(200);
      expect(replay.text).toBe(successes[0].text);
    });

    it('answers 50 concurrent calls with 50 keys with one 200 and 49 × 409 INVALID_TRANSITION', async () => {
      const fundId = await fundWithCashFor(10);
      const [id] = await approved(fundId, 1);
      const responses = await Promise.all(Array.from({ length: 50 }, () => disburse(id)));
      expect(tally(responses)).toEqual({ '200': 1, '409 INVALID_TRANSITION': 49 });
      expect(
        responses
          .filter((response) => response.status === 409)
          .every(
            (response) =>
              (response.body as { currentStatus: string }).currentStatus === 'disbursed',
          ),
      ).toBe(true);
      expect(await counts(fundId)).toEqual({ journals: 1, audits: 1, disbursed: 1, notices: 1 });
      expect(await http.reconcile(world.admin, fundId)).toMatchObject({ ok: true });
    });

    it('ends a disbursement racing a cancellation either paid out or cancelled, never both', async () => {
      const fundId = await fundWithCashFor(ROUNDS);
      const ids = await approved(fundId, ROUNDS);
      const outcomes = new Set<string>();
      for (const id of ids) {
        const [payment, cancellation] = await Promise.all([
          disburse(id),
          http.act(world.admin, id, 'cancel'),
        ]);
        const [row] = await testApp.dataSource.query<{ status: string; journals: number }[]>(
          `SELECT status, (SELECT count(*)::int FROM fund_journals WHERE application_id = a.id)
                  AS journals
             FROM turnover_applications a WHERE id = $1`,
          [id],
        );
        if (row.status === 'disbursed') {
          expect([payment.status, cancellation.status]).toEqual([200, 409]);
          expect(cancellation.body).toMatchObject({ currentStatus: 'disbursed' });
          expect(row.journals).toBe(1);
        } else {
          expect(row.status).toBe('cancelled');
          expect([payment.status, cancellation.status]).toEqual([409, 200]);
          expect(payment.body).toMatchObject({ currentStatus: 'cancelled' });
          expect(row.journals).toBe(0);
        }
        outcomes.add(row.status);
      }
      const [{ paid }] = await testApp.dataSource.query<{ paid: number }[]>(
        `SELECT count(*)::int AS paid FROM turnover_applications
          WHERE fund_id = $1 AND status = 'disbursed'`,
        [fundId],
      );
      expect(await http.balances(world.admin, fundId)).toMatchObject({
        cash: `${(ROUNDS - paid) * 1_000_000}.00`,
        receivable: `${paid * 1_000_000}.00`,
      });
      expect(await http.reconcile(world.admin, fundId)).toMatchObject({ ok: true });
      expect(outcomes.size).toBeGreaterThan(0);
    });
  });

  it('reads the money moves of one turn in one statement, each answered its own row', async () => {
    const fundId = await fundWithCashFor(10);
    const [waiting, paid] = await approved(fundId, 2);
    const key = randomUUID();
    const payment = await disburse(paid, key);
    expect(payment.status).toBe(200);
    const reader = new MoneyMoveReader(testApp.dataSource);
    const query = jest.spyOn(pgPool(testApp.dataSource), 'query');
    try {
      const [absent, fresh, stored] = await Promise.all([
        reader.read(randomUUID(), world.otherAdmin.id, randomUUID()),
        reader.read(waiting, world.otherAdmin.id, randomUUID()),
        reader.read(paid, world.otherAdmin.id, key),
      ]);
      const reads = query.mock.calls.filter(
        ([config]) => (config as { name?: string }).name === 'turnover-money-move-reads',
      );
      expect(reads).toHaveLength(1);
      expect(absent).toMatchObject({ key_free_: true, key_fingerprint_: null, id: null });
      expect(fresh).toMatchObject({
        key_free_: true,
        key_fingerprint_: null,
        id: waiting,
        status: 'approved',
      });
      expect(typeof fresh.xmin_).toBe('string');
      // The key's stored answer, to be replayed byte for byte; the application as paid.
      expect(stored).toMatchObject({ key_status_: 200, key_response_: payment.text, id: paid });
      expect(stored.status).toBe('disbursed');
    } finally {
      query.mockRestore();
    }
  });

  it('refuses a money move that would set a column no money move sets (22023), before anything else', async () => {
    const fundId = await fundWithCashFor(1);
    const [id] = await approved(fundId, 1);
    const [{ xmin }] = await testApp.dataSource.query<{ xmin: string }[]>(
      'SELECT xmin::text AS xmin FROM turnover_applications WHERE id = $1',
      [id],
    );
    // Only the arguments read before the check matter: the rest may stay NULL.
    const parameters: unknown[] = Array.from({ length: 43 }, () => null);
    parameters[0] = world.otherAdmin.id;
    parameters[1] = randomUUID();
    parameters[6] = id;
    parameters[7] = xmin;
    parameters[8] = ['approved'];
    parameters[9] = 'disbursed';
    parameters[11] = JSON.stringify({ disbursed_on: '2026-01-05', approved_by: world.admin.id });
    await expect(
      testApp.dataSource.query(
        `SELECT * FROM turnover_money_move(${parameters.map((_, index) => `$${index + 1}`).join(', ')})`,
        parameters,
      ),
    ).rejects.toMatchObject({ code: '22023', message: 'a money move cannot set approved_by' });
    const [row] = await testApp.dataSource.query<{ status: string; disbursed_on: string | null }[]>(
      'SELECT status, disbursed_on FROM turnover_applications WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ status: 'approved', disbursed_on: null });
  });

  it('takes one of ten concurrent applications of one enterprise: the rest 409 TURNOVER_APPLICATION_OPEN', async () => {
    const fundId = await fundWithCashFor(1);
    const user = await enterpriseUser(testApp);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        http.post(user, '/turnover-applications', applicationBody(fundId, world.bank1.id)),
      ),
    );
    expect(tally(responses)).toEqual({ '201': 1, '409 TURNOVER_APPLICATION_OPEN': 9 });
    const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM turnover_applications WHERE enterprise_id = $1',
      [user.enterpriseId],
    );
    expect(count).toBe(1);
  });

  it('leaves no partial write when the disbursement’s connection is killed mid-transaction', async () => {
    const fundId = await fundWithCashFor(1);
    const [id] = await approved(fundId, 1);
    const before = await testApp.dataSource.query<Record<string, unknown>[]>(
      `SELECT to_jsonb(a) AS application, to_jsonb(f) AS fund,
              (SELECT count(*)::int FROM audit_events WHERE entity_id = a.id::text) AS audits,
              (SELECT count(*)::int FROM notifications WHERE entity_id = a.id) AS notices,
              (SELECT count(*)::int FROM fund_journals WHERE fund_id = f.id) AS journals
         FROM turnover_applications a JOIN turnover_funds f ON f.id = a.fund_id WHERE a.id = $1`,
      [id],
    );
    // Hold the fund's row so the disbursement stops at its posting, the last step of its one
    // statement (turnover_money_move), everything else (state move, audit row, notifications,
    // the key's answer) already written inside its transaction.
    const blocker = new pg.Client({ connectionString: testApp.database.url });
    await blocker.connect();
    const key = randomUUID();
    let pending: Promise<Response> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM turnover_funds WHERE id = $1 FOR UPDATE', [fundId]);
      pending = disburse(id, key);
      let pid: number | undefined;
      for (let attempt = 0; attempt < 500 && pid === undefined; attempt += 1) {
        const [waiting] = await testApp.dataSource.query<{ pid: number }[]>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE '%turnover_money_move%'`,
        );
        pid = waiting?.pid;
        if (pid === undefined) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      expect(pid).toBeDefined();
      const [{ audits }] = await testApp.dataSource.query<{ audits: number }[]>(
        `SELECT count(*)::int AS audits FROM audit_events WHERE entity_id = $1`,
        [id],
      );
      // Uncommitted work is invisible from here: nothing has leaked out early either.
      expect(audits).toBe((before[0] as { audits: number }).audits);
      await testApp.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const killed = await pending;
    expect(killed?.status).toBeGreaterThanOrEqual(500);
    const after = await testApp.dataSource.query<Record<string, unknown>[]>(
      `SELECT to_jsonb(a) AS application, to_jsonb(f) AS fund,
              (SELECT count(*)::int FROM audit_events WHERE entity_id = a.id::text) AS audits,
              (SELECT count(*)::int FROM notifications WHERE entity_id = a.id) AS notices,
              (SELECT count(*)::int FROM fund_journals WHERE fund_id = f.id) AS journals
         FROM turnover_applications a JOIN turnover_funds f ON f.id = a.fund_id WHERE a.id = $1`,
      [id],
    );
    expect(after).toEqual(before);
    const [{ keys }] = await testApp.dataSource.query<{ keys: number }[]>(
      'SELECT count(*)::int AS keys FROM idempotency_keys WHERE key = $1',
      [key],
    );
    expect(keys).toBe(0);
    // The key left nothing behind, so the client's retry with it is the first real attempt.
    const retry = await disburse(id, key);
    expect(retry.status).toBe(200);
    expect(await counts(fundId)).toEqual({ journals: 1, audits: 1, disbursed: 1, notices: 1 });
    expect(await http.reconcile(world.admin, fundId)).toMatchObject({ ok: true });
  });
});
