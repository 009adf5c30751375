import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { API_PREFIX, createApp } from './app-setup.js';
import { swaggerEnabled, validateEnvironment } from './common/config/environment.js';
import { runMigrations } from './database/data-source.js';
import { resolveDatabase } from './database/resolve-database.js';
import { DemoDataService } from './modules/demo/demo-data.service.js';
import { TonghuaYearReplay } from './modules/demo/tonghua-year.service.js';
import { InitialAccounts } from './modules/users/initial-accounts.service.js';

const logger = new Logger('Main');

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
  // DEMO_DATA=tonghua-year replays a year of activity instead (once, before serving).
  const demo = environment.DEMO_DATA === true ? await app.get(DemoDataService).load() : undefined;
  if (environment.DEMO_DATA === 'tonghua-year') {
    const year = await app.get(TonghuaYearReplay).run();
    if (year.replayed) {
      logger.log(
        `Tonghua year replayed (${year.serviceCalls} service calls, ${(year.milliseconds / 1000).toFixed(0)} s): ` +
          `GET /api/v1/stats/overview?from=${year.from}&to=${year.to}`,
      );
    }
  }
  await app.listen({ port: environment.PORT, host: environment.HOST });

  const base = `http://localhost:${environment.PORT}`;
  const lines = [
    `Yinqi is listening on ${base}/${API_PREFIX}`,
    ...(swaggerEnabled(environment)
      ? [`  API docs:  ${base}/docs  (OpenAPI JSON: ${base}/docs-json)`]
      : []),
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
