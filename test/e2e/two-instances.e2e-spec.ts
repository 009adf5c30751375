import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type { Response } from 'supertest';
import { createApp } from '../../src/app-setup.js';
import { Role } from '../../src/common/auth/role.js';
import { bearer, createTestApp, insertUser, login, TestApp } from '../support/app.js';
import { sleep } from '../support/child-app.js';
import { API, buildWorld, client, World } from '../support/matchmaking.js';
import { insertApprovedApplications, shanghaiDate, turnoverClient } from '../support/turnover.js';

const PRINCIPAL_FEN = 50_000_000n;
/** Cash for exactly this many uses; many more are attempted. */
const AFFORDABLE = 8;
const ATTEMPTS = 40;

/**
 * Two instances of the service on one database, each with its own pool, timers and HTTP server,
 * the money moves split between them concurrently: the fund's equation and balanced journals
 * hold, over-subscription is impossible, and the overdue sweep (whose timers run in both) marks
 * each use once.
 */
describe('two instances on one database', () => {
  let testApp: TestApp;
  let second: NestFastifyApplication;
  let world: World;
  let instances: ReturnType<typeof turnoverClient>[];

  beforeAll(async () => {
    testApp = await createTestApp({
      THROTTLE_LIMIT: '1000000',
      TURNOVER_OVERDUE_SWEEP_MS: '100',
    });
    second = await createApp({ environment: { ...testApp.environment } });
    await second.init();
    await second.getHttpAdapter().getInstance().ready();
    world = await buildWorld(testApp);
    instances = [
      turnoverClient(testApp),
      turnoverClient({ ...testApp, app: second, http: () => request(second.getHttpServer()) }),
    ];
  });
  afterAll(async () => {
    await second?.close();
    await testApp?.close();
  });

  const on = (index: number) => instances[index % 2];

  async function expectInvariants(fundId: string): Promise<void> {
    const [row] = await testApp.dataSource.query<
      { cash: string; receivable: string; capital: string; fee: string; loss: string }[]
    >(
      `SELECT cash_fen::text AS cash, receivable_fen::text AS receivable,
              capital_fen::text AS capital, fee_income_fen::text AS fee, loss_fen::text AS loss
         FROM turnover_funds WHERE id = $1`,
      [fundId],
    );
    const [cash, receivable, capital, fee, loss] = Object.values(row).map(BigInt);
    expect(cash + receivable).toBe(capital + fee - loss);
    expect(cash >= 0n && receivable >= 0n).toBe(true);
    const unbalanced = await testApp.dataSource.query(
      `SELECT journal_id FROM fund_journal_lines WHERE fund_id = $1 GROUP BY journal_id
       HAVING sum(CASE side WHEN 'debit' THEN amount_fen ELSE -amount_fen END) <> 0`,
      [fundId],
    );
    expect(unbalanced).toEqual([]);
    expect(await on(0).reconcile(world.admin, fundId)).toMatchObject({ ok: true });
    expect(await on(1).reconcile(world.admin, fundId)).toMatchObject({ ok: true });
  }

  const codes = (responses: Response[]) =>
    responses.map((response) =>
      response.status < 300 ? response.status : (response.body as { code: string }).code,
    );

  it('pays out exactly as many uses as the cash covers, whichever instance takes them', async () => {
    const fundId = await on(0).createFund(world.admin);
    await on(1).inject(world.admin, fundId, `${(PRINCIPAL_FEN * BigInt(AFFORDABLE)) / 100n}.00`);
    const ids = await insertApprovedApplications(testApp, {
      fundId,
      bankId: world.bank1.id,
      approverId: world.admin.id,
      count: ATTEMPTS,
      principalFen: PRINCIPAL_FEN,
    });
    const answers = await Promise.all(
      ids.map((id, index) =>
        on(index).keyed(world.otherAdmin, `/turnover-applications/${id}/disburse`),
      ),
    );
    const outcome = codes(answers);
    expect(outcome.filter((code) => code === 200)).toHaveLength(AFFORDABLE);
    expect(outcome.filter((code) => code !== 200)).toEqual(
      Array.from({ length: ATTEMPTS - AFFORDABLE }, () => 'INSUFFICIENT_FUND_BALANCE'),
    );
    expect((await on(0).balances(world.admin, fundId)).cash).toBe('0.00');
    await expectInvariants(fundId);

    // Capital returns: cash for exactly three of twenty, raced across both instances.
    await on(0).inject(world.admin, fundId, '3000.00');
    const returns = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        on(index).keyed(world.admin, `/turnover-funds/${fundId}/capital-returns`, {
          amount: '1000.00',
          note: '收回资本金',
        }),
      ),
    );
    const returned = codes(returns);
    expect(returned.filter((code) => code === 201)).toHaveLength(3);
    expect(returned.filter((code) => code !== 201)).toEqual(
      Array.from({ length: 17 }, () => 'INSUFFICIENT_FUND_BALANCE'),
    );
    await expectInvariants(fundId);
  });

  it('keeps the equation under mixed concurrent moves on both instances', async () => {
    const fundId = await on(0).createFund(world.admin);
    await on(0).inject(world.admin, fundId, '5000000.00');
    const ids = await insertApprovedApplications(testApp, {
      fundId,
      bankId: world.bank2.id,
      approverId: world.admin.id,
      count: 30,
      principalFen: PRINCIPAL_FEN,
    });
    // Ten uses can go out now; the rest wait for cash brought in or paid back meanwhile.
    const first = ids.slice(0, 10);
    await Promise.all(
      first.map((id, index) =>
        on(index).keyed(world.otherAdmin, `/turnover-applications/${id}/disburse`),
      ),
    );
    const moves: Promise<Response>[] = [
      ...first.map((id, index) =>
        on(index + 1).keyed(world.admin, `/turnover-applications/${id}/repay`, {
          repaidOn: shanghaiDate(),
        }),
      ),
      ...ids
        .slice(10)
        .map((id, index) =>
          on(index).keyed(world.otherAdmin, `/turnover-applications/${id}/disburse`),
        ),
      ...Array.from({ length: 10 }, (_, index) =>
        on(index).keyed(world.admin, `/turnover-funds/${fundId}/capital`, {
          amount: '250000.00',
          note: '追加资本金',
        }),
      ),
      ...Array.from({ length: 10 }, (_, index) =>
        on(index + 1).keyed(world.admin, `/turnover-funds/${fundId}/capital-returns`, {
          amount: '100000.00',
          note: '收回资本金',
        }),
      ),
    ];
    const answers = await Promise.all(moves);
    expect(answers.filter((response) => response.status >= 500)).toEqual([]);
    // Every refusal is the fund being short, never a conflict the client cannot act on.
    expect(
      codes(answers).filter(
        (code) => typeof code === 'string' && code !== 'INSUFFICIENT_FUND_BALANCE',
      ),
    ).toEqual([]);
    expect(answers.slice(0, 10).map((response) => response.status)).toEqual(first.map(() => 200));
    await expectInvariants(fundId);
  });

  it('refuses a user disabled or moved on one instance at the other instance’s next request', async () => {
    const staff = await insertUser(testApp.dataSource, {
      username: 'two-instances-officer',
      role: Role.BankOfficer,
      bankId: world.bank1.id,
    });
    const session = await login(testApp, staff.username);
    const onSecond = (path: string): Promise<Response> =>
      request(second.getHttpServer())
        .get(`${API}${path}`)
        .set(...bearer(session))
        .then((response) => response);
    const patchOnFirst = async (changes: Record<string, unknown>): Promise<void> => {
      const response = await testApp
        .http()
        .patch(`${API}/users/${staff.id}`)
        .set(...bearer(world.admin.session))
        .send(changes);
      expect(response.status).toBe(200);
    };
    const requestId = await client(testApp).file(world.userA);
    await client(testApp).dispatch(world.admin, requestId, world.bank1.id);
    // A burst in flight on the second instance, so its guard batches reads while the change lands.
    const burst = Promise.all(Array.from({ length: 30 }, () => onSecond('/auth/me')));
    expect((await onSecond(`/financing-requests/${requestId}`)).status).toBe(200);

    // Moved to another bank on the first instance: the second no longer shows bank 1's request.
    await patchOnFirst({ bankId: world.bank2.id });
    expect((await onSecond(`/financing-requests/${requestId}`)).status).toBe(404);
    await patchOnFirst({ bankId: world.bank1.id });
    expect((await onSecond(`/financing-requests/${requestId}`)).status).toBe(200);

    // Disabled on the first instance: out on the second at the very next request.
    await patchOnFirst({ disabled: true });
    const next = await onSecond('/auth/me');
    expect(next.status).toBe(401);
    expect((next.body as { code: string }).code).toBe('UNAUTHENTICATED');
    expect((await onSecond(`/financing-requests/${requestId}`)).status).toBe(401);
    expect((await burst).every((response) => [200, 401].includes(response.status))).toBe(true);
  });

  it('marks each use overdue once while both instances’ timers sweep', async () => {
    const fundId = await on(0).createFund(world.admin);
    await on(0).inject(world.admin, fundId, '10000000.00');
    const ids = await insertApprovedApplications(testApp, {
      fundId,
      bankId: world.bank1.id,
      approverId: world.admin.id,
      count: 12,
      principalFen: PRINCIPAL_FEN,
    });
    for (const [index, id] of ids.entries()) {
      expect(
        (await on(index).keyed(world.otherAdmin, `/turnover-applications/${id}/disburse`)).status,
      ).toBe(200);
    }
    // Due yesterday (Asia/Shanghai), by SQL rather than by waiting.
    await testApp.dataSource.query(
      `UPDATE turnover_applications SET due_on = $2::date WHERE id = ANY($1::uuid[])`,
      [ids, shanghaiDate(-1)],
    );
    const marked = async (): Promise<number> => {
      const [{ n }] = await testApp.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM turnover_applications
          WHERE id = ANY($1::uuid[]) AND status = 'overdue'`,
        [ids],
      );
      return n;
    };
    for (let attempt = 0; attempt < 600 && (await marked()) < ids.length; attempt += 1) {
      await sleep(100);
    }
    expect(await marked()).toBe(ids.length);
    // Both timers tick on (every 100 ms) for a while: nothing is marked or told twice.
    await sleep(1500);
    const audits = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE action = 'turnover_application.marked_overdue' AND entity_id = ANY($1::text[])
        GROUP BY entity_id`,
      [ids],
    );
    expect(audits).toHaveLength(ids.length);
    expect(audits.every((row) => row.n === 1)).toBe(true);
    const notices = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM notifications
        WHERE entity_id = ANY($1::uuid[]) AND title LIKE '%逾期%'
        GROUP BY entity_id, user_id`,
      [ids],
    );
    expect(notices.length).toBeGreaterThanOrEqual(ids.length);
    expect(notices.every((row) => row.n === 1)).toBe(true);
    // Six of ten million overdue passes the 40 % stop ratio: the center is told once.
    const stopped = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE action = 'turnover_fund.new_business_stopped' AND entity_id = $1`,
      [fundId],
    );
    expect(stopped).toEqual([{ n: 1 }]);
    const told = await testApp.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM notifications
        WHERE kind = 'turnover.new_business_stopped' AND entity_id = $1 GROUP BY user_id`,
      [fundId],
    );
    expect(told.length).toBeGreaterThan(0);
    expect(told.every((row) => row.n === 1)).toBe(true);
    await expectInvariants(fundId);
  });
});
