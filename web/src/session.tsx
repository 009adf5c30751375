import { createContext, useContext } from 'react';
import type { Me, Role } from './api/client';

export interface SessionState {
  me: Me;
  navigate: (path: string) => void;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (session === null) {
    throw new Error('useSession outside a signed-in console');
  }
  return session;
}

/** Auditors see every view and no control that changes anything. */
export function canWrite(role: Role): boolean {
  return role !== 'auditor';
}
