import { DataSource } from 'typeorm';
import { pgPool } from '../../database/pg-pool.js';
import { TurnBatch } from '../../database/turn-batch.js';

/**
 * What a money move reads before it computes, one row per move: the Idempotency-Key's lock
 * (tried, and released with this statement: only to answer 409 while another request holds it,
 * as the transactional path does) and stored answer, the application as `loadApplication`
 * selects it with its row version, and the database's clock for `updated_at`. The row is there
 * even when the application is absent, so a stored answer is replayed first; `position_` says
 * which read of the batch it answers.
 */
const READ_FOR_MOVES = `
  SELECT q.position_::int AS position_, t.key_free_, now() AS now_,
         k.fingerprint AS key_fingerprint_, k.status_code AS key_status_,
         k.response AS key_response_, a.*, a.xmin::text AS xmin_, f.name AS fund_name_,
         e.name AS enterprise_name_, b.name AS bank_name_
    FROM unnest($1::uuid[], $2::text[], $3::text[])
           WITH ORDINALITY AS q (application_id_, user_id_, key_, position_)
   CROSS JOIN LATERAL (
         SELECT pg_try_advisory_xact_lock(hashtextextended(q.user_id_ || ':' || q.key_, 0))
                  AS key_free_) AS t
    LEFT JOIN idempotency_keys k ON k.user_id = q.user_id_::uuid AND k.key = q.key_
    LEFT JOIN (turnover_applications a
               JOIN turnover_funds f ON f.id = a.fund_id
               JOIN enterprises e ON e.id = a.enterprise_id
               JOIN banks b ON b.id = a.bank_id) ON a.id = q.application_id_`;

export type MoveRow = Record<string, unknown> & {
  key_free_: boolean;
  now_: Date;
  id: string | null;
  xmin_: string | null;
} & (
    | { key_fingerprint_: null }
    | { key_fingerprint_: string; key_status_: number; key_response_: string }
  );

type MoveKey = [applicationId: string, userId: string, key: string];

/**
 * The money moves' reads, batched like the guard's: the moves that reach their read in the same
 * turn of the event loop share one execution of a named prepared statement, so under load one
 * round trip serves several moves. Each read is still issued after its request arrived, and a
 * move only ever writes through `turnover_money_move`, which checks the row version read and
 * takes the key's lock itself: batching changes no answer.
 */
export class MoneyMoveReader {
  private readonly batch: TurnBatch<MoveKey, MoveRow>;

  constructor(dataSource: DataSource) {
    this.batch = new TurnBatch<MoveKey, MoveRow>(async (keys) => {
      const column = (index: number): string[] => keys.map((key) => key[index]);
      const { rows } = await pgPool(dataSource).query<MoveRow & { position_: number }>({
        name: 'turnover-money-move-reads',
        text: READ_FOR_MOVES,
        values: [column(0), column(1), column(2)],
      });
      const byPosition = new Map<number, MoveRow>(rows.map((row) => [row.position_, row]));
      return keys.map((_, index) => byPosition.get(index + 1));
    });
  }

  async read(applicationId: string, userId: string, key: string): Promise<MoveRow> {
    const row = await this.batch.read([applicationId, userId, key]);
    if (row === undefined) {
      throw new Error(`the money move read of turnover application ${applicationId} lost its row`);
    }
    return row;
  }
}
