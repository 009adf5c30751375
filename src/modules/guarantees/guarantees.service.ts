import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { seesEverything } from '../../common/auth/access.js';
import { actorOf, type Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorCode } from '../../common/errors/error-code.js';
import {
  IdempotencyService,
  IdempotentResult,
} from '../../common/idempotency/idempotency.service.js';
import { parseYuan, toFenFromDb } from '../../common/money/money.js';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination.js';
import { inTransaction, postgresErrorCode } from '../../database/transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { invalidTransition } from '../matching/lifecycles.js';
import { returnedRows } from '../matching/request-moves.js';
import { GuaranteeFundsService } from './guarantee-funds.service.js';
import {
  type GuaranteeAction,
  nextGuaranteeStatus,
  OUTSTANDING_STATUSES,
} from './guarantee-lifecycle.js';
import {
  feeRateWarnings,
  guaranteeFee,
  RISK_PARTIES,
  type RiskParty,
  splitByShares,
} from './guarantee-math.js';
import {
  AmountDto,
  CreateGuaranteeDto,
  GuaranteeReasonDto,
  GuaranteeResponseDto,
  GuaranteeRow,
  ListGuaranteesQueryDto,
  sharesOf,
  toGuaranteeResponse,
} from './guarantees.dto.js';
import { isUuid, isIsoInstant } from '../../common/validation/identifiers.js';

/*
 * The parties' names come along (a primary-key lookup each) so that a list shows them whatever
 * the caller may list of the registries: a bank's staff see the borrower of their own guarantee.
 * Qualified by the table name, which also works in INSERT/UPDATE … RETURNING.
 */
const COLUMNS = `id, fund_id, bank_id, enterprise_id, match_id, loan_contract_no, principal_fen,
  term_months, annual_fee_rate, fee_fen, shares, status, reason, claim_fen, claim_split,
  recovered_fen, recovery_split, approved_at, activated_at, released_at, claimed_at,
  recovered_at, created_at,
  (SELECT b.name FROM banks b WHERE b.id = guarantees.bank_id) AS bank_name,
  (SELECT e.name FROM enterprises e WHERE e.id = guarantees.enterprise_id) AS enterprise_name`;

function isBankStaff(caller: Caller): boolean {
  return caller.role === Role.BankOfficer || caller.role === Role.BankPresident;
}

/** Who may read a guarantee: the center, the lending bank's staff, the borrowing enterprise. */
function mayRead(caller: Caller, row: GuaranteeRow): boolean {
  return (
    seesEverything(caller) ||
    (isBankStaff(caller) && caller.bankId === row.bank_id) ||
    (caller.role === Role.Enterprise && caller.enterpriseId === row.enterprise_id)
  );
}

/** Who may move it: administrators, and the lending bank's staff for the bank's own moves. */
function mayAct(caller: Caller, row: GuaranteeRow): boolean {
  return caller.role === Role.Admin || (isBankStaff(caller) && caller.bankId === row.bank_id);
}

const fenSplit = (split: Record<RiskParty, bigint>): Record<RiskParty, string> =>
  Object.fromEntries(RISK_PARTIES.map((party) => [party, split[party].toString()])) as Record<
    RiskParty,
    string
  >;

/**
 * 担保: a guarantee of the fund for a platform match (approved or disbursed) or for a loan the bank
 * enters itself. Lifecycle in guarantee-lifecycle.ts. Every move is one transaction: the
 * guarantee row is locked first, the fund's row is touched last by a single guarded UPDATE (so
 * concurrent approvals can never push the outstanding principal past capital × multiple, and a
 * claim can never take cash below zero), with the ledger entry and the audit row alongside.
 *
 * - The fee (principal × the fund's rate × term / 12, half-up) and the risk shares are fixed
 *   when the guarantee is applied for; the fee is collected on activation.
 * - A claim (代偿) is at most the principal; it is split among the parties by their shares
 *   (largest remainder, to the fen); the fund pays the guarantor's part from its cash. A
 *   recovery (追偿) is at most the claim and is split the same way; the fund receives the
 *   guarantor's part.
 */
