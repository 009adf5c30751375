import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { formatFen, parseYuan } from '../../common/money/money.js';
import { decodeCursor, Page, PageQueryDto, toPage } from '../../common/pagination/pagination.js';
import { inTransaction } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { FinancingRequestsService } from '../matching/financing-requests.service.js';
import { returnedRows } from '../matching/request-moves.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { isCalendarDate } from '../calendar/working-days.js';
import {
  needStatus,
  requireAssignmentAction,
  requireNeedAction,
} from './commissioner-lifecycle.js';
import { addDays } from './commissioner-term.js';
import {
  AssignmentRow,
  CreateVisitDto,
  FiledNeedDto,
  FileNeedDto,
  toVisitResponse,
  VisitResponseDto,
  VisitRow,
} from './commissioners.dto.js';
import { ASSIGNMENT_SELECT, assignmentVisibility } from './commissioners.service.js';
import { isUuid } from '../../common/validation/identifiers.js';

const VISIT_SELECT = `
  SELECT v.id, v.assignment_id AS "assignmentId", a.enterprise_id AS "enterpriseId",
         a.officer_id AS "officerId", v.visited_on::text AS "visitedOn", v.kind, v.notes,
         v.need_found AS "needFound", v.need_amount_fen::text AS "needAmountFen",
         v.request_id AS "requestId", v.filed_at AS "filedAt", v.recorded_by AS "recordedById",
         recorder.display_name AS "recordedByName", v.created_at AS "createdAt"
    FROM commissioner_visits v
    JOIN commissioner_assignments a ON a.id = v.assignment_id
    JOIN users recorder ON recorder.id = v.recorded_by`;

/**
 * The commissioner's service log (走访记录) and turning a need found into a financing request.
 *
 * Rules decided here:
 * - The commissioner themself writes the log of an active assignment; administrators write too,
 *   also on an ended one (late entries). Anyone else who may read the assignment gets 403.
 * - A visit is dated within the service (from the first day, before the end) and not in the
 *   future; the assignment row is share-locked so an end racing the entry cannot leave a visit
 *   dated after it.
 * - A need found carries its amount. Filing it creates a financing request on the enterprise's
 *   behalf (onBehalf, created by the filer) through FinancingRequestsService in the same
 *   transaction, linked to the visit (once: the visit row is locked and the link guarded), and
 *   tells the project center, which dispatches it like any other request.
 */
