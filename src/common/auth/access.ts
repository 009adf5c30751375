import { DomainError } from '../errors/domain-error.js';
import { Caller } from './caller.js';
import { Role } from './role.js';

/** The tenant an object belongs to; a field left out means "not tied to that kind of tenant". */
export interface Ownership {
  enterpriseId?: string | null;
  /** Banks with a stake in the object (e.g. every bank a request was dispatched to). */
  bankIds?: readonly (string | null)[];
}

/** Administrators and auditors see the whole city. */
export function seesEverything(caller: Caller): boolean {
  return caller.role === Role.Admin || caller.role === Role.Auditor;
}

/**
 * May this caller read the object? Enterprise users see their own enterprise's objects, bank
 * staff those their bank has a stake in.
 */
export function mayRead(caller: Caller, owner: Ownership): boolean {
  if (seesEverything(caller)) {
    return true;
  }
  if (caller.role === Role.Enterprise) {
    return caller.enterpriseId !== null && owner.enterpriseId === caller.enterpriseId;
  }
  return caller.bankId !== null && (owner.bankIds ?? []).includes(caller.bankId);
}

/**
 * Turns "not yours" into the same 404 as "absent", so ids of other tenants' objects cannot be
 * probed. Call it with whatever the object's row says about its owners.
 */
export function requireAccess(caller: Caller, owner: Ownership | undefined, entity: string): void {
  if (owner === undefined || !mayRead(caller, owner)) {
    throw DomainError.notFound(entity);
  }
}
