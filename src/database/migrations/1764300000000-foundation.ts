import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity and the audit log. `banks` and `enterprises` start as minimal tables so a user row
 * can carry its tenant with a real foreign key; the registries extend them.
 */
export class Foundation1764300000000 implements MigrationInterface {
  name = 'Foundation1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE banks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE enterprises (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL,
        enterprise_id uuid NULL,
        bank_id uuid NULL,
        disabled_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_role_check
          CHECK (role IN ('enterprise', 'bank_officer', 'bank_president', 'admin', 'auditor')),
        -- Each role belongs to exactly one kind of tenant, or none.
        CONSTRAINT users_tenant_check CHECK (
          (role = 'enterprise' AND enterprise_id IS NOT NULL AND bank_id IS NULL)
          OR (role IN ('bank_officer', 'bank_president') AND bank_id IS NOT NULL
              AND enterprise_id IS NULL)
          OR (role IN ('admin', 'auditor') AND bank_id IS NULL AND enterprise_id IS NULL)
        ),
        CONSTRAINT users_enterprise_id_fkey FOREIGN KEY (enterprise_id) REFERENCES enterprises (id),
        CONSTRAINT users_bank_id_fkey FOREIGN KEY (bank_id) REFERENCES banks (id)
      );
      CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
      CREATE INDEX users_created_at_id_idx ON users (created_at DESC, id DESC);
      CREATE INDEX users_bank_id_idx ON users (bank_id) WHERE bank_id IS NOT NULL;
      CREATE INDEX users_enterprise_id_idx ON users (enterprise_id) WHERE enterprise_id IS NOT NULL;

      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id),
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        spent_at timestamptz NULL,
        revoked_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
      );
      CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
      CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

      -- Failed logins per username, for the 10-per-15-minutes rule; shared by all instances.
      CREATE TABLE login_failures (
        id bigserial PRIMARY KEY,
        username_key text NOT NULL,
        attempted_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX login_failures_username_idx ON login_failures (username_key, attempted_at);

      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        position bigserial NOT NULL,
        occurred_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        actor_id uuid NULL,
        actor_role text NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NULL,
        before jsonb NULL,
        after jsonb NULL,
        request_id text NULL,
        sequence bigint NULL,
        prev_hash text NULL,
        hash text NULL,
        CONSTRAINT audit_events_position_key UNIQUE (position),
        CONSTRAINT audit_events_sequence_key UNIQUE (sequence),
        CONSTRAINT audit_events_sealed_together CHECK (
          (sequence IS NULL AND prev_hash IS NULL AND hash IS NULL)
          OR (sequence IS NOT NULL AND prev_hash IS NOT NULL AND hash IS NOT NULL)
        )
      );
      CREATE INDEX audit_events_unsealed_idx ON audit_events (position) WHERE sequence IS NULL;
      CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, position);
      CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, position);
      CREATE INDEX audit_events_action_idx ON audit_events (action, position);
      CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);

      -- Append-only: the only UPDATE allowed is the sealer's one-time write of the three chain
      -- columns onto an unsealed row, leaving every other column as it was. Rows also arrive
      -- unsealed: a row inserted with chain columns would bypass the sealer and leave a forged
      -- link, a gap or a colliding sequence number in the chain.
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.sequence IS NULL AND NEW.prev_hash IS NULL AND NEW.hash IS NULL THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'audit_events is append-only: sealed % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP <> 'UPDATE' THEN
          RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.sequence IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
           AND NEW.sequence IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
           AND (NEW.id, NEW.position, NEW.occurred_at, NEW.actor_id, NEW.actor_role, NEW.action,
                NEW.entity_type, NEW.entity_id, NEW.before, NEW.after, NEW.request_id)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.position, OLD.occurred_at, OLD.actor_id, OLD.actor_role, OLD.action,
                OLD.entity_type, OLD.entity_id, OLD.before, OLD.after, OLD.request_id)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END;
      $$;
      CREATE TRIGGER audit_events_append_only_rows
        BEFORE INSERT OR UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
      CREATE TRIGGER audit_events_append_only_truncate
        BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE audit_events;
      DROP FUNCTION audit_events_append_only();
      DROP TABLE login_failures;
      DROP TABLE refresh_tokens;
      DROP TABLE users;
      DROP TABLE enterprises;
      DROP TABLE banks;
    `);
  }
}
