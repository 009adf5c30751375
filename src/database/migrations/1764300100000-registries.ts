import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registries: regions (reference data, seeded with Tonghua's seven county-level units),
 * banks and their loan products, the LPR series, enterprises, key projects and their surveys.
 * Money is BIGINT fen; rates are NUMERIC; every list filter has an index (named after it).
 */
export class Registries1764300100000 implements MigrationInterface {
  name = 'Registries1764300100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE regions (
        code text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
        name text NOT NULL,
        -- The city a county-level unit belongs to (GB/T 2260), so another city can be loaded.
        city_code text NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
        sort_order integer NOT NULL DEFAULT 0
      );
      INSERT INTO regions (code, name, city_code, sort_order) VALUES
        ('220502', '东昌区', '220500', 1),
        ('220503', '二道江区', '220500', 2),
        ('220521', '通化县', '220500', 3),
        ('220523', '辉南县', '220500', 4),
        ('220524', '柳河县', '220500', 5),
        ('220581', '梅河口市', '220500', 6),
        ('220582', '集安市', '220500', 7);

      -- Banks: the foundation's stub grows into the registry.
      ALTER TABLE banks
        ADD COLUMN short_name text NULL,
        ADD COLUMN kind text NOT NULL DEFAULT 'other'
          CHECK (kind IN ('state_owned', 'joint_stock', 'city_commercial', 'rural', 'policy', 'other')),
        ADD COLUMN region_code text NULL REFERENCES regions (code),
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      CREATE UNIQUE INDEX banks_name_key ON banks (name);
      -- Exactly one active president per bank (行长制: one person answers for each case).
      CREATE UNIQUE INDEX users_one_active_president_per_bank
        ON users (bank_id) WHERE role = 'bank_president' AND disabled_at IS NULL;

      -- Loan prime rate, published monthly; products may quote LPR + spread.
      CREATE TABLE lpr_rates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenor text NOT NULL CHECK (tenor IN ('1y', '5y')),
        effective_on date NOT NULL,
        rate numeric(8, 6) NOT NULL CHECK (rate > 0 AND rate < 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT lpr_rates_tenor_effective_on_key UNIQUE (tenor, effective_on)
      );
      INSERT INTO lpr_rates (tenor, effective_on, rate) VALUES
        ('1y', '2025-05-20', 0.030000),
        ('5y', '2025-05-20', 0.035000);

      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bank_id uuid NOT NULL REFERENCES banks (id),
        name text NOT NULL,
        category text NOT NULL
          CHECK (category IN ('credit', 'mortgage', 'pledge', 'guarantee', 'supply_chain')),
        min_amount_fen bigint NOT NULL CHECK (min_amount_fen > 0),
        max_amount_fen bigint NOT NULL,
        min_term_months integer NOT NULL CHECK (min_term_months > 0),
        max_term_months integer NOT NULL,
        -- 'fixed': min/max_annual_rate; 'lpr': lpr_tenor + min/max_spread_bp.
        rate_kind text NOT NULL CHECK (rate_kind IN ('fixed', 'lpr')),
        min_annual_rate numeric(8, 6) NULL,
        max_annual_rate numeric(8, 6) NULL,
        lpr_tenor text NULL CHECK (lpr_tenor IN ('1y', '5y')),
        min_spread_bp integer NULL,
        max_spread_bp integer NULL,
        eligible_regions text[] NOT NULL DEFAULT '{}',
        eligible_industries text[] NOT NULL DEFAULT '{}',
        eligible_scales text[] NOT NULL DEFAULT '{}',
        guarantee_types text[] NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT products_amount_range CHECK (min_amount_fen <= max_amount_fen),
        CONSTRAINT products_term_range CHECK (min_term_months <= max_term_months),
        CONSTRAINT products_rate_shape CHECK (
          (rate_kind = 'fixed' AND min_annual_rate IS NOT NULL AND max_annual_rate IS NOT NULL
            AND min_annual_rate > 0 AND min_annual_rate <= max_annual_rate
            AND lpr_tenor IS NULL AND min_spread_bp IS NULL AND max_spread_bp IS NULL)
          OR (rate_kind = 'lpr' AND lpr_tenor IS NOT NULL AND min_spread_bp IS NOT NULL
            AND max_spread_bp IS NOT NULL AND min_spread_bp <= max_spread_bp
            AND min_annual_rate IS NULL AND max_annual_rate IS NULL)
        ),
        CONSTRAINT products_guarantee_types CHECK (
          guarantee_types <@ ARRAY['credit', 'mortgage', 'pledge', 'guarantee']::text[]),
        CONSTRAINT products_eligible_scales CHECK (
          eligible_scales <@ ARRAY['micro', 'small', 'medium', 'large']::text[])
      );
      -- The supermarket lists newest first within a bank or across banks.
      CREATE INDEX products_bank_created_idx ON products (bank_id, created_at DESC, id DESC);
      CREATE INDEX products_active_created_idx ON products (created_at DESC, id DESC) WHERE active;
      CREATE INDEX products_amount_idx ON products (min_amount_fen, max_amount_fen) WHERE active;
      CREATE INDEX products_tags_idx ON products USING gin (tags);

      -- Enterprises: the stub grows into the registry.
      ALTER TABLE enterprises
        ADD COLUMN credit_code text NOT NULL,
        ADD COLUMN credit_code_override_reason text NULL,
        ADD COLUMN region_code text NOT NULL REFERENCES regions (code),
        ADD COLUMN industry text NOT NULL CHECK (industry IN (
          'agriculture', 'industry', 'construction', 'wholesale', 'retail', 'transport',
          'warehousing', 'postal', 'accommodation', 'catering', 'information_transmission',
          'software_it', 'real_estate', 'property_management', 'leasing_business', 'other')),
        ADD COLUMN employees integer NOT NULL CHECK (employees >= 0),
        ADD COLUMN revenue_fen bigint NOT NULL CHECK (revenue_fen >= 0),
        ADD COLUMN assets_fen bigint NOT NULL CHECK (assets_fen >= 0),
        ADD COLUMN scale text NOT NULL CHECK (scale IN ('micro', 'small', 'medium', 'large')),
        -- Which version of the size standard produced the scale.
        ADD COLUMN scale_standard text NOT NULL,
        ADD COLUMN legal_representative text NULL,
        ADD COLUMN contact_phone text NULL,
        ADD COLUMN tags text[] NOT NULL DEFAULT '{}'
          CHECK (tags <@ ARRAY['specialized', 'key50']::text[]),
        ADD COLUMN verified_at timestamptz(3) NULL,
        ADD COLUMN verified_by uuid NULL REFERENCES users (id),
        ADD COLUMN updated_at timestamptz(3) NOT NULL DEFAULT now(),
        ADD CONSTRAINT enterprises_credit_code_normalised CHECK (credit_code = upper(btrim(credit_code)));
      ALTER TABLE enterprises ALTER COLUMN created_at TYPE timestamptz(3);
      CREATE UNIQUE INDEX enterprises_credit_code_key ON enterprises (credit_code);
      CREATE INDEX enterprises_created_idx ON enterprises (created_at DESC, id DESC);
      CREATE INDEX enterprises_region_idx ON enterprises (region_code, created_at DESC, id DESC);
      CREATE INDEX enterprises_tags_idx ON enterprises USING gin (tags);

      CREATE TABLE projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        name text NOT NULL,
        region_code text NOT NULL REFERENCES regions (code),
        kind text NOT NULL CHECK (kind IN ('new', 'continuing')),
        total_investment_fen bigint NOT NULL CHECK (total_investment_fen >= 0),
        planned_investment_fen bigint NOT NULL CHECK (planned_investment_fen >= 0),
        status text NOT NULL CHECK (status IN ('planned', 'started', 'completed', 'suspended')),
        started_on date NULL,
        progress_percent numeric(5, 2) NOT NULL DEFAULT 0
          CHECK (progress_percent >= 0 AND progress_percent <= 100),
        funding_gap_fen bigint NOT NULL DEFAULT 0 CHECK (funding_gap_fen >= 0),
        financing_intent boolean NOT NULL DEFAULT false,
        notes text NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        -- The CSV import upserts by (enterprise, project name).
        CONSTRAINT projects_enterprise_name_key UNIQUE (enterprise_id, name)
      );
      CREATE INDEX projects_created_idx ON projects (created_at DESC, id DESC);
      CREATE INDEX projects_region_status_idx ON projects (region_code, status);
      CREATE INDEX projects_with_gap_idx ON projects (created_at DESC, id DESC)
        WHERE funding_gap_fen > 0;

      -- 调度: every change of gap, progress or status, dated, so the gap's history is answerable.
      CREATE TABLE project_surveys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects (id),
        surveyed_at timestamptz(3) NOT NULL DEFAULT now(),
        -- Business date in Asia/Shanghai.
        surveyed_on date NOT NULL,
        actor_id uuid NULL REFERENCES users (id),
        source text NOT NULL CHECK (source IN ('create', 'update', 'import')),
        old_funding_gap_fen bigint NULL,
        new_funding_gap_fen bigint NOT NULL,
        old_progress_percent numeric(5, 2) NULL,
        new_progress_percent numeric(5, 2) NOT NULL,
        old_status text NULL,
        new_status text NOT NULL
      );
      CREATE INDEX project_surveys_project_idx ON project_surveys (project_id, surveyed_at DESC, id DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE project_surveys;
      DROP TABLE projects;
      ALTER TABLE enterprises
        DROP COLUMN credit_code, DROP COLUMN credit_code_override_reason, DROP COLUMN region_code,
        DROP COLUMN industry, DROP COLUMN employees, DROP COLUMN revenue_fen, DROP COLUMN assets_fen,
        DROP COLUMN scale, DROP COLUMN scale_standard, DROP COLUMN legal_representative,
        DROP COLUMN contact_phone, DROP COLUMN tags, DROP COLUMN verified_at,
        DROP COLUMN verified_by, DROP COLUMN updated_at;
      DROP TABLE products;
      DROP TABLE lpr_rates;
      DROP INDEX users_one_active_president_per_bank;
      DROP INDEX banks_name_key;
      ALTER TABLE banks DROP COLUMN short_name, DROP COLUMN kind, DROP COLUMN region_code,
        DROP COLUMN updated_at;
      DROP TABLE regions;
    `);
  }
}
