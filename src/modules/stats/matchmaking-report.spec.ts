import { describe, expect, it } from '@jest/globals';
import { prefersCsv } from '../../common/csv.js';
import { EMPTY_COUNTS, ratio, toFigures, toMatchmakingCsv } from './matchmaking-report.js';

describe('matchmaking report', () => {
  it('rounds ratios half-up to four places and gives null for nothing pushed', () => {
    expect(ratio(2161, 3210)).toBe('0.6732');
    // 1/8 = 0.125 exactly; 1/16000 = 0.0000625 rounds up.
    expect(ratio(1, 8)).toBe('0.1250');
    expect(ratio(1n, 16000n)).toBe('0.0001');
    expect(ratio(5, 0)).toBeNull();
  });

  it('turns counts into figures without floating point', () => {
    expect(
      toFigures({
        enterprisesPushed: 3210,
        // 176.4亿 and 154.5亿 in fen: beyond 2^53, exact as bigint.
        demandFen: 1_764_000_000_000n,
        enterprisesFunded: 2161,
        disbursedFen: 1_545_000_000_000n,
        matchesPushed: 4,
        matchesAccepted: 3,
        matchesAcceptedOnTime: 2,
        medianMillisecondsToAccept: '9000000.5',
        openEscalations: 1,
      }),
    ).toEqual({
      enterprisesPushed: 3210,
      demandAmount: '17640000000.00',
      enterprisesFunded: 2161,
      amountDisbursed: '15450000000.00',
      successRate: '0.6732',
      satisfactionRate: '0.8759',
      matchesPushed: 4,
      matchesAccepted: 3,
      matchesAcceptedOnTime: 2,
      // 2.5000001 hours
      medianHoursToAccept: '2.5',
      shareAcceptedOnTime: '0.5000',
      openEscalations: 1,
    });
    expect(toFigures(EMPTY_COUNTS)).toMatchObject({
      successRate: null,
      satisfactionRate: null,
      medianHoursToAccept: null,
      shareAcceptedOnTime: null,
      demandAmount: '0.00',
    });
  });

  it('answers CSV only when the client prefers it', () => {
    expect(prefersCsv(undefined)).toBe(false);
    expect(prefersCsv('*/*')).toBe(false);
    expect(prefersCsv('application/json')).toBe(false);
    expect(prefersCsv('text/csv')).toBe(true);
    expect(prefersCsv('text/csv, */*;q=0.8')).toBe(true);
    expect(prefersCsv('application/json, text/csv;q=0.5')).toBe(false);
    expect(prefersCsv('text/csv;q=0')).toBe(false);
  });

  it('writes a BOM, Chinese headers, quoted text and neutralised formulas', () => {
    const figures = toFigures(EMPTY_COUNTS);
    const csv = toMatchmakingCsv({
      from: '2025-01-01',
      to: '2025-02-01',
      groupBy: 'bank',
      bankId: null,
      groups: [{ key: 'k1', label: '=HYPERLINK("x"),银行', ...figures }],
      total: figures,
    });
    expect(
      csv.startsWith('\uFEFF银行,对接户数,需求金额（元）,放款户数,放款金额（元）,对接成功率,'),
    ).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe(`"'=HYPERLINK(""x""),银行",0,0.00,0,0.00,,,0,0,0,,,0`);
    expect(lines[2]).toBe('合计,0,0.00,0,0.00,,,0,0,0,,,0');
    expect(lines[3]).toBe('');
  });
});
