import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { Actor, actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../common/config/app-config.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { parseYuan } from '../../common/money/money.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { WorkingCalendar } from '../calendar/working-calendar.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { normaliseRate } from '../products/effective-rate.js';
import { FinancingRequestEntity } from './financing-request.entity.js';
import {
  MATCH_TRANSITIONS,
  type MatchStatus,
  nextRequestStatus,
  OPEN_MATCH_STATUSES,
  requireMatchAction,
} from './lifecycles.js';
import { MatchEntity } from './match.entity.js';
import { MatchViews } from './match-views.js';
import {
  ApproveDto,
  AssignDto,
  DeclineDto,
  DisburseDto,
  DispatchDto,
  ListMatchesQueryDto,
  MatchResponseDto,
  ReasonDto,
  toMatchResponse,
} from './matches.dto.js';
import {
  beijingTime,
  lockRequest,
  moveMatch,
  moveRequest,
  returnedRows,
  yuan,
} from './request-moves.js';
import { RequestTimeline, sequentialUuid } from './request-timeline.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

type MatchAction = keyof typeof MATCH_TRANSITIONS;

/** The past tense each action leaves in the timeline and the audit log (`match.accepted`, …). */
const DONE: Record<string, string> = {
  assign: 'assigned',
  accept: 'accepted',
  approve: 'approved',
  disburse: 'disbursed',
  decline: 'declined',
  recall: 'recalled',
};

interface ActionContext {
  manager: EntityManager;
  actor: Actor;
  /** Locked for the transaction. */
  request: FinancingRequestEntity;
  /** The match as read after the request lock. */
  before: MatchEntity;
  now: Date;
}

/** What an action changed; null when it changed nothing (e.g. assigning the current officer). */
interface ActionOutcome {
  details?: Record<string, unknown>;
}

function isBankStaff(caller: Caller): boolean {
  return caller.role === Role.BankOfficer || caller.role === Role.BankPresident;
}

/** The bank's staff act on its matches; everyone else (another bank included) finds none. */
function mayReachMatch(caller: Caller, match: MatchEntity): boolean {
  return seesEverything(caller) || (isBankStaff(caller) && caller.bankId === match.bankId);
}

/**
 * 对接 and 行长制: dispatching a request to a bank, and everything the bank then does with it.
 *
 * Rules decided here (DESIGN §4.3 leaves them open):
 * - Officers act on their bank's matches that are assigned to them or not assigned to anyone;
 *   a match assigned to another officer answers 403 (they can see it, it is not theirs to move).
 *   Acting on an unassigned match does not assign it: the president still holds it until they
 *   assign someone. Presidents act on every match of their bank; only they assign.
 * - The approved amount may not exceed the requested amount (400 naming approvedAmount): a bank
 *   that would lend more asks the enterprise to file a new request, so demand figures stay true.
 * - The disbursed amount may not exceed the approved amount; the disbursement date is a business
 *   date neither in the future nor before the dispatch (Asia/Shanghai).
 * - When one match disburses, the request becomes `funded` and the request's other open matches
 *   stay open until their banks close them: an enterprise may borrow from two banks. A later
 *   disbursement keeps the request `funded`; a later decline leaves it `funded`.
 * - A request goes back to `submitted` when its last open match is declined or recalled (unless
 *   already funded).
 * - Business instants (dispatch, deadline, accepted/approved/disbursed/closed) come from Clock;
 *   the timeline's occurred_at is the database's clock, for a strict order.
 */
@Injectable()
export class MatchesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly timeline: RequestTimeline,
    private readonly views: MatchViews,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly config: AppConfig,
  ) {}

  dispatch(caller: Caller, requestId: string, dto: DispatchDto): Promise<MatchResponseDto> {
    return inTransaction(this.dataSource, (manager) =>
      this.dispatchWithin(manager, caller, requestId, dto),
    );
  }

  /**
   * Dispatches inside the caller's transaction: the events module files a request and pushes it
   * to the intent's bank as one step.
   */
  async dispatchWithin(
    manager: EntityManager,
    caller: Caller,
    requestId: string,
    dto: DispatchDto,
  ): Promise<MatchResponseDto> {
    const request = await lockRequest(manager, requestId);
    if (!request) {
      throw DomainError.notFound('financing request');
    }
    const [enterprise] = await manager.query<{ name: string; verified: boolean }[]>(
      'SELECT name, verified_at IS NOT NULL AS verified FROM enterprises WHERE id = $1',
      [request.enterpriseId],
    );
    if (enterprise === undefined || !enterprise.verified) {
      throw new DomainError(
        ErrorCode.EnterpriseNotVerified,
        'Only a verified enterprise’s request can be dispatched: verify the enterprise first',
        { extensions: { enterpriseId: request.enterpriseId } },
      );
    }
    nextRequestStatus('dispatch', request.status);
    // FOR SHARE waits for (and holds off) a change of president at this bank (BankPresidency
    // locks the bank row), so the president read next is the one in office at commit.
    const [bank] = await manager.query<{ name: string }[]>(
      'SELECT name FROM banks WHERE id = $1 FOR SHARE',
      [dto.bankId],
    );
    if (bank === undefined) {
      throw DomainError.validation('bankId', 'names no bank');
    }
    const [president] = await manager.query<{ id: string }[]>(
      `SELECT id FROM users
        WHERE bank_id = $1 AND role = 'bank_president' AND disabled_at IS NULL`,
      [dto.bankId],
    );
    if (president === undefined) {
      throw new DomainError(
        ErrorCode.BankHasNoPresident,
        `${bank.name} has no active president to answer for the match`,
        { errors: [{ field: 'bankId', message: 'the bank has no active president' }] },
      );
    }
    if (dto.productId !== undefined) {
      await this.requireProduct(manager, dto.productId, dto.bankId);
    }
    const now = this.clock.now();
    const dueAt = await this.calendar.addWorkingDays(
      manager,
      now,
      this.config.env.MATCH_RESPONSE_WORKING_DAYS,
    );
    let matchId: string;
    try {
      const [row] = await manager.query<{ id: string }[]>(
        `INSERT INTO matches (request_id, bank_id, product_id, status, president_id,
                              dispatched_by, dispatched_at, response_due_at)
         VALUES ($1, $2, $3, 'dispatched', $4, $5, $6, $7)
         RETURNING id`,
        [requestId, dto.bankId, dto.productId ?? null, president.id, caller.userId, now, dueAt],
      );
      matchId = row.id;
    } catch (error) {
      throw translateConstraint(error);
    }
    const requestStatus = await moveRequest(manager, request, 'dispatch');
    const actor = actorOf(caller);
    const match = await this.reload(manager, matchId);
    await this.timeline.record(manager, actor, {
      requestId,
      matchId,
      action: 'match.dispatched',
      from: null,
      to: 'dispatched',
      details: {
        bankId: dto.bankId,
        productId: dto.productId ?? null,
        presidentId: president.id,
        responseDueAt: dueAt.toISOString(),
      },
    });
    await this.audit.record(manager, {
      actor,
      action: 'match.dispatched',
      entityType: 'match',
      entityId: matchId,
      after: match,
    });
    if (requestStatus !== null) {
      await this.recordRequestMove(manager, actor, request, requestStatus, 'dispatched', matchId);
    }
    await this.notifications.notify(manager, [president.id], {
      kind: 'match.dispatched',
      title: `新的融资需求待受理：${enterprise.name}`,
      body:
        `项目中心将 ${enterprise.name} 的融资需求（${yuan(request.amountFen)}，` +
        `${request.termMonths} 个月）推送至 ${bank.name}，请于 ${beijingTime(dueAt)} 前受理。`,
      entityType: 'match',
      entityId: matchId,
    });
    return this.respond(manager, match);
  }

  /** 行长 assigns (or reassigns) a match to an officer of the bank; history is kept. */
  assign(caller: Caller, matchId: string, dto: AssignDto): Promise<MatchResponseDto> {
    return this.act(
      caller,
      matchId,
      'assign',
      async ({ manager, before }) => {
        const [officer] = await manager.query<{ id: string; name: string }[]>(
          `SELECT id, display_name AS name FROM users
          WHERE id = $1 AND bank_id = $2 AND role = 'bank_officer' AND disabled_at IS NULL`,
          [dto.officerId, before.bankId],
        );
        if (officer === undefined) {
          throw DomainError.validation('officerId', 'names no active officer of this bank');
        }
        if (before.officerId === officer.id) {
          return null;
        }
        await moveMatch(manager, matchId, 'assign', ['officer_id = $3'], [officer.id]);
        await manager.query(
          `INSERT INTO match_assignments (id, match_id, officer_id, assigned_by)
         VALUES ($1, $2, $3, $4)`,
          [sequentialUuid(), matchId, officer.id, caller.userId],
        );
        return {
          details: {
            officerId: officer.id,
            officerName: officer.name,
            previousOfficerId: before.officerId,
          },
        };
      },
      async ({ manager, request, before }, after) => {
        const enterprise = await this.enterpriseName(manager, request.enterpriseId);
        await this.notifications.notify(
          manager,
          after.officerId === null ? [] : [after.officerId],
          {
            kind: 'match.assigned',
            title: `行长分派了融资需求：${enterprise}`,
            body:
              `${enterprise} 的融资需求（${yuan(request.amountFen)}）已分派给您，` +
              `受理时限 ${beijingTime(after.responseDueAt)}。`,
            entityType: 'match',
            entityId: after.id,
          },
        );
        if (before.officerId !== null) {
          await this.notifications.notify(manager, [before.officerId], {
            kind: 'match.reassigned',
            title: `融资需求已改派他人：${enterprise}`,
            body: `${enterprise} 的融资需求已由行长改派给其他客户经理。`,
            entityType: 'match',
            entityId: after.id,
          });
        }
      },
    );
  }

  accept(caller: Caller, matchId: string): Promise<MatchResponseDto> {
    return this.act(
      caller,
      matchId,
      'accept',
      async ({ manager, now }) => {
        await moveMatch(manager, matchId, 'accept', ['accepted_at = $3'], [now]);
        return {};
      },
      async ({ manager, request }, after) => {
        const bank = await this.bankName(manager, after.bankId);
        await this.notifications.notifyEnterprise(manager, request.enterpriseId, {
          kind: 'match.accepted',
          title: `${bank} 已受理您的融资需求`,
          body: `${bank} 已受理您 ${yuan(request.amountFen)} 的融资需求，正在办理。`,
          entityType: 'financing_request',
          entityId: request.id,
        });
      },
    );
  }

  approve(caller: Caller, matchId: string, dto: ApproveDto): Promise<MatchResponseDto> {
    return this.act(
      caller,
      matchId,
      'approve',
      async ({ manager, request, now }) => {
        const approvedFen = parseYuan(dto.approvedAmount, 'approvedAmount');
        if (approvedFen <= 0n) {
          throw DomainError.validation('approvedAmount', 'must be above 0');
        }
        if (approvedFen > request.amountFen) {
          throw DomainError.validation(
            'approvedAmount',
            `may not exceed the requested amount (${yuan(request.amountFen)}); to lend more, ` +
              'ask the enterprise to file a new request',
          );
        }
        await moveMatch(
          manager,
          matchId,
          'approve',
          [
            'approved_at = $3',
            'approved_amount_fen = $4',
            'annual_rate = $5',
            'approved_term_months = $6',
          ],
          [now, approvedFen.toString(), dto.annualRate, dto.termMonths],
        );
        return {
          details: {
            approvedAmount: dto.approvedAmount,
            annualRate: dto.annualRate,
            termMonths: dto.termMonths,
          },
        };
      },
      async ({ manager, request }, after) => {
        const bank = await this.bankName(manager, after.bankId);
        const enterprise = await this.enterpriseName(manager, request.enterpriseId);
        const draft = {
          kind: 'match.approved',
          entityType: 'financing_request',
          entityId: request.id,
        };
        const amount = yuan(after.approvedAmountFen ?? 0n);
        await this.notifications.notifyEnterprise(manager, request.enterpriseId, {
          ...draft,
          title: `${bank} 已授信 ${amount}`,
          body: `${bank} 已批准授信 ${amount}（尚未放款），年利率 ${after.annualRate === null ? '' : normaliseRate(after.annualRate)}，期限 ${after.approvedTermMonths ?? ''} 个月。`,
        });
        await this.notifications.notifyCenter(manager, {
          ...draft,
          title: `${bank} 授信 ${enterprise} ${amount}`,
          body: `${enterprise} 的融资需求（${yuan(request.amountFen)}）已获 ${bank} 授信 ${amount}。`,
        });
      },
    );
  }

  disburse(caller: Caller, matchId: string, dto: DisburseDto): Promise<MatchResponseDto> {
    return this.act(
      caller,
      matchId,
      'disburse',
      async ({ manager, before, now }) => {
        const amountFen = parseYuan(dto.amount, 'amount');
        if (amountFen <= 0n) {
          throw DomainError.validation('amount', 'must be above 0');
        }
        const approvedFen = before.approvedAmountFen ?? 0n;
        if (amountFen > approvedFen) {
          throw DomainError.validation(
            'amount',
            `may not exceed the approved amount (${yuan(approvedFen)})`,
          );
        }
        if (dto.disbursedOn > shanghaiBusinessDate(now)) {
          throw DomainError.validation('disbursedOn', 'may not be in the future (Asia/Shanghai)');
        }
        if (dto.disbursedOn < shanghaiBusinessDate(before.dispatchedAt)) {
          throw DomainError.validation(
            'disbursedOn',
            'may not be before the request was dispatched to the bank',
          );
        }
        await moveMatch(
          manager,
          matchId,
          'disburse',
          [
            'disbursed_at = $3',
            'closed_at = $3',
            'disbursed_amount_fen = $4',
            'disbursed_on = $5',
            'contract_no = $6',
          ],
          [now, amountFen.toString(), dto.disbursedOn, dto.contractNo],
        );
        return {
          details: {
            amount: dto.amount,
            disbursedOn: dto.disbursedOn,
            contractNo: dto.contractNo,
          },
        };
      },
      async ({ manager, actor, request }, after) => {
        // The other open matches stay open: an enterprise may borrow from several banks.
        const status = await moveRequest(manager, request, 'fund');
        if (status !== null) {
          await this.recordRequestMove(manager, actor, request, status, 'funded', after.id);
        }
        const bank = await this.bankName(manager, after.bankId);
        const enterprise = await this.enterpriseName(manager, request.enterpriseId);
        const amount = yuan(after.disbursedAmountFen ?? 0n);
        const draft = {
          kind: 'match.disbursed',
          entityType: 'financing_request',
          entityId: request.id,
        };
        await this.notifications.notifyEnterprise(manager, request.enterpriseId, {
          ...draft,
          title: `${bank} 已放款 ${amount}`,
          body: `${bank} 已于 ${after.disbursedOn ?? ''} 放款 ${amount}（合同号 ${after.contractNo ?? ''}）。`,
        });
        await this.notifications.notifyCenter(manager, {
          ...draft,
          title: `${bank} 向 ${enterprise} 放款 ${amount}`,
          body: `${enterprise} 的融资需求（${yuan(request.amountFen)}）已由 ${bank} 放款 ${amount}。`,
        });
      },
    );
  }

  decline(caller: Caller, matchId: string, dto: DeclineDto): Promise<MatchResponseDto> {
    return this.act(
      caller,
      matchId,
      'decline',
      async ({ manager, now }) => {
        const [reason] = await manager.query<{ label: string }[]>(
          'SELECT label FROM decline_reasons WHERE code = $1 AND active',
          [dto.reasonCode],
        );
        if (reason === undefined) {
          throw DomainError.validation(
            'reasonCode',
            'names no active decline reason (see GET /decline-reasons)',
          );
        }
        await moveMatch(
          manager,
          matchId,
          'decline',
          ['closed_at = $3', 'decline_reason_code = $4', 'decline_reason = $5'],
          [now, dto.reasonCode, dto.reason],
        );
        return {
          details: { reasonCode: dto.reasonCode, reasonLabel: reason.label, reason: dto.reason },
        };
      },
      async (context, after) => {
        await this.reopenIfLastOpen(context, after);
        const { manager, request } = context;
        const bank = await this.bankName(manager, after.bankId);
        const enterprise = await this.enterpriseName(manager, request.enterpriseId);
        const [{ label }] = await manager.query<{ label: string }[]>(
          'SELECT label FROM decline_reasons WHERE code = $1',
          [after.declineReasonCode],
        );
        const draft = {
          kind: 'match.declined',
          entityType: 'financing_request',
          entityId: request.id,
        };
        await this.notifications.notifyEnterprise(manager, request.enterpriseId, {
          ...draft,
          title: `${bank} 未能受理您的融资需求`,
          body: `原因：${label}。${after.declineReason ?? ''} 项目中心将为您继续对接其他银行。`,
        });
        await this.notifications.notifyCenter(manager, {
          ...draft,
          title: `${bank} 拒绝了 ${enterprise} 的融资需求`,
          body: `原因：${label}。${after.declineReason ?? ''}`,
        });
      },
    );
  }

  /** The project center takes a match back from a bank (e.g. its deadline was breached). */
  recall(caller: Caller, matchId: string, dto: ReasonDto): Promise<MatchResponseDto> {
    return this.act(
      caller,
      matchId,
      'recall',
      async ({ manager, now }) => {
        await moveMatch(
          manager,
          matchId,
          'recall',
          ['closed_at = $3', 'recall_reason = $4'],
          [now, dto.reason],
        );
        return { details: { reason: dto.reason } };
      },
      async (context, after) => {
        await this.reopenIfLastOpen(context, after);
        const enterprise = await this.enterpriseName(context.manager, context.request.enterpriseId);
        await this.notifications.notify(
          context.manager,
          [after.presidentId, ...(after.officerId === null ? [] : [after.officerId])],
          {
            kind: 'match.recalled',
            title: `项目中心收回了融资需求：${enterprise}`,
            body: `原因：${dto.reason}`,
            entityType: 'match',
            entityId: after.id,
          },
        );
      },
    );
  }

  async get(caller: Caller, matchId: string): Promise<MatchResponseDto> {
    const manager = this.dataSource.manager;
    const match = await manager.getRepository(MatchEntity).findOneBy({ id: matchId });
    if (!match || !mayReachMatch(caller, match)) {
      throw DomainError.notFound('match');
    }
    return this.respond(manager, match);
  }

  /**
   * The inbox: most urgent first, i.e. ordered by (responseDueAt, id) ascending, whatever the
   * state; the cursor is the last row's (responseDueAt, id). Bank staff see their bank's
   * matches, administrators and auditors every bank's (matches_bank_idx serves a bank's inbox).
   */
  async list(caller: Caller, query: ListMatchesQueryDto): Promise<Page<MatchResponseDto>> {
    const limit = query.limit ?? 20;
    const now = this.clock.now();
    const builder = this.dataSource
      .getRepository(MatchEntity)
      .createQueryBuilder('match')
      .orderBy('match.response_due_at', 'ASC')
      .addOrderBy('match.id', 'ASC')
      .limit(limit + 1);
    if (isBankStaff(caller)) {
      if (query.bankId !== undefined && query.bankId !== caller.bankId) {
        throw DomainError.validation('bankId', 'may only name your own bank');
      }
      builder.andWhere('match.bank_id = :ownBankId', { ownBankId: caller.bankId });
    } else if (!seesEverything(caller)) {
      throw DomainError.forbidden();
    }
    if (query.bankId !== undefined) {
      builder.andWhere('match.bank_id = :bankId', { bankId: query.bankId });
    }
    if (query.requestId !== undefined) {
      builder.andWhere('match.request_id = :requestId', { requestId: query.requestId });
    }
    if (query.status !== undefined) {
      builder.andWhere('match.status = :status', { status: query.status });
    }
    if (query.overdue !== undefined) {
      const overdue = `(match.status = 'dispatched' AND match.response_due_at < :now)`;
      builder.andWhere(query.overdue === 'true' ? overdue : `NOT ${overdue}`, { now });
    }
    if (query.cursor !== undefined) {
      const [dueAt, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isIsoInstant(key) : isUuid(key),
      );
      builder.andWhere(
        '(match.response_due_at, match.id) > (:dueAt::timestamptz, :cursorId::uuid)',
        { dueAt, cursorId: id },
      );
    }
    const rows = await builder.getMany();
    const contexts = await this.views.contexts(this.dataSource.manager, rows.slice(0, limit));
    return toPage(
      rows,
      limit,
      (match) => [match.responseDueAt.toISOString(), match.id],
      (match) => toMatchResponse(match, requireContext(contexts, match.id), now),
    );
  }

  /**
   * Cancels every open match of a request that is being withdrawn or closed, in the caller's
   * transaction (which holds the request lock), and tells each bank.
   */
  async cancelOpenMatches(
    manager: EntityManager,
    actor: Actor,
    request: FinancingRequestEntity,
    cause: 'withdrawn' | 'closed',
  ): Promise<void> {
    const cancelled = returnedRows<{
      id: string;
      fromStatus: MatchStatus;
      presidentId: string;
      officerId: string | null;
    }>(
      await manager.query(
        `WITH open AS (
           SELECT id, status FROM matches
            WHERE request_id = $1 AND status = ANY($2::text[])
            FOR NO KEY UPDATE
         )
         UPDATE matches m
            SET status = 'cancelled', closed_at = $3, updated_at = now()
           FROM open
          WHERE m.id = open.id AND m.status = open.status
         RETURNING m.id, open.status AS "fromStatus", m.president_id AS "presidentId",
                   m.officer_id AS "officerId"`,
        [request.id, MATCH_TRANSITIONS.cancel, this.clock.now()],
      ),
    );
    if (cancelled.length === 0) {
      return;
    }
    const enterprise = await this.enterpriseName(manager, request.enterpriseId);
    for (const match of cancelled) {
      await this.timeline.record(manager, actor, {
        requestId: request.id,
        matchId: match.id,
        action: 'match.cancelled',
        from: match.fromStatus,
        to: 'cancelled',
        details: { cause },
      });
      await this.audit.record(manager, {
        actor,
        action: 'match.cancelled',
        entityType: 'match',
        entityId: match.id,
        before: { status: match.fromStatus },
        after: { status: 'cancelled', cause },
      });
      await this.notifications.notify(
        manager,
        [match.presidentId, ...(match.officerId === null ? [] : [match.officerId])],
        {
          kind: 'match.cancelled',
          title: `融资需求已${cause === 'withdrawn' ? '由企业撤回' : '由项目中心关闭'}：${enterprise}`,
          body: `${enterprise} 的融资需求（${yuan(request.amountFen)}）已${cause === 'withdrawn' ? '撤回' : '关闭'}，对接随之取消。`,
          entityType: 'match',
          entityId: match.id,
        },
      );
    }
  }

  /** Match responses for a request's detail, in the caller's transaction. */
  async responses(
    manager: EntityManager,
    matches: readonly MatchEntity[],
  ): Promise<MatchResponseDto[]> {
    const contexts = await this.views.contexts(manager, matches);
    const now = this.clock.now();
    return matches.map((match) => toMatchResponse(match, requireContext(contexts, match.id), now));
  }

  /**
   * One bank action, the same way every time: find the match (404 unless the caller's bank
   * holds it), lock the request, re-read the match, check the officer and the state (409), let
   * `change` validate and make the guarded move, then write the timeline, the audit row and
   * whatever follows (`then`: request moves, notifications) in the same transaction.
   */
  private act(
    caller: Caller,
    matchId: string,
    action: MatchAction,
    change: (context: ActionContext) => Promise<ActionOutcome | null>,
    then: (context: ActionContext, after: MatchEntity) => Promise<void>,
  ): Promise<MatchResponseDto> {
    return inTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(MatchEntity);
      const located = await repository.findOneBy({ id: matchId });
      if (!located || !mayReachMatch(caller, located)) {
        throw DomainError.notFound('match');
      }
      // Request first, then match: the lock order of every path (see request-moves.ts).
      const request = await lockRequest(manager, located.requestId);
      const before = await repository.findOneBy({ id: matchId });
      if (!request || !before) {
        throw DomainError.notFound('match');
      }
      if (
        caller.role === Role.BankOfficer &&
        before.officerId !== null &&
        before.officerId !== caller.userId
      ) {
        throw DomainError.forbidden('This match is assigned to another officer of your bank');
      }
      requireMatchAction(action, before.status);
      const context: ActionContext = {
        manager,
        actor: actorOf(caller),
        request,
        before,
        now: this.clock.now(),
      };
      const outcome = await change(context);
      if (outcome === null) {
        return this.respond(manager, before);
      }
      const after = await this.reload(manager, matchId);
      const done = DONE[action] ?? action;
      await this.timeline.record(manager, context.actor, {
        requestId: request.id,
        matchId,
        action: `match.${done}`,
        from: before.status,
        to: after.status,
        details: outcome.details,
      });
      await this.audit.record(manager, {
        actor: context.actor,
        action: `match.${done}`,
        entityType: 'match',
        entityId: matchId,
        before,
        after,
      });
      await then(context, after);
      return this.respond(manager, after);
    });
  }

  /** Back to the center's queue when no open match is left (a funded request stays funded). */
  private async reopenIfLastOpen(
    { manager, actor, request }: ActionContext,
    after: MatchEntity,
  ): Promise<void> {
    const [{ open }] = await manager.query<{ open: number }[]>(
      `SELECT count(*)::int AS open FROM matches
        WHERE request_id = $1 AND status = ANY($2::text[])`,
      [request.id, OPEN_MATCH_STATUSES],
    );
    if (open > 0 || request.status !== 'dispatched') {
      return;
    }
    const status = await moveRequest(manager, request, 'reopen');
    if (status !== null) {
      await this.recordRequestMove(manager, actor, request, status, 'reopened', after.id);
    }
  }

  private async recordRequestMove(
    manager: EntityManager,
    actor: Actor,
    request: FinancingRequestEntity,
    status: string,
    verb: string,
    matchId: string,
  ): Promise<void> {
    await this.timeline.record(manager, actor, {
      requestId: request.id,
      matchId,
      action: `request.${verb}`,
      from: request.status,
      to: status,
    });
    await this.audit.record(manager, {
      actor,
      action: `financing_request.${verb}`,
      entityType: 'financing_request',
      entityId: request.id,
      before: { status: request.status },
      after: { status, matchId },
    });
  }

  private async requireProduct(
    manager: EntityManager,
    productId: string,
    bankId: string,
  ): Promise<void> {
    const [product] = await manager.query<{ active: boolean }[]>(
      'SELECT active FROM products WHERE id = $1 AND bank_id = $2',
      [productId, bankId],
    );
    if (product === undefined) {
      throw DomainError.validation('productId', 'names no product of this bank');
    }
    if (!product.active) {
      throw DomainError.validation('productId', 'names a withdrawn product');
    }
  }

  private async reload(manager: EntityManager, matchId: string): Promise<MatchEntity> {
    return manager.getRepository(MatchEntity).findOneByOrFail({ id: matchId });
  }

  private async respond(manager: EntityManager, match: MatchEntity): Promise<MatchResponseDto> {
    const [response] = await this.responses(manager, [match]);
    return response;
  }

  private async bankName(manager: EntityManager, bankId: string): Promise<string> {
    const [bank] = await manager.query<{ name: string }[]>('SELECT name FROM banks WHERE id = $1', [
      bankId,
    ]);
    return bank?.name ?? '';
  }

  private async enterpriseName(manager: EntityManager, enterpriseId: string): Promise<string> {
    const [enterprise] = await manager.query<{ name: string }[]>(
      'SELECT name FROM enterprises WHERE id = $1',
      [enterpriseId],
    );
    return enterprise?.name ?? '';
  }
}

function requireContext<T>(contexts: ReadonlyMap<string, T>, id: string): T {
  const context = contexts.get(id);
  if (context === undefined) {
    throw new Error(`match ${id} vanished while its response was built`);
  }
  return context;
}

function translateConstraint(error: unknown): unknown {
  const code = postgresErrorCode(error);
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (code === '23505' && constraint === 'matches_one_open_per_bank') {
    return new DomainError(
      ErrorCode.AlreadyDispatchedToBank,
      'This request already has an open match with this bank',
      { errors: [{ field: 'bankId', message: 'already holds an open match for this request' }] },
    );
  }
  if (code === '23503' && constraint === 'matches_product_id_fkey') {
    return DomainError.validation('productId', 'names no product of this bank');
  }
  return error;
}
