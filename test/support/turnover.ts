import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { Role } from '../../src/common/auth/role.js';
import type { ApplicationStatus } from '../../src/modules/turnover-fund/lifecycle.js';
import { bearer, insertEnterprise, insertUser, login, randomCreditCode, TestApp } from './app.js';
import { API, client, Person } from './matchmaking.js';

/** Tonghua's defaults (DOMAIN §2), with an overdue rate of 0.08%/day. */
export function fundBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `通化市应急周转基金-${randomUUID().slice(0, 8)}`,
    tierDays: 5,
    tier1DailyRate: '0.0002',
    tier2DailyRate: '0.0004',
    overdueDailyRate: '0.0008',
    dayCount: 'calendar',
    maxDays: 15,
    perUseCap: '20000000.00',
    benchmarkDailyRate: '0.004',
    ...overrides,
  };
}

/** Today's business date in Asia/Shanghai, plus `days`. */
export function shanghaiDate(days = 0, from: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
    new Date(from.getTime() + days * 86_400_000),
  );
}

export function applicationBody(
  fundId: string,
  bankId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    fundId,
    bankId,
    maturingLoan: {
      contractNo: 'JLB-2025-0420',
      amount: '10000000.00',
      maturityDate: shanghaiDate(10),
      kind: 'working_capital',
    },
    amount: '9500000.00',
    days: 5,
    documents: [
      { kind: 'maturing_loan_contract', name: '借款合同.pdf', checksum: 'a'.repeat(64) },
      { kind: 'business_licence', name: '营业执照.jpg', checksum: 'b'.repeat(64) },
    ],
    ...overrides,
  };
}

export const COMMITMENT = { committedAmount: '10000000.00', renewalTermMonths: 12 };

export interface Balances {
  cash: string;
  receivable: string;
  capital: string;
  feeIncome: string;
  loss: string;
}

/** HTTP helpers for the turnover fund, over the matchmaking client. */
export function turnoverClient(testApp: TestApp) {
  const base = client(testApp);
  /** A POST with an Idempotency-Key (a fresh one unless given). */
  const keyed = (
    who: Person,
    path: string,
    body: Record<string, unknown> = {},
    key: string = randomUUID(),
  ): Promise<Response> =>
    testApp
      .http()
      .post(`${API}${path}`)
      .set(...bearer(who.session))
      .set('idempotency-key', key)
      .send(body)
      .then((response) => response);

  const createFund = async (
    admin: Person,
    overrides: Record<string, unknown> = {},
  ): Promise<string> => {
    const response = await base.post(admin, '/turnover-funds', fundBody(overrides));
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 201,
    });
    return (response.body as { id: string }).id;
  };

  const inject = async (admin: Person, fundId: string, amount: string): Promise<void> => {
    const response = await keyed(admin, `/turnover-funds/${fundId}/capital`, {
      amount,
      note: '财政拨付资本金',
    });
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 201,
    });
  };

  const apply = async (
    user: Person,
    fundId: string,
    bankId: string,
    overrides: Record<string, unknown> = {},
  ): Promise<string> => {
    const response = await base.post(
      user,
      '/turnover-applications',
      applicationBody(fundId, bankId, overrides),
    );
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 201,
    });
    return (response.body as { id: string }).id;
  };

  const act = (who: Person, id: string, action: string, body: Record<string, unknown> = {}) =>
    base.post(who, `/turnover-applications/${id}/${action}`, body);

  const balances = async (admin: Person, fundId: string): Promise<Balances> => {
    const response = await base.get(admin, `/turnover-funds/${fundId}`);
    expect(response.status).toBe(200);
    return (response.body as { balances: Balances }).balances;
  };

  const reconcile = async (admin: Person, fundId: string): Promise<{ ok: boolean }> => {
    const response = await base.get(admin, `/turnover-funds/${fundId}/reconcile`);
    expect(response.status).toBe(200);
    return response.body as { ok: boolean };
  };

  return { ...base, keyed, createFund, inject, apply, act, balances, reconcile };
}

/**
 * `count` applications already approved by `approverId`, each for its own new enterprise,
 * inserted with SQL (terms copied from the fund as an approval would): the race tests need
 * hundreds and the HTTP path to `approved` is covered elsewhere.
 */
