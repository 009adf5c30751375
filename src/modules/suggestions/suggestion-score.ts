import { formatFen } from '../../common/money/money.js';
import { Decimal } from '../../common/money/rate.js';
import { effectiveRate, type LprQuote, type ProductRateTerms } from '../products/effective-rate.js';
import type { GuaranteeType, LprTenor, ProductCategory } from '../products/product.entity.js';

/*
 * 推荐对接: which banks and products a financing request should be dispatched to, and why.
 *
 * 1. Hard filters (a product failing one is not suggested at all): the product is active; the
 *    requested amount and term lie within its ranges (bounds included); the enterprise's region,
 *    industry and scale are in its eligible lists (an empty list means "any"); the guarantee the
 *    enterprise offers is among the product's guarantee types (an empty list means "any", the
 *    same rule as the eligibility lists: a product that names no security does not restrict it);
 *    when the request sets a rate ceiling, the product's lowest effective annual rate today (a
 *    fixed product's own minimum, or the LPR in force + its minimum spread) is not above it. An
 *    LPR product whose tenor has no LPR in force has no known rate, so it fails a ceiling.
 *    The SQL narrows the candidates with the same rules; this file is the authority and the one
 *    that explains them.
 *
 * 2. Score = Σ weight × part, every part in [0, 1], the weights summing to 1:
 *    - amountFit 0.20: how centrally the amount sits in the product's range,
 *      1 − |amount − mid| / (half the range); 1 when the range is a single value.
 *    - termFit 0.15: the same for the term in months.
 *    - tagFit 0.10: 1 when at least one product tag speaks to this request — `specialized` for a
 *      专精特新 enterprise, `key50` for a 双50 enterprise, `first_loan` (首贷) for an enterprise
 *      never yet funded through the platform, `credit_loan` (信用贷) for a request offering credit
 *      (no security) — else 0.
 *    - acceptanceSpeed 0.15: the bank's median hours from dispatch to acceptance over the last
 *      180 days, mapped linearly onto 1 (at once) … 0 (72 hours or more), then shrunk towards a
 *      neutral 0.5 as if the bank had 5 more acceptances at that value:
 *      (n × observed + 5 × 0.5) / (n + 5), n = acceptances. A bank without history scores 0.5.
 *    - successShare 0.25: the share of the bank's matches dispatched in the last 180 days that
 *      reached `disbursed`, with the same neutral prior: (disbursed + 5 × 0.5) / (dispatched + 5).
 *      So a new bank is ranked as average, not last, and one lucky match does not make a bank
 *      best.
 *    - load 0.15: open matches (dispatched, accepted, approved) per active officer (the bank's
 *      active officers and president, at least 1): 1 / (1 + perOfficer / 5), so an idle bank
 *      scores 1 and 5 open cases per officer halve the part.
 *    Each part is rounded half-up to 4 places and the score is computed from the rounded parts
 *    (so a reader can check it), then rounded to 4 places. Ranking: score descending, then bank
 *    name, product name and product id, so equal scores always come out in the same order.
 *
 * 3. A bank that already holds a match for the request is marked, not hidden: an open one
 *    (dispatched, accepted, approved) first, else a disbursed one, else a declined one — the
 *    center should see that it would be asking again. Recalled and cancelled matches were the
 *    center's or the enterprise's doing and are not marked.
 */

export const SCORE_WEIGHTS = {
  amountFit: '0.20',
  termFit: '0.15',
  tagFit: '0.10',
  acceptanceSpeed: '0.15',
  successShare: '0.25',
  load: '0.15',
} as const;
export type ScorePart = keyof typeof SCORE_WEIGHTS;
export const SCORE_PARTS = Object.keys(SCORE_WEIGHTS) as ScorePart[];

