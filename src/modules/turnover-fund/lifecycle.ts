import { invalidTransition } from '../matching/lifecycles.js';

/** 转贷申请 states (DESIGN §4.4). */
export const APPLICATION_STATUSES = [
  'submitted',
  'bank_committed',
  'approved',
  'disbursed',
  'renewed',
  'repaid',
  'rejected',
  'cancelled',
  'overdue',
  'written_off',
  'renewed_without_bridge',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/**
 * Every allowed move of a turnover application, and the only place they are listed: the action,
 * the states it may start from and the state it leads to. The migration's CHECK on `status` and
 * its partial unique index over the open states use the same names.
 *
 * - `renew_without_bridge`: the bank renewed without repayment of principal (无还本续贷), so the
 *   fund is not needed; the application closes, and the route is kept for the report.
 * - `mark_overdue` is the overdue sweep's move (past the due date, still repayable).
 */
export const APPLICATION_TRANSITIONS = {
  bank_commit: { from: ['submitted'], to: 'bank_committed' },
  renew_without_bridge: { from: ['submitted', 'bank_committed'], to: 'renewed_without_bridge' },
  approve: { from: ['bank_committed'], to: 'approved' },
  reject: { from: ['submitted', 'bank_committed'], to: 'rejected' },
  cancel: { from: ['submitted', 'bank_committed', 'approved'], to: 'cancelled' },
  disburse: { from: ['approved'], to: 'disbursed' },
  renew: { from: ['disbursed'], to: 'renewed' },
  mark_overdue: { from: ['disbursed', 'renewed'], to: 'overdue' },
  repay: { from: ['disbursed', 'renewed', 'overdue'], to: 'repaid' },
  write_off: { from: ['overdue'], to: 'written_off' },
} as const satisfies Record<string, { from: readonly ApplicationStatus[]; to: ApplicationStatus }>;
export type ApplicationAction = keyof typeof APPLICATION_TRANSITIONS;

/** Not yet closed: at most one of these per enterprise. */
export const OPEN_APPLICATION_STATUSES: readonly ApplicationStatus[] = [
  'submitted',
  'bank_committed',
  'approved',
  'disbursed',
  'renewed',
  'overdue',
];

export function statesAllowing(action: ApplicationAction): readonly ApplicationStatus[] {
  return APPLICATION_TRANSITIONS[action].from;
}

export function targetOf(action: ApplicationAction): ApplicationStatus {
  return APPLICATION_TRANSITIONS[action].to;
}

/** Throws 409 INVALID_TRANSITION naming the current state unless `action` may move it. */
export function requireApplicationAction(
  action: ApplicationAction,
  current: ApplicationStatus,
): void {
  if (!statesAllowing(action).includes(current)) {
    throw invalidTransition('turnover application', action, current);
  }
}
