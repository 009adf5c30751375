import { Decimal } from '../../common/money/rate.js';
import type { LprTenor, RateKind } from './product.entity.js';

/** The LPR in force for one tenor on a given business date. */
export interface LprQuote {
  tenor: LprTenor;
  /** Decimal string, e.g. "0.030000" as NUMERIC reads. */
  rate: string;
  /** YYYY-MM-DD. */
  effectiveOn: string;
}

export interface ProductRateTerms {
  rateKind: RateKind;
  minAnnualRate: string | null;
  maxAnnualRate: string | null;
  lprTenor: LprTenor | null;
  minSpreadBp: number | null;
  maxSpreadBp: number | null;
}

export interface EffectiveRate {
  /** Decimal strings; null when an LPR product's tenor has no rate in force yet. */
  minAnnualRate: string | null;
  maxAnnualRate: string | null;
  lprRate: string | null;
  lprEffectiveOn: string | null;
}

const BASIS_POINTS_PER_UNIT = 10_000;

/** Plain notation without trailing zeros: "0.030000" → "0.03". */
export function normaliseRate(rate: string): string {
  return new Decimal(rate).toFixed();
}

/**
 * The annual rate range a borrower would see today: a fixed product's own range, or the LPR in
 * force for the product's tenor plus its spreads (basis points / 10 000), exactly, in decimal.
 */
export function effectiveRate(
  terms: ProductRateTerms,
  quotes: ReadonlyMap<LprTenor, LprQuote>,
): EffectiveRate {
  if (terms.rateKind === 'fixed') {
    return {
      minAnnualRate: terms.minAnnualRate === null ? null : normaliseRate(terms.minAnnualRate),
      maxAnnualRate: terms.maxAnnualRate === null ? null : normaliseRate(terms.maxAnnualRate),
      lprRate: null,
      lprEffectiveOn: null,
    };
  }
  const quote = terms.lprTenor === null ? undefined : quotes.get(terms.lprTenor);
  if (quote === undefined || terms.minSpreadBp === null || terms.maxSpreadBp === null) {
    return { minAnnualRate: null, maxAnnualRate: null, lprRate: null, lprEffectiveOn: null };
  }
  const lpr = new Decimal(quote.rate);
  const withSpread = (spreadBp: number): string =>
    lpr.plus(new Decimal(spreadBp).div(BASIS_POINTS_PER_UNIT)).toFixed();
  return {
    minAnnualRate: withSpread(terms.minSpreadBp),
    maxAnnualRate: withSpread(terms.maxSpreadBp),
    lprRate: lpr.toFixed(),
    lprEffectiveOn: quote.effectiveOn,
  };
}
