/**
 * SME size classes (中小企业划型标准, 工信部联企业〔2011〕300号): an enterprise is micro, small,
 * medium or large by its industry group, employees (X), revenue (Y) and total assets (Z).
 * The standard is under revision, so it is kept as a versioned, effective-dated table: each
 * enterprise records the version that classified it.
 */

/** The 16 industry groups of the standard; the same codes as the `enterprises.industry` CHECK. */
export const INDUSTRIES = [
  'agriculture',
  'industry',
  'construction',
  'wholesale',
  'retail',
  'transport',
  'warehousing',
  'postal',
  'accommodation',
  'catering',
  'information_transmission',
  'software_it',
  'real_estate',
  'property_management',
  'leasing_business',
  'other',
] as const;
export type Industry = (typeof INDUSTRIES)[number];

export const SCALES = ['micro', 'small', 'medium', 'large'] as const;
export type Scale = (typeof SCALES)[number];

/**
 * The floors of one size class; a metric left out plays no part in that row (e.g. agriculture
 * is judged on revenue alone). Money floors are fen.
 */
export interface SizeFloors {
  readonly employees?: number;
  readonly revenueFen?: bigint;
  readonly assetsFen?: bigint;
}

export interface SizeRow {
  readonly medium: SizeFloors;
  readonly small: SizeFloors;
  readonly large: SizeFloors;
}

export interface SizeStandard {
  readonly version: string;
  /** Business date (YYYY-MM-DD) from which the standard classifies. */
  readonly effectiveFrom: string;
  readonly rows: Readonly<Record<Industry, SizeRow>>;
}

/** 万元 (ten thousand yuan) in fen. */
const FEN_PER_WAN_YUAN = 1_000_000n;
const wan = (amount: number): bigint => BigInt(amount) * FEN_PER_WAN_YUAN;

/** Every version of the standard, oldest first. */
export const SIZE_STANDARDS: readonly SizeStandard[] = [
  {
    version: '2011',
    effectiveFrom: '2011-06-18',
    rows: {
      agriculture: {
        medium: { revenueFen: wan(500) },
        small: { revenueFen: wan(50) },
        large: { revenueFen: wan(20_000) },
      },
      industry: {
        medium: { employees: 300, revenueFen: wan(2_000) },
        small: { employees: 20, revenueFen: wan(300) },
        large: { employees: 1_000, revenueFen: wan(40_000) },
      },
      construction: {
        medium: { revenueFen: wan(6_000), assetsFen: wan(5_000) },
        small: { revenueFen: wan(300), assetsFen: wan(300) },
        large: { revenueFen: wan(80_000), assetsFen: wan(80_000) },
      },
      wholesale: {
        medium: { employees: 20, revenueFen: wan(5_000) },
        small: { employees: 5, revenueFen: wan(1_000) },
        large: { employees: 200, revenueFen: wan(40_000) },
      },
      retail: {
        medium: { employees: 50, revenueFen: wan(500) },
        small: { employees: 10, revenueFen: wan(100) },
        large: { employees: 300, revenueFen: wan(20_000) },
      },
      transport: {
        medium: { employees: 300, revenueFen: wan(3_000) },
        small: { employees: 20, revenueFen: wan(200) },
        large: { employees: 1_000, revenueFen: wan(30_000) },
      },
      warehousing: {
        medium: { employees: 100, revenueFen: wan(1_000) },
        small: { employees: 20, revenueFen: wan(100) },
        large: { employees: 200, revenueFen: wan(30_000) },
      },
      postal: {
        medium: { employees: 300, revenueFen: wan(2_000) },
        small: { employees: 20, revenueFen: wan(100) },
        large: { employees: 1_000, revenueFen: wan(30_000) },
      },
      accommodation: {
        medium: { employees: 100, revenueFen: wan(2_000) },
        small: { employees: 10, revenueFen: wan(100) },
        large: { employees: 300, revenueFen: wan(10_000) },
      },
      catering: {
        medium: { employees: 100, revenueFen: wan(2_000) },
        small: { employees: 10, revenueFen: wan(100) },
        large: { employees: 300, revenueFen: wan(10_000) },
      },
      information_transmission: {
        medium: { employees: 100, revenueFen: wan(1_000) },
        small: { employees: 10, revenueFen: wan(100) },
        large: { employees: 2_000, revenueFen: wan(100_000) },
      },
      software_it: {
        medium: { employees: 100, revenueFen: wan(1_000) },
        small: { employees: 10, revenueFen: wan(50) },
        large: { employees: 300, revenueFen: wan(10_000) },
      },
      real_estate: {
        medium: { revenueFen: wan(1_000), assetsFen: wan(5_000) },
        small: { revenueFen: wan(100), assetsFen: wan(2_000) },
        large: { revenueFen: wan(200_000), assetsFen: wan(10_000) },
      },
      property_management: {
        medium: { employees: 300, revenueFen: wan(1_000) },
        small: { employees: 100, revenueFen: wan(500) },
        large: { employees: 1_000, revenueFen: wan(5_000) },
      },
      leasing_business: {
        medium: { employees: 100, assetsFen: wan(8_000) },
        small: { employees: 10, assetsFen: wan(100) },
        large: { employees: 300, assetsFen: wan(120_000) },
      },
      other: {
        medium: { employees: 100 },
        small: { employees: 10 },
        large: { employees: 300 },
      },
    },
  },
];

