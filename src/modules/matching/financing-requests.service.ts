import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseYuan } from '../../common/money/money.js';
import type { Page } from '../../common/pagination/pagination.js';
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
import { RequestListReader } from './request-list.js';
import { RequestTimeline } from './request-timeline.js';

const ENTITY = 'financing request';

function isBankStaff(caller: Caller): boolean {
  return caller.role === Role.BankOfficer || caller.role === Role.BankPresident;
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
    private readonly listReader: RequestListReader,
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

  /** GET /financing-requests: one statement per page, see RequestListReader. */
  list(
    caller: Caller,
    query: ListFinancingRequestsQueryDto,
  ): Promise<Page<FinancingRequestResponseDto>> {
    return this.listReader.read(caller, query);
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
