import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { toFenFromDb } from '../../common/money/money.js';

/*
 * The fund's double-entry ledger. Accounts per fund: cash and receivable (assets), loss (an
 * expense) grow with debits; capital and fee income grow with credits. The fund row stores each
 * account's balance on its normal side; a posting moves those balances and writes its journal in
 * ONE statement, so they can never disagree, and the database refuses at commit any journal that
 * does not balance (deferred constraint trigger) and any change to a posted line.
 */

export const ACCOUNTS = ['cash', 'receivable', 'capital', 'fee_income', 'loss'] as const;
export type Account = (typeof ACCOUNTS)[number];
export const SIDES = ['debit', 'credit'] as const;
export type Side = (typeof SIDES)[number];
export const JOURNAL_KINDS = [
  'capital_injection',
  'capital_return',
  'disbursement',
  'repayment',
  'write_off',
] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

const DEBIT_NORMAL: ReadonlySet<Account> = new Set(['cash', 'receivable', 'loss']);

export interface JournalLine {
  account: Account;
  side: Side;
  amountFen: bigint;
}

export type Balances = Record<Account, bigint>;

export interface Posting {
  /** Chosen by the caller (randomUUID), so its audit row can name the journal before posting. */
  journalId: string;
  fundId: string;
  kind: JournalKind;
  applicationId: string | null;
  memo: string | null;
  createdBy: string | null;
  lines: readonly JournalLine[];
  /** Refuse (answer null) when the fund is suspended: money going out on new business. */
  requireActiveFund?: boolean;
}

export interface PostedJournal {
  journalId: string;
  position: string;
  postedAt: Date;
  /** The fund's stored balances right after this posting. */
  balances: Balances;
}

/** Throws unless the lines form a journal: at least two, each above 0, Σ debit = Σ credit. */
export function requireBalanced(lines: readonly JournalLine[]): void {
  if (lines.length < 2) {
    throw new Error('a journal needs at least two lines');
  }
  let net = 0n;
  for (const line of lines) {
    if (typeof line.amountFen !== 'bigint' || line.amountFen <= 0n) {
      throw new Error(`a journal line must move a positive amount, got ${String(line.amountFen)}`);
    }
    net += line.side === 'debit' ? line.amountFen : -line.amountFen;
  }
  if (net !== 0n) {
    throw new Error(`a journal must balance; debits exceed credits by ${net.toString()} fen`);
  }
}

/** How much each stored (normal-side) balance moves for these lines. */
export function balanceMoves(lines: readonly JournalLine[]): Balances {
  const moves: Balances = { cash: 0n, receivable: 0n, capital: 0n, fee_income: 0n, loss: 0n };
  for (const line of lines) {
    const grows = (line.side === 'debit') === DEBIT_NORMAL.has(line.account);
    moves[line.account] += grows ? line.amountFen : -line.amountFen;
  }
  return moves;
}

/** The normal-side balance of an account from its debit and credit totals. */
export function normalBalance(account: Account, debitFen: bigint, creditFen: bigint): bigint {
  return DEBIT_NORMAL.has(account) ? debitFen - creditFen : creditFen - debitFen;
}

export interface BalanceRow {
  cash_fen: string;
  receivable_fen: string;
  capital_fen: string;
  fee_income_fen: string;
  loss_fen: string;
}

export function balancesOf(row: BalanceRow): Balances {
  return {
    cash: toFenFromDb(row.cash_fen),
    receivable: toFenFromDb(row.receivable_fen),
    capital: toFenFromDb(row.capital_fen),
    fee_income: toFenFromDb(row.fee_income_fen),
    loss: toFenFromDb(row.loss_fen),
  };
}

/**
 * The arguments of `fund_post_journal` for a posting, in order; throws unless it balances. The
 * money moves pass the same values to `turnover_money_move`, which posts through that function.
 */
export function postingArguments(posting: Posting): unknown[] {
  requireBalanced(posting.lines);
  const moves = balanceMoves(posting.lines);
  return [
    posting.fundId,
    moves.cash.toString(),
    moves.receivable.toString(),
    moves.capital.toString(),
    moves.fee_income.toString(),
    moves.loss.toString(),
    posting.requireActiveFund === true,
    posting.kind,
    posting.applicationId,
    posting.memo,
    posting.createdBy,
    posting.lines.map((_line, index) => index + 1),
    posting.lines.map((line) => line.account),
    posting.lines.map((line) => line.side),
    posting.lines.map((line) => line.amountFen.toString()),
    posting.journalId,
  ];
}

@Injectable()
export class FundLedger {
  /**
   * Posts a journal and moves the fund's stored balances in one statement (the SQL function
   * `fund_post_journal`, migration 1764301500000): a guarded UPDATE of
   * the fund row (no balance that must stay non-negative may go below zero; with
   * `requireActiveFund`, not suspended), then the journal and its lines, written only if that
   * UPDATE changed the row. Answers null, having written nothing, when the guard refused — the
   * caller turns that into 409 and rolls back its transaction.
   *
   * Call it last in a transaction: it locks the fund row, which every money move of the fund
   * needs, so the lock is held only for what follows (the commit).
   */
  async post(manager: EntityManager, posting: Posting): Promise<PostedJournal | null> {
    const rows = await manager.query<
      (BalanceRow & { journal_id: string; position: string; posted_at: Date })[]
    >(
      `SELECT * FROM fund_post_journal($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                                       $14, $15, $16)`,
      postingArguments(posting),
    );
    const [row] = rows;
    if (row === undefined) {
      return null;
    }
    return {
      journalId: row.journal_id,
      position: row.position,
      postedAt: row.posted_at,
      balances: balancesOf(row),
    };
  }
}
