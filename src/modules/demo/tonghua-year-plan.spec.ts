import { describe, expect, it } from '@jest/globals';
import { chargeForUse } from '../turnover-fund/fees.js';
import {
  DAYS_IN_YEAR,
  DEMO_TURNOVER_FUND,
  planYear,
  scaleTargets,
  splitExactly,
  seeded,
  TONGHUA_YEAR,
  type YearPlan,
} from './tonghua-year-plan.js';

const sum = (values: readonly bigint[]): bigint =>
  values.reduce((total, value) => total + value, 0n);

function savingsOf(plan: YearPlan): bigint {
  const terms = { ...DEMO_TURNOVER_FUND, minFeeFen: null };
  return sum(
    plan.uses.map((use) => chargeForUse(use.principalFen, use.days, terms, use.days).savingsFen),
  );
}

describe('the Tonghua year plan', () => {
  it('splits a total exactly, within its bounds, the same way for the same seed', () => {
    const bounds = { unit: 100n, min: 1_000n, max: 9_000n };
    const parts = splitExactly(1_000_000n, 200, seeded(7), bounds);
    expect(sum(parts)).toBe(1_000_000n);
    expect(parts.every((part) => part >= 1_000n && part <= 9_000n && part % 100n === 0n)).toBe(
      true,
    );
    expect(splitExactly(1_000_000n, 200, seeded(7), bounds)).toEqual(parts);
    expect(() => splitExactly(1_000_000n, 100, seeded(7), bounds)).toThrow(RangeError);
  });

  it.each([
    ['the full year', 1],
    ['1/20', 20],
  ])('adds up to the report’s figures for %s', (_, divisor) => {
    const targets = scaleTargets(TONGHUA_YEAR, divisor);
    const plan = planYear(targets, 2026, 8);
    const disbursed = plan.requests.filter((request) => request.outcome === 'disbursed');
    const key50 = plan.requests.filter(
      (request) => plan.enterprises[request.enterpriseIndex].role === 'key50',
    );
    expect({
      projects: plan.projects.length,
      newProjects: plan.projects.filter((project) => project.kind === 'new').length,
      started: plan.projects.filter((project) => project.started).length,
      total: sum(plan.projects.map((project) => project.totalInvestmentFen)),
      planned: sum(plan.projects.map((project) => project.plannedInvestmentFen)),
      pushed: new Set(plan.requests.map((request) => request.enterpriseIndex)).size,
      demand: sum(plan.requests.map((request) => request.amountFen)),
      funded: new Set(disbursed.map((request) => request.enterpriseIndex)).size,
      disbursed: sum(disbursed.map((request) => request.amountFen)),
      key50Approved: sum(
        key50
          .filter((request) => request.outcome !== 'declined')
          .map((request) => request.amountFen),
      ),
      key50Disbursed: sum(
        key50
          .filter((request) => request.outcome === 'disbursed')
          .map((request) => request.amountFen),
      ),
      online: sum(
        plan.requests.filter((request) => request.selfFiled).map((request) => request.amountFen),
      ),
      uses: new Set(plan.uses.map((use) => use.enterpriseIndex)).size,
      turnover: sum(plan.uses.map((use) => use.principalFen)),
      savings: savingsOf(plan),
      guaranteed: sum(plan.guarantees.map((guarantee) => guarantee.principalFen)),
      intents: sum(plan.event.intents.map((intent) => intent.amountFen)),
    }).toEqual({
      projects: targets.projects.count,
      newProjects: targets.projects.newCount,
      started: targets.projects.started,
      total: targets.projects.totalInvestmentFen,
      planned: targets.projects.plannedInvestmentFen,
      pushed: targets.matchmaking.pushed,
      demand: targets.matchmaking.demandFen,
      funded: targets.matchmaking.funded,
      disbursed: targets.matchmaking.disbursedFen,
      key50Approved: targets.commissioners.approvedFen,
      key50Disbursed: targets.commissioners.disbursedFen,
      online: targets.online.amountFen,
      uses: targets.turnover.uses,
      turnover: targets.turnover.turnoverFen,
      savings: targets.turnover.savingsFen,
      guaranteed: targets.guarantees.principalFen,
      intents: targets.event.amountFen,
    });
    expect(
      plan.projects.every((project) => project.plannedInvestmentFen <= project.totalInvestmentFen),
    ).toBe(true);
    expect(
      plan.uses.every(
        (use) => use.principalFen <= 2_000_000_000n && use.day + use.days < DAYS_IN_YEAR,
      ),
    ).toBe(true);
  });

  it('is the same plan for the same seed', () => {
    const targets = scaleTargets(TONGHUA_YEAR, 20);
    expect(planYear(targets, 11, 8)).toEqual(planYear(targets, 11, 8));
  });
});
