import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { isCalendarDate } from '../products/lpr-rates.service.js';
import { countsOf, EMPTY_COUNTS, type FiguresRow, toFigures } from './matchmaking-report.js';
import { MatchmakingStatsDto, MatchmakingStatsQueryDto, type StatsGrouping } from './stats.dto.js';

/** The "all banks" scope of the roll-ups (migration 1764301450000). */
const ALL_BANKS = "'00000000-0000-0000-0000-000000000000'::uuid";

/**
 * How each grouping names its groups, as SQL over a roll-up row `t` (its `day`, `region_code`
 * and bank column `bank`), and how a group key finds its label and sort order over `reg`
 * (regions) and `b` (banks). A fixed list, never caller text.
 */
const GROUPINGS: Record<
  StatsGrouping,
  { key: (bank: string) => string; label: string; sort: string }
> = {
  bank: { key: (bank) => `${bank}::text`, label: 'b.name', sort: 'b.name' },
  region: {
    key: () => 't.region_code',
    label: 'reg.name',
    sort: "lpad(reg.sort_order::text, 10, '0') || reg.code",
  },
  month: {
    key: () => "to_char(t.day, 'YYYY-MM')",
    label: 'f.group_key',
    sort: 'f.group_key',
  },
};

/**
 * 项目中心+行长制 figures (DOMAIN.md §1). The population is every match dispatched in
 * [from, to) (business dates, Asia/Shanghai) — a cohort by dispatch date: what became of what
 * was pushed in the period, whenever it was accepted or disbursed. Over that population:
 *
 * - 对接户数 enterprisesPushed: distinct enterprises of those matches' requests;
 * - 需求金额 demandAmount: the requests' amounts, each request once (a request pushed to two
 *   banks is one demand); within a group, the requests with a match in that group;
 * - 放款户数 enterprisesFunded: distinct enterprises with one of those matches disbursed;
 * - 放款金额 amountDisbursed: the disbursed amounts of those matches (two banks lending to one
 *   request both count: both are money lent);
 * - 对接成功率 = funded ÷ pushed, 资金需求满足率 = disbursed ÷ demand;
 * - medianHoursToAccept over the accepted ones; shareAcceptedOnTime = accepted at or before the
 *   response deadline ÷ all pushed, so a match left unanswered counts against the bank (a share
 *   of the accepted ones only would reward ignoring the hard cases); a period reaching today
 *   counts matches still within their deadline as not (yet) on time;
 * - openEscalations: those still `dispatched` with the deadline breached (escalated_at set).
 *
 * The figures are read from roll-ups the writing transactions keep (migration
 * 1764301450000-matchmaking-rollups.ts), exact to the fen, not from the raw tables: counters per
 * business day × region, for all banks and per bank; distinct enterprises and each request's
 * demand as the days they were first pushed plus the repeats whose previous day lies before the
 * range; the accept times one per accepted match, for the median. Distinct counts cannot be
 * added up, so the total is read from its own scope, never summed from the groups (a request
 * pushed to two banks is one demand in the total, one in each bank's group). Money stays in SQL
 * NUMERIC and `bigint`; ratios use decimal.js, half-up.
 */
@Injectable()
export class MatchmakingStatsService {
  constructor(private readonly dataSource: DataSource) {}

  async matchmaking(caller: Caller, query: MatchmakingStatsQueryDto): Promise<MatchmakingStatsDto> {
    if (!isCalendarDate(query.from)) {
      throw DomainError.validation('from', 'is not a calendar date');
    }
    if (!isCalendarDate(query.to)) {
      throw DomainError.validation('to', 'is not a calendar date');
    }
    if (query.to <= query.from) {
      throw DomainError.validation('to', 'must be later than from (to is excluded)');
    }
    const bankId = this.bankScope(caller, query.bankId);
    const groupBy = query.groupBy ?? null;
    const rows = await this.figures(query.from, query.to, groupBy, bankId);
    const totalRow = rows.find((row) => row.is_total);
    return {
      from: query.from,
      to: query.to,
      groupBy,
      bankId,
      groups: rows
        .filter((row) => !row.is_total)
        .map((row) => ({
          key: row.group_key ?? '',
          label: row.group_label ?? row.group_key ?? '',
          ...toFigures(countsOf(row)),
        })),
      total: toFigures(totalRow === undefined ? EMPTY_COUNTS : countsOf(totalRow)),
    };
  }

  /** A president sees their own bank only: the filter is forced, another bank's id is a 404. */
  private bankScope(caller: Caller, requested: string | undefined): string | null {
    if (caller.role !== Role.BankPresident) {
      return requested ?? null;
    }
    if (caller.bankId === null || (requested !== undefined && requested !== caller.bankId)) {
      throw DomainError.notFound('bank');
    }
    return caller.bankId;
  }

