import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { Clock } from '../../src/common/clock.js';
import {
  APPLICATION_STATUSES,
  APPLICATION_TRANSITIONS,
  type ApplicationAction,
} from '../../src/modules/turnover-fund/lifecycle.js';
import { TurnoverApplicationEntity } from '../../src/modules/turnover-fund/turnover-application.entity.js';
import { createTestApp, TestApp } from '../support/app.js';
import { buildWorld, Person, problem, World } from '../support/matchmaking.js';
import {
  applicationBody,
  applicationIn,
  COMMITMENT,
  enterpriseUser,
  shanghaiDate,
  TODAY_RENEWAL,
  turnoverClient,
} from '../support/turnover.js';

interface ApplicationBody {
  id: string;
  status: string;
  route: string | null;
  terms: { version: number; tier1DailyRate: string } | null;
  disbursement: { disbursedOn: string; dueOn: string } | null;
  repayment: { daysUsed: number; overdueDays: number; fee: string; savings: string } | null;
  documents?: { kind: string }[];
  timeline?: { action: string; fromStatus: string | null; toStatus: string }[];
}

/** 转贷申请 end to end: the whole path, each rule, each illegal move, four eyes, tenancy. */
describe('turnover applications', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof turnoverClient>;
  let fundId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    http = turnoverClient(testApp);
    fundId = await http.createFund(world.admin);
    await http.inject(world.admin, fundId, '500000000.00');
  });
  afterAll(async () => {
    await testApp.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const at = (instant: string): void => {
    jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(new Date(instant));
  };
  const parties = (user: Person, fund = fundId) => ({
    fundId: fund,
    user,
    bank: world.bank1,
    approver: world.admin,
    disburser: world.otherAdmin,
  });
  const ok = async (pending: Promise<Response>): Promise<ApplicationBody> => {
    const response = await pending;
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 200,
    });
    return response.body as ApplicationBody;
  };
  const notified = async (applicationId: string, kind: string): Promise<string[]> => {
    const rows = await testApp.dataSource.query<{ role: string }[]>(
      `SELECT DISTINCT u.role FROM notifications n JOIN users u ON u.id = n.user_id
        WHERE n.entity_id = $1 AND n.kind = $2 ORDER BY u.role`,
      [applicationId, kind],
    );
    return rows.map((row) => row.role);
  };
  /** Everything a refused call must leave as it was. */
  const snapshot = async (applicationId: string): Promise<unknown> => {
    const [row] = await testApp.dataSource.query<Record<string, unknown>[]>(
      `SELECT to_jsonb(a) AS application, to_jsonb(f) AS fund,
              (SELECT count(*)::int FROM audit_events WHERE entity_id = a.id::text) AS audits,
              (SELECT count(*)::int FROM notifications WHERE entity_id = a.id) AS notifications,
              (SELECT count(*)::int FROM fund_journals WHERE application_id = a.id) AS journals,
              (SELECT count(*)::int FROM idempotency_keys) AS keys
         FROM turnover_applications a JOIN turnover_funds f ON f.id = a.fund_id
        WHERE a.id = $1`,
      [applicationId],
    );
    return row;
  };

  describe('the whole path over HTTP', () => {
    it('goes submitted → bank_committed → approved → disbursed → renewed → repaid with the three roles, booking fee and savings', async () => {
      const fund = await http.createFund(world.admin);
      await http.inject(world.admin, fund, '50000000.00');
      at('2027-03-01T02:00:00Z');
      const submitted = await http.post(
        world.userA,
        '/turnover-applications',
        applicationBody(fund, world.bank1.id, {
          days: 10,
          maturingLoan: {
            contractNo: 'JLB-2026-0301',
            amount: '10000000.00',
            maturityDate: '2027-03-03',
            kind: 'working_capital',
          },
        }),
      );
      expect(submitted.status).toBe(201);
      const id = (submitted.body as ApplicationBody).id;
      expect(submitted.body).toMatchObject({
        status: 'submitted',
        open: true,
        route: null,
        amount: '9500000.00',
        bankName: '吉林银行通化分行',
        maturingLoan: { contractNo: 'JLB-2026-0301', maturityDate: '2027-03-03' },
      });
      expect(await notified(id, 'turnover.submitted')).toEqual([
        'admin',
        'bank_officer',
        'bank_president',
      ]);

      expect(await ok(http.act(world.bank1.officer, id, 'bank-commit', COMMITMENT))).toMatchObject({
        status: 'bank_committed',
        route: 'bridge',
        commitment: { committedAmount: '10000000.00', renewalTermMonths: 12 },
      });
      expect(await notified(id, 'turnover.bank_committed')).toEqual(['admin', 'enterprise']);

      expect(await ok(http.act(world.admin, id, 'approve'))).toMatchObject({
        status: 'approved',
        terms: {
          version: 1,
          tier1DailyRate: '0.0002',
          tier2DailyRate: '0.0004',
          dayCount: 'calendar',
        },
        approval: { by: world.admin.id },
      });

      const disbursed = await ok(
        http.keyed(world.otherAdmin, `/turnover-applications/${id}/disburse`),
      );
      expect(disbursed).toMatchObject({
        status: 'disbursed',
        disbursement: { disbursedOn: '2027-03-01', dueOn: '2027-03-11' },
      });
      expect(await http.balances(world.admin, fund)).toMatchObject({
        cash: '40500000.00',
        receivable: '9500000.00',
      });
      expect(await notified(id, 'turnover.disbursed')).toEqual([
        'bank_officer',
        'bank_president',
        'enterprise',
      ]);

      at('2027-03-04T02:00:00Z');
      expect(
        await ok(
          http.act(world.bank1.president, id, 'renewal', {
            newContractNo: 'JLB-2027-0304',
            amount: '10000000.00',
            renewedOn: '2027-03-04',
          }),
        ),
      ).toMatchObject({
        status: 'renewed',
        renewal: { newContractNo: 'JLB-2027-0304', renewedOn: '2027-03-04' },
      });

      // Six days used of ten: days 1–5 at 0.02%, day 6 at 0.04%.
      at('2027-03-07T02:00:00Z');
      const repaid = await ok(
        http.keyed(world.admin, `/turnover-applications/${id}/repay`, { repaidOn: '2027-03-07' }),
      );
      expect(repaid).toMatchObject({
        status: 'repaid',
        open: false,
        repayment: { daysUsed: 6, overdueDays: 0, fee: '13300.00', savings: '214700.00' },
      });
      expect(await http.balances(world.admin, fund)).toEqual({
        cash: '50013300.00',
        receivable: '0.00',
        capital: '50000000.00',
        feeIncome: '13300.00',
        loss: '0.00',
      });
      expect(await http.reconcile(world.auditor, fund)).toMatchObject({ ok: true });

      const ledger = await http.get(
        world.auditor,
        `/turnover-funds/${fund}/ledger?applicationId=${id}`,
      );
      expect((ledger.body as { items: unknown[] }).items).toMatchObject([
        {
          kind: 'disbursement',
          lines: [
            { account: 'receivable', side: 'debit', amount: '9500000.00' },
            { account: 'cash', side: 'credit', amount: '9500000.00' },
          ],
        },
        {
          kind: 'repayment',
          lines: [
            { account: 'cash', side: 'debit', amount: '9513300.00' },
            { account: 'receivable', side: 'credit', amount: '9500000.00' },
            { account: 'fee_income', side: 'credit', amount: '13300.00' },
          ],
        },
      ]);

      const detail = await http.get(world.userA, `/turnover-applications/${id}`);
      expect(detail.status).toBe(200);
      const body = detail.body as ApplicationBody;
      expect(body.documents?.map((document) => document.kind)).toEqual([
        'maturing_loan_contract',
        'business_licence',
      ]);
      expect(
        body.timeline?.map((entry) => [entry.action, entry.fromStatus, entry.toStatus]),
      ).toEqual([
        ['turnover_application.submitted', null, 'submitted'],
        ['turnover_application.bank_committed', 'submitted', 'bank_committed'],
        ['turnover_application.approved', 'bank_committed', 'approved'],
        ['turnover_application.disbursed', 'approved', 'disbursed'],
        ['turnover_application.renewed', 'disbursed', 'renewed'],
        ['turnover_application.repaid', 'renewed', 'repaid'],
      ]);
      const seenByBank = await http.get(world.bank1.officer, `/turnover-applications/${id}`);
      expect(seenByBank.status).toBe(200);
    });

    it('writes exactly what it answers: the stored row, the audit row and a replay agree with each money move', async () => {
      /** The application as TypeORM reads it, in the JSON an audit row holds. */
      const stored = async (id: string): Promise<Record<string, unknown>> => {
        const entity = await testApp.dataSource
          .getRepository(TurnoverApplicationEntity)
          .findOneByOrFail({ id });
        return JSON.parse(
          JSON.stringify(entity, (_key, value: unknown) =>
            typeof value === 'bigint' ? value.toString() : value,
          ),
        ) as Record<string, unknown>;
      };
      const audited = async (id: string, action: string) => {
        const [row] = await testApp.dataSource.query<
          { before: unknown; after: Record<string, unknown>; journal: string }[]
        >(
          `SELECT ae.before, ae.after,
                  (SELECT j.id::text FROM fund_journals j
                    WHERE j.application_id = $1::uuid AND j.id::text = ae.after->>'journalId')
                    AS journal
             FROM audit_events ae WHERE ae.entity_id = $1::text AND ae.action = $2`,
          [id, action],
        );
        return row;
      };
      const move = async (
        id: string,
        path: string,
        action: string,
        body: Record<string, unknown> = {},
      ): Promise<void> => {
        const before = await stored(id);
        const key = randomUUID();
        const response = await http.keyed(world.otherAdmin, path, body, key);
        expect(response.status).toBe(200);
        const detail = await http.get(world.admin, `/turnover-applications/${id}`);
        expect(detail.body).toMatchObject(response.body as object);
        const { journalId, ...after } = (await audited(id, action)).after;
        expect((await audited(id, action)).before).toEqual(before);
        expect(after).toEqual(await stored(id));
        expect((await audited(id, action)).journal).toBe(journalId);
        const replay = await http.keyed(world.otherAdmin, path, body, key);
        expect(replay.text).toBe(response.text);
        // A retry whose read came before the first request's commit finds the answer in the
        // move itself, and changes nothing.
        const [raced] = await testApp.dataSource.query<Record<string, unknown>[]>(
          `SELECT * FROM turnover_money_move($1, $2${', NULL'.repeat(41)})`,
          [world.otherAdmin.id, key],
        );
        expect(raced).toEqual({
          replayed: true,
          stored_fingerprint: expect.any(String),
          stored_status: 200,
          stored_response: response.text,
        });
      };

      const id = await applicationIn(testApp, 'approved', parties(await enterpriseUser(testApp)));
      await move(id, `/turnover-applications/${id}/disburse`, 'turnover_application.disbursed');
      await move(id, `/turnover-applications/${id}/repay`, 'turnover_application.repaid', {
        repaidOn: shanghaiDate(),
      });
      const overdue = await applicationIn(
        testApp,
        'overdue',
        parties(await enterpriseUser(testApp)),
      );
      await move(
        overdue,
        `/turnover-applications/${overdue}/write-off`,
        'turnover_application.written_off',
        { reason: '企业破产清算' },
      );
      expect(await http.reconcile(world.auditor, fundId)).toMatchObject({ ok: true });
    });

    it('counts working days over a weekend and a holiday on a working-day fund, overdue days at the overdue rate', async () => {
      const fund = await http.createFund(world.admin, { dayCount: 'working' });
      await http.inject(world.admin, fund, '5000000.00');
      await testApp.dataSource.query(
        `INSERT INTO calendar_days (day, kind, name) VALUES ('2027-03-08', 'holiday', '测试假日')`,
      );
      try {
        const user = await enterpriseUser(testApp);
        at('2027-03-05T02:00:00Z'); // Friday
        const id = await applicationIn(testApp, 'approved', parties(user, fund), {
          amount: '1000000.00',
          days: 3,
          maturingLoan: {
            contractNo: 'W-1',
            amount: '2000000.00',
            maturityDate: '2027-03-06',
            kind: 'working_capital',
          },
        });
        const disbursed = await ok(
          http.keyed(world.otherAdmin, `/turnover-applications/${id}/disburse`),
        );
        // Sat, Sun and the Monday holiday are skipped: Tue, Wed, Thu.
        expect(disbursed.disbursement).toEqual(
          expect.objectContaining({ disbursedOn: '2027-03-05', dueOn: '2027-03-11' }),
        );
        at('2027-03-12T02:00:00Z');
        const repaid = await ok(
          http.keyed(world.admin, `/turnover-applications/${id}/repay`, { repaidOn: '2027-03-12' }),
        );
        // Tue–Fri: 4 working days, the 4th one overdue: 1,000,000 × (3 × 0.0002 + 0.0008).
        expect(repaid.repayment).toEqual(
          expect.objectContaining({
            daysUsed: 4,
            overdueDays: 1,
            fee: '1400.00',
            savings: '14600.00',
          }),
        );
      } finally {
        await testApp.dataSource.query(`DELETE FROM calendar_days WHERE day = '2027-03-08'`);
      }
    });

    it('applies a settings change only to applications approved after it', async () => {
      const fund = await http.createFund(world.admin);
      await http.inject(world.admin, fund, '50000000.00');
      const early = await applicationIn(
        testApp,
        'approved',
        parties(await enterpriseUser(testApp), fund),
      );
      const late = await applicationIn(
        testApp,
        'bank_committed',
        parties(await enterpriseUser(testApp), fund),
      );
      const patched = await http.patch(world.admin, `/turnover-funds/${fund}`, {
        tier1DailyRate: '0.0003',
      });
      expect(patched.status).toBe(200);
      const approvedLate = await ok(http.act(world.admin, late, 'approve'));
      expect(approvedLate.terms).toMatchObject({ version: 2, tier1DailyRate: '0.0003' });
      await ok(http.keyed(world.otherAdmin, `/turnover-applications/${early}/disburse`));
      const repaid = await ok(
        http.keyed(world.admin, `/turnover-applications/${early}/repay`, {
          repaidOn: shanghaiDate(),
        }),
      );
      // One day of 9,500,000.00 at the old 0.02%, not the new 0.03%.
      expect(repaid).toMatchObject({
        terms: { version: 1, tier1DailyRate: '0.0002' },
        repayment: { daysUsed: 1, fee: '1900.00' },
      });
    });

    it('records a renewal without the fund (无还本续贷) from submitted or bank_committed, closing the application', async () => {
      for (const state of ['submitted', 'bank_committed'] as const) {
        const user = await enterpriseUser(testApp);
        const id = await applicationIn(testApp, state, parties(user));
        const closed = await ok(
          http.act(world.bank1.president, id, 'renewed-without-bridge', TODAY_RENEWAL()),
        );
        expect(closed).toMatchObject({
          status: 'renewed_without_bridge',
          route: 'renewed_without_bridge',
          open: false,
          renewal: { newContractNo: 'JLB-2026-0101', amount: '10000000.00' },
        });
        expect(await notified(id, 'turnover.renewed_without_bridge')).toEqual([
          'admin',
          'enterprise',
        ]);
        // Closed: the enterprise may apply again.
        await http.apply(user, fundId, world.bank1.id);
      }
    });

    it('rejects with a reason, telling the enterprise and the bank', async () => {
      const id = await applicationIn(
        testApp,
        'bank_committed',
        parties(await enterpriseUser(testApp)),
      );
      expect(problem(await http.act(world.admin, id, 'reject', { reason: '  ' }))).toMatchObject({
        status: 400,
        fields: ['reason'],
      });
      expect(
        await ok(http.act(world.admin, id, 'reject', { reason: '续贷承诺函不符' })),
      ).toMatchObject({
        status: 'rejected',
        rejection: { by: world.admin.id, reason: '续贷承诺函不符' },
      });
      expect(await notified(id, 'turnover.rejected')).toEqual([
        'bank_officer',
        'bank_president',
        'enterprise',
      ]);
    });

    it('lets the enterprise withdraw its own and the center cancel an approved one', async () => {
      const user = await enterpriseUser(testApp);
      const own = await applicationIn(testApp, 'submitted', parties(user));
      expect(await ok(http.act(user, own, 'cancel'))).toMatchObject({
        status: 'cancelled',
        cancellation: { by: user.id },
      });
      const approved = await applicationIn(testApp, 'approved', parties(user));
      expect(await ok(http.act(world.admin, approved, 'cancel'))).toMatchObject({
        status: 'cancelled',
      });
      expect(await notified(approved, 'turnover.cancelled')).toEqual([
        'bank_officer',
        'bank_president',
        'enterprise',
      ]);
    });

    it('repays an overdue use and writes another off: Dr loss / Cr receivable', async () => {
      const fund = await http.createFund(world.admin);
      await http.inject(world.admin, fund, '20000000.00');
      const late = await applicationIn(
        testApp,
        'overdue',
        parties(await enterpriseUser(testApp), fund),
      );
      expect(
        await ok(
          http.keyed(world.admin, `/turnover-applications/${late}/repay`, {
            repaidOn: shanghaiDate(),
          }),
        ),
      ).toMatchObject({ status: 'repaid' });
      const lost = await applicationIn(
        testApp,
        'overdue',
        parties(await enterpriseUser(testApp), fund),
      );
      const writtenOff = await ok(
        http.keyed(world.admin, `/turnover-applications/${lost}/write-off`, {
          reason: '企业破产清算',
        }),
      );
      expect(writtenOff).toMatchObject({
        status: 'written_off',
        writeOff: { by: world.admin.id, reason: '企业破产清算' },
      });
      expect(await http.balances(world.admin, fund)).toEqual({
        cash: '10501900.00',
        receivable: '0.00',
        capital: '20000000.00',
        feeIncome: '1900.00',
        loss: '9500000.00',
      });
      expect(await http.reconcile(world.admin, fund)).toMatchObject({
        ok: true,
        equationHolds: true,
      });
    });

    it('stops new business once overdue principal exceeds 40% of capital', async () => {
      const fund = await http.createFund(world.admin);
      await http.inject(world.admin, fund, '20000000.00');
      const pending = await applicationIn(testApp, 'bank_committed', parties(world.userB, fund));
      // 9.5 million of 20 million (47.5%) overdue.
      await applicationIn(testApp, 'overdue', parties(await enterpriseUser(testApp), fund));
      const fundView = await http.get(world.admin, `/turnover-funds/${fund}`);
      expect(fundView.body).toMatchObject({
        open: false,
        newBusinessStopped: true,
        overduePrincipal: '9500000.00',
      });
      const user = await enterpriseUser(testApp);
      const apply = await http.post(
        user,
        '/turnover-applications',
        applicationBody(fund, world.bank1.id),
      );
      expect(problem(apply)).toMatchObject({ status: 409, code: 'TURNOVER_NEW_BUSINESS_STOPPED' });
      const before = await snapshot(pending);
      expect(problem(await http.act(world.admin, pending, 'approve'))).toMatchObject({
        status: 409,
        code: 'TURNOVER_NEW_BUSINESS_STOPPED',
      });
      expect(await snapshot(pending)).toEqual(before);
      await ok(http.act(world.admin, pending, 'cancel'));
    });
  });

  describe('application rules, each with its own code', () => {
    const body = (overrides: Record<string, unknown> = {}) =>
      applicationBody(fundId, world.bank1.id, overrides);
    const loan = (overrides: Record<string, unknown>) => ({
      maturingLoan: {
        contractNo: 'JLB-1',
        amount: '30000000.00',
        maturityDate: shanghaiDate(5),
        kind: 'working_capital',
        ...overrides,
      },
    });

    it('refuses each broken rule with its code and creates nothing', async () => {
      const user = await enterpriseUser(testApp);
      const cases: [Record<string, unknown>, number, string, string[]][] = [
        [{ ...loan({}), amount: '20000000.01' }, 400, 'TURNOVER_AMOUNT_OVER_CAP', ['amount']],
        [{ amount: '10000000.01' }, 400, 'TURNOVER_AMOUNT_OVER_MATURING_LOAN', ['amount']],
        [{ days: 16 }, 400, 'TURNOVER_DAYS_OVER_MAX', ['days']],
        [
          loan({ maturityDate: shanghaiDate(-1) }),
          400,
          'TURNOVER_MATURITY_PASSED',
          ['maturingLoan.maturityDate'],
        ],
        [loan({ kind: 'fixed_asset' }), 400, 'TURNOVER_NOT_WORKING_CAPITAL', ['maturingLoan.kind']],
        [{ fundId: randomUUID() }, 400, 'VALIDATION_FAILED', ['fundId']],
        [{ bankId: randomUUID() }, 400, 'VALIDATION_FAILED', ['bankId']],
        [{ amount: 9500000 }, 400, 'VALIDATION_FAILED', ['amount']],
        [{ maturingLoan: undefined }, 400, 'VALIDATION_FAILED', ['maturingLoan']],
        [
          { documents: [{ kind: 'maturing_loan_contract', name: 'x', checksum: 'xyz' }] },
          400,
          'VALIDATION_FAILED',
          ['documents.0.checksum'],
        ],
      ];
      for (const [overrides, status, code, fields] of cases) {
        const response = await http.post(user, '/turnover-applications', body(overrides));
        expect({ overrides, ...problem(response) }).toEqual({ overrides, status, code, fields });
      }
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM turnover_applications WHERE enterprise_id = $1',
        [user.enterpriseId],
      );
      expect(count).toBe(0);
      // A maturity date of today and an amount exactly at both caps pass.
      await http.apply(user, fundId, world.bank1.id, {
        ...loan({ maturityDate: shanghaiDate(), amount: '20000000.00' }),
        amount: '20000000.00',
        days: 15,
      });
    });

    it('allows one open application per enterprise: TURNOVER_APPLICATION_OPEN', async () => {
      const user = await enterpriseUser(testApp);
      await http.apply(user, fundId, world.bank1.id);
      expect(problem(await http.post(user, '/turnover-applications', body()))).toMatchObject({
        status: 409,
        code: 'TURNOVER_APPLICATION_OPEN',
      });
    });

    it('refuses applications to a suspended fund: TURNOVER_FUND_SUSPENDED', async () => {
      const fund = await http.createFund(world.admin, { suspended: true });
      const user = await enterpriseUser(testApp);
      const response = await http.post(
        user,
        '/turnover-applications',
        applicationBody(fund, world.bank1.id),
      );
      expect(problem(response)).toMatchObject({ status: 409, code: 'TURNOVER_FUND_SUSPENDED' });
    });

    it('caps the use at 95% of the bank’s committed renewal: TURNOVER_OVER_COMMITMENT_CAP', async () => {
      const id = await http.apply(await enterpriseUser(testApp), fundId, world.bank1.id);
      const before = await snapshot(id);
      // 95% of 9,999,999.99 is 9,499,999.9905: below the 9,500,000.00 asked.
      const refused = await http.act(world.bank1.officer, id, 'bank-commit', {
        committedAmount: '9999999.99',
        renewalTermMonths: 12,
      });
      expect(problem(refused)).toEqual({
        status: 400,
        code: 'TURNOVER_OVER_COMMITMENT_CAP',
        fields: ['committedAmount'],
      });
      expect(await snapshot(id)).toEqual(before);
      await ok(
        http.act(world.bank1.officer, id, 'bank-commit', {
          committedAmount: '10000000.00',
          renewalTermMonths: 12,
        }),
      );
    });
  });

  describe('illegal transitions', () => {
    /** How each action is called over HTTP, and by whom. */
    const CALLS: Record<
      Exclude<ApplicationAction, 'mark_overdue'>,
      { path: string; who: () => Person; body: () => Record<string, unknown>; keyed: boolean }
    > = {
      bank_commit: {
        path: 'bank-commit',
        who: () => world.bank1.officer,
        body: () => COMMITMENT,
        keyed: false,
      },
      renew_without_bridge: {
        path: 'renewed-without-bridge',
        who: () => world.bank1.officer,
        body: TODAY_RENEWAL,
        keyed: false,
      },
      approve: { path: 'approve', who: () => world.admin, body: () => ({}), keyed: false },
      reject: {
        path: 'reject',
        who: () => world.admin,
        body: () => ({ reason: '不符合条件' }),
        keyed: false,
      },
      cancel: { path: 'cancel', who: () => world.admin, body: () => ({}), keyed: false },
      disburse: { path: 'disburse', who: () => world.otherAdmin, body: () => ({}), keyed: true },
      renew: { path: 'renewal', who: () => world.bank1.officer, body: TODAY_RENEWAL, keyed: false },
      repay: {
        path: 'repay',
        who: () => world.admin,
        body: () => ({ repaidOn: shanghaiDate() }),
        keyed: true,
      },
      write_off: {
        path: 'write-off',
        who: () => world.admin,
        body: () => ({ reason: '核销' }),
        keyed: true,
      },
    };

    it('answers every move the lifecycle does not allow with 409 INVALID_TRANSITION and changes nothing', async () => {
      let refused = 0;
      for (const state of APPLICATION_STATUSES) {
        const id = await applicationIn(testApp, state, parties(await enterpriseUser(testApp)));
        for (const [action, call] of Object.entries(CALLS)) {
          const allowed = (
            APPLICATION_TRANSITIONS[action as ApplicationAction].from as readonly string[]
          ).includes(state);
          if (allowed) {
            continue;
          }
          const before = await snapshot(id);
          const path = `/turnover-applications/${id}/${call.path}`;
          const response = await (call.keyed
            ? http.keyed(call.who(), path, call.body())
            : http.post(call.who(), path, call.body()));
          expect({
            state,
            action,
            status: response.status,
            body: response.body as unknown,
          }).toMatchObject({
            state,
            action,
            status: 409,
            body: { code: 'INVALID_TRANSITION', currentStatus: state },
          });
          expect(await snapshot(id)).toEqual(before);
          refused += 1;
        }
      }
      // 11 states × 9 actions, less the 15 moves the table allows over HTTP.
      expect(refused).toBe(11 * 9 - 15);
    });
  });

  describe('four eyes', () => {
    it('refuses the approver’s disbursement with 403 FOUR_EYES_REQUIRED, and the database refuses it too', async () => {
      const id = await applicationIn(testApp, 'approved', parties(await enterpriseUser(testApp)));
      const before = await snapshot(id);
      const response = await http.keyed(world.admin, `/turnover-applications/${id}/disburse`);
      expect(problem(response)).toMatchObject({ status: 403, code: 'FOUR_EYES_REQUIRED' });
      expect(await snapshot(id)).toEqual(before);
      await expect(
        testApp.dataSource.query(
          `UPDATE turnover_applications
              SET status = 'disbursed', disbursed_by = approved_by, disbursed_on = current_date,
                  due_on = current_date + 5
            WHERE id = $1`,
          [id],
        ),
      ).rejects.toThrow(/turnover_applications_four_eyes/);
      await ok(http.keyed(world.otherAdmin, `/turnover-applications/${id}/disburse`));
    });
  });

  describe('tenancy', () => {
    it('answers 404 to another enterprise and another bank on every route, and changes nothing', async () => {
      const user = await enterpriseUser(testApp);
      const submitted = await applicationIn(testApp, 'submitted', parties(user));
      const outsiders = [world.userB, world.bank2.officer, world.bank2.president];
      for (const outsider of outsiders) {
        const before = await snapshot(submitted);
        expect((await http.get(outsider, `/turnover-applications/${submitted}`)).status).toBe(404);
        const list = await http.get(outsider, '/turnover-applications?limit=100');
        expect(
          (list.body as { items: { id: string }[] }).items.map((item) => item.id),
        ).not.toContain(submitted);
        expect(await snapshot(submitted)).toEqual(before);
      }
      const probes: [Person, string, Record<string, unknown>][] = [
        [world.userB, 'cancel', {}],
        [world.bank2.officer, 'bank-commit', COMMITMENT],
        [world.bank2.president, 'renewed-without-bridge', TODAY_RENEWAL()],
      ];
      for (const [outsider, action, body] of probes) {
        const before = await snapshot(submitted);
        expect(problem(await http.act(outsider, submitted, action, body))).toMatchObject({
          status: 404,
          code: 'NOT_FOUND',
        });
        expect(await snapshot(submitted)).toEqual(before);
      }
      // The money moves and decisions are the center's: other roles are refused outright.
      for (const [who, action] of [
        [user, 'approve'],
        [world.bank1.officer, 'reject'],
        [user, 'disburse'],
        [world.bank1.president, 'repay'],
        [world.auditor, 'write-off'],
        [world.bank1.officer, 'cancel'],
      ] as const) {
        expect(
          (await http.keyed(who, `/turnover-applications/${submitted}/${action}`, {})).status,
        ).toBe(403);
      }
      const disbursed = await applicationIn(testApp, 'disbursed', parties(world.secondUserA));
      const before = await snapshot(disbursed);
      expect(
        (await http.act(world.bank2.officer, disbursed, 'renewal', TODAY_RENEWAL())).status,
      ).toBe(404);
      expect(await snapshot(disbursed)).toEqual(before);
      // The same enterprise's other user and the lending bank's staff do see it.
      expect((await http.get(world.userA, `/turnover-applications/${disbursed}`)).status).toBe(200);
      expect(
        (await http.get(world.bank1.colleague, `/turnover-applications/${disbursed}`)).status,
      ).toBe(200);
    });

    it('scopes lists to the tenant and refuses filters naming another one', async () => {
      const user = await enterpriseUser(testApp);
      const own = await applicationIn(testApp, 'submitted', parties(user));
      const ids = async (who: Person, query = ''): Promise<string[]> => {
        const response = await http.get(who, `/turnover-applications?limit=100${query}`);
        expect(response.status).toBe(200);
        return (response.body as { items: { id: string }[] }).items.map((item) => item.id);
      };
      expect(await ids(user)).toEqual([own]);
      expect(await ids(world.bank1.officer)).toContain(own);
      expect(await ids(world.bank2.officer)).not.toContain(own);
      expect(await ids(world.auditor, `&enterpriseId=${user.enterpriseId ?? ''}`)).toEqual([own]);
      expect(await ids(world.admin, `&status=submitted&bankId=${world.bank1.id}`)).toContain(own);
      expect(
        (await http.get(world.bank2.officer, `/turnover-applications?bankId=${world.bank1.id}`))
          .status,
      ).toBe(400);
      expect(
        (await http.get(user, `/turnover-applications?enterpriseId=${world.enterpriseB}`)).status,
      ).toBe(400);
    });

    it('pages the list newest first without repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const response: Response = await http.get(
          world.admin,
          `/turnover-applications?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        const page = response.body as {
          items: { id: string; createdAt: string }[];
          nextCursor: string | null;
        };
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(new Set(seen).size).toBe(seen.length);
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM turnover_applications',
      );
      expect(seen.length).toBe(count);
    });
  });
});
