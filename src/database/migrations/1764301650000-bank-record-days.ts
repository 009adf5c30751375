import { MigrationInterface, QueryRunner } from 'typeorm';

/** A match's contribution to its bank's day row: (dispatched, accepted, disbursed, open). */
const CONTRIBUTION = `
  (c.dispatched_at AT TIME ZONE 'UTC')::date AS day,
  c.sign AS dispatched,
  c.sign * (c.accepted_at IS NOT NULL)::int AS accepted,
  c.sign * (c.status = 'disbursed')::int AS disbursed,
  c.sign * (c.status IN ('dispatched', 'accepted', 'approved'))::int AS open_matches`;

/**
 * The banks' record for the suggestions (issue 8, B5 in BENCHMARKS.md), kept so that reading it
 * does not scan the matches of the 180-day window and sort their accept times:
 *
 * - `bank_record_days`: per bank and UTC calendar day of dispatch, the matches dispatched, those
 *   accepted, those disbursed and those still open. Counts are additive, so the window
 *   [now − 180 × 24 h, ∞) is the sum of the whole days inside it plus the partial first day,
 *   counted from the raw matches (`matches_dispatched_at_idx`, under a day of rows); the open
 *   matches are the sum over all days. Exact at any instant, with no job to age rows out.
 * - `matches_bank_accept_ms_idx`: each bank's accepted matches ordered by time to accept (whole
 *   milliseconds, the value the median is taken over), with the dispatch and accept times
 *   included so the window is filtered in the index and the walk never reads the table. The
 *   exact median walks it to the middle one, whose rank the counts give, instead of sorting
 *   every accept time of the window.
 *
 * A statement-level trigger keeps the day rows in the transaction of every match write, whoever
 * writes; the additive upsert serializes concurrent writers of one bank-day row on its row lock.
 * `bank_record_days_rebuild()` recomputes them from the matches: the backfill here, and the
 * scale seed (which bulk-loads with the triggers off) calls it.
 */
export class BankRecordDays1764301650000 implements MigrationInterface {
  name = 'BankRecordDays1764301650000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE bank_record_days (
        bank_id uuid NOT NULL REFERENCES banks (id),
        day date NOT NULL,
        dispatched integer NOT NULL DEFAULT 0,
        accepted integer NOT NULL DEFAULT 0,
        disbursed integer NOT NULL DEFAULT 0,
        open_matches integer NOT NULL DEFAULT 0,
        PRIMARY KEY (bank_id, day)
      );

      CREATE INDEX matches_bank_accept_ms_idx ON matches
        (bank_id, ((extract(epoch FROM accepted_at - dispatched_at) * 1000)::bigint))
        INCLUDE (dispatched_at, accepted_at) WHERE accepted_at IS NOT NULL;

      CREATE FUNCTION bank_record_days_on_match() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          -- One row per bank-day: an upsert may not touch the same row twice in one statement.
          INSERT INTO bank_record_days AS d (bank_id, day, dispatched, accepted, disbursed,
                                             open_matches)
          SELECT bank_id, day, sum(dispatched), sum(accepted), sum(disbursed), sum(open_matches)
            FROM (SELECT c.bank_id, ${CONTRIBUTION}
                    FROM (SELECT 1 AS sign, n.* FROM new_rows n) c) contributions
           GROUP BY 1, 2
           ORDER BY 1, 2
          ON CONFLICT (bank_id, day) DO UPDATE SET
            dispatched = d.dispatched + excluded.dispatched,
            accepted = d.accepted + excluded.accepted,
            disbursed = d.disbursed + excluded.disbursed,
            open_matches = d.open_matches + excluded.open_matches;
        ELSE
          -- Only the rows whose record changes; opposite contributions of one day cancel out.
          INSERT INTO bank_record_days AS d (bank_id, day, dispatched, accepted, disbursed,
                                             open_matches)
          SELECT bank_id, day, sum(dispatched), sum(accepted), sum(disbursed), sum(open_matches)
            FROM (
              SELECT c.bank_id, ${CONTRIBUTION}
                FROM (SELECT -1 AS sign, o.* FROM old_rows o
                      UNION ALL
                      SELECT 1, n.* FROM new_rows n) c
               WHERE c.id IN (
                 SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
                  WHERE (o.bank_id, o.dispatched_at, o.accepted_at, o.status)
                        IS DISTINCT FROM (n.bank_id, n.dispatched_at, n.accepted_at, n.status))
            ) contributions
           GROUP BY 1, 2
          HAVING (sum(dispatched), sum(accepted), sum(disbursed), sum(open_matches)) <> (0, 0, 0, 0)
           ORDER BY 1, 2
          ON CONFLICT (bank_id, day) DO UPDATE SET
            dispatched = d.dispatched + excluded.dispatched,
            accepted = d.accepted + excluded.accepted,
            disbursed = d.disbursed + excluded.disbursed,
            open_matches = d.open_matches + excluded.open_matches;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER matches_record_days_insert AFTER INSERT ON matches
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION bank_record_days_on_match();
      CREATE TRIGGER matches_record_days_update AFTER UPDATE ON matches
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION bank_record_days_on_match();

      CREATE FUNCTION bank_record_days_rebuild() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE matches IN SHARE MODE;
        TRUNCATE bank_record_days;
        INSERT INTO bank_record_days (bank_id, day, dispatched, accepted, disbursed, open_matches)
        SELECT bank_id, day, sum(dispatched), sum(accepted), sum(disbursed), sum(open_matches)
          FROM (SELECT c.bank_id, ${CONTRIBUTION}
                  FROM (SELECT 1 AS sign, m.* FROM matches m) c) contributions
         GROUP BY 1, 2;
      END $$;

      SELECT bank_record_days_rebuild();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER matches_record_days_update ON matches;
      DROP TRIGGER matches_record_days_insert ON matches;
      DROP FUNCTION bank_record_days_rebuild();
      DROP FUNCTION bank_record_days_on_match();
      DROP INDEX matches_bank_accept_ms_idx;
      DROP TABLE bank_record_days;
    `);
  }
}
