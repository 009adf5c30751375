import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 项目中心+行长制: financing requests, their matches with banks (one per bank while open), the
 * timeline of every transition, officer assignment history, decline reasons (seeded, editable),
 * the working-day calendar and in-app notifications.
 */
export class Matchmaking1764300400000 implements MigrationInterface {
  name = 'Matchmaking1764300400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      -- Working days skip weekends and holidays; a 'workday' row makes a weekend day a working
      -- day (China's 调休 make-up days).
      CREATE TABLE calendar_days (
        day date PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
        name text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      );

      CREATE TABLE decline_reasons (
        code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,49}$'),
        label text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        sort_order integer NOT NULL DEFAULT 0
      );
      INSERT INTO decline_reasons (code, label, sort_order) VALUES
        ('insufficient_collateral', '抵押担保不足', 1),
        ('credit_history', '信用记录不良', 2),
        ('outside_appetite', '不符合授信政策', 3),
        ('enterprise_withdrew', '企业主动放弃', 4),
        ('documents_incomplete', '资料不齐全', 5),
        ('other', '其他', 6);

      -- 融资需求
      CREATE TABLE financing_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        project_id uuid NULL REFERENCES projects (id),
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        term_months integer NOT NULL CHECK (term_months > 0 AND term_months <= 600),
        purpose text NOT NULL
          CHECK (purpose IN ('working_capital', 'fixed_asset', 'project', 'other')),
        guarantee_offered text NOT NULL
          CHECK (guarantee_offered IN ('credit', 'mortgage', 'pledge', 'guarantee')),
        rate_ceiling numeric(8, 6) NULL CHECK (rate_ceiling > 0 AND rate_ceiling < 1),
        description text NULL,
        status text NOT NULL DEFAULT 'submitted'
          CHECK (status IN ('submitted', 'dispatched', 'funded', 'withdrawn', 'closed')),
        -- An admin may file on an enterprise's behalf; recorded as such.
        created_by uuid NOT NULL REFERENCES users (id),
        on_behalf boolean NOT NULL DEFAULT false,
        close_reason text NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT financing_requests_close_reason CHECK (status <> 'closed' OR close_reason IS NOT NULL)
      );
      CREATE INDEX financing_requests_created_idx ON financing_requests (created_at DESC, id DESC);
      CREATE INDEX financing_requests_status_idx ON financing_requests (status, created_at DESC, id DESC);
      CREATE INDEX financing_requests_enterprise_idx
        ON financing_requests (enterprise_id, created_at DESC, id DESC);

      -- 对接: one request pushed to one bank; its president answers for it.
      CREATE TABLE matches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id uuid NOT NULL REFERENCES financing_requests (id),
        bank_id uuid NOT NULL REFERENCES banks (id),
        product_id uuid NULL REFERENCES products (id),
        status text NOT NULL DEFAULT 'dispatched' CHECK (status IN (
          'dispatched', 'accepted', 'approved', 'disbursed', 'declined', 'recalled', 'cancelled')),
        president_id uuid NOT NULL REFERENCES users (id),
        officer_id uuid NULL REFERENCES users (id),
        dispatched_by uuid NOT NULL REFERENCES users (id),
        dispatched_at timestamptz(3) NOT NULL DEFAULT now(),
        response_due_at timestamptz(3) NOT NULL,
        escalated_at timestamptz(3) NULL,
        accepted_at timestamptz(3) NULL,
        approved_at timestamptz(3) NULL,
        approved_amount_fen bigint NULL CHECK (approved_amount_fen > 0),
        annual_rate numeric(8, 6) NULL CHECK (annual_rate > 0 AND annual_rate < 1),
        approved_term_months integer NULL CHECK (approved_term_months > 0),
        disbursed_at timestamptz(3) NULL,
        disbursed_amount_fen bigint NULL CHECK (disbursed_amount_fen > 0),
        disbursed_on date NULL,
        contract_no text NULL,
        closed_at timestamptz(3) NULL,
        decline_reason_code text NULL REFERENCES decline_reasons (code),
        decline_reason text NULL,
        recall_reason text NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT matches_disbursed_within_approved
          CHECK (disbursed_amount_fen IS NULL OR disbursed_amount_fen <= approved_amount_fen),
        CONSTRAINT matches_declined_with_reason CHECK (
          status <> 'declined' OR (decline_reason_code IS NOT NULL AND decline_reason IS NOT NULL))
      );
      -- Never dispatched twice to the same bank while a match is open.
      CREATE UNIQUE INDEX matches_one_open_per_bank ON matches (request_id, bank_id)
        WHERE status IN ('dispatched', 'accepted', 'approved');
      CREATE INDEX matches_request_idx ON matches (request_id, dispatched_at);
      CREATE INDEX matches_bank_idx ON matches (bank_id, status, response_due_at, id);
      CREATE INDEX matches_bank_created_idx ON matches (bank_id, created_at DESC, id DESC);
      CREATE INDEX matches_created_idx ON matches (created_at DESC, id DESC);
      CREATE INDEX matches_officer_idx ON matches (officer_id, status) WHERE officer_id IS NOT NULL;
      -- The escalation sweep reads only breached, not yet escalated, dispatched matches.
      CREATE INDEX matches_due_idx ON matches (response_due_at)
        WHERE status = 'dispatched' AND escalated_at IS NULL;
      CREATE INDEX matches_dispatched_at_idx ON matches (dispatched_at);

      CREATE TABLE match_assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        match_id uuid NOT NULL REFERENCES matches (id),
        officer_id uuid NOT NULL REFERENCES users (id),
        assigned_by uuid NOT NULL REFERENCES users (id),
        assigned_at timestamptz(3) NOT NULL DEFAULT now()
      );
      CREATE INDEX match_assignments_match_idx ON match_assignments (match_id, assigned_at);

      -- The timeline a request shows: every transition of the request and its matches.
      CREATE TABLE request_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id uuid NOT NULL REFERENCES financing_requests (id),
        match_id uuid NULL REFERENCES matches (id),
        action text NOT NULL,
        from_status text NULL,
        to_status text NULL,
        actor_id uuid NULL REFERENCES users (id),
        actor_role text NULL,
        occurred_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        details jsonb NULL
      );
      CREATE INDEX request_events_request_idx ON request_events (request_id, occurred_at, id);

      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        entity_type text NULL,
        entity_id uuid NULL,
        read_at timestamptz(3) NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      );
      -- Own notifications, unread first, newest first.
      CREATE INDEX notifications_user_idx
        ON notifications (user_id, (read_at IS NOT NULL), created_at DESC, id DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE notifications;
      DROP TABLE request_events;
      DROP TABLE match_assignments;
      DROP TABLE matches;
      DROP TABLE financing_requests;
      DROP TABLE decline_reasons;
      DROP TABLE calendar_days;
    `);
  }
}
