import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { type BankRecord, RECORD_WINDOW_DAYS } from './suggestion-score.js';

const DAY_MILLISECONDS = 86_400_000;

interface BankRecordRow {
  bank_id: string;
  dispatched: number;
  disbursed: number;
  accepted: number;
  median_milliseconds: string | null;
  open_matches: number;
  active_officers: number;
}

/**
 * Each bank's record (migration 1764301650000-bank-record-days.ts), in one statement that never
 * reads the window's matches: the counts are the bank's day rows from the first whole UTC day
 * inside the window on, plus the matches dispatched in the window's partial first day; the open
 * matches are the sum of all its day rows. The median walks the bank's accept times in order
 * (whole milliseconds, integers exact in a double, so the midpoint of two is exact too, as
 * percentile_cont computes it) to the middle one or two, whose rank the accepted count gives.
 * Parameters: bankRecordParameters.
 */
export const BANK_RECORDS_SQL = `WITH days AS (
     SELECT d.bank_id,
            sum(d.dispatched) FILTER (WHERE d.day >= $3::date) AS dispatched,
            sum(d.disbursed) FILTER (WHERE d.day >= $3::date) AS disbursed,
            sum(d.accepted) FILTER (WHERE d.day >= $3::date) AS accepted,
            sum(d.open_matches) AS open_matches
       FROM bank_record_days d
      WHERE d.bank_id = ANY($1::uuid[])
      GROUP BY d.bank_id
   ), first_day AS (
     SELECT m.bank_id, count(*) AS dispatched,
            count(*) FILTER (WHERE m.status = 'disbursed') AS disbursed,
            count(*) FILTER (WHERE m.accepted_at IS NOT NULL) AS accepted
       FROM matches m
      WHERE m.dispatched_at >= $2::timestamptz AND m.dispatched_at < $4::timestamptz
        AND m.bank_id = ANY($1::uuid[])
      GROUP BY m.bank_id
   ), counts AS (
     SELECT b.id AS bank_id,
            (coalesce(days.dispatched, 0) + coalesce(first_day.dispatched, 0))::int AS dispatched,
            (coalesce(days.disbursed, 0) + coalesce(first_day.disbursed, 0))::int AS disbursed,
            (coalesce(days.accepted, 0) + coalesce(first_day.accepted, 0))::int AS accepted,
            coalesce(days.open_matches, 0)::int AS open_matches
       FROM banks b
       LEFT JOIN days ON days.bank_id = b.id
       LEFT JOIN first_day ON first_day.bank_id = b.id
      WHERE b.id = ANY($1::uuid[])
   )
   SELECT c.bank_id, c.dispatched, c.disbursed, c.accepted,
          (SELECT ((min(walk.ms) + max(walk.ms))::float8 / 2)::numeric::text
             FROM (SELECT (extract(epoch FROM m.accepted_at - m.dispatched_at) * 1000)::bigint
                            AS ms
                     FROM matches m
                    WHERE m.bank_id = c.bank_id AND m.accepted_at IS NOT NULL
                      AND m.dispatched_at >= $2::timestamptz
                    ORDER BY 1
                   OFFSET (c.accepted - 1) / 2 LIMIT 2 - c.accepted % 2) walk
            WHERE c.accepted > 0) AS median_milliseconds,
          c.open_matches,
          (SELECT count(*)::int FROM users u
            WHERE u.bank_id = c.bank_id AND u.disabled_at IS NULL
              AND u.role IN ('bank_officer', 'bank_president')) AS active_officers
     FROM counts c`;

/** The window [now − 180 × 24 h, ∞) and its first whole UTC day, for BANK_RECORDS_SQL. */
export function bankRecordParameters(bankIds: readonly string[], now: Date): unknown[] {
  const since = now.getTime() - RECORD_WINDOW_DAYS * DAY_MILLISECONDS;
  const firstWholeDay = new Date(Math.ceil(since / DAY_MILLISECONDS) * DAY_MILLISECONDS);
  return [bankIds, new Date(since), firstWholeDay.toISOString().slice(0, 10), firstWholeDay];
}

/** The banks' records the suggestions score, as of the Clock's now. */
@Injectable()
export class BankRecordsReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async records(bankIds: readonly string[]): Promise<BankRecord[]> {
    if (bankIds.length === 0) {
      return [];
    }
    const rows = await this.dataSource.query<BankRecordRow[]>(
      BANK_RECORDS_SQL,
      bankRecordParameters(bankIds, this.clock.now()),
    );
    return rows.map((row) => ({
      bankId: row.bank_id,
      dispatched: row.dispatched,
      disbursed: row.disbursed,
      accepted: row.accepted,
      medianMillisecondsToAccept: row.median_milliseconds,
      openMatches: row.open_matches,
      activeOfficers: row.active_officers,
    }));
  }
}
