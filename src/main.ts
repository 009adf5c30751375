import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { API_PREFIX, createApp } from './app-setup.js';
import { Environment, validateEnvironment } from './common/config/environment.js';
import { runMigrations } from './database/data-source.js';
import {
  EmbeddedDatabase,
  ensureDatabase,
  startEmbeddedPostgres,
} from './database/embedded-postgres.js';
import { DemoDataService } from './modules/demo/demo-data.service.js';
import { InitialAccounts } from './modules/users/initial-accounts.service.js';

const logger = new Logger('Main');

/** The embedded default keeps its generated JWT secret beside its data, so tokens survive restarts. */
async function embeddedJwtSecret(dataDir: string): Promise<string> {
  const file = path.join(path.dirname(path.resolve(dataDir)), 'jwt-secret');
  if (existsSync(file)) {
    return (await readFile(file, 'utf8')).trim();
  }
  const { randomBytes } = await import('node:crypto');
  const secret = randomBytes(48).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * With no DATABASE_URL, start the embedded PostgreSQL in EMBEDDED_PG_DIR and use a `yinqi`
 * database on it; otherwise use the given server.
 */
async function resolveDatabase(
  environment: Environment,
): Promise<{ environment: Environment; embedded?: EmbeddedDatabase }> {
  if (environment.DATABASE_URL !== undefined) {
    return { environment };
  }
  if (environment.NODE_ENV === 'production') {
    logger.warn('DATABASE_URL is not set: running on the embedded PostgreSQL (not for production)');
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: environment.EMBEDDED_PG_DIR,
    port: environment.EMBEDDED_PG_PORT,
  });
  const url = await ensureDatabase(embedded.url, 'yinqi');
  const JWT_SECRET =
    environment.JWT_SECRET ?? (await embeddedJwtSecret(environment.EMBEDDED_PG_DIR));
  logger.log(`embedded PostgreSQL on 127.0.0.1:${embedded.port}, data in ${embedded.dataDir}`);
  return { environment: { ...environment, DATABASE_URL: url, JWT_SECRET }, embedded };
}

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const resolved = await resolveDatabase(validateEnvironment(process.env));
  const { environment, embedded } = resolved;
  const applied = await runMigrations(environment.DATABASE_URL as string);
  if (applied.length > 0) {
    logger.log(`applied migrations: ${applied.join(', ')}`);
  }

  const app = await createApp({ environment });
  const created = await app.get(InitialAccounts).ensure();
  // The Tonghua demo set, entered as the first administrator; a later start finds it all.
  const demo = environment.DEMO_DATA ? await app.get(DemoDataService).load() : undefined;
  await app.listen({ port: environment.PORT, host: environment.HOST });

  const base = `http://localhost:${environment.PORT}`;
  const lines = [
    `Yinqi is listening on ${base}/${API_PREFIX}`,
    `  API docs:  ${base}/docs  (OpenAPI JSON: ${base}/docs-json)`,
    `  Health:    ${base}/health/live  ${base}/health/ready`,
    ...[...created, ...(demo?.accounts ?? [])].map(
      (account) =>
        `  Account created: ${account.username} (${account.role}) — password: ${account.passwordSource}`,
    ),
  ];
  // The console banner is for the person who ran `npm start`, not for the log pipeline.
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.log(`${signal}: finishing requests in flight, then stopping`);
    // Requests still running after SHUTDOWN_TIMEOUT_MS lose their connections, so a stuck
    // client cannot hold the database (and the process) up forever.
    const cutoff = setTimeout(() => {
      logger.warn('requests still in flight at the shutdown timeout; closing their connections');
      app.getHttpServer().closeAllConnections();
    }, environment.SHUTDOWN_TIMEOUT_MS);
    cutoff.unref();
    try {
      // Readiness turns 503, the HTTP server stops accepting and waits for requests in flight,
      // then the database pool closes; the embedded database goes last.
      await app.close();
      await embedded?.stop();
      process.exit(0);
    } catch (error) {
      logger.error({ msg: 'shutdown failed', err: error });
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, (received) => void shutdown(received));
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `Yinqi failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