export async function insertApprovedApplications(
  testApp: Pick<TestApp, 'dataSource'>,
  fields: {
    fundId: string;
    bankId: string;
    approverId: string;
    count: number;
    principalFen: bigint;
  },
): Promise<string[]> {
  const codes = Array.from({ length: fields.count }, () => randomCreditCode());
  const enterprises = await testApp.dataSource.query<{ id: string }[]>(
    `INSERT INTO enterprises
       (name, credit_code, region_code, industry, employees, revenue_fen, assets_fen, scale,
        scale_standard, verified_at)
     SELECT '周转企业-' || code, code, '220502', 'industry', 50, 500000000, 800000000, 'small',
            '2011', now()
       FROM unnest($1::text[]) AS code
     RETURNING id`,
    [codes],
  );
  const rows = await testApp.dataSource.query<{ id: string }[]>(
    `INSERT INTO turnover_applications
       (fund_id, enterprise_id, bank_id, status, route, maturing_contract_no, maturing_amount_fen,
        maturity_date, maturing_loan_kind, principal_fen, days, created_by,
        committed_amount_fen, renewal_term_months, committed_by, committed_at,
        terms_version, terms_tier_days, terms_tier1_daily_rate, terms_tier2_daily_rate,
        terms_overdue_daily_rate, terms_day_count, terms_benchmark_daily_rate, terms_min_fee_fen,
        terms_commitment_cap_ratio, approved_by, approved_at)
     SELECT f.id, e.id, $2, 'approved', 'bridge', 'RACE-' || e.id, $4::bigint * 2,
            current_date + 10, 'working_capital', $4::bigint, 5, $3,
            $4::bigint * 2, 12, $3, now(),
            f.settings_version, f.tier_days, f.tier1_daily_rate, f.tier2_daily_rate,
            f.overdue_daily_rate, f.day_count, f.benchmark_daily_rate, f.min_fee_fen,
            f.commitment_cap_ratio, $3, now()
       FROM turnover_funds f, unnest($5::uuid[]) AS e (id)
      WHERE f.id = $1
     RETURNING id`,
    [
      fields.fundId,
      fields.bankId,
      fields.approverId,
      fields.principalFen.toString(),
      enterprises.map((row) => row.id),
    ],
  );
  return rows.map((row) => row.id);
}

/** A new verified enterprise with one signed-in user. */
export async function enterpriseUser(testApp: TestApp, name = '通化企业'): Promise<Person> {
  const enterpriseId = await insertEnterprise(testApp.dataSource, `${name}-${randomUUID()}`);
  const user = await insertUser(testApp.dataSource, {
    username: `turnover-${randomUUID().slice(0, 12)}`,
    role: Role.Enterprise,
    enterpriseId,
  });
  return { ...user, session: await login(testApp, user.username) };
}

export const TODAY_RENEWAL = (): Record<string, unknown> => ({
  newContractNo: 'JLB-2026-0101',
  amount: '10000000.00',
  renewedOn: shanghaiDate(),
});

/**
 * Brings a new application (of `user`'s enterprise, lending bank `bank`) to `state` through the
 * API — except `overdue`, which the overdue sweep sets and which is set here with SQL.
 * `approver` approves, `disburser` (another administrator) pays out.
 */
export async function applicationIn(
  testApp: TestApp,
  state: ApplicationStatus,
  parties: {
    fundId: string;
    user: Person;
    bank: { id: string; officer: Person };
    approver: Person;
    disburser: Person;
  },
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const http = turnoverClient(testApp);
  const ok = async (pending: Promise<Response>): Promise<void> => {
    const response = await pending;
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 200,
    });
  };
  const { fundId, user, bank, approver, disburser } = parties;
  const id = await http.apply(user, fundId, bank.id, overrides);
  const steps: Record<string, () => Promise<void>> = {
    rejected: () => ok(http.act(approver, id, 'reject', { reason: '资料不全' })),
    cancelled: () => ok(http.act(user, id, 'cancel')),
    renewed_without_bridge: () =>
      ok(http.act(bank.officer, id, 'renewed-without-bridge', TODAY_RENEWAL())),
    bank_committed: () => ok(http.act(bank.officer, id, 'bank-commit', COMMITMENT)),
    approved: () => ok(http.act(approver, id, 'approve')),
    disbursed: () => ok(http.keyed(disburser, `/turnover-applications/${id}/disburse`)),
    renewed: () => ok(http.act(bank.officer, id, 'renewal', TODAY_RENEWAL())),
    overdue: async () => {
      await testApp.dataSource.query(
        `UPDATE turnover_applications SET status = 'overdue', overdue_at = now() WHERE id = $1`,
        [id],
      );
    },
    written_off: () =>
      ok(http.keyed(approver, `/turnover-applications/${id}/write-off`, { reason: '企业破产' })),
    repaid: () =>
      ok(http.keyed(approver, `/turnover-applications/${id}/repay`, { repaidOn: shanghaiDate() })),
  };
  const paths: Record<ApplicationStatus, string[]> = {
    submitted: [],
    rejected: ['rejected'],
    cancelled: ['cancelled'],
    renewed_without_bridge: ['renewed_without_bridge'],
    bank_committed: ['bank_committed'],
    approved: ['bank_committed', 'approved'],
    disbursed: ['bank_committed', 'approved', 'disbursed'],
    renewed: ['bank_committed', 'approved', 'disbursed', 'renewed'],
    repaid: ['bank_committed', 'approved', 'disbursed', 'renewed', 'repaid'],
    overdue: ['bank_committed', 'approved', 'disbursed', 'overdue'],
    written_off: ['bank_committed', 'approved', 'disbursed', 'overdue', 'written_off'],
  };
  for (const step of paths[state]) {
    await steps[step]();
  }
  return id;
}
