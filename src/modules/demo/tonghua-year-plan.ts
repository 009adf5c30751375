import { chargeForUse, type FeeTerms } from '../turnover-fund/fees.js';

/*
 * A year of Tonghua's activity, planned so that the city dashboard over it shows the figures of
 * the city's report (DOMAIN.md §1) to the fen. This file only plans: who borrows what on which
 * day. The replay (tonghua-year.service.ts) enters every step through the application's own
 * services, and the dashboard computes the figures from what they recorded.
 *
 * Amounts are split from each target total exactly (integer units, the remainder handed out unit
 * by unit), so the totals hold whatever the seed. The turnover fund's savings are not entered
 * but computed by the fund at repayment from the principal and the days used; the plan picks
 * 7 or 8 days per use and then moves a few fen of principal between two uses, using the fund's
 * own fee arithmetic (fees.ts), until the savings the fund will compute add up to the target.
 */

const WAN = 1_000_000n; // 万元 in fen
const YI = 10_000_000_000n; // 亿元 in fen

export interface YearTargets {
  projects: {
    count: number;
    newCount: number;
    started: number;
    totalInvestmentFen: bigint;
    plannedInvestmentFen: bigint;
  };
  /** 项目中心+行长制: one request per enterprise pushed; the funded ones disbursed. */
  matchmaking: { pushed: number; funded: number; demandFen: bigint; disbursedFen: bigint };
  /** 双50 enterprises served by commissioners: some funded, the others approved only. */
  commissioners: { enterprises: number; funded: number; approvedFen: bigint; disbursedFen: bigint };
  /** 吉企银通: small enterprises filing themselves, all funded (part of matchmaking). */
  online: { count: number; amountFen: bigint };
  turnover: { uses: number; turnoverFen: bigint; savingsFen: bigint };
  guarantees: { count: number; principalFen: bigint; annualFeeRate: string };
  event: { intents: number; amountFen: bigint };
}

/** The report's figures (DOMAIN.md §1) and the structure behind them. */
export const TONGHUA_YEAR: YearTargets = {
  projects: {
    count: 220,
    newCount: 93,
    started: 217,
    totalInvestmentFen: 1027n * YI,
    plannedInvestmentFen: 2166n * YI / 10n,
  },
  matchmaking: { pushed: 3210, funded: 2161, demandFen: 1764n * YI / 10n, disbursedFen: 1545n * YI / 10n },
  commissioners: { enterprises: 100, funded: 60, approvedFen: 3162n * YI / 100n, disbursedFen: 1764n * YI / 100n },
  online: { count: 150, amountFen: 175n * YI / 100n },
  turnover: { uses: 1524, turnoverFen: 18511n * YI / 100n, savingsFen: 533n * YI / 100n },
  guarantees: { count: 12, principalFen: 1800n * WAN, annualFeeRate: '0.007' },
  event: { intents: 10, amountFen: 1500n * WAN },
}; // prettier-ignore

/**
 * The targets divided by `divisor`: counts rounded half-up (kept consistent: new ≤ count,
 * started ≤ count), money divided exactly (refused when it does not divide to the 万元).
 */
