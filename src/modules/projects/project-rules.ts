import { FieldError } from '../../common/errors/domain-error.js';

/** 重点项目 kind: 新建 (new this year) or 续建 (continuing from an earlier year). */
export enum ProjectKind {
  New = 'new',
  Continuing = 'continuing',
}

/** Where a key project stands: 计划 planned, 开工 started, 竣工 completed, 停工 suspended. */
export enum ProjectStatus {
  Planned = 'planned',
  Started = 'started',
  Completed = 'completed',
  Suspended = 'suspended',
}

/**
 * The status lifecycle, one table. Surveys are periodic, so a project may be found completed
 * without ever having been seen started; nothing leaves `completed`, and a project that has
 * started never goes back to `planned` (only a suspended one that never started may).
 */
export const STATUS_TRANSITIONS: Readonly<Record<ProjectStatus, readonly ProjectStatus[]>> = {
  [ProjectStatus.Planned]: [
    ProjectStatus.Started,
    ProjectStatus.Completed,
    ProjectStatus.Suspended,
  ],
  [ProjectStatus.Started]: [ProjectStatus.Completed, ProjectStatus.Suspended],
  [ProjectStatus.Suspended]: [
    ProjectStatus.Planned,
    ProjectStatus.Started,
    ProjectStatus.Completed,
  ],
  [ProjectStatus.Completed]: [],
};

/** Staying put is always allowed; anything else must be in the table. */
export function mayMove(from: ProjectStatus, to: ProjectStatus): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}

/**
 * Statuses that count as 开工 (started) for the start rate: under construction or finished.
 * A suspended project is not counted, since it is not being built now.
 */
export const STARTED_STATUSES: readonly ProjectStatus[] = [
  ProjectStatus.Started,
  ProjectStatus.Completed,
];

/** 形象进度: a percentage from 0 to 100 with at most two decimals, e.g. "40" or "37.50". */
export const PERCENT_PATTERN = /^\d{1,3}(\.\d{1,2})?$/;
export const PERCENT_FORMAT_MESSAGE =
  'must be a percentage from 0 to 100 as a string with at most two decimals, e.g. "37.50"';

/** "40" → "40.00", the form NUMERIC(5,2) reads back in; undefined when not a valid percentage. */
export function normalisePercent(value: string): string | undefined {
  if (!PERCENT_PATTERN.test(value)) {
    return undefined;
  }
  const [integerPart, fractionPart = ''] = value.split('.');
  const integer = Number.parseInt(integerPart, 10);
  const fraction = fractionPart.padEnd(2, '0');
  if (integer > 100 || (integer === 100 && fraction !== '00')) {
    return undefined;
  }
  return `${integer}.${fraction}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (match === null) {
    return false;
  }
  const [, year, month, day] = match.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** What the cross-field rules look at: a project's state after a create, update or import line. */
export interface ProjectFacts {
  status: ProjectStatus;
  startedOn: string | null;
  totalInvestmentFen: bigint;
  plannedInvestmentFen: bigint;
  fundingGapFen: bigint;
}

/**
 * Rules that span fields, with the API's field names:
 * - `startedOn` is the actual 开工 date: required once a project is started or completed, absent
 *   while it is planned (a suspended project may or may not have started), never in the future;
 * - this year's planned investment and the funding gap are each part of the total investment.
 */
export function checkProjectFacts(facts: ProjectFacts, today: string): FieldError[] {
  const errors: FieldError[] = [];
  if (STARTED_STATUSES.includes(facts.status) && facts.startedOn === null) {
    errors.push({ field: 'startedOn', message: `is required when the status is ${facts.status}` });
  }
  if (facts.status === ProjectStatus.Planned && facts.startedOn !== null) {
    errors.push({ field: 'startedOn', message: 'must be empty while the status is planned' });
  }
  if (facts.startedOn !== null && facts.startedOn > today) {
    errors.push({ field: 'startedOn', message: `must not be after today (${today})` });
  }
  if (facts.plannedInvestmentFen > facts.totalInvestmentFen) {
    errors.push({ field: 'plannedInvestment', message: 'must not exceed totalInvestment' });
  }
  if (facts.fundingGapFen > facts.totalInvestmentFen) {
    errors.push({ field: 'fundingGap', message: 'must not exceed totalInvestment' });
  }
  return errors;
}