  private async figures(
    from: string,
    to: string,
    groupBy: StatsGrouping | null,
    bankId: string | null,
  ): Promise<FiguresRow[]> {
    const grouping = groupBy === null ? null : GROUPINGS[groupBy];
    const parts = [rollupPart(true, groupBy)];
    if (groupBy !== null) {
      parts.push(rollupPart(false, groupBy));
    }
    return this.dataSource.query<FiguresRow[]>(
      `SELECT f.is_total, f.group_key, ${grouping?.label ?? 'NULL::text'} AS group_label,
              (f.first_enterprises + coalesce(f.repeat_enterprises, 0))::int AS enterprises_pushed,
              (f.first_demand_fen + coalesce(f.repeat_demand_fen, 0))::text AS demand_fen,
              (f.first_funded + coalesce(f.repeat_funded, 0))::int AS enterprises_funded,
              f.disbursed_fen::text AS disbursed_fen,
              f.matches_pushed::int AS matches_pushed,
              f.matches_accepted::int AS matches_accepted,
              f.matches_accepted_on_time::int AS matches_accepted_on_time,
              f.median::numeric::text AS median_milliseconds,
              f.open_escalations::int AS open_escalations
         FROM (${parts.join(' UNION ALL ')}) f
         LEFT JOIN regions reg ON reg.code = f.group_key
         LEFT JOIN banks b ON b.id::text = f.group_key
        ORDER BY f.is_total, ${grouping?.sort ?? 'NULL::text'}, f.group_key`,
      [from, to, bankId],
    );
  }
}

/**
 * The total (`isTotal`) or the groups, from the three roll-ups over [$1, $2) for bank $3 (or
 * all banks). A group's distinct figures come from the scope they are distinct in: the bank's
 * own when grouping by bank, otherwise the total's. Within a month the range starts at the
 * month's first day (or `from`), so the repeats are those whose previous day precedes that.
 */
function rollupPart(isTotal: boolean, groupBy: StatsGrouping | null): string {
  const grouping = isTotal || groupBy === null ? null : GROUPINGS[groupBy];
  const key = (bank: string): string => grouping?.key(bank) ?? "''";
  const scope =
    !isTotal && groupBy === 'bank'
      ? `t.scope_bank <> ${ALL_BANKS} AND ($3::uuid IS NULL OR t.scope_bank = $3::uuid)`
      : `t.scope_bank = coalesce($3::uuid, ${ALL_BANKS})`;
  const rangeStart =
    !isTotal && groupBy === 'month'
      ? "greatest($1::date, date_trunc('month', t.day)::date)"
      : '$1::date';
  const inRange = 't.day >= $1::date AND t.day < $2::date';
  return `
    SELECT ${isTotal} AS is_total, ${isTotal ? 'NULL::text' : 'c.group_key'} AS group_key,
           c.matches_pushed, c.matches_accepted, c.matches_accepted_on_time, c.disbursed_fen,
           c.open_escalations, c.first_enterprises, c.first_funded, c.first_demand_fen,
           r.repeat_enterprises, r.repeat_funded, r.repeat_demand_fen, m.median
      FROM (SELECT ${key('t.scope_bank')} AS group_key,
                   sum(t.matches_pushed) AS matches_pushed,
                   sum(t.matches_accepted) AS matches_accepted,
                   sum(t.matches_accepted_on_time) AS matches_accepted_on_time,
                   sum(t.disbursed_fen) AS disbursed_fen,
                   sum(t.open_escalations) AS open_escalations,
                   sum(t.first_enterprises) AS first_enterprises,
                   sum(t.first_funded_enterprises) AS first_funded,
                   sum(t.first_demand_fen) AS first_demand_fen
              FROM matchmaking_daily t
             WHERE ${scope} AND ${inRange}
             GROUP BY 1) c
      LEFT JOIN (SELECT ${key('t.scope_bank')} AS group_key,
                        count(*) FILTER (WHERE t.kind = 'enterprise') AS repeat_enterprises,
                        count(*) FILTER (WHERE t.kind = 'funded') AS repeat_funded,
                        sum(t.amount_fen) FILTER (WHERE t.kind = 'request') AS repeat_demand_fen
                   FROM matchmaking_presence t
                  WHERE ${scope} AND ${inRange} AND t.prev_day IS NOT NULL
                    AND t.prev_day < ${rangeStart}
                  GROUP BY 1) r USING (group_key)
      ${median(isTotal ? null : groupBy)}
     WHERE c.matches_pushed > 0`;
}

/**
 * The median accept time of each row `c`, as percentile_cont(0.5) computes it (the two middle
 * values' mean in float8, or the middle one). Over a month, from the month's accept times;
 * otherwise by walking the group's accept times in order to the middle: `c.matches_accepted`
 * (the daily counters) says where that is, so no sort of the whole period.
 */
function median(groupBy: StatsGrouping | null): string {
  const inRange = 't.day >= $1::date AND t.day < $2::date';
  const bank = '($3::uuid IS NULL OR t.bank_id = $3::uuid)';
  if (groupBy === 'month') {
    return `LEFT JOIN (SELECT ${GROUPINGS.month.key('t.bank_id')} AS group_key,
                          percentile_cont(0.5) WITHIN GROUP (ORDER BY t.accept_ms) AS median
                     FROM matchmaking_accepts t
                    WHERE ${inRange} AND ${bank}
                    GROUP BY 1) m USING (group_key)`;
  }
  const group =
    groupBy === 'region'
      ? 'AND t.region_code = c.group_key'
      : groupBy === 'bank'
        ? 'AND t.bank_id = c.group_key::uuid'
        : '';
  return `LEFT JOIN LATERAL (
            SELECT min(middle.accept_ms)::float8
                     + (max(middle.accept_ms)::float8 - min(middle.accept_ms)::float8) * 0.5
                     AS median
              FROM (SELECT t.accept_ms FROM matchmaking_accepts t
                     WHERE ${inRange} AND ${bank} ${group}
                     ORDER BY t.accept_ms
                    OFFSET (c.matches_accepted - 1) / 2 LIMIT 2 - c.matches_accepted % 2) middle
          ) m ON true`;
}
