import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * One definition of how Yinqi talks to PostgreSQL, shared by the app, the migration CLI and the
 * test harness. Schema changes only through migrations: `synchronize` stays off.
 */
/** The app's bounds on waiting for the database (the CLI and migrations run without them). */
export interface DatabaseTimeouts {
  connectMs: number;
  statementMs: number;
  lockMs: number;
  idleInTransactionMs: number;
}

export function dataSourceOptions(
  url: string,
  poolSize = 20,
  timeouts?: DatabaseTimeouts,
): DataSourceOptions {
  // Business dates are computed in Asia/Shanghai by the code; the session stays in UTC so
  // `now()` and timestamps read back unambiguously.
  const settings = ['-c timezone=UTC'];
  if (timeouts !== undefined) {
    // So that a lost or stuck database makes requests fail fast (503) instead of hanging.
    settings.push(
      `-c statement_timeout=${timeouts.statementMs}`,
      `-c lock_timeout=${timeouts.lockMs}`,
      `-c idle_in_transaction_session_timeout=${timeouts.idleInTransactionMs}`,
    );
  }
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      options: settings.join(' '),
      ...(timeouts === undefined ? {} : { connectionTimeoutMillis: timeouts.connectMs }),
      keepAlive: true,
    },
  };
}

export function createDataSource(url: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(url, poolSize));
}

/** An arbitrary, fixed key: only one process migrates a database at a time. */
const MIGRATION_LOCK_KEY = 7_242_001;

/** Applies pending migrations, serialised across instances by an advisory lock. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = createDataSource(url, 2);
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}
