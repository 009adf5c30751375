import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from '../../src/database/embedded-postgres.js';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.YINQI_TEST_ADMIN_URL;
  if (!url) {
    throw new Error('YINQI_TEST_ADMIN_URL is unset: run the tests through jest (global setup)');
  }
  return url;
}

/** A fresh database for one suite, cloned from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `yinqi_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.YINQI_TEST_TEMPLATE}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl(), name),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
