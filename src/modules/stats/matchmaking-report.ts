import { csvDocument, csvField } from '../../common/csv.js';
import { formatFen, toFenFromDb } from '../../common/money/money.js';
import { Decimal } from '../../common/money/rate.js';
import type { MatchmakingFiguresDto, MatchmakingStatsDto, StatsGrouping } from './stats.dto.js';

/** The raw counts of one group (or the total), as SQL sums them. */
export interface MatchmakingCounts {
  enterprisesPushed: number;
  demandFen: bigint;
  enterprisesFunded: number;
  disbursedFen: bigint;
  matchesPushed: number;
  matchesAccepted: number;
  matchesAcceptedOnTime: number;
  /** Median whole milliseconds dispatch → accept, as a decimal string; null when none. */
  medianMillisecondsToAccept: string | null;
  openEscalations: number;
}

export const EMPTY_COUNTS: MatchmakingCounts = {
  enterprisesPushed: 0,
  demandFen: 0n,
  enterprisesFunded: 0,
  disbursedFen: 0n,
  matchesPushed: 0,
  matchesAccepted: 0,
  matchesAcceptedOnTime: 0,
  medianMillisecondsToAccept: null,
  openEscalations: 0,
};

const RATIO_PLACES = 4;
const MILLISECONDS_PER_HOUR = 3_600_000;

/** numerator ÷ denominator, half-up to 4 places; null when the denominator is zero. */
export function ratio(numerator: bigint | number, denominator: bigint | number): string | null {
  const below = new Decimal(denominator.toString());
  if (below.isZero()) {
    return null;
  }
  return new Decimal(numerator.toString()).div(below).toFixed(RATIO_PLACES);
}

/** The figures of one group: money as yuan strings, ratios as 4-decimal strings. */
export function toFigures(counts: MatchmakingCounts): MatchmakingFiguresDto {
  return {
    enterprisesPushed: counts.enterprisesPushed,
    demandAmount: formatFen(counts.demandFen),
    enterprisesFunded: counts.enterprisesFunded,
    amountDisbursed: formatFen(counts.disbursedFen),
    // Both rates are "null when nothing was pushed": no enterprise pushed means no demand.
    successRate: ratio(counts.enterprisesFunded, counts.enterprisesPushed),
    satisfactionRate:
      counts.enterprisesPushed === 0 ? null : ratio(counts.disbursedFen, counts.demandFen),
    matchesPushed: counts.matchesPushed,
    matchesAccepted: counts.matchesAccepted,
    matchesAcceptedOnTime: counts.matchesAcceptedOnTime,
    medianHoursToAccept:
      counts.medianMillisecondsToAccept === null
        ? null
        : new Decimal(counts.medianMillisecondsToAccept).div(MILLISECONDS_PER_HOUR).toFixed(1),
    shareAcceptedOnTime: ratio(counts.matchesAcceptedOnTime, counts.matchesPushed),
    openEscalations: counts.openEscalations,
  };
}

const GROUP_HEADERS: Record<StatsGrouping | 'none', string> = {
  bank: '银行',
  region: '地区',
  month: '月份',
  none: '范围',
};

/** The CSV columns: Chinese header and the figure it shows. */
const COLUMNS: readonly [string, (figures: MatchmakingFiguresDto) => string | number | null][] = [
  ['对接户数', (figures) => figures.enterprisesPushed],
  ['需求金额（元）', (figures) => figures.demandAmount],
  ['放款户数', (figures) => figures.enterprisesFunded],
  ['放款金额（元）', (figures) => figures.amountDisbursed],
  ['对接成功率', (figures) => figures.successRate],
  ['资金需求满足率', (figures) => figures.satisfactionRate],
  ['对接笔数', (figures) => figures.matchesPushed],
  ['受理笔数', (figures) => figures.matchesAccepted],
  ['按时受理笔数', (figures) => figures.matchesAcceptedOnTime],
  ['受理时长中位数（小时）', (figures) => figures.medianHoursToAccept],
  ['按时受理率', (figures) => figures.shareAcceptedOnTime],
  ['超时督办未受理笔数', (figures) => figures.openEscalations],
];

/**
 * The same table as the JSON, as CSV: UTF-8 with a byte-order mark (so spreadsheet software
 * reads the Chinese headers as UTF-8), CRLF line ends, one row per group and a last row 合计.
 */
export function toMatchmakingCsv(report: MatchmakingStatsDto): string {
  const header = [GROUP_HEADERS[report.groupBy ?? 'none'], ...COLUMNS.map(([name]) => name)];
  const row = (label: string, figures: MatchmakingFiguresDto): string =>
    [csvField(label, true), ...COLUMNS.map(([, pick]) => csvField(pick(figures)))].join(',');
  const lines = [
    header.join(','),
    ...report.groups.map((group) => row(group.label, group)),
    row('合计', report.total),
  ];
  return csvDocument(lines);
}

/** One group's figures as the statistics' SQL returns them (the roll-ups' and the raw tables' alike). */
export interface FiguresRow {
  is_total: boolean;
  group_key: string | null;
  group_label: string | null;
  enterprises_pushed: number;
  demand_fen: string;
  enterprises_funded: number;
  disbursed_fen: string;
  matches_pushed: number;
  matches_accepted: number;
  matches_accepted_on_time: number;
  median_milliseconds: string | null;
  open_escalations: number;
}

export function countsOf(row: FiguresRow): MatchmakingCounts {
  return {
    enterprisesPushed: row.enterprises_pushed,
    demandFen: toFenFromDb(row.demand_fen),
    enterprisesFunded: row.enterprises_funded,
    disbursedFen: toFenFromDb(row.disbursed_fen),
    matchesPushed: row.matches_pushed,
    matchesAccepted: row.matches_accepted,
    matchesAcceptedOnTime: row.matches_accepted_on_time,
    medianMillisecondsToAccept: row.median_milliseconds,
    openEscalations: row.open_escalations,
  };
}