@Injectable()
export class GuaranteesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly funds: GuaranteeFundsService,
  ) {}

  async create(caller: Caller, dto: CreateGuaranteeDto): Promise<GuaranteeResponseDto> {
    const principal = parseYuan(dto.principal, 'principal');
    if (principal === 0n) {
      throw DomainError.validation('principal', 'must be above zero');
    }
    if ((dto.matchId === undefined) === (dto.loanContractNo === undefined)) {
      throw DomainError.validation('matchId', 'send either matchId or loanContractNo, not both');
    }
    return inTransaction(this.dataSource, async (manager) => {
      const fund = await this.funds.find(manager, dto.fundId);
      const { bankId, enterpriseId } =
        dto.matchId !== undefined
          ? await this.matchParties(manager, caller, dto.matchId, principal)
          : await this.loanParties(manager, caller, dto);
      let row: GuaranteeRow;
      try {
        [row] = await manager.query<GuaranteeRow[]>(
          `INSERT INTO guarantees (fund_id, bank_id, enterprise_id, match_id, loan_contract_no,
             principal_fen, term_months, annual_fee_rate, fee_fen, shares, status, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, 'applied', $11)
           RETURNING ${COLUMNS}`,
          [
            fund.id,
            bankId,
            enterpriseId,
            dto.matchId ?? null,
            dto.loanContractNo ?? null,
            principal.toString(),
            dto.termMonths,
            fund.annual_fee_rate,
            guaranteeFee(principal, fund.annual_fee_rate, dto.termMonths).toString(),
            JSON.stringify(sharesOf(fund)),
            caller.userId,
          ],
        );
      } catch (error) {
        if (postgresErrorCode(error) === '23505') {
          throw new DomainError(ErrorCode.Conflict, 'This match already has a live guarantee', {
            errors: [{ field: 'matchId', message: 'already guaranteed' }],
          });
        }
        throw error;
      }
      const response = this.respond(row);
      await this.audit.record(manager, {
        actor: actorOf(caller),
        action: 'guarantee.applied',
        entityType: 'guarantee',
        entityId: row.id,
        after: response,
      });
      return response;
    });
  }

  async list(caller: Caller, query: ListGuaranteesQueryDto): Promise<Page<GuaranteeResponseDto>> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const where = (sql: string, value: unknown): void => {
      parameters.push(value);
      conditions.push(sql.replace('?', `$${parameters.length}`));
    };
    if (isBankStaff(caller)) {
      where('bank_id = ?', caller.bankId);
    } else if (caller.role === Role.Enterprise) {
      where('enterprise_id = ?', caller.enterpriseId);
    }
    if (query.fundId !== undefined) {
      where('fund_id = ?', query.fundId);
    }
    if (query.status !== undefined) {
      where('status = ?', query.status);
    }
    if (query.bankId !== undefined) {
      where('bank_id = ?', query.bankId);
    }
    if (query.enterpriseId !== undefined) {
      where('enterprise_id = ?', query.enterpriseId);
    }
    if (query.cursor !== undefined) {
      const [at, id] = decodeCursor(query.cursor, 2, (key, position) =>
        position === 0 ? isIsoInstant(key) : isUuid(key),
      );
      parameters.push(at, id);
      conditions.push(
        `(created_at, id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`,
      );
    }
    parameters.push(query.limit + 1);
    const rows = await this.dataSource.query<GuaranteeRow[]>(
      `SELECT ${COLUMNS} FROM guarantees
        ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    return toPage(
      rows,
      query.limit,
      (row) => [row.created_at.toISOString(), row.id],
      (row) => this.respond(row),
    );
  }

  async get(caller: Caller, id: string): Promise<GuaranteeResponseDto> {
    const row = await this.find(this.dataSource.manager, id);
    if (!mayRead(caller, row)) {
      throw DomainError.notFound('guarantee');
    }
    return this.respond(row);
  }

  /**
   * Approval reserves capacity: under a per-(fund, enterprise) advisory lock the enterprise's
   * outstanding principal plus this one must stay within the cap, then one guarded UPDATE on the
   * fund adds the principal only while it fits capital × multiple.
   */
  approve(caller: Caller, id: string): Promise<GuaranteeResponseDto> {
    return this.move(caller, id, 'approve', async (manager, row) => {
      await manager.query(
        `SELECT pg_advisory_xact_lock(hashtextextended('guarantee-cap:' || $1 || ':' || $2, 0))`,
        [row.fund_id, row.enterprise_id],
      );
      const [{ held }] = await manager.query<{ held: string }[]>(
        `SELECT coalesce(sum(principal_fen), 0)::text AS held FROM guarantees
          WHERE fund_id = $1 AND enterprise_id = $2 AND status = ANY($3::text[])`,
        [row.fund_id, row.enterprise_id, OUTSTANDING_STATUSES],
      );
      const fund = await this.funds.find(manager, row.fund_id);
      const principal = toFenFromDb(row.principal_fen);
      if (BigInt(held) + principal > toFenFromDb(fund.per_enterprise_cap_fen)) {
        throw new DomainError(
          ErrorCode.GuaranteeEnterpriseCapExceeded,
          'This guarantee would take the enterprise past the fund’s per-enterprise cap',
        );
      }
      const reserved = returnedRows(
        await manager.query(
          `UPDATE guarantee_funds SET outstanding_fen = outstanding_fen + $2, updated_at = now()
          WHERE id = $1 AND outstanding_fen + $2 <= trunc(capital_fen * capacity_multiple)
          RETURNING id`,
          [row.fund_id, principal.toString()],
        ),
      );
      if (reserved.length !== 1) {
        throw new DomainError(
          ErrorCode.GuaranteeCapacityExceeded,
          'The fund’s guarantee capacity (capital × multiple) cannot take this principal',
        );
      }
      return { set: 'approved_by = $U, approved_at = now()' };
    });
  }

  reject(caller: Caller, id: string, dto: GuaranteeReasonDto): Promise<GuaranteeResponseDto> {
    return this.move(
      caller,
      id,
      'reject',
      () => Promise.resolve({ set: 'reason = $R' }),
      dto.reason,
    );
  }

  /** The fee is collected: Dr cash / Cr fee income. */
  activate(
    caller: Caller,
    id: string,
    key: string,
  ): Promise<IdempotentResult<GuaranteeResponseDto>> {
    return this.idempotency.execute(
      caller,
      key,
      { scope: `guarantee.activate:${id}`, body: {} },
      async (manager) => ({
        status: 200,
        body: await this.moveIn(manager, caller, id, 'activate', async (inner, row) => {
          const fee = toFenFromDb(row.fee_fen);
          if (fee > 0n) {
            await this.funds.recordEntry(inner, caller, {
              fundId: row.fund_id,
              guaranteeId: row.id,
              kind: 'fee',
              debit: 'cash',
              credit: 'fee_income',
              amountFen: fee,
              memo: null,
            });
            await inner.query(
              `UPDATE guarantee_funds
                SET cash_fen = cash_fen + $2, fee_income_fen = fee_income_fen + $2, updated_at = now()
              WHERE id = $1`,
              [row.fund_id, fee.toString()],
            );
          }
          return { set: 'activated_at = now()' };
        }),
      }),
    );
  }

  /** The loan was repaid (or never made): the principal leaves the fund's outstanding. */
  release(caller: Caller, id: string): Promise<GuaranteeResponseDto> {
    return this.move(caller, id, 'release', async (manager, row) => {
      await this.releaseOutstanding(manager, row);
      return { set: 'released_at = now()' };
    });
  }

  /** 代偿: the bank's loss, split by the shares; the fund pays the guarantor's part from cash. */
  claim(
    caller: Caller,
    id: string,
    key: string,
    dto: AmountDto,
  ): Promise<IdempotentResult<GuaranteeResponseDto>> {
    const amount = parseYuan(dto.amount, 'amount');
    if (amount === 0n) {
      throw DomainError.validation('amount', 'must be above zero');
    }
    return this.idempotency.execute(
      caller,
      key,
      { scope: `guarantee.claim:${id}`, body: dto },
      async (manager) => ({
        status: 200,
        body: await this.moveIn(manager, caller, id, 'claim', async (inner, row) => {
          if (amount > toFenFromDb(row.principal_fen)) {
            throw new DomainError(
              ErrorCode.ClaimExceedsPrincipal,
              'A claim cannot exceed the guaranteed principal',
              { errors: [{ field: 'amount', message: 'exceeds the guaranteed principal' }] },
            );
          }
          const split = splitByShares(amount, row.shares);
          const fundPays = split.guarantor;
          if (fundPays > 0n) {
            await this.funds.recordEntry(inner, caller, {
              fundId: row.fund_id,
              guaranteeId: row.id,
              kind: 'claim',
              debit: 'claims_paid',
              credit: 'cash',
              amountFen: fundPays,
              memo: null,
            });
          }
          // Last, and guarded: the claim is paid only from cash the fund has.
          const paid = returnedRows(
            await inner.query(
              `UPDATE guarantee_funds
              SET cash_fen = cash_fen - $2, claims_paid_fen = claims_paid_fen + $2,
                  outstanding_fen = outstanding_fen - $3, updated_at = now()
            WHERE id = $1 AND cash_fen >= $2 RETURNING id`,
              [row.fund_id, fundPays.toString(), row.principal_fen],
            ),
          );
          if (paid.length !== 1) {
            throw new DomainError(
              ErrorCode.InsufficientFundBalance,
              'The fund’s cash cannot pay its share of this claim',
            );
          }
          return {
            set: 'claimed_at = now(), claim_fen = $A, claim_split = $S::jsonb',
            amount,
            split: fenSplit(split),
          };
        }),
      }),
    );
  }

  /** 追偿: money recovered from the borrower, split by the same shares. */
  recover(
    caller: Caller,
    id: string,
    key: string,
    dto: AmountDto,
  ): Promise<IdempotentResult<GuaranteeResponseDto>> {
    const amount = parseYuan(dto.amount, 'amount');
    if (amount === 0n) {
      throw DomainError.validation('amount', 'must be above zero');
    }
    return this.idempotency.execute(
      caller,
      key,
      { scope: `guarantee.recover:${id}`, body: dto },
      async (manager) => ({
        status: 200,
        body: await this.moveIn(manager, caller, id, 'recover', async (inner, row) => {
          if (amount > toFenFromDb(row.claim_fen ?? '0')) {
            throw new DomainError(
              ErrorCode.RecoveryExceedsClaim,
              'A recovery cannot exceed the amount claimed',
              { errors: [{ field: 'amount', message: 'exceeds the amount claimed' }] },
            );
          }
          const split = splitByShares(amount, row.shares);
          const fundGets = split.guarantor;
          if (fundGets > 0n) {
            await this.funds.recordEntry(inner, caller, {
              fundId: row.fund_id,
              guaranteeId: row.id,
              kind: 'recovery',
              debit: 'cash',
              credit: 'recoveries',
              amountFen: fundGets,
              memo: null,
            });
            await inner.query(
              `UPDATE guarantee_funds
                SET cash_fen = cash_fen + $2, recoveries_fen = recoveries_fen + $2, updated_at = now()
              WHERE id = $1`,
              [row.fund_id, fundGets.toString()],
            );
          }
          return {
            set: 'recovered_at = now(), recovered_fen = $A, recovery_split = $S::jsonb',
            amount,
            split: fenSplit(split),
          };
        }),
      }),
    );
  }

  private async releaseOutstanding(manager: EntityManager, row: GuaranteeRow): Promise<void> {
    await manager.query(
      `UPDATE guarantee_funds SET outstanding_fen = outstanding_fen - $2, updated_at = now()
        WHERE id = $1`,
      [row.fund_id, row.principal_fen],
    );
  }

  private move(
    caller: Caller,
    id: string,
    action: GuaranteeAction,
    change: (manager: EntityManager, row: GuaranteeRow) => Promise<MoveChange>,
    reason?: string,
  ): Promise<GuaranteeResponseDto> {
    return inTransaction(this.dataSource, (manager) =>
      this.moveIn(manager, caller, id, action, change, reason),
    );
  }

  /**
   * One move: lock the guarantee (404 unless the caller may act on it), check the transition
   * (409), let `change` do the money part, then the guarded state UPDATE and the audit row.
   */
  private async moveIn(
    manager: EntityManager,
    caller: Caller,
    id: string,
    action: GuaranteeAction,
    change: (manager: EntityManager, row: GuaranteeRow) => Promise<MoveChange>,
    reason?: string,
  ): Promise<GuaranteeResponseDto> {
    const before = await this.find(manager, id, true);
    if (!mayAct(caller, before)) {
      throw DomainError.notFound('guarantee');
    }
    const status = nextGuaranteeStatus(action, before.status);
    const { set, amount, split } = await change(manager, before);
    const parameters: unknown[] = [id, before.status, status];
    const bind = (value: unknown): string => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    const assignments = set
      .replace('$U', () => bind(caller.userId))
      .replace('$R', () => bind(reason ?? null))
      .replace('$A', () => bind(amount?.toString() ?? null))
      .replace('$S', () => bind(JSON.stringify(split ?? null)));
    const [after] = returnedRows<GuaranteeRow>(
      await manager.query(
        `UPDATE guarantees SET status = $3, ${assignments}, updated_at = now()
        WHERE id = $1 AND status = $2 RETURNING ${COLUMNS}`,
        parameters,
      ),
    );
    if (after === undefined) {
      // Unreachable while the row lock is held; kept so a changed lock order fails loudly.
      throw invalidTransition('guarantee', action, before.status);
    }
    const response = this.respond(after);
    await this.audit.record(manager, {
      actor: actorOf(caller),
      action: `guarantee.${status}`,
      entityType: 'guarantee',
      entityId: id,
      before: this.respond(before),
      after: response,
    });
    return response;
  }

  private async matchParties(
    manager: EntityManager,
    caller: Caller,
    matchId: string,
    principal: bigint,
  ): Promise<{ bankId: string; enterpriseId: string }> {
    const [match] = await manager.query<
      {
        bank_id: string;
        enterprise_id: string;
        status: string;
        approved_amount_fen: string | null;
      }[]
    >(
      `SELECT m.bank_id, r.enterprise_id, m.status, m.approved_amount_fen
         FROM matches m JOIN financing_requests r ON r.id = m.request_id WHERE m.id = $1`,
      [matchId],
    );
    if (match === undefined || (isBankStaff(caller) && caller.bankId !== match.bank_id)) {
      throw DomainError.notFound('match');
    }
    if (match.status !== 'approved' && match.status !== 'disbursed') {
      throw new DomainError(
        ErrorCode.InvalidTransition,
        `Only an approved or disbursed match can be guaranteed; this one is "${match.status}"`,
        { extensions: { currentStatus: match.status } },
      );
    }
    if (principal > toFenFromDb(match.approved_amount_fen ?? '0')) {
      throw DomainError.validation('principal', 'cannot exceed the match’s approved amount');
    }
    return { bankId: match.bank_id, enterpriseId: match.enterprise_id };
  }

  private async loanParties(
    manager: EntityManager,
    caller: Caller,
    dto: CreateGuaranteeDto,
  ): Promise<{ bankId: string; enterpriseId: string }> {
    if (dto.enterpriseId === undefined) {
      throw DomainError.validation('enterpriseId', 'is required with loanContractNo');
    }
    let bankId: string;
    if (isBankStaff(caller)) {
      if (dto.bankId !== undefined && dto.bankId !== caller.bankId) {
        throw DomainError.notFound('bank');
      }
      bankId = caller.bankId as string;
    } else {
      if (dto.bankId === undefined) {
        throw DomainError.validation('bankId', 'is required for a loan entered by the center');
      }
      bankId = dto.bankId;
    }
    const [found] = await manager.query<{ bank: boolean; enterprise: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM banks WHERE id = $1) AS bank,
              EXISTS (SELECT 1 FROM enterprises WHERE id = $2) AS enterprise`,
      [bankId, dto.enterpriseId],
    );
    if (!found.bank) {
      throw DomainError.notFound('bank');
    }
    if (!found.enterprise) {
      throw DomainError.notFound('enterprise');
    }
    return { bankId, enterpriseId: dto.enterpriseId };
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<GuaranteeRow> {
    if (!isUuid(id)) {
      throw DomainError.notFound('guarantee');
    }
    const [row] = await manager.query<GuaranteeRow[]>(
      `SELECT ${COLUMNS} FROM guarantees WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (row === undefined) {
      throw DomainError.notFound('guarantee');
    }
    return row;
  }

  private respond(row: GuaranteeRow): GuaranteeResponseDto {
    return toGuaranteeResponse(
      row,
      feeRateWarnings(row.annual_fee_rate, toFenFromDb(row.principal_fen)),
    );
  }
}

interface MoveChange {
  /** SQL assignments; $U the caller, $R the reason, $A the amount, $S the split. */
  set: string;
  amount?: bigint;
  split?: Record<RiskParty, string>;
}
