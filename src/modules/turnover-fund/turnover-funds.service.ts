import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { actorOf, Caller } from '../../common/auth/caller.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import { IdempotencyService } from '../../common/idempotency/idempotency.service.js';
import { formatFen, parseYuan, toFenFromDb } from '../../common/money/money.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { applyPatch } from '../../common/patch.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { normaliseRate } from '../products/effective-rate.js';
import {
  type Account,
  ACCOUNTS,
  type BalanceRow,
  balancesOf,
  FundLedger,
  type JournalKind,
  type JournalLine,
  normalBalance,
} from './fund-ledger.js';
import { newBusinessStopped } from './fund-rules.js';
import { hydrate } from './hydrate.js';
import {
  CapitalMovementDto,
  CapitalMovementResponseDto,
  CreateTurnoverFundDto,
  FundJournalDto,
  FundStanding,
  JournalRow,
  LedgerQueryDto,
  ListTurnoverFundsQueryDto,
  ReconciliationDto,
  toBalancesResponse,
  toFundResponse,
  toJournalResponse,
  TurnoverFundResponseDto,
  UpdateTurnoverFundDto,
} from './turnover-funds.dto.js';
import { TurnoverFundEntity } from './turnover-fund.entity.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

const ENTITY = 'turnover fund';
const POSITION = /^[1-9]\d{0,18}$/;

/** A fund row with its overdue principal, as every read of a fund selects it. */
const FUND_SELECT = `
  SELECT f.*,
         (SELECT COALESCE(sum(a.principal_fen), 0) FROM turnover_applications a
           WHERE a.fund_id = f.id AND a.status = 'overdue')::text AS overdue_fen_
    FROM turnover_funds f`;

/** The settings a PATCH may change, as compared and audited (rates normalised). */
interface Settings {
  name: string;
  tierDays: number;
  tier1DailyRate: string;
  tier2DailyRate: string;
  overdueDailyRate: string;
  dayCount: string;
  maxDays: number;
  perUseCapFen: bigint;
  commitmentCapRatio: string;
  benchmarkDailyRate: string;
  minFeeFen: bigint | null;
  overdueStopRatio: string;
  suspended: boolean;
}

const SETTING_COLUMNS: Readonly<Record<keyof Settings, string>> = {
  name: 'name',
  tierDays: 'tier_days',
  tier1DailyRate: 'tier1_daily_rate',
  tier2DailyRate: 'tier2_daily_rate',
  overdueDailyRate: 'overdue_daily_rate',
  dayCount: 'day_count',
  maxDays: 'max_days',
  perUseCapFen: 'per_use_cap_fen',
  commitmentCapRatio: 'commitment_cap_ratio',
  benchmarkDailyRate: 'benchmark_daily_rate',
  minFeeFen: 'min_fee_fen',
  overdueStopRatio: 'overdue_stop_ratio',
  suspended: 'suspended',
};
const SETTING_FIELDS = Object.keys(SETTING_COLUMNS) as (keyof Settings)[];

function settingsOf(fund: TurnoverFundEntity): Settings {
  return {
    name: fund.name,
    tierDays: fund.tierDays,
    tier1DailyRate: normaliseRate(fund.tier1DailyRate),
    tier2DailyRate: normaliseRate(fund.tier2DailyRate),
    overdueDailyRate: normaliseRate(fund.overdueDailyRate),
    dayCount: fund.dayCount,
    maxDays: fund.maxDays,
    perUseCapFen: fund.perUseCapFen,
    commitmentCapRatio: normaliseRate(fund.commitmentCapRatio),
    benchmarkDailyRate: normaliseRate(fund.benchmarkDailyRate),
    minFeeFen: fund.minFeeFen,
    overdueStopRatio: normaliseRate(fund.overdueStopRatio),
    suspended: fund.suspended,
  };
}

const rate = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : normaliseRate(value);

