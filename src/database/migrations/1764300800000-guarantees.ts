import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 信保基金: guarantee funds with their capital and a small double-entry ledger, and the guarantees
 * they issue. A ledger entry is one debit and one credit of the same amount in one row, so every
 * entry balances by construction; entries are append-only. The fund's stored balances move only
 * in the transaction that writes their entry; `cash_fen >= 0` and `outstanding_fen >= 0` hold
 * whatever the concurrency.
 */
export class Guarantees1764300800000 implements MigrationInterface {
  name = 'Guarantees1764300800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE guarantee_funds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        annual_fee_rate numeric(8, 6) NOT NULL CHECK (annual_fee_rate > 0 AND annual_fee_rate < 1),
        per_enterprise_cap_fen bigint NOT NULL CHECK (per_enterprise_cap_fen > 0),
        -- Guarantees outstanding may reach capital × this multiple (放大倍数).
        capacity_multiple numeric(6, 2) NOT NULL CHECK (capacity_multiple > 0),
        guarantor_share numeric(11, 10) CHECK (guarantor_share > 0 AND guarantor_share <= 1),
        reguarantor_share numeric(11, 10) CHECK (reguarantor_share > 0 AND reguarantor_share <= 1),
        bank_share numeric(11, 10) CHECK (bank_share > 0 AND bank_share <= 1),
        government_share numeric(11, 10) CHECK (government_share > 0 AND government_share <= 1),
        cash_fen bigint NOT NULL DEFAULT 0 CHECK (cash_fen >= 0),
        capital_fen bigint NOT NULL DEFAULT 0 CHECK (capital_fen >= 0),
        fee_income_fen bigint NOT NULL DEFAULT 0 CHECK (fee_income_fen >= 0),
        claims_paid_fen bigint NOT NULL DEFAULT 0 CHECK (claims_paid_fen >= 0),
        recoveries_fen bigint NOT NULL DEFAULT 0 CHECK (recoveries_fen >= 0),
        -- Principal of approved and active guarantees: what the capacity limits.
        outstanding_fen bigint NOT NULL DEFAULT 0 CHECK (outstanding_fen >= 0),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (coalesce(guarantor_share, 0) + coalesce(reguarantor_share, 0)
               + coalesce(bank_share, 0) + coalesce(government_share, 0) = 1)
      );

      CREATE TABLE guarantees (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        fund_id uuid NOT NULL REFERENCES guarantee_funds (id),
        bank_id uuid NOT NULL REFERENCES banks (id),
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        -- A guarantee backs either a match of the platform or a loan the bank enters itself.
        match_id uuid REFERENCES matches (id),
        loan_contract_no text CHECK (length(loan_contract_no) BETWEEN 1 AND 100),
        principal_fen bigint NOT NULL CHECK (principal_fen > 0),
        term_months integer NOT NULL CHECK (term_months BETWEEN 1 AND 600),
        -- The fund's rate and shares when the guarantee was applied for: later changes of the
        -- fund's settings do not reprice it.
        annual_fee_rate numeric(8, 6) NOT NULL,
        fee_fen bigint NOT NULL CHECK (fee_fen >= 0),
        shares jsonb NOT NULL,
        status text NOT NULL CHECK (status IN
          ('applied', 'approved', 'active', 'released', 'rejected', 'claimed', 'recovered')),
        reason text,
        claim_fen bigint CHECK (claim_fen > 0 AND claim_fen <= principal_fen),
        claim_split jsonb,
        recovered_fen bigint CHECK (recovered_fen > 0 AND recovered_fen <= claim_fen),
        recovery_split jsonb,
        created_by uuid NOT NULL REFERENCES users (id),
        approved_by uuid REFERENCES users (id),
        approved_at timestamptz(3),
        activated_at timestamptz(3),
        released_at timestamptz(3),
        claimed_at timestamptz(3),
        recovered_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((match_id IS NULL) <> (loan_contract_no IS NULL))
      );
      -- Lists: newest first per fund, per bank and per enterprise (the caller's tenant).
      CREATE INDEX guarantees_fund_idx ON guarantees (fund_id, created_at DESC, id DESC);
      CREATE INDEX guarantees_bank_idx ON guarantees (bank_id, created_at DESC, id DESC);
      CREATE INDEX guarantees_enterprise_idx ON guarantees (enterprise_id, created_at DESC, id DESC);
      -- One live guarantee per match.
      CREATE UNIQUE INDEX guarantees_match_live_idx ON guarantees (match_id)
        WHERE match_id IS NOT NULL AND status IN ('applied', 'approved', 'active', 'claimed');

      CREATE TABLE guarantee_ledger_entries (
        id bigserial PRIMARY KEY,
        fund_id uuid NOT NULL REFERENCES guarantee_funds (id),
        guarantee_id uuid REFERENCES guarantees (id),
        kind text NOT NULL CHECK (kind IN ('capital', 'fee', 'claim', 'recovery')),
        debit_account text NOT NULL
          CHECK (debit_account IN ('cash', 'capital', 'fee_income', 'claims_paid', 'recoveries')),
        credit_account text NOT NULL
          CHECK (credit_account IN ('cash', 'capital', 'fee_income', 'claims_paid', 'recoveries')),
        amount_fen bigint NOT NULL CHECK (amount_fen > 0),
        memo text,
        created_by uuid REFERENCES users (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (debit_account <> credit_account)
      );
      CREATE INDEX guarantee_ledger_fund_idx ON guarantee_ledger_entries (fund_id, id);

      CREATE FUNCTION guarantee_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'guarantee_ledger_entries is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END;
      $$;
      CREATE TRIGGER guarantee_ledger_append_only_rows
        BEFORE UPDATE OR DELETE ON guarantee_ledger_entries
        FOR EACH ROW EXECUTE FUNCTION guarantee_ledger_append_only();
      CREATE TRIGGER guarantee_ledger_append_only_truncate
        BEFORE TRUNCATE ON guarantee_ledger_entries
        FOR EACH STATEMENT EXECUTE FUNCTION guarantee_ledger_append_only();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE guarantee_ledger_entries;
      DROP FUNCTION guarantee_ledger_append_only();
      DROP TABLE guarantees;
      DROP TABLE guarantee_funds;
    `);
  }
}
