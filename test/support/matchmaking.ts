import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import { Role } from '../../src/common/auth/role.js';
import {
  bearer,
  FixtureUser,
  insertBank,
  insertEnterprise,
  insertUser,
  login,
  Session,
  TestApp,
} from './app.js';

export const API = '/api/v1';

/** A signed-in fixture user. */
export interface Person extends FixtureUser {
  session: Session;
}

export interface BankFixture {
  id: string;
  president: Person;
  officer: Person;
  /** A second officer, for "assigned to someone else". */
  colleague: Person;
  productId: string;
}

/**
 * The cast of the matchmaking suites: two verified enterprises (A has two users), an unverified
 * one, two banks with a president and two officers each, a bank without a president, two
 * administrators (the center) and an auditor.
 */
export interface World {
  admin: Person;
  otherAdmin: Person;
  auditor: Person;
  enterpriseA: string;
  enterpriseB: string;
  unverified: string;
  userA: Person;
  secondUserA: Person;
  userB: Person;
  userUnverified: Person;
  projectA: string;
  projectB: string;
  bank1: BankFixture;
  bank2: BankFixture;
  /** A bank whose only user is an officer. */
  headless: { id: string; officer: Person };
  inactiveProduct1: string;
}

let counter = 0;

async function person(
  testApp: TestApp,
  prefix: string,
  role: Role,
  tenant: { enterpriseId?: string; bankId?: string } = {},
): Promise<Person> {
  counter += 1;
  const user = await insertUser(testApp.dataSource, {
    username: `${prefix}-${counter}`,
    role,
    ...tenant,
  });
  return { ...user, session: await login(testApp, user.username) };
}

export async function insertProduct(
  testApp: TestApp,
  bankId: string,
  active = true,
): Promise<string> {
  const [row] = await testApp.dataSource.query<{ id: string }[]>(
    `INSERT INTO products (bank_id, name, category, min_amount_fen, max_amount_fen, min_term_months,
                           max_term_months, rate_kind, min_annual_rate, max_annual_rate, active)
     VALUES ($1, $2, 'credit', 100000, 10000000000, 1, 60, 'fixed', 0.03, 0.06, $3) RETURNING id`,
    [bankId, `产品-${++counter}`, active],
  );
  return row.id;
}

async function insertProject(testApp: TestApp, enterpriseId: string): Promise<string> {
  const [row] = await testApp.dataSource.query<{ id: string }[]>(
    `INSERT INTO projects (enterprise_id, name, region_code, kind, total_investment_fen,
                           planned_investment_fen, status, funding_gap_fen, financing_intent)
     VALUES ($1, $2, '220502', 'new', 10000000000, 2000000000, 'planned', 500000000, true)
     RETURNING id`,
    [enterpriseId, `项目-${++counter}`],
  );
  return row.id;
}

async function bank(testApp: TestApp, name: string): Promise<BankFixture> {
  const id = await insertBank(testApp.dataSource, name);
  return {
    id,
    president: await person(testApp, 'president', Role.BankPresident, { bankId: id }),
    officer: await person(testApp, 'officer', Role.BankOfficer, { bankId: id }),
    colleague: await person(testApp, 'colleague', Role.BankOfficer, { bankId: id }),
    productId: await insertProduct(testApp, id),
  };
}

export async function buildWorld(testApp: TestApp): Promise<World> {
  const dataSource = testApp.dataSource;
  const enterpriseA = await insertEnterprise(dataSource, '通化东宝药业股份有限公司');
  const enterpriseB = await insertEnterprise(dataSource, '吉林紫鑫药业股份有限公司');
  const unverified = await insertEnterprise(dataSource, '通化葡萄酒股份有限公司', {
    verified: false,
  });
  const bank1 = await bank(testApp, '吉林银行通化分行');
  const bank2 = await bank(testApp, '中国工商银行通化分行');
  const headlessId = await insertBank(dataSource, '通化农村商业银行');
  return {
    admin: await person(testApp, 'admin', Role.Admin),
    otherAdmin: await person(testApp, 'admin', Role.Admin),
    auditor: await person(testApp, 'auditor', Role.Auditor),
    enterpriseA,
    enterpriseB,
    unverified,
    userA: await person(testApp, 'dongbao', Role.Enterprise, { enterpriseId: enterpriseA }),
    secondUserA: await person(testApp, 'dongbao', Role.Enterprise, { enterpriseId: enterpriseA }),
    userB: await person(testApp, 'zixin', Role.Enterprise, { enterpriseId: enterpriseB }),
    userUnverified: await person(testApp, 'wine', Role.Enterprise, { enterpriseId: unverified }),
    projectA: await insertProject(testApp, enterpriseA),
    projectB: await insertProject(testApp, enterpriseB),
    bank1,
    bank2,
    headless: {
      id: headlessId,
      officer: await person(testApp, 'officer', Role.BankOfficer, { bankId: headlessId }),
    },
    inactiveProduct1: await insertProduct(testApp, bank1.id, false),
  };
}