export function scaleTargets(targets: YearTargets, divisor: number): YearTargets {
  const count = (value: number): number => Math.max(1, Math.round(value / divisor));
  const money = (fen: bigint): bigint => {
    const unit = WAN * BigInt(divisor);
    if (fen % unit !== 0n) {
      throw new RangeError(`${fen} fen does not divide by ${divisor} to whole 万元`);
    }
    return fen / BigInt(divisor);
  };
  const projects = count(targets.projects.count);
  return {
    projects: {
      count: projects,
      newCount: Math.min(projects, count(targets.projects.newCount)),
      started: Math.min(projects, count(targets.projects.started)),
      totalInvestmentFen: money(targets.projects.totalInvestmentFen),
      plannedInvestmentFen: money(targets.projects.plannedInvestmentFen),
    },
    matchmaking: {
      pushed: count(targets.matchmaking.pushed),
      funded: count(targets.matchmaking.funded),
      demandFen: money(targets.matchmaking.demandFen),
      disbursedFen: money(targets.matchmaking.disbursedFen),
    },
    commissioners: {
      enterprises: count(targets.commissioners.enterprises),
      funded: count(targets.commissioners.funded),
      approvedFen: money(targets.commissioners.approvedFen),
      disbursedFen: money(targets.commissioners.disbursedFen),
    },
    online: { count: count(targets.online.count), amountFen: money(targets.online.amountFen) },
    turnover: {
      uses: count(targets.turnover.uses),
      turnoverFen: money(targets.turnover.turnoverFen),
      savingsFen: money(targets.turnover.savingsFen),
    },
    guarantees: {
      count: count(targets.guarantees.count),
      principalFen: money(targets.guarantees.principalFen),
      annualFeeRate: targets.guarantees.annualFeeRate,
    },
    event: { intents: count(targets.event.intents), amountFen: money(targets.event.amountFen) },
  };
}

/** The demo turnover fund's terms (DOMAIN.md §2, Tonghua defaults), as the fund is created. */
export const DEMO_TURNOVER_FUND = {
  name: '通化市应急周转基金（年度回放）',
  tierDays: 5,
  tier1DailyRate: '0.0002',
  tier2DailyRate: '0.0004',
  overdueDailyRate: '0.0008',
  dayCount: 'calendar' as const,
  maxDays: 15,
  perUseCap: '20000000.00',
  benchmarkDailyRate: '0.004',
};
const PER_USE_CAP_FEN = 20_000_000n * 100n;
const FEE_TERMS: FeeTerms = { ...DEMO_TURNOVER_FUND, minFeeFen: null };

/** The days a use is granted and used: the fee and savings depend on them. */
const SHORT_USE_DAYS = 7;
const LONG_USE_DAYS = 8;
export const DAYS_IN_YEAR = 365;

export type EnterpriseRole = 'key50' | 'online' | 'regular';

export interface PlannedEnterprise {
  index: number;
  role: EnterpriseRole;
  /** Needs a sign-in of its own: it files online or applies to the turnover fund. */
  needsUser: boolean;
  specialized: boolean;
}

export interface PlannedProject {
  ownerIndex: number;
  kind: 'new' | 'continuing';
  started: boolean;
  totalInvestmentFen: bigint;
  plannedInvestmentFen: bigint;
}

/** One financing request of one enterprise, pushed to one bank on `day`. */
export interface PlannedRequest {
  enterpriseIndex: number;
  day: number;
  bankIndex: number;
  amountFen: bigint;
  /** declined; approved only; or approved and disbursed in full. */
  outcome: 'declined' | 'approved' | 'disbursed';
  /** Filed by the enterprise itself (online), else by the center on its behalf. */
  selfFiled: boolean;
}

export interface PlannedUse {
  enterpriseIndex: number;
  bankIndex: number;
  /** Day of the application and disbursement; repaid `days` days later. */
  day: number;
  days: number;
  principalFen: bigint;
}

export interface PlannedGuarantee {
  enterpriseIndex: number;
  bankIndex: number;
  day: number;
  principalFen: bigint;
}

export interface PlannedIntent {
  enterpriseIndex: number;
  bankIndex: number;
  amountFen: bigint;
}

export interface YearPlan {
  targets: YearTargets;
  enterprises: PlannedEnterprise[];
  projects: PlannedProject[];
  requests: PlannedRequest[];
  uses: PlannedUse[];
  guarantees: PlannedGuarantee[];
  event: { day: number; intents: PlannedIntent[] };
  /** What the fund will compute as savings, summed (equals targets.turnover.savingsFen). */
  plannedSavingsFen: bigint;
}

