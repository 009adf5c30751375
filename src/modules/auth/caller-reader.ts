import { setImmediate } from 'node:timers';
import { DataSource } from 'typeorm';
import type { Role } from '../../common/auth/role.js';
import { pgPool } from '../../database/pg-pool.js';

export interface CallerRow {
  id: string;
  username: string;
  role: Role;
  enterprise_id: string | null;
  bank_id: string | null;
  disabled_at: Date | null;
}

interface Waiter {
  resolve: (row: CallerRow | undefined) => void;
  reject: (error: unknown) => void;
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
  private waiting = new Map<string, Waiter[]>();
  private scheduled = false;

  constructor(private readonly dataSource: DataSource) {}

  read(userId: string): Promise<CallerRow | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(userId);
      if (waiters === undefined) {
        this.waiting.set(userId, [{ resolve, reject }]);
      } else {
        waiters.push({ resolve, reject });
      }
      if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks of this turn, so every request parsed in it joins the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = new Map();
    this.scheduled = false;
    // In the promise chain, so that a pool already closed (shutdown) fails these reads, not the
    // process.
    Promise.resolve()
      .then(() =>
        pgPool(this.dataSource).query<CallerRow>({
          name: 'guard-callers',
          text: CALLERS_SQL,
          values: [[...batch.keys()]],
        }),
      )
      .then(
        ({ rows }) => {
          const byId = new Map(rows.map((row) => [row.id, row]));
          for (const [userId, waiters] of batch) {
            for (const waiter of waiters) {
              waiter.resolve(byId.get(userId));
            }
          }
        },
        (error: unknown) => {
          for (const waiters of batch.values()) {
            for (const waiter of waiters) {
              waiter.reject(error);
            }
          }
        },
      );
  }
}
