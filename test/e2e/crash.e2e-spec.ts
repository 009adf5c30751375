import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Role } from '../../src/common/auth/role.js';
import { insertBank, insertUser } from '../support/app.js';
import {
  call,
  Call,
  ChildApp,
  freePort,
  loginAt,
  sleep,
  sqlOn,
  startChildApp,
  stopChildApp,
} from '../support/child-app.js';
import { createTestDatabase, TestDatabase } from '../support/database.js';
import { fundBody, insertApprovedApplications, shanghaiDate } from '../support/turnover.js';

/** Uses paid out in the burst, uses repaid in it, capital injections in it (CRASH_SCALE multiplies). */
const SCALE = Number(process.env.CRASH_SCALE ?? '1');
const DISBURSEMENTS = 60 * SCALE;
const REPAYMENTS = 30 * SCALE;
const INJECTIONS = 10 * SCALE;
/** The process is killed once this share of the burst has been answered. */
const KILL_AFTER = Math.floor((DISBURSEMENTS + REPAYMENTS + INJECTIONS) * 0.35);
const CONCURRENCY = 12;
const PRINCIPAL_FEN = 50_000_000n;
const INITIAL_CAPITAL = '100000000.00';

interface Operation {
  who: 'admin' | 'otherAdmin';
  path: string;
  body: Record<string, unknown>;
  key: string;
  kind: 'disbursement' | 'repayment' | 'capital_injection';
  applicationId?: string;
  /** The answer before the crash, if one arrived. */
  first?: Call;
  /** Why no answer arrived (connection reset mid-request, or refused after the kill). */
  lost?: string;
}

const fen = (yuan: string): bigint => BigInt(yuan.replace('.', ''));

/**
 * `kill -9` in the middle of a burst of money moves on the real built service: after a restart
 * the ledger reconciles, the audit chain verifies, and retrying every request of the burst with
 * its original Idempotency-Key and body yields each effect exactly once — whether the request
 * had committed, was cut off mid-transaction, or had never reached the server.
 */
