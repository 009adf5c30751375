import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseYuan } from '../../common/money/money.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { FinancingRequestEntity } from './financing-request.entity.js';
import {
  CreateFinancingRequestDto,
  FinancingRequestDetailDto,
  FinancingRequestResponseDto,
  ListFinancingRequestsQueryDto,
  type RequestNames,
  toFinancingRequestDetail,
  toFinancingRequestResponse,
} from './financing-requests.dto.js';
import { MatchEntity } from './match.entity.js';
import { ReasonDto } from './matches.dto.js';
import { MatchesService } from './matches.service.js';
import { lockRequest, moveRequest, yuan } from './request-moves.js';
import { RequestDetailReader } from './request-detail.js';
import { RequestTimeline } from './request-timeline.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

const ENTITY = 'financing request';

function isBankStaff(caller: Caller): boolean {
  return caller.role === Role.BankOfficer || caller.role === Role.BankPresident;
}

/**
 * The requests a caller may read, as SQL on the alias `request`: administrators and auditors
 * all; an enterprise its own; bank staff those their bank holds or held a match for (whatever
 * the match's state), so a bank keeps seeing what it declined.
 */
function visibility(caller: Caller): { sql: string; parameters: Record<string, unknown> } {
  if (seesEverything(caller)) {
    return { sql: 'TRUE', parameters: {} };
  }
  if (caller.role === Role.Enterprise && caller.enterpriseId !== null) {
    return {
      sql: 'request.enterprise_id = :callerEnterpriseId',
      parameters: { callerEnterpriseId: caller.enterpriseId },
    };
  }
  if (isBankStaff(caller) && caller.bankId !== null) {
    return {
      sql: `EXISTS (SELECT 1 FROM matches stake
                     WHERE stake.request_id = request.id AND stake.bank_id = :callerBankId)`,
      parameters: { callerBankId: caller.bankId },
    };
  }
  return { sql: 'FALSE', parameters: {} };
}

/**
 * 融资需求: filing, reading (with matches and timeline), withdrawing and closing. Dispatch and the
 * banks' actions live in MatchesService; both take the request's row lock first.
 */
