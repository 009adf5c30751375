import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { formatFen } from '../../common/money/money.js';
import { daysBetween } from '../calendar/working-days.js';
import { medianDays } from './commissioner-term.js';
import {
  CommissionerFiguresDto,
  CommissionerFiguresRowDto,
  CommissionerStatsDto,
  CommissionerStatsQueryDto,
} from './commissioners.dto.js';

/*
 * The service periods the figures are attributed through: assignments to enterprises tagged
 * key50 (双50) today, each serving [starts_on, service_end) — service_end is ended_on once ended,
 * else the day after the term. An enterprise's periods never overlap, so a day's event belongs
 * to at most one commissioner. $1 = from, $2 = to (excluded), business dates.
 */
const SERVICE = `
  WITH service AS (
    SELECT a.id, a.officer_id, a.bank_id, a.enterprise_id, a.starts_on,
           COALESCE(a.ended_on, a.term_ends_on + 1) AS service_end
      FROM commissioner_assignments a
      JOIN enterprises e ON e.id = a.enterprise_id
     WHERE 'key50' = ANY (e.tags)
  )`;

const APPROVED_ON = `(m.approved_at AT TIME ZONE 'Asia/Shanghai')::date`;

interface Key {
  officer_id: string;
  bank_id: string;
}

interface Counts {
  enterprises: Set<string>;
  approvedFen: bigint;
  disbursedFen: bigint;
  disbursements: number;
  visits: number;
  needDays: number[];
  openNeeds: number;
}

function emptyCounts(): Counts {
  return {
    enterprises: new Set(),
    approvedFen: 0n,
    disbursedFen: 0n,
    disbursements: 0,
    visits: 0,
    needDays: [],
    openNeeds: 0,
  };
}

function toFigures(counts: Counts): CommissionerFiguresDto {
  return {
    enterprisesServed: counts.enterprises.size,
    creditApproved: formatFen(counts.approvedFen),
    loansDisbursed: formatFen(counts.disbursedFen),
    disbursements: counts.disbursements,
    visits: counts.visits,
    medianDaysNeedToDisbursement: medianDays(counts.needDays),
    openNeeds: counts.openNeeds,
  };
}

/**
 * `GET /stats/commissioners`: what the commissioners did for the key50 enterprises in [from, to).
 * Each figure's definition is in CommissionerFiguresDto (and so in the OpenAPI document):
 * approvals by their business date, disbursements by disbursedOn, each counted for the
 * commissioner serving the enterprise on that day; visits and needs for the commissioner whose
 * log holds them. The total sums the commissioners' figures (nothing is counted twice, since
 * periods never overlap), except enterprisesServed (distinct) and the median (over all needs).
 */
@Injectable()
export class CommissionerStatsService {
  constructor(private readonly dataSource: DataSource) {}

