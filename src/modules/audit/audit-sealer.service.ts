import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../common/config/app-config.js';
import { PeriodicTask } from '../../common/periodic-task.js';
import { chainHash, ChainedAuditRow, GENESIS_HASH } from './audit-chain.js';

/** An arbitrary, fixed advisory-lock key: one sealer at a time across all instances. */
const SEALER_LOCK_KEY = 7_242_002;
const BATCH_SIZE = 1000;

interface UnsealedRow {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

export function toChainedRow(row: UnsealedRow, sequence: string): ChainedAuditRow {
  return {
    id: row.id,
    sequence,
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
  };
}

/**
 * The sequencer of the audit chain, as transparency logs do it: business transactions insert
 * rows unsealed, and this sealer (one instance at a time, by advisory lock) takes the committed
 * unsealed rows in insertion order every AUDIT_SEAL_INTERVAL_MS and gives each its sequence
 * number, prev_hash and hash. A row is therefore unsealed from its commit until the next round
 * (about one interval, longer only if the sealer is down); `GET /audit-events/verify` seals first
 * and reports what is still unsealed. A row whose transaction commits late is sealed in a later
 * round, after rows inserted after it.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditSealer.name);
  private readonly task = new PeriodicTask(
    async () => {
      await this.seal({ wait: false });
    },
    (error) => this.logger.error({ msg: 'audit sealing failed', err: error }),
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.env.AUDIT_SEAL_INTERVAL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /**
   * Seals every committed unsealed row. With `wait: false` (the timer) it gives way when another
   * instance holds the lock; with `wait: true` (before verify) it queues for the lock.
   * Returns how many rows it sealed.
   */
  async seal({ wait }: { wait: boolean }): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.dataSource.transaction((manager) => this.sealBatch(manager, wait));
      if (sealed === null) {
        return total;
      }
      total += sealed;
      if (sealed < BATCH_SIZE) {
        return total;
      }
    }
  }

  /** One batch in one transaction; `null` when another sealer holds the lock. */
  private async sealBatch(manager: EntityManager, wait: boolean): Promise<number | null> {
    if (wait) {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [SEALER_LOCK_KEY]);
    } else {
      const [{ locked }] = await manager.query<[{ locked: boolean }]>(
        'SELECT pg_try_advisory_xact_lock($1) AS locked',
        [SEALER_LOCK_KEY],
      );
      if (!locked) {
        return null;
      }
    }
    const head = await manager.query<{ sequence: string; hash: string }[]>(
      `SELECT sequence, hash FROM audit_events
        WHERE sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1`,
    );
    const rows = await manager.query<UnsealedRow[]>(
      `SELECT id, occurred_at, actor_id, actor_role, action, entity_type, entity_id,
              before, after, request_id
         FROM audit_events WHERE sequence IS NULL ORDER BY position LIMIT $1`,
      [BATCH_SIZE],
    );
    if (rows.length === 0) {
      return 0;
    }
    let sequence = BigInt(head[0]?.sequence ?? '0');
    let prevHash = head[0]?.hash ?? GENESIS_HASH;
    const ids: string[] = [];
    const sequences: string[] = [];
    const prevHashes: string[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      sequence += 1n;
      const hash = chainHash(prevHash, toChainedRow(row, sequence.toString()));
      ids.push(row.id);
      sequences.push(sequence.toString());
      prevHashes.push(prevHash);
      hashes.push(hash);
      prevHash = hash;
    }
    await manager.query(
      `UPDATE audit_events AS a
          SET sequence = v.sequence, prev_hash = v.prev_hash, hash = v.hash
         FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[])
              AS v(id, sequence, prev_hash, hash)
        WHERE a.id = v.id AND a.sequence IS NULL`,
      [ids, sequences, prevHashes, hashes],
    );
    return rows.length;
  }
}
