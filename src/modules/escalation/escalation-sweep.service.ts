import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../common/auth/caller.js';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../common/config/app-config.js';
import { PeriodicTask } from '../../common/periodic-task.js';
import { formatFen, toFenFromDb } from '../../common/money/money.js';
import { inTransaction } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';

/** An arbitrary, fixed advisory-lock key: one escalation sweep at a time across all instances. */
const SWEEP_LOCK_KEY = 7_242_004;
/** Matches escalated per transaction, so a backlog after an outage never makes one huge one. */
export const ESCALATION_BATCH_SIZE = 200;

const SYSTEM_ACTOR: Actor = { userId: null, role: 'system', requestId: null };

/** A match this sweep escalated, with what its messages name. */
interface EscalatedMatch {
  id: string;
  request_id: string;
  president_id: string;
  response_due_at: Date;
  escalated_at: Date;
  amount_fen: string;
  bank_name: string;
  enterprise_name: string;
}

const SHANGHAI_MINUTE = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** "2026-01-14 15:00", Beijing time, as users read deadlines. */
function shanghaiMinute(instant: Date): string {
  return SHANGHAI_MINUTE.format(instant);
}

/**
 * 超时上报: marks `dispatched` matches past their response deadline as escalated, once, and tells
 * the accountable president and the project center. Every instance runs the timer; the sweep
 * itself takes a transaction-scoped advisory lock and gives way when another instance holds it,
 * and the guarded UPDATE (`status = 'dispatched' AND escalated_at IS NULL`) escalates a match at
 * most once even if two sweeps ever overlapped. The escalation, its notifications, its timeline
 * line and its audit row commit together or not at all.
 */
@Injectable()
export class EscalationSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EscalationSweep.name);
  private readonly task = new PeriodicTask(
    async () => {
      const escalated = await this.sweep();
      if (escalated > 0) {
        this.logger.log({ msg: 'escalated overdue matches', escalated });
      }
    },
    (error) => this.logger.error({ msg: 'escalation sweep failed', err: error }),
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.env.MATCH_ESCALATION_SWEEP_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /**
   * Escalates every match whose deadline has passed (by the Clock) and returns how many this
   * call escalated: 0 when another instance holds the lock.
   */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await inTransaction(this.dataSource, (manager) => this.escalateBatch(manager));
      if (batch === null) {
        return total;
      }
      total += batch.escalated;
      if (!batch.full) {
        return total;
      }
    }
  }

  /**
   * One batch in one transaction; `null` when another sweep holds the lock. `full` says more
   * may be due (the batch limit was reached).
   */
  private async escalateBatch(
    manager: EntityManager,
  ): Promise<{ escalated: number; full: boolean } | null> {
    const [{ locked }] = await manager.query<[{ locked: boolean }]>(
      'SELECT pg_try_advisory_xact_lock($1) AS locked',
      [SWEEP_LOCK_KEY],
    );
    if (!locked) {
      return null;
    }
    const now = this.clock.now();
    // Served by the partial index matches_due_idx (dispatched, not yet escalated).
    const due = await manager.query<{ id: string }[]>(
      `SELECT id FROM matches
        WHERE status = 'dispatched' AND escalated_at IS NULL AND response_due_at < $1
        ORDER BY response_due_at, id
        LIMIT $2`,
      [now, ESCALATION_BATCH_SIZE],
    );
    if (due.length === 0) {
      return { escalated: 0, full: false };
    }
    // TypeORM answers an UPDATE … RETURNING on PostgreSQL with [rows, affected count].
    const [escalated] = await manager.query<[EscalatedMatch[], number]>(
      `UPDATE matches AS m
          SET escalated_at = $2, updated_at = now()
         FROM financing_requests r, banks b, enterprises e
        WHERE m.id = ANY($1::uuid[])
          AND m.status = 'dispatched' AND m.escalated_at IS NULL
          AND r.id = m.request_id AND b.id = m.bank_id AND e.id = r.enterprise_id
        RETURNING m.id, m.request_id, m.president_id, m.response_due_at, m.escalated_at,
                  r.amount_fen, b.name AS bank_name, e.name AS enterprise_name`,
      [due.map((row) => row.id), now],
    );
    for (const match of escalated) {
      await this.announce(manager, match);
    }
    return { escalated: escalated.length, full: due.length === ESCALATION_BATCH_SIZE };
  }

  private async announce(manager: EntityManager, match: EscalatedMatch): Promise<void> {
    const amount = formatFen(toFenFromDb(match.amount_fen));
    const due = shanghaiMinute(match.response_due_at);
    const entity = { entityType: 'match', entityId: match.id };
    await this.notifications.notify(manager, [match.president_id], {
      kind: 'match.escalated',
      title: '对接超时未响应，已上报项目中心',
      body: `${match.enterprise_name}的融资需求（${amount}元）已超过响应期限（${due}），请尽快受理。`,
      ...entity,
    });
    await this.notifications.notifyCenter(manager, {
      kind: 'match.escalated',
      title: `${match.bank_name}对接超时未响应`,
      body: `${match.bank_name}未在期限（${due}）前受理${match.enterprise_name}的融资需求（${amount}元）。`,
      ...entity,
    });
    const details = {
      responseDueAt: match.response_due_at.toISOString(),
      escalatedAt: match.escalated_at.toISOString(),
    };
    // Escalation is a flag on the match, not a state change: no from/to status.
    await manager.query(
      `INSERT INTO request_events
         (request_id, match_id, action, from_status, to_status, actor_id, actor_role, details)
       VALUES ($1, $2, 'match.escalated', NULL, NULL, NULL, $3, $4::jsonb)`,
      [match.request_id, match.id, SYSTEM_ACTOR.role, JSON.stringify(details)],
    );
    await this.audit.record(manager, {
      actor: SYSTEM_ACTOR,
      action: 'match.escalated',
      entityType: 'match',
      entityId: match.id,
      before: { status: 'dispatched', escalatedAt: null },
      after: { status: 'dispatched', ...details },
    });
  }
}