/** The look-back window of a bank's record. */
export const RECORD_WINDOW_DAYS = 180;
/** Median hours to accept at which acceptanceSpeed reaches 0. */
export const SPEED_HORIZON_HOURS = 72;
/** The neutral value a bank with little history is pulled towards, and how hard. */
export const NEUTRAL_PRIOR = '0.5';
export const PRIOR_WEIGHT = 5;
/** Open matches per officer at which the load part is one half. */
export const LOAD_HALF_POINT = 5;

const SCORE_PLACES = 4;
const MILLISECONDS_PER_HOUR = 3_600_000;

/** Match states that mark a bank in the suggestions, most telling first. */
const MARKED_STATUSES = ['dispatched', 'accepted', 'approved', 'disbursed', 'declined'] as const;
export type MarkedStatus = (typeof MARKED_STATUSES)[number];

const STATUS_LABELS: Record<MarkedStatus, string> = {
  dispatched: '已推送待受理',
  accepted: '已受理',
  approved: '已授信',
  disbursed: '已放款',
  declined: '已拒绝',
};

const GUARANTEE_LABELS: Record<GuaranteeType, string> = {
  credit: '信用',
  mortgage: '抵押',
  pledge: '质押',
  guarantee: '保证',
};

export interface SuggestionRequest {
  amountFen: bigint;
  termMonths: number;
  guaranteeOffered: GuaranteeType;
  /** Decimal string (NUMERIC), or null for no ceiling. */
  rateCeiling: string | null;
  regionCode: string;
  industry: string;
  scale: string;
  enterpriseTags: readonly string[];
  /** The enterprise already has a disbursed match through the platform (so no longer 首贷). */
  enterpriseHasLoan: boolean;
}

export interface ProductCandidate extends ProductRateTerms {
  productId: string;
  productName: string;
  category: ProductCategory;
  bankId: string;
  bankName: string;
  active: boolean;
  minAmountFen: bigint;
  maxAmountFen: bigint;
  minTermMonths: number;
  maxTermMonths: number;
  eligibleRegions: readonly string[];
  eligibleIndustries: readonly string[];
  eligibleScales: readonly string[];
  guaranteeTypes: readonly string[];
  tags: readonly string[];
}

/** A bank's record over the last {@link RECORD_WINDOW_DAYS} days, and its load now. */
export interface BankRecord {
  bankId: string;
  dispatched: number;
  disbursed: number;
  accepted: number;
  /** Median milliseconds dispatch → accept as a decimal string; null without acceptances. */
  medianMillisecondsToAccept: string | null;
  openMatches: number;
  activeOfficers: number;
}

export interface ExistingMatch {
  matchId: string;
  bankId: string;
  status: string;
  /** ISO instant; the latest match wins among equally telling ones. */
  dispatchedAt: string;
}

export interface Reason {
  /** Stable machine code. */
  code: string;
  /** 中文说明 for the center and the enterprise. */
  message: string;
}

export interface ScoredSuggestion {
  candidate: ProductCandidate;
  effectiveMinAnnualRate: string | null;
  effectiveMaxAnnualRate: string | null;
  score: string;
  parts: Record<ScorePart, string>;
  reasons: Reason[];
  existingMatch: { matchId: string; status: MarkedStatus } | null;
  record: {
    dispatched: number;
    disbursed: number;
    medianHoursToAccept: string | null;
    openMatches: number;
    activeOfficers: number;
  };
}

type Eligibility =
  | { eligible: true; reasons: Reason[]; minRate: string | null; maxRate: string | null }
  | { eligible: false; failed: string };

function yuan(fen: bigint): string {
  return `${formatFen(fen)} 元`;
}

function percent(rate: string): string {
  return `${new Decimal(rate).times(100).toFixed()}%`;
}

/** The reason a passed list filter gives: an empty list restricts nothing. */
function eligibleBy(list: readonly string[], code: string, any: string, listed: string): Reason {
  return { code, message: list.length === 0 ? any : listed };
}

/** A product's effective rate today with what its reasons say about it, computed once per terms. */
interface RateReasons {
  minAnnualRate: string | null;
  maxAnnualRate: string | null;
  min: Decimal | null;
  minPercent: string | null;
  range: string | null;
}

