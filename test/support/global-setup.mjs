// Jest loads global setup outside its module system (no moduleNameMapper, no transform of
// imported files), so this file is plain JavaScript and uses the compiled `dist/` that
// `npm run jest` builds first.
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runMigrations } from '../../dist/database/data-source.js';
import { startEmbeddedPostgres, withDatabase } from '../../dist/database/embedded-postgres.js';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * One PostgreSQL for the whole run (embedded in a fresh folder unless DATABASE_URL names a
 * server), and one template database migrated once. Each suite then clones the template
 * (test/support/database.ts), so suites run in parallel without seeing each other's rows.
 */
export default async function globalSetup() {
  let adminUrl = process.env.DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') {
    const dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'yinqi-test-')), 'pg');
    const database = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    globalThis.yinqiTestDatabase = database;
    adminUrl = database.url;
  }
  const template = `yinqi_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  await runMigrations(withDatabase(adminUrl, template));
  process.env.YINQI_TEST_ADMIN_URL = adminUrl;
  process.env.YINQI_TEST_TEMPLATE = template;
  // Suites must not pick up the outer DATABASE_URL by accident: each gets its own database.
  delete process.env.DATABASE_URL;
}
