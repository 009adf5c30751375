import { createHash } from 'node:crypto';

/** prev_hash of the first row in the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The columns that a row's hash covers: everything but the hash itself. */
export interface ChainedAuditRow {
  id: string;
  sequence: string;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

/** JSON with object keys sorted at every depth, so equal values always serialise equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  }
  if (value instanceof Date) {
    return JSON.stringify(value.toISOString());
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') {
    return JSON.stringify(value.toString());
  }
  return JSON.stringify(value);
}

/** hash = SHA-256(prevHash ‖ canonical row), hex. */
export function chainHash(prevHash: string, row: ChainedAuditRow): string {
  const canonical = canonicalJson({
    action: row.action,
    actorId: row.actorId,
    actorRole: row.actorRole,
    after: row.after,
    before: row.before,
    entityId: row.entityId,
    entityType: row.entityType,
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    requestId: row.requestId,
    sequence: row.sequence,
  });
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}
