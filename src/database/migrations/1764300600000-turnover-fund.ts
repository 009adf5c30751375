import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 应急周转基金: funds with their settings and stored balances, applications (转贷申请) with the
 * terms copied at approval, their document references, and a double-entry ledger per fund.
 *
 * Guarantees held by the database itself, whatever the code does:
 * - no fund's cash or outstanding receivable ever goes below zero (CHECK);
 * - every journal balances (Σ debit = Σ credit over at least two lines), checked at commit by a
 *   deferred constraint trigger, so a transaction cannot commit half a posting;
 * - journals and their lines are append-only (UPDATE, DELETE and TRUNCATE refused);
 * - one open application per enterprise (partial unique index), race-safe;
 * - the disburser is never the approver (four eyes).
 */
export class TurnoverFund1764300600000 implements MigrationInterface {
  name = 'TurnoverFund1764300600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE turnover_funds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        -- Fee schedule: tier1_daily_rate for days 1..tier_days, tier2_daily_rate beyond.
        tier_days integer NOT NULL CHECK (tier_days BETWEEN 1 AND 365),
        tier1_daily_rate numeric(13, 10) NOT NULL CHECK (tier1_daily_rate >= 0 AND tier1_daily_rate < 1),
        tier2_daily_rate numeric(13, 10) NOT NULL CHECK (tier2_daily_rate >= 0 AND tier2_daily_rate < 1),
        overdue_daily_rate numeric(13, 10) NOT NULL
          CHECK (overdue_daily_rate >= 0 AND overdue_daily_rate < 1),
        day_count text NOT NULL CHECK (day_count IN ('calendar', 'working')),
        max_days integer NOT NULL CHECK (max_days BETWEEN 1 AND 365),
        per_use_cap_fen bigint NOT NULL CHECK (per_use_cap_fen > 0),
        -- The use may be at most this share of the bank's committed renewal.
        commitment_cap_ratio numeric(5, 4) NOT NULL DEFAULT 0.95
          CHECK (commitment_cap_ratio > 0 AND commitment_cap_ratio <= 1),
        -- Private bridge money's daily cost, for the savings figure (≈ 0.4%/day).
        benchmark_daily_rate numeric(13, 10) NOT NULL
          CHECK (benchmark_daily_rate >= 0 AND benchmark_daily_rate < 1),
        min_fee_fen bigint NULL CHECK (min_fee_fen >= 0),
        -- New business stops while overdue principal exceeds this share of capital.
        overdue_stop_ratio numeric(5, 4) NOT NULL DEFAULT 0.40
          CHECK (overdue_stop_ratio > 0 AND overdue_stop_ratio <= 1),
        suspended boolean NOT NULL DEFAULT false,
        -- Bumped by every settings change; an application records the version it was approved on.
        settings_version integer NOT NULL DEFAULT 1,
        -- Stored balances, each moved only together with the journal lines that explain it.
        cash_fen bigint NOT NULL DEFAULT 0,
        receivable_fen bigint NOT NULL DEFAULT 0,
        capital_fen bigint NOT NULL DEFAULT 0,
        fee_income_fen bigint NOT NULL DEFAULT 0,
        loss_fen bigint NOT NULL DEFAULT 0,
        created_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT turnover_funds_name_key UNIQUE (name),
        CONSTRAINT turnover_funds_cash_non_negative CHECK (cash_fen >= 0),
        CONSTRAINT turnover_funds_receivable_non_negative CHECK (receivable_fen >= 0),
        CONSTRAINT turnover_funds_capital_non_negative CHECK (capital_fen >= 0),
        CONSTRAINT turnover_funds_income_non_negative CHECK (fee_income_fen >= 0 AND loss_fen >= 0)
      );
      CREATE INDEX turnover_funds_created_idx ON turnover_funds (created_at DESC, id DESC);

      -- 转贷申请
      CREATE TABLE turnover_applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL REFERENCES turnover_funds (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        -- The lending bank: it holds the maturing loan and commits to renew it.
        bank_id uuid NOT NULL REFERENCES banks (id),
        status text NOT NULL DEFAULT 'submitted' CHECK (status IN (
          'submitted', 'bank_committed', 'approved', 'disbursed', 'renewed', 'repaid',
          'rejected', 'cancelled', 'overdue', 'written_off', 'renewed_without_bridge')),
        -- Which way the loan was renewed: through the fund, or 无还本续贷 without it.
        route text NULL CHECK (route IN ('bridge', 'renewed_without_bridge')),
        maturing_contract_no text NOT NULL,
        maturing_amount_fen bigint NOT NULL CHECK (maturing_amount_fen > 0),
        maturity_date date NOT NULL,
        maturing_loan_kind text NOT NULL CHECK (maturing_loan_kind = 'working_capital'),
        principal_fen bigint NOT NULL CHECK (principal_fen > 0),
        days integer NOT NULL CHECK (days BETWEEN 1 AND 365),
        created_by uuid NOT NULL REFERENCES users (id),
        -- The bank's renewal commitment (续贷承诺).
        committed_amount_fen bigint NULL CHECK (committed_amount_fen > 0),
        renewal_term_months integer NULL CHECK (renewal_term_months BETWEEN 1 AND 600),
        committed_by uuid NULL REFERENCES users (id),
        committed_at timestamptz(3) NULL,
        -- The fund's terms as they stood at approval: later settings changes never reach them.
        terms_version integer NULL,
        terms_tier_days integer NULL,
        terms_tier1_daily_rate numeric(13, 10) NULL,
        terms_tier2_daily_rate numeric(13, 10) NULL,
        terms_overdue_daily_rate numeric(13, 10) NULL,
        terms_day_count text NULL CHECK (terms_day_count IN ('calendar', 'working')),
        terms_benchmark_daily_rate numeric(13, 10) NULL,
        terms_min_fee_fen bigint NULL,
        terms_commitment_cap_ratio numeric(5, 4) NULL,
        approved_by uuid NULL REFERENCES users (id),
        approved_at timestamptz(3) NULL,
        rejected_by uuid NULL REFERENCES users (id),
        rejected_at timestamptz(3) NULL,
        reject_reason text NULL,
        cancelled_by uuid NULL REFERENCES users (id),
        cancelled_at timestamptz(3) NULL,
        disbursed_by uuid NULL REFERENCES users (id),
        disbursed_at timestamptz(3) NULL,
        disbursed_on date NULL,
        due_on date NULL,
        renewal_contract_no text NULL,
        renewal_amount_fen bigint NULL CHECK (renewal_amount_fen > 0),
        renewed_on date NULL,
        renewed_by uuid NULL REFERENCES users (id),
        renewed_at timestamptz(3) NULL,
        overdue_at timestamptz(3) NULL,
        repaid_on date NULL,
        repaid_by uuid NULL REFERENCES users (id),
        repaid_at timestamptz(3) NULL,
        days_used integer NULL CHECK (days_used >= 1),
        overdue_days integer NULL CHECK (overdue_days >= 0),
        fee_fen bigint NULL CHECK (fee_fen >= 0),
        savings_fen bigint NULL CHECK (savings_fen >= 0),
        written_off_by uuid NULL REFERENCES users (id),
        written_off_at timestamptz(3) NULL,
        write_off_reason text NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT turnover_applications_four_eyes
          CHECK (disbursed_by IS NULL OR disbursed_by <> approved_by),
        CONSTRAINT turnover_applications_approved_with_terms CHECK (
          approved_at IS NULL
          OR (approved_by IS NOT NULL AND terms_version IS NOT NULL AND terms_tier_days IS NOT NULL
              AND terms_tier1_daily_rate IS NOT NULL AND terms_tier2_daily_rate IS NOT NULL
              AND terms_overdue_daily_rate IS NOT NULL AND terms_day_count IS NOT NULL
              AND terms_benchmark_daily_rate IS NOT NULL
              AND terms_commitment_cap_ratio IS NOT NULL)),
        CONSTRAINT turnover_applications_approved_complete CHECK (
          status NOT IN ('approved', 'disbursed', 'renewed', 'overdue', 'repaid', 'written_off')
          OR approved_at IS NOT NULL),
        CONSTRAINT turnover_applications_disbursed_complete CHECK (
          status NOT IN ('disbursed', 'renewed', 'overdue', 'repaid', 'written_off')
          OR (disbursed_by IS NOT NULL AND disbursed_on IS NOT NULL AND due_on IS NOT NULL)),
        CONSTRAINT turnover_applications_repaid_complete CHECK (
          status <> 'repaid'
          OR (repaid_on IS NOT NULL AND fee_fen IS NOT NULL AND savings_fen IS NOT NULL
              AND days_used IS NOT NULL)),
        CONSTRAINT turnover_applications_rejected_with_reason
          CHECK (status <> 'rejected' OR reject_reason IS NOT NULL),
        CONSTRAINT turnover_applications_written_off_with_reason
          CHECK (status <> 'written_off' OR write_off_reason IS NOT NULL)
      );
      -- One open application per enterprise: a second concurrent submission hits this index.
      CREATE UNIQUE INDEX turnover_applications_one_open_per_enterprise
        ON turnover_applications (enterprise_id)
        WHERE status IN ('submitted', 'bank_committed', 'approved', 'disbursed', 'renewed', 'overdue');
      CREATE INDEX turnover_applications_created_idx
        ON turnover_applications (created_at DESC, id DESC);
      CREATE INDEX turnover_applications_status_idx
        ON turnover_applications (status, created_at DESC, id DESC);
      CREATE INDEX turnover_applications_enterprise_idx
        ON turnover_applications (enterprise_id, created_at DESC, id DESC);
      CREATE INDEX turnover_applications_bank_idx
        ON turnover_applications (bank_id, created_at DESC, id DESC);
      CREATE INDEX turnover_applications_fund_idx
        ON turnover_applications (fund_id, status, created_at DESC, id DESC);
      -- What an overdue sweep reads: outstanding uses by due date.
      CREATE INDEX turnover_applications_due_idx ON turnover_applications (due_on)
        WHERE status IN ('disbursed', 'renewed');

      -- References to the documents an application carries (name, kind, checksum), not the files.
      CREATE TABLE turnover_application_documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES turnover_applications (id),
        position integer NOT NULL,
        kind text NOT NULL,
        name text NOT NULL,
        checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT turnover_application_documents_position_key UNIQUE (application_id, position)
      );

      -- The ledger: one journal per business event, two or more lines that balance.
      CREATE TABLE fund_journals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Posting order within the database, the ledger's keyset.
        position bigserial NOT NULL,
        fund_id uuid NOT NULL REFERENCES turnover_funds (id),
        kind text NOT NULL CHECK (kind IN (
          'capital_injection', 'capital_return', 'disbursement', 'repayment', 'write_off')),
        application_id uuid NULL REFERENCES turnover_applications (id),
        memo text NULL,
        created_by uuid NULL REFERENCES users (id),
        posted_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT fund_journals_position_key UNIQUE (position),
        -- Target of the lines' composite key: a line always belongs to its journal's fund.
        CONSTRAINT fund_journals_id_fund_key UNIQUE (id, fund_id)
      );
      CREATE INDEX fund_journals_fund_idx ON fund_journals (fund_id, position);
      CREATE INDEX fund_journals_application_idx ON fund_journals (application_id)
        WHERE application_id IS NOT NULL;

      CREATE TABLE fund_journal_lines (
        journal_id uuid NOT NULL,
        fund_id uuid NOT NULL,
        line_no integer NOT NULL CHECK (line_no >= 1),
        account text NOT NULL
          CHECK (account IN ('cash', 'receivable', 'capital', 'fee_income', 'loss')),
        side text NOT NULL CHECK (side IN ('debit', 'credit')),
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        PRIMARY KEY (journal_id, line_no),
        CONSTRAINT fund_journal_lines_journal_fkey
          FOREIGN KEY (journal_id, fund_id) REFERENCES fund_journals (id, fund_id)
      );
      -- Reconciliation sums a fund's lines per account and side.
      CREATE INDEX fund_journal_lines_fund_idx
        ON fund_journal_lines (fund_id, account, side) INCLUDE (amount_fen);

      -- Checked at commit, so the lines of a journal may arrive in any order within the
      -- transaction; fires for the journal (a journal without lines) and for every line (lines
      -- added later to an existing journal).
      CREATE FUNCTION fund_journal_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        journal uuid;
        debits numeric;
        credits numeric;
        line_count integer;
      BEGIN
        IF TG_TABLE_NAME = 'fund_journals' THEN
          journal := NEW.id;
        ELSE
          journal := NEW.journal_id;
        END IF;
        SELECT COALESCE(sum(amount_fen) FILTER (WHERE side = 'debit'), 0),
               COALESCE(sum(amount_fen) FILTER (WHERE side = 'credit'), 0),
               count(*)
          INTO debits, credits, line_count
          FROM fund_journal_lines WHERE journal_id = journal;
        IF line_count < 2 OR debits <> credits THEN
          RAISE EXCEPTION 'fund journal % does not balance: debit %, credit %, % lines',
            journal, debits, credits, line_count
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END;
      $$;
      CREATE CONSTRAINT TRIGGER fund_journals_balanced
        AFTER INSERT ON fund_journals DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION fund_journal_balanced();
      CREATE CONSTRAINT TRIGGER fund_journal_lines_balanced
        AFTER INSERT ON fund_journal_lines DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION fund_journal_balanced();

      CREATE FUNCTION fund_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END;
      $$;
      CREATE TRIGGER fund_journals_append_only
        BEFORE UPDATE OR DELETE ON fund_journals
        FOR EACH ROW EXECUTE FUNCTION fund_ledger_append_only();
      CREATE TRIGGER fund_journals_no_truncate
        BEFORE TRUNCATE ON fund_journals
        FOR EACH STATEMENT EXECUTE FUNCTION fund_ledger_append_only();
      CREATE TRIGGER fund_journal_lines_append_only
        BEFORE UPDATE OR DELETE ON fund_journal_lines
        FOR EACH ROW EXECUTE FUNCTION fund_ledger_append_only();
      CREATE TRIGGER fund_journal_lines_no_truncate
        BEFORE TRUNCATE ON fund_journal_lines
        FOR EACH STATEMENT EXECUTE FUNCTION fund_ledger_append_only();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE fund_journal_lines;
      DROP TABLE fund_journals;
      DROP FUNCTION fund_ledger_append_only();
      DROP FUNCTION fund_journal_balanced();
      DROP TABLE turnover_application_documents;
      DROP TABLE turnover_applications;
      DROP TABLE turnover_funds;
    `);
  }
}
