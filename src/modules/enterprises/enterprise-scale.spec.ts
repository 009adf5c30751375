import { describe, expect, it } from '@jest/globals';
import {
  classifyScale,
  INDUSTRIES,
  type Industry,
  type Scale,
  SIZE_STANDARDS,
  sizeStandardOn,
} from './enterprise-scale.js';

/**
 * DOMAIN.md §5 as printed (X employees, Y revenue 万元, Z assets 万元), written out again here
 * rather than read from the code, so a typo in the code's table fails these tests.
 */
type Floors = { X?: number; Y?: number; Z?: number };
const TABLE: Record<Industry, { medium: Floors; small: Floors; large: Floors }> = {
  agriculture: { medium: { Y: 500 }, small: { Y: 50 }, large: { Y: 20000 } },
  industry: {
    medium: { X: 300, Y: 2000 },
    small: { X: 20, Y: 300 },
    large: { X: 1000, Y: 40000 },
  },
  construction: {
    medium: { Y: 6000, Z: 5000 },
    small: { Y: 300, Z: 300 },
    large: { Y: 80000, Z: 80000 },
  },
  wholesale: { medium: { X: 20, Y: 5000 }, small: { X: 5, Y: 1000 }, large: { X: 200, Y: 40000 } },
  retail: { medium: { X: 50, Y: 500 }, small: { X: 10, Y: 100 }, large: { X: 300, Y: 20000 } },
  transport: {
    medium: { X: 300, Y: 3000 },
    small: { X: 20, Y: 200 },
    large: { X: 1000, Y: 30000 },
  },
  warehousing: {
    medium: { X: 100, Y: 1000 },
    small: { X: 20, Y: 100 },
    large: { X: 200, Y: 30000 },
  },
  postal: { medium: { X: 300, Y: 2000 }, small: { X: 20, Y: 100 }, large: { X: 1000, Y: 30000 } },
  accommodation: {
    medium: { X: 100, Y: 2000 },
    small: { X: 10, Y: 100 },
    large: { X: 300, Y: 10000 },
  },
  catering: { medium: { X: 100, Y: 2000 }, small: { X: 10, Y: 100 }, large: { X: 300, Y: 10000 } },
  information_transmission: {
    medium: { X: 100, Y: 1000 },
    small: { X: 10, Y: 100 },
    large: { X: 2000, Y: 100000 },
  },
  software_it: {
    medium: { X: 100, Y: 1000 },
    small: { X: 10, Y: 50 },
    large: { X: 300, Y: 10000 },
  },
  real_estate: {
    medium: { Y: 1000, Z: 5000 },
    small: { Y: 100, Z: 2000 },
    large: { Y: 200000, Z: 10000 },
  },
  property_management: {
    medium: { X: 300, Y: 1000 },
    small: { X: 100, Y: 500 },
    large: { X: 1000, Y: 5000 },
  },
  leasing_business: {
    medium: { X: 100, Z: 8000 },
    small: { X: 10, Z: 100 },
    large: { X: 300, Z: 120000 },
  },
  other: { medium: { X: 100 }, small: { X: 10 }, large: { X: 300 } },
};

const AS_OF = '2025-06-30';
const FEN_PER_WAN = 1_000_000n;
const CLASSES = ['small', 'medium', 'large'] as const;
const BELOW: Record<(typeof CLASSES)[number], Scale> = {
  small: 'micro',
  medium: 'small',
  large: 'medium',
};
type Metric = 'X' | 'Y' | 'Z';

/** Inputs exactly at the floors, nudged by `delta` units (one employee / one fen) per metric. */
function inputsAt(industry: Industry, floors: Floors, delta: Partial<Record<Metric, number>>) {
  return {
    industry,
    employees: (floors.X ?? 0) + (delta.X ?? 0),
    revenueFen: BigInt(floors.Y ?? 0) * FEN_PER_WAN + BigInt(delta.Y ?? 0),
    assetsFen: BigInt(floors.Z ?? 0) * FEN_PER_WAN + BigInt(delta.Z ?? 0),
  };
}

function metricsOf(floors: Floors): Metric[] {
  return (['X', 'Y', 'Z'] as const).filter((metric) => floors[metric] !== undefined);
}

interface Case {
  name: string;
  industry: Industry;
  inputs: ReturnType<typeof inputsAt>;
  expected: Scale;
}

