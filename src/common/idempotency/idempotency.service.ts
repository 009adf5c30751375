import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../../database/transaction.js';
import type { Caller } from '../auth/caller.js';
import { AppConfig } from '../config/app-config.js';
import { PeriodicTask } from '../periodic-task.js';
import { DomainError } from '../errors/domain-error.js';
import { ErrorCode } from '../errors/error-code.js';

/** What a money-moving use case answers; stored as is and replayed for a retry. */
export interface IdempotentResult<T> {
  status: number;
  body: T;
}

export interface IdempotentRequest {
  /** The operation, e.g. `turnover.disburse:<application id>`: a key reused elsewhere is a 422. */
  scope: string;
  /** The validated request body; part of the fingerprint. */
  body: unknown;
}

/** Expired keys are deleted at this pace (a key lives at least the retention, never less). */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** JSON with object keys sorted, so the same body always has the same fingerprint. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : item,
  );
}

export function fingerprintOf(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(canonicalJson({ scope: request.scope, body: request.body ?? null }))
    .digest('hex');
}

/** A key's stored record, as `idempotency_keys` holds it. */
export interface StoredAnswer {
  fingerprint: string;
  status_code: number;
  response: string;
}

/** 409: another request with this key holds its lock. */
export function requestInFlight(): DomainError {
  return new DomainError(
    ErrorCode.IdempotencyRequestInFlight,
    'A request with this Idempotency-Key is still being processed; retry in a moment',
  );
}

/** The stored answer replayed for a request with this fingerprint; 422 for another request. */
export function replayStored<T>(stored: StoredAnswer, fingerprint: string): IdempotentResult<T> {
  if (stored.fingerprint !== fingerprint) {
    throw new DomainError(
      ErrorCode.IdempotencyKeyReused,
      'This Idempotency-Key was used with a different request; send a new key',
    );
  }
  return { status: stored.status_code, body: JSON.parse(stored.response) as T };
}

/**
 * Idempotency keys as the IETF draft and Stripe define them, scoped per user. The key's record is
 * written in the same transaction as the effect it guards, so a rolled-back request leaves no key
 * and a committed one always leaves its answer:
 *
 * 1. a transaction-scoped advisory lock on (user, key) — taken without waiting: a second request
 *    with the key while the first is still running answers 409 IDEMPOTENCY_REQUEST_IN_FLIGHT;
 * 2. a stored answer for the key: same fingerprint → replay it (no second effect), another
 *    fingerprint → 422 IDEMPOTENCY_KEY_REUSED;
 * 3. otherwise run the use case and store its answer before commit.
 *
 * The answer is stored as the JSON text that was sent, so a replay is byte for byte the same.
 *
 * The turnover fund's money moves apply the same rules in one round trip (the SQL function
 * `turnover_money_move` takes this lock, reads and writes this table in their own statement).
 */
@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IdempotencyService.name);
  private readonly purge = new PeriodicTask(
    async () => {
      await this.purgeExpired();
    },
    (error) => this.logger.warn(`purging expired idempotency keys failed: ${String(error)}`),
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  execute<T>(
    caller: Caller,
    key: string,
    request: IdempotentRequest,
    work: (manager: EntityManager) => Promise<IdempotentResult<T>>,
  ): Promise<IdempotentResult<T>> {
    const fingerprint = fingerprintOf(request);
    return inTransaction(this.dataSource, async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0)) AS locked`,
        [caller.userId, key],
      );
      if (!locked) {
        throw requestInFlight();
      }
      const [stored] = await manager.query<StoredAnswer[]>(
        `SELECT fingerprint, status_code, response FROM idempotency_keys
          WHERE user_id = $1 AND key = $2`,
        [caller.userId, key],
      );
      if (stored !== undefined) {
        return replayStored<T>(stored, fingerprint);
      }
      const result = await work(manager);
      await manager.query(
        `INSERT INTO idempotency_keys (user_id, key, scope, fingerprint, status_code, response)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          caller.userId,
          key,
          request.scope,
          fingerprint,
          result.status,
          JSON.stringify(result.body),
        ],
      );
      return result;
    });
  }

  /** Deletes keys older than the retention; returns how many. */
  async purgeExpired(): Promise<number> {
    const [, deleted] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
      [this.config.env.IDEMPOTENCY_RETENTION_HOURS],
    );
    return deleted;
  }

  onApplicationBootstrap(): void {
    this.purge.start(PURGE_INTERVAL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.purge.stop();
  }
}