function rateReasons(
  terms: ProductRateTerms,
  quotes: ReadonlyMap<LprTenor, LprQuote>,
): RateReasons {
  const rate = effectiveRate(terms, quotes);
  const { minAnnualRate, maxAnnualRate } = rate;
  return {
    minAnnualRate,
    maxAnnualRate,
    min: minAnnualRate === null ? null : new Decimal(minAnnualRate),
    minPercent: minAnnualRate === null ? null : percent(minAnnualRate),
    range:
      minAnnualRate === null || maxAnnualRate === null
        ? null
        : `产品年利率 ${percent(minAnnualRate)}–${percent(maxAnnualRate)}`,
  };
}

/** `compute` once per key: many candidates share a bank, a range or rate terms. */
function memo<V>(compute: (key: string) => V): (key: string) => V {
  const values = new Map<string, V>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined) {
      value = compute(key);
      values.set(key, value);
    }
    return value;
  };
}

/** The first hard filter the product fails, or null; no text is built (every candidate runs it). */
function failedFilter(
  request: SuggestionRequest,
  product: ProductCandidate,
  rate: RateReasons,
): string | null {
  if (!product.active) {
    return 'PRODUCT_INACTIVE';
  }
  if (request.amountFen < product.minAmountFen || request.amountFen > product.maxAmountFen) {
    return 'AMOUNT_OUT_OF_RANGE';
  }
  if (request.termMonths < product.minTermMonths || request.termMonths > product.maxTermMonths) {
    return 'TERM_OUT_OF_RANGE';
  }
  const lists: [readonly string[], string, string][] = [
    [product.eligibleRegions, request.regionCode, 'REGION_NOT_ELIGIBLE'],
    [product.eligibleIndustries, request.industry, 'INDUSTRY_NOT_ELIGIBLE'],
    [product.eligibleScales, request.scale, 'SCALE_NOT_ELIGIBLE'],
    [product.guaranteeTypes, request.guaranteeOffered, 'GUARANTEE_NOT_ACCEPTED'],
  ];
  for (const [list, value, failed] of lists) {
    if (list.length > 0 && !list.includes(value)) {
      return failed;
    }
  }
  if (request.rateCeiling !== null) {
    if (rate.minAnnualRate === null) {
      return 'RATE_UNKNOWN';
    }
    if (rate.min === null || rate.min.gt(new Decimal(request.rateCeiling))) {
      return 'RATE_ABOVE_CEILING';
    }
  }
  return null;
}

/** The hard filters, with the reason each one passed. */
export function checkEligibility(
  request: SuggestionRequest,
  product: ProductCandidate,
  quotes: ReadonlyMap<LprTenor, LprQuote>,
  rateOf: (terms: ProductRateTerms) => RateReasons = (terms) => rateReasons(terms, quotes),
): Eligibility {
  const rate = rateOf(product);
  const failed = failedFilter(request, product, rate);
  if (failed !== null) {
    return { eligible: false, failed };
  }
  const reasons: Reason[] = [
    {
      code: 'AMOUNT_IN_RANGE',
      message: `申请金额 ${yuan(request.amountFen)}在产品额度 ${formatFen(product.minAmountFen)}–${yuan(product.maxAmountFen)}之内`,
    },
    {
      code: 'TERM_IN_RANGE',
      message: `申请期限 ${request.termMonths} 个月在产品期限 ${product.minTermMonths}–${product.maxTermMonths} 个月之内`,
    },
  ];
  const region = eligibleBy(
    product.eligibleRegions,
    'REGION_ELIGIBLE',
    '产品不限地区',
    '企业所在地区在产品适用范围内',
  );
  const industry = eligibleBy(
    product.eligibleIndustries,
    'INDUSTRY_ELIGIBLE',
    '产品不限行业',
    '企业所属行业在产品适用范围内',
  );
  const scale = eligibleBy(
    product.eligibleScales,
    'SCALE_ELIGIBLE',
    '产品不限企业规模',
    '企业规模在产品适用范围内',
  );
  const guarantee = eligibleBy(
    product.guaranteeTypes,
    'GUARANTEE_ACCEPTED',
    '产品未限定担保方式',
    `产品接受${GUARANTEE_LABELS[request.guaranteeOffered]}担保方式`,
  );
  reasons.push(region, industry, scale, guarantee);

  if (request.rateCeiling !== null) {
    reasons.push({
      code: 'RATE_WITHIN_CEILING',
      message: `产品最低年利率 ${rate.minPercent} 不高于企业可接受的 ${percent(request.rateCeiling)}`,
    });
  } else if (rate.range !== null) {
    reasons.push({ code: 'RATE_RANGE', message: rate.range });
  }
  return {
    eligible: true,
    reasons,
    minRate: rate.minAnnualRate,
    maxRate: rate.maxAnnualRate,
  };
}