function positiveFen(value: string, field: string): bigint {
  const fen = parseYuan(value, field);
  if (fen <= 0n) {
    throw DomainError.validation(field, 'must be above 0');
  }
  return fen;
}

export interface LoadedFund {
  fund: TurnoverFundEntity;
  standing: FundStanding;
}

/** A fund row read with FUND_SELECT. */
export function loadedFundOf(manager: EntityManager, row: Record<string, unknown>): LoadedFund {
  const fund = hydrate(manager, TurnoverFundEntity, row);
  const overdueFen = toFenFromDb(row.overdue_fen_ as string);
  return {
    fund,
    standing: {
      overdueFen,
      newBusinessStopped: newBusinessStopped(overdueFen, fund.capitalFen, fund.overdueStopRatio),
    },
  };
}

/** The fund with its overdue principal; undefined when absent. */
export async function loadFund(
  manager: EntityManager,
  id: string,
): Promise<LoadedFund | undefined> {
  const [row] = await manager.query<Record<string, unknown>[]>(`${FUND_SELECT} WHERE f.id = $1`, [
    id,
  ]);
  return row === undefined ? undefined : loadedFundOf(manager, row);
}

/**
 * 应急周转基金: creating funds and changing their settings (audited), capital in and out through
 * the ledger (Idempotency-Key), and the ledger's reading and reconciliation.
 */
