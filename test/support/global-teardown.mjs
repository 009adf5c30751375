import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

export default async function globalTeardown() {
  const adminUrl = process.env.YINQI_TEST_ADMIN_URL;
  const template = process.env.YINQI_TEST_TEMPLATE;
  const database = globalThis.yinqiTestDatabase;
  if (database) {
    await database.stop();
    await rm(path.dirname(database.dataDir), { recursive: true, force: true });
  } else if (adminUrl && template) {
    // On a shared server, leave nothing behind.
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template}`).catch(() => undefined);
    await admin.end();
  }
}
