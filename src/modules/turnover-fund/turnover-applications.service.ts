import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { Actor, actorOf, Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { formatFen, parseYuan } from '../../common/money/money.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { ReasonDto } from '../matching/matches.dto.js';
import { yuan } from '../matching/request-moves.js';
import {
  APPLICATION_ENTITY,
  ApplicationTransitions,
  isBankStaff,
  isLendingBank,
  loadApplication,
  mayRead,
  namesOf,
  TransitionSpec,
} from './application-transitions.js';
import { exceedsCommitmentCap } from './fund-rules.js';
import { hydrate } from './hydrate.js';
import { TurnoverApplicationEntity } from './turnover-application.entity.js';
import {
  BankCommitDto,
  CreateTurnoverApplicationDto,
  DocumentResponseDto,
  ListTurnoverApplicationsQueryDto,
  RenewalDto,
  TimelineRow,
  toApplicationResponse,
  toTimelineEntry,
  TurnoverApplicationDetailDto,
  TurnoverApplicationResponseDto,
} from './turnover-applications.dto.js';
import { type LoadedFund, loadFund } from './turnover-funds.service.js';
import { TurnoverNotices } from './turnover-notices.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

function rule(code: ErrorCode, field: string, message: string): DomainError {
  return new DomainError(code, `${field}: ${message}`, { errors: [{ field, message }] });
}

function positiveFen(value: string, field: string): bigint {
  const fen = parseYuan(value, field);
  if (fen <= 0n) {
    throw DomainError.validation(field, 'must be above 0');
  }
  return fen;
}

/** 409 unless the fund takes new business: not suspended, overdue under its threshold. */
export function requireOpenFund({ fund, standing }: LoadedFund): void {
  if (fund.suspended) {
    throw new DomainError(
      ErrorCode.TurnoverFundSuspended,
      `${fund.name} is suspended and takes no new business`,
    );
  }
  if (standing.newBusinessStopped) {
    throw new DomainError(
      ErrorCode.TurnoverNewBusinessStopped,
      `${fund.name} takes no new business while overdue principal (${formatFen(standing.overdueFen)} yuan) ` +
        `exceeds ${fund.overdueStopRatio} of its capital`,
    );
  }
}

/** The fund's caps on one use, checked at submission and again at approval. */
function requireWithinFundCaps(
  { fund }: LoadedFund,
  principalFen: bigint,
  days: number,
  field: { amount: string; days: string },
): void {
  if (principalFen > fund.perUseCapFen) {
    throw rule(
      ErrorCode.TurnoverAmountOverCap,
      field.amount,
      `may not exceed the fund's per-use cap of ${formatFen(fund.perUseCapFen)} yuan`,
    );
  }
  if (days > fund.maxDays) {
    throw rule(
      ErrorCode.TurnoverDaysOverMax,
      field.days,
      `may not exceed the fund's ${fund.maxDays} days`,
    );
  }
}

function requireWithinCommitment(principalFen: bigint, committedFen: bigint, ratio: string): void {
  if (exceedsCommitmentCap(principalFen, committedFen, ratio)) {
    throw rule(
      ErrorCode.TurnoverOverCommitmentCap,
      'committedAmount',
      `the amount bridged (${formatFen(principalFen)} yuan) may be at most ${ratio} of the ` +
        `committed renewal`,
    );
  }
}

/**
 * 转贷申请: submission, the lending bank's renewal commitment (or its renewal without the fund,
 * 无还本续贷), the center's approval or rejection, the bank's renewal and cancellation; reads
 * scoped to the caller's tenant. Money moves (disbursement, repayment, write-off) are in
 * TurnoverPaymentsService; every state move goes through ApplicationTransitions.
 *
 * Rules decided here:
 * - Each application rule has its own error code; input rules (caps, days, maturity, loan kind)
 *   answer 400 naming the field, the fund's state (suspended, new business stopped) and a
 *   second open application 409.
 * - The cap rules are checked again at approval against the settings then in force, whose
 *   terms the application keeps from then on.
 * - A renewal's date lies between the disbursement and today (Asia/Shanghai); a renewal without
 *   the fund's bridge may not lie in the future.
 */
@Injectable()
export class TurnoverApplicationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notices: TurnoverNotices,
    private readonly transitions: ApplicationTransitions,
    private readonly clock: Clock,
  ) {}

  async apply(
    caller: Caller,
    dto: CreateTurnoverApplicationDto,
  ): Promise<TurnoverApplicationResponseDto> {
    const enterpriseId = caller.enterpriseId;
    if (caller.role !== Role.Enterprise || enterpriseId === null) {
      throw DomainError.forbidden('Only an enterprise applies, for itself');
    }
    const principalFen = positiveFen(dto.amount, 'amount');
    const maturingFen = positiveFen(dto.maturingLoan.amount, 'maturingLoan.amount');
    const documents = dto.documents ?? [];
    return inTransaction(this.dataSource, async (manager) => {
      const fund = await loadFund(manager, dto.fundId);
      if (fund === undefined) {
        throw DomainError.validation('fundId', 'names no turnover fund');
      }
      const [bank] = await manager.query<{ name: string }[]>(
        'SELECT name FROM banks WHERE id = $1',
        [dto.bankId],
      );
      if (bank === undefined) {
        throw DomainError.validation('bankId', 'names no bank');
      }
      if (dto.maturingLoan.kind !== 'working_capital') {
        throw rule(
          ErrorCode.TurnoverNotWorkingCapital,
          'maturingLoan.kind',
          'the fund bridges working-capital loans only',
        );
      }
      if (dto.maturingLoan.maturityDate < shanghaiBusinessDate(this.clock.now())) {
        throw rule(
          ErrorCode.TurnoverMaturityPassed,
          'maturingLoan.maturityDate',
          'is already past (Asia/Shanghai): apply before the loan matures',
        );
      }
      if (principalFen > maturingFen) {
        throw rule(
          ErrorCode.TurnoverAmountOverMaturingLoan,
          'amount',
          `may not exceed the maturing loan (${formatFen(maturingFen)} yuan)`,
        );
      }
      requireWithinFundCaps(fund, principalFen, dto.days, { amount: 'amount', days: 'days' });
      requireOpenFund(fund);
      let row: Record<string, unknown>;
      try {
        [row] = await manager.query<Record<string, unknown>[]>(
          `INSERT INTO turnover_applications
             (fund_id, enterprise_id, bank_id, maturing_contract_no, maturing_amount_fen,
              maturity_date, maturing_loan_kind, principal_fen, days, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           RETURNING *,
             (SELECT name FROM enterprises WHERE id = $2) AS enterprise_name_,
             $11::text AS fund_name_, $12::text AS bank_name_`,
          [
            dto.fundId,
            enterpriseId,
            dto.bankId,
            dto.maturingLoan.contractNo,
            maturingFen.toString(),
            dto.maturingLoan.maturityDate,
            dto.maturingLoan.kind,
            principalFen.toString(),
            dto.days,
            caller.userId,
            fund.fund.name,
            bank.name,
          ],
        );
      } catch (error) {
        throw translateConstraint(error);
      }
      const application = hydrate(manager, TurnoverApplicationEntity, row);
      const names = namesOf(row);
      if (documents.length > 0) {
        await manager.query(
          `INSERT INTO turnover_application_documents (application_id, position, kind, name, checksum)
           SELECT $1, document.position, document.kind, document.name, document.checksum
             FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])
                  AS document (position, kind, name, checksum)`,
          [
            application.id,
            documents.map((_document, index) => index + 1),
            documents.map((document) => document.kind),
            documents.map((document) => document.name),
            documents.map((document) => document.checksum),
          ],
        );
      }
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'turnover_application.submitted',
        entityType: 'turnover_application',
        entityId: application.id,
        after: { ...application, documents },
      });
      const summary = `${yuan(principalFen)}，${application.days} 天，到期贷款 ${dto.maturingLoan.contractNo}`;
      await this.notices.send(manager, application, 'turnover.submitted', {
        bank: {
          title: `转贷申请待出具续贷承诺：${names.enterpriseName}`,
          body: `${names.enterpriseName} 向${names.fundName}申请应急周转（${summary}），请确认续贷并出具承诺。`,
        },
        center: {
          title: `新的应急周转申请：${names.enterpriseName}`,
          body: `${names.enterpriseName} 申请应急周转（${summary}），贷款行 ${names.bankName}。`,
        },
      });
      return toApplicationResponse(application, names);
    });
  }

  /*
   * Newest first, (created_at, id) descending. Indexes: _created_idx for everything,
   * _enterprise_idx / _bank_idx for a tenant's own, _status_idx and _fund_idx for the filters.
   */
  async list(
    caller: Caller,
    query: ListTurnoverApplicationsQueryDto,
  ): Promise<Page<TurnoverApplicationResponseDto>> {
    if (query.enterpriseId !== undefined && !seesEverything(caller)) {
      throw DomainError.validation(
        'enterpriseId',
        'may only be used by administrators and auditors',
      );
    }
    if (query.bankId !== undefined && isBankStaff(caller) && query.bankId !== caller.bankId) {
      throw DomainError.validation('bankId', 'may only name your own bank');
    }
    const values: unknown[] = [];
    const conditions: string[] = [];
    const where = (sql: (parameter: string) => string, value: unknown): void => {
      values.push(value);
      conditions.push(sql(`$${values.length}`));
    };
    if (caller.role === Role.Enterprise) {
      where((p) => `a.enterprise_id = ${p}`, caller.enterpriseId);
    } else if (isBankStaff(caller)) {
      where((p) => `a.bank_id = ${p}`, caller.bankId);
    } else if (!seesEverything(caller)) {
      throw DomainError.forbidden();
    }
    if (query.status !== undefined) {
      where((p) => `a.status = ${p}`, query.status);
    }
    if (query.fundId !== undefined) {
      where((p) => `a.fund_id = ${p}::uuid`, query.fundId);
    }
    if (query.bankId !== undefined) {
      where((p) => `a.bank_id = ${p}::uuid`, query.bankId);
    }
    if (query.enterpriseId !== undefined) {
      where((p) => `a.enterprise_id = ${p}::uuid`, query.enterpriseId);
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
    const limit = query.limit ?? 20;
    values.push(limit + 1);
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT a.*, f.name AS fund_name_, e.name AS enterprise_name_, b.name AS bank_name_
         FROM turnover_applications a
         JOIN turnover_funds f ON f.id = a.fund_id
         JOIN enterprises e ON e.id = a.enterprise_id
         JOIN banks b ON b.id = a.bank_id
        ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`}
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT $${values.length}`,
      values,
    );
    const manager = this.dataSource.manager;
    const loaded = rows.map((row) => ({
      application: hydrate(manager, TurnoverApplicationEntity, row),
      names: namesOf(row),
    }));
    return toPage(
      loaded,
      limit,
      ({ application }) => [application.createdAt.toISOString(), application.id],
      ({ application, names }) => toApplicationResponse(application, names),
    );
  }

  /** The application with its documents and its timeline (every transition, from the audit log). */
  async get(caller: Caller, id: string): Promise<TurnoverApplicationDetailDto> {
    const manager = this.dataSource.manager;
    const loaded = await loadApplication(manager, id);
    if (loaded === undefined || !mayRead(caller, loaded.application)) {
      throw DomainError.notFound(APPLICATION_ENTITY);
    }
    const [documents, timeline] = await Promise.all([
      manager.query<DocumentResponseDto[]>(
        `SELECT kind, name, checksum FROM turnover_application_documents
          WHERE application_id = $1 ORDER BY position`,
        [id],
      ),
      manager.query<TimelineRow[]>(
        `SELECT ae.action, ae.before ->> 'status' AS from_status, ae.after ->> 'status' AS to_status,
                ae.actor_id, ae.actor_role, u.display_name AS actor_name, ae.occurred_at
           FROM audit_events ae
           LEFT JOIN users u ON u.id = ae.actor_id
          WHERE ae.entity_type = 'turnover_application' AND ae.entity_id = $1
          ORDER BY ae.position`,
        [id],
      ),
    ]);
    return {
      ...toApplicationResponse(loaded.application, loaded.names),
      documents,
      timeline: timeline.map(toTimelineEntry),
    };
  }

  /** 续贷承诺: the lending bank commits to renew; the use may be at most capRatio of it. */
  bankCommit(
    caller: Caller,
    id: string,
    dto: BankCommitDto,
  ): Promise<TurnoverApplicationResponseDto> {
    return this.transition(caller, id, {
      action: 'bank_commit',
      reach: (application) => isLendingBank(caller, application),
      change: async ({ manager, before, now }) => {
        const committedFen = positiveFen(dto.committedAmount, 'committedAmount');
        const [fund] = await manager.query<{ ratio: string }[]>(
          'SELECT commitment_cap_ratio::text AS ratio FROM turnover_funds WHERE id = $1',
          [before.fundId],
        );
        requireWithinCommitment(before.principalFen, committedFen, fund.ratio);
        return {
          route: 'bridge',
          committed_amount_fen: committedFen.toString(),
          renewal_term_months: dto.renewalTermMonths,
          committed_by: caller.userId,
          committed_at: now,
        };
      },
      notices: (after, names) => ({
        center: {
          title: `${names.bankName} 已出具续贷承诺：${names.enterpriseName}`,
          body: `${names.bankName} 承诺续贷 ${yuan(after.committedAmountFen ?? 0n)}（${after.renewalTermMonths ?? ''} 个月），${names.enterpriseName} 的应急周转申请（${yuan(after.principalFen)}）待审批。`,
        },
        enterprise: {
          title: `${names.bankName} 已出具续贷承诺`,
          body: `您的应急周转申请（${yuan(after.principalFen)}）已获续贷承诺，等待项目中心审批。`,
        },
      }),
    });
  }

  /** 无还本续贷: the bank renewed without repayment of principal; the fund is not needed. */
  renewWithoutBridge(
    caller: Caller,
    id: string,
    dto: RenewalDto,
  ): Promise<TurnoverApplicationResponseDto> {
    return this.transition(caller, id, {
      action: 'renew_without_bridge',
      reach: (application) => isLendingBank(caller, application),
      change: ({ now }) => {
        if (dto.renewedOn > shanghaiBusinessDate(now)) {
          throw DomainError.validation('renewedOn', 'may not be in the future (Asia/Shanghai)');
        }
        return Promise.resolve({
          route: 'renewed_without_bridge',
          ...this.renewalColumns(caller, dto, now),
        });
      },
      notices: (after, names) => ({
        center: {
          title: `${names.bankName} 已无还本续贷：${names.enterpriseName}`,
          body: `${names.enterpriseName} 的贷款已由 ${names.bankName} 无还本续贷（新合同 ${after.renewalContractNo ?? ''}），无需动用周转基金，申请已关闭。`,
        },
        enterprise: {
          title: `${names.bankName} 已为您无还本续贷`,
          body: `您的贷款已无还本续贷（新合同 ${after.renewalContractNo ?? ''}，${yuan(after.renewalAmountFen ?? 0n)}），应急周转申请已关闭。`,
        },
      }),
    });
  }

  /**
   * The center approves: the fund must take new business and the caps in force must still
   * hold; the fund's terms are copied onto the application, which keeps them from now on.
   */
  approve(caller: Caller, id: string): Promise<TurnoverApplicationResponseDto> {
    return this.transition(caller, id, {
      action: 'approve',
      reach: () => true,
      change: async ({ manager, before, now }) => {
        const loaded = await loadFund(manager, before.fundId);
        if (loaded === undefined) {
          throw DomainError.notFound('turnover fund');
        }
        requireOpenFund(loaded);
        requireWithinFundCaps(loaded, before.principalFen, before.days, {
          amount: 'amount',
          days: 'days',
        });
        requireWithinCommitment(
          before.principalFen,
          before.committedAmountFen ?? 0n,
          loaded.fund.commitmentCapRatio,
        );
        const { fund } = loaded;
        return {
          approved_by: caller.userId,
          approved_at: now,
          terms_version: fund.settingsVersion,
          terms_tier_days: fund.tierDays,
          terms_tier1_daily_rate: fund.tier1DailyRate,
          terms_tier2_daily_rate: fund.tier2DailyRate,
          terms_overdue_daily_rate: fund.overdueDailyRate,
          terms_day_count: fund.dayCount,
          terms_benchmark_daily_rate: fund.benchmarkDailyRate,
          terms_min_fee_fen: fund.minFeeFen?.toString() ?? null,
          terms_commitment_cap_ratio: fund.commitmentCapRatio,
        };
      },
      notices: (after, names) => ({
        enterprise: {
          title: '应急周转申请已获批准',
          body: `您的应急周转申请（${yuan(after.principalFen)}，${after.days} 天）已获批准，等待拨付。`,
        },
        center: {
          title: `应急周转待拨付：${names.enterpriseName}`,
          body: `${names.enterpriseName} 的应急周转（${yuan(after.principalFen)}）已审批，请由审批人以外的工作人员拨付。`,
        },
      }),
    });
  }

  reject(caller: Caller, id: string, dto: ReasonDto): Promise<TurnoverApplicationResponseDto> {
    return this.transition(caller, id, {
      action: 'reject',
      reach: () => true,
      change: ({ now }) =>
        Promise.resolve({
          rejected_by: caller.userId,
          rejected_at: now,
          reject_reason: dto.reason,
        }),
      notices: (after, names) => ({
        enterprise: {
          title: '应急周转申请未获批准',
          body: `您的应急周转申请（${yuan(after.principalFen)}）未获批准。原因：${dto.reason}`,
        },
        bank: {
          title: `应急周转申请未获批准：${names.enterpriseName}`,
          body: `${names.enterpriseName} 的应急周转申请未获批准。原因：${dto.reason}`,
        },
      }),
    });
  }

  /** Before disbursement: the enterprise withdraws its own application, or the center cancels. */
  cancel(caller: Caller, id: string): Promise<TurnoverApplicationResponseDto> {
    const byEnterprise = caller.role === Role.Enterprise;
    return this.transition(caller, id, {
      action: 'cancel',
      reach: (application) =>
        caller.role === Role.Admin ||
        (byEnterprise && caller.enterpriseId === application.enterpriseId),
      change: ({ now }) => Promise.resolve({ cancelled_by: caller.userId, cancelled_at: now }),
      notices: (after, names) => {
        const text = {
          title: `应急周转申请已${byEnterprise ? '由企业撤回' : '由项目中心取消'}：${names.enterpriseName}`,
          body: `${names.enterpriseName} 的应急周转申请（${yuan(after.principalFen)}）已取消。`,
        };
        return byEnterprise ? { bank: text, center: text } : { bank: text, enterprise: text };
      },
    });
  }

  /** The lending bank has re-lent: the new loan is recorded; the fund now awaits repayment. */
  renew(caller: Caller, id: string, dto: RenewalDto): Promise<TurnoverApplicationResponseDto> {
    return this.transition(caller, id, {
      action: 'renew',
      reach: (application) => isLendingBank(caller, application),
      change: ({ before, now }) => {
        if (dto.renewedOn > shanghaiBusinessDate(now)) {
          throw DomainError.validation('renewedOn', 'may not be in the future (Asia/Shanghai)');
        }
        if (before.disbursedOn !== null && dto.renewedOn < before.disbursedOn) {
          throw DomainError.validation(
            'renewedOn',
            `may not be before the fund paid out (${before.disbursedOn})`,
          );
        }
        return Promise.resolve(this.renewalColumns(caller, dto, now));
      },
      notices: (after, names) => ({
        center: {
          title: `${names.bankName} 已续贷：${names.enterpriseName}`,
          body: `${names.bankName} 已于 ${after.renewedOn ?? ''} 向 ${names.enterpriseName} 续贷 ${yuan(after.renewalAmountFen ?? 0n)}（新合同 ${after.renewalContractNo ?? ''}），请收回周转资金 ${yuan(after.principalFen)}（到期日 ${after.dueOn ?? ''}）。`,
        },
        enterprise: {
          title: `${names.bankName} 已为您续贷`,
          body: `续贷 ${yuan(after.renewalAmountFen ?? 0n)} 已发放，请于 ${after.dueOn ?? ''} 前归还周转资金 ${yuan(after.principalFen)}。`,
        },
      }),
    });
  }

  private renewalColumns(caller: Caller, dto: RenewalDto, now: Date): Record<string, unknown> {
    return {
      renewal_contract_no: dto.newContractNo,
      renewal_amount_fen: positiveFen(dto.amount, 'amount').toString(),
      renewed_on: dto.renewedOn,
      renewed_by: caller.userId,
      renewed_at: now,
    };
  }

  private transition(
    caller: Caller,
    id: string,
    spec: TransitionSpec,
  ): Promise<TurnoverApplicationResponseDto> {
    const actor: Actor = actorOf(caller);
    return inTransaction(this.dataSource, async (manager: EntityManager) => {
      const { application, names } = await this.transitions.run(manager, actor, id, spec);
      return toApplicationResponse(application, names);
    });
  }
}

function translateConstraint(error: unknown): unknown {
  const code = postgresErrorCode(error);
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (code === '23505' && constraint === 'turnover_applications_one_open_per_enterprise') {
    return new DomainError(
      ErrorCode.TurnoverApplicationOpen,
      'Your enterprise already has an open turnover application: finish or cancel it first',
    );
  }
  return error;
}
