import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { invalidTransition } from '../matching/lifecycles.js';
import { returnedRows } from '../matching/request-moves.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { requireAssignmentAction } from './commissioner-lifecycle.js';
import { addDays, defaultTermEnd } from './commissioner-term.js';
import {
  AssignmentRow,
  CommissionerResponseDto,
  CreateCommissionerDto,
  EndCommissionerDto,
  ListCommissionersQueryDto,
  toCommissionerResponse,
} from './commissioners.dto.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

const ENTITY = 'commissioner assignment';

/** Assignments with the names they are shown with; `a` is the assignment. */
export const ASSIGNMENT_SELECT = `
  SELECT a.id, a.officer_id AS "officerId", officer.display_name AS "officerName",
         a.bank_id AS "bankId", bank.name AS "bankName",
         a.enterprise_id AS "enterpriseId", enterprise.name AS "enterpriseName",
         a.starts_on::text AS "startsOn", a.term_ends_on::text AS "termEndsOn", a.status,
         a.ended_on::text AS "endedOn", a.end_cause AS "endCause", a.end_reason AS "endReason",
         a.replaced_by AS "replacedBy", a.assigned_by AS "assignedById",
         assigner.display_name AS "assignedByName", a.created_at AS "createdAt",
         a.ended_at AS "endedAt"
    FROM commissioner_assignments a
    JOIN users officer ON officer.id = a.officer_id
    JOIN banks bank ON bank.id = a.bank_id
    JOIN enterprises enterprise ON enterprise.id = a.enterprise_id
    JOIN users assigner ON assigner.id = a.assigned_by`;

/**
 * Which assignments a caller may read, as SQL on the alias `a` with parameters from `$first`:
 * administrators and auditors all; a bank president their bank's; an officer their own; an
 * enterprise who serves it.
 */
export function assignmentVisibility(
  caller: Caller,
  first: number,
): { sql: string; values: unknown[] } {
  if (seesEverything(caller)) {
    return { sql: 'TRUE', values: [] };
  }
  switch (caller.role) {
    case Role.BankPresident:
      return { sql: `a.bank_id = $${first}`, values: [caller.bankId] };
    case Role.BankOfficer:
      return { sql: `a.officer_id = $${first}`, values: [caller.userId] };
    case Role.Enterprise:
      return { sql: `a.enterprise_id = $${first}`, values: [caller.enterpriseId] };
    default:
      return { sql: 'FALSE', values: [] };
  }
}

/**
 * 金融服务专员: appointing a bank officer to serve an enterprise, reassigning, ending, reading.
 *
 * Rules decided here (DESIGN §4.5 leaves them open):
 * - At most one active assignment per enterprise, enforced by the partial unique index
 *   commissioner_assignments_one_active. A new appointment ends the current one with a guarded
 *   UPDATE (`status = 'active'`) in the same transaction; when two appointments for one
 *   enterprise race, the one that finds the slot taken or the current row already moved answers
 *   409 CONFLICT and changes nothing.
 * - Service periods of one enterprise never overlap, so every figure of a day belongs to at most
 *   one commissioner: `from` may not be before the current commissioner's first day (who then
 *   served until the day before `from`, possibly no day at all) nor before the end of an earlier
 *   service. `from` is not in the future: an appointment takes effect when made.
 * - The term runs through `to` (inclusive; default two years less a day) and must not be over
 *   already. Past its term an assignment stays `active` (its slot held until it is ended or
 *   replaced) but grants no access and is not in office.
 * - "Today" is the business date in Asia/Shanghai from Clock.
 */
