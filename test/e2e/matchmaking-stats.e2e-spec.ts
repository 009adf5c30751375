import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { Role } from '../../src/common/auth/role.js';
import { Clock } from '../../src/common/clock.js';
import { EscalationSweep } from '../../src/modules/escalation/escalation-sweep.service.js';
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

const api = (path: string): string => `/api/v1${path}`;

interface Group {
  key: string;
  label: string;
  [figure: string]: unknown;
}

/** Every figure of one row, in the order of the CSV columns. */
function figures(
  enterprisesPushed: number,
  demandAmount: string,
  enterprisesFunded: number,
  amountDisbursed: string,
  successRate: string | null,
  satisfactionRate: string | null,
  matchesPushed: number,
  matchesAccepted: number,
  matchesAcceptedOnTime: number,
  medianHoursToAccept: string | null,
  shareAcceptedOnTime: string | null,
  openEscalations: number,
) {
  return {
    enterprisesPushed,
    demandAmount,
    enterprisesFunded,
    amountDisbursed,
    successRate,
    satisfactionRate,
    matchesPushed,
    matchesAccepted,
    matchesAcceptedOnTime,
    medianHoursToAccept,
    shareAcceptedOnTime,
    openEscalations,
  };
}

const PERIOD = { from: '2025-03-01', to: '2025-05-01' };

/*
 * The known data set, as SQL fixtures (columns as in migration 1764300400000): the period
 * bounds are checked to the millisecond here, which the workflow's clock cannot place. The same
 * shape of data built through the HTTP workflow is the second suite below. Times are UTC;
 * Shanghai is UTC+8.
 *
 *  match  request (enterprise, region, amount)  bank  dispatched (Shanghai)   accepted  status
 *  M1     R1 (E1, 东昌区, 1 000 000)             X     03-03 10:00             +2 h      disbursed 800 000
 *  M2     R2 (E1, 东昌区,   500 000)             X     03-01 00:00 (boundary)  +96 h late accepted, escalated
 *  M3     R3 (E2, 集安市, 2 000 000)             X     04-01 00:30 (UTC: 3-31) +6 h      disbursed 1 500 000
 *  M4     R3 (E2, 集安市, 2 000 000)             Y     04-02 09:00             —         dispatched, escalated
 *  M5     R4 (E3, 东昌区,   300 000)             Y     04-10 10:00             +1 h      declined
 *  M6     R5 (E4, 集安市,   900 000)             X     02-28 23:59:59.999      outside the period
 *  M7     R5 (E4, 集安市,   900 000)             Y     05-01 00:00             outside the period
 *
 * E1 has two requests (one enterprise); R3 went to two banks (one demand).
 */