/** mulberry32: a small, fixed-seed generator (demo choices only, never money arithmetic). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `total` split into `count` amounts, each a whole number of `unit` within [min, max], summing
 * to `total` exactly: every part starts at `min`, the rest is shared out by random weights
 * (rounded down, so never too much), and what rounding left is handed out a unit at a time.
 */
export function splitExactly(
  total: bigint,
  count: number,
  next: () => number,
  bounds: { unit: bigint; min: bigint; max: bigint },
): bigint[] {
  const { unit, min, max } = bounds;
  if (count === 0) {
    if (total !== 0n) {
      throw new RangeError(`cannot split ${total} into no parts`);
    }
    return [];
  }
  if (total % unit !== 0n || min % unit !== 0n || max % unit !== 0n) {
    throw new RangeError(`${total}, ${min} and ${max} must be whole multiples of ${unit}`);
  }
  const n = BigInt(count);
  if (total < min * n || total > max * n) {
    throw new RangeError(`${total} cannot be split into ${count} parts within [${min}, ${max}]`);
  }
  const room = (max - min) / unit;
  let rest = (total - min * n) / unit;
  const weights = Array.from({ length: count }, () => 0.2 + next() * 1.6);
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const restAtStart = Number(rest);
  const extra = weights.map((weight) => {
    const share = BigInt(Math.floor((restAtStart * weight) / weightSum));
    return share < room ? share : room;
  });
  rest -= extra.reduce((sum, value) => sum + value, 0n);
  // What rounding left: a round-robin over the parts with room, in a random order.
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [order[index], order[other]] = [order[other], order[index]];
  }
  while (rest > 0n) {
    let gave = false;
    for (const index of order) {
      if (rest === 0n) {
        break;
      }
      if (extra[index] < room) {
        const step =
          (rest + n - 1n) / n < room - extra[index] ? (rest + n - 1n) / n : room - extra[index];
        extra[index] += step;
        rest -= step;
        gave = true;
      }
    }
    if (!gave) {
      throw new RangeError('no part has room left');
    }
  }
  return extra.map((value) => min + value * unit);
}

function savingsOf(principalFen: bigint, days: number): bigint {
  return chargeForUse(principalFen, days, FEE_TERMS, days).savingsFen;
}

/**
 * Days for each use (7 or 8) and the principals, adjusted so that the savings the fund computes
 * at repayment sum to `savingsFen` exactly: every use starts at 7 days; the largest uses move
 * to 8 days while the savings still fall short; then fen of principal move from a 7-day use to
 * an 8-day one (the total principal unchanged) until the sum is exact.
 */
function fitSavings(
  principals: bigint[],
  savingsFen: bigint,
): { days: number[]; principals: bigint[] } {
  const days = principals.map(() => SHORT_USE_DAYS);
  const amounts = [...principals];
  let short =
    savingsFen - amounts.reduce((sum, amount) => sum + savingsOf(amount, SHORT_USE_DAYS), 0n);
  if (short < 0n) {
    throw new RangeError('the savings target is below what 7-day uses save');
  }
  const bySize = amounts
    .map((_, index) => index)
    .sort((left, right) =>
      amounts[right] > amounts[left] ? 1 : amounts[right] < amounts[left] ? -1 : 0,
    );
  for (const index of bySize) {
    const gain =
      savingsOf(amounts[index], LONG_USE_DAYS) - savingsOf(amounts[index], SHORT_USE_DAYS);
    if (gain <= short) {
      days[index] = LONG_USE_DAYS;
      short -= gain;
    }
  }
  if (short === 0n) {
    return { days, principals: amounts };
  }
  // Moving k fen from a 7-day use to an 8-day use gains about k × 0.0036 fen.
  const shortUses = bySize.filter((index) => days[index] === SHORT_USE_DAYS);
  const longUses = bySize.filter((index) => days[index] === LONG_USE_DAYS).reverse();
  for (const from of shortUses) {
    for (const to of longUses) {
      const pair = savingsOf(amounts[from], SHORT_USE_DAYS) + savingsOf(amounts[to], LONG_USE_DAYS);
      const guess = (short * 10_000n) / 36n;
      for (let offset = 0n; offset <= 20_000n; offset += 1n) {
        for (const k of offset === 0n ? [guess] : [guess + offset, guess - offset]) {
          const fromAmount = amounts[from] - k;
          const toAmount = amounts[to] + k;
          if (k <= 0n || fromAmount < WAN || toAmount > PER_USE_CAP_FEN) {
            continue;
          }
          const moved = savingsOf(fromAmount, SHORT_USE_DAYS) + savingsOf(toAmount, LONG_USE_DAYS);
          if (moved - pair === short) {
            amounts[from] = fromAmount;
            amounts[to] = toAmount;
            return { days, principals: amounts };
          }
        }
      }
    }
  }
  throw new RangeError('no principal shift makes the savings exact');
}

