import { DataSource } from 'typeorm';
import type { Role } from '../../common/auth/role.js';
import { pgPool } from '../../database/pg-pool.js';
import { TurnBatch } from '../../database/turn-batch.js';

export interface CallerRow {
  id: string;
  username: string;
  role: Role;
  enterprise_id: string | null;
  bank_id: string | null;
  disabled_at: Date | null;
}

const CALLERS_SQL = `SELECT id, username, role, enterprise_id, bank_id, disabled_at
                       FROM users WHERE id = ANY($1::uuid[])`;

/**
 * The guard's read of the callers' rows, batched: the requests that reach the guard in the same
 * turn of the event loop share one statement (under load, dozens of requests per round trip).
 * Deliberately no cache: every request is checked against a read issued after it arrived, so a
 * user disabled, demoted or moved to another bank, on this instance or any other, is refused on
 * the very next request. A cache invalidated by LISTEN/NOTIFY could only promise "soon".
 */
export class CallerReader {
  private readonly batch: TurnBatch<string, CallerRow>;

  constructor(dataSource: DataSource) {
    this.batch = new TurnBatch(async (userIds) => {
      const { rows } = await pgPool(dataSource).query<CallerRow>({
        name: 'guard-callers',
        text: CALLERS_SQL,
        values: [userIds],
      });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return userIds.map((userId) => byId.get(userId));
    });
  }

  read(userId: string): Promise<CallerRow | undefined> {
    return this.batch.read(userId);
  }
}
