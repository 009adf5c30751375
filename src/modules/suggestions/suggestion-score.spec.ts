import { describe, expect, it } from '@jest/globals';
import { Decimal } from '../../common/money/rate.js';
import type { LprQuote } from '../products/effective-rate.js';
import type { LprTenor } from '../products/product.entity.js';
import {
  type BankRecord,
  centrality,
  checkEligibility,
  type ExistingMatch,
  markedMatches,
  type ProductCandidate,
  rankSuggestionPage,
  rankSuggestions,
  roundedCentrality,
  SCORE_PARTS,
  SCORE_WEIGHTS,
  type SuggestionRequest,
} from './suggestion-score.js';

const BANK_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const BANK_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const BANK_C = 'cccccccc-0000-4000-8000-000000000003';

const QUOTES: ReadonlyMap<LprTenor, LprQuote> = new Map([
  ['1y', { tenor: '1y', rate: '0.030000', effectiveOn: '2025-05-20' }],
]);

/** 500万 for 12 months, credit, ceiling 5%, a small 专精特新 manufacturer never funded yet. */
const REQUEST: SuggestionRequest = {
  amountFen: 500_000_000n,
  termMonths: 12,
  guaranteeOffered: 'credit',
  rateCeiling: '0.050000',
  regionCode: '220502',
  industry: 'industry',
  scale: 'small',
  enterpriseTags: ['specialized'],
  enterpriseHasLoan: false,
};

const yuan = (amount: number): bigint => BigInt(amount) * 100n;

function product(overrides: Partial<ProductCandidate> & { productId: string }): ProductCandidate {
  return {
    productName: overrides.productId,
    category: 'credit',
    bankId: BANK_A,
    bankName: '吉林银行通化分行',
    active: true,
    minAmountFen: yuan(1_000_000),
    maxAmountFen: yuan(9_000_000),
    minTermMonths: 6,
    maxTermMonths: 18,
    rateKind: 'fixed',
    minAnnualRate: '0.040000',
    maxAnnualRate: '0.060000',
    lprTenor: null,
    minSpreadBp: null,
    maxSpreadBp: null,
    eligibleRegions: [],
    eligibleIndustries: [],
    eligibleScales: [],
    guaranteeTypes: [],
    tags: [],
    ...overrides,
  };
}

const BANK_B_FIELDS = { bankId: BANK_B, bankName: '中国银行通化分行' };
const BANK_C_FIELDS = { bankId: BANK_C, bankName: '通化农商银行' };

const CANDIDATES: ProductCandidate[] = [
  // Bank A: centred amount and term, a 专精特新 product.
  product({
    productId: 'A-specialized',
    productName: '专精特新贷',
    guaranteeTypes: ['credit'],
    tags: ['specialized'],
  }),
  // Bank B: amount at the maximum, term at the minimum; LPR + 50 bp; 首贷.
  product({
    ...BANK_B_FIELDS,
    productId: 'B-working-capital',
    productName: '流动资金贷',
    maxAmountFen: yuan(5_000_000),
    minTermMonths: 12,
    maxTermMonths: 36,
    rateKind: 'lpr',
    minAnnualRate: null,
    maxAnnualRate: null,
    lprTenor: '1y',
    minSpreadBp: 50,
    maxSpreadBp: 150,
    tags: ['first_loan'],
  }),
  // Bank C (no history): amount a quarter off centre, a one-value term range.
  product({
    ...BANK_C_FIELDS,
    productId: 'C-quick',
    productName: '信用快贷',
    minAmountFen: yuan(2_000_000),
    maxAmountFen: yuan(10_000_000),
    minTermMonths: 12,
    maxTermMonths: 12,
    minAnnualRate: '0.045',
    maxAnnualRate: '0.055',
  }),
  // The same terms again: equal score, ordered by product name after 信用快贷.
  product({
    ...BANK_C_FIELDS,
    productId: 'C-quick-2',
    productName: '信用快贷二',
    minAmountFen: yuan(2_000_000),
    maxAmountFen: yuan(10_000_000),
    minTermMonths: 12,
    maxTermMonths: 12,
    minAnnualRate: '0.045',
    maxAnnualRate: '0.055',
  }),
  // Each of these fails exactly one hard filter.
  product({ productId: 'x-mortgage', guaranteeTypes: ['mortgage', 'pledge'] }),
  product({
    ...BANK_B_FIELDS,
    productId: 'x-lpr-above-ceiling',
    rateKind: 'lpr',
    minAnnualRate: null,
    maxAnnualRate: null,
    lprTenor: '1y',
    minSpreadBp: 250,
    maxSpreadBp: 300,
  }),
  product({
    ...BANK_C_FIELDS,
    productId: 'x-lpr-no-quote',
    rateKind: 'lpr',
    minAnnualRate: null,
    maxAnnualRate: null,
    lprTenor: '5y',
    minSpreadBp: 0,
    maxSpreadBp: 10,
  }),
  product({ productId: 'x-inactive', active: false }),
  product({ productId: 'x-region', eligibleRegions: ['220503'] }),
  product({ productId: 'x-amount', maxAmountFen: yuan(4_999_999) }),
];

