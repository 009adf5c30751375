import { invalidTransition } from '../matching/lifecycles.js';

/** Stored states of a commissioner assignment. */
export type AssignmentStatus = 'active' | 'ended';
export type AssignmentEndCause = 'ended' | 'reassigned';

export const VISIT_KINDS = ['onsite', 'phone', 'online', 'meeting'] as const;
/** 上门走访 / 电话 / 线上 / 座谈或活动. */
export type VisitKind = (typeof VISIT_KINDS)[number];

/** Where a visit's need stands: none found, found and not yet filed, filed as a request. */
export type NeedStatus = 'none' | 'open' | 'filed';

/**
 * Every allowed move of an assignment and of a visit's need, and the only place they are
 * listed. An assignment ends once, by an administrator or because another commissioner took
 * over (`replace`, the guarded UPDATE of a new appointment); the commissioner logs visits and
 * files needs only on an active assignment (`serve`; administrators may also act on an ended
 * one, e.g. a late entry); a need found is filed as one financing request, once.
 */
export const ASSIGNMENT_TRANSITIONS: Readonly<Record<string, readonly AssignmentStatus[]>> = {
  end: ['active'],
  replace: ['active'],
  serve: ['active'],
};

export const NEED_TRANSITIONS: Readonly<Record<string, readonly NeedStatus[]>> = {
  file: ['open'],
};

/** Throws a 409 naming the current state unless `action` may move the assignment. */
export function requireAssignmentAction(
  action: keyof typeof ASSIGNMENT_TRANSITIONS,
  current: AssignmentStatus,
): void {
  if (!(ASSIGNMENT_TRANSITIONS[action] ?? []).includes(current)) {
    throw invalidTransition('commissioner assignment', action, current);
  }
}

export function needStatus(visit: { needFound: boolean; requestId: string | null }): NeedStatus {
  if (!visit.needFound) {
    return 'none';
  }
  return visit.requestId === null ? 'open' : 'filed';
}

/** Throws a 409 naming the need's state unless `action` may move it. */
export function requireNeedAction(
  action: keyof typeof NEED_TRANSITIONS,
  current: NeedStatus,
): void {
  if (!(NEED_TRANSITIONS[action] ?? []).includes(current)) {
    throw invalidTransition('need', action, current);
  }
}