function clampUnit(value: Decimal): Decimal {
  return Decimal.max(0, Decimal.min(1, value));
}

/** 1 at the middle of [min, max], 0 at either bound; 1 for a single-value range. */
export function centrality(value: Decimal, min: Decimal, max: Decimal): Decimal {
  if (min.eq(max)) {
    return new Decimal(1);
  }
  const middle = min.plus(max).div(2);
  const half = max.minus(min).div(2);
  return clampUnit(new Decimal(1).minus(value.minus(middle).abs().div(half)));
}

const PLACES_SCALE = 10 ** SCORE_PLACES;

/**
 * centrality rounded half-up to 4 places, in ten-thousandths, in integers: 1 − |2v − min − max|
 * / (max − min) is a ratio of integers, whose distance to a rounding tie is either 0 or at least
 * 1 / (20 000 × (max − min)), far above decimal.js's 40 digits, so both round alike.
 */
export function roundedCentrality(value: bigint, min: bigint, max: bigint): number {
  if (min === max) {
    return PLACES_SCALE;
  }
  const span = max - min;
  const offset = 2n * value - min - max;
  const distance = offset < 0n ? -offset : offset;
  if (distance >= span) {
    return 0;
  }
  const scale = BigInt(PLACES_SCALE);
  return Number(((span - distance) * scale * 2n + span) / (2n * span));
}

/** Ten-thousandths as the 4-place decimal string the API shows ("0.7325"). */
function fourPlaces(tenThousandths: number): string {
  const whole = Math.trunc(tenThousandths / PLACES_SCALE);
  return `${whole}.${String(tenThousandths % PLACES_SCALE).padStart(SCORE_PLACES, '0')}`;
}

/** Each weight in hundredths (every weight has two decimals). */
const WEIGHT_HUNDREDTHS = Object.fromEntries(
  Object.entries(SCORE_WEIGHTS).map(([part, weight]) => [
    part,
    new Decimal(weight).times(100).toNumber(),
  ]),
) as Record<ScorePart, number>;

/** (n × observed + k × prior) / (n + k): a few observations move the part only a little. */
function withPrior(observed: Decimal, observations: number): Decimal {
  return observed
    .times(observations)
    .plus(new Decimal(NEUTRAL_PRIOR).times(PRIOR_WEIGHT))
    .div(observations + PRIOR_WEIGHT);
}

/** The product tags that speak to a request, in the order their reasons are listed. */
const TAG_RULES: readonly {
  tag: string;
  applies: (request: SuggestionRequest) => boolean;
  reason: Reason;
}[] = [
  {
    tag: 'specialized',
    applies: (request) => request.enterpriseTags.includes('specialized'),
    reason: { code: 'TAG_SPECIALIZED', message: '专精特新企业，匹配专精特新专属产品' },
  },
  {
    tag: 'key50',
    applies: (request) => request.enterpriseTags.includes('key50'),
    reason: { code: 'TAG_KEY50', message: '“双50”重点企业，匹配重点企业专属产品' },
  },
  {
    tag: 'first_loan',
    applies: (request) => !request.enterpriseHasLoan,
    reason: { code: 'TAG_FIRST_LOAN', message: '企业尚无放款记录，适用首贷产品' },
  },
  {
    tag: 'credit_loan',
    applies: (request) => request.guaranteeOffered === 'credit',
    reason: { code: 'TAG_CREDIT_LOAN', message: '企业以信用方式申请，适用信用贷产品' },
  },
];

