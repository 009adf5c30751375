import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Environment } from '../common/config/environment.js';
import { EmbeddedDatabase, ensureDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

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
export async function resolveDatabase(
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
