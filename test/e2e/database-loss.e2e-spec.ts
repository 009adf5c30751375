import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app-setup.js';
import { Public } from '../../src/common/auth/auth.decorators.js';
import { validateEnvironment } from '../../src/common/config/environment.js';
import { Role } from '../../src/common/auth/role.js';
import { runMigrations } from '../../src/database/data-source.js';
import {
  EmbeddedDatabase,
  ensureDatabase,
  startEmbeddedPostgres,
} from '../../src/database/embedded-postgres.js';
import { insertUser, TEST_JWT_SECRET, TEST_PASSWORD } from '../support/app.js';

/** A test-only route whose statement runs long enough to be cut off from outside. */
@Controller('test-slow-query')
class SlowQueryController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Public()
  async slow(): Promise<{ ok: boolean }> {
    await this.dataSource.query(`SELECT pg_sleep(30), 'test-slow-query' AS marker`);
    return { ok: true };
  }
}

@Module({ controllers: [SlowQueryController] })
class SlowQueryModule {}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; fails when it still does not after `deadlineMs`. */
async function eventually(what: string, deadlineMs: number, check: () => Promise<boolean>) {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) {
      return Date.now() - started;
    }
    if (Date.now() - started > deadlineMs) {
      throw new Error(`${what} did not happen within ${deadlineMs} ms`);
    }
    await sleep(100);
  }
}

/**
 * The database goes away under load — its backends killed, then the server stopped and started
 * again — on a PostgreSQL of this suite's own, so other suites keep theirs. The API must answer
 * 503 problem+json quickly (never 500, never hang), readiness must follow, and service must come
 * back without a restart, leaving no session idle in a transaction and every effect exactly once.
 */
describe('losing the database', () => {
  let folder: string;
  let port: number;
  let embedded: EmbeddedDatabase;
  let url: string;
  let app: NestFastifyApplication;
  let token: string;
  let fundId: string;

  const http = () => request(app.getHttpServer());
  // A hang is the bug this suite looks for: every request gets a hard bound far above the
  // configured timeouts, and the test fails if one is reached.
  const HANG = 8000;

  async function outside<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'yinqi-dbloss-'));
    port = await freePort();
    embedded = await startEmbeddedPostgres({ dataDir: path.join(folder, 'pg'), port });
    url = await ensureDatabase(embedded.url, 'yinqi');
    await runMigrations(url);
    const environment = validateEnvironment({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: '6',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '60000',
    });
    app = await createApp({ environment, imports: [SlowQueryModule] });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    await insertUser(app.get(DataSource), { username: 'dbloss-admin', role: Role.Admin });
    const session = await http()
      .post('/api/v1/auth/login')
      .send({ username: 'dbloss-admin', password: TEST_PASSWORD });
    token = (session.body as { accessToken: string }).accessToken;
    const fund = await http()
      .post('/api/v1/guarantee-funds')
      .set('authorization', `Bearer ${token}`)
      .send({
        name: '断库演练基金',
        annualFeeRate: '0.007',
        perEnterpriseCap: '1000000.00',
        capacityMultiple: '10',
        shares: { guarantor: '1' },
      });
    expect(fund.status).toBe(201);
    fundId = (fund.body as { id: string }).id;
  });

  afterAll(async () => {
    await app?.close();
    await embedded?.stop().catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  });

  const me = () =>
    http().get('/api/v1/auth/me').set('authorization', `Bearer ${token}`).timeout(HANG);
  const inject = (key: string) =>
    http()
      .post(`/api/v1/guarantee-funds/${fundId}/capital`)
      .set('authorization', `Bearer ${token}`)
      .set('idempotency-key', key)
      .send({ amount: '1.00' })
      .timeout(HANG);

  it('answers 503 problem+json, not 500, when a statement’s backend is terminated mid-request', async () => {
    const pending = http().get('/api/v1/test-slow-query').timeout(HANG);
    const settled = pending.then((response) => response);
    await eventually('the slow query to start', 5000, async () => {
      const rows = await outside(
        `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%''test-slow-query'' AS marker%'
            AND pid <> pg_backend_pid()`,
      );
      return rows.length > 0;
    });
    await outside(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const response = await settled;
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(JSON.stringify(response.body)).not.toMatch(/terminat|pg_sleep|postgres/i);
    // The pool drops the dead connections; the next requests are served.
    await eventually(
      'service after the terminations',
      10_000,
      async () => (await me()).status === 200,
    );
  });

  it('fails fast while the server is down, turns readiness 503, and recovers without a restart; retried keys take effect once', async () => {
    const statuses: number[] = [];
    const failedKeys: string[] = [];
    const succeededKeys = new Set<string>();
    let loading = true;
    // A steady trickle of reads and money writes, each write with its own Idempotency-Key.
    const worker = async (): Promise<void> => {
      while (loading) {
        const key = randomUUID();
        const [read, write] = await Promise.all([me(), inject(key)]);
        for (const response of [read, write]) {
          statuses.push(response.status);
          if (response.status >= 500) {
            expect(response.status).toBe(503);
            expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          }
        }
        if (write.status === 201) {
          succeededKeys.add(key);
        } else {
          failedKeys.push(key);
        }
        await sleep(20);
      }
    };
    const workers = Array.from({ length: 3 }, () => worker());
    await sleep(300);

    await embedded.stop();
    await eventually('readiness 503', 2000, async () => {
      const ready = await http().get('/health/ready').timeout(HANG);
      return ready.status === 503;
    });
    // Requests made while it is down fail fast with 503 (bounded by the connect timeout).
    const down = await me();
    expect(down.status).toBe(503);
    await sleep(500);

    embedded = await startEmbeddedPostgres({ dataDir: path.join(folder, 'pg'), port });
    await eventually(
      'service after the database returns',
      10_000,
      async () => (await me()).status === 200,
    );
    await eventually(
      'readiness 200',
      10_000,
      async () => (await http().get('/health/ready')).status === 200,
    );
    await sleep(300);
    loading = false;
    await Promise.all(workers);

    expect(statuses.every((status) => [200, 201, 503].includes(status))).toBe(true);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);

    // A client retries every write that failed, with its original key: each takes effect once.
    for (const key of failedKeys) {
      const retried = await inject(key);
      expect(retried.status).toBe(201);
      succeededKeys.add(key);
    }
    for (const key of [...succeededKeys].slice(0, 5)) {
      expect((await inject(key)).status).toBe(201);
    }
    const fund = await http()
      .get(`/api/v1/guarantee-funds/${fundId}`)
      .set('authorization', `Bearer ${token}`);
    const expected = `${succeededKeys.size}.00`;
    expect(fund.body).toMatchObject({ capital: expected, cash: expected });
    const reconcile = await http()
      .get(`/api/v1/guarantee-funds/${fundId}/reconcile`)
      .set('authorization', `Bearer ${token}`);
    expect(reconcile.body).toMatchObject({ ok: true });

    const idle = await outside<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(idle[0].n).toBe(0);
  });
});