export interface ScaleInputs {
  industry: Industry;
  employees: number;
  revenueFen: bigint;
  assetsFen: bigint;
}

export interface ScaleVerdict {
  scale: Scale;
  /** Version of the standard that produced the scale. */
  standard: string;
}

const BUSINESS_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The standard in force on a business date: the latest whose effectiveFrom is not after it. */
export function sizeStandardOn(asOf: string): SizeStandard {
  if (!BUSINESS_DATE.test(asOf)) {
    throw new RangeError(`A business date is YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  }
  // YYYY-MM-DD strings order as the dates they name.
  const inForce = SIZE_STANDARDS.filter((standard) => standard.effectiveFrom <= asOf);
  const latest = inForce.reduce<SizeStandard | undefined>(
    (best, standard) =>
      best === undefined || standard.effectiveFrom > best.effectiveFrom ? standard : best,
    undefined,
  );
  if (latest === undefined) {
    throw new RangeError(`No SME size standard was in force on ${asOf}`);
  }
  return latest;
}

function meets(inputs: ScaleInputs, floors: SizeFloors): boolean {
  return (
    (floors.employees === undefined || inputs.employees >= floors.employees) &&
    (floors.revenueFen === undefined || inputs.revenueFen >= floors.revenueFen) &&
    (floors.assetsFen === undefined || inputs.assetsFen >= floors.assetsFen)
  );
}

/**
 * Large when every floor of the large row is met; else medium when every medium floor is; else
 * small when every small floor is; else micro. Metrics a row does not name are ignored.
 */
export function classifyScale(inputs: ScaleInputs, asOf: string): ScaleVerdict {
  if (!Number.isSafeInteger(inputs.employees) || inputs.employees < 0) {
    throw new RangeError(`employees must be a non-negative integer, got ${inputs.employees}`);
  }
  if (inputs.revenueFen < 0n || inputs.assetsFen < 0n) {
    throw new RangeError('revenue and assets must not be negative');
  }
  const standard = sizeStandardOn(asOf);
  const row = standard.rows[inputs.industry];
  if (row === undefined) {
    throw new RangeError(`Unknown industry ${JSON.stringify(inputs.industry)}`);
  }
  const scale: Scale = meets(inputs, row.large)
    ? 'large'
    : meets(inputs, row.medium)
      ? 'medium'
      : meets(inputs, row.small)
        ? 'small'
        : 'micro';
  return { scale, standard: standard.version };
}
