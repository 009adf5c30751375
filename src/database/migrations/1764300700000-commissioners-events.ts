import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 金融服务专员 (commissioner assignments and their service log) and 融资对接活动 (matchmaking
 * events, their participants and the financing intents pledged there).
 */
export class CommissionersEvents1764300700000 implements MigrationInterface {
  name = 'CommissionersEvents1764300700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      -- 金融服务专员: a bank officer serving one enterprise. Service runs from starts_on to the
      -- day before ended_on once ended, else through term_ends_on (inclusive).
      CREATE TABLE commissioner_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        officer_id uuid NOT NULL REFERENCES users (id),
        -- The officer's bank when appointed, for the president's view and the figures.
        bank_id uuid NOT NULL REFERENCES banks (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        starts_on date NOT NULL,
        term_ends_on date NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
        -- First day no longer served (exclusive end).
        ended_on date NULL,
        end_cause text NULL CHECK (end_cause IN ('ended', 'reassigned')),
        end_reason text NULL,
        -- Deferred: the replaced row is ended before its successor is inserted.
        replaced_by uuid NULL REFERENCES commissioner_assignments (id) DEFERRABLE INITIALLY DEFERRED,
        ended_at timestamptz(3) NULL,
        ended_by uuid NULL REFERENCES users (id),
        assigned_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT commissioner_assignments_term CHECK (term_ends_on >= starts_on),
        CONSTRAINT commissioner_assignments_ended CHECK (
          (status = 'active' AND ended_on IS NULL AND end_cause IS NULL AND ended_at IS NULL)
          OR (status = 'ended' AND ended_on IS NOT NULL AND end_cause IS NOT NULL
              AND ended_at IS NOT NULL)),
        CONSTRAINT commissioner_assignments_ended_within_term CHECK (
          ended_on IS NULL OR (ended_on >= starts_on AND ended_on <= term_ends_on + 1))
      );
      -- At most one active commissioner per enterprise, whatever the concurrency.
      CREATE UNIQUE INDEX commissioner_assignments_one_active
        ON commissioner_assignments (enterprise_id) WHERE status = 'active';
      -- The visibility rule: the caller's active assignments.
      CREATE INDEX commissioner_assignments_officer_active_idx
        ON commissioner_assignments (officer_id, enterprise_id) WHERE status = 'active';
      CREATE INDEX commissioner_assignments_created_idx
        ON commissioner_assignments (created_at DESC, id DESC);
      CREATE INDEX commissioner_assignments_enterprise_idx
        ON commissioner_assignments (enterprise_id, created_at DESC, id DESC);
      CREATE INDEX commissioner_assignments_officer_idx
        ON commissioner_assignments (officer_id, created_at DESC, id DESC);
      CREATE INDEX commissioner_assignments_bank_idx
        ON commissioner_assignments (bank_id, created_at DESC, id DESC);

      -- The commissioner's service log (走访记录); a need found may become a financing request.
      CREATE TABLE commissioner_visits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        assignment_id uuid NOT NULL REFERENCES commissioner_assignments (id),
        visited_on date NOT NULL,
        kind text NOT NULL CHECK (kind IN ('onsite', 'phone', 'online', 'meeting')),
        notes text NOT NULL,
        need_found boolean NOT NULL DEFAULT false,
        need_amount_fen bigint NULL CHECK (need_amount_fen > 0),
        request_id uuid NULL UNIQUE REFERENCES financing_requests (id),
        filed_at timestamptz(3) NULL,
        filed_by uuid NULL REFERENCES users (id),
        recorded_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT commissioner_visits_need CHECK (
          (need_found AND need_amount_fen IS NOT NULL)
          OR (NOT need_found AND need_amount_fen IS NULL AND request_id IS NULL)),
        CONSTRAINT commissioner_visits_filed CHECK (
          (request_id IS NULL) = (filed_at IS NULL) AND (request_id IS NULL) = (filed_by IS NULL))
      );
      CREATE INDEX commissioner_visits_assignment_idx
        ON commissioner_visits (assignment_id, visited_on DESC, id DESC);
      CREATE INDEX commissioner_visits_visited_idx ON commissioner_visits (visited_on);

      -- 融资对接活动
      CREATE TABLE matchmaking_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        theme text NOT NULL,
        held_on date NOT NULL,
        format text NOT NULL CHECK (format IN ('online', 'offline')),
        location text NULL,
        description text NULL,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      );
      CREATE INDEX matchmaking_events_held_idx ON matchmaking_events (held_on DESC, id DESC);

      CREATE TABLE event_banks (
        event_id uuid NOT NULL REFERENCES matchmaking_events (id),
        bank_id uuid NOT NULL REFERENCES banks (id),
        added_by uuid NOT NULL REFERENCES users (id),
        added_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, bank_id)
      );
      CREATE INDEX event_banks_bank_idx ON event_banks (bank_id);

      CREATE TABLE event_enterprises (
        event_id uuid NOT NULL REFERENCES matchmaking_events (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        added_by uuid NOT NULL REFERENCES users (id),
        added_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, enterprise_id)
      );
      CREATE INDEX event_enterprises_enterprise_idx ON event_enterprises (enterprise_id);

      -- 融资意向: an amount an enterprise and a bank pledged at the event; both must take part.
      CREATE TABLE event_intents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL,
        enterprise_id uuid NOT NULL,
        bank_id uuid NOT NULL,
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'converted')),
        request_id uuid NULL UNIQUE REFERENCES financing_requests (id),
        match_id uuid NULL UNIQUE REFERENCES matches (id),
        converted_at timestamptz(3) NULL,
        converted_by uuid NULL REFERENCES users (id),
        recorded_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT event_intents_enterprise_takes_part FOREIGN KEY (event_id, enterprise_id)
          REFERENCES event_enterprises (event_id, enterprise_id),
        CONSTRAINT event_intents_bank_takes_part FOREIGN KEY (event_id, bank_id)
          REFERENCES event_banks (event_id, bank_id),
        CONSTRAINT event_intents_converted CHECK (
          (status = 'open' AND request_id IS NULL AND match_id IS NULL AND converted_at IS NULL)
          OR (status = 'converted' AND request_id IS NOT NULL AND match_id IS NOT NULL
              AND converted_at IS NOT NULL AND converted_by IS NOT NULL))
      );
      CREATE INDEX event_intents_event_idx ON event_intents (event_id, created_at DESC, id DESC);
      CREATE INDEX event_intents_bank_idx ON event_intents (bank_id, event_id);
      CREATE INDEX event_intents_enterprise_idx ON event_intents (enterprise_id, event_id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE event_intents;
      DROP TABLE event_enterprises;
      DROP TABLE event_banks;
      DROP TABLE matchmaking_events;
      DROP TABLE commissioner_visits;
      DROP TABLE commissioner_assignments;
    `);
  }
}
