import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../common/auth/caller.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../common/config/app-config.js';
import { PeriodicTask } from '../../common/periodic-task.js';
import { formatFen } from '../../common/money/money.js';
import { inTransaction } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { ApplicationTransitions } from './application-transitions.js';
import { loadFund } from './turnover-funds.service.js';

/** An arbitrary, fixed advisory-lock key: one overdue sweep at a time across all instances. */
const SWEEP_LOCK_KEY = 7_242_005;
/** Applications marked per transaction, so a backlog never makes one huge transaction. */
export const OVERDUE_BATCH_SIZE = 200;

const SYSTEM_ACTOR: Actor = { userId: null, role: 'system', requestId: null };

/**
 * 逾期: marks disbursed and renewed applications whose due date (Asia/Shanghai, by the Clock) has
 * passed as `overdue`, once each, through the one guarded state move every use case takes, with
 * its audit row and its notices to the enterprise, the lending bank and the center. When the
 * fund's overdue principal thereby passes its stop ratio of capital, the center is told that new
 * business has stopped (applications and approvals check the same rule on every call, so the
 * stop holds whether or not anyone reads the notice).
 *
 * Every instance runs the timer; the sweep takes a transaction-scoped advisory lock and gives way
 * when another instance holds it, and the guarded move marks an application at most once even
 * if two sweeps ever overlapped.
 */
@Injectable()
export class OverdueSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OverdueSweep.name);
  private readonly task = new PeriodicTask(
    async () => {
      const marked = await this.sweep();
      if (marked > 0) {
        this.logger.log({ msg: 'marked turnover applications overdue', marked });
      }
    },
    (error) => this.logger.error({ msg: 'overdue sweep failed', err: error }),
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly transitions: ApplicationTransitions,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.env.TURNOVER_OVERDUE_SWEEP_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Marks every use past its due date; answers how many this call marked (0 if locked out). */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await inTransaction(this.dataSource, (manager) => this.markBatch(manager));
      if (batch === null) {
        return total;
      }
      total += batch.marked;
      if (!batch.full) {
        return total;
      }
    }
  }

  private async markBatch(
    manager: EntityManager,
  ): Promise<{ marked: number; full: boolean } | null> {
    const [{ locked }] = await manager.query<[{ locked: boolean }]>(
      'SELECT pg_try_advisory_xact_lock($1) AS locked',
      [SWEEP_LOCK_KEY],
    );
    if (!locked) {
      return null;
    }
    const today = shanghaiBusinessDate(this.clock.now());
    // Served by the partial index turnover_applications_due_idx.
    const due = await manager.query<{ id: string; fund_id: string }[]>(
      `SELECT id, fund_id FROM turnover_applications
        WHERE status IN ('disbursed', 'renewed') AND due_on < $1::date
        ORDER BY due_on, id
        LIMIT $2`,
      [today, OVERDUE_BATCH_SIZE],
    );
    if (due.length === 0) {
      return { marked: 0, full: false };
    }
    const funds = [...new Set(due.map((row) => row.fund_id))];
    const stoppedBefore = new Map<string, boolean>();
    for (const fundId of funds) {
      stoppedBefore.set(
        fundId,
        (await loadFund(manager, fundId))?.standing.newBusinessStopped ?? false,
      );
    }
    for (const { id } of due) {
      await this.transitions.run(manager, SYSTEM_ACTOR, id, {
        action: 'mark_overdue',
        reach: () => true,
        change: ({ now }) => Promise.resolve({ overdue_at: now }),
        notices: (after, names) => {
          const line = `${names.enterpriseName}的周转资金（${formatFen(after.principalFen)}元）已于${after.dueOn}到期未还`;
          return {
            enterprise: {
              title: '周转资金已逾期',
              body: `${line}，请尽快归还；逾期期间按逾期费率计费。`,
            },
            bank: {
              title: '周转资金逾期：请落实续贷资金',
              body: `${line}，请尽快办理续贷资金回款。`,
            },
            center: { title: '周转资金逾期', body: `${line}（${names.bankName}）。` },
          };
        },
      });
    }
    for (const fundId of funds) {
      const now = await loadFund(manager, fundId);
      if (now !== undefined && now.standing.newBusinessStopped && !stoppedBefore.get(fundId)) {
        await this.announceStop(manager, fundId, now.fund.name, now.standing.overdueFen);
      }
    }
    return { marked: due.length, full: due.length === OVERDUE_BATCH_SIZE };
  }

  private async announceStop(
    manager: EntityManager,
    fundId: string,
    name: string,
    overdueFen: bigint,
  ): Promise<void> {
    await this.audit.record(manager, {
      actor: SYSTEM_ACTOR,
      action: 'turnover_fund.new_business_stopped',
      entityType: 'turnover_fund',
      entityId: fundId,
      after: { overdue: formatFen(overdueFen) },
    });
    await this.notifications.notifyCenter(manager, {
      kind: 'turnover.new_business_stopped',
      title: `${name}逾期超限，暂停新增业务`,
      body: `逾期本金${formatFen(overdueFen)}元已超过资本金的停办比例，新的申请与审批暂停，直至逾期回落。`,
      entityType: 'turnover_fund',
      entityId: fundId,
    });
  }
}