function tagReasons(request: SuggestionRequest, product: ProductCandidate): Reason[] {
  return TAG_RULES.filter((rule) => product.tags.includes(rule.tag) && rule.applies(request)).map(
    (rule) => ({ ...rule.reason }),
  );
}

const EMPTY_RECORD = (bankId: string): BankRecord => ({
  bankId,
  dispatched: 0,
  disbursed: 0,
  accepted: 0,
  medianMillisecondsToAccept: null,
  openMatches: 0,
  activeOfficers: 0,
});

function recordParts(record: BankRecord): {
  acceptanceSpeed: Decimal;
  successShare: Decimal;
  load: Decimal;
  medianHours: Decimal | null;
  reasons: Reason[];
} {
  const reasons: Reason[] = [];
  const medianHours =
    record.medianMillisecondsToAccept === null
      ? null
      : new Decimal(record.medianMillisecondsToAccept).div(MILLISECONDS_PER_HOUR);
  const observedSpeed =
    medianHours === null
      ? new Decimal(NEUTRAL_PRIOR)
      : clampUnit(new Decimal(1).minus(medianHours.div(SPEED_HORIZON_HOURS)));
  const acceptanceSpeed = withPrior(observedSpeed, medianHours === null ? 0 : record.accepted);
  const observedShare =
    record.dispatched === 0
      ? new Decimal(NEUTRAL_PRIOR)
      : new Decimal(record.disbursed).div(record.dispatched);
  const successShare = withPrior(observedShare, record.dispatched);
  const officers = Math.max(record.activeOfficers, 1);
  const perOfficer = new Decimal(record.openMatches).div(officers);
  const load = new Decimal(1).div(new Decimal(1).plus(perOfficer.div(LOAD_HALF_POINT)));

  if (record.dispatched < PRIOR_WEIGHT) {
    reasons.push({
      code: 'BANK_LITTLE_HISTORY',
      message: `该行近${RECORD_WINDOW_DAYS}天对接 ${record.dispatched} 笔，记录较少，按中性水平评估`,
    });
  } else {
    reasons.push({
      code: 'BANK_RECORD',
      message: `该行近${RECORD_WINDOW_DAYS}天对接 ${record.dispatched} 笔，放款 ${record.disbursed} 笔`,
    });
  }
  if (medianHours !== null) {
    reasons.push({
      code: 'BANK_ACCEPTANCE_SPEED',
      message: `受理时长中位数 ${medianHours.toFixed(1)} 小时`,
    });
  }
  reasons.push({
    code: 'BANK_LOAD',
    message: `在办对接 ${record.openMatches} 笔，可办理人员 ${officers} 人`,
  });
  return { acceptanceSpeed, successShare, load, medianHours, reasons };
}

/** Lower is more telling: an open match, then a disbursed one, then a declined one. */
const MARK_PRIORITY: Readonly<Record<MarkedStatus, number>> = {
  dispatched: 0,
  accepted: 0,
  approved: 0,
  disbursed: 1,
  declined: 2,
};

function isMarked(status: string): status is MarkedStatus {
  return (MARKED_STATUSES as readonly string[]).includes(status);
}

