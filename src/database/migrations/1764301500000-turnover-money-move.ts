import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The turnover fund's money moves (disbursement, repayment, write-off) in ONE database round
 * trip (issue 8, B4): the service reads the application, validates and computes everything in
 * TypeScript (fees, due date, audit row, notices, answer), then `turnover_money_move` applies it
 * in a single statement, hence a single transaction:
 *
 * 1. the Idempotency-Key's advisory lock and stored answer, exactly as IdempotencyService takes
 *    them (a stored answer is returned, not overwritten);
 * 2. the application's move, guarded by the row version the service computed from (`xmin`) and
 *    the states the action starts from: anything else moved it meanwhile → YQ002, and the
 *    service starts over from a fresh read (which then answers 404/409 as before);
 * 3. the audit row, the notifications and the key's answer;
 * 4. LAST, the journal posting, which locks the fund's hot row only until the commit that
 *    follows at once. A refused posting (cash short, fund suspended) → YQ003, rolling back all.
 *
 * The ledger posting and the notification fan-out are functions of their own so that the other
 * callers (FundLedger.post, TurnoverNotices.send) run the very same SQL.
 */
export class TurnoverMoneyMove1764301500000 implements MigrationInterface {
  name = 'TurnoverMoneyMove1764301500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      -- A journal and the fund's stored balances, moved together: the guarded UPDATE of the
      -- fund row (no balance that must stay non-negative goes below zero; with p_require_active,
      -- not suspended), then the journal and its lines, written only if that UPDATE matched.
      -- No row returned: refused, nothing written.
      CREATE FUNCTION fund_post_journal(
        p_fund_id uuid, p_cash bigint, p_receivable bigint, p_capital bigint,
        p_fee_income bigint, p_loss bigint, p_require_active boolean, p_kind text,
        p_application_id uuid, p_memo text, p_created_by uuid,
        p_line_nos integer[], p_accounts text[], p_sides text[], p_amounts bigint[],
        p_journal_id uuid)
      RETURNS TABLE (journal_id uuid, "position" text, posted_at timestamptz, cash_fen text,
                     receivable_fen text, capital_fen text, fee_income_fen text, loss_fen text)
      LANGUAGE sql AS $$
        WITH fund AS (
          UPDATE turnover_funds
             SET cash_fen = cash_fen + p_cash,
                 receivable_fen = receivable_fen + p_receivable,
                 capital_fen = capital_fen + p_capital,
                 fee_income_fen = fee_income_fen + p_fee_income,
                 loss_fen = loss_fen + p_loss
           WHERE id = p_fund_id
             AND cash_fen + p_cash >= 0
             AND receivable_fen + p_receivable >= 0
             AND capital_fen + p_capital >= 0
             AND NOT (p_require_active AND suspended)
           RETURNING id, cash_fen, receivable_fen, capital_fen, fee_income_fen, loss_fen
        ), journal AS (
          INSERT INTO fund_journals (id, fund_id, kind, application_id, memo, created_by)
          SELECT p_journal_id, id, p_kind, p_application_id, p_memo, p_created_by FROM fund
          RETURNING id, fund_id, position, posted_at
        ), lines AS (
          INSERT INTO fund_journal_lines (journal_id, fund_id, line_no, account, side, amount_fen)
          SELECT journal.id, journal.fund_id, line.line_no, line.account, line.side,
                 line.amount_fen
            FROM journal,
                 unnest(p_line_nos, p_accounts, p_sides, p_amounts)
                   AS line (line_no, account, side, amount_fen)
        )
        SELECT journal.id, journal.position::text, journal.posted_at,
               fund.cash_fen::text, fund.receivable_fen::text, fund.capital_fen::text,
               fund.fee_income_fen::text, fund.loss_fen::text
          FROM fund, journal
      $$;

      -- One notification per recipient of each party of a turnover hand-off.
      CREATE FUNCTION turnover_notify(
        p_kind text, p_application_id uuid, p_parties text[], p_titles text[], p_bodies text[],
        p_enterprise_id uuid, p_bank_id uuid)
      RETURNS void LANGUAGE sql AS $$
        INSERT INTO notifications (user_id, kind, title, body, entity_type, entity_id)
        SELECT u.id, p_kind, notice.title, notice.body, 'turnover_application', p_application_id
          FROM unnest(p_parties, p_titles, p_bodies) AS notice (party, title, body)
          JOIN users u ON u.disabled_at IS NULL AND (
               (notice.party = 'enterprise' AND u.role = 'enterprise'
                AND u.enterprise_id = p_enterprise_id)
            OR (notice.party = 'bank' AND u.role IN ('bank_officer', 'bank_president')
                AND u.bank_id = p_bank_id)
            OR (notice.party = 'center' AND u.role = 'admin'))
      $$;

