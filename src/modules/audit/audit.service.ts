import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../common/auth/caller.js';

export interface AuditEntry {
  actor: Actor;
  /** Dotted verb, e.g. `user.created`, `turnover.disbursed`. */
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Records audit rows. Always called with the EntityManager of the business transaction, so a
 * rollback leaves no row and a commit always leaves one. The row is inserted unsealed: no lock
 * on a chain head is taken here, so audited writes of different tenants never wait on each
 * other (the sealer chains them moments later).
 */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events
         (actor_id, actor_role, action, entity_type, entity_id, before, after, request_id)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)`,
      auditArguments(entry),
    );
  }
}

/**
 * The column values of an audit row, in the order actor_id, actor_role, action, entity_type,
 * entity_id, before, after, request_id — also what the turnover money moves pass to their SQL
 * function, so their rows are written exactly as `record` writes them.
 */
export function auditArguments(entry: AuditEntry): (string | null)[] {
  return [
    entry.actor.userId,
    entry.actor.role,
    entry.action,
    entry.entityType,
    entry.entityId,
    toJson(entry.before),
    toJson(entry.after),
    entry.actor.requestId,
  ];
}

function toJson(value: unknown): string | null {
  if (value === undefined || value === null) {
    return null;
  }
  // bigint (fen) is written as a decimal string: JSON has no exact integer beyond 2^53.
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );
}
