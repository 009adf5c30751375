import { Decimal, multiplyDivideToFen } from '../../common/money/rate.js';

/*
 * 信保基金 arithmetic. Pure functions, no I/O: the fee of a guarantee, the national fee ceiling
 * (a warning, not a rule: the rate is the city's choice), and the split of a claim (代偿) or a
 * recovery (追偿) among the parties that share the risk.
 */

/** The parties that may share a guarantee's risk, in the order used to break ties. */
export const RISK_PARTIES = ['guarantor', 'reguarantor', 'bank', 'government'] as const;
export type RiskParty = (typeof RISK_PARTIES)[number];
export type RiskShares = Partial<Record<RiskParty, string>>;

/** 国办发〔2019〕6号: at most 1% a year up to 500万 guaranteed, 1.5% above. */
const CEILING_THRESHOLD_FEN = 500_000_000n;
const CEILING_SMALL = new Decimal('0.01');
const CEILING_LARGE = new Decimal('0.015');

/** fee = principal × annual rate × term / 12, rounded half-up once to the fen. */
export function guaranteeFee(principalFen: bigint, annualRate: string, termMonths: number): bigint {
  return multiplyDivideToFen(principalFen, [annualRate, termMonths], [12]);
}

/**
 * The warnings a fee rate earns against the national ceilings (empty when it is within both).
 * `principalFen` given: only the ceiling that applies to that principal is checked.
 */
export function feeRateWarnings(annualRate: string, principalFen?: bigint): string[] {
  const rate = new Decimal(annualRate);
  const warnings: string[] = [];
  const small = principalFen === undefined || principalFen <= CEILING_THRESHOLD_FEN;
  const large = principalFen === undefined || principalFen > CEILING_THRESHOLD_FEN;
  if (small && rate.gt(CEILING_SMALL)) {
    warnings.push(
      'The fee rate is above the national ceiling of 1% a year for guarantees up to 500万',
    );
  }
  if (large && rate.gt(CEILING_LARGE)) {
    warnings.push(
      'The fee rate is above the national ceiling of 1.5% a year for guarantees above 500万',
    );
  }
  return warnings;
}

/** True when the named shares are each in (0, 1] and sum to exactly 1. */
export function sharesSumToOne(shares: RiskShares): boolean {
  const named = RISK_PARTIES.flatMap((party) =>
    shares[party] === undefined ? [] : [new Decimal(shares[party])],
  );
  return (
    named.length > 0 &&
    named.every((share) => share.gt(0) && share.lte(1)) &&
    named.reduce((sum, share) => sum.plus(share), new Decimal(0)).eq(1)
  );
}

/**
 * Splits an amount among the parties by their shares, to the fen, so that the parts always sum to
 * the amount: each party first gets its exact share rounded down, then the fen left over go one
 * each to the parties with the largest remainders (ties in RISK_PARTIES order). Largest-remainder
 * keeps every part within one fen of its exact share, which rounding each part half-up would not
 * (three thirds of 1 fen would make 0 or 3).
 */
export function splitByShares(amountFen: bigint, shares: RiskShares): Record<RiskParty, bigint> {
  const parts = Object.fromEntries(RISK_PARTIES.map((party) => [party, 0n])) as Record<
    RiskParty,
    bigint
  >;
  const remainders: { party: RiskParty; remainder: Decimal }[] = [];
  let allotted = 0n;
  for (const party of RISK_PARTIES) {
    const share = shares[party];
    if (share === undefined) {
      continue;
    }
    const exact = new Decimal(amountFen.toString()).times(share);
    const floor = BigInt(exact.floor().toFixed(0));
    parts[party] = floor;
    allotted += floor;
    remainders.push({ party, remainder: exact.minus(exact.floor()) });
  }
  // Stable sort: equal remainders keep RISK_PARTIES order.
  remainders.sort((a, b) => b.remainder.comparedTo(a.remainder));
  for (let left = amountFen - allotted, index = 0; left > 0n; left -= 1n, index += 1) {
    parts[remainders[index % remainders.length].party] += 1n;
  }
  return parts;
}
