import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../common/errors/domain-error.js';
import {
  APPLICATION_STATUSES,
  APPLICATION_TRANSITIONS,
  type ApplicationAction,
  type ApplicationStatus,
  OPEN_APPLICATION_STATUSES,
  requireApplicationAction,
} from './lifecycle.js';

/** DESIGN §4.4, written out move by move: [action, from, to]. */
const ALLOWED: [ApplicationAction, ApplicationStatus, ApplicationStatus][] = [
  ['bank_commit', 'submitted', 'bank_committed'],
  ['renew_without_bridge', 'submitted', 'renewed_without_bridge'],
  ['renew_without_bridge', 'bank_committed', 'renewed_without_bridge'],
  ['approve', 'bank_committed', 'approved'],
  ['reject', 'submitted', 'rejected'],
  ['reject', 'bank_committed', 'rejected'],
  ['cancel', 'submitted', 'cancelled'],
  ['cancel', 'bank_committed', 'cancelled'],
  ['cancel', 'approved', 'cancelled'],
  ['disburse', 'approved', 'disbursed'],
  ['renew', 'disbursed', 'renewed'],
  ['mark_overdue', 'disbursed', 'overdue'],
  ['mark_overdue', 'renewed', 'overdue'],
  ['repay', 'disbursed', 'repaid'],
  ['repay', 'renewed', 'repaid'],
  ['repay', 'overdue', 'repaid'],
  ['write_off', 'overdue', 'written_off'],
];

describe('turnover application lifecycle', () => {
  it('allows exactly the moves of the design, each to its target', () => {
    const table = Object.entries(APPLICATION_TRANSITIONS).flatMap(([action, move]) =>
      move.from.map((from) => [action, from, move.to]),
    );
    expect(new Set(table.map((move) => move.join(' ')))).toEqual(
      new Set(ALLOWED.map((move) => move.join(' '))),
    );
  });

  it('answers 409 INVALID_TRANSITION naming the current state for every other move', () => {
    const actions = Object.keys(APPLICATION_TRANSITIONS) as ApplicationAction[];
    let refused = 0;
    for (const action of actions) {
      for (const status of APPLICATION_STATUSES) {
        const allowed = ALLOWED.some(([a, from]) => a === action && from === status);
        if (allowed) {
          expect(() => requireApplicationAction(action, status)).not.toThrow();
          continue;
        }
        refused += 1;
        try {
          requireApplicationAction(action, status);
          throw new Error(`${action} from ${status} was allowed`);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe('INVALID_TRANSITION');
          expect((error as DomainError).details.extensions).toEqual({ currentStatus: status });
        }
      }
    }
    expect(refused).toBe(actions.length * APPLICATION_STATUSES.length - ALLOWED.length);
  });

  it('keeps nothing terminal open and every non-terminal state open', () => {
    const terminal = APPLICATION_STATUSES.filter(
      (status) => !ALLOWED.some(([, from]) => from === status),
    );
    expect(terminal.sort()).toEqual(
      ['cancelled', 'rejected', 'renewed_without_bridge', 'repaid', 'written_off'].sort(),
    );
    expect([...OPEN_APPLICATION_STATUSES].sort()).toEqual(
      APPLICATION_STATUSES.filter((status) => !terminal.includes(status)).sort(),
    );
  });
});
