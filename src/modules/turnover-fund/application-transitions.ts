import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { Actor, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { AuditEntry, AuditService } from '../audit/audit.service.js';
import { moveApplication, requireSettableColumns } from './application-moves.js';
import { hydrate } from './hydrate.js';
import { type ApplicationAction, requireApplicationAction, targetOf } from './lifecycle.js';
import { TurnoverApplicationEntity } from './turnover-application.entity.js';
import type { ApplicationNames } from './turnover-applications.dto.js';
import { PartyNotices, TurnoverNotices } from './turnover-notices.js';

export const APPLICATION_ENTITY = 'turnover application';

/** The past tense each action leaves in the audit log (`turnover_application.disbursed`, …). */
export const DONE: Readonly<Record<ApplicationAction, string>> = {
  bank_commit: 'bank_committed',
  renew_without_bridge: 'renewed_without_bridge',
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  disburse: 'disbursed',
  renew: 'renewed',
  mark_overdue: 'marked_overdue',
  repay: 'repaid',
  write_off: 'written_off',
};

export function isBankStaff(caller: Caller): boolean {
  return caller.role === Role.BankOfficer || caller.role === Role.BankPresident;
}

/** Administrators and auditors see every application, an enterprise its own, a bank its own. */
export function mayRead(caller: Caller, application: TurnoverApplicationEntity): boolean {
  return (
    seesEverything(caller) ||
    (caller.role === Role.Enterprise && caller.enterpriseId === application.enterpriseId) ||
    (isBankStaff(caller) && caller.bankId === application.bankId)
  );
}

/** Only the lending bank's staff act for the bank. */
export function isLendingBank(caller: Caller, application: TurnoverApplicationEntity): boolean {
  return isBankStaff(caller) && caller.bankId === application.bankId;
}

export interface LoadedApplication {
  application: TurnoverApplicationEntity;
  names: ApplicationNames;
}

export interface TransitionContext extends LoadedApplication {
  manager: EntityManager;
  /** The application as read, row locked, before the move. */
  before: TurnoverApplicationEntity;
  now: Date;
}

export interface TransitionSpec {
  action: ApplicationAction;
  /** May this caller reach the application at all? No: 404, as if it did not exist. */
  reach: (application: TurnoverApplicationEntity) => boolean;
  /** Validates and answers the columns the move sets besides the state (may throw). */
  change: (context: TransitionContext) => Promise<Record<string, unknown>>;
  /** Who hears of it; built from the application after the move. */
  notices: (after: TurnoverApplicationEntity, names: ApplicationNames) => PartyNotices;
  /** Merged into the audit row's `after`, e.g. the journal a money move posts. */
  auditDetails?: Record<string, unknown>;
}

/** A transition validated and computed in full from a read of the application, not yet made. */
export interface PreparedTransition extends LoadedApplication {
  before: TurnoverApplicationEntity;
  /** The application as the move will leave it (exactly the row the move writes). */
  application: TurnoverApplicationEntity;
  /** Column name → value set besides status and updated_at (as `change` named them). */
  columns: Record<string, unknown>;
  audit: AuditEntry;
  noticeKind: string;
  notices: PartyNotices;
}

/**
 * One application transition, the same way every time, in the caller's transaction: read and
 * lock the application (404 unless reachable), check the lifecycle table (409), let `change`
 * validate and name the columns, make the guarded move, then write the audit row and the
 * notifications. The money paths post their journal after this, so the fund's row is locked
 * last. Lock order, the same in every path: the application, then its fund.
 */
@Injectable()
export class ApplicationTransitions {
  constructor(
    private readonly audit: AuditService,
    private readonly notices: TurnoverNotices,
    private readonly clock: Clock,
  ) {}

  async run(
    manager: EntityManager,
    actor: Actor,
    id: string,
    spec: TransitionSpec,
  ): Promise<LoadedApplication> {
    const loaded = await loadApplication(manager, id, { lock: true });
    if (loaded === undefined || !spec.reach(loaded.application)) {
      throw DomainError.notFound(APPLICATION_ENTITY);
    }
    const before = loaded.application;
    requireApplicationAction(spec.action, before.status);
    const columns = await spec.change({ ...loaded, manager, before, now: this.clock.now() });
    const after = await moveApplication(manager, id, spec.action, columns);
    const done = DONE[spec.action];
    await this.audit.record(manager, {
      actor,
      action: `turnover_application.${done}`,
      entityType: 'turnover_application',
      entityId: id,
      before,
      after: spec.auditDetails === undefined ? after : { ...after, ...spec.auditDetails },
    });
    await this.notices.send(manager, after, `turnover.${done}`, spec.notices(after, loaded.names));
    return { application: after, names: loaded.names };
  }

  /**
   * Everything `run` does short of writing, from `row` (the application as `loadApplication`
   * selects it, read without a lock): reach (404), the lifecycle table (409), `change`, and the
   * application, audit row and notices the move will write, with `updatedAt` as its
   * `updated_at`. For the one-round-trip money moves, whose SQL function makes the move only if
   * the row is still the version read, so `before` is exactly what it moves from.
   */
  async prepare(
    manager: EntityManager,
    actor: Actor,
    id: string,
    row: Record<string, unknown>,
    spec: TransitionSpec,
    updatedAt: Date,
  ): Promise<PreparedTransition> {
    const loaded = {
      application: hydrate(manager, TurnoverApplicationEntity, row),
      names: namesOf(row),
    };
    if (!spec.reach(loaded.application)) {
      throw DomainError.notFound(APPLICATION_ENTITY);
    }
    const before = loaded.application;
    requireApplicationAction(spec.action, before.status);
    const columns = await spec.change({ ...loaded, manager, before, now: this.clock.now() });
    requireSettableColumns(Object.keys(columns));
    const after = hydrate(manager, TurnoverApplicationEntity, {
      ...row,
      ...columns,
      status: targetOf(spec.action),
      updated_at: updatedAt,
    });
    const done = DONE[spec.action];
    return {
      before,
      application: after,
      names: loaded.names,
      columns,
      audit: {
        actor,
        action: `turnover_application.${done}`,
        entityType: 'turnover_application',
        entityId: id,
        before,
        after: spec.auditDetails === undefined ? after : { ...after, ...spec.auditDetails },
      },
      noticeKind: `turnover.${done}`,
      notices: spec.notices(after, loaded.names),
    };
  }
}

/**
 * The application with the names its responses show; undefined when absent. With `lock`, its
 * row stays locked until the transaction ends, so what a transition validates and audits as
 * "before" is exactly what it moves from.
 */
export async function loadApplication(
  manager: EntityManager,
  id: string,
  options: { lock?: boolean } = {},
): Promise<LoadedApplication | undefined> {
  const [row] = await manager.query<Record<string, unknown>[]>(
    `SELECT a.*, f.name AS fund_name_, e.name AS enterprise_name_, b.name AS bank_name_
       FROM turnover_applications a
       JOIN turnover_funds f ON f.id = a.fund_id
       JOIN enterprises e ON e.id = a.enterprise_id
       JOIN banks b ON b.id = a.bank_id
      WHERE a.id = $1
      ${options.lock === true ? 'FOR NO KEY UPDATE OF a' : ''}`,
    [id],
  );
  if (row === undefined) {
    return undefined;
  }
  return {
    application: hydrate(manager, TurnoverApplicationEntity, row),
    names: namesOf(row),
  };
}

/** The names a row joined as `fund_name_`, `enterprise_name_` and `bank_name_`. */
export function namesOf(row: Record<string, unknown>): ApplicationNames {
  return {
    fundName: String(row.fund_name_),
    enterpriseName: String(row.enterprise_name_),
    bankName: String(row.bank_name_),
  };
}
