import { Role } from './role.js';

/**
 * Who is calling, resolved from the access token and the user's current row on every request.
 * The tenant (`enterpriseId` / `bankId`) always comes from here, never from a request body.
 */
export interface Caller {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly enterpriseId: string | null;
  readonly bankId: string | null;
  /** Correlation id of the HTTP request, carried into audit rows and logs. */
  readonly requestId: string;
}

/** The actor recorded on audit rows; a system job has no user. */
export interface Actor {
  readonly userId: string | null;
  readonly role: Role | 'system' | null;
  readonly requestId: string | null;
}

export function actorOf(caller: Caller): Actor {
  return { userId: caller.userId, role: caller.role, requestId: caller.requestId };
}
