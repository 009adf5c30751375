import { DataSource } from 'typeorm';
import { pgPool } from './pg-pool.js';

/** A statement run often enough to keep it prepared on each connection, under its `name`. */
export interface NamedStatement {
  name: string;
  text: string;
}

/**
 * One statement on a connection of TypeORM's own pool, through `pg` directly: for the hottest
 * statements (the turnover fund's money moves), which need neither a query runner nor a
 * transaction around them. Errors are pg's own (`code` is the SQLSTATE). A `NamedStatement` is
 * parsed and planned once per connection (PostgreSQL keeps a generic plan once it is no dearer
 * than a custom one), not on every call.
 *
 * A connection that failed under the statement (its backend terminated, the socket lost: any
 * error that is not an ordinary statement error) goes back to the pool with that error, so the
 * pool discards it rather than handing a dead connection to the next caller.
 */
export async function rawQuery<T>(
  dataSource: DataSource,
  sql: string | NamedStatement,
  parameters: unknown[],
): Promise<T[]> {
  const client = await pgPool(dataSource).connect();
  let result;
  try {
    result = await client.query(
      typeof sql === 'string' ? { text: sql, values: parameters } : { ...sql, values: parameters },
    );
  } catch (error) {
    client.release(isStatementError(error) ? undefined : (error as Error));
    throw error;
  }
  client.release();
  return result.rows as T[];
}

/** An error the server raised for the statement alone; the connection is still good. */
function isStatementError(error: unknown): boolean {
  const { severity, code } = (error ?? {}) as { severity?: unknown; code?: unknown };
  return (
    severity === 'ERROR' && typeof code === 'string' && !code.startsWith('08') && code !== '57P01'
  );
}
