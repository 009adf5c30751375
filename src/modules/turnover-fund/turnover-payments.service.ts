import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import {
  IdempotencyService,
  IdempotentResult,
} from '../../common/idempotency/idempotency.service.js';
import { formatFen } from '../../common/money/money.js';
import { ReasonDto } from '../matching/matches.dto.js';
import { yuan } from '../matching/request-moves.js';
import { ApplicationTransitions, TransitionSpec } from './application-transitions.js';
import { chargeForUse, type DayCount, type FeeTerms } from './fees.js';
import { FundLedger, type JournalKind, type JournalLine } from './fund-ledger.js';
import { TurnoverApplicationEntity } from './turnover-application.entity.js';
import {
  RepayDto,
  toApplicationResponse,
  TurnoverApplicationResponseDto,
} from './turnover-applications.dto.js';
import { TurnoverCalendar } from './turnover-calendar.js';

type Answer = IdempotentResult<TurnoverApplicationResponseDto>;

/** The fee terms copied onto an application at approval. */
function feeTermsOf(application: TurnoverApplicationEntity): FeeTerms & { dayCount: DayCount } {
  const a = application;
  if (
    a.termsTierDays === null ||
    a.termsTier1DailyRate === null ||
    a.termsTier2DailyRate === null ||
    a.termsOverdueDailyRate === null ||
    a.termsBenchmarkDailyRate === null ||
    a.termsDayCount === null
  ) {
    throw new Error(`turnover application ${a.id} was approved without terms`);
  }
  return {
    tierDays: a.termsTierDays,
    tier1DailyRate: a.termsTier1DailyRate,
    tier2DailyRate: a.termsTier2DailyRate,
    overdueDailyRate: a.termsOverdueDailyRate,
    benchmarkDailyRate: a.termsBenchmarkDailyRate,
    minFeeFen: a.termsMinFeeFen,
    dayCount: a.termsDayCount,
  };
}

/**
 * The fund's money moves on an application, each ONE short transaction behind an
 * Idempotency-Key: the guarded state move (which locks the application row), the audit row and
 * the notifications, then — last, so the fund's hot row is locked only until the commit — one
 * statement that moves the fund's stored balances under their guard and posts the journal.
 *
 * - Disbursement (admin, not the approver): Dr receivable / Cr cash; 409
 *   INSUFFICIENT_FUND_BALANCE when cash is short (nothing is left behind: the whole transaction
 *   rolls back), TURNOVER_FUND_SUSPENDED when the fund was suspended meanwhile. Paid out today
 *   (Asia/Shanghai); due `days` calendar or working days later, per the terms.
 * - Repayment (admin): fee and savings per fees.ts; Dr cash (principal + fee) / Cr receivable
 *   (principal) / Cr fee income (fee, when above 0). repaidOn between the disbursement and today.
 * - Write-off (admin, from overdue): Dr loss / Cr receivable, the whole principal.
 */
