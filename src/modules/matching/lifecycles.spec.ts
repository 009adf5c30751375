import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../../common/errors/error-code.js';
import {
  MATCH_TRANSITIONS,
  nextRequestStatus,
  REQUEST_TRANSITIONS,
  requestStatesLeadingTo,
  requireMatchAction,
  type MatchStatus,
  type RequestStatus,
} from './lifecycles.js';

const REQUEST_STATES: RequestStatus[] = [
  'submitted',
  'dispatched',
  'funded',
  'withdrawn',
  'closed',
];
const MATCH_STATES: MatchStatus[] = [
  'dispatched',
  'accepted',
  'approved',
  'disbursed',
  'declined',
  'recalled',
  'cancelled',
];

describe('request lifecycle', () => {
  it('guards each move with exactly the states that allow it', () => {
    expect(requestStatesLeadingTo('dispatch', 'dispatched')).toEqual(['submitted']);
    expect(requestStatesLeadingTo('fund', 'funded')).toEqual(['dispatched']);
    expect(requestStatesLeadingTo('reopen', 'submitted')).toEqual(['dispatched']);
    expect(requestStatesLeadingTo('withdraw', 'withdrawn')).toEqual(['submitted', 'dispatched']);
    expect(requestStatesLeadingTo('close', 'closed')).toEqual(['submitted', 'dispatched']);
  });

  it('answers 409 with the current state for every move a state does not allow', () => {
    for (const action of Object.keys(REQUEST_TRANSITIONS)) {
      for (const state of REQUEST_STATES) {
        const allowed = REQUEST_TRANSITIONS[action][state].length > 0;
        if (allowed) {
          expect(() => nextRequestStatus(action, state)).not.toThrow();
        } else {
          expect(() => nextRequestStatus(action, state)).toThrow(
            expect.objectContaining({
              code: ErrorCode.InvalidTransition,
              details: { extensions: { currentStatus: state } },
            }),
          );
        }
      }
    }
  });

  it('never lets a funded, withdrawn or closed request be withdrawn, closed or dispatched', () => {
    for (const state of ['funded', 'withdrawn', 'closed'] as const) {
      for (const action of ['withdraw', 'close', 'dispatch']) {
        expect(() => nextRequestStatus(action, state)).toThrow();
      }
    }
  });
});

describe('match lifecycle', () => {
  it('moves only open matches, each action from its own states', () => {
    const movable = (action: string) =>
      MATCH_STATES.filter((state) => {
        try {
          requireMatchAction(action, state);
          return true;
        } catch {
          return false;
        }
      });
    expect(movable('accept')).toEqual(['dispatched']);
    expect(movable('approve')).toEqual(['accepted']);
    expect(movable('disburse')).toEqual(['approved']);
    for (const action of ['decline', 'recall', 'cancel', 'assign']) {
      expect(movable(action)).toEqual(['dispatched', 'accepted', 'approved']);
    }
    expect(Object.keys(MATCH_TRANSITIONS).sort()).toEqual(
      ['accept', 'approve', 'assign', 'cancel', 'decline', 'disburse', 'recall'].sort(),
    );
  });
});
