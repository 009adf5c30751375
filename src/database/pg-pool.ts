import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * The node-postgres pool behind TypeORM's connection, for the few hot reads that use what
 * TypeORM does not expose (named prepared statements). Same connections, same session settings.
 */
export function pgPool(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as PostgresDriver).master as Pool | undefined;
  if (pool === undefined) {
    throw new Error('the data source is not initialised');
  }
  return pool;
}