/** Plans the year for `targets` with `seed`; the same inputs always give the same plan. */
export function planYear(targets: YearTargets, seed: number, bankCount: number): YearPlan {
  const next = seeded(seed);
  const integer = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const mm = targets.matchmaking;
  const cm = targets.commissioners;
  const online = targets.online;
  const approvedOnly = cm.enterprises - cm.funded;
  const regularFunded = mm.funded - cm.funded - online.count;
  const declined = mm.pushed - mm.funded - approvedOnly;
  if (
    regularFunded < 0 ||
    declined < 0 ||
    targets.turnover.uses > mm.pushed - cm.enterprises - online.count
  ) {
    throw new RangeError('the targets leave no room for every group');
  }

  // Enterprises: 双50 first, then the online ones, then the rest.
  const enterprises: PlannedEnterprise[] = Array.from({ length: mm.pushed }, (_, index) => {
    const role: EnterpriseRole =
      index < cm.enterprises
        ? 'key50'
        : index < cm.enterprises + online.count
          ? 'online'
          : 'regular';
    return { index, role, needsUser: role === 'online', specialized: next() < 0.15 };
  });
  const regularStart = cm.enterprises + online.count;
  for (let use = 0; use < targets.turnover.uses; use += 1) {
    enterprises[regularStart + use].needsUser = true;
  }

  // Key projects, owned by the first enterprises (the city's larger firms).
  const pj = targets.projects;
  const totals = splitExactly(pj.totalInvestmentFen, pj.count, next, {
    unit: WAN,
    min: 5_000n * WAN,
    max: pj.totalInvestmentFen,
  });
  // This year's plan in proportion to the total, 万元 by 万元, never above the total.
  const plannedUnits = pj.plannedInvestmentFen / WAN;
  const totalUnits = pj.totalInvestmentFen / WAN;
  const planned = totals.map((total) => ((total / WAN) * plannedUnits) / totalUnits);
  let plannedRest = plannedUnits - planned.reduce((sum, value) => sum + value, 0n);
  for (let index = 0; plannedRest > 0n; index = (index + 1) % pj.count) {
    if (planned[index] < totals[index] / WAN) {
      planned[index] += 1n;
      plannedRest -= 1n;
    }
  }
  // The projects not started yet are new ones (a continuing one started in an earlier year).
  const notStarted = pj.count - pj.started;
  if (notStarted > pj.newCount) {
    throw new RangeError('more projects not started than new ones');
  }
  const projects: PlannedProject[] = totals.map((total, index) => ({
    ownerIndex: index % mm.pushed,
    kind: index < pj.newCount ? 'new' : 'continuing',
    started: index >= notStarted,
    totalInvestmentFen: total,
    plannedInvestmentFen: planned[index] * WAN,
  }));

  // Requests: one per enterprise.
  const regularFundedFen = mm.disbursedFen - cm.disbursedFen - online.amountFen;
  const approvedOnlyFen = cm.approvedFen - cm.disbursedFen;
  const declinedFen = mm.demandFen - mm.disbursedFen - approvedOnlyFen;
  const bounds = (max: bigint) => ({ unit: WAN, min: 10n * WAN, max });
  const key50Funded = splitExactly(cm.disbursedFen, cm.funded, next, bounds(200_000n * WAN));
  const key50Approved = splitExactly(approvedOnlyFen, approvedOnly, next, bounds(200_000n * WAN));
  const onlineAmounts = splitExactly(online.amountFen, online.count, next, bounds(1_000n * WAN));
  const regular = splitExactly(regularFundedFen, regularFunded, next, bounds(100_000n * WAN));
  const declinedAmounts = splitExactly(declinedFen, declined, next, bounds(10_000n * WAN));
  const requests: PlannedRequest[] = [];
  const day = (): number => integer(1, DAYS_IN_YEAR - 1);
  const bank = (): number => integer(0, bankCount - 1);
  for (let index = 0; index < cm.enterprises; index += 1) {
    const funded = index < cm.funded;
    requests.push({
      enterpriseIndex: index,
      day: day(),
      bankIndex: bank(),
      amountFen: funded ? key50Funded[index] : key50Approved[index - cm.funded],
      outcome: funded ? 'disbursed' : 'approved',
      selfFiled: false,
    });
  }
  for (let index = 0; index < online.count; index += 1) {
    requests.push({
      enterpriseIndex: cm.enterprises + index,
      day: day(),
      bankIndex: bank(),
      amountFen: onlineAmounts[index],
      outcome: 'disbursed',
      selfFiled: true,
    });
  }
  for (let index = regularStart; index < mm.pushed; index += 1) {
    const position = index - regularStart;
    const funded = position < regularFunded;
    requests.push({
      enterpriseIndex: index,
      day: day(),
      bankIndex: bank(),
      amountFen: funded ? regular[position] : declinedAmounts[position - regularFunded],
      outcome: funded ? 'disbursed' : 'declined',
      selfFiled: false,
    });
  }

  // Turnover uses: principals in 万元, then days and a few fen fitted to the savings.
  const tv = targets.turnover;
  const fitted = fitSavings(
    splitExactly(tv.turnoverFen, tv.uses, next, {
      unit: WAN,
      min: 100n * WAN,
      max: PER_USE_CAP_FEN,
    }),
    tv.savingsFen,
  );
  const uses: PlannedUse[] = fitted.principals.map((principalFen, index) => {
    const days = fitted.days[index];
    return {
      enterpriseIndex: regularStart + index,
      bankIndex: bank(),
      day: integer(1, DAYS_IN_YEAR - 1 - days),
      days,
      principalFen,
    };
  });
  const plannedSavingsFen = uses.reduce(
    (sum, use) => sum + savingsOf(use.principalFen, use.days),
    0n,
  );

  const gt = targets.guarantees;
  const guaranteeAmounts = splitExactly(gt.principalFen, gt.count, next, {
    unit: WAN,
    min: 10n * WAN,
    max: gt.principalFen,
  });
  const guarantees = guaranteeAmounts.map((principalFen) => ({
    enterpriseIndex: regularStart + integer(0, regularFunded - 1),
    bankIndex: bank(),
    day: day(),
    principalFen,
  }));

  const specialized = enterprises.filter((enterprise) => enterprise.specialized);
  const participants = specialized.length > 0 ? specialized : enterprises.slice(0, 1);
  const intentAmounts = splitExactly(targets.event.amountFen, targets.event.intents, next, {
    unit: 10_000n * 100n,
    min: 10_000n * 100n,
    max: targets.event.amountFen,
  });
  const intents = intentAmounts.map((amountFen) => ({
    enterpriseIndex: participants[integer(0, participants.length - 1)].index,
    bankIndex: bank(),
    amountFen,
  }));

  return {
    targets,
    enterprises,
    projects,
    requests,
    uses,
    guarantees,
    event: { day: day(), intents },
    plannedSavingsFen,
  };
}
