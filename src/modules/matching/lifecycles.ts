import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';

/** 融资需求 states. */
export type RequestStatus = 'submitted' | 'dispatched' | 'funded' | 'withdrawn' | 'closed';
/** 对接 states. */
export type MatchStatus =
  'dispatched' | 'accepted' | 'approved' | 'disbursed' | 'declined' | 'recalled' | 'cancelled';

export const OPEN_MATCH_STATUSES: readonly MatchStatus[] = ['dispatched', 'accepted', 'approved'];

/**
 * Every allowed move of a financing request, and the only place they are listed. A request goes
 * back to `submitted` when its last open match is declined or recalled, so the center can
 * dispatch it again.
 */
export const REQUEST_TRANSITIONS: Readonly<
  Record<string, Readonly<Record<RequestStatus, RequestStatus[]>>>
> = {
  dispatch: {
    submitted: ['dispatched'],
    dispatched: ['dispatched'],
    funded: [],
    withdrawn: [],
    closed: [],
  },
  fund: { dispatched: ['funded'], funded: ['funded'], submitted: [], withdrawn: [], closed: [] },
  reopen: { dispatched: ['submitted'], submitted: [], funded: [], withdrawn: [], closed: [] },
  withdraw: {
    submitted: ['withdrawn'],
    dispatched: ['withdrawn'],
    funded: [],
    withdrawn: [],
    closed: [],
  },
  close: { submitted: ['closed'], dispatched: ['closed'], funded: [], withdrawn: [], closed: [] },
};

/** Every allowed move of a match. */
export const MATCH_TRANSITIONS: Readonly<Record<string, readonly MatchStatus[]>> = {
  accept: ['dispatched'],
  approve: ['accepted'],
  disburse: ['approved'],
  decline: ['dispatched', 'accepted', 'approved'],
  recall: ['dispatched', 'accepted', 'approved'],
  cancel: ['dispatched', 'accepted', 'approved'],
  assign: ['dispatched', 'accepted', 'approved'],
};

export const MATCH_TARGET: Readonly<Record<string, MatchStatus | null>> = {
  accept: 'accepted',
  approve: 'approved',
  disburse: 'disbursed',
  decline: 'declined',
  recall: 'recalled',
  cancel: 'cancelled',
  // Assignment changes who holds the match, not its state.
  assign: null,
};

export function invalidTransition(
  entity: string,
  action: string,
  currentStatus: string,
): DomainError {
  return new DomainError(
    ErrorCode.InvalidTransition,
    `A ${entity} in state "${currentStatus}" cannot be moved by "${action}"`,
    { extensions: { currentStatus } },
  );
}

/** The request state `action` leads to from `current`, or a 409 naming the current state. */
export function nextRequestStatus(
  action: keyof typeof REQUEST_TRANSITIONS,
  current: RequestStatus,
): RequestStatus {
  const targets = REQUEST_TRANSITIONS[action]?.[current] ?? [];
  const target = targets[0];
  if (target === undefined) {
    throw invalidTransition('financing request', action, current);
  }
  return target;
}

/** Throws a 409 unless `action` may move a match out of `current`. */
export function requireMatchAction(
  action: keyof typeof MATCH_TRANSITIONS,
  current: MatchStatus,
): void {
  if (!(MATCH_TRANSITIONS[action] ?? []).includes(current)) {
    throw invalidTransition('match', action, current);
  }
}

/**
 * The request states from which `action` leads to `target`: the `status = ANY(...)` guard of the
 * single-statement UPDATE that makes the move.
 */
export function requestStatesLeadingTo(
  action: keyof typeof REQUEST_TRANSITIONS,
  target: RequestStatus,
): RequestStatus[] {
  const moves = REQUEST_TRANSITIONS[action] ?? {};
  return (Object.keys(moves) as RequestStatus[]).filter(
    (from) => from !== target && moves[from].includes(target),
  );
}