@Injectable()
export class TurnoverFundsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly ledger: FundLedger,
    private readonly idempotency: IdempotencyService,
  ) {}

  async create(caller: Caller, dto: CreateTurnoverFundDto): Promise<TurnoverFundResponseDto> {
    const perUseCapFen = positiveFen(dto.perUseCap, 'perUseCap');
    const minFeeFen = dto.minFee === undefined ? null : parseYuan(dto.minFee, 'minFee');
    return inTransaction(this.dataSource, async (manager) => {
      let row: Record<string, unknown>;
      try {
        [row] = await manager.query<Record<string, unknown>[]>(
          `INSERT INTO turnover_funds
             (name, tier_days, tier1_daily_rate, tier2_daily_rate, overdue_daily_rate, day_count,
              max_days, per_use_cap_fen, commitment_cap_ratio, benchmark_daily_rate, min_fee_fen,
              overdue_stop_ratio, suspended, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, 0.95), $10, $11,
                   COALESCE($12, 0.40), $13, $14)
           RETURNING *, '0' AS overdue_fen_`,
          [
            dto.name,
            dto.tierDays,
            dto.tier1DailyRate,
            dto.tier2DailyRate,
            dto.overdueDailyRate,
            dto.dayCount,
            dto.maxDays,
            perUseCapFen.toString(),
            dto.commitmentCapRatio ?? null,
            dto.benchmarkDailyRate,
            minFeeFen?.toString() ?? null,
            dto.overdueStopRatio ?? null,
            dto.suspended ?? false,
            caller.userId,
          ],
        );
      } catch (error) {
        throw translateConstraint(error);
      }
      const loaded = loadedFundOf(manager, row);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'turnover_fund.created',
        entityType: 'turnover_fund',
        entityId: loaded.fund.id,
        after: settingsOf(loaded.fund),
      });
      return toFundResponse(loaded.fund, loaded.standing, true);
    });
  }

  /**
   * Settings change under the fund row's lock, audited field by field. Applications keep the
   * terms copied when they were approved; only later approvals see the new settings.
   */
  async update(
    caller: Caller,
    id: string,
    dto: UpdateTurnoverFundDto,
  ): Promise<TurnoverFundResponseDto> {
    const patch: { [K in keyof Settings]?: Settings[K] } = {
      name: dto.name,
      tierDays: dto.tierDays,
      tier1DailyRate: rate(dto.tier1DailyRate),
      tier2DailyRate: rate(dto.tier2DailyRate),
      overdueDailyRate: rate(dto.overdueDailyRate),
      dayCount: dto.dayCount,
      maxDays: dto.maxDays,
      perUseCapFen:
        dto.perUseCap === undefined ? undefined : positiveFen(dto.perUseCap, 'perUseCap'),
      commitmentCapRatio: rate(dto.commitmentCapRatio),
      benchmarkDailyRate: rate(dto.benchmarkDailyRate),
      minFeeFen:
        dto.minFee === undefined || dto.minFee === null
          ? dto.minFee
          : parseYuan(dto.minFee, 'minFee'),
      overdueStopRatio: rate(dto.overdueStopRatio),
      suspended: dto.suspended,
    };
    return inTransaction(this.dataSource, async (manager) => {
      const [row] = await manager.query<Record<string, unknown>[]>(
        `${FUND_SELECT} WHERE f.id = $1 FOR NO KEY UPDATE OF f`,
        [id],
      );
      if (row === undefined) {
        throw DomainError.notFound(ENTITY);
      }
      const current = loadedFundOf(manager, row);
      const before = settingsOf(current.fund);
      const { next, changed } = applyPatch(before, patch, SETTING_FIELDS);
      if (changed.length === 0) {
        return toFundResponse(current.fund, current.standing, true);
      }
      const values = changed.map((field) => {
        const value = next[field];
        return typeof value === 'bigint' ? value.toString() : value;
      });
      let updated: Record<string, unknown>;
      try {
        [[updated]] = await manager.query<[Record<string, unknown>[], number]>(
          `UPDATE turnover_funds
              SET ${changed.map((field, index) => `${SETTING_COLUMNS[field]} = $${index + 3}`).join(', ')},
                  settings_version = settings_version + 1, updated_at = now()
            WHERE id = $1
            RETURNING *, $2::text AS overdue_fen_`,
          [id, current.standing.overdueFen.toString(), ...values],
        );
      } catch (error) {
        throw translateConstraint(error);
      }
      const after = loadedFundOf(manager, updated);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'turnover_fund.settings_changed',
        entityType: 'turnover_fund',
        entityId: id,
        before: {
          settingsVersion: current.fund.settingsVersion,
          ...Object.fromEntries(changed.map((field) => [field, before[field]])),
        },
        after: {
          settingsVersion: after.fund.settingsVersion,
          ...Object.fromEntries(changed.map((field) => [field, next[field]])),
        },
      });
      return toFundResponse(after.fund, after.standing, true);
    });
  }

  /** Newest first, (created_at, id) descending. Everyone may list funds (terms are public). */
  async list(
    caller: Caller,
    query: ListTurnoverFundsQueryDto,
  ): Promise<Page<TurnoverFundResponseDto>> {
    const limit = query.limit ?? 20;
    const values: unknown[] = [];
    let after = '';
    if (query.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isIsoInstant(key) : isUuid(key),
      );
      values.push(createdAt, id);
      after = 'WHERE (f.created_at, f.id) < ($1::timestamptz, $2::uuid)';
    }
    values.push(limit + 1);
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `${FUND_SELECT} ${after} ORDER BY f.created_at DESC, f.id DESC LIMIT $${values.length}`,
      values,
    );
    const manager = this.dataSource.manager;
    const funds = rows.map((row) => loadedFundOf(manager, row));
    return toPage(
      funds,
      limit,
      ({ fund }) => [fund.createdAt.toISOString(), fund.id],
      ({ fund, standing }) => toFundResponse(fund, standing, seesEverything(caller)),
    );
  }

  async get(caller: Caller, id: string): Promise<TurnoverFundResponseDto> {
    const loaded = await loadFund(this.dataSource.manager, id);
    if (loaded === undefined) {
      throw DomainError.notFound(ENTITY);
    }
    return toFundResponse(loaded.fund, loaded.standing, seesEverything(caller));
  }

  /** Capital paid in by the finance bureau: Dr cash / Cr capital. */
  injectCapital(
    caller: Caller,
    id: string,
    key: string,
    dto: CapitalMovementDto,
  ): Promise<{ status: number; body: CapitalMovementResponseDto }> {
    return this.moveCapital(caller, id, key, dto, 'capital_injection');
  }

  /** Capital paid back: Dr capital / Cr cash; refused (409) when cash or capital is short. */
  returnCapital(
    caller: Caller,
    id: string,
    key: string,
    dto: CapitalMovementDto,
  ): Promise<{ status: number; body: CapitalMovementResponseDto }> {
    return this.moveCapital(caller, id, key, dto, 'capital_return');
  }

  /**
   * The fund's journals with their lines in posting order (oldest first, as a ledger book
   * reads), keyset on the posting position.
   */
  async journals(fundId: string, query: LedgerQueryDto): Promise<Page<FundJournalDto>> {
    await this.requireFund(this.dataSource.manager, fundId);
    const limit = query.limit ?? 20;
    const after =
      query.cursor === undefined
        ? null
        : decodeCursor(query.cursor, 1, (key) => POSITION.test(key))[0];
    const rows = await this.dataSource.query<JournalRow[]>(
      `SELECT j.id, j.position::text AS position, j.kind, j.application_id, j.memo, j.created_by,
              j.posted_at,
              (SELECT json_agg(json_build_object('lineNo', l.line_no, 'account', l.account,
                                                 'side', l.side, 'amountFen', l.amount_fen::text)
                               ORDER BY l.line_no)
                 FROM fund_journal_lines l WHERE l.journal_id = j.id) AS lines
         FROM fund_journals j
        WHERE j.fund_id = $1
          AND ($2::bigint IS NULL OR j.position > $2::bigint)
          AND ($3::uuid IS NULL OR j.application_id = $3::uuid)
        ORDER BY j.position
        LIMIT $4`,
      [fundId, after, query.applicationId ?? null, limit + 1],
    );
    return toPage(rows, limit, (row) => [row.position], toJournalResponse);
  }

  /**
   * Stored balances against the balances recomputed from every line, per account, plus
   * Σ debit = Σ credit, the accounting equation and the count of unbalanced journals. One
   * statement, so all of it comes from one snapshot even while money moves.
   */
  async reconcile(fundId: string): Promise<ReconciliationDto> {
    const [row] = await this.dataSource.query<
      (BalanceRow & {
        sums: { account: Account; debit: string; credit: string }[];
        journals: number;
        unbalanced: number;
      })[]
    >(
      `SELECT f.cash_fen::text AS cash_fen, f.receivable_fen::text AS receivable_fen,
              f.capital_fen::text AS capital_fen, f.fee_income_fen::text AS fee_income_fen,
              f.loss_fen::text AS loss_fen,
              (SELECT COALESCE(json_agg(s), '[]'::json) FROM (
                 SELECT account,
                        COALESCE(sum(amount_fen) FILTER (WHERE side = 'debit'), 0)::text AS debit,
                        COALESCE(sum(amount_fen) FILTER (WHERE side = 'credit'), 0)::text AS credit
                   FROM fund_journal_lines WHERE fund_id = f.id GROUP BY account) s) AS sums,
              (SELECT count(*)::int FROM fund_journals WHERE fund_id = f.id) AS journals,
              (SELECT count(*)::int FROM (
                 SELECT 1 FROM fund_journal_lines WHERE fund_id = f.id GROUP BY journal_id
                 HAVING sum(CASE side WHEN 'debit' THEN amount_fen ELSE -amount_fen END) <> 0
              ) u) AS unbalanced
         FROM turnover_funds f WHERE f.id = $1`,
      [fundId],
    );
    if (row === undefined) {
      throw DomainError.notFound(ENTITY);
    }
    const stored = balancesOf(row);
    const sums = new Map(row.sums.map((sum) => [sum.account, sum]));
    let totalDebit = 0n;
    let totalCredit = 0n;
    const accounts = ACCOUNTS.map((account) => {
      const debit = BigInt(sums.get(account)?.debit ?? '0');
      const credit = BigInt(sums.get(account)?.credit ?? '0');
      totalDebit += debit;
      totalCredit += credit;
      const recomputed = normalBalance(account, debit, credit);
      return {
        account,
        stored: formatFen(stored[account]),
        recomputed: formatFen(recomputed),
        difference: formatFen(stored[account] - recomputed),
        matches: stored[account] === recomputed,
      };
    });
    const balanced = totalDebit === totalCredit;
    const equationHolds =
      stored.cash + stored.receivable + stored.loss === stored.capital + stored.fee_income;
    return {
      fundId,
      accounts,
      journals: row.journals,
      unbalancedJournals: row.unbalanced,
      totalDebit: formatFen(totalDebit),
      totalCredit: formatFen(totalCredit),
      balanced,
      equationHolds,
      ok:
        balanced &&
        equationHolds &&
        row.unbalanced === 0 &&
        accounts.every((account) => account.matches),
    };
  }

  private moveCapital(
    caller: Caller,
    id: string,
    key: string,
    dto: CapitalMovementDto,
    kind: Extract<JournalKind, 'capital_injection' | 'capital_return'>,
  ): Promise<{ status: number; body: CapitalMovementResponseDto }> {
    const amountFen = positiveFen(dto.amount, 'amount');
    const lines: JournalLine[] =
      kind === 'capital_injection'
        ? [
            { account: 'cash', side: 'debit', amountFen },
            { account: 'capital', side: 'credit', amountFen },
          ]
        : [
            { account: 'capital', side: 'debit', amountFen },
            { account: 'cash', side: 'credit', amountFen },
          ];
    return this.idempotency.execute(
      caller,
      key,
      { scope: `turnover.${kind}:${id}`, body: dto },
      async (manager) => {
        const journalId = randomUUID();
        await this.audit.record(manager, {
          actor: actorOf(caller),
          action: `turnover_fund.${kind === 'capital_injection' ? 'capital_injected' : 'capital_returned'}`,
          entityType: 'turnover_fund',
          entityId: id,
          after: { journalId, amount: dto.amount, note: dto.note },
        });
        const posted = await this.ledger.post(manager, {
          journalId,
          fundId: id,
          kind,
          applicationId: null,
          memo: dto.note,
          createdBy: caller.userId,
          lines,
        });
        if (posted === null) {
          const loaded = await this.requireFund(manager, id);
          throw new DomainError(
            ErrorCode.InsufficientFundBalance,
            `The fund cannot return ${formatFen(amountFen)} yuan of capital: it holds ` +
              `${formatFen(loaded.fund.cashFen)} in cash and ${formatFen(loaded.fund.capitalFen)} of capital`,
            {
              extensions: {
                cash: formatFen(loaded.fund.cashFen),
                capital: formatFen(loaded.fund.capitalFen),
              },
            },
          );
        }
        return {
          status: 201,
          body: {
            journal: {
              id: journalId,
              position: posted.position,
              kind,
              applicationId: null,
              memo: dto.note,
              createdBy: caller.userId,
              postedAt: posted.postedAt.toISOString(),
              lines: lines.map((line, index) => ({
                lineNo: index + 1,
                account: line.account,
                side: line.side,
                amount: formatFen(line.amountFen),
              })),
            },
            balances: toBalancesResponse(posted.balances),
          },
        };
      },
    );
  }

  private async requireFund(manager: EntityManager, id: string): Promise<LoadedFund> {
    const loaded = await loadFund(manager, id);
    if (loaded === undefined) {
      throw DomainError.notFound(ENTITY);
    }
    return loaded;
  }
}

function translateConstraint(error: unknown): unknown {
  const code = postgresErrorCode(error);
  const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
  if (code === '23505' && constraint === 'turnover_funds_name_key') {
    return new DomainError(ErrorCode.Conflict, 'A turnover fund with this name already exists', {
      errors: [{ field: 'name', message: 'is taken by another fund' }],
    });
  }
  return error;
}
