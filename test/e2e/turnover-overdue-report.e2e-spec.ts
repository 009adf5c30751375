import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response } from 'supertest';
import { createApp } from '../../src/app-setup.js';
import { Clock } from '../../src/common/clock.js';
import { OverdueSweep } from '../../src/modules/turnover-fund/overdue-sweep.service.js';
import { createTestApp, TestApp } from '../support/app.js';
import { buildWorld, Person, problem, World } from '../support/matchmaking.js';
import {
  applicationBody,
  applicationIn,
  enterpriseUser,
  shanghaiDate,
  turnoverClient,
} from '../support/turnover.js';

interface ApplicationView {
  id: string;
  status: string;
  repayment: { daysUsed: number; fee: string; savings: string } | null;
}

const later = (days: number): Date => new Date(Date.now() + days * 86_400_000);

/** 逾期 and 运行报告: the overdue sweep and the fund's report. */
describe('turnover fund: overdue sweep and report', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof turnoverClient>;

  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    http = turnoverClient(testApp);
  });
  afterAll(async () => {
    await testApp.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const sweep = (app: NestFastifyApplication = testApp.app): Promise<number> =>
    app.get(OverdueSweep).sweep();
  const at = (apps: NestFastifyApplication[], instant: Date): void => {
    for (const app of apps) {
      jest.spyOn(app.get(Clock), 'now').mockReturnValue(instant);
    }
  };
  const parties = (user: Person, fundId: string, bank = world.bank1) => ({
    fundId,
    user,
    bank,
    approver: world.admin,
    disburser: world.otherAdmin,
  });
  const statusOf = async (id: string): Promise<string> => {
    const [row] = await testApp.dataSource.query<{ status: string }[]>(
      'SELECT status FROM turnover_applications WHERE id = $1',
      [id],
    );
    return row.status;
  };
  const ok = async (pending: Promise<Response>): Promise<ApplicationView> => {
    const response = await pending;
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 200,
    });
    return response.body as ApplicationView;
  };

  describe('the overdue sweep', () => {
    it('marks disbursed and renewed uses past their due date overdue, once, audited and announced; the rest it leaves', async () => {
      const fundId = await http.createFund(world.admin);
      await http.inject(world.admin, fundId, '100000000.00');
      const disbursed = await applicationIn(
        testApp,
        'disbursed',
        parties(await enterpriseUser(testApp), fundId),
      );
      const renewed = await applicationIn(
        testApp,
        'renewed',
        parties(await enterpriseUser(testApp), fundId),
      );
      const approved = await applicationIn(
        testApp,
        'approved',
        parties(await enterpriseUser(testApp), fundId),
      );
      const repaid = await applicationIn(
        testApp,
        'repaid',
        parties(await enterpriseUser(testApp), fundId),
      );

      // Due in 5 days: not yet on the due date itself.
      at([testApp.app], later(5));
      expect(await sweep()).toBe(0);
      at([testApp.app], later(7));
      expect(await sweep()).toBe(2);
      expect(await sweep()).toBe(0);

      expect(await statusOf(disbursed)).toBe('overdue');
      expect(await statusOf(renewed)).toBe('overdue');
      expect(await statusOf(approved)).toBe('approved');
      expect(await statusOf(repaid)).toBe('repaid');
      const audits = await testApp.dataSource.query<{ entity_id: string; actor_role: string }[]>(
        `SELECT entity_id, actor_role FROM audit_events
          WHERE action = 'turnover_application.marked_overdue' ORDER BY entity_id`,
      );
      expect(audits).toEqual(
        [disbursed, renewed].sort().map((id) => ({ entity_id: id, actor_role: 'system' })),
      );
      const told = await testApp.dataSource.query<{ role: string }[]>(
        `SELECT DISTINCT u.role FROM notifications n JOIN users u ON u.id = n.user_id
          WHERE n.entity_id = $1 AND n.kind = 'turnover.marked_overdue' ORDER BY u.role`,
        [disbursed],
      );
      expect(told.map((row) => row.role)).toEqual([
        'admin',
        'bank_officer',
        'bank_president',
        'enterprise',
      ]);

      // Still repayable, with the days past the due date at the overdue rate.
      jest.restoreAllMocks();
      const view = await ok(
        http.keyed(world.admin, `/turnover-applications/${disbursed}/repay`, {
          repaidOn: shanghaiDate(),
        }),
      );
      expect(view.status).toBe('repaid');
      expect(await http.reconcile(world.admin, fundId)).toMatchObject({ ok: true });
    });

    it('tells the center once when overdue principal passes the stop ratio, and new business stops', async () => {
      // Capital 20,000,000: two uses of 9,500,000 overdue (47.5%) pass the 40% stop ratio.
      const fundId = await http.createFund(world.admin);
      await http.inject(world.admin, fundId, '20000000.00');
      const first = await applicationIn(
        testApp,
        'disbursed',
        parties(await enterpriseUser(testApp), fundId),
      );
      at([testApp.app], later(7));
      expect(await sweep()).toBe(1);
      // 9,500,000 of 20,000,000 is 47.5%: stopped already with one.
      jest.restoreAllMocks();
      const stopped = await testApp.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.user_id
          WHERE n.entity_id = $1 AND n.kind = 'turnover.new_business_stopped'`,
        [fundId],
      );
      const admins = await testApp.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL`,
      );
      expect(stopped[0].n).toBe(admins[0].n);
      const refused = await http.post(
        await enterpriseUser(testApp),
        '/turnover-applications',
        applicationBody(fundId, world.bank1.id),
      );
      expect(problem(refused)).toMatchObject({
        status: 409,
        code: 'TURNOVER_NEW_BUSINESS_STOPPED',
      });
      // A second sweep with nothing new to mark says nothing again.
      at([testApp.app], later(8));
      expect(await sweep()).toBe(0);
      const [{ audits }] = await testApp.dataSource.query<{ audits: number }[]>(
        `SELECT count(*)::int AS audits FROM audit_events
          WHERE action = 'turnover_fund.new_business_stopped' AND entity_id = $1`,
        [fundId],
      );
      expect(audits).toBe(1);
      expect(await statusOf(first)).toBe('overdue');
    });

    it('marks each use exactly once when two instances sweep at the same time', async () => {
      const second = await createApp({ environment: { ...testApp.environment } });
      await second.init();
      try {
        const fundId = await http.createFund(world.admin);
        await http.inject(world.admin, fundId, '500000000.00');
        const ids: string[] = [];
        for (let index = 0; index < 8; index += 1) {
          ids.push(
            await applicationIn(
              testApp,
              'disbursed',
              parties(await enterpriseUser(testApp), fundId),
            ),
          );
        }
        at([testApp.app, second], later(7));
        const counts = await Promise.all(
          [testApp.app, second, testApp.app, second].map((app) => sweep(app)),
        );
        expect(counts.reduce((sum, count) => sum + count, 0)).toBe(ids.length);
        const audits = await testApp.dataSource.query<{ entity_id: string; n: number }[]>(
          `SELECT entity_id, count(*)::int AS n FROM audit_events
            WHERE action = 'turnover_application.marked_overdue' AND entity_id = ANY($1::text[])
            GROUP BY entity_id`,
          [ids],
        );
        expect(audits).toHaveLength(ids.length);
        expect(audits.every((row) => row.n === 1)).toBe(true);
      } finally {
        await second.close();
      }
    });
  });

  describe('the report', () => {
    it('counts uses, enterprises, turnover, days, fees, savings, overdue and write-offs by bank and month', async () => {
      const fundId = await http.createFund(world.admin);
      await http.inject(world.admin, fundId, '500000000.00');
      const userA = await enterpriseUser(testApp);
      const repaidA = await applicationIn(testApp, 'repaid', parties(userA, fundId));
      const repaidB = await applicationIn(
        testApp,
        'repaid',
        parties(await enterpriseUser(testApp), fundId, world.bank2),
      );
      // The same enterprise again, after its first use closed: one enterprise, two uses.
      const againA = await applicationIn(testApp, 'disbursed', parties(userA, fundId));
      const lost = await applicationIn(
        testApp,
        'written_off',
        parties(await enterpriseUser(testApp), fundId),
      );
      await applicationIn(
        testApp,
        'renewed_without_bridge',
        parties(await enterpriseUser(testApp), fundId),
      );
      await applicationIn(testApp, 'approved', parties(await enterpriseUser(testApp), fundId));

      const views = await Promise.all(
        [repaidA, repaidB].map(
          async (id) =>
            (await http.get(world.admin, `/turnover-applications/${id}`)).body as ApplicationView,
        ),
      );
      const fees = views.reduce(
        (sum, view) => sum + BigInt(view.repayment!.fee.replace('.', '')),
        0n,
      );
      const savings = views.reduce(
        (sum, view) => sum + BigInt(view.repayment!.savings.replace('.', '')),
        0n,
      );
      const yuan = (fen: bigint): string => `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;

      const today = shanghaiDate();
      const tomorrow = shanghaiDate(1);
      const response = await http.get(
        world.auditor,
        `/turnover-funds/${fundId}/report?from=${today}&to=${tomorrow}`,
      );
      expect(response.status).toBe(200);
      const report = response.body as {
        total: Record<string, unknown>;
        byBank: (Record<string, unknown> & { key: string })[];
        byMonth: Record<string, unknown>[];
      };
      expect(report.total).toEqual({
        uses: 4,
        enterprises: 3,
        turnover: '38000000.00',
        averageDays: '1.0',
        repayments: 2,
        feeIncome: yuan(fees),
        savings: yuan(savings),
        overdue: 1,
        overduePrincipal: '9500000.00',
        writtenOffPrincipal: '9500000.00',
        renewedWithoutBridge: 1,
      });
      const bank2 = report.byBank.find((row) => row.key === world.bank2.id);
      expect(bank2).toMatchObject({
        uses: 1,
        enterprises: 1,
        turnover: '9500000.00',
        repayments: 1,
      });
      expect(report.byBank.find((row) => row.key === world.bank1.id)).toMatchObject({
        uses: 3,
        enterprises: 2,
      });
      expect(report.byMonth).toEqual([
        expect.objectContaining({ key: today.slice(0, 7), uses: 4 }),
      ]);
      expect(againA).toBeDefined();
      expect(lost).toBeDefined();

      const csv = await http
        .get(world.admin, `/turnover-funds/${fundId}/report?from=${today}&to=${tomorrow}`)
        .set('accept', 'text/csv');
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text.startsWith('\uFEFF分组,名称,转贷笔数')).toBe(true);
      expect(csv.text).toContain(
        `合计,,4,3,38000000.00,1.0,2,${yuan(fees)},${yuan(savings)},1,9500000.00,9500000.00,1`,
      );

      const before = await http.get(
        world.admin,
        `/turnover-funds/${fundId}/report?from=2020-01-01&to=2020-02-01`,
      );
      expect((before.body as { total: { uses: number } }).total.uses).toBe(0);
      const backwards = await http.get(
        world.admin,
        `/turnover-funds/${fundId}/report?from=${tomorrow}&to=${today}`,
      );
      expect(problem(backwards)).toMatchObject({ status: 400, fields: ['to'] });
      for (const who of [world.bank1.officer, world.userA]) {
        expect(
          (await http.get(who, `/turnover-funds/${fundId}/report?from=${today}&to=${tomorrow}`))
            .status,
        ).toBe(403);
      }
      const absent = await http.get(
        world.admin,
        `/turnover-funds/00000000-0000-4000-8000-000000000000/report?from=${today}&to=${tomorrow}`,
      );
      expect(absent.status).toBe(404);
    });
  });
});
