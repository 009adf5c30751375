import { invalidTransition } from '../matching/lifecycles.js';

/** 融资意向 states: pledged at the event, then converted into a dispatched financing request. */
export type IntentStatus = 'open' | 'converted';

/** Every allowed move of an intent, and the only place they are listed. */
export const INTENT_TRANSITIONS: Readonly<Record<string, readonly IntentStatus[]>> = {
  convert: ['open'],
};

/** Throws a 409 naming the current state unless `action` may move the intent. */
export function requireIntentAction(
  action: keyof typeof INTENT_TRANSITIONS,
  current: IntentStatus,
): void {
  if (!(INTENT_TRANSITIONS[action] ?? []).includes(current)) {
    throw invalidTransition('event intent', action, current);
  }
}
