import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { createApp } from './app-setup.js';
import { Caller } from './common/auth/caller.js';
import { Role } from './common/auth/role.js';
import { validateEnvironment } from './common/config/environment.js';
import { runMigrations } from './database/data-source.js';
import { resolveDatabase } from './database/resolve-database.js';
import { TonghuaYearReplay } from './modules/demo/tonghua-year.service.js';
import { OverviewService } from './modules/stats/overview.service.js';
import { InitialAccounts } from './modules/users/initial-accounts.service.js';

const logger = new Logger('DemoTonghua');

/**
 * `npm run demo:tonghua`: the database `npm start` would use (embedded or DATABASE_URL),
 * migrated, its first accounts, then the Tonghua year replayed through the services, and the
 * city dashboard over that year printed. No HTTP server; a database that already holds the
 * replay is left as it is.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) {
    process.loadEnvFile('.env');
  }
  const { environment, embedded } = await resolveDatabase(
    validateEnvironment({ ...process.env, DEMO_DATA: 'tonghua-year' }),
  );
  await runMigrations(environment.DATABASE_URL as string);
  const app = await createApp({ environment });
  await app.init();
  try {
    for (const account of await app.get(InitialAccounts).ensure()) {
      process.stdout.write(
        `Account created: ${account.username} (${account.role}) — password: ${account.passwordSource}\n`,
      );
    }
    const year = await app.get(TonghuaYearReplay).run();
    process.stdout.write(
      year.replayed
        ? `Replayed the Tonghua year: ${year.serviceCalls} service calls in ${(year.milliseconds / 1000).toFixed(1)} s\n`
        : 'The database already holds the Tonghua year: nothing replayed\n',
    );
    const reader: Caller = {
      userId: '00000000-0000-0000-0000-000000000000',
      username: 'demo:tonghua',
      role: Role.Auditor,
      enterpriseId: null,
      bankId: null,
      requestId: 'demo-tonghua',
    };
    const overview = await app.get(OverviewService).overview(reader, {
      from: year.from,
      to: year.to,
    });
    process.stdout.write(
      `GET /api/v1/stats/overview?from=${year.from}&to=${year.to}\n${JSON.stringify(overview, null, 2)}\n`,
    );
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
