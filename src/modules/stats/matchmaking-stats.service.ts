import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { toFenFromDb } from '../../common/money/money.js';
import { isCalendarDate } from '../products/lpr-rates.service.js';
import { EMPTY_COUNTS, type MatchmakingCounts, toFigures } from './matchmaking-report.js';
import { MatchmakingStatsDto, MatchmakingStatsQueryDto, type StatsGrouping } from './stats.dto.js';

interface FiguresRow {
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

/**
 * How each grouping names its groups: key, label and sort order, as SQL over `m` (matches),
 * `e` (enterprises), `b` (banks) and `reg` (regions). A fixed list, never caller text.
 */
const GROUPINGS: Record<StatsGrouping, { key: string; label: string; sort: string }> = {
  bank: { key: 'm.bank_id::text', label: 'b.name', sort: 'b.name' },
  region: {
    key: 'e.region_code',
    label: 'reg.name',
    sort: "lpad(reg.sort_order::text, 10, '0') || reg.code",
  },
  month: {
    key: "to_char(m.dispatched_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
    label: "to_char(m.dispatched_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
    sort: "to_char(m.dispatched_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
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
 * Groups and total come from one statement: each match row appears once per scope (its group,
 * and the total), and a request's amount is summed on its first row within the scope. Distinct
 * counts cannot be added up, so the total is computed, never summed from the groups. Money stays
 * in SQL NUMERIC and `bigint`; ratios use decimal.js, half-up.
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
    // Without a grouping each match appears once, in the total scope only.
    const scopes = grouping === null ? '(VALUES (true))' : '(VALUES (true), (false))';
    return this.dataSource.query<FiguresRow[]>(
      `WITH pushed AS (
         SELECT m.id, m.request_id, m.status, m.dispatched_at, m.accepted_at, m.response_due_at,
                m.escalated_at, m.disbursed_amount_fen, r.enterprise_id,
                r.amount_fen AS request_amount_fen,
                ${grouping?.key ?? 'NULL::text'} AS bucket,
                ${grouping?.label ?? 'NULL::text'} AS bucket_label,
                ${grouping?.sort ?? 'NULL::text'} AS bucket_sort
           FROM matches m
           JOIN financing_requests r ON r.id = m.request_id
           JOIN enterprises e ON e.id = r.enterprise_id
           JOIN banks b ON b.id = m.bank_id
           JOIN regions reg ON reg.code = e.region_code
          WHERE m.dispatched_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai')
            AND m.dispatched_at < ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
            AND ($3::uuid IS NULL OR m.bank_id = $3::uuid)
       ),
       scoped AS (
         SELECT scope.is_total,
                CASE WHEN scope.is_total THEN NULL ELSE p.bucket END AS group_key,
                CASE WHEN scope.is_total THEN NULL ELSE p.bucket_label END AS group_label,
                CASE WHEN scope.is_total THEN NULL ELSE p.bucket_sort END AS group_sort,
                p.id, p.request_id, p.status, p.dispatched_at, p.accepted_at, p.response_due_at,
                p.escalated_at, p.disbursed_amount_fen, p.enterprise_id, p.request_amount_fen
           FROM pushed p
          CROSS JOIN ${scopes} AS scope (is_total)
       ),
       ranked AS (
         SELECT s.*,
                row_number() OVER (
                  PARTITION BY s.is_total, s.group_key, s.request_id ORDER BY s.id
                ) AS request_rank
           FROM scoped s
       )
       SELECT is_total, group_key, group_label,
              count(DISTINCT enterprise_id)::int AS enterprises_pushed,
              coalesce(sum(request_amount_fen) FILTER (WHERE request_rank = 1), 0)::text
                AS demand_fen,
              count(DISTINCT enterprise_id) FILTER (WHERE status = 'disbursed')::int
                AS enterprises_funded,
              coalesce(sum(disbursed_amount_fen) FILTER (WHERE status = 'disbursed'), 0)::text
                AS disbursed_fen,
              count(*)::int AS matches_pushed,
              count(*) FILTER (WHERE accepted_at IS NOT NULL)::int AS matches_accepted,
              count(*) FILTER (WHERE accepted_at <= response_due_at)::int
                AS matches_accepted_on_time,
              (percentile_cont(0.5) WITHIN GROUP (
                 ORDER BY (extract(epoch FROM accepted_at - dispatched_at) * 1000)::bigint)
                 FILTER (WHERE accepted_at IS NOT NULL))::numeric::text AS median_milliseconds,
              count(*) FILTER (WHERE status = 'dispatched' AND escalated_at IS NOT NULL)::int
                AS open_escalations
         FROM ranked
        GROUP BY is_total, group_key, group_label, group_sort
        ORDER BY is_total, group_sort, group_key`,
      [from, to, bankId],
    );
  }
}

function countsOf(row: FiguresRow): MatchmakingCounts {
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