@Injectable()
export class TurnoverPaymentsService {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly transitions: ApplicationTransitions,
    private readonly ledger: FundLedger,
    private readonly calendar: TurnoverCalendar,
  ) {}

  disburse(caller: Caller, id: string, key: string): Promise<Answer> {
    return this.pay(caller, id, key, {}, 'disbursement', (journalId) => ({
      action: 'disburse',
      reach: () => true,
      auditDetails: { journalId },
      change: async ({ manager, before, now }) => {
        if (before.approvedBy === caller.userId) {
          throw new DomainError(
            ErrorCode.FourEyesRequired,
            'Four eyes: the administrator who approved this application may not also disburse it',
          );
        }
        const disbursedOn = shanghaiBusinessDate(now);
        const dueOn = await this.calendar.dueDate(
          manager,
          disbursedOn,
          before.days,
          feeTermsOf(before).dayCount,
        );
        return {
          disbursed_by: caller.userId,
          disbursed_at: now,
          disbursed_on: disbursedOn,
          due_on: dueOn,
        };
      },
      notices: (after, names) => ({
        enterprise: {
          title: `应急周转资金已拨付 ${yuan(after.principalFen)}`,
          body: `${names.fundName}已于 ${after.disbursedOn ?? ''} 向您在 ${names.bankName} 的还款账户拨付 ${yuan(after.principalFen)}，用于归还到期贷款 ${after.maturingContractNo}；请于 ${after.dueOn ?? ''} 前归还。`,
        },
        bank: {
          title: `应急周转资金已到账，请续贷：${names.enterpriseName}`,
          body: `${names.fundName}已拨付 ${yuan(after.principalFen)} 至 ${names.enterpriseName} 的还款账户，用于归还贷款 ${after.maturingContractNo}。请按承诺办理续贷，并在系统中登记。到期日 ${after.dueOn ?? ''}。`,
        },
      }),
    }));
  }

  repay(caller: Caller, id: string, key: string, dto: RepayDto): Promise<Answer> {
    return this.pay(
      caller,
      id,
      key,
      dto,
      'repayment',
      (journalId) => ({
        action: 'repay',
        reach: () => true,
        auditDetails: { journalId },
        change: async ({ manager, before, now }) => {
          const disbursedOn = before.disbursedOn ?? '';
          if (dto.repaidOn < disbursedOn) {
            throw DomainError.validation(
              'repaidOn',
              `may not be before the fund paid out (${disbursedOn})`,
            );
          }
          if (dto.repaidOn > shanghaiBusinessDate(now)) {
            throw DomainError.validation('repaidOn', 'may not be in the future (Asia/Shanghai)');
          }
          const terms = feeTermsOf(before);
          const daysUsed = await this.calendar.daysUsed(
            manager,
            disbursedOn,
            dto.repaidOn,
            terms.dayCount,
          );
          const charge = chargeForUse(before.principalFen, before.days, terms, daysUsed);
          return {
            repaid_on: dto.repaidOn,
            repaid_by: caller.userId,
            repaid_at: now,
            days_used: charge.daysUsed,
            overdue_days: charge.overdueDays,
            fee_fen: charge.feeFen.toString(),
            savings_fen: charge.savingsFen.toString(),
          };
        },
        notices: (after, names) => ({
          enterprise: {
            title: '应急周转资金已归还',
            body: `已收到归还的周转资金 ${yuan(after.principalFen)}，使用 ${after.daysUsed ?? ''} 天，使用费 ${yuan(after.feeFen ?? 0n)}；较民间过桥资金节约 ${yuan(after.savingsFen ?? 0n)}。`,
          },
          bank: {
            title: `应急周转资金已收回：${names.enterpriseName}`,
            body: `${names.enterpriseName} 的周转资金 ${yuan(after.principalFen)} 已归还，本笔周转结束。`,
          },
        }),
      }),
      (application) => {
        const feeFen = application.feeFen ?? 0n;
        return [
          { account: 'cash', side: 'debit', amountFen: application.principalFen + feeFen },
          { account: 'receivable', side: 'credit', amountFen: application.principalFen },
          ...(feeFen > 0n
            ? [{ account: 'fee_income', side: 'credit', amountFen: feeFen } as const]
            : []),
        ];
      },
    );
  }

  writeOff(caller: Caller, id: string, key: string, dto: ReasonDto): Promise<Answer> {
    return this.pay(
      caller,
      id,
      key,
      dto,
      'write_off',
      (journalId) => ({
        action: 'write_off',
        reach: () => true,
        auditDetails: { journalId },
        change: ({ now }) =>
          Promise.resolve({
            written_off_by: caller.userId,
            written_off_at: now,
            write_off_reason: dto.reason,
          }),
        notices: (after, names) => ({
          bank: {
            title: `应急周转资金已核销：${names.enterpriseName}`,
            body: `${names.enterpriseName} 逾期未还的周转资金 ${yuan(after.principalFen)} 已核销。原因：${dto.reason}`,
          },
          center: {
            title: `应急周转资金已核销：${names.enterpriseName}`,
            body: `${names.fundName} 核销 ${names.enterpriseName} 的周转资金 ${yuan(after.principalFen)}。原因：${dto.reason}`,
          },
        }),
      }),
      (application) => [
        { account: 'loss', side: 'debit', amountFen: application.principalFen },
        { account: 'receivable', side: 'credit', amountFen: application.principalFen },
      ],
    );
  }

  /**
   * The skeleton of every money move: the transition, then the posting; a refused posting
   * rolls the whole transaction back (state, audit, notifications and the idempotency key).
   */
  private pay(
    caller: Caller,
    id: string,
    key: string,
    body: object,
    kind: JournalKind,
    spec: (journalId: string) => TransitionSpec,
    lines: (application: TurnoverApplicationEntity) => JournalLine[] = (application) => [
      { account: 'receivable', side: 'debit', amountFen: application.principalFen },
      { account: 'cash', side: 'credit', amountFen: application.principalFen },
    ],
  ): Promise<Answer> {
    return this.idempotency.execute(
      caller,
      key,
      { scope: `turnover.${kind}:${id}`, body },
      async (manager) => {
        const journalId = randomUUID();
        const { application, names } = await this.transitions.run(
          manager,
          actorOf(caller),
          id,
          spec(journalId),
        );
        const posted = await this.ledger.post(manager, {
          journalId,
          fundId: application.fundId,
          kind,
          applicationId: id,
          memo: `${names.enterpriseName} ${application.maturingContractNo}`,
          createdBy: caller.userId,
          lines: lines(application),
          requireActiveFund: kind === 'disbursement',
        });
        if (posted === null) {
          if (kind !== 'disbursement') {
            // Only a disbursement takes cash; anything else refused means stored balances that
            // no longer match the applications (reconcile the fund).
            throw new Error(`the ledger refused the ${kind} of turnover application ${id}`);
          }
          throw await this.refusal(manager, application);
        }
        return { status: 200, body: toApplicationResponse(application, names) };
      },
    );
  }

  /** Why the fund refused a disbursement: suspended, or short of cash. */
  private async refusal(
    manager: EntityManager,
    application: TurnoverApplicationEntity,
  ): Promise<DomainError> {
    const [fund] = await manager.query<{ cash: string; suspended: boolean; name: string }[]>(
      'SELECT cash_fen::text AS cash, suspended, name FROM turnover_funds WHERE id = $1',
      [application.fundId],
    );
    if (fund?.suspended === true) {
      return new DomainError(
        ErrorCode.TurnoverFundSuspended,
        `${fund.name} is suspended and pays nothing out`,
      );
    }
    const cash = BigInt(fund?.cash ?? '0');
    return new DomainError(
      ErrorCode.InsufficientFundBalance,
      `The fund holds ${formatFen(cash)} yuan in cash, short of the ${formatFen(application.principalFen)} yuan to pay out`,
      { extensions: { available: formatFen(cash), required: formatFen(application.principalFen) } },
    );
  }
}