/** The most telling existing match of each bank; the latest among equally telling ones. */
export function markedMatches(
  matches: readonly ExistingMatch[],
): Map<string, { matchId: string; status: MarkedStatus }> {
  const best = new Map<string, { matchId: string; status: MarkedStatus; dispatchedAt: string }>();
  for (const match of matches) {
    const status = match.status;
    if (!isMarked(status)) {
      continue;
    }
    const current = best.get(match.bankId);
    if (
      current === undefined ||
      MARK_PRIORITY[status] < MARK_PRIORITY[current.status] ||
      (MARK_PRIORITY[status] === MARK_PRIORITY[current.status] &&
        match.dispatchedAt > current.dispatchedAt)
    ) {
      best.set(match.bankId, { matchId: match.matchId, status, dispatchedAt: match.dispatchedAt });
    }
  }
  return new Map(
    [...best].map(([bankId, match]) => [bankId, { matchId: match.matchId, status: match.status }]),
  );
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A suggestion's place in the ranking: score (ten-thousandths) descending, then the names and id. */
export interface RankKey {
  score: number;
  bankName: string;
  productName: string;
  productId: string;
}

function compareRank(left: RankKey, right: RankKey): number {
  return (
    right.score - left.score ||
    compareText(left.bankName, right.bankName) ||
    compareText(left.productName, right.productName) ||
    compareText(left.productId, right.productId)
  );
}

export interface RankingInput {
  request: SuggestionRequest;
  candidates: readonly ProductCandidate[];
  records: readonly BankRecord[];
  existingMatches: readonly ExistingMatch[];
  quotes: ReadonlyMap<LprTenor, LprQuote>;
}

export interface RankedPage {
  /** The page, best first, each with its rank in the whole ranking (1 = best). */
  items: { rank: number; key: RankKey; suggestion: ScoredSuggestion }[];
  /** More suggestions rank after the page's last one. */
  hasMore: boolean;
}

/**
 * Filters the candidates and ranks the rest (see the top of this file), then explains one page:
 * the `limit` suggestions ranked right after `after` (from the best when null). Every candidate
 * is filtered and scored in integers; reasons and rates are written out only for the page, since
 * writing them for a thousand candidates cost more than ranking them. Pure: everything it needs
 * comes in as plain values.
 */
export function rankSuggestionPage(
  input: RankingInput,
  page: { after: RankKey | null; limit: number },
): RankedPage {
  const { request, quotes } = input;
  const records = new Map(input.records.map((record) => [record.bankId, record]));
  const marked = markedMatches(input.existingMatches);
  // A thousand candidates share twenty banks and a few rate terms: each is worked out once.
  // The parts are then summed in integers (ten-thousandths × hundredths), exact as decimal.js
  // would be, because decimal.js per candidate was most of the route's time.
  const candidatesByKey = new Map<string, ProductCandidate>();
  const rateOf = memo((key) => rateReasons(candidatesByKey.get(key) as ProductCandidate, quotes));
  const bankOf = memo((bankId) => recordParts(records.get(bankId) ?? EMPTY_RECORD(bankId)));
  const tenThousandths = (value: Decimal): number =>
    value.toDecimalPlaces(SCORE_PLACES).times(PLACES_SCALE).toNumber();
  const bankPartsOf = memo((bankId) => {
    const bank = bankOf(bankId);
    return {
      acceptanceSpeed: tenThousandths(bank.acceptanceSpeed),
      successShare: tenThousandths(bank.successShare),
      load: tenThousandths(bank.load),
    };
  });
  const term = BigInt(request.termMonths);
  // Which tags fit depends on the request alone, so each candidate only looks its tags up.
  const fittingTags = TAG_RULES.filter((rule) => rule.applies(request)).map((rule) => rule.tag);
  const partsOf = (candidate: ProductCandidate): Record<ScorePart, number> => ({
    amountFit: roundedCentrality(request.amountFen, candidate.minAmountFen, candidate.maxAmountFen),
    termFit: roundedCentrality(
      term,
      BigInt(candidate.minTermMonths),
      BigInt(candidate.maxTermMonths),
    ),
    tagFit: candidate.tags.some((tag) => fittingTags.includes(tag)) ? PLACES_SCALE : 0,
    ...bankPartsOf(candidate.bankId),
  });
  const scoreOf = (parts: Record<ScorePart, number>): number => {
    const millionths = SCORE_PARTS.reduce(
      (sum, part) => sum + parts[part] * WEIGHT_HUNDREDTHS[part],
      0,
    );
    // Half-up to 4 places: the sum is at most 10^6, so every step is an exact integer.
    return Math.floor((millionths + 50) / 100);
  };
  const rateKeyOf = (candidate: ProductCandidate): string => {
    const key = [
      candidate.rateKind,
      candidate.minAnnualRate,
      candidate.maxAnnualRate,
      candidate.lprTenor,
      candidate.minSpreadBp,
      candidate.maxSpreadBp,
    ].join('|');
    if (!candidatesByKey.has(key)) {
      candidatesByKey.set(key, candidate);
    }
    return key;
  };

  const ranked: { key: RankKey; candidate: ProductCandidate; rateKey: string }[] = [];
  for (const candidate of input.candidates) {
    const rateKey = rateKeyOf(candidate);
    if (failedFilter(request, candidate, rateOf(rateKey)) !== null) {
      continue;
    }
    ranked.push({
      candidate,
      rateKey,
      key: {
        score: scoreOf(partsOf(candidate)),
        bankName: candidate.bankName,
        productName: candidate.productName,
        productId: candidate.productId,
      },
    });
  }
  ranked.sort((left, right) => compareRank(left.key, right.key));

  const after = page.after;
  const start =
    after === null ? 0 : firstIndex(ranked, (entry) => compareRank(entry.key, after) > 0);
  const items = ranked.slice(start, start + page.limit).map((entry, index) => {
    const { candidate, key } = entry;
    const eligibility = checkEligibility(request, candidate, quotes, () => rateOf(entry.rateKey));
    if (!eligibility.eligible) {
      throw new Error(`Ranked candidate ${candidate.productId} failed ${eligibility.failed}`);
    }
    const record = records.get(candidate.bankId) ?? EMPTY_RECORD(candidate.bankId);
    const bank = bankOf(candidate.bankId);
    const parts = partsOf(candidate);
    const existing = marked.get(candidate.bankId) ?? null;
    const reasons = [...eligibility.reasons, ...tagReasons(request, candidate), ...bank.reasons];
    if (existing !== null) {
      reasons.push({
        code: existing.status === 'declined' ? 'EXISTING_MATCH_DECLINED' : 'EXISTING_MATCH',
        message: `该行已有本需求的对接（${STATUS_LABELS[existing.status]}）`,
      });
    }
    const suggestion: ScoredSuggestion = {
      candidate,
      effectiveMinAnnualRate: eligibility.minRate,
      effectiveMaxAnnualRate: eligibility.maxRate,
      score: fourPlaces(key.score),
      parts: Object.fromEntries(
        SCORE_PARTS.map((part) => [part, fourPlaces(parts[part])]),
      ) as Record<ScorePart, string>,
      reasons,
      existingMatch: existing,
      record: {
        dispatched: record.dispatched,
        disbursed: record.disbursed,
        medianHoursToAccept: bank.medianHours === null ? null : bank.medianHours.toFixed(1),
        openMatches: record.openMatches,
        activeOfficers: record.activeOfficers,
      },
    };
    return { rank: start + index + 1, key, suggestion };
  });
  return { items, hasMore: start + page.limit < ranked.length };
}

/** The first index whose entry satisfies `isAfter`, in a list where those form a suffix. */
function firstIndex<T>(list: readonly T[], isAfter: (entry: T) => boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAfter(list[middle])) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

/** The whole ranking, explained (one page as long as the candidate list). */
export function rankSuggestions(input: RankingInput): ScoredSuggestion[] {
  return rankSuggestionPage(input, {
    after: null,
    limit: Math.max(input.candidates.length, 1),
  }).items.map((item) => item.suggestion);
}

/** A rank key's score as the 4-place string the API shows, and back (null if not one). */
export function scoreText(key: RankKey): string {
  return fourPlaces(key.score);
}

export function parseScore(text: string): number | null {
  return /^[01]\.\d{4}$/.test(text) ? Number(text.replace('.', '')) : null;
}