  async commissioners(query: CommissionerStatsQueryDto): Promise<CommissionerStatsDto> {
    if (query.to <= query.from) {
      throw DomainError.validation('to', 'must be later than from');
    }
    const period = [query.from, query.to];
    const served = await this.dataSource.query<(Key & { enterprise_id: string })[]>(
      `${SERVICE}
       SELECT officer_id, bank_id, enterprise_id FROM service
        WHERE starts_on < service_end AND starts_on < $2 AND service_end > $1`,
      period,
    );
    const approvals = await this.dataSource.query<(Key & { fen: string })[]>(
      `${SERVICE}
       SELECT s.officer_id, s.bank_id, sum(m.approved_amount_fen)::text AS fen
         FROM matches m
         JOIN financing_requests r ON r.id = m.request_id
         JOIN service s ON s.enterprise_id = r.enterprise_id
                       AND ${APPROVED_ON} >= s.starts_on AND ${APPROVED_ON} < s.service_end
        WHERE m.status IN ('approved', 'disbursed')
          AND ${APPROVED_ON} >= $1 AND ${APPROVED_ON} < $2
        GROUP BY s.officer_id, s.bank_id`,
      period,
    );
    const disbursements = await this.dataSource.query<(Key & { fen: string; count: number })[]>(
      `${SERVICE}
       SELECT s.officer_id, s.bank_id, sum(m.disbursed_amount_fen)::text AS fen,
              count(*)::int AS count
         FROM matches m
         JOIN financing_requests r ON r.id = m.request_id
         JOIN service s ON s.enterprise_id = r.enterprise_id
                       AND m.disbursed_on >= s.starts_on AND m.disbursed_on < s.service_end
        WHERE m.status = 'disbursed' AND m.disbursed_on >= $1 AND m.disbursed_on < $2
        GROUP BY s.officer_id, s.bank_id`,
      period,
    );
    const visits = await this.dataSource.query<(Key & { count: number })[]>(
      `${SERVICE}
       SELECT s.officer_id, s.bank_id, count(*)::int AS count
         FROM commissioner_visits v
         JOIN service s ON s.id = v.assignment_id
        WHERE v.visited_on >= $1 AND v.visited_on < $2
        GROUP BY s.officer_id, s.bank_id`,
      period,
    );
    // Every need found before the period ends, with its request's first disbursement date.
    const needs = await this.dataSource.query<
      (Key & {
        visited_on: string;
        first_disbursed_on: string | null;
        request_status: string | null;
      })[]
    >(
      `${SERVICE}
       SELECT s.officer_id, s.bank_id, v.visited_on::text AS visited_on,
              first.disbursed_on::text AS first_disbursed_on, r.status AS request_status
         FROM commissioner_visits v
         JOIN service s ON s.id = v.assignment_id
         LEFT JOIN financing_requests r ON r.id = v.request_id
         LEFT JOIN LATERAL (
           SELECT min(m.disbursed_on) AS disbursed_on FROM matches m
            WHERE m.request_id = v.request_id AND m.status = 'disbursed'
         ) first ON true
        WHERE v.need_found AND v.visited_on < $1`,
      [query.to],
    );

    const total = emptyCounts();
    const rows = new Map<string, { key: Key; counts: Counts }>();
    const countsOf = (key: Key): Counts => {
      const id = `${key.officer_id}|${key.bank_id}`;
      let entry = rows.get(id);
      if (entry === undefined) {
        entry = {
          key: { officer_id: key.officer_id, bank_id: key.bank_id },
          counts: emptyCounts(),
        };
        rows.set(id, entry);
      }
      return entry.counts;
    };
    for (const row of served) {
      countsOf(row).enterprises.add(row.enterprise_id);
      total.enterprises.add(row.enterprise_id);
    }
    for (const row of approvals) {
      const fen = BigInt(row.fen);
      countsOf(row).approvedFen += fen;
      total.approvedFen += fen;
    }
    for (const row of disbursements) {
      const fen = BigInt(row.fen);
      const counts = countsOf(row);
      counts.disbursedFen += fen;
      counts.disbursements += row.count;
      total.disbursedFen += fen;
      total.disbursements += row.count;
    }
    for (const row of visits) {
      countsOf(row).visits += row.count;
      total.visits += row.count;
    }
    for (const need of needs) {
      const first = need.first_disbursed_on;
      if (first !== null && first >= query.from && first < query.to) {
        const days = daysBetween(need.visited_on, first);
        countsOf(need).needDays.push(days);
        total.needDays.push(days);
      }
      const disbursedByEnd = first !== null && first < query.to;
      const dropped = need.request_status === 'withdrawn' || need.request_status === 'closed';
      if (!disbursedByEnd && !dropped) {
        countsOf(need).openNeeds += 1;
        total.openNeeds += 1;
      }
    }

    const names = await this.names([...rows.values()].map((entry) => entry.key));
    const commissioners: CommissionerFiguresRowDto[] = [...rows.values()]
      .map(({ key, counts }) => ({
        officer: { id: key.officer_id, name: names.officers.get(key.officer_id) ?? '' },
        bank: { id: key.bank_id, name: names.banks.get(key.bank_id) ?? '' },
        ...toFigures(counts),
      }))
      .sort(
        (left, right) =>
          left.bank.name.localeCompare(right.bank.name, 'zh-CN') ||
          left.officer.name.localeCompare(right.officer.name, 'zh-CN') ||
          left.officer.id.localeCompare(right.officer.id),
      );
    return { from: query.from, to: query.to, commissioners, total: toFigures(total) };
  }

  private async names(
    keys: readonly Key[],
  ): Promise<{ officers: Map<string, string>; banks: Map<string, string> }> {
    const officers = await this.dataSource.query<{ id: string; name: string }[]>(
      'SELECT id, display_name AS name FROM users WHERE id = ANY($1::uuid[])',
      [[...new Set(keys.map((key) => key.officer_id))]],
    );
    const banks = await this.dataSource.query<{ id: string; name: string }[]>(
      'SELECT id, name FROM banks WHERE id = ANY($1::uuid[])',
      [[...new Set(keys.map((key) => key.bank_id))]],
    );
    return {
      officers: new Map(officers.map((row) => [row.id, row.name])),
      banks: new Map(banks.map((row) => [row.id, row.name])),
    };
  }
}
