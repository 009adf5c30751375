import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { actorOf, type Caller } from '../../common/auth/caller.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import {
  IdempotencyService,
  IdempotentResult,
} from '../../common/idempotency/idempotency.service.js';
import { formatFen, parseYuan, toFenFromDb } from '../../common/money/money.js';
import { Decimal } from '../../common/money/rate.js';
import { decodeCursor, Page, PageQueryDto, toPage } from '../../common/pagination/pagination.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { returnedRows } from '../matching/request-moves.js';
import { isCalendarDate } from '../products/lpr-rates.service.js';
import {
  feeRateWarnings,
  RISK_PARTIES,
  type RiskShares,
  sharesSumToOne,
} from './guarantee-math.js';
import {
  CapitalDto,
  CreateGuaranteeFundDto,
  GuaranteeFiguresDto,
  GuaranteeFundPublicDto,
  GuaranteeFundResponseDto,
  GuaranteeFundRow,
  GuaranteeLedgerEntryDto,
  GuaranteeReconcileDto,
  GuaranteeReportDto,
  GuaranteeReportQueryDto,
  GuaranteeReportRowDto,
  toGuaranteeFundPublic,
  toGuaranteeFundResponse,
} from './guarantees.dto.js';
import { isUuid } from '../../common/validation/identifiers.js';

export const FUND_COLUMNS = `id, name, annual_fee_rate, per_enterprise_cap_fen, capacity_multiple,
  guarantor_share, reguarantor_share, bank_share, government_share, cash_fen, capital_fen,
  fee_income_fen, claims_paid_fen, recoveries_fen, outstanding_fen, created_at`;

/** Debit-normal accounts grow with debits; the others with credits. */
const ACCOUNTS = [
  { account: 'cash', column: 'cash_fen', debitNormal: true },
  { account: 'capital', column: 'capital_fen', debitNormal: false },
  { account: 'fee_income', column: 'fee_income_fen', debitNormal: false },
  { account: 'claims_paid', column: 'claims_paid_fen', debitNormal: true },
  { account: 'recoveries', column: 'recoveries_fen', debitNormal: false },
] as const;

/** capital × 放大倍数, rounded down to the fen (the same rule as the guarded UPDATE). */
export function capacityOf(row: GuaranteeFundRow): bigint {
  return BigInt(new Decimal(row.capital_fen).times(row.capacity_multiple).floor().toFixed(0));
}

/**
 * 信保基金: the funds, their capital and their ledger. Capital injections move cash and capital
 * together with their ledger entry and audit row, under an Idempotency-Key. Bank staff and
 * enterprises see a fund's name, rate and shares only; its balances are the center's.
 */