export function requestBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: '5000000.00',
    termMonths: 12,
    purpose: 'working_capital',
    guaranteeOffered: 'mortgage',
    rateCeiling: '0.045',
    description: '采购原材料',
    ...overrides,
  };
}

/** Thin HTTP helpers over one app. */
export function client(testApp: TestApp) {
  const post = (who: Person, path: string, body: Record<string, unknown> = {}) =>
    testApp
      .http()
      .post(`${API}${path}`)
      .set(...bearer(who.session))
      .send(body);
  const get = (who: Person, path: string) =>
    testApp
      .http()
      .get(`${API}${path}`)
      .set(...bearer(who.session));
  const patch = (who: Person, path: string, body: Record<string, unknown>) =>
    testApp
      .http()
      .patch(`${API}${path}`)
      .set(...bearer(who.session))
      .send(body);

  /** Files a request for enterprise A (or as `who`) and answers its id. */
  const file = async (who: Person, overrides: Record<string, unknown> = {}): Promise<string> => {
    const response = await post(who, '/financing-requests', requestBody(overrides));
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  };
  const dispatch = async (
    admin: Person,
    requestId: string,
    bankId: string,
    productId?: string,
  ): Promise<string> => {
    const response = await post(admin, `/financing-requests/${requestId}/dispatch`, {
      bankId,
      ...(productId === undefined ? {} : { productId }),
    });
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  };
  const act = (who: Person, matchId: string, action: string, body: Record<string, unknown> = {}) =>
    post(who, `/matches/${matchId}/${action}`, body);
  const ok = async (response: Response | Promise<Response>): Promise<Response> => {
    const settled = await response;
    expect({ status: settled.status, body: settled.body as unknown }).toMatchObject({
      status: 200,
    });
    return settled;
  };
  return { post, get, patch, file, dispatch, act, ok };
}

export const APPROVAL = { approvedAmount: '3000000.00', annualRate: '0.0385', termMonths: 12 };

export function disbursement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: '2500000.00',
    disbursedOn: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()),
    contractNo: 'JLB-2026-0001',
    ...overrides,
  };
}

export const DECLINE = { reasonCode: 'insufficient_collateral', reason: '抵押物评估价值不足' };

/** Everything a state move could change about a match and its request, to compare before/after. */
export async function snapshot(testApp: TestApp, matchId: string): Promise<unknown> {
  const [row] = await testApp.dataSource.query<Record<string, unknown>[]>(
    `SELECT to_jsonb(m) AS match, to_jsonb(r) AS request,
            (SELECT count(*)::int FROM request_events e WHERE e.request_id = r.id) AS events,
            (SELECT count(*)::int FROM match_assignments a WHERE a.match_id = m.id) AS assignments,
            (SELECT count(*)::int FROM notifications n WHERE n.entity_id IN (m.id, r.id)) AS notifications,
            (SELECT count(*)::int FROM audit_events a
              WHERE a.entity_id IN (m.id::text, r.id::text)) AS audits
       FROM matches m JOIN financing_requests r ON r.id = m.request_id
      WHERE m.id = $1`,
    [matchId],
  );
  return row;
}

/** The problem document's code and the field names it lists. */
export function problem(response: Response): { status: number; code: unknown; fields: string[] } {
  const body = response.body as { code?: unknown; errors?: { field: string }[] };
  return {
    status: response.status,
    code: body.code,
    fields: [...new Set((body.errors ?? []).map((error) => error.field))],
  };
}