@Injectable()
export class FinancingRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly timeline: RequestTimeline,
    private readonly matches: MatchesService,
    private readonly detailReader: RequestDetailReader,
  ) {}

  create(caller: Caller, dto: CreateFinancingRequestDto): Promise<FinancingRequestResponseDto> {
    return inTransaction(this.dataSource, (manager) => this.file(manager, caller, dto));
  }

  /**
   * Files a request inside the caller's transaction: for the commissioner and event modules,
   * which file on an enterprise's behalf as one step of a larger use case.
   */
  async file(
    manager: EntityManager,
    caller: Caller,
    dto: CreateFinancingRequestDto,
  ): Promise<FinancingRequestResponseDto> {
    const { enterpriseId, onBehalf } = this.ownerFor(caller, dto.enterpriseId);
    const amountFen = parseYuan(dto.amount, 'amount');
    if (amountFen <= 0n) {
      throw DomainError.validation('amount', 'must be above 0');
    }
    const [enterprise] = await manager.query<{ name: string }[]>(
      'SELECT name FROM enterprises WHERE id = $1',
      [enterpriseId],
    );
    if (enterprise === undefined) {
      throw DomainError.validation('enterpriseId', 'names no enterprise');
    }
    let projectName: string | null = null;
    if (dto.projectId !== undefined) {
      const [project] = await manager.query<{ name: string }[]>(
        'SELECT name FROM projects WHERE id = $1 AND enterprise_id = $2',
        [dto.projectId, enterpriseId],
      );
      if (project === undefined) {
        throw DomainError.validation('projectId', 'names no project of this enterprise');
      }
      projectName = project.name;
    }
    const repository = manager.getRepository(FinancingRequestEntity);
    const request = await repository.save(
      repository.create({
        enterpriseId,
        projectId: dto.projectId ?? null,
        amountFen,
        termMonths: dto.termMonths,
        purpose: dto.purpose,
        guaranteeOffered: dto.guaranteeOffered,
        rateCeiling: dto.rateCeiling ?? null,
        description:
          dto.description === undefined || dto.description === '' ? null : dto.description,
        status: 'submitted',
        createdBy: caller.userId,
        onBehalf,
        closeReason: null,
      }),
    );
    const actor = actorOf(caller);
    await this.timeline.record(manager, actor, {
      requestId: request.id,
      matchId: null,
      action: 'request.submitted',
      from: null,
      to: 'submitted',
      details: { onBehalf },
    });
    await this.audit.record(manager, {
      actor,
      action: 'financing_request.created',
      entityType: 'financing_request',
      entityId: request.id,
      after: request,
    });
    const draft = {
      kind: 'request.submitted',
      entityType: 'financing_request',
      entityId: request.id,
    };
    const summary = `${yuan(amountFen)}，${dto.termMonths} 个月`;
    if (onBehalf) {
      await this.notifications.notifyEnterprise(manager, enterpriseId, {
        ...draft,
        title: '项目中心已为您登记融资需求',
        body: `项目中心已代为登记您的融资需求（${summary}），将为您对接银行。`,
      });
    } else {
      await this.notifications.notifyCenter(manager, {
        ...draft,
        title: `新的融资需求：${enterprise.name}`,
        body: `${enterprise.name} 提交了融资需求（${summary}），待推送银行。`,
      });
    }
    return toFinancingRequestResponse(request, { enterpriseName: enterprise.name, projectName });
  }

  /*
   * Newest first, by (created_at, id) descending; cursor = the last row's pair. Indexes:
   * financing_requests_created_idx for the whole list, _status_idx for the center's queue
   * (status=submitted), _enterprise_idx for an enterprise's own. A bank's list (its staff, or
   * the bankId filter) walks bank_request_stakes, one row per request the bank holds or held a
   * match for, carrying the request's status and creation time (kept by triggers): one index
   * range (_status_idx or _created_idx) whatever the bank's share, instead of walking every
   * request in the status and probing its matches for the bank.
   */
  async list(
    caller: Caller,
    query: ListFinancingRequestsQueryDto,
  ): Promise<Page<FinancingRequestResponseDto>> {
    if (query.enterpriseId !== undefined && !seesEverything(caller)) {
      throw DomainError.validation(
        'enterpriseId',
        'may only be used by administrators and auditors',
      );
    }
    if (query.bankId !== undefined && isBankStaff(caller) && query.bankId !== caller.bankId) {
      // Naming another bank would tell which requests that bank also holds.
      throw DomainError.validation('bankId', 'may only name your own bank');
    }
    const limit = query.limit ?? 20;
    const builder = this.dataSource
      .getRepository(FinancingRequestEntity)
      .createQueryBuilder('request')
      .limit(limit + 1);
    // Bank staff see exactly their bank's stakes; the filter names the bank whose stakes to walk.
    const stakeBank =
      isBankStaff(caller) && caller.bankId !== null ? caller.bankId : (query.bankId ?? null);
    // The list's order and filters, on the stake's copy of the request's columns when walking
    // a bank's stakes (the same values: the triggers keep them in the writing transaction).
    const column = (name: string): string =>
      stakeBank === null ? `request.${name}` : `stake.request_${name}`;
    if (stakeBank !== null) {
      builder.innerJoin(
        'bank_request_stakes',
        'stake',
        'stake.request_id = request.id AND stake.bank_id = :stakeBankId',
        { stakeBankId: stakeBank },
      );
    }
    // The stake join is a bank's staff's whole visibility.
    const scope =
      stakeBank !== null && isBankStaff(caller)
        ? { sql: 'TRUE', parameters: {} }
        : visibility(caller);
    builder
      .where(scope.sql, scope.parameters)
      .orderBy(column('created_at'), 'DESC')
      .addOrderBy(column('id'), 'DESC');
    if (query.status !== undefined) {
      builder.andWhere(`${column('status')} = :status`, { status: query.status });
    }
    if (query.enterpriseId !== undefined) {
      builder.andWhere('request.enterprise_id = :enterpriseId', {
        enterpriseId: query.enterpriseId,
      });
    }
    if (query.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isIsoInstant(key) : isUuid(key),
      );
      builder.andWhere(
        `(${column('created_at')}, ${column('id')}) < (:createdAt::timestamptz, :cursorId::uuid)`,
        { createdAt, cursorId: id },
      );
    }
    const rows = await builder.getMany();
    const names = await this.names(this.dataSource.manager, rows.slice(0, limit));
    return toPage(
      rows,
      limit,
      (request) => [request.createdAt.toISOString(), request.id],
      (request) => toFinancingRequestResponse(request, requireNames(names, request.id)),
    );
  }

  get(caller: Caller, id: string): Promise<FinancingRequestDetailDto> {
    return this.detailReader.read(caller, id);
  }

  /** The enterprise takes its request back before it is funded; open matches are cancelled. */
  withdraw(caller: Caller, id: string): Promise<FinancingRequestDetailDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const request = await lockRequest(manager, id);
      if (!request || request.enterpriseId !== caller.enterpriseId) {
        throw DomainError.notFound(ENTITY);
      }
      const status = await moveRequest(manager, request, 'withdraw');
      const actor = actorOf(caller);
      await this.recordMove(manager, caller, request, status ?? request.status, 'withdrawn', null);
      await this.matches.cancelOpenMatches(manager, actor, request, 'withdrawn');
      const enterprise = await this.enterpriseName(manager, request.enterpriseId);
      await this.notifications.notifyCenter(manager, {
        kind: 'request.withdrawn',
        title: `${enterprise} 撤回了融资需求`,
        body: `${enterprise} 撤回了 ${yuan(request.amountFen)} 的融资需求，未结对接已取消。`,
        entityType: 'financing_request',
        entityId: request.id,
      });
      return this.detail(manager, caller, await this.reload(manager, id));
    });
  }

  /** The project center closes a request, with a reason; open matches are cancelled. */
  close(caller: Caller, id: string, dto: ReasonDto): Promise<FinancingRequestDetailDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const request = await lockRequest(manager, id);
      if (!request) {
        throw DomainError.notFound(ENTITY);
      }
      const status = await moveRequest(manager, request, 'close', dto.reason);
      const actor = actorOf(caller);
      await this.recordMove(manager, caller, request, status ?? request.status, 'closed', {
        reason: dto.reason,
      });
      await this.matches.cancelOpenMatches(manager, actor, request, 'closed');
      await this.notifications.notifyEnterprise(manager, request.enterpriseId, {
        kind: 'request.closed',
        title: '项目中心关闭了您的融资需求',
        body: `您 ${yuan(request.amountFen)} 的融资需求已关闭。原因：${dto.reason}`,
        entityType: 'financing_request',
        entityId: request.id,
      });
      return this.detail(manager, caller, await this.reload(manager, id));
    });
  }

  private async recordMove(
    manager: EntityManager,
    caller: Caller,
    request: FinancingRequestEntity,
    status: string,
    verb: string,
    details: Record<string, unknown> | null,
  ): Promise<void> {
    const actor = actorOf(caller);
    await this.timeline.record(manager, actor, {
      requestId: request.id,
      matchId: null,
      action: `request.${verb}`,
      from: request.status,
      to: status,
      ...(details === null ? {} : { details }),
    });
    await this.audit.record(manager, {
      actor,
      action: `financing_request.${verb}`,
      entityType: 'financing_request',
      entityId: request.id,
      before: { status: request.status },
      after: { status, ...details },
    });
  }

  /** The request with its matches (bank staff: their bank's only) and its timeline. */
  private async detail(
    manager: EntityManager,
    caller: Caller,
    request: FinancingRequestEntity,
  ): Promise<FinancingRequestDetailDto> {
    const ownBank = isBankStaff(caller) ? caller.bankId : null;
    const matches = await manager.getRepository(MatchEntity).find({
      where: { requestId: request.id, ...(ownBank === null ? {} : { bankId: ownBank }) },
      order: { dispatchedAt: 'ASC', id: 'ASC' },
    });
    const [names, responses, timeline] = [
      await this.names(manager, [request]),
      await this.matches.responses(manager, matches),
      await this.timeline.read(manager, request.id, ownBank),
    ];
    const totals = { approvedFen: 0n, disbursedFen: 0n };
    for (const match of matches) {
      if (match.status === 'approved' || match.status === 'disbursed') {
        totals.approvedFen += match.approvedAmountFen ?? 0n;
      }
      if (match.status === 'disbursed') {
        totals.disbursedFen += match.disbursedAmountFen ?? 0n;
      }
    }
    return toFinancingRequestDetail(
      request,
      requireNames(names, request.id),
      responses,
      totals,
      timeline,
    );
  }

  /** The tenant comes from the token: an enterprise files for itself, an admin names one. */
  private ownerFor(
    caller: Caller,
    requested: string | undefined,
  ): { enterpriseId: string; onBehalf: boolean } {
    if (caller.role === Role.Enterprise) {
      if (requested !== undefined) {
        throw DomainError.validation(
          'enterpriseId',
          'may not be set by an enterprise user: the request is your own enterprise’s',
        );
      }
      if (caller.enterpriseId === null) {
        throw DomainError.forbidden('This account belongs to no enterprise');
      }
      return { enterpriseId: caller.enterpriseId, onBehalf: false };
    }
    if (requested === undefined) {
      throw DomainError.validation('enterpriseId', 'is required when filing on behalf');
    }
    return { enterpriseId: requested, onBehalf: true };
  }

  private async names(
    manager: EntityManager,
    requests: readonly FinancingRequestEntity[],
  ): Promise<Map<string, RequestNames>> {
    if (requests.length === 0) {
      return new Map();
    }
    const rows = await manager.query<
      { id: string; enterpriseName: string; projectName: string | null }[]
    >(
      `SELECT r.id, e.name AS "enterpriseName", p.name AS "projectName"
         FROM financing_requests r
         JOIN enterprises e ON e.id = r.enterprise_id
         LEFT JOIN projects p ON p.id = r.project_id
        WHERE r.id = ANY($1::uuid[])`,
      [requests.map((request) => request.id)],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        { enterpriseName: row.enterpriseName, projectName: row.projectName },
      ]),
    );
  }

  private async enterpriseName(manager: EntityManager, enterpriseId: string): Promise<string> {
    const [enterprise] = await manager.query<{ name: string }[]>(
      'SELECT name FROM enterprises WHERE id = $1',
      [enterpriseId],
    );
    return enterprise?.name ?? '';
  }

  private reload(manager: EntityManager, id: string): Promise<FinancingRequestEntity> {
    return manager.getRepository(FinancingRequestEntity).findOneByOrFail({ id });
  }
}

function requireNames(names: ReadonlyMap<string, RequestNames>, id: string): RequestNames {
  const found = names.get(id);
  if (found === undefined) {
    throw new Error(`financing request ${id} vanished while its response was built`);
  }
  return found;
}
