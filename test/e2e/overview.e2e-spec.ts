import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Role } from '../../src/common/auth/role.js';
import { createTestApp, insertEnterprise, insertUser, login, TestApp } from '../support/app.js';
import {
  API,
  buildWorld,
  client,
  DECLINE,
  disbursement,
  Person,
  problem,
  World,
} from '../support/matchmaking.js';
import { applicationIn, shanghaiDate, turnoverClient } from '../support/turnover.js';

const TONGHUA_SHARES = { guarantor: '0.4', reguarantor: '0.3', bank: '0.2', government: '0.1' };

/**
 * The city dashboard on a known data set, built over HTTP in one business day (today, Asia/
 * Shanghai): every figure is checked against the value its definition gives on that set, and
 * every definition is checked to be in the OpenAPI document.
 */
describe('city dashboard (GET /stats/overview)', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof turnoverClient>;
  /** turnoverClient's `act` moves turnover applications; this one's moves matches. */
  let matching: ReturnType<typeof client>;
  const today = shanghaiDate();
  const tomorrow = shanghaiDate(1);
  const yesterday = shanghaiDate(-1);
  const period = `from=${today}&to=${tomorrow}`;

  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    http = turnoverClient(testApp);
    matching = client(testApp);
    await buildDataSet();
  }, 300_000);

  afterAll(async () => {
    await testApp?.close();
  });

  async function enterprisePerson(enterpriseId: string): Promise<Person> {
    const user = await insertUser(testApp.dataSource, {
      username: `overview-${randomUUID().slice(0, 12)}`,
      role: Role.Enterprise,
      enterpriseId,
    });
    return { ...user, session: await login(testApp, user.username) };
  }

  const created = async (pending: ReturnType<typeof http.post>): Promise<{ id: string }> => {
    const response = await pending;
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 201,
    });
    return response.body as { id: string };
  };

  /** A match of the request at the bank, accepted, approved and (if asked) disbursed. */
  async function lend(
    requestId: string,
    bank: World['bank1'],
    approved: string,
    disbursed?: string,
  ): Promise<void> {
    const matchId = await http.dispatch(world.admin, requestId, bank.id);
    await http.ok(matching.act(bank.officer, matchId, 'accept'));
    await http.ok(
      matching.act(bank.officer, matchId, 'approve', {
        approvedAmount: approved,
        annualRate: '0.0385',
        termMonths: 12,
      }),
    );
    if (disbursed !== undefined) {
      await http.ok(
        matching.act(bank.officer, matchId, 'disburse', disbursement({ amount: disbursed })),
      );
    }
  }

  /*
   * The data set (besides buildWorld's two new, planned projects of 1亿 total / 2000万 planned):
   * - projects: one continuing started (3亿 / 8000万) and one new completed (2亿 / 5000万);
   * - A (small) files 500万 itself → bank 1 approves 400万, disburses 300万; bank 2 declines;
   * - B (small, key50, commissioner from bank 1 since today): the center files 200万 on its
   *   behalf → bank 2 approves and disburses 200万;
   * - C (medium) files 100万 itself → bank 1 disburses 100万;
   * - turnover: A's use of 950万 repaid today (1 day: fee 1900.00, savings 36100.00), B's use of
   *   950万 disbursed and not repaid;
   * - guarantees: 1200万 at 0.7% and 600万 at 1% approved, 500万 applied only;
   * - events: today's with intents of 1000万 and 500万; tomorrow's with 300万.
   */
  async function buildDataSet(): Promise<void> {
    await created(
      http.post(world.admin, '/projects', {
        enterpriseId: world.enterpriseA,
        name: '续建生产基地项目',
        regionCode: '220502',
        kind: 'continuing',
        totalInvestment: '300000000.00',
        plannedInvestment: '80000000.00',
        status: 'started',
        startedOn: '2024-04-15',
        progressPercent: '40',
      }),
    );
    await created(
      http.post(world.admin, '/projects', {
        enterpriseId: world.enterpriseB,
        name: '新建研发中心项目',
        regionCode: '220502',
        kind: 'new',
        totalInvestment: '200000000.00',
        plannedInvestment: '50000000.00',
        status: 'completed',
        startedOn: '2025-03-01',
        progressPercent: '100',
      }),
    );

    await testApp.dataSource.query(
      `UPDATE enterprises SET tags = ARRAY['key50'] WHERE id = $1`, // fixture: the 双50 list
      [world.enterpriseB],
    );
    await created(
      http.post(world.admin, '/commissioners', {
        officerId: world.bank1.officer.id,
        enterpriseId: world.enterpriseB,
        from: today,
      }),
    );

    const requestA = await http.file(world.userA, { amount: '5000000.00' });
    const declined = await http.dispatch(world.admin, requestA, world.bank2.id);
    await http.ok(matching.act(world.bank2.officer, declined, 'decline', DECLINE));
    await lend(requestA, world.bank1, '4000000.00', '3000000.00');

    const requestB = await http.file(world.admin, {
      enterpriseId: world.enterpriseB,
      amount: '2000000.00',
    });
    await lend(requestB, world.bank2, '2000000.00', '2000000.00');

    const enterpriseC = await insertEnterprise(testApp.dataSource, '通化中型机械有限公司');
    await testApp.dataSource.query(`UPDATE enterprises SET scale = 'medium' WHERE id = $1`, [
      enterpriseC,
    ]);
    const userC = await enterprisePerson(enterpriseC);
    const requestC = await http.file(userC, { amount: '1000000.00' });
    await lend(requestC, world.bank1, '1000000.00', '1000000.00');

    const fundId = await http.createFund(world.admin);
    await http.inject(world.admin, fundId, '100000000.00');
    const parties = {
      fundId,
      bank: world.bank1,
      approver: world.admin,
      disburser: world.otherAdmin,
    };
    await applicationIn(testApp, 'repaid', { ...parties, user: world.userA });
    await applicationIn(testApp, 'disbursed', { ...parties, user: world.userB });

    const rates: [string, string, string][] = [
      ['0.007', '12000000.00', 'approve'],
      ['0.01', '6000000.00', 'approve'],
      ['0.007', '5000000.00', 'none'],
    ];
    for (const [rate, principal, action] of rates) {
      const fund = await created(
        http.post(world.admin, '/guarantee-funds', {
          name: `通化市信保基金-${randomUUID().slice(0, 8)}`,
          annualFeeRate: rate,
          perEnterpriseCap: '20000000.00',
          capacityMultiple: '10',
          shares: TONGHUA_SHARES,
        }),
      );
      const capital = await http.keyed(world.admin, `/guarantee-funds/${fund.id}/capital`, {
        amount: '10000000.00',
        note: '市财政注资',
      });
      expect(capital.status).toBe(201);
      const guarantee = await created(
        http.post(world.admin, '/guarantees', {
          fundId: fund.id,
          loanContractNo: `LOAN-${randomUUID().slice(0, 8)}`,
          enterpriseId: world.enterpriseA,
          bankId: world.bank1.id,
          principal,
          termMonths: 12,
        }),
      );
      if (action === 'approve') {
        await http.ok(http.post(world.admin, `/guarantees/${guarantee.id}/approve`));
      }
    }

    const events: [string, string[]][] = [
      [today, ['10000000.00', '5000000.00']],
      [tomorrow, ['3000000.00']],
    ];
    for (const [date, amounts] of events) {
      const event = await created(
        http.post(world.admin, '/events', {
          title: `专精特新企业线上融资对接会 ${date}`,
          theme: '专精特新',
          date,
          format: 'online',
          bankIds: [world.bank1.id],
          enterpriseIds: [world.enterpriseA, world.enterpriseB],
        }),
      );
      for (const [index, amount] of amounts.entries()) {
        await created(
          http.post(world.admin, `/events/${event.id}/intents`, {
            enterpriseId: index === 0 ? world.enterpriseA : world.enterpriseB,
            bankId: world.bank1.id,
            amount,
          }),
        );
      }
    }
  }

  it('shows every figure of the known data set as its definition gives it', async () => {
    const response = await http.get(world.admin, `/stats/overview?${period}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      from: today,
      to: tomorrow,
      projects: {
        count: 4,
        totalInvestment: '700000000.00',
        plannedInvestment: '170000000.00',
        newProjects: 3,
        continuingProjects: 1,
        started: 2,
        startRate: '0.5000',
      },
      turnoverFund: {
        turnover: '19000000.00',
        enterprises: 2,
        uses: 2,
        savings: '36100.00',
        newTurnover: '19000000.00',
        newUses: 2,
        newEnterprises: 2,
      },
      guarantees: {
        // (1200万 × 0.007 + 600万 × 0.01) ÷ 1800万
        feeRate: '0.008000',
        newGuarantees: 2,
        newGuaranteedLoans: '18000000.00',
      },
      // A's own request only: B's was filed on its behalf, C is medium-sized.
      onlineLoans: { disbursements: 1, enterprises: 1, amount: '3000000.00' },
      commissioners: { creditApproved: '2000000.00', loansDisbursed: '2000000.00' },
      matchmaking: {
        enterprisesPushed: 3,
        demandAmount: '8000000.00',
        enterprisesFunded: 3,
        amountDisbursed: '6000000.00',
        successRate: '1.0000',
        satisfactionRate: '0.7500',
      },
      events: { events: 1, intents: 2, intentAmount: '15000000.00' },
    });
  });

  it('equals the figures of each system’s own report', async () => {
    const overview = (await http.get(world.auditor, `/stats/overview?${period}`)).body as {
      matchmaking: Record<string, unknown>;
      commissioners: Record<string, unknown>;
      projects: Record<string, unknown>;
    };
    const matchmaking = (await http.get(world.auditor, `/stats/matchmaking?${period}`)).body as {
      total: Record<string, unknown>;
    };
    expect(matchmaking.total).toMatchObject(overview.matchmaking);
    const commissioners = (await http.get(world.auditor, `/stats/commissioners?${period}`))
      .body as { total: Record<string, unknown> };
    expect(commissioners.total).toMatchObject(overview.commissioners);
    const summary = (await http.get(world.auditor, '/projects/summary')).body as {
      total: { count: number; totalInvestment: string; startRate: string };
    };
    expect(summary.total).toMatchObject({
      count: overview.projects.count,
      totalInvestment: overview.projects.totalInvestment,
      startRate: overview.projects.startRate,
    });
  });

  it('bounds period figures by [from, to) and the turnover fund’s cumulative ones by to', async () => {
    const before = await http.get(world.auditor, `/stats/overview?from=${yesterday}&to=${today}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      projects: { count: 4 },
      turnoverFund: { turnover: '0.00', uses: 0, savings: '0.00', newTurnover: '0.00' },
      guarantees: { feeRate: null, newGuarantees: 0, newGuaranteedLoans: '0.00' },
      onlineLoans: { disbursements: 0, amount: '0.00' },
      commissioners: { creditApproved: '0.00', loansDisbursed: '0.00' },
      matchmaking: { enterprisesPushed: 0, successRate: null, satisfactionRate: null },
      events: { events: 0, intents: 0, intentAmount: '0.00' },
    });
    const after = await http.get(
      world.auditor,
      `/stats/overview?from=${tomorrow}&to=${shanghaiDate(2)}`,
    );
    expect(after.body).toMatchObject({
      turnoverFund: { turnover: '19000000.00', uses: 2, savings: '36100.00', newUses: 0 },
      events: { events: 1, intents: 1, intentAmount: '3000000.00' },
    });
  });

  it('defines every figure in the OpenAPI document', async () => {
    const document = (await testApp.http().get('/docs-json')).body as {
      paths: Record<string, { get?: { description?: string } }>;
      components: {
        schemas: Record<string, { properties: Record<string, { description?: string }> }>;
      };
    };
    expect(document.paths['/api/v1/stats/overview']?.get?.description).toContain('[from, to)');
    const sections = [
      'OverviewProjectsDto',
      'OverviewTurnoverFundDto',
      'OverviewGuaranteesDto',
      'OverviewOnlineLoansDto',
      'OverviewCommissionersDto',
      'OverviewMatchmakingDto',
      'OverviewEventsDto',
    ];
    const undefinedFigures = sections.flatMap((name) =>
      Object.entries(document.components.schemas[name].properties)
        .filter(([, property]) => (property.description ?? '').length < 10)
        .map(([field]) => `${name}.${field}`),
    );
    expect(undefinedFigures).toEqual([]);
    const schemas = document.components.schemas;
    expect(schemas.OverviewMatchmakingDto.properties.satisfactionRate.description).toContain(
      'amountDisbursed ÷ demandAmount',
    );
    expect(schemas.OverviewOnlineLoansDto.properties.amount.description).toContain('disbursed');
    expect(schemas.OverviewOnlineLoansDto.properties.disbursements.description).toContain(
      'self-service',
    );
    expect(schemas.OverviewGuaranteesDto.properties.feeRate.description).toContain(
      'weighted by principal',
    );
  });

  it('answers CSV, one figure a line, when asked', async () => {
    const response = await testApp
      .http()
      .get(`${API}/stats/overview?${period}`)
      .set('authorization', `Bearer ${world.auditor.session.accessToken}`)
      .set('accept', 'text/csv');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="overview-${today}-${tomorrow}.csv"`,
    );
    const lines = response.text.split('\r\n');
    expect(lines[0]).toBe(`\uFEFF系统,指标,${today}至${tomorrow}（不含）`);
    expect(lines).toEqual(
      expect.arrayContaining([
        '重点项目,开工率,0.5000',
        '应急周转基金,累计节约财务成本（元）,36100.00',
        '信保基金,担保费率,0.008000',
        '吉企银通,线上小微贷款（元）,3000000.00',
        '项目中心+行长制,需求金额（元）,8000000.00',
        '项目中心+行长制,资金需求满足率,0.7500',
        '融资对接活动,融资意向金额（元）,15000000.00',
      ]),
    );
    expect(lines).toHaveLength(33); // header, 31 figures, and the empty string after the last CRLF
  });

  it('is for administrators and auditors: bank staff and enterprises 403, no token 401', async () => {
    for (const who of [world.bank1.president, world.bank1.officer, world.userA]) {
      const response = await http.get(who, `/stats/overview?${period}`);
      expect({ username: who.username, status: response.status }).toEqual({
        username: who.username,
        status: 403,
      });
    }
    const anonymous = await testApp.http().get(`${API}/stats/overview?${period}`);
    expect(anonymous.status).toBe(401);
  });

  it('refuses a bad period with 400 problem+json naming the field', async () => {
    const cases: [string, string][] = [
      [`to=${tomorrow}`, 'from'],
      [`from=${today}`, 'to'],
      [`from=2026-02-30&to=${tomorrow}`, 'from'],
      [`from=${today}&to=tomorrow`, 'to'],
      [`from=${today}&to=${today}`, 'to'],
      [`from=${tomorrow}&to=${today}`, 'to'],
    ];
    for (const [query, field] of cases) {
      const response = await http.get(world.admin, `/stats/overview?${query}`);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect({ query, ...problem(response) }).toEqual({
        query,
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: [field],
      });
    }
  });
});
