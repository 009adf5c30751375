import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { shanghaiBusinessDate } from '../../common/business-date.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import {
  fingerprintOf,
  IdempotentResult,
  replayStored,
  requestInFlight,
} from '../../common/idempotency/idempotency.service.js';
import { formatFen } from '../../common/money/money.js';
import { NamedStatement, rawQuery } from '../../database/raw-query.js';
import { postgresErrorCode } from '../../database/transaction.js';
import { auditArguments } from '../audit/audit.service.js';
import { ReasonDto } from '../matching/matches.dto.js';
import { yuan } from '../matching/request-moves.js';
import {
  APPLICATION_ENTITY,
  ApplicationTransitions,
  TransitionSpec,
} from './application-transitions.js';
import { chargeForUse, type DayCount, type FeeTerms } from './fees.js';
import { type JournalKind, type JournalLine, postingArguments } from './fund-ledger.js';
import { MoneyMoveReader } from './money-move-reader.js';
import { statesAllowing, targetOf } from './lifecycle.js';
import { TurnoverApplicationEntity } from './turnover-application.entity.js';
import {
  RepayDto,
  toApplicationResponse,
  TurnoverApplicationResponseDto,
} from './turnover-applications.dto.js';
import { TurnoverCalendar } from './turnover-calendar.js';
import { noticeArguments } from './turnover-notices.js';

type Answer = IdempotentResult<TurnoverApplicationResponseDto>;

/** SQLSTATEs raised by `turnover_money_move`. */
const KEY_IN_FLIGHT = 'YQ001';
const APPLICATION_CHANGED = 'YQ002';
const POSTING_REFUSED = 'YQ003';
/** A money move that keeps finding its application changed gives up after this many reads. */
const MAX_ATTEMPTS = 5;
const STARTS_OVER = Symbol('starts over');

type MoveResult =
  | { replayed: false }
  | { replayed: true; stored_fingerprint: string; stored_status: number; stored_response: string };

const MONEY_MOVE: NamedStatement = {
  name: 'turnover-money-move',
  text: `SELECT * FROM turnover_money_move(${Array.from(
    { length: 43 },
    (_unused, index) => `$${index + 1}`,
  ).join(', ')})`,
};

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
 * The fund's money moves on an application, each ONE database statement (hence one short
 * transaction) behind an Idempotency-Key, after one read: the guarded state move, the audit row,
 * the notifications and the key's answer, then — last, so the fund's hot row is locked only
 * until the commit — the posting that moves the fund's stored balances under their guard and
 * writes the journal (see `pay`).
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
  private readonly reader: MoneyMoveReader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: ApplicationTransitions,
    private readonly calendar: TurnoverCalendar,
  ) {
    this.reader = new MoneyMoveReader(dataSource);
  }

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
   * The skeleton of every money move, in two round trips and no explicit transaction: one read
   * (the key's lock and stored answer, the application and its names, the database's clock;
   * shared with the other moves that read in the same turn, see MoneyMoveReader),
   * then everything validated and computed here, then ONE statement, the SQL function
   * `turnover_money_move` (migration 1764301500000), that takes the key's lock, moves the
   * application if it is still the version read, writes the audit row, the notifications and
   * the key's answer, and posts the journal last. A refused posting rolls all of it back. When
   * the application changed between the read and the move (or the statement hit a deadlock or
   * a serialization failure) the whole use case starts over from a fresh read, which then
   * answers as the locking path would (404, 409 naming the state, or a replay).
   */
  private async pay(
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
    const request = { scope: `turnover.${kind}:${id}`, body };
    const fingerprint = fingerprintOf(request);
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.attempt(
        caller,
        id,
        key,
        request.scope,
        fingerprint,
        kind,
        spec,
        lines,
      );
      if (answer !== STARTS_OVER) {
        return answer;
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(`turnover application ${id} kept changing under its ${kind}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }

  private async attempt(
    caller: Caller,
    id: string,
    key: string,
    scope: string,
    fingerprint: string,
    kind: JournalKind,
    spec: (journalId: string) => TransitionSpec,
    lines: (application: TurnoverApplicationEntity) => JournalLine[],
  ): Promise<Answer | typeof STARTS_OVER> {
    const manager = this.dataSource.manager;
    const row = await this.reader.read(id, caller.userId, key);
    if (!row.key_free_) {
      throw requestInFlight();
    }
    if (row.key_fingerprint_ !== null) {
      return replayStored(
        {
          fingerprint: row.key_fingerprint_,
          status_code: row.key_status_,
          response: row.key_response_,
        },
        fingerprint,
      );
    }
    if (row.id === null) {
      throw DomainError.notFound(APPLICATION_ENTITY);
    }
    const journalId = randomUUID();
    const transition = spec(journalId);
    const prepared = await this.transitions.prepare(
      manager,
      actorOf(caller),
      id,
      row,
      transition,
      row.now_,
    );
    const application = prepared.application;
    const answer: Answer = {
      status: 200,
      body: toApplicationResponse(application, prepared.names),
    };
    const posting = postingArguments({
      journalId,
      fundId: application.fundId,
      kind,
      applicationId: id,
      memo: `${prepared.names.enterpriseName} ${application.maturingContractNo}`,
      createdBy: caller.userId,
      lines: lines(application),
      requireActiveFund: kind === 'disbursement',
    });
    let result: MoveResult;
    try {
      [result] = await rawQuery<MoveResult>(this.dataSource, MONEY_MOVE, [
        caller.userId,
        key,
        scope,
        fingerprint,
        answer.status,
        JSON.stringify(answer.body),
        id,
        row.xmin_,
        statesAllowing(transition.action),
        targetOf(transition.action),
        row.now_,
        JSON.stringify(prepared.columns),
        ...auditArguments(prepared.audit),
        prepared.noticeKind,
        ...noticeArguments(application, prepared.notices),
        ...posting,
      ]);
    } catch (error) {
      switch (postgresErrorCode(error)) {
        case KEY_IN_FLIGHT:
          throw requestInFlight();
        case APPLICATION_CHANGED:
        case '40001':
        case '40P01':
          return STARTS_OVER;
        case POSTING_REFUSED:
          if (kind !== 'disbursement') {
            // Only a disbursement takes cash; anything else refused means stored balances that
            // no longer match the applications (reconcile the fund).
            throw new Error(`the ledger refused the ${kind} of turnover application ${id}`, {
              cause: error,
            });
          }
          throw await this.refusal(manager, application);
        default:
          throw error;
      }
    }
    if (!result.replayed) {
      return answer;
    }
    // The key's first request committed between the read and the move.
    return replayStored(
      {
        fingerprint: result.stored_fingerprint,
        status_code: result.stored_status,
        response: result.stored_response,
      },
      fingerprint,
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