@Injectable()
export class GuaranteeFundsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
  ) {}

  async create(caller: Caller, dto: CreateGuaranteeFundDto): Promise<GuaranteeFundResponseDto> {
    const shares = dto.shares as RiskShares;
    if (!sharesSumToOne(shares)) {
      throw DomainError.validation(
        'shares',
        'the named shares must each be above 0 and sum to exactly 1',
      );
    }
    const perEnterpriseCap = parseYuan(dto.perEnterpriseCap, 'perEnterpriseCap');
    if (perEnterpriseCap === 0n) {
      throw DomainError.validation('perEnterpriseCap', 'must be above zero');
    }
    if (new Decimal(dto.capacityMultiple).lte(0)) {
      throw DomainError.validation('capacityMultiple', 'must be above zero');
    }
    return inTransaction(this.dataSource, async (manager) => {
      let row: GuaranteeFundRow;
      try {
        [row] = await manager.query<GuaranteeFundRow[]>(
          `INSERT INTO guarantee_funds (name, annual_fee_rate, per_enterprise_cap_fen, capacity_multiple,
             guarantor_share, reguarantor_share, bank_share, government_share)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${FUND_COLUMNS}`,
          [
            dto.name,
            dto.annualFeeRate,
            perEnterpriseCap.toString(),
            dto.capacityMultiple,
            ...RISK_PARTIES.map((party) => shares[party] ?? null),
          ],
        );
      } catch (error) {
        if (postgresErrorCode(error) === '23505') {
          throw new DomainError(ErrorCode.Conflict, 'A guarantee fund with this name exists', {
            errors: [{ field: 'name', message: 'is taken' }],
          });
        }
        throw error;
      }
      const response = this.respond(row);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'guarantee_fund.created',
        entityType: 'guarantee_fund',
        entityId: row.id,
        after: response,
      });
      return response;
    });
  }

  async list(caller: Caller): Promise<(GuaranteeFundResponseDto | GuaranteeFundPublicDto)[]> {
    const rows = await this.dataSource.query<GuaranteeFundRow[]>(
      `SELECT ${FUND_COLUMNS} FROM guarantee_funds ORDER BY name LIMIT 100`,
    );
    return rows.map((row) => this.view(caller, row));
  }

  async get(
    caller: Caller,
    id: string,
  ): Promise<GuaranteeFundResponseDto | GuaranteeFundPublicDto> {
    return this.view(caller, await this.find(this.dataSource.manager, id));
  }

  /** Dr cash / Cr capital, once per Idempotency-Key. */
  injectCapital(
    caller: Caller,
    id: string,
    key: string,
    dto: CapitalDto,
  ): Promise<IdempotentResult<GuaranteeFundResponseDto>> {
    const amount = parseYuan(dto.amount, 'amount');
    if (amount === 0n) {
      throw DomainError.validation('amount', 'must be above zero');
    }
    return this.idempotency.execute(
      caller,
      key,
      { scope: `guarantee_fund.capital:${id}`, body: dto },
      async (manager) => {
        const before = await this.find(manager, id);
        await this.recordEntry(manager, caller, {
          fundId: id,
          guaranteeId: null,
          kind: 'capital',
          debit: 'cash',
          credit: 'capital',
          amountFen: amount,
          memo: dto.note ?? null,
        });
        const [after] = returnedRows<GuaranteeFundRow>(
          await manager.query(
            `UPDATE guarantee_funds
              SET cash_fen = cash_fen + $2, capital_fen = capital_fen + $2, updated_at = now()
            WHERE id = $1 RETURNING ${FUND_COLUMNS}`,
            [id, amount.toString()],
          ),
        );
        const response = this.respond(after);
        await this.audit.record(manager, {
          actor: actorOf(caller),
          action: 'guarantee_fund.capital_injected',
          entityType: 'guarantee_fund',
          entityId: id,
          before: this.respond(before),
          after: { ...response, injected: formatFen(amount), note: dto.note ?? null },
        });
        return { status: 201, body: response };
      },
    );
  }

  async ledger(id: string, query: PageQueryDto): Promise<Page<GuaranteeLedgerEntryDto>> {
    await this.find(this.dataSource.manager, id);
    const after =
      query.cursor === undefined
        ? '0'
        : decodeCursor(query.cursor, 1, (key) => /^\d{1,18}$/.test(key))[0];
    const rows = await this.dataSource.query<
      {
        id: string;
        kind: string;
        guarantee_id: string | null;
        debit_account: string;
        credit_account: string;
        amount_fen: string;
        memo: string | null;
        created_at: Date;
      }[]
    >(
      `SELECT id::text, kind, guarantee_id, debit_account, credit_account, amount_fen, memo, created_at
         FROM guarantee_ledger_entries
        WHERE fund_id = $1 AND id > $2::bigint
        ORDER BY id LIMIT $3`,
      [id, after, query.limit + 1],
    );
    return toPage(
      rows,
      query.limit,
      (row) => [row.id],
      (row) => ({
        id: row.id,
        kind: row.kind,
        guaranteeId: row.guarantee_id,
        debitAccount: row.debit_account,
        creditAccount: row.credit_account,
        amount: formatFen(toFenFromDb(row.amount_fen)),
        memo: row.memo,
        createdAt: row.created_at.toISOString(),
      }),
    );
  }

  /**
   * Every stored balance recomputed from the ledger, the outstanding principal recomputed from
   * the guarantees, and the accounting identity cash = capital + fee income + recoveries − claims.
   */
  async reconcile(id: string): Promise<GuaranteeReconcileDto> {
    // One snapshot for the fund row, its entries and its guarantees.
    return inTransaction(
      this.dataSource,
      async (manager) => {
        const fund = await this.find(manager, id);
        const sums = await manager.query<{ account: string; debits: string; credits: string }[]>(
          `SELECT account, sum(debit)::text AS debits, sum(credit)::text AS credits FROM (
             SELECT debit_account AS account, amount_fen AS debit, 0::bigint AS credit
               FROM guarantee_ledger_entries WHERE fund_id = $1
             UNION ALL
             SELECT credit_account, 0, amount_fen FROM guarantee_ledger_entries WHERE fund_id = $1
           ) lines GROUP BY account`,
          [id],
        );
        const [{ outstanding }] = await manager.query<{ outstanding: string }[]>(
          `SELECT coalesce(sum(principal_fen), 0)::text AS outstanding FROM guarantees
            WHERE fund_id = $1 AND status IN ('approved', 'active')`,
          [id],
        );
        const accounts = ACCOUNTS.map(({ account, column, debitNormal }) => {
          const sum = sums.find((row) => row.account === account);
          const debits = BigInt(sum?.debits ?? '0');
          const credits = BigInt(sum?.credits ?? '0');
          const fromLedger = debitNormal ? debits - credits : credits - debits;
          const stored = toFenFromDb(fund[column]);
          return {
            account,
            stored: formatFen(stored),
            fromLedger: formatFen(fromLedger),
            matches: stored === fromLedger,
          };
        });
        const balanceOf = (column: (typeof ACCOUNTS)[number]['column']): bigint =>
          toFenFromDb(fund[column]);
        const identity =
          balanceOf('cash_fen') ===
          balanceOf('capital_fen') +
            balanceOf('fee_income_fen') +
            balanceOf('recoveries_fen') -
            balanceOf('claims_paid_fen');
        const outstandingMatches = BigInt(outstanding) === toFenFromDb(fund.outstanding_fen);
        return {
          ok: identity && outstandingMatches && accounts.every((row) => row.matches),
          accounts,
          outstandingMatches,
        };
      },
      'REPEATABLE READ',
    );
  }

  /**
   * By bank and by month (Asia/Shanghai) over [from, to): guarantees approved in the period and
   * their principal and distinct enterprises; fees of guarantees activated in the period; claims
   * and recoveries made in the period, with the fund's own share of each.
   */
  async report(id: string, query: GuaranteeReportQueryDto): Promise<GuaranteeReportDto> {
    for (const field of ['from', 'to'] as const) {
      if (!isCalendarDate(query[field])) {
        throw DomainError.validation(field, 'must be a calendar date');
      }
    }
    if (query.to <= query.from) {
      throw DomainError.validation('to', 'must be later than from');
    }
    await this.find(this.dataSource.manager, id);
    const rows = await this.dataSource.query<
      {
        scope: 'bank' | 'month' | 'total';
        key: string | null;
        label: string | null;
        issued: number;
        principal: string;
        fees: string;
        enterprises: number;
        claims: number;
        claimed: string;
        claims_paid: string;
        recovered: string;
        recoveries_received: string;
      }[]
    >(
      `WITH bounds AS (
         SELECT ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS lower,
                ($3::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS upper
       ),
       events AS (
         SELECT g.bank_id, g.enterprise_id, 'issued' AS event, g.approved_at AS at, g.principal_fen AS amount,
                0::bigint AS fund_part
           FROM guarantees g WHERE g.fund_id = $1 AND g.approved_at IS NOT NULL
         UNION ALL
         SELECT g.bank_id, g.enterprise_id, 'fee', g.activated_at, g.fee_fen, 0
           FROM guarantees g WHERE g.fund_id = $1 AND g.activated_at IS NOT NULL
         UNION ALL
         SELECT g.bank_id, g.enterprise_id, 'claim', g.claimed_at, g.claim_fen,
                (g.claim_split->>'guarantor')::bigint
           FROM guarantees g WHERE g.fund_id = $1 AND g.claimed_at IS NOT NULL
         UNION ALL
         SELECT g.bank_id, g.enterprise_id, 'recovery', g.recovered_at, g.recovered_fen,
                (g.recovery_split->>'guarantor')::bigint
           FROM guarantees g WHERE g.fund_id = $1 AND g.recovered_at IS NOT NULL
       ),
       scoped AS (
         SELECT e.*, b.name AS bank_name,
                to_char(e.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month
           FROM events e JOIN banks b ON b.id = e.bank_id, bounds
          WHERE e.at >= bounds.lower AND e.at < bounds.upper
       ),
       grouped AS (
         SELECT 'bank' AS scope, bank_id::text AS key, bank_name AS label, s.* FROM scoped s
         UNION ALL SELECT 'month', month, month, s.* FROM scoped s
         UNION ALL SELECT 'total', NULL, NULL, s.* FROM scoped s
       )
       SELECT scope, key, label,
              count(*) FILTER (WHERE event = 'issued')::int AS issued,
              coalesce(sum(amount) FILTER (WHERE event = 'issued'), 0)::text AS principal,
              coalesce(sum(amount) FILTER (WHERE event = 'fee'), 0)::text AS fees,
              count(DISTINCT enterprise_id) FILTER (WHERE event = 'issued')::int AS enterprises,
              count(*) FILTER (WHERE event = 'claim')::int AS claims,
              coalesce(sum(amount) FILTER (WHERE event = 'claim'), 0)::text AS claimed,
              coalesce(sum(fund_part) FILTER (WHERE event = 'claim'), 0)::text AS claims_paid,
              coalesce(sum(amount) FILTER (WHERE event = 'recovery'), 0)::text AS recovered,
              coalesce(sum(fund_part) FILTER (WHERE event = 'recovery'), 0)::text AS recoveries_received
         FROM grouped GROUP BY scope, key, label ORDER BY scope, label, key`,
      [id, query.from, query.to],
    );
    const figures = (row: (typeof rows)[number] | undefined): GuaranteeFiguresDto => ({
      issued: row?.issued ?? 0,
      principal: formatFen(BigInt(row?.principal ?? '0')),
      fees: formatFen(BigInt(row?.fees ?? '0')),
      enterprises: row?.enterprises ?? 0,
      claims: row?.claims ?? 0,
      claimed: formatFen(BigInt(row?.claimed ?? '0')),
      claimsPaid: formatFen(BigInt(row?.claims_paid ?? '0')),
      recovered: formatFen(BigInt(row?.recovered ?? '0')),
      recoveriesReceived: formatFen(BigInt(row?.recoveries_received ?? '0')),
    });
    const grouped = (scope: 'bank' | 'month'): GuaranteeReportRowDto[] =>
      rows
        .filter((row) => row.scope === scope)
        .map((row) => ({ key: row.key ?? '', label: row.label ?? '', ...figures(row) }));
    return {
      from: query.from,
      to: query.to,
      byBank: grouped('bank'),
      byMonth: grouped('month'),
      total: figures(rows.find((row) => row.scope === 'total')),
    };
  }

  /** The fund, or 404 (an id that is not a UUID is simply not found). */
  async find(manager: EntityManager, id: string, lock = false): Promise<GuaranteeFundRow> {
    if (!isUuid(id)) {
      throw DomainError.notFound('guarantee fund');
    }
    const [row] = await manager.query<GuaranteeFundRow[]>(
      `SELECT ${FUND_COLUMNS} FROM guarantee_funds WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (row === undefined) {
      throw DomainError.notFound('guarantee fund');
    }
    return row;
  }

  /** One ledger entry: a debit and a credit of the same amount, so it balances by construction. */
  async recordEntry(
    manager: EntityManager,
    caller: Caller,
    entry: {
      fundId: string;
      guaranteeId: string | null;
      kind: 'capital' | 'fee' | 'claim' | 'recovery';
      debit: string;
      credit: string;
      amountFen: bigint;
      memo: string | null;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO guarantee_ledger_entries
         (fund_id, guarantee_id, kind, debit_account, credit_account, amount_fen, memo, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        entry.fundId,
        entry.guaranteeId,
        entry.kind,
        entry.debit,
        entry.credit,
        entry.amountFen.toString(),
        entry.memo,
        caller.userId,
      ],
    );
  }

  respond(row: GuaranteeFundRow): GuaranteeFundResponseDto {
    return toGuaranteeFundResponse(row, capacityOf(row), feeRateWarnings(row.annual_fee_rate));
  }

  private view(
    caller: Caller,
    row: GuaranteeFundRow,
  ): GuaranteeFundResponseDto | GuaranteeFundPublicDto {
    return seesEverything(caller) ? this.respond(row) : toGuaranteeFundPublic(row);
  }
}