describe('matchmaking statistics (项目中心+行长制 figures)', () => {
  let testApp: TestApp;
  let dataSource: DataSource;
  let bankX: string;
  let bankY: string;
  let adminId: string;
  const presidents: Record<string, string> = {};
  const sessions: Record<string, Session> = {};

  async function insertRequest(enterpriseId: string, amountFen: string): Promise<string> {
    const [row] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO financing_requests
         (enterprise_id, amount_fen, term_months, purpose, guarantee_offered, created_by, on_behalf)
       VALUES ($1, $2, 12, 'working_capital', 'credit', $3, true) RETURNING id`,
      [enterpriseId, amountFen, adminId],
    );
    return row.id;
  }

  async function insertMatch(fields: {
    requestId: string;
    bankId: string;
    status: string;
    dispatchedAt: string;
    dueAt: string;
    acceptedAt?: string;
    escalatedAt?: string;
    approvedFen?: string;
    disbursedFen?: string;
    disbursedAt?: string;
  }): Promise<void> {
    const declined = fields.status === 'declined';
    await dataSource.query(
      `INSERT INTO matches
         (request_id, bank_id, status, president_id, dispatched_by, dispatched_at,
          response_due_at, accepted_at, escalated_at, approved_at, approved_amount_fen,
          annual_rate, approved_term_months, disbursed_at, disbursed_amount_fen, disbursed_on,
          contract_no, decline_reason_code, decline_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
               ($14::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, $16, $17, $18)`,
      [
        fields.requestId,
        fields.bankId,
        fields.status,
        presidents[fields.bankId],
        adminId,
        fields.dispatchedAt,
        fields.dueAt,
        fields.acceptedAt ?? null,
        fields.escalatedAt ?? null,
        fields.approvedFen === undefined ? null : fields.acceptedAt,
        fields.approvedFen ?? null,
        fields.approvedFen === undefined ? null : '0.0385',
        fields.approvedFen === undefined ? null : 12,
        fields.disbursedAt ?? null,
        fields.disbursedFen ?? null,
        fields.disbursedFen === undefined ? null : `HT-${fields.dispatchedAt}`,
        declined ? 'credit_history' : null,
        declined ? '征信有逾期记录' : null,
      ],
    );
  }

  function stats(session: Session, query: Record<string, string>) {
    return testApp
      .http()
      .get(api('/stats/matchmaking'))
      .query(query)
      .set(...bearer(session));
  }

  async function statsOk(session: Session, query: Record<string, string>) {
    const response = await stats(session, query);
    expect(response.status).toBe(200);
    return response.body as { groups: Group[]; total: unknown; bankId: string | null };
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    dataSource = testApp.dataSource;
    bankX = await insertBank(dataSource, '吉林银行通化分行');
    bankY = await insertBank(dataSource, '中国银行通化分行');
    const e1 = await insertEnterprise(dataSource, '通化东宝药业', { regionCode: '220502' });
    const e2 = await insertEnterprise(dataSource, '集安人参产业园', { regionCode: '220582' });
    const e3 = await insertEnterprise(dataSource, '通化钢铁配套', { regionCode: '220502' });
    const e4 = await insertEnterprise(dataSource, '集安边贸物流', { regionCode: '220582' });
    adminId = (await insertUser(dataSource, { username: 'admin1', role: Role.Admin })).id;
    await insertUser(dataSource, { username: 'auditor1', role: Role.Auditor });
    await insertUser(dataSource, { username: 'ent1', role: Role.Enterprise, enterpriseId: e1 });
    await insertUser(dataSource, { username: 'officer.y', role: Role.BankOfficer, bankId: bankY });
    for (const [bankId, name] of [
      [bankX, 'president.x'],
      [bankY, 'president.y'],
    ] as const) {
      presidents[bankId] = (
        await insertUser(dataSource, { username: name, role: Role.BankPresident, bankId })
      ).id;
    }
    for (const name of ['admin1', 'auditor1', 'ent1', 'officer.y', 'president.x', 'president.y']) {
      sessions[name] = await login(testApp, name);
    }

    const r1 = await insertRequest(e1, '100000000');
    const r2 = await insertRequest(e1, '50000000');
    const r3 = await insertRequest(e2, '200000000');
    const r4 = await insertRequest(e3, '30000000');
    const r5 = await insertRequest(e4, '90000000');
    await insertMatch({
      requestId: r1,
      bankId: bankX,
      status: 'disbursed',
      dispatchedAt: '2025-03-03T02:00:00.000Z',
      dueAt: '2025-03-06T02:00:00.000Z',
      acceptedAt: '2025-03-03T04:00:00.000Z',
      approvedFen: '100000000',
      disbursedFen: '80000000',
      // Disbursed after the period: the cohort still counts it.
      disbursedAt: '2025-05-10T02:00:00.000Z',
    });
    await insertMatch({
      requestId: r2,
      bankId: bankX,
      status: 'accepted',
      dispatchedAt: '2025-02-28T16:00:00.000Z',
      dueAt: '2025-03-03T16:00:00.000Z',
      escalatedAt: '2025-03-03T16:01:00.000Z',
      acceptedAt: '2025-03-04T16:00:00.000Z',
    });
    await insertMatch({
      requestId: r3,
      bankId: bankX,
      status: 'disbursed',
      dispatchedAt: '2025-03-31T16:30:00.000Z',
      dueAt: '2025-04-03T16:30:00.000Z',
      acceptedAt: '2025-03-31T22:30:00.000Z',
      approvedFen: '200000000',
      disbursedFen: '150000000',
      disbursedAt: '2025-04-08T02:00:00.000Z',
    });
    await insertMatch({
      requestId: r3,
      bankId: bankY,
      status: 'dispatched',
      dispatchedAt: '2025-04-02T01:00:00.000Z',
      dueAt: '2025-04-07T01:00:00.000Z',
      escalatedAt: '2025-04-07T01:01:00.000Z',
    });
    await insertMatch({
      requestId: r4,
      bankId: bankY,
      status: 'declined',
      dispatchedAt: '2025-04-10T02:00:00.000Z',
      dueAt: '2025-04-15T02:00:00.000Z',
      acceptedAt: '2025-04-10T03:00:00.000Z',
    });
    await insertMatch({
      requestId: r5,
      bankId: bankX,
      status: 'disbursed',
      dispatchedAt: '2025-02-28T15:59:59.999Z',
      dueAt: '2025-03-03T15:59:59.999Z',
      acceptedAt: '2025-02-28T16:30:00.000Z',
      approvedFen: '90000000',
      disbursedFen: '90000000',
      disbursedAt: '2025-03-05T02:00:00.000Z',
    });
    await insertMatch({
      requestId: r5,
      bankId: bankY,
      status: 'dispatched',
      dispatchedAt: '2025-04-30T16:00:00.000Z',
      dueAt: '2025-05-06T16:00:00.000Z',
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  const TOTAL = figures(
    3,
    '3800000.00',
    2,
    '2300000.00',
    '0.6667',
    '0.6053',
    5,
    4,
    3,
    '4.0',
    '0.6000',
    1,
  );
  const BANK_X = figures(
    2,
    '3500000.00',
    2,
    '2300000.00',
    '1.0000',
    '0.6571',
    3,
    3,
    2,
    '6.0',
    '0.6667',
    0,
  );
  const BANK_Y = figures(
    2,
    '2300000.00',
    0,
    '0.00',
    '0.0000',
    '0.0000',
    2,
    1,
    1,
    '1.0',
    '0.5000',
    1,
  );

  it('computes every figure per bank and in total, counting a shared request and enterprise once', async () => {
    const body = await statsOk(sessions.admin1, { ...PERIOD, groupBy: 'bank' });
    const byKey = Object.fromEntries(body.groups.map((group) => [group.key, group]));
    expect(body.groups).toHaveLength(2);
    expect(byKey[bankX]).toEqual({ key: bankX, label: '吉林银行通化分行', ...BANK_X });
    expect(byKey[bankY]).toEqual({ key: bankY, label: '中国银行通化分行', ...BANK_Y });
    // Not the sum of the banks (4 enterprises, 5 800 000): E2 and R3 are counted once.
    expect(body.total).toEqual(TOTAL);
    expect(body).toMatchObject({ ...PERIOD, groupBy: 'bank', bankId: null });
  });

  it('computes every figure per region, in the regions’ order', async () => {
    const body = await statsOk(sessions.admin1, { ...PERIOD, groupBy: 'region' });
    expect(body.groups).toEqual([
      {
        key: '220502',
        label: '东昌区',
        // E1 (two requests, one enterprise) and E3; median of 2, 96 and 1 hours.
        ...figures(
          2,
          '1800000.00',
          1,
          '800000.00',
          '0.5000',
          '0.4444',
          3,
          3,
          2,
          '2.0',
          '0.6667',
          0,
        ),
      },
      {
        key: '220582',
        label: '集安市',
        // R3 pushed to two banks: demand 2 000 000 once.
        ...figures(
          1,
          '2000000.00',
          1,
          '1500000.00',
          '1.0000',
          '0.7500',
          2,
          1,
          1,
          '6.0',
          '0.5000',
          1,
        ),
      },
    ]);
    expect(body.total).toEqual(TOTAL);
  });

  it('groups by calendar month in Asia/Shanghai and keeps the period bounds there', async () => {
    const body = await statsOk(sessions.admin1, { ...PERIOD, groupBy: 'month' });
    expect(body.groups).toEqual([
      {
        key: '2025-03',
        label: '2025-03',
        // M1 and M2 (dispatched at 00:00 on 1 March in Shanghai); median of 2 and 96 hours.
        ...figures(
          1,
          '1500000.00',
          1,
          '800000.00',
          '1.0000',
          '0.5333',
          2,
          2,
          1,
          '49.0',
          '0.5000',
          0,
        ),
      },
      {
        key: '2025-04',
        label: '2025-04',
        // M3 was dispatched on 31 March UTC, which is 1 April in Shanghai.
        ...figures(
          2,
          '2300000.00',
          1,
          '1500000.00',
          '0.5000',
          '0.6522',
          3,
          2,
          2,
          '3.5',
          '0.6667',
          1,
        ),
      },
    ]);
    expect(body.total).toEqual(TOTAL);
  });

  it('gives only the total without groupBy, and zeros with null ratios for an empty period', async () => {
    const whole = await statsOk(sessions.auditor1, PERIOD);
    expect(whole).toMatchObject({ groupBy: null, groups: [], total: TOTAL });
    const empty = await statsOk(sessions.admin1, { from: '2025-06-01', to: '2025-07-01' });
    expect(empty.total).toEqual(figures(0, '0.00', 0, '0.00', null, null, 0, 0, 0, null, null, 0));
  });

  it('answers the same table as CSV: UTF-8 with BOM, Chinese headers, one row per group', async () => {
    const response = await stats(sessions.admin1, { ...PERIOD, groupBy: 'bank' })
      .set('accept', 'text/csv')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="matchmaking-2025-03-01-2025-05-01.csv"',
    );
    const bytes = response.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(
      '银行,对接户数,需求金额（元）,放款户数,放款金额（元）,对接成功率,资金需求满足率,' +
        '对接笔数,受理笔数,按时受理笔数,受理时长中位数（小时）,按时受理率,超时督办未受理笔数',
    );
    expect(lines).toContain(
      '吉林银行通化分行,2,3500000.00,2,2300000.00,1.0000,0.6571,3,3,2,6.0,0.6667,0',
    );
    expect(lines).toContain(
      '中国银行通化分行,2,2300000.00,0,0.00,0.0000,0.0000,2,1,1,1.0,0.5000,1',
    );
    expect(lines[3]).toBe('合计,3,3800000.00,2,2300000.00,0.6667,0.6053,5,4,3,4.0,0.6000,1');
    expect(lines).toHaveLength(5);
  });

  it("forces a president's own bank and refuses another bank's id with 404", async () => {
    const own = await statsOk(sessions['president.y'], { ...PERIOD, groupBy: 'bank' });
    expect(own.bankId).toBe(bankY);
    expect(own.groups).toEqual([{ key: bankY, label: '中国银行通化分行', ...BANK_Y }]);
    expect(own.total).toEqual(BANK_Y);

    const byRegion = await statsOk(sessions['president.y'], { ...PERIOD, groupBy: 'region' });
    expect(byRegion.groups).toEqual([
      {
        key: '220502',
        label: '东昌区',
        ...figures(1, '300000.00', 0, '0.00', '0.0000', '0.0000', 1, 1, 1, '1.0', '1.0000', 0),
      },
      {
        key: '220582',
        label: '集安市',
        ...figures(1, '2000000.00', 0, '0.00', '0.0000', '0.0000', 1, 0, 0, null, '0.0000', 1),
      },
    ]);

    const namedOwn = await statsOk(sessions['president.x'], { ...PERIOD, bankId: bankX });
    expect(namedOwn.total).toEqual(BANK_X);
    const foreign = await stats(sessions['president.x'], { ...PERIOD, bankId: bankY });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
  });

  it('lets administrators filter one bank', async () => {
    const body = await statsOk(sessions.admin1, { ...PERIOD, bankId: bankY, groupBy: 'month' });
    expect(body.bankId).toBe(bankY);
    expect(body.groups.map((group) => group.key)).toEqual(['2025-04']);
    expect(body.total).toEqual(BANK_Y);
  });

  it('refuses officers and enterprise users with 403', async () => {
    for (const session of [sessions['officer.y'], sessions.ent1]) {
      const response = await stats(session, PERIOD);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
    }
  });

  it('refuses malformed periods and unknown parameters with 400 naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ from: '2025-02-30', to: '2025-05-01' }, 'from'],
      [{ from: '2025-03-01', to: '2025-13-01' }, 'to'],
      [{ from: '2025-03-01', to: '2025-03-01' }, 'to'],
      [{ from: '2025-05-01', to: '2025-03-01' }, 'to'],
      [{ from: '2025/03/01', to: '2025-05-01' }, 'from'],
      [{ to: '2025-05-01' }, 'from'],
      [{ ...PERIOD, groupBy: 'week' }, 'groupBy'],
      [{ ...PERIOD, bankId: 'bank-x' }, 'bankId'],
      [{ ...PERIOD, region: '220502' }, 'region'],
    ];
    for (const [query, field] of cases) {
      const response = await stats(sessions.admin1, query);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect((response.body.errors as { field: string }[]).map((error) => error.field)).toContain(
        field,
      );
    }
  });
});

/*
 * The same shape of data set built through the real workflow over HTTP — POST
 * /financing-requests, /dispatch, /matches/:id/accept|approve|disburse|decline and the
 * escalation sweep — with the Clock moved between steps, so every instant is known.
 *
 *  match  request (enterprise, region, amount)  bank  dispatched (Shanghai)  accepted  outcome
 *  M1     R1 (E1, 东昌区, 1 000 000)             X     2026-03-02 10:00       +2 h      disbursed 800 000
 *  M2     R2 (E1, 东昌区,   500 000)             X     2026-03-02 10:00       +168 h    escalated, then accepted late
 *  M3     R3 (E2, 集安市, 2 000 000)             X     2026-04-01 10:00       +6 h      disbursed 1 500 000
 *  M4     R3 (E2, 集安市, 2 000 000)             Y     2026-04-01 10:00       —         escalated, still dispatched
 *  M5     R4 (E3, 东昌区,   300 000)             Y     2026-04-01 10:00       +1 h      declined
 */
describe('matchmaking statistics on a data set built through the HTTP workflow', () => {
  let testApp: TestApp;
  let bankX: string;
  let bankY: string;
  const sessions: Record<string, Session> = {};

  function at(instant: string): void {
    jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(new Date(instant));
  }

  async function post(who: string, path: string, body: Record<string, unknown>, status = 200) {
    const response = await testApp
      .http()
      .post(api(path))
      .set(...bearer(sessions[who]))
      .send(body);
    expect({ path, status: response.status, body: response.body as unknown }).toMatchObject({
      path,
      status,
    });
    return response.body as { id: string };
  }

  const file = async (enterpriseId: string, amount: string): Promise<string> =>
    (
      await post(
        'admin',
        '/financing-requests',
        {
          enterpriseId,
          amount,
          termMonths: 12,
          purpose: 'working_capital',
          guaranteeOffered: 'credit',
        },
        201,
      )
    ).id;
  const dispatch = async (requestId: string, bankId: string): Promise<string> =>
    (await post('admin', `/financing-requests/${requestId}/dispatch`, { bankId }, 201)).id;
  const fund = async (
    who: string,
    matchId: string,
    approved: string,
    disbursed: string,
    on: string,
  ) => {
    await post(who, `/matches/${matchId}/approve`, {
      approvedAmount: approved,
      annualRate: '0.0385',
      termMonths: 12,
    });
    await post(who, `/matches/${matchId}/disburse`, {
      amount: disbursed,
      disbursedOn: on,
      contractNo: `HT-${matchId.slice(0, 8)}`,
    });
  };

  function stats(who: string, query: Record<string, string>) {
    return testApp
      .http()
      .get(api('/stats/matchmaking'))
      .query({ from: '2026-03-01', to: '2026-05-01', ...query })
      .set(...bearer(sessions[who]));
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    const { dataSource } = testApp;
    bankX = await insertBank(dataSource, '吉林银行通化分行');
    bankY = await insertBank(dataSource, '中国银行通化分行');
    const e1 = await insertEnterprise(dataSource, '通化东宝药业', { regionCode: '220502' });
    const e2 = await insertEnterprise(dataSource, '集安人参产业园', { regionCode: '220582' });
    const e3 = await insertEnterprise(dataSource, '通化钢铁配套', { regionCode: '220502' });
    await insertUser(dataSource, { username: 'admin', role: Role.Admin });
    await insertUser(dataSource, {
      username: 'president.x',
      role: Role.BankPresident,
      bankId: bankX,
    });
    await insertUser(dataSource, {
      username: 'president.y',
      role: Role.BankPresident,
      bankId: bankY,
    });
    for (const name of ['admin', 'president.x', 'president.y']) {
      sessions[name] = await login(testApp, name);
    }
    const sweep = testApp.app.get(EscalationSweep);

    at('2026-03-02T02:00:00.000Z');
    const r1 = await file(e1, '1000000.00');
    const r2 = await file(e1, '500000.00');
    const m1 = await dispatch(r1, bankX);
    const m2 = await dispatch(r2, bankX);
    at('2026-03-02T04:00:00.000Z');
    await post('president.x', `/matches/${m1}/accept`, {});
    at('2026-03-03T02:00:00.000Z');
    await fund('president.x', m1, '1000000.00', '800000.00', '2026-03-03');
    at('2026-03-08T02:00:00.000Z');
    expect(await sweep.sweep()).toBe(1);
    at('2026-03-09T02:00:00.000Z');
    await post('president.x', `/matches/${m2}/accept`, {});

    at('2026-04-01T02:00:00.000Z');
    const r3 = await file(e2, '2000000.00');
    const r4 = await file(e3, '300000.00');
    const m3 = await dispatch(r3, bankX);
    await dispatch(r3, bankY);
    const m5 = await dispatch(r4, bankY);
    at('2026-04-01T03:00:00.000Z');
    await post('president.y', `/matches/${m5}/accept`, {});
    at('2026-04-01T08:00:00.000Z');
    await post('president.x', `/matches/${m3}/accept`, {});
    at('2026-04-02T02:00:00.000Z');
    await post('president.y', `/matches/${m5}/decline`, {
      reasonCode: 'credit_history',
      reason: '征信有逾期记录',
    });
    await fund('president.x', m3, '2000000.00', '1500000.00', '2026-04-02');
    at('2026-04-20T02:00:00.000Z');
    expect(await sweep.sweep()).toBe(1);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await testApp.close();
  });

  it('checks every figure per bank and in total, each enterprise and request counted once', async () => {
    const response = await stats('admin', { groupBy: 'bank' });
    expect(response.status).toBe(200);
    const body = response.body as { groups: Group[]; total: unknown };
    const byKey = Object.fromEntries(body.groups.map((group) => [group.key, group]));
    expect(body.groups).toHaveLength(2);
    // Median of 2, 168 and 6 hours.
    expect(byKey[bankX]).toEqual({
      key: bankX,
      label: '吉林银行通化分行',
      ...figures(2, '3500000.00', 2, '2300000.00', '1.0000', '0.6571', 3, 3, 2, '6.0', '0.6667', 0),
    });
    expect(byKey[bankY]).toEqual({
      key: bankY,
      label: '中国银行通化分行',
      ...figures(2, '2300000.00', 0, '0.00', '0.0000', '0.0000', 2, 1, 1, '1.0', '0.5000', 1),
    });
    expect(body.total).toEqual(
      figures(3, '3800000.00', 2, '2300000.00', '0.6667', '0.6053', 5, 4, 3, '4.0', '0.6000', 1),
    );
  });

  it('checks every figure per region and per month', async () => {
    const byRegion = await stats('admin', { groupBy: 'region' });
    expect(byRegion.body.groups).toEqual([
      {
        key: '220502',
        label: '东昌区',
        ...figures(
          2,
          '1800000.00',
          1,
          '800000.00',
          '0.5000',
          '0.4444',
          3,
          3,
          2,
          '2.0',
          '0.6667',
          0,
        ),
      },
      {
        key: '220582',
        label: '集安市',
        ...figures(
          1,
          '2000000.00',
          1,
          '1500000.00',
          '1.0000',
          '0.7500',
          2,
          1,
          1,
          '6.0',
          '0.5000',
          1,
        ),
      },
    ]);
    const byMonth = await stats('admin', { groupBy: 'month' });
    expect(byMonth.body.groups).toEqual([
      {
        key: '2026-03',
        label: '2026-03',
        // Median of 2 and 168 hours; M2 was escalated but then accepted: no open escalation.
        ...figures(
          1,
          '1500000.00',
          1,
          '800000.00',
          '1.0000',
          '0.5333',
          2,
          2,
          1,
          '85.0',
          '0.5000',
          0,
        ),
      },
      {
        key: '2026-04',
        label: '2026-04',
        ...figures(
          2,
          '2300000.00',
          1,
          '1500000.00',
          '0.5000',
          '0.6522',
          3,
          2,
          2,
          '3.5',
          '0.6667',
          1,
        ),
      },
    ]);
  });

  it("shows a president only their bank's figures, also as CSV", async () => {
    const response = await stats('president.x', { groupBy: 'month' }).set('accept', 'text/csv');
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toMatch(/^attachment; /);
    const lines = response.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines.slice(1)).toEqual([
      '2026-03,1,1500000.00,1,800000.00,1.0000,0.5333,2,2,1,85.0,0.5000,0',
      '2026-04,1,2000000.00,1,1500000.00,1.0000,0.7500,1,1,1,6.0,1.0000,0',
      '合计,2,3500000.00,2,2300000.00,1.0000,0.6571,3,3,2,6.0,0.6667,0',
      '',
    ]);
  });
});