const HOUR = 3_600_000;
const RECORDS: BankRecord[] = [
  {
    bankId: BANK_A,
    dispatched: 20,
    disbursed: 10,
    accepted: 15,
    medianMillisecondsToAccept: String(12 * HOUR),
    openMatches: 6,
    activeOfficers: 3,
  },
  {
    bankId: BANK_B,
    dispatched: 10,
    disbursed: 8,
    accepted: 10,
    medianMillisecondsToAccept: String(6 * HOUR),
    openMatches: 10,
    activeOfficers: 2,
  },
];

const EXISTING: ExistingMatch[] = [
  { matchId: 'm-a1', bankId: BANK_A, status: 'declined', dispatchedAt: '2025-06-01T01:00:00.000Z' },
  { matchId: 'm-b1', bankId: BANK_B, status: 'declined', dispatchedAt: '2025-06-01T01:00:00.000Z' },
  {
    matchId: 'm-b2',
    bankId: BANK_B,
    status: 'dispatched',
    dispatchedAt: '2025-06-02T01:00:00.000Z',
  },
  { matchId: 'm-c1', bankId: BANK_C, status: 'recalled', dispatchedAt: '2025-06-03T01:00:00.000Z' },
];

function rank() {
  return rankSuggestions({
    request: REQUEST,
    candidates: CANDIDATES,
    records: RECORDS,
    existingMatches: EXISTING,
    quotes: QUOTES,
  });
}

