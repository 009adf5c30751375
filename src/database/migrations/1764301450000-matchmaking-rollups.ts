import { MigrationInterface, QueryRunner } from 'typeorm';

/** The "all banks" scope of the roll-ups (a key column cannot be NULL). */
const ALL_BANKS = `'00000000-0000-0000-0000-000000000000'::uuid`;

/**
 * The presence rows of the given enterprises' matches, straight from the raw tables (`where`
 * filters `r`, the financing requests): per scope (all banks, and each bank), per kind — the
 * enterprise pushed, the enterprise funded (a disbursed match), the request (with its amount) —
 * one row per business day with a match, and the previous such day of the same entity.
 */
function presenceRows(where: string): string {
  return `
    WITH facts AS (
      SELECT DISTINCT r.enterprise_id, scope.bank_id AS scope_bank, kind.kind, kind.entity_id,
             (m.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date AS day, kind.amount_fen
        FROM matches m
        JOIN financing_requests r ON r.id = m.request_id
       CROSS JOIN LATERAL (VALUES (${ALL_BANKS}), (m.bank_id)) AS scope (bank_id)
       CROSS JOIN LATERAL (VALUES ('enterprise', r.enterprise_id, 0::bigint),
                                  ('funded', r.enterprise_id, 0::bigint),
                                  ('request', r.id, r.amount_fen)) AS kind (kind, entity_id, amount_fen)
       WHERE (kind.kind <> 'funded' OR m.status = 'disbursed') AND (${where})
    )
    SELECT f.scope_bank, f.kind, f.entity_id, f.day,
           lag(f.day) OVER (PARTITION BY f.scope_bank, f.kind, f.entity_id ORDER BY f.day),
           f.enterprise_id, e.region_code, f.amount_fen
      FROM facts f
      JOIN enterprises e ON e.id = f.enterprise_id`;
}

/**
 * Roll-ups that keep two hot reads independent of the history's size (issue 8, BENCHMARKS.md):
 *
 * - `bank_request_stakes`: one row per (bank, request) the bank holds or held a match for, with
 *   the request's status and creation time, so a bank's inbox is one index range
 *   (`bank_id, request_status, request_created_at DESC, request_id DESC`) instead of a walk of
 *   every request in that status probing for the bank.
 * - `matchmaking_daily`, `matchmaking_presence`, `matchmaking_accepts`: the 项目中心+行长制
 *   figures (MatchmakingStatsService) per business day × region, for all banks and per bank.
 *   Distinct counts (enterprises, each request's demand once) cannot be summed over days, so
 *   `matchmaking_presence` keeps, per entity, each day it was pushed and the previous such day:
 *   an entity has a day in [from, to) exactly when one of its rows lies in the range with no
 *   earlier day at or after `from` — either its first row ever (counted per day in
 *   `matchmaking_daily.first_*`) or a row whose previous day is before `from` (read from the
 *   presence table, a handful for ranges starting at the data's beginning). The accept times
 *   stay one row per accepted match: the median needs the values.
 *
 * Triggers keep every roll-up in the transaction of the change, whoever writes (services,
 * tests, SQL), so they cannot be forgotten. `matchmaking_rollups_rebuild()` recomputes them
 * from the raw tables: the migration's backfill, and the scale seed (which bulk-loads with the
 * triggers off) call it.
 */
