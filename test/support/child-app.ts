import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { TEST_JWT_SECRET, TEST_PASSWORD } from './app.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** The built service (`node dist/main.js`) in a child process, on a test database of its own. */
export interface ChildApp {
  child: ChildProcess;
  base: string;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Starts `dist/main.js` on `databaseUrl` (the database must already hold a user, so no initial
 * account is created) and resolves once it answers ready.
 */
export async function startChildApp(
  databaseUrl: string,
  port: number,
  env: Record<string, string> = {},
): Promise<ChildApp> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'false',
      JWT_SECRET: TEST_JWT_SECRET,
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
      DATABASE_URL: databaseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service did not become ready:\n${output}`);
    }
    const ready = await fetch(`${base}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) {
      return { child, base, output: () => output, exited };
    }
    await sleep(100);
  }
}

/** Stops the child (SIGTERM, then SIGKILL if it lingers). */
export async function stopChildApp(app: ChildApp | undefined): Promise<void> {
  if (app === undefined || app.child.exitCode !== null || app.child.signalCode !== null) {
    return;
  }
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 30_000);
  await app.exited;
  clearTimeout(timer);
}

/**
 * A pool on the suite's database shaped like the part of a TypeORM DataSource the fixture
 * helpers use (`query` answering rows), so fixtures can be inserted without an in-process app.
 */
export function sqlOn(url: string): { dataSource: DataSource; end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const dataSource = {
    query: async (sql: string, parameters: unknown[] = []) =>
      (await pool.query(sql, parameters)).rows,
  } as unknown as DataSource;
  return { dataSource, end: () => pool.end() };
}

/** A JSON client for a running service, with a bearer token. */
export interface Call {
  status: number;
  text: string;
  body: unknown;
}

function parsed(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; key?: string } = {},
): Promise<Call> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (options.key !== undefined) {
    headers['idempotency-key'] = options.key;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, text, body: parsed(text) };
}

export async function loginAt(base: string, username: string): Promise<string> {
  const answer = await call(base, 'POST', '/auth/login', {
    body: { username, password: TEST_PASSWORD },
  });
  if (answer.status !== 200) {
    throw new Error(`login of ${username} answered ${answer.status}: ${answer.text}`);
  }
  return (answer.body as { accessToken: string }).accessToken;
}
