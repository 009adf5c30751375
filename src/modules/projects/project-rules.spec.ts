import { describe, expect, it } from '@jest/globals';
import {
  checkProjectFacts,
  isCalendarDate,
  mayMove,
  normalisePercent,
  ProjectFacts,
  ProjectStatus,
} from './project-rules.js';

const { Planned, Started, Completed, Suspended } = ProjectStatus;

describe('project status lifecycle', () => {
  it.each([
    [Planned, Started],
    [Planned, Completed],
    [Planned, Suspended],
    [Started, Completed],
    [Started, Suspended],
    [Suspended, Started],
    [Suspended, Planned],
    [Suspended, Completed],
    [Completed, Completed],
  ])('allows %s → %s', (from, to) => {
    expect(mayMove(from, to)).toBe(true);
  });

  it.each([
    [Started, Planned],
    [Completed, Started],
    [Completed, Planned],
    [Completed, Suspended],
  ])('refuses %s → %s', (from, to) => {
    expect(mayMove(from, to)).toBe(false);
  });
});

describe('normalisePercent', () => {
  it.each([
    ['0', '0.00'],
    ['40', '40.00'],
    ['37.5', '37.50'],
    ['99.99', '99.99'],
    ['100', '100.00'],
    ['100.00', '100.00'],
    ['007', '7.00'],
  ])('reads %j as %j', (input, expected) => {
    expect(normalisePercent(input)).toBe(expected);
  });

  it.each(['100.01', '101', '-1', '1.234', '', '.5', '1e2', ' 5', '5%'])('refuses %j', (input) => {
    expect(normalisePercent(input)).toBeUndefined();
  });
});

describe('isCalendarDate', () => {
  it('accepts real dates and refuses impossible or other forms', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2023-13-01')).toBe(false);
    expect(isCalendarDate('2023/01/01')).toBe(false);
    expect(isCalendarDate('2023-1-1')).toBe(false);
  });
});

describe('checkProjectFacts', () => {
  const base: ProjectFacts = {
    status: Started,
    startedOn: '2022-04-15',
    totalInvestmentFen: 1_000n,
    plannedInvestmentFen: 500n,
    fundingGapFen: 200n,
  };
  const today = '2025-05-20';

  it('accepts a consistent project', () => {
    expect(checkProjectFacts(base, today)).toEqual([]);
  });

  it('requires the start date once started or completed', () => {
    for (const status of [Started, Completed]) {
      expect(checkProjectFacts({ ...base, status, startedOn: null }, today)).toEqual([
        { field: 'startedOn', message: `is required when the status is ${status}` },
      ]);
    }
    expect(checkProjectFacts({ ...base, status: Suspended, startedOn: null }, today)).toEqual([]);
  });

  it('refuses a start date on a planned project or in the future', () => {
    expect(checkProjectFacts({ ...base, status: Planned }, today)).toEqual([
      { field: 'startedOn', message: 'must be empty while the status is planned' },
    ]);
    expect(checkProjectFacts({ ...base, startedOn: '2025-05-21' }, today)).toEqual([
      { field: 'startedOn', message: 'must not be after today (2025-05-20)' },
    ]);
    expect(checkProjectFacts({ ...base, startedOn: today }, today)).toEqual([]);
  });

  it('keeps the planned investment and the gap within the total', () => {
    expect(
      checkProjectFacts({ ...base, plannedInvestmentFen: 1_001n, fundingGapFen: 1_001n }, today),
    ).toEqual([
      { field: 'plannedInvestment', message: 'must not exceed totalInvestment' },
      { field: 'fundingGap', message: 'must not exceed totalInvestment' },
    ]);
    expect(
      checkProjectFacts({ ...base, plannedInvestmentFen: 1_000n, fundingGapFen: 1_000n }, today),
    ).toEqual([]);
  });
});
