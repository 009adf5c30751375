import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  clearStalePostmaster,
  startEmbeddedPostgres,
} from '../../src/database/embedded-postgres.js';
import { DEMO_PASSWORD } from '../../src/modules/users/initial-accounts.service.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs the built service the way `npm start` does (after its build step). */
function startService(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: process.cwd(),
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, output: () => output, exited };
}

async function waitForOutput(running: Running, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(running.output())) {
    if (running.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`service did not print ${pattern}:\n${running.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) {
    return undefined;
  }
  return Number.parseInt((await readFile(file, 'utf8')).split('\n')[0] ?? '', 10);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start on the embedded database', () => {
  let root: string;
  let dataDir: string;
  let env: Record<string, string>;
  let base: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'yinqi-start-'));
    dataDir = path.join(root, 'pg');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_USERNAME: 'chief',
      ADMIN_PASSWORD: 'chief-password-2026',
    };
  });
  afterAll(async () => {
    const pid = await postmasterPid(dataDir);
    if (pid !== undefined && isAlive(pid)) {
      process.kill(pid, 'SIGINT');
    }
    await rm(root, { recursive: true, force: true });
  });

  const loginAs = (username: string, password: string): Promise<Response> =>
    fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('starts from nothing, creates the accounts once, and stops the database last on SIGTERM', async () => {
    const running = startService(env);
    await waitForOutput(running, /listening on/);
    expect(running.output()).toContain(`${base.replace('127.0.0.1', 'localhost')}/docs`);
    expect(running.output()).toMatch(/Account created: chief \(admin\) — password: ADMIN_PASSWORD/);
    expect(running.output()).toContain(`Account created: auditor (auditor)`);
    // The demo set's accounts are printed on the first start only (the restart below checks).
    expect(running.output()).toContain('Account created: jlbank.president (bank_president)');
    expect(running.output()).toContain('Account created: dongbao.finance (enterprise)');
    expect(running.output()).toContain(DEMO_PASSWORD);
    expect(running.output()).not.toContain(env.ADMIN_PASSWORD);

    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const chief = await loginAs('chief', env.ADMIN_PASSWORD);
    expect(chief.status).toBe(200);
    const tokens = (await chief.json()) as { accessToken: string; refreshToken: string };
    const me = await fetch(`${base}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${tokens.accessToken}`, 'x-request-id': 'start-test-0001' },
    });
    expect(me.status).toBe(200);
    expect((await loginAs('auditor', DEMO_PASSWORD)).status).toBe(200);
    expect((await loginAs('jlbank.president', DEMO_PASSWORD)).status).toBe(200);

    // Structured JSON access logs carry the request id, and never a password or a token.
    const logLines = running
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logLines.some((line) => line.reqId === 'start-test-0001')).toBe(true);
    const logs = running.output();
    expect(logs).not.toContain(env.ADMIN_PASSWORD);
    expect(logs).not.toContain(tokens.accessToken);
    expect(logs).not.toContain(tokens.refreshToken);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(await postmasterPid(dataDir)).toBeUndefined();
  });

  it('restarts on the existing data without creating accounts again', async () => {
    const running = startService(env);
    await waitForOutput(running, /listening on/);
    expect(running.output()).not.toContain('Account created');
    expect((await loginAs('chief', env.ADMIN_PASSWORD)).status).toBe(200);

    // A crash leaves the postmaster running on the data folder.
    running.child.kill('SIGKILL');
    await running.exited;
    const orphan = await postmasterPid(dataDir);
    expect(orphan !== undefined && isAlive(orphan)).toBe(true);

    // A long drain allowance: on a loaded CI machine 50 chain verifications can outlast 10 s,
    // and the point here is that none is cut off, not how fast the machine is.
    const recovered = startService({ ...env, SHUTDOWN_TIMEOUT_MS: '60000' });
    await waitForOutput(recovered, /listening on/);
    expect(isAlive(orphan!)).toBe(false);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    // SIGTERM with 50 requests in flight: every one completes, then the process exits 0 and the
    // database stops cleanly. Verifying the audit chain is slow enough to still be running.
    const login = (await (await loginAs('chief', env.ADMIN_PASSWORD)).json()) as {
      accessToken: string;
    };
    const ids = Array.from({ length: 50 }, (_, index) => `drain-${String(index).padStart(4, '0')}`);
    const inFlight = ids.map((id) =>
      fetch(`${base}/api/v1/audit-events/verify`, {
        headers: { authorization: `Bearer ${login.accessToken}`, 'x-request-id': id },
      }).then(
        (response) => response.status,
        (error: unknown) => String(error),
      ),
    );
    // Signal once the service has received every one of them (its access log says so).
    const logged = (message: string): number => {
      const seen = new Set<unknown>();
      for (const line of recovered.output().split('\n')) {
        if (line.startsWith('{') && line.includes(message)) {
          const entry = JSON.parse(line) as { reqId?: unknown; msg?: unknown };
          if (entry.msg === message && ids.includes(entry.reqId as string)) {
            seen.add(entry.reqId);
          }
        }
      }
      return seen.size;
    };
    const received = (): number => logged('incoming request');
    const deadline = Date.now() + 30_000;
    while (received() < ids.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(received()).toBe(ids.length);
    const completedBefore = logged('request completed');
    const signalled = Date.now();
    recovered.child.kill('SIGTERM');
    expect(await Promise.all(inFlight)).toEqual(ids.map(() => 200));
    // The signal really came while requests were running.
    expect(completedBefore).toBeLessThan(ids.length);
    expect(await recovered.exited).toBe(0);
    // Within the drain allowance of the signal.
    expect(Date.now() - signalled).toBeLessThan(60_000);
    expect(await postmasterPid(dataDir)).toBeUndefined();
  });

  it('removes a pid file left by a postmaster that is no longer running', async () => {
    const folder = path.join(root, 'stale');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'postmaster.pid'), '2147483646\n/somewhere\n');
    expect(await clearStalePostmaster(folder)).toBe('removed');
    expect(existsSync(path.join(folder, 'postmaster.pid'))).toBe(false);
    expect(await clearStalePostmaster(folder)).toBe('none');
  });

  it('refuses a data folder that holds something other than a cluster', async () => {
    const foreign = path.join(root, 'not-a-cluster');
    await mkdir(foreign, { recursive: true });
    await writeFile(path.join(foreign, 'notes.txt'), 'precious');
    await expect(
      startEmbeddedPostgres({ dataDir: foreign, port: await freePort() }),
    ).rejects.toThrow(/not empty and holds no PostgreSQL cluster/);
    expect(await readFile(path.join(foreign, 'notes.txt'), 'utf8')).toBe('precious');
  });
});
