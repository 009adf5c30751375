import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { pgPool } from '../../database/pg-pool.js';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { AuditSealer } from './audit-sealer.service.js';
import {
  AuditEventResponseDto,
  AuditVerificationDto,
  BrokenAtDto,
  ListAuditEventsQueryDto,
} from './audit.dto.js';

interface AuditRow {
  id: string;
  position: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  sequence: string | null;
  prev_hash: string | null;
  hash: string | null;
}

/**
 * Rows read per query while verifying, so memory stays flat however long the chain grows. Small
 * enough that a batch dies young: at 5,000 rows (a few MB parsed) the hashing of one batch set off
 * scavenges that promoted the rows still waiting, the old generation grew by ~3.5 MB a batch until
 * a full collection (RSS +80 MB, sawtooth); at 1,000 the heap stays at its resting size.
 */
export const VERIFY_BATCH = 1000;

/**
 * What verify reads of a sealed row, as an array in this column order (`rowMode: 'array'`: no
 * object with named keys built per row). The time is ISO-8601 with milliseconds, as
 * `Date.toISOString` writes it (the column keeps ms).
 */
type VerifyRow = [
  id: string,
  sequence: string,
  occurredAt: string,
  actorId: string | null,
  actorRole: string | null,
  action: string,
  entityType: string,
  entityId: string | null,
  before: unknown,
  after: unknown,
  requestId: string | null,
  prevHash: string,
  hash: string,
];

const VERIFY_SQL = `SELECT id, sequence::text,
         to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         actor_id, actor_role, action, entity_type, entity_id, before, after, request_id,
         prev_hash, hash
    FROM audit_events
   WHERE sequence IS NOT NULL AND sequence >= $1::bigint
   ORDER BY audit_events.sequence LIMIT $2`;

const MAX_BIGINT = 2n ** 63n - 1n;

function toAuditEventResponse(row: AuditRow): AuditEventResponseDto {
  return {
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
    sequence: row.sequence,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

@Injectable()
export class AuditReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
  ) {}

  /** Newest first, keyset-paged on the insertion position. */
  async list(query: ListAuditEventsQueryDto): Promise<Page<AuditEventResponseDto>> {
    const limit = query.limit ?? 20;
    const conditions: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (query.cursor !== undefined) {
      // 19 digits can still exceed bigint, and a failing cast would surface as a 500.
      const [position] = decodeCursor(
        query.cursor,
        1,
        (key) => /^\d{1,19}$/.test(key) && BigInt(key) <= MAX_BIGINT,
      );
      add('position < ?::bigint', position);
    }
    if (query.action !== undefined) {
      add('action = ?', query.action);
    }
    if (query.entityType !== undefined) {
      add('entity_type = ?', query.entityType);
    }
    if (query.entityId !== undefined) {
      add('entity_id = ?', query.entityId);
    }
    if (query.actorId !== undefined) {
      add('actor_id = ?::uuid', query.actorId);
    }
    if (query.from !== undefined) {
      add('occurred_at >= ?::timestamptz', query.from);
    }
    if (query.to !== undefined) {
      add('occurred_at < ?::timestamptz', query.to);
    }
    values.push(limit + 1);
    const rows = await this.dataSource.query<AuditRow[]>(
      `SELECT * FROM audit_events
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY position DESC LIMIT $${values.length}`,
      values,
    );
    return toPage(rows, limit, (row) => [row.position], toAuditEventResponse);
  }

  /**
   * Seals what is committed, then walks the whole chain in sequence order recomputing every
   * hash. Names the first row where the chain breaks. Reads keyset batches of only the hashed
   * columns (the time as its ISO string, so no Date per row), and asks for the next batch before
   * hashing the current one, so the database and the hashing work at the same time; at most two
   * batches are held, however long the chain.
   */
  async verify(): Promise<AuditVerificationDto> {
    await this.sealer.seal({ wait: true });
    const pool = pgPool(this.dataSource);
    const read = async (from: bigint): Promise<VerifyRow[]> =>
      (
        await pool.query<VerifyRow>({
          name: 'audit-verify-batch',
          text: VERIFY_SQL,
          values: [from.toString(), VERIFY_BATCH],
          rowMode: 'array',
        })
      ).rows;
    let expected = 1n;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    let brokenAt: BrokenAtDto | undefined;
    let next: Promise<VerifyRow[]> | undefined = read(expected);
    while (next !== undefined) {
      const rows = await next;
      next = undefined;
      if (rows.length === VERIFY_BATCH) {
        next = read(BigInt(rows[rows.length - 1][1]) + 1n);
        // Not awaited when the chain breaks in this batch; its failure then is of no interest.
        next.catch(() => undefined);
      }
      for (const row of rows) {
        const [
          id,
          sequence,
          occurredAt,
          actorId,
          actorRole,
          action,
          entityType,
          entityId,
          before,
          after,
          requestId,
          storedPrevHash,
          hash,
        ] = row;
        if (BigInt(sequence) !== expected) {
          // A row is missing before this one (deleted, or its sequence rewritten).
          brokenAt = { sequence, id, reason: 'sequence_gap' };
        } else if (storedPrevHash !== prevHash) {
          brokenAt = { sequence, id, reason: 'prev_hash_mismatch' };
        } else if (
          hash !==
          chainHash(prevHash, {
            id,
            sequence,
            occurredAt,
            actorId,
            actorRole,
            action,
            entityType,
            entityId,
            before,
            after,
            requestId,
          })
        ) {
          brokenAt = { sequence, id, reason: 'hash_mismatch' };
        }
        if (brokenAt) {
          break;
        }
        checked += 1;
        expected += 1n;
        prevHash = hash;
      }
      if (brokenAt) {
        break;
      }
    }
    const [{ count }] = await this.dataSource.query<[{ count: string }]>(
      'SELECT count(*)::text AS count FROM audit_events WHERE sequence IS NULL',
    );
    const unsealed = Number(count);
    return brokenAt ? { ok: false, checked, unsealed, brokenAt } : { ok: true, checked, unsealed };
  }
}
