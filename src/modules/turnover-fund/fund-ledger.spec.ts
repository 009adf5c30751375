import { describe, expect, it } from '@jest/globals';
import { balanceMoves, normalBalance, requireBalanced } from './fund-ledger.js';
import { exceedsCommitmentCap, newBusinessStopped } from './fund-rules.js';

describe('fund ledger arithmetic', () => {
  it('moves the stored balances on their normal sides', () => {
    // Repayment: Dr cash 10,019.00 / Cr receivable 10,000.00 / Cr fee income 19.00.
    expect(
      balanceMoves([
        { account: 'cash', side: 'debit', amountFen: 1_001_900n },
        { account: 'receivable', side: 'credit', amountFen: 1_000_000n },
        { account: 'fee_income', side: 'credit', amountFen: 1_900n },
      ]),
    ).toEqual({
      cash: 1_001_900n,
      receivable: -1_000_000n,
      capital: 0n,
      fee_income: 1_900n,
      loss: 0n,
    });
    // Write-off: Dr loss / Cr receivable; capital return: Dr capital / Cr cash.
    expect(
      balanceMoves([
        { account: 'loss', side: 'debit', amountFen: 5n },
        { account: 'receivable', side: 'credit', amountFen: 5n },
        { account: 'capital', side: 'debit', amountFen: 7n },
        { account: 'cash', side: 'credit', amountFen: 7n },
      ]),
    ).toEqual({ cash: -7n, receivable: -5n, capital: -7n, fee_income: 0n, loss: 5n });
  });

  it('refuses journals that do not balance, have one line or a non-positive amount', () => {
    expect(() =>
      requireBalanced([
        { account: 'cash', side: 'debit', amountFen: 100n },
        { account: 'capital', side: 'credit', amountFen: 99n },
      ]),
    ).toThrow(/balance/);
    expect(() => requireBalanced([{ account: 'cash', side: 'debit', amountFen: 1n }])).toThrow(
      /two lines/,
    );
    expect(() =>
      requireBalanced([
        { account: 'cash', side: 'debit', amountFen: 0n },
        { account: 'capital', side: 'credit', amountFen: 0n },
      ]),
    ).toThrow(/positive/);
  });

  it('reads a balance from debit and credit totals by the account’s normal side', () => {
    expect(normalBalance('cash', 10n, 3n)).toBe(7n);
    expect(normalBalance('capital', 3n, 10n)).toBe(7n);
    expect(normalBalance('loss', 4n, 0n)).toBe(4n);
    expect(normalBalance('fee_income', 0n, 4n)).toBe(4n);
  });
});

describe('fund caps', () => {
  it('lets an amount exactly at 95% of the commitment through, one fen more not', () => {
    expect(exceedsCommitmentCap(950_000n, 1_000_000n, '0.95')).toBe(false);
    expect(exceedsCommitmentCap(950_001n, 1_000_000n, '0.95')).toBe(true);
    // 95% of 0.03 yuan is 2.85 fen: 2 and 3 fen fall either side, no rounding in between.
    expect(exceedsCommitmentCap(2n, 3n, '0.95')).toBe(false);
    expect(exceedsCommitmentCap(3n, 3n, '0.95')).toBe(true);
  });

  it('stops new business only once overdue principal exceeds the share of capital', () => {
    expect(newBusinessStopped(400n, 1_000n, '0.40')).toBe(false);
    expect(newBusinessStopped(401n, 1_000n, '0.40')).toBe(true);
    expect(newBusinessStopped(0n, 0n, '0.40')).toBe(false);
  });
});
