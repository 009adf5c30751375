import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../common/errors/domain-error.js';
import {
  GUARANTEE_STATUSES,
  GUARANTEE_TRANSITIONS,
  type GuaranteeAction,
  nextGuaranteeStatus,
} from './guarantee-lifecycle.js';

describe('guarantee lifecycle', () => {
  const allowed: Record<GuaranteeAction, Record<string, string>> = {
    approve: { applied: 'approved' },
    reject: { applied: 'rejected' },
    activate: { approved: 'active' },
    release: { approved: 'released', active: 'released' },
    claim: { active: 'claimed' },
    recover: { claimed: 'recovered' },
  };

  it('allows exactly the listed moves and refuses every other with 409 naming the state', () => {
    for (const action of Object.keys(GUARANTEE_TRANSITIONS) as GuaranteeAction[]) {
      for (const status of GUARANTEE_STATUSES) {
        const target = allowed[action][status];
        if (target !== undefined) {
          expect(nextGuaranteeStatus(action, status)).toBe(target);
        } else {
          let error: unknown;
          try {
            nextGuaranteeStatus(action, status);
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe('INVALID_TRANSITION');
          expect((error as DomainError).details.extensions).toEqual({ currentStatus: status });
        }
      }
    }
  });

  it('leaves released, rejected and recovered final', () => {
    for (const status of ['released', 'rejected', 'recovered'] as const) {
      const exits = Object.values(GUARANTEE_TRANSITIONS).filter((move) =>
        (move.from as readonly string[]).includes(status),
      );
      expect(exits).toEqual([]);
    }
  });
});