describe('suggestion score', () => {
  it('has weights that sum to exactly 1', () => {
    const sum = SCORE_PARTS.reduce(
      (total, part) => total.plus(SCORE_WEIGHTS[part]),
      new Decimal(0),
    );
    expect(sum.toFixed()).toBe('1');
  });

  it('ranks the fixed data set in a pinned order with pinned parts', () => {
    const ranked = rank();
    expect(
      ranked.map((suggestion) => ({
        product: suggestion.candidate.productId,
        score: suggestion.score,
        parts: suggestion.parts,
      })),
    ).toEqual([
      {
        product: 'A-specialized',
        score: '0.7946',
        parts: {
          amountFit: '1.0000',
          termFit: '1.0000',
          tagFit: '1.0000',
          // (15 × (1 − 12/72) + 5 × 0.5) / 20
          acceptanceSpeed: '0.7500',
          // (10 + 2.5) / 25
          successShare: '0.5000',
          // 1 / (1 + (6 / 3) / 5)
          load: '0.7143',
        },
      },
      {
        product: 'C-quick',
        score: '0.6500',
        parts: {
          amountFit: '0.7500',
          termFit: '1.0000',
          tagFit: '0.0000',
          acceptanceSpeed: '0.5000',
          successShare: '0.5000',
          load: '1.0000',
        },
      },
      {
        product: 'C-quick-2',
        score: '0.6500',
        parts: {
          amountFit: '0.7500',
          termFit: '1.0000',
          tagFit: '0.0000',
          acceptanceSpeed: '0.5000',
          successShare: '0.5000',
          load: '1.0000',
        },
      },
      {
        product: 'B-working-capital',
        score: '0.4667',
        parts: {
          amountFit: '0.0000',
          termFit: '0.0000',
          tagFit: '1.0000',
          // (10 × (1 − 6/72) + 2.5) / 15
          acceptanceSpeed: '0.7778',
          successShare: '0.7000',
          load: '0.5000',
        },
      },
    ]);
  });

  it('computes every score as the weighted sum of its rounded parts', () => {
    for (const suggestion of rank()) {
      const sum = SCORE_PARTS.reduce(
        (total, part) => total.plus(new Decimal(suggestion.parts[part]).times(SCORE_WEIGHTS[part])),
        new Decimal(0),
      );
      expect(sum.toDecimalPlaces(4).toFixed(4)).toBe(suggestion.score);
    }
  });

  it('prices an LPR product with the LPR in force plus its spread', () => {
    const lpr = rank().find((suggestion) => suggestion.candidate.productId === 'B-working-capital');
    expect(lpr).toMatchObject({ effectiveMinAnnualRate: '0.035', effectiveMaxAnnualRate: '0.045' });
  });

  it('explains each suggestion with stable codes', () => {
    const [first] = rank();
    expect(first.reasons.map((reason) => reason.code)).toEqual([
      'AMOUNT_IN_RANGE',
      'TERM_IN_RANGE',
      'REGION_ELIGIBLE',
      'INDUSTRY_ELIGIBLE',
      'SCALE_ELIGIBLE',
      'GUARANTEE_ACCEPTED',
      'RATE_WITHIN_CEILING',
      'TAG_SPECIALIZED',
      'BANK_RECORD',
      'BANK_ACCEPTANCE_SPEED',
      'BANK_LOAD',
      'EXISTING_MATCH_DECLINED',
    ]);
    expect(first.reasons[0].message).toBe(
      '申请金额 5000000.00 元在产品额度 1000000.00–9000000.00 元之内',
    );
    expect(first.reasons[6].message).toBe('产品最低年利率 4% 不高于企业可接受的 5%');
    expect(first.record).toEqual({
      dispatched: 20,
      disbursed: 10,
      medianHoursToAccept: '12.0',
      openMatches: 6,
      activeOfficers: 3,
    });
  });

  it('marks banks that hold an open or declined match, preferring the open one', () => {
    const byProduct = new Map(
      rank().map((suggestion) => [suggestion.candidate.productId, suggestion.existingMatch]),
    );
    expect(byProduct.get('A-specialized')).toEqual({ matchId: 'm-a1', status: 'declined' });
    expect(byProduct.get('B-working-capital')).toEqual({ matchId: 'm-b2', status: 'dispatched' });
    // A recalled match was the center's doing: the bank is not marked.
    expect(byProduct.get('C-quick')).toBeNull();
  });

  it('prefers the latest of equally telling matches and a disbursed one over a declined one', () => {
    const marked = markedMatches([
      {
        matchId: 'old',
        bankId: BANK_A,
        status: 'accepted',
        dispatchedAt: '2025-01-01T00:00:00.000Z',
      },
      {
        matchId: 'new',
        bankId: BANK_A,
        status: 'approved',
        dispatchedAt: '2025-02-01T00:00:00.000Z',
      },
      {
        matchId: 'no',
        bankId: BANK_B,
        status: 'declined',
        dispatchedAt: '2025-03-01T00:00:00.000Z',
      },
      {
        matchId: 'yes',
        bankId: BANK_B,
        status: 'disbursed',
        dispatchedAt: '2025-01-01T00:00:00.000Z',
      },
      {
        matchId: 'gone',
        bankId: BANK_C,
        status: 'cancelled',
        dispatchedAt: '2025-01-01T00:00:00.000Z',
      },
    ]);
    expect(Object.fromEntries(marked)).toEqual({
      [BANK_A]: { matchId: 'new', status: 'approved' },
      [BANK_B]: { matchId: 'yes', status: 'disbursed' },
    });
  });

  it('drops every product that fails a hard filter, naming the filter', () => {
    const failures = Object.fromEntries(
      CANDIDATES.filter((candidate) => candidate.productId.startsWith('x-')).map((candidate) => {
        const eligibility = checkEligibility(REQUEST, candidate, QUOTES);
        return [candidate.productId, eligibility.eligible ? 'eligible' : eligibility.failed];
      }),
    );
    expect(failures).toEqual({
      'x-mortgage': 'GUARANTEE_NOT_ACCEPTED',
      'x-lpr-above-ceiling': 'RATE_ABOVE_CEILING',
      'x-lpr-no-quote': 'RATE_UNKNOWN',
      'x-inactive': 'PRODUCT_INACTIVE',
      'x-region': 'REGION_NOT_ELIGIBLE',
      'x-amount': 'AMOUNT_OUT_OF_RANGE',
    });
    expect(rank().filter((suggestion) => suggestion.candidate.productId.startsWith('x-'))).toEqual(
      [],
    );
  });

  it('refuses a term, industry or scale outside the product and accepts the bounds', () => {
    const base = product({ productId: 'p', eligibleIndustries: ['industry'] });
    const verdict = (candidate: ProductCandidate, request = REQUEST): string => {
      const eligibility = checkEligibility(request, candidate, QUOTES);
      return eligibility.eligible ? 'eligible' : eligibility.failed;
    };
    expect(verdict({ ...base, maxTermMonths: 11 })).toBe('TERM_OUT_OF_RANGE');
    expect(verdict({ ...base, eligibleIndustries: ['retail'] })).toBe('INDUSTRY_NOT_ELIGIBLE');
    expect(verdict({ ...base, eligibleScales: ['micro'] })).toBe('SCALE_NOT_ELIGIBLE');
    expect(
      verdict({ ...base, minAmountFen: REQUEST.amountFen, maxAmountFen: REQUEST.amountFen }),
    ).toBe('eligible');
    // A fixed minimum exactly at the ceiling is not above it.
    expect(verdict({ ...base, minAnnualRate: '0.05' })).toBe('eligible');
    expect(verdict({ ...base, minAnnualRate: '0.050001' })).toBe('RATE_ABOVE_CEILING');
    // Without a ceiling, an LPR product with no LPR in force is still suggested.
    expect(
      verdict(
        {
          ...base,
          rateKind: 'lpr',
          minAnnualRate: null,
          maxAnnualRate: null,
          lprTenor: '5y',
          minSpreadBp: 0,
          maxSpreadBp: 0,
        },
        { ...REQUEST, rateCeiling: null },
      ),
    ).toBe('eligible');
  });

  it('ranks a bank without history above one with a poor record, and below a strong one', () => {
    const same = { productName: '同款', minAmountFen: yuan(1_000_000) };
    const ranked = rankSuggestions({
      request: { ...REQUEST, enterpriseTags: [] },
      candidates: [
        product({ ...same, productId: 'poor', bankId: BANK_A, bankName: '甲' }),
        product({ ...same, productId: 'new', bankId: BANK_B, bankName: '乙' }),
        product({ ...same, productId: 'strong', bankId: BANK_C, bankName: '丙' }),
      ],
      records: [
        {
          bankId: BANK_A,
          dispatched: 30,
          disbursed: 3,
          accepted: 20,
          medianMillisecondsToAccept: String(60 * HOUR),
          openMatches: 0,
          activeOfficers: 1,
        },
        {
          bankId: BANK_C,
          dispatched: 30,
          disbursed: 24,
          accepted: 30,
          medianMillisecondsToAccept: String(4 * HOUR),
          openMatches: 0,
          activeOfficers: 1,
        },
      ],
      existingMatches: [],
      quotes: QUOTES,
    });
    expect(ranked.map((suggestion) => suggestion.candidate.productId)).toEqual([
      'strong',
      'new',
      'poor',
    ]);
    expect(ranked[1].reasons.map((reason) => reason.code)).toContain('BANK_LITTLE_HISTORY');
  });

  it('pages the ranking after a rank key, whether or not that key is still in the list', () => {
    const input = {
      request: REQUEST,
      candidates: CANDIDATES,
      records: RECORDS,
      existingMatches: EXISTING,
      quotes: QUOTES,
    };
    const whole = rankSuggestions(input);
    expect(whole.length).toBeGreaterThan(2);
    const first = rankSuggestionPage(input, { after: null, limit: 2 });
    expect(first.items.map((item) => item.suggestion)).toEqual(whole.slice(0, 2));
    expect(first.items.map((item) => item.rank)).toEqual([1, 2]);
    expect(first.hasMore).toBe(true);
    const rest = rankSuggestionPage(input, { after: first.items[1].key, limit: 100 });
    expect(rest.items.map((item) => item.suggestion)).toEqual(whole.slice(2));
    expect(rest.items[0].rank).toBe(3);
    expect(rest.hasMore).toBe(false);
    // A key that fell out of the list (a product deactivated meanwhile) still places the page:
    // just after the first item, a product id sorting after its own starts at the second.
    const gone = { ...first.items[0].key, productId: `${first.items[0].key.productId}~` };
    const after = rankSuggestionPage(input, { after: gone, limit: 1 });
    expect(after.items.map((item) => item.rank)).toEqual([2]);
    expect(after.items[0].suggestion).toEqual(whole[1]);
  });

  it('gives the first_loan tag no credit once the enterprise has been funded', () => {
    const firstLoan = product({ productId: 'first', tags: ['first_loan'] });
    const score = (hasLoan: boolean): string =>
      rankSuggestions({
        request: { ...REQUEST, enterpriseTags: [], enterpriseHasLoan: hasLoan },
        candidates: [firstLoan],
        records: [],
        existingMatches: [],
        quotes: QUOTES,
      })[0].parts.tagFit;
    expect(score(false)).toBe('1.0000');
    expect(score(true)).toBe('0.0000');
  });

  it('measures centrality from 1 at the middle to 0 at a bound', () => {
    const at = (value: number): string =>
      centrality(new Decimal(value), new Decimal(10), new Decimal(30)).toFixed();
    expect([at(20), at(15), at(10), at(30), at(25)]).toEqual(['1', '0.5', '0', '0', '0.5']);
    expect(centrality(new Decimal(7), new Decimal(7), new Decimal(7)).toFixed()).toBe('1');
  });

  it('rounds centrality in integers exactly as decimal.js rounds it, ties and bounds included', () => {
    const decimal = (value: bigint, min: bigint, max: bigint): number =>
      centrality(
        new Decimal(value.toString()),
        new Decimal(min.toString()),
        new Decimal(max.toString()),
      )
        .toDecimalPlaces(4)
        .times(10_000)
        .toNumber();
    // Ties at x.xxxx5 (half-up), both bounds, a single-value range, fen amounts of 10^13.
    const cases: [bigint, bigint, bigint][] = [
      [20n, 10n, 30n],
      [11n, 10n, 30n],
      [10n, 10n, 30n],
      [30n, 10n, 30n],
      [7n, 7n, 7n],
      [100_001n, 0n, 400_000n],
      [99_999n, 0n, 400_000n],
      [1n, 0n, 3n],
      [5_000_000_000_000n, 1n, 9_999_999_999_999n],
    ];
    let seed = 42;
    const next = (bound: number): bigint => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return BigInt(seed % bound);
    };
    for (let index = 0; index < 2_000; index += 1) {
      const min = next(1_000_000) * (index % 2 === 0 ? 1n : 1_000_000n);
      const max = min + next(3_000_000) + 1n;
      cases.push([min + ((max - min) * next(1_000)) / 999n, min, max]);
    }
    for (const [value, min, max] of cases) {
      expect({ value, min, max, fit: roundedCentrality(value, min, max) }).toEqual({
        value,
        min,
        max,
        fit: decimal(value, min, max),
      });
    }
  });
});