@Injectable()
export class CommissionersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  assign(caller: Caller, dto: CreateCommissionerDto): Promise<CommissionerResponseDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const today = shanghaiBusinessDate(now);
      if (dto.from > today) {
        throw DomainError.validation('from', 'may not be in the future (Asia/Shanghai)');
      }
      const to = dto.to ?? defaultTermEnd(dto.from);
      if (to < dto.from) {
        throw DomainError.validation('to', 'may not be before from');
      }
      if (to < today) {
        throw DomainError.validation('to', 'the term would already be over');
      }
      const [officer] = await manager.query<{ id: string; name: string; bankId: string }[]>(
        `SELECT id, display_name AS name, bank_id AS "bankId" FROM users
          WHERE id = $1 AND role IN ('bank_officer', 'bank_president')
            AND disabled_at IS NULL AND bank_id IS NOT NULL`,
        [dto.officerId],
      );
      if (officer === undefined) {
        throw DomainError.validation('officerId', 'names no active bank officer or president');
      }
      const [enterprise] = await manager.query<{ name: string }[]>(
        'SELECT name FROM enterprises WHERE id = $1',
        [dto.enterpriseId],
      );
      if (enterprise === undefined) {
        throw DomainError.validation('enterpriseId', 'names no enterprise');
      }
      const [current] = await manager.query<AssignmentRow[]>(
        `${ASSIGNMENT_SELECT} WHERE a.enterprise_id = $1 AND a.status = 'active'`,
        [dto.enterpriseId],
      );
      const [{ lastEnd }] = await manager.query<{ lastEnd: string | null }[]>(
        `SELECT max(ended_on)::text AS "lastEnd" FROM commissioner_assignments
          WHERE enterprise_id = $1 AND status = 'ended'`,
        [dto.enterpriseId],
      );
      if (current !== undefined && dto.from < current.startsOn) {
        throw DomainError.validation(
          'from',
          `may not be before the current commissioner’s first day (${current.startsOn})`,
        );
      }
      if (lastEnd !== null && dto.from < lastEnd) {
        throw DomainError.validation(
          'from',
          `overlaps an earlier commissioner’s service, which ran until the day before ${lastEnd}`,
        );
      }
      const id = randomUUID();
      const actor = actorOf(caller);
      if (current !== undefined) {
        const endedOn = minDate(dto.from, addDays(current.termEndsOn, 1));
        const ended = returnedRows<{ id: string }>(
          await manager.query(
            `UPDATE commissioner_assignments
                SET status = 'ended', ended_on = $2, end_cause = 'reassigned', end_reason = $3,
                    replaced_by = $4, ended_at = $5, ended_by = $6, updated_at = now()
              WHERE id = $1 AND status = 'active'
              RETURNING id`,
            [current.id, endedOn, `改由${officer.name}担任`, id, now, caller.userId],
          ),
        );
        if (ended.length !== 1) {
          throw concurrentChange();
        }
        await this.audit.record(manager, {
          actor,
          action: 'commissioner.reassigned',
          entityType: 'commissioner_assignment',
          entityId: current.id,
          before: { status: 'active' },
          after: { status: 'ended', endedOn, endCause: 'reassigned', replacedBy: id },
        });
        await this.notifications.notify(manager, [current.officerId], {
          kind: 'commissioner.replaced',
          title: `金融服务专员任务调整：${enterprise.name}`,
          body: `自 ${endedOn} 起，${enterprise.name} 的金融服务专员改由 ${officer.name} 担任，感谢您的服务。`,
          entityType: 'commissioner_assignment',
          entityId: current.id,
        });
      }
      try {
        await manager.query(
          `INSERT INTO commissioner_assignments
             (id, officer_id, bank_id, enterprise_id, starts_on, term_ends_on, assigned_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [id, officer.id, officer.bankId, dto.enterpriseId, dto.from, to, caller.userId],
        );
      } catch (error) {
        throw translateConstraint(error);
      }
      const row = await this.read(manager, id);
      await this.audit.record(manager, {
        actor,
        action: 'commissioner.assigned',
        entityType: 'commissioner_assignment',
        entityId: id,
        after: { ...row, replaces: current?.id ?? null },
      });
      const draft = { entityType: 'commissioner_assignment', entityId: id };
      await this.notifications.notify(manager, [officer.id], {
        ...draft,
        kind: 'commissioner.assigned',
        title: `您已被任命为金融服务专员：${enterprise.name}`,
        body: `您将自 ${dto.from} 至 ${to} 担任 ${enterprise.name} 的金融服务专员，可查看该企业档案与项目并记录走访。`,
      });
      await this.notifications.notifyEnterprise(manager, dto.enterpriseId, {
        ...draft,
        kind: 'commissioner.assigned',
        title: `您的金融服务专员：${officer.name}（${row.bankName}）`,
        body: `自 ${dto.from} 起，${row.bankName} ${officer.name} 担任贵企业的金融服务专员，任期至 ${to}。`,
      });
      return toCommissionerResponse(row, today);
    });
  }

  /** An administrator ends an assignment (the officer leaves, the enterprise is off the list). */
  end(caller: Caller, id: string, dto: EndCommissionerDto): Promise<CommissionerResponseDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const today = shanghaiBusinessDate(now);
      const [before] = await manager.query<AssignmentRow[]>(
        `${ASSIGNMENT_SELECT} WHERE a.id = $1`,
        [id],
      );
      if (before === undefined) {
        throw DomainError.notFound(ENTITY);
      }
      requireAssignmentAction('end', before.status);
      const on = dto.on ?? today;
      if (on > today) {
        throw DomainError.validation('on', 'may not be in the future (Asia/Shanghai)');
      }
      if (on < before.startsOn) {
        throw DomainError.validation('on', `may not be before the first day (${before.startsOn})`);
      }
      const endedOn = minDate(on, addDays(before.termEndsOn, 1));
      const ended = returnedRows<{ id: string }>(
        await manager.query(
          `UPDATE commissioner_assignments
              SET status = 'ended', ended_on = $2, end_cause = 'ended', end_reason = $3,
                  ended_at = $4, ended_by = $5, updated_at = now()
            WHERE id = $1 AND status = 'active'
            RETURNING id`,
          [id, endedOn, dto.reason, now, caller.userId],
        ),
      );
      if (ended.length !== 1) {
        const [found] = await manager.query<{ status: string }[]>(
          'SELECT status FROM commissioner_assignments WHERE id = $1',
          [id],
        );
        throw invalidTransition(ENTITY, 'end', found?.status ?? 'absent');
      }
      const after = await this.read(manager, id);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'commissioner.ended',
        entityType: 'commissioner_assignment',
        entityId: id,
        before: { status: before.status },
        after: { status: after.status, endedOn, endCause: 'ended', reason: dto.reason },
      });
      const draft = {
        kind: 'commissioner.ended',
        entityType: 'commissioner_assignment',
        entityId: id,
      };
      await this.notifications.notify(manager, [after.officerId], {
        ...draft,
        title: `金融服务专员任务结束：${after.enterpriseName}`,
        body: `您担任 ${after.enterpriseName} 金融服务专员的任务自 ${endedOn} 起结束。原因：${dto.reason}`,
      });
      await this.notifications.notifyEnterprise(manager, after.enterpriseId, {
        ...draft,
        title: '金融服务专员服务结束',
        body: `${after.bankName} ${after.officerName} 自 ${endedOn} 起不再担任贵企业的金融服务专员。`,
      });
      return toCommissionerResponse(after, today);
    });
  }

  async get(caller: Caller, id: string): Promise<CommissionerResponseDto> {
    const scope = assignmentVisibility(caller, 2);
    const [row] = await this.dataSource.query<AssignmentRow[]>(
      `${ASSIGNMENT_SELECT} WHERE a.id = $1 AND ${scope.sql}`,
      [id, ...scope.values],
    );
    if (row === undefined) {
      throw DomainError.notFound(ENTITY);
    }
    return toCommissionerResponse(row, shanghaiBusinessDate(this.clock.now()));
  }

  /**
   * Newest first by (created_at, id); the cursor is the last row's pair. Filters narrow what the
   * caller may see anyway, so they need no tenancy check of their own.
   */
  async list(
    caller: Caller,
    query: ListCommissionersQueryDto,
  ): Promise<Page<CommissionerResponseDto>> {
    const limit = query.limit ?? 20;
    const scope = assignmentVisibility(caller, 1);
    const values: unknown[] = [...scope.values];
    const conditions = [scope.sql];
    const filter = (column: string, value: unknown): void => {
      values.push(value);
      conditions.push(`${column} = $${values.length}`);
    };
    if (query.enterpriseId !== undefined) {
      filter('a.enterprise_id', query.enterpriseId);
    }
    if (query.officerId !== undefined) {
      filter('a.officer_id', query.officerId);
    }
    if (query.bankId !== undefined) {
      filter('a.bank_id', query.bankId);
    }
    if (query.status !== undefined) {
      filter('a.status', query.status);
    }
    if (query.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isIsoInstant(key) : isUuid(key),
      );
      values.push(createdAt, id);
      conditions.push(
        `(a.created_at, a.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`,
      );
    }
    values.push(limit + 1);
    const rows = await this.dataSource.query<AssignmentRow[]>(
      `${ASSIGNMENT_SELECT} WHERE ${conditions.join(' AND ')}
        ORDER BY a.created_at DESC, a.id DESC LIMIT $${values.length}`,
      values,
    );
    const today = shanghaiBusinessDate(this.clock.now());
    return toPage(
      rows,
      limit,
      (row) => [row.createdAt.toISOString(), row.id],
      (row) => toCommissionerResponse(row, today),
    );
  }

  private async read(manager: EntityManager, id: string): Promise<AssignmentRow> {
    const [row] = await manager.query<AssignmentRow[]>(`${ASSIGNMENT_SELECT} WHERE a.id = $1`, [
      id,
    ]);
    if (row === undefined) {
      throw new Error(`commissioner assignment ${id} vanished inside its transaction`);
    }
    return row;
  }
}

function minDate(left: string, right: string): string {
  return left <= right ? left : right;
}

function concurrentChange(): DomainError {
  return new DomainError(
    ErrorCode.Conflict,
    'The enterprise’s commissioner changed while this appointment was being made: read it again',
    { errors: [{ field: 'enterpriseId', message: 'its commissioner changed concurrently' }] },
  );
}

function translateConstraint(error: unknown): unknown {
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (
    postgresErrorCode(error) === '23505' &&
    constraint === 'commissioner_assignments_one_active'
  ) {
    return concurrentChange();
  }
  return error;
}
