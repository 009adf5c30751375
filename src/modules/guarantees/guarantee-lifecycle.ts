import { invalidTransition } from '../matching/lifecycles.js';

/** 担保 states. */
export const GUARANTEE_STATUSES = [
  'applied',
  'approved',
  'active',
  'released',
  'rejected',
  'claimed',
  'recovered',
] as const;
export type GuaranteeStatus = (typeof GUARANTEE_STATUSES)[number];

/**
 * Every allowed move of a guarantee and the only place they are listed. A guarantee approved but
 * never activated may be released (the loan was not made), which frees its capacity.
 */
export const GUARANTEE_TRANSITIONS = {
  approve: { from: ['applied'], to: 'approved' },
  reject: { from: ['applied'], to: 'rejected' },
  activate: { from: ['approved'], to: 'active' },
  release: { from: ['approved', 'active'], to: 'released' },
  claim: { from: ['active'], to: 'claimed' },
  recover: { from: ['claimed'], to: 'recovered' },
} as const satisfies Record<string, { from: readonly GuaranteeStatus[]; to: GuaranteeStatus }>;
export type GuaranteeAction = keyof typeof GUARANTEE_TRANSITIONS;

/** States whose principal counts against the fund's capacity and the enterprise cap. */
export const OUTSTANDING_STATUSES: readonly GuaranteeStatus[] = ['approved', 'active'];

/** The state `action` leads to from `current`, or a 409 INVALID_TRANSITION naming the current. */
export function nextGuaranteeStatus(
  action: GuaranteeAction,
  current: GuaranteeStatus,
): GuaranteeStatus {
  const move = GUARANTEE_TRANSITIONS[action];
  if (!(move.from as readonly GuaranteeStatus[]).includes(current)) {
    throw invalidTransition('guarantee', action, current);
  }
  return move.to;
}
