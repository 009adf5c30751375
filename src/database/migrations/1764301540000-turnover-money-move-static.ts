import { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns a money move sets besides status and updated_at (disburse, repay, write off). */
const MOVE_COLUMNS = [
  'disbursed_by',
  'disbursed_at',
  'disbursed_on',
  'due_on',
  'repaid_on',
  'repaid_by',
  'repaid_at',
  'days_used',
  'overdue_days',
  'fee_fen',
  'savings_fen',
  'written_off_by',
  'written_off_at',
  'write_off_reason',
] as const;

const SIGNATURE = `(p_user_id text, p_key text, p_scope text, p_fingerprint text,
  p_status_code integer, p_response text, p_application_id uuid, p_seen_xmin text,
  p_from text[], p_to text, p_updated_at timestamptz, p_changes jsonb, a_actor_id uuid,
  a_actor_role text, a_action text, a_entity_type text, a_entity_id text, a_before jsonb,
  a_after jsonb, a_request_id text, n_kind text, n_application_id uuid, n_parties text[],
  n_titles text[], n_bodies text[], n_enterprise_id uuid, n_bank_id uuid, j_fund_id uuid,
  j_cash bigint, j_receivable bigint, j_capital bigint, j_fee_income bigint, j_loss bigint,
  j_require_active boolean, j_kind text, j_application_id uuid, j_memo text, j_created_by uuid,
  j_line_nos integer[], j_accounts text[], j_sides text[], j_amounts bigint[], j_journal_id uuid)`;

/** `turnover_money_move` around the statement that moves the application. */
function moneyMove(applicationMove: string, { declare = '', check = '' } = {}): string {
  return `
    CREATE OR REPLACE FUNCTION turnover_money_move${SIGNATURE}
    RETURNS TABLE (replayed boolean, stored_fingerprint text, stored_status integer,
                   stored_response text)
    LANGUAGE plpgsql AS $$
    DECLARE
      moved integer;${declare}
    BEGIN${check}
      IF NOT pg_try_advisory_xact_lock(hashtextextended(p_user_id || ':' || p_key, 0)) THEN
        RAISE EXCEPTION 'Idempotency-Key % is in flight', p_key USING ERRCODE = 'YQ001';
      END IF;
      RETURN QUERY
        SELECT true, k.fingerprint, k.status_code, k.response FROM idempotency_keys k
         WHERE k.user_id = p_user_id::uuid AND k.key = p_key;
      IF FOUND THEN
        RETURN;
      END IF;
${applicationMove}
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
    $$;`;
}

/**
 * `turnover_money_move` (migration 1764301500000) moved the application with dynamic SQL built
 * from the keys of `p_changes`, so PostgreSQL parsed and planned that UPDATE on every money move.
 * Now it is one static statement over the columns a money move sets (each taken from
 * `p_changes` when named there, kept otherwise), planned once per connection like the rest of
 * the function. A key outside that list is refused (22023) before anything is locked or written,
 * rather than silently ignored. Same signature, same answers, same errors otherwise.
 */
export class TurnoverMoneyMoveStatic1764301540000 implements MigrationInterface {
  name = 'TurnoverMoneyMoveStatic1764301540000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const assignments = MOVE_COLUMNS.map(
      (column) =>
        `,\n                 ${column} = CASE WHEN p_changes ? '${column}' THEN r.${column} ELSE a.${column} END`,
    ).join('');
    await queryRunner.query(
      moneyMove(
        `
      UPDATE turnover_applications a
         SET status = p_to, updated_at = p_updated_at${assignments}
        FROM jsonb_populate_record(NULL::turnover_applications, p_changes) r
       WHERE a.id = p_application_id AND a.xmin = p_seen_xmin::xid AND a.status = ANY (p_from);`,
        {
          declare: `
      unknown_columns text;`,
          check: `
      SELECT string_agg(c, ', ') INTO unknown_columns
        FROM jsonb_object_keys(p_changes) AS c
       WHERE c <> ALL (ARRAY['${MOVE_COLUMNS.join("', '")}']);
      IF unknown_columns IS NOT NULL THEN
        RAISE EXCEPTION 'a money move cannot set %', unknown_columns
          USING ERRCODE = 'invalid_parameter_value';
      END IF;`,
        },
      ),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      moneyMove(`
      EXECUTE format(
        'UPDATE turnover_applications a SET status = $1, updated_at = $2%s
           FROM jsonb_populate_record(NULL::turnover_applications, $3) r
          WHERE a.id = $4 AND a.xmin = $5::xid AND a.status = ANY ($6)',
        (SELECT COALESCE(string_agg(format(', %I = r.%I', c, c), ''), '')
           FROM jsonb_object_keys(p_changes) AS c))
        USING p_to, p_updated_at, p_changes, p_application_id, p_seen_xmin, p_from;`),
    );
  }
}