describe('a crash in the middle of a burst of money moves', () => {
  let database: TestDatabase;
  let sql: ReturnType<typeof sqlOn>;
  let running: ChildApp | undefined;
  const users = { admin: '', otherAdmin: '' };
  const tokens = { admin: '', otherAdmin: '' };

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = sqlOn(database.url);
    for (const name of ['admin', 'otherAdmin'] as const) {
      const user = await insertUser(sql.dataSource, {
        username: `crash-${name}-${randomUUID().slice(0, 8)}`,
        role: Role.Admin,
      });
      users[name] = user.username;
    }
  });
  afterAll(async () => {
    await stopChildApp(running);
    await sql?.end();
    await database?.drop();
  });

  async function start(): Promise<ChildApp> {
    running = await startChildApp(database.url, await freePort(), {
      THROTTLE_LIMIT: '1000000',
      AUDIT_SEAL_INTERVAL_MS: '200',
    });
    tokens.admin = await loginAt(running.base, users.admin);
    tokens.otherAdmin = await loginAt(running.base, users.otherAdmin);
    return running;
  }

  const send = (app: ChildApp, operation: Operation): Promise<Call> =>
    call(app.base, 'POST', operation.path, {
      token: tokens[operation.who],
      body: operation.body,
      key: operation.key,
    });

  it('reconciles, verifies and replays every request exactly once after kill -9', async () => {
    let app = await start();
    const created = await call(app.base, 'POST', '/turnover-funds', {
      token: tokens.admin,
      body: fundBody(),
    });
    expect(created.status).toBe(201);
    const fundId = (created.body as { id: string }).id;
    const seeded = await call(app.base, 'POST', `/turnover-funds/${fundId}/capital`, {
      token: tokens.admin,
      body: { amount: INITIAL_CAPITAL, note: '财政拨付资本金' },
      key: randomUUID(),
    });
    expect(seeded.status).toBe(201);
    const [{ id: adminId }] = await sql.dataSource.query<{ id: string }[]>(
      'SELECT id FROM users WHERE username = $1',
      [users.admin],
    );
    const approved = await insertApprovedApplications(
      { dataSource: sql.dataSource },
      {
        fundId,
        bankId: await insertBank(sql.dataSource, `崩溃演练银行-${randomUUID().slice(0, 8)}`),
        approverId: adminId,
        count: DISBURSEMENTS + REPAYMENTS,
        principalFen: PRINCIPAL_FEN,
      },
    );
    // The uses to be repaid in the burst are paid out first.
    const toRepay = approved.slice(0, REPAYMENTS);
    for (const id of toRepay) {
      const paid = await call(app.base, 'POST', `/turnover-applications/${id}/disburse`, {
        token: tokens.otherAdmin,
        key: randomUUID(),
        body: {},
      });
      expect(paid.status).toBe(200);
    }

    const operations: Operation[] = [
      ...approved.slice(REPAYMENTS).map((id): Operation => ({
        who: 'otherAdmin',
        path: `/turnover-applications/${id}/disburse`,
        body: {},
        key: randomUUID(),
        kind: 'disbursement',
        applicationId: id,
      })),
      ...toRepay.map((id): Operation => ({
        who: 'admin',
        path: `/turnover-applications/${id}/repay`,
        body: { repaidOn: shanghaiDate() },
        key: randomUUID(),
        kind: 'repayment',
        applicationId: id,
      })),
      ...Array.from({ length: INJECTIONS }, (_, index): Operation => ({
        who: 'admin',
        path: `/turnover-funds/${fundId}/capital`,
        body: { amount: `${1000 + index}.${String(index % 100).padStart(2, '0')}`, note: '追加' },
        key: randomUUID(),
        kind: 'capital_injection',
      })),
    ];
    for (let index = operations.length - 1; index > 0; index -= 1) {
      const other = Math.floor(Math.random() * (index + 1));
      [operations[index], operations[other]] = [operations[other], operations[index]];
    }

    // The burst: workers send until the process is killed, while other requests are on the
    // wire. The kill comes as soon as a watcher sees a request committed whose answer has not
    // arrived yet (the hardest case: the effect happened, the client never heard), or at the
    // latest once KILL_AFTER answers are in.
    let next = 0;
    let answered = 0;
    let killed = false;
    const crashed = app;
    const inFlight = new Set<Operation>();
    const kill = () => {
      if (!killed) {
        killed = true;
        crashed.child.kill('SIGKILL');
      }
    };
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (!killed && next < operations.length) {
        const operation = operations[next];
        next += 1;
        inFlight.add(operation);
        try {
          const answer = await send(crashed, operation);
          if (!killed) {
            operation.first = answer;
          }
          answered += 1;
          if (answered >= KILL_AFTER) {
            kill();
          }
        } catch (error) {
          operation.lost = String((error as { cause?: unknown }).cause ?? error);
        } finally {
          inFlight.delete(operation);
        }
      }
    });
    const watcher = (async () => {
      while (!killed) {
        const keys = [...inFlight].map((operation) => operation.key);
        if (answered >= KILL_AFTER / 3 && keys.length > 0) {
          const committed = await sql.dataSource.query(
            'SELECT 1 FROM idempotency_keys WHERE key = ANY($1::text[]) LIMIT 1',
            [keys],
          );
          if (committed.length > 0) {
            kill();
          }
        } else {
          await sleep(5);
        }
      }
    })();
    await Promise.all([...workers, watcher]);
    expect(await crashed.exited).toBeNull();
    expect(crashed.child.signalCode).toBe('SIGKILL');

    const before = operations.filter((operation) => operation.first !== undefined);
    const cutOff = operations.filter((operation) => operation.lost !== undefined);
    const unsent = operations.filter(
      (operation) => operation.first === undefined && operation.lost === undefined,
    );
    process.stdout.write(
      `crash: ${before.length} answered before kill -9, ${cutOff.length} cut off in flight, ` +
        `${unsent.length} never sent\n`,
    );
    // The kill really came mid-burst: some requests had been answered, some had not.
    expect(before.length).toBeGreaterThan(0);
    expect(cutOff.length + unsent.length).toBeGreaterThan(0);
    expect(before.map((operation) => operation.first!.status).filter((s) => s >= 300)).toEqual([]);

    // How many unanswered requests had committed before the kill (their answer was lost).
    const [{ committed }] = await sql.dataSource.query<{ committed: number }[]>(
      'SELECT count(*)::int AS committed FROM idempotency_keys WHERE key = ANY($1::text[])',
      [operations.filter((operation) => operation.first === undefined).map((o) => o.key)],
    );
    process.stdout.write(`crash: ${committed} unanswered requests had committed\n`);

    app = await start();

    // Every request again, with its key and body. A backend of the killed process may still
    // hold its key's lock for a moment: 409 IDEMPOTENCY_REQUEST_IN_FLIGHT means "retry soon".
    const retry = async (operation: Operation): Promise<Call> => {
      for (let attempt = 0; ; attempt += 1) {
        const answer = await send(app, operation);
        const inFlight =
          answer.status === 409 &&
          (answer.body as { code?: string }).code === 'IDEMPOTENCY_REQUEST_IN_FLIGHT';
        if (!inFlight || attempt >= 100) {
          return answer;
        }
        await sleep(200);
      }
    };
    const replays: Call[] = [];
    for (let index = 0; index < operations.length; index += CONCURRENCY) {
      replays.push(...(await Promise.all(operations.slice(index, index + CONCURRENCY).map(retry))));
    }
    operations.forEach((operation, index) => {
      const replay = replays[index];
      expect({ path: operation.path, status: replay.status }).toEqual({
        path: operation.path,
        status: operation.kind === 'capital_injection' ? 201 : 200,
      });
      if (operation.first !== undefined) {
        // A committed request answers exactly as it did before the crash.
        expect(replay.text).toBe(operation.first.text);
      }
    });

    // Each effect exactly once: one journal per use and kind, one audit row per move.
    const perApplication = await sql.dataSource.query<
      { application_id: string; kind: string; n: number }[]
    >(
      `SELECT application_id, kind, count(*)::int AS n FROM fund_journals
        WHERE fund_id = $1 AND application_id IS NOT NULL GROUP BY application_id, kind`,
      [fundId],
    );
    const disbursedOnce = perApplication.filter((row) => row.kind === 'disbursement');
    const repaidOnce = perApplication.filter((row) => row.kind === 'repayment');
    expect(disbursedOnce).toHaveLength(DISBURSEMENTS + REPAYMENTS);
    expect(repaidOnce.map((row) => row.application_id).sort()).toEqual([...toRepay].sort());
    expect(perApplication.every((row) => row.n === 1)).toBe(true);
    const audits = await sql.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE entity_id = ANY($1::text[])
          AND action IN ('turnover_application.disbursed', 'turnover_application.repaid')
        GROUP BY entity_id, action`,
      [approved],
    );
    expect(audits).toHaveLength(DISBURSEMENTS + 2 * REPAYMENTS);
    expect(audits.every((row) => row.n === 1)).toBe(true);
    const statuses = await sql.dataSource.query<{ status: string; n: number }[]>(
      `SELECT status, count(*)::int AS n FROM turnover_applications
        WHERE fund_id = $1 GROUP BY status ORDER BY status`,
      [fundId],
    );
    expect(statuses).toEqual([
      { status: 'disbursed', n: DISBURSEMENTS },
      { status: 'repaid', n: REPAYMENTS },
    ]);
    const [{ injections }] = await sql.dataSource.query<{ injections: number }[]>(
      `SELECT count(*)::int AS injections FROM fund_journals
        WHERE fund_id = $1 AND kind = 'capital_injection'`,
      [fundId],
    );
    expect(injections).toBe(1 + INJECTIONS);

    // The balances are what the burst adds up to, computed from the requests and the fees.
    const [{ fees }] = await sql.dataSource.query<{ fees: string }[]>(
      `SELECT COALESCE(sum(fee_fen), 0)::text AS fees FROM turnover_applications
        WHERE fund_id = $1 AND status = 'repaid'`,
      [fundId],
    );
    const capital = operations
      .filter((operation) => operation.kind === 'capital_injection')
      .reduce((sum, operation) => sum + fen(operation.body.amount as string), fen(INITIAL_CAPITAL));
    const receivable = BigInt(DISBURSEMENTS) * PRINCIPAL_FEN;
    const view = await call(app.base, 'GET', `/turnover-funds/${fundId}`, { token: tokens.admin });
    const balances = (view.body as { balances: Record<string, string> }).balances;
    expect({
      capital: fen(balances.capital),
      receivable: fen(balances.receivable),
      feeIncome: fen(balances.feeIncome),
      cash: fen(balances.cash),
    }).toEqual({
      capital,
      receivable,
      feeIncome: BigInt(fees),
      cash: capital + BigInt(fees) - receivable,
    });

    const reconciled = await call(app.base, 'GET', `/turnover-funds/${fundId}/reconcile`, {
      token: tokens.admin,
    });
    expect(reconciled.body).toMatchObject({ ok: true });

    // The restarted instance seals what the killed one committed; the chain verifies whole.
    let verification: { ok: boolean; checked: number; unsealed: number } | undefined;
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const answer = await call(app.base, 'GET', '/audit-events/verify', { token: tokens.admin });
      expect(answer.status).toBe(200);
      verification = answer.body as typeof verification;
      if (verification!.unsealed === 0) {
        break;
      }
      await sleep(200);
    }
    expect(verification).toMatchObject({ ok: true, unsealed: 0 });
    expect(verification!.checked).toBeGreaterThanOrEqual(DISBURSEMENTS + 2 * REPAYMENTS);

    // And once more: nothing moves.
    const [{ journals }] = await sql.dataSource.query<{ journals: number }[]>(
      'SELECT count(*)::int AS journals FROM fund_journals WHERE fund_id = $1',
      [fundId],
    );
    for (const operation of operations.slice(0, 20)) {
      expect((await send(app, operation)).status).toBeLessThan(300);
    }
    expect(
      await sql.dataSource.query(
        'SELECT count(*)::int AS journals FROM fund_journals WHERE fund_id = $1',
        [fundId],
      ),
    ).toEqual([{ journals }]);
  }, 300_000);
});