export class MatchmakingRollups1764301450000 implements MigrationInterface {
  name = 'MatchmakingRollups1764301450000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE bank_request_stakes (
        bank_id uuid NOT NULL REFERENCES banks (id),
        request_id uuid NOT NULL REFERENCES financing_requests (id),
        request_status text NOT NULL,
        request_created_at timestamptz(3) NOT NULL,
        PRIMARY KEY (bank_id, request_id)
      );
      CREATE INDEX bank_request_stakes_status_idx ON bank_request_stakes
        (bank_id, request_status, request_created_at DESC, request_id DESC);
      CREATE INDEX bank_request_stakes_created_idx ON bank_request_stakes
        (bank_id, request_created_at DESC, request_id DESC);
      CREATE INDEX bank_request_stakes_request_idx ON bank_request_stakes (request_id);

      -- Share locks on the requests: a concurrent status change waits for this transaction,
      -- whose stake rows it then sees, or these inserts read the status it committed.
      CREATE FUNCTION bank_request_stakes_on_match() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM financing_requests
          WHERE id IN (SELECT request_id FROM new_rows) ORDER BY id FOR SHARE;
        INSERT INTO bank_request_stakes (bank_id, request_id, request_status, request_created_at)
        SELECT DISTINCT n.bank_id, r.id, r.status, r.created_at
          FROM new_rows n JOIN financing_requests r ON r.id = n.request_id
         ORDER BY 1, 2
        ON CONFLICT (bank_id, request_id) DO NOTHING;
        RETURN NULL;
      END $$;
      CREATE TRIGGER matches_bank_request_stakes AFTER INSERT ON matches
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION bank_request_stakes_on_match();

      CREATE FUNCTION bank_request_stakes_on_request() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE bank_request_stakes
           SET request_status = NEW.status, request_created_at = NEW.created_at
         WHERE request_id = NEW.id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER financing_requests_bank_request_stakes
        AFTER UPDATE OF status, created_at ON financing_requests FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.created_at IS DISTINCT FROM NEW.created_at)
        EXECUTE FUNCTION bank_request_stakes_on_request();

      CREATE TABLE matchmaking_daily (
        scope_bank uuid NOT NULL,
        day date NOT NULL,
        region_code text NOT NULL,
        matches_pushed integer NOT NULL DEFAULT 0,
        matches_accepted integer NOT NULL DEFAULT 0,
        matches_accepted_on_time integer NOT NULL DEFAULT 0,
        disbursed_fen bigint NOT NULL DEFAULT 0,
        open_escalations integer NOT NULL DEFAULT 0,
        first_enterprises integer NOT NULL DEFAULT 0,
        first_funded_enterprises integer NOT NULL DEFAULT 0,
        first_demand_fen bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (scope_bank, day, region_code)
      );

      CREATE TABLE matchmaking_presence (
        scope_bank uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('enterprise', 'funded', 'request')),
        entity_id uuid NOT NULL,
        day date NOT NULL,
        prev_day date NULL,
        enterprise_id uuid NOT NULL,
        region_code text NOT NULL,
        amount_fen bigint NOT NULL,
        PRIMARY KEY (scope_bank, kind, entity_id, day)
      );
      CREATE INDEX matchmaking_presence_enterprise_idx ON matchmaking_presence (enterprise_id);
      -- The repeats of a range: by its start (few rows before an early start) or by its days.
      CREATE INDEX matchmaking_presence_prev_idx ON matchmaking_presence (scope_bank, prev_day)
        INCLUDE (day, kind, region_code, amount_fen) WHERE prev_day IS NOT NULL;
      CREATE INDEX matchmaking_presence_day_idx ON matchmaking_presence (scope_bank, day)
        INCLUDE (prev_day, kind, region_code, amount_fen) WHERE prev_day IS NOT NULL;

      CREATE TABLE matchmaking_accepts (
        match_id uuid PRIMARY KEY REFERENCES matches (id),
        day date NOT NULL,
        bank_id uuid NOT NULL,
        region_code text NOT NULL,
        enterprise_id uuid NOT NULL,
        accept_ms bigint NOT NULL
      );
      -- A month's accept times by day; the median of a longer range walks the times in order
      -- (all banks, a region, a bank) and stops at the middle one.
      CREATE INDEX matchmaking_accepts_day_idx ON matchmaking_accepts (day)
        INCLUDE (bank_id, region_code, accept_ms);
      CREATE INDEX matchmaking_accepts_ms_idx ON matchmaking_accepts (accept_ms)
        INCLUDE (day, bank_id);
      CREATE INDEX matchmaking_accepts_region_idx ON matchmaking_accepts (region_code, accept_ms)
        INCLUDE (day, bank_id);
      CREATE INDEX matchmaking_accepts_bank_idx ON matchmaking_accepts (bank_id, accept_ms)
        INCLUDE (day);
      CREATE INDEX matchmaking_accepts_enterprise_idx ON matchmaking_accepts (enterprise_id);

      -- One match's counters, with sign +1 or -1, into the all-banks scope and its bank's.
      CREATE FUNCTION matchmaking_daily_add(m matches, region text, sign integer)
      RETURNS void LANGUAGE sql AS $$
        INSERT INTO matchmaking_daily AS d (scope_bank, day, region_code, matches_pushed,
               matches_accepted, matches_accepted_on_time, disbursed_fen, open_escalations)
        SELECT scope.bank_id, (m.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date, region, sign,
               sign * (m.accepted_at IS NOT NULL)::int,
               sign * coalesce(m.accepted_at <= m.response_due_at, false)::int,
               sign * CASE WHEN m.status = 'disbursed' THEN coalesce(m.disbursed_amount_fen, 0)
                           ELSE 0 END,
               sign * (m.status = 'dispatched' AND m.escalated_at IS NOT NULL)::int
          FROM (VALUES (${ALL_BANKS}), (m.bank_id)) AS scope (bank_id)
         ORDER BY 1
        ON CONFLICT (scope_bank, day, region_code) DO UPDATE SET
          matches_pushed = d.matches_pushed + excluded.matches_pushed,
          matches_accepted = d.matches_accepted + excluded.matches_accepted,
          matches_accepted_on_time = d.matches_accepted_on_time + excluded.matches_accepted_on_time,
          disbursed_fen = d.disbursed_fen + excluded.disbursed_fen,
          open_escalations = d.open_escalations + excluded.open_escalations
      $$;

      -- The first days of presence rows, with sign +1 or -1, into the daily counters.
      CREATE FUNCTION matchmaking_firsts_add(enterprise uuid, sign integer)
      RETURNS void LANGUAGE sql AS $$
        INSERT INTO matchmaking_daily AS d (scope_bank, day, region_code, first_enterprises,
               first_funded_enterprises, first_demand_fen)
        SELECT p.scope_bank, p.day, p.region_code,
               sign * count(*) FILTER (WHERE p.kind = 'enterprise'),
               sign * count(*) FILTER (WHERE p.kind = 'funded'),
               sign * coalesce(sum(p.amount_fen) FILTER (WHERE p.kind = 'request'), 0)
          FROM matchmaking_presence p
         WHERE p.enterprise_id = enterprise AND p.prev_day IS NULL
         GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3
        ON CONFLICT (scope_bank, day, region_code) DO UPDATE SET
          first_enterprises = d.first_enterprises + excluded.first_enterprises,
          first_funded_enterprises = d.first_funded_enterprises + excluded.first_funded_enterprises,
          first_demand_fen = d.first_demand_fen + excluded.first_demand_fen
      $$;

      -- Serializes the roll-up writes of one enterprise until commit: the next statement's
      -- snapshot sees what the previous holder committed, so the last refresh sees every change.
      -- Taken first by every trigger (after the enterprise's row lock), so two writers of one
      -- enterprise queue instead of deadlocking on the daily rows.
      CREATE FUNCTION matchmaking_lock(enterprise uuid) RETURNS void LANGUAGE sql AS $$
        SELECT pg_advisory_xact_lock(hashtext('matchmaking_rollups'), hashtext(enterprise::text));
      $$;

      -- Recomputes one enterprise's presence rows from the raw tables.
      CREATE FUNCTION matchmaking_presence_refresh(enterprise uuid)
      RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM matchmaking_lock(enterprise);
        PERFORM matchmaking_firsts_add(enterprise, -1);
        DELETE FROM matchmaking_presence WHERE enterprise_id = enterprise;
        INSERT INTO matchmaking_presence (scope_bank, kind, entity_id, day, prev_day, enterprise_id,
                                          region_code, amount_fen)
        ${presenceRows('r.enterprise_id = enterprise')};
        PERFORM matchmaking_firsts_add(enterprise, 1);
      END $$;

      -- Statement-level, so a bulk insert or the escalation sweep refreshes each enterprise
      -- once. Locks, in a fixed order: the enterprises' rows shared (a region change waits for
      -- this transaction and then moves what it wrote, or this reads the region it committed),
      -- then each enterprise's roll-up lock; only for the rows whose figures change.
      CREATE TYPE matchmaking_change AS (
        sign integer, id uuid, request_id uuid, bank_id uuid, status text,
        dispatched_at timestamptz, response_due_at timestamptz, escalated_at timestamptz,
        accepted_at timestamptz, disbursed_amount_fen bigint, accept_changed boolean,
        presence_changed boolean, enterprise_id uuid, region_code text
      );
      CREATE FUNCTION matchmaking_rollups_on_match() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changes matchmaking_change[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT array_agg(ROW(1, n.id, n.request_id, n.bank_id, n.status, n.dispatched_at,
                               n.response_due_at, n.escalated_at, n.accepted_at,
                               n.disbursed_amount_fen, true, true, NULL, NULL)::matchmaking_change)
            INTO changes
            FROM new_rows n;
        ELSE
          SELECT array_agg(ROW(side.sign, side.id, side.request_id, side.bank_id, side.status,
                 side.dispatched_at, side.response_due_at, side.escalated_at, side.accepted_at,
                 side.disbursed_amount_fen,
                 o.accepted_at IS DISTINCT FROM n.accepted_at
                   OR o.dispatched_at IS DISTINCT FROM n.dispatched_at
                   OR o.bank_id IS DISTINCT FROM n.bank_id,
                 o.dispatched_at IS DISTINCT FROM n.dispatched_at
                   OR o.bank_id IS DISTINCT FROM n.bank_id
                   OR (o.status = 'disbursed') IS DISTINCT FROM (n.status = 'disbursed'),
                 NULL, NULL)::matchmaking_change)
            INTO changes
            FROM old_rows o
            JOIN new_rows n ON n.id = o.id
           CROSS JOIN LATERAL (VALUES (-1, o.id, o.request_id, o.bank_id, o.status, o.dispatched_at,
                                      o.response_due_at, o.escalated_at, o.accepted_at,
                                      o.disbursed_amount_fen),
                                     (1, n.id, n.request_id, n.bank_id, n.status, n.dispatched_at,
                                      n.response_due_at, n.escalated_at, n.accepted_at,
                                      n.disbursed_amount_fen))
                 AS side (sign, id, request_id, bank_id, status, dispatched_at, response_due_at,
                          escalated_at, accepted_at, disbursed_amount_fen)
           WHERE (o.status, o.dispatched_at, o.bank_id, o.accepted_at, o.response_due_at,
                  o.escalated_at, o.disbursed_amount_fen)
                 IS DISTINCT FROM (n.status, n.dispatched_at, n.bank_id, n.accepted_at,
                  n.response_due_at, n.escalated_at, n.disbursed_amount_fen);
        END IF;
        IF changes IS NULL THEN
          RETURN NULL;
        END IF;
        PERFORM 1 FROM enterprises
          WHERE id IN (SELECT r.enterprise_id FROM unnest(changes) c
                         JOIN financing_requests r ON r.id = c.request_id)
          ORDER BY id FOR SHARE;
        SELECT array_agg(ROW(c.sign, c.id, c.request_id, c.bank_id, c.status, c.dispatched_at,
                             c.response_due_at, c.escalated_at, c.accepted_at,
                             c.disbursed_amount_fen, c.accept_changed, c.presence_changed,
                             e.id, e.region_code)::matchmaking_change)
          INTO changes
          FROM unnest(changes) c
          JOIN financing_requests r ON r.id = c.request_id
          JOIN enterprises e ON e.id = r.enterprise_id;
        PERFORM matchmaking_lock(enterprise_id)
           FROM (SELECT DISTINCT enterprise_id FROM unnest(changes) ORDER BY 1) changed;

        INSERT INTO matchmaking_daily AS d (scope_bank, day, region_code, matches_pushed,
               matches_accepted, matches_accepted_on_time, disbursed_fen, open_escalations)
        SELECT scope.bank_id, (c.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date, c.region_code,
               sum(c.sign), sum(c.sign * (c.accepted_at IS NOT NULL)::int),
               sum(c.sign * coalesce(c.accepted_at <= c.response_due_at, false)::int),
               sum(c.sign * CASE WHEN c.status = 'disbursed'
                                 THEN coalesce(c.disbursed_amount_fen, 0) ELSE 0 END),
               sum(c.sign * (c.status = 'dispatched' AND c.escalated_at IS NOT NULL)::int)
          FROM unnest(changes) c
         CROSS JOIN LATERAL (VALUES (${ALL_BANKS}), (c.bank_id)) AS scope (bank_id)
         GROUP BY 1, 2, 3
        HAVING (sum(c.sign), sum(c.sign * (c.accepted_at IS NOT NULL)::int),
                sum(c.sign * coalesce(c.accepted_at <= c.response_due_at, false)::int),
                sum(c.sign * CASE WHEN c.status = 'disbursed'
                                  THEN coalesce(c.disbursed_amount_fen, 0) ELSE 0 END),
                sum(c.sign * (c.status = 'dispatched' AND c.escalated_at IS NOT NULL)::int))
               <> (0, 0, 0, 0, 0)
         ORDER BY 1, 2, 3
        ON CONFLICT (scope_bank, day, region_code) DO UPDATE SET
          matches_pushed = d.matches_pushed + excluded.matches_pushed,
          matches_accepted = d.matches_accepted + excluded.matches_accepted,
          matches_accepted_on_time = d.matches_accepted_on_time + excluded.matches_accepted_on_time,
          disbursed_fen = d.disbursed_fen + excluded.disbursed_fen,
          open_escalations = d.open_escalations + excluded.open_escalations;

        DELETE FROM matchmaking_accepts
         WHERE match_id IN (SELECT id FROM unnest(changes) WHERE accept_changed AND sign = -1);
        INSERT INTO matchmaking_accepts (match_id, day, bank_id, region_code, enterprise_id, accept_ms)
        SELECT c.id, (c.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date, c.bank_id, c.region_code,
               c.enterprise_id, (extract(epoch FROM c.accepted_at - c.dispatched_at) * 1000)::bigint
          FROM unnest(changes) c
         WHERE c.accept_changed AND c.sign = 1 AND c.accepted_at IS NOT NULL;

        PERFORM matchmaking_presence_refresh(enterprise_id)
           FROM (SELECT DISTINCT enterprise_id FROM unnest(changes)
                  WHERE presence_changed ORDER BY 1) changed;
        RETURN NULL;
      END $$;
      CREATE TRIGGER matches_matchmaking_rollups_insert AFTER INSERT ON matches
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_rollups_on_match();
      CREATE TRIGGER matches_matchmaking_rollups_update AFTER UPDATE ON matches
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION matchmaking_rollups_on_match();

      -- A request's amount is its demand.
      CREATE FUNCTION matchmaking_rollups_on_request() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM matchmaking_presence_refresh(NEW.enterprise_id);
        IF OLD.enterprise_id <> NEW.enterprise_id THEN
          PERFORM matchmaking_presence_refresh(OLD.enterprise_id);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER financing_requests_matchmaking_rollups AFTER UPDATE ON financing_requests
        FOR EACH ROW
        WHEN (OLD.amount_fen IS DISTINCT FROM NEW.amount_fen
              OR OLD.enterprise_id IS DISTINCT FROM NEW.enterprise_id)
        EXECUTE FUNCTION matchmaking_rollups_on_request();

      -- An enterprise's region groups its figures: move its matches to the new region.
      CREATE FUNCTION matchmaking_rollups_on_enterprise() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        m matches;
      BEGIN
        PERFORM matchmaking_lock(NEW.id);
        FOR m IN SELECT matches.* FROM matches
                   JOIN financing_requests r ON r.id = matches.request_id
                  WHERE r.enterprise_id = NEW.id LOOP
          PERFORM matchmaking_daily_add(m, OLD.region_code, -1);
          PERFORM matchmaking_daily_add(m, NEW.region_code, 1);
        END LOOP;
        UPDATE matchmaking_accepts SET region_code = NEW.region_code WHERE enterprise_id = NEW.id;
        PERFORM matchmaking_presence_refresh(NEW.id);
        RETURN NULL;
      END $$;
      CREATE TRIGGER enterprises_matchmaking_rollups AFTER UPDATE OF region_code ON enterprises
        FOR EACH ROW WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code)
        EXECUTE FUNCTION matchmaking_rollups_on_enterprise();

      -- Everything above, recomputed from the raw tables (backfill; bulk loads).
      CREATE FUNCTION matchmaking_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE matches, financing_requests, enterprises IN SHARE MODE;
        TRUNCATE bank_request_stakes, matchmaking_daily, matchmaking_presence, matchmaking_accepts;
        INSERT INTO bank_request_stakes (bank_id, request_id, request_status, request_created_at)
        SELECT DISTINCT m.bank_id, r.id, r.status, r.created_at
          FROM matches m JOIN financing_requests r ON r.id = m.request_id;
        INSERT INTO matchmaking_presence (scope_bank, kind, entity_id, day, prev_day, enterprise_id,
                                          region_code, amount_fen)
        ${presenceRows('true')};
        INSERT INTO matchmaking_accepts (match_id, day, bank_id, region_code, enterprise_id, accept_ms)
        SELECT m.id, (m.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date, m.bank_id, e.region_code,
               e.id, (extract(epoch FROM m.accepted_at - m.dispatched_at) * 1000)::bigint
          FROM matches m
          JOIN financing_requests r ON r.id = m.request_id
          JOIN enterprises e ON e.id = r.enterprise_id
         WHERE m.accepted_at IS NOT NULL;
        INSERT INTO matchmaking_daily (scope_bank, day, region_code, matches_pushed,
               matches_accepted, matches_accepted_on_time, disbursed_fen, open_escalations,
               first_enterprises, first_funded_enterprises, first_demand_fen)
        SELECT scope_bank, day, region_code, sum(pushed), sum(accepted), sum(on_time),
               sum(disbursed_fen), sum(open_escalations), sum(first_enterprises),
               sum(first_funded), sum(first_demand_fen)
          FROM (
            SELECT scope.bank_id AS scope_bank,
                   (m.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date AS day, e.region_code,
                   1 AS pushed, (m.accepted_at IS NOT NULL)::int AS accepted,
                   coalesce(m.accepted_at <= m.response_due_at, false)::int AS on_time,
                   CASE WHEN m.status = 'disbursed' THEN coalesce(m.disbursed_amount_fen, 0)
                        ELSE 0 END AS disbursed_fen,
                   (m.status = 'dispatched' AND m.escalated_at IS NOT NULL)::int AS open_escalations,
                   0 AS first_enterprises, 0 AS first_funded, 0::bigint AS first_demand_fen
              FROM matches m
              JOIN financing_requests r ON r.id = m.request_id
              JOIN enterprises e ON e.id = r.enterprise_id
             CROSS JOIN LATERAL (VALUES (${ALL_BANKS}), (m.bank_id)) AS scope (bank_id)
            UNION ALL
            SELECT p.scope_bank, p.day, p.region_code, 0, 0, 0, 0, 0,
                   (p.kind = 'enterprise')::int, (p.kind = 'funded')::int,
                   CASE WHEN p.kind = 'request' THEN p.amount_fen ELSE 0 END
              FROM matchmaking_presence p
             WHERE p.prev_day IS NULL
          ) contributions
         GROUP BY scope_bank, day, region_code;
      END $$;

      SELECT matchmaking_rollups_rebuild();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER enterprises_matchmaking_rollups ON enterprises;
      DROP TRIGGER financing_requests_matchmaking_rollups ON financing_requests;
      DROP TRIGGER matches_matchmaking_rollups_update ON matches;
      DROP TRIGGER matches_matchmaking_rollups_insert ON matches;
      DROP TRIGGER financing_requests_bank_request_stakes ON financing_requests;
      DROP TRIGGER matches_bank_request_stakes ON matches;
      DROP FUNCTION matchmaking_rollups_rebuild();
      DROP FUNCTION matchmaking_rollups_on_enterprise();
      DROP FUNCTION matchmaking_rollups_on_request();
      DROP FUNCTION matchmaking_rollups_on_match();
      DROP TYPE matchmaking_change;
      DROP FUNCTION matchmaking_presence_refresh(uuid);
      DROP FUNCTION matchmaking_lock(uuid);
      DROP FUNCTION matchmaking_firsts_add(uuid, integer);
      DROP FUNCTION matchmaking_daily_add(matches, text, integer);
      DROP FUNCTION bank_request_stakes_on_request();
      DROP FUNCTION bank_request_stakes_on_match();
      DROP TABLE matchmaking_accepts, matchmaking_presence, matchmaking_daily, bank_request_stakes;
    `);
  }
}