@Injectable()
export class CommissionerVisitsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly requests: FinancingRequestsService,
  ) {}

  record(caller: Caller, assignmentId: string, dto: CreateVisitDto): Promise<VisitResponseDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const assignment = await this.requireWritable(manager, caller, assignmentId);
      const today = shanghaiBusinessDate(this.clock.now());
      if (dto.on > today) {
        throw DomainError.validation('on', 'may not be in the future (Asia/Shanghai)');
      }
      if (dto.on < assignment.startsOn) {
        throw DomainError.validation(
          'on',
          `may not be before the assignment’s first day (${assignment.startsOn})`,
        );
      }
      const serviceEnd = assignment.endedOn ?? addDays(assignment.termEndsOn, 1);
      if (dto.on >= serviceEnd) {
        throw DomainError.validation('on', `must be before the end of service (${serviceEnd})`);
      }
      const needFound = dto.needFound === true;
      let amountFen: bigint | null = null;
      if (needFound) {
        if (dto.amount === undefined) {
          throw DomainError.validation('amount', 'is required when a need was found');
        }
        amountFen = parseYuan(dto.amount, 'amount');
        if (amountFen <= 0n) {
          throw DomainError.validation('amount', 'must be above 0');
        }
      } else if (dto.amount !== undefined) {
        throw DomainError.validation('amount', 'is only for a need found (needFound: true)');
      }
      const [{ id }] = await manager.query<{ id: string }[]>(
        `INSERT INTO commissioner_visits
           (assignment_id, visited_on, kind, notes, need_found, need_amount_fen, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          assignmentId,
          dto.on,
          dto.kind,
          dto.notes,
          needFound,
          amountFen === null ? null : amountFen.toString(),
          caller.userId,
        ],
      );
      const visit = await this.read(manager, id);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'commissioner_visit.recorded',
        entityType: 'commissioner_visit',
        entityId: id,
        after: visit,
      });
      return toVisitResponse(visit);
    });
  }

  /** Newest visit first by (visited_on, id); the cursor is the last row's pair. */
  async list(
    caller: Caller,
    assignmentId: string,
    query: PageQueryDto,
  ): Promise<Page<VisitResponseDto>> {
    await this.requireReadable(this.dataSource.manager, caller, assignmentId, false);
    const limit = query.limit ?? 20;
    const values: unknown[] = [assignmentId];
    let after = '';
    if (query.cursor !== undefined) {
      const [visitedOn, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isCalendarDate(key) : isUuid(key),
      );
      values.push(visitedOn, id);
      after = 'AND (v.visited_on, v.id) < ($2::date, $3::uuid)';
    }
    values.push(limit + 1);
    const rows = await this.dataSource.query<VisitRow[]>(
      `${VISIT_SELECT} WHERE v.assignment_id = $1 ${after}
        ORDER BY v.visited_on DESC, v.id DESC LIMIT $${values.length}`,
      values,
    );
    return toPage(rows, limit, (row) => [row.visitedOn, row.id], toVisitResponse);
  }

  /** Files the need a visit found as a financing request on the enterprise's behalf. */
  fileNeed(
    caller: Caller,
    assignmentId: string,
    visitId: string,
    dto: FileNeedDto,
  ): Promise<FiledNeedDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const assignment = await this.requireWritable(manager, caller, assignmentId);
      const [visit] = await manager.query<
        {
          needFound: boolean;
          needAmountFen: string | null;
          requestId: string | null;
          visitedOn: string;
        }[]
      >(
        `SELECT need_found AS "needFound", need_amount_fen::text AS "needAmountFen",
                request_id AS "requestId", visited_on::text AS "visitedOn"
           FROM commissioner_visits WHERE id = $1 AND assignment_id = $2 FOR UPDATE`,
        [visitId, assignmentId],
      );
      if (visit === undefined) {
        throw DomainError.notFound('visit');
      }
      requireNeedAction('file', needStatus(visit));
      const request = await this.requests.file(manager, caller, {
        enterpriseId: assignment.enterpriseId,
        amount: dto.amount ?? formatFen(BigInt(visit.needAmountFen ?? '0')),
        termMonths: dto.termMonths,
        purpose: dto.purpose,
        guaranteeOffered: dto.guaranteeOffered,
        projectId: dto.projectId,
        rateCeiling: dto.rateCeiling,
        // The visit's notes stay in the log: the bank and the enterprise read the description.
        description: dto.description ?? `金融服务专员 ${visit.visitedOn} 走访发现的融资需求`,
      });
      const filed = returnedRows<{ id: string }>(
        await manager.query(
          `UPDATE commissioner_visits SET request_id = $2, filed_at = $3, filed_by = $4
            WHERE id = $1 AND need_found AND request_id IS NULL RETURNING id`,
          [visitId, request.id, this.clock.now(), caller.userId],
        ),
      );
      if (filed.length !== 1) {
        throw new Error(`visit ${visitId} changed under its row lock`);
      }
      const after = await this.read(manager, visitId);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'commissioner_visit.need_filed',
        entityType: 'commissioner_visit',
        entityId: visitId,
        before: { needStatus: 'open' },
        after: { needStatus: 'filed', requestId: request.id },
      });
      await this.notifications.notifyCenter(manager, {
        kind: 'commissioner.need_filed',
        title: `金融服务专员登记融资需求：${assignment.enterpriseName}`,
        body:
          `${assignment.bankName} ${assignment.officerName}（金融服务专员）为 ` +
          `${assignment.enterpriseName} 登记了融资需求（${request.amount} 元，` +
          `${request.termMonths} 个月），待推送银行。`,
        entityType: 'financing_request',
        entityId: request.id,
      });
      return { visit: toVisitResponse(after), request };
    });
  }

  /**
   * The assignment, share-locked, if the caller may write its log: 404 unless they may read it,
   * 403 unless they are its commissioner or an administrator, 409 for the commissioner on an
   * ended assignment.
   */
  private async requireWritable(
    manager: EntityManager,
    caller: Caller,
    assignmentId: string,
  ): Promise<AssignmentRow> {
    const assignment = await this.requireReadable(manager, caller, assignmentId, true);
    if (caller.role === Role.Admin) {
      return assignment;
    }
    if (assignment.officerId !== caller.userId) {
      throw DomainError.forbidden('Only the commissioner or an administrator may write this log');
    }
    requireAssignmentAction('serve', assignment.status);
    return assignment;
  }

  private async requireReadable(
    manager: EntityManager,
    caller: Caller,
    assignmentId: string,
    lock: boolean,
  ): Promise<AssignmentRow> {
    const scope = assignmentVisibility(caller, 2);
    const [assignment] = await manager.query<AssignmentRow[]>(
      `${ASSIGNMENT_SELECT} WHERE a.id = $1 AND ${scope.sql} ${lock ? 'FOR SHARE OF a' : ''}`,
      [assignmentId, ...scope.values],
    );
    if (assignment === undefined) {
      throw DomainError.notFound('commissioner assignment');
    }
    return assignment;
  }

  private async read(manager: EntityManager, id: string): Promise<VisitRow> {
    const [row] = await manager.query<VisitRow[]>(`${VISIT_SELECT} WHERE v.id = $1`, [id]);
    if (row === undefined) {
      throw new Error(`visit ${id} vanished inside its transaction`);
    }
    return row;
  }
}
