import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
import { shanghaiBusinessDate } from '../../src/common/business-date.js';
import { Clock } from '../../src/common/clock.js';
import { formatFen } from '../../src/common/money/money.js';
import { Decimal } from '../../src/common/money/rate.js';
import { scaleTargets, TONGHUA_YEAR } from '../../src/modules/demo/tonghua-year-plan.js';
import {
  TonghuaYearReplay,
  type YearReplayReport,
} from '../../src/modules/demo/tonghua-year.service.js';
import { createTestApp, insertUser, login, TestApp } from '../support/app.js';
import { client, Person } from '../support/matchmaking.js';

/** The report's figures at 1/20 (counts rounded half-up, money divided exactly). */
const TARGETS = scaleTargets(TONGHUA_YEAR, 20);

const rate = (numerator: bigint | number, denominator: bigint | number, places: number): string =>
  new Decimal(numerator.toString()).div(denominator.toString()).toFixed(places);

/**
 * A scaled-down replay of the Tonghua year, entered through the services, and the city
 * dashboard over it: every figure equals its target to the fen and the count.
 */
describe('the Tonghua year replay at 1/20', () => {
  let testApp: TestApp;
  let auditor: Person;
  let report: YearReplayReport;

  beforeAll(async () => {
    testApp = await createTestApp();
    await insertUser(testApp.dataSource, { username: 'city-admin', role: Role.Admin });
    const user = await insertUser(testApp.dataSource, {
      username: 'city-auditor',
      role: Role.Auditor,
    });
    auditor = { ...user, session: await login(testApp, user.username) };
    report = await testApp.app.get(TonghuaYearReplay).run({ targets: TARGETS });
  }, 900_000);

  afterAll(async () => {
    await testApp?.close();
  });

  it('shows the scaled report on the dashboard over the year, to the fen', async () => {
    expect(report).toMatchObject({ replayed: true });
    const response = await client(testApp).get(
      auditor,
      `/stats/overview?from=${report.from}&to=${report.to}`,
    );
    expect(response.status).toBe(200);
    const { projects, matchmaking, commissioners, online, turnover, guarantees, event } = TARGETS;
    expect(response.body).toEqual({
      from: report.from,
      to: report.to,
      projects: {
        count: projects.count,
        totalInvestment: formatFen(projects.totalInvestmentFen),
        plannedInvestment: formatFen(projects.plannedInvestmentFen),
        newProjects: projects.newCount,
        continuingProjects: projects.count - projects.newCount,
        started: projects.started,
        startRate: rate(projects.started, projects.count, 4),
      },
      turnoverFund: {
        turnover: formatFen(turnover.turnoverFen),
        enterprises: turnover.uses,
        uses: turnover.uses,
        savings: formatFen(turnover.savingsFen),
        newTurnover: formatFen(turnover.turnoverFen),
        newUses: turnover.uses,
        newEnterprises: turnover.uses,
      },
      guarantees: {
        feeRate: new Decimal(guarantees.annualFeeRate).toFixed(6),
        newGuarantees: guarantees.count,
        newGuaranteedLoans: formatFen(guarantees.principalFen),
      },
      onlineLoans: {
        disbursements: online.count,
        enterprises: online.count,
        amount: formatFen(online.amountFen),
      },
      commissioners: {
        creditApproved: formatFen(commissioners.approvedFen),
        loansDisbursed: formatFen(commissioners.disbursedFen),
      },
      matchmaking: {
        enterprisesPushed: matchmaking.pushed,
        demandAmount: formatFen(matchmaking.demandFen),
        enterprisesFunded: matchmaking.funded,
        amountDisbursed: formatFen(matchmaking.disbursedFen),
        successRate: rate(matchmaking.funded, matchmaking.pushed, 4),
        satisfactionRate: rate(matchmaking.disbursedFen, matchmaking.demandFen, 4),
      },
      events: { events: 1, intents: event.intents, intentAmount: formatFen(event.amountFen) },
    });
  });

  it('spread the year over 365 days ending today, and gave the clock back', async () => {
    const days = (Date.parse(report.to) - Date.parse(report.from)) / 86_400_000;
    expect(days).toBe(365);
    expect(report.to).toBe(shanghaiBusinessDate(new Date(Date.now() + 86_400_000)));
    expect(Math.abs(testApp.app.get(Clock).now().getTime() - Date.now())).toBeLessThan(60_000);
    const [spread] = await testApp.dataSource.query<{ first: string; last: string }[]>(
      `SELECT min(disbursed_on)::text AS first, max(disbursed_on)::text AS last FROM matches`,
    );
    expect(spread.first > report.from && spread.last < report.to).toBe(true);
  });

  it('kept every ledger balanced and every money move audited', async () => {
    const [fund] = await testApp.dataSource.query<{ id: string }[]>(
      'SELECT id FROM turnover_funds',
    );
    const reconciled = await client(testApp).get(auditor, `/turnover-funds/${fund.id}/reconcile`);
    expect(reconciled.body).toMatchObject({ ok: true });
    const [audit] = await testApp.dataSource.query<{ disbursed: number; repaid: number }[]>(
      `SELECT count(*) FILTER (WHERE action LIKE 'turnover_application.disburse%')::int AS disbursed,
              count(*) FILTER (WHERE action LIKE 'turnover_application.repa%')::int AS repaid
         FROM audit_events`,
    );
    expect(audit).toEqual({ disbursed: TARGETS.turnover.uses, repaid: TARGETS.turnover.uses });
  });

  it('does nothing when run again', async () => {
    const again = await testApp.app.get(TonghuaYearReplay).run({ targets: TARGETS });
    expect(again).toMatchObject({ replayed: false, serviceCalls: 0 });
  });
});