      CREATE FUNCTION turnover_money_move(
        -- the Idempotency-Key and the answer to keep under it
        p_user_id text, p_key text, p_scope text, p_fingerprint text, p_status_code integer,
        p_response text,
        -- the application's move: columns (name → JSON value) besides status and updated_at
        p_application_id uuid, p_seen_xmin text, p_from text[], p_to text,
        p_updated_at timestamptz, p_changes jsonb,
        -- the audit row: AuditService.record's values
        a_actor_id uuid, a_actor_role text, a_action text, a_entity_type text, a_entity_id text,
        a_before jsonb, a_after jsonb, a_request_id text,
        -- the notifications: turnover_notify's arguments
        n_kind text, n_application_id uuid, n_parties text[], n_titles text[], n_bodies text[],
        n_enterprise_id uuid, n_bank_id uuid,
        -- the journal: fund_post_journal's arguments
        j_fund_id uuid, j_cash bigint, j_receivable bigint, j_capital bigint,
        j_fee_income bigint, j_loss bigint, j_require_active boolean, j_kind text,
        j_application_id uuid, j_memo text, j_created_by uuid, j_line_nos integer[],
        j_accounts text[], j_sides text[], j_amounts bigint[], j_journal_id uuid)
      RETURNS TABLE (replayed boolean, stored_fingerprint text, stored_status integer,
                     stored_response text)
      LANGUAGE plpgsql AS $$
      DECLARE
        assignments text;
        moved integer;
      BEGIN
        IF NOT pg_try_advisory_xact_lock(hashtextextended(p_user_id || ':' || p_key, 0)) THEN
          RAISE EXCEPTION 'Idempotency-Key % is in flight', p_key USING ERRCODE = 'YQ001';
        END IF;
        RETURN QUERY
          SELECT true, k.fingerprint, k.status_code, k.response FROM idempotency_keys k
           WHERE k.user_id = p_user_id::uuid AND k.key = p_key;
        IF FOUND THEN
          RETURN;
        END IF;

        SELECT string_agg(format(', %I = r.%I', c, c), '') INTO assignments
          FROM jsonb_object_keys(p_changes) AS c;
        EXECUTE format(
          'UPDATE turnover_applications a SET status = $1, updated_at = $2%s
             FROM jsonb_populate_record(NULL::turnover_applications, $3) r
            WHERE a.id = $4 AND a.xmin = $5::xid AND a.status = ANY ($6)',
          COALESCE(assignments, ''))
          USING p_to, p_updated_at, p_changes, p_application_id, p_seen_xmin, p_from;
        GET DIAGNOSTICS moved = ROW_COUNT;
        IF moved = 0 THEN
          RAISE EXCEPTION 'turnover application % changed since it was read', p_application_id
            USING ERRCODE = 'YQ002';
        END IF;

        INSERT INTO audit_events
          (actor_id, actor_role, action, entity_type, entity_id, before, after, request_id)
        VALUES (a_actor_id, a_actor_role, a_action, a_entity_type, a_entity_id, a_before,
                a_after, a_request_id);
        PERFORM turnover_notify(n_kind, n_application_id, n_parties, n_titles, n_bodies,
                                n_enterprise_id, n_bank_id);
        INSERT INTO idempotency_keys (user_id, key, scope, fingerprint, status_code, response)
        VALUES (p_user_id::uuid, p_key, p_scope, p_fingerprint, p_status_code, p_response);

        PERFORM 1 FROM fund_post_journal(j_fund_id, j_cash, j_receivable, j_capital,
                                         j_fee_income, j_loss, j_require_active, j_kind,
                                         j_application_id, j_memo, j_created_by, j_line_nos,
                                         j_accounts, j_sides, j_amounts, j_journal_id);
        IF NOT FOUND THEN
          RAISE EXCEPTION 'fund % refused the % of turnover application %',
            j_fund_id, j_kind, j_application_id USING ERRCODE = 'YQ003';
        END IF;
        RETURN QUERY SELECT false, NULL::text, NULL::integer, NULL::text;
      END;
      $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP FUNCTION turnover_money_move(text, text, text, text, integer, text, uuid, text, text[],
        text, timestamptz, jsonb, uuid, text, text, text, text, jsonb, jsonb, text, text, uuid,
        text[], text[], text[], uuid, uuid, uuid, bigint, bigint, bigint, bigint, bigint, boolean,
        text, uuid, text, uuid, integer[], text[], text[], bigint[], uuid);
      DROP FUNCTION turnover_notify(text, uuid, text[], text[], text[], uuid, uuid);
      DROP FUNCTION fund_post_journal(uuid, bigint, bigint, bigint, bigint, bigint, boolean, text,
        uuid, text, uuid, integer[], text[], text[], bigint[], uuid);
    `);
  }
}