/** For every row and class: at the floors, one unit above, and one unit below each floor. */
function boundaryCases(): Case[] {
  const cases: Case[] = [];
  for (const industry of INDUSTRIES) {
    for (const scaleClass of CLASSES) {
      const floors = TABLE[industry][scaleClass];
      const metrics = metricsOf(floors);
      cases.push({
        name: `${industry}: exactly at the ${scaleClass} floors is ${scaleClass}`,
        industry,
        inputs: inputsAt(industry, floors, {}),
        expected: scaleClass,
      });
      cases.push({
        name: `${industry}: one unit above every ${scaleClass} floor is ${scaleClass}`,
        industry,
        inputs: inputsAt(industry, floors, Object.fromEntries(metrics.map((m) => [m, 1]))),
        expected: scaleClass,
      });
      for (const metric of metrics) {
        cases.push({
          name: `${industry}: one unit below the ${scaleClass} ${metric} floor is ${BELOW[scaleClass]}`,
          industry,
          inputs: inputsAt(industry, floors, { [metric]: -1 }),
          expected: BELOW[scaleClass],
        });
      }
    }
  }
  return cases;
}

describe('SME size classes (工信部联企业〔2011〕300号)', () => {
  const cases = boundaryCases();

  it('covers all 16 industry groups with at, above and below cases for every class', () => {
    expect(new Set(cases.map((c) => c.industry)).size).toBe(16);
    for (const industry of INDUSTRIES) {
      expect(cases.filter((c) => c.industry === industry).length).toBeGreaterThanOrEqual(9);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(classifyScale(c.inputs, AS_OF)).toEqual({ scale: c.expected, standard: '2011' });
  });

  it.each(INDUSTRIES)('calls %s with nothing at all micro', (industry) => {
    expect(classifyScale(inputsAt(industry, {}, {}), AS_OF).scale).toBe('micro');
  });

  it.each(INDUSTRIES)('ignores for %s the metrics its row does not name', (industry) => {
    const small = TABLE[industry].small;
    const huge = { X: 1_000_000, Y: 10_000_000, Z: 10_000_000 };
    // Every metric the row leaves out is made enormous: the class must not move.
    const inputs = inputsAt(
      industry,
      {
        X: small.X ?? huge.X,
        Y: small.Y ?? huge.Y,
        Z: small.Z ?? huge.Z,
      },
      {},
    );
    expect(classifyScale(inputs, AS_OF).scale).toBe('small');
  });

  it('needs every floor of a row: one metric far above and another below is not enough', () => {
    // Industry: 5000 employees but revenue just under the small floor.
    const inputs = {
      industry: 'industry' as const,
      employees: 5_000,
      revenueFen: 300n * FEN_PER_WAN - 1n,
      assetsFen: 0n,
    };
    expect(classifyScale(inputs, AS_OF).scale).toBe('micro');
    // Large revenue, medium head count: medium, not large.
    expect(
      classifyScale({ ...inputs, employees: 999, revenueFen: 1_000_000n * FEN_PER_WAN }, AS_OF)
        .scale,
    ).toBe('medium');
  });

  it('keeps the code table equal to the published one', () => {
    const rows = sizeStandardOn(AS_OF).rows;
    for (const industry of INDUSTRIES) {
      for (const scaleClass of CLASSES) {
        const floors = TABLE[industry][scaleClass];
        expect({ industry, scaleClass, floors: rows[industry][scaleClass] }).toEqual({
          industry,
          scaleClass,
          floors: {
            ...(floors.X === undefined ? {} : { employees: floors.X }),
            ...(floors.Y === undefined ? {} : { revenueFen: BigInt(floors.Y) * FEN_PER_WAN }),
            ...(floors.Z === undefined ? {} : { assetsFen: BigInt(floors.Z) * FEN_PER_WAN }),
          },
        });
      }
    }
  });

  it('classifies from the day the 2011 standard took effect, and not before', () => {
    const inputs = inputsAt('industry', TABLE.industry.medium, {});
    expect(SIZE_STANDARDS[0]).toMatchObject({ version: '2011', effectiveFrom: '2011-06-18' });
    expect(classifyScale(inputs, '2011-06-18')).toEqual({ scale: 'medium', standard: '2011' });
    expect(() => classifyScale(inputs, '2011-06-17')).toThrow(/No SME size standard/);
    expect(() => classifyScale(inputs, '1999-01-01')).toThrow(RangeError);
  });

  it('refuses a business date that is not YYYY-MM-DD', () => {
    const inputs = inputsAt('other', TABLE.other.small, {});
    expect(() => classifyScale(inputs, '2025-6-1')).toThrow(/YYYY-MM-DD/);
    expect(() => classifyScale(inputs, '2025-06-01T00:00:00Z')).toThrow(/YYYY-MM-DD/);
  });

  it('refuses negative or fractional inputs', () => {
    const base = inputsAt('retail', TABLE.retail.small, {});
    expect(() => classifyScale({ ...base, employees: -1 }, AS_OF)).toThrow(RangeError);
    expect(() => classifyScale({ ...base, employees: 10.5 }, AS_OF)).toThrow(RangeError);
    expect(() => classifyScale({ ...base, revenueFen: -1n }, AS_OF)).toThrow(RangeError);
  });
});
