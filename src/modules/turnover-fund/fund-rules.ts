import { Decimal } from '../../common/money/rate.js';

/*
 * The fund's caps as exact comparisons: nothing is rounded, so an amount exactly at a cap passes
 * and one fen over does not.
 */

/** True when `amountFen` exceeds `ratio × committedFen` (the cap on the bank's renewal). */
export function exceedsCommitmentCap(
  amountFen: bigint,
  committedFen: bigint,
  ratio: Decimal | string,
): boolean {
  return new Decimal(amountFen.toString()).gt(new Decimal(committedFen.toString()).times(ratio));
}

/**
 * New business stops while overdue principal exceeds `ratio` of the fund's capital (several
 * cities: 40%). With no capital and nothing overdue, business goes on.
 */
export function newBusinessStopped(
  overdueFen: bigint,
  capitalFen: bigint,
  ratio: Decimal | string,
): boolean {
  return new Decimal(overdueFen.toString()).gt(new Decimal(capitalFen.toString()).times(ratio));
}
