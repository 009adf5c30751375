import { hash } from 'node:crypto';

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
  // Verify runs this over every row of the chain: the common JSON types come first, and no
  // intermediate arrays of entries are built.
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
      return 'null';
    case 'object':
      break;
    default:
      return JSON.stringify(value);
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      out += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    }
    return `${out}]`;
  }
  if (value instanceof Date) {
    return JSON.stringify(value.toISOString());
  }
  const record = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, the order the chain was defined with.
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) {
      continue;
    }
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${out}}`;
}

const nullableString = (value: string | null): string =>
  value === null ? 'null' : JSON.stringify(value);

/**
 * hash = SHA-256(prevHash ‖ "\n" ‖ canonical row), hex. `occurredAt` may be given as its
 * ISO-8601 string already (verify reads it so from the database, saving a Date per row).
 */
export function chainHash(
  prevHash: string,
  row: Omit<ChainedAuditRow, 'occurredAt'> & { occurredAt: Date | string },
): string {
  const occurredAt =
    typeof row.occurredAt === 'string' ? row.occurredAt : row.occurredAt.toISOString();
  // canonicalJson of the object of these fields, written out: its keys are already in order.
  // The time (ISO-8601) and the sequence (decimal digits) never need escaping. One string and
  // the one-shot hash: verify runs this for every row, and a Hash object with three updates and
  // a digest cost as much again as the hashing itself.
  return hash(
    'sha256',
    `${prevHash}\n{"action":${JSON.stringify(row.action)},"actorId":${nullableString(row.actorId)},` +
      `"actorRole":${nullableString(row.actorRole)},"after":${canonicalJson(row.after)},` +
      `"before":${canonicalJson(row.before)},"entityId":${nullableString(row.entityId)},` +
      `"entityType":${JSON.stringify(row.entityType)},"id":${JSON.stringify(row.id)},` +
      `"occurredAt":"${occurredAt}","requestId":${nullableString(row.requestId)},` +
      `"sequence":"${row.sequence}"}`,
  );
}
