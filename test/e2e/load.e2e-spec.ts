import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { Role } from '../../src/common/auth/role.js';
import { insertBank, insertEnterprise, insertUser } from '../support/app.js';
import {
  call,
  ChildApp,
  freePort,
  loginAt,
  sqlOn,
  startChildApp,
  stopChildApp,
} from '../support/child-app.js';
import { createTestDatabase, TestDatabase } from '../support/database.js';
import { fundBody, insertApprovedApplications } from '../support/turnover.js';

/** Seconds of load: short in CI; LOAD_SECONDS=20–30 for the full run. */
const SECONDS = Number(process.env.LOAD_SECONDS ?? '5');
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? '200');
const PRINCIPAL_FEN = 10_000_000n;

/**
 * A bounded loopback run against the built service in a child process: 200 connections of mixed
 * authenticated reads and idempotent money writes (capital in and out, disbursements). Zero 5xx,
 * zero connection errors or timeouts; the fund still reconciles and the audit chain verifies.
 * Latency is printed, never asserted (the machine is shared).
 */
describe('load', () => {
  let database: TestDatabase;
  let sql: ReturnType<typeof sqlOn>;
  let running: ChildApp | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = sqlOn(database.url);
  });
  afterAll(async () => {
    await stopChildApp(running);
    await sql?.end();
    await database?.drop();
  });

  it(`answers ${CONNECTIONS} connections of mixed reads and writes without a 5xx`, async () => {
    const suffix = randomUUID().slice(0, 8);
    const enterpriseId = await insertEnterprise(sql.dataSource, `压测企业-${suffix}`);
    const people = {
      admin: await insertUser(sql.dataSource, {
        username: `load-admin-${suffix}`,
        role: Role.Admin,
      }),
      otherAdmin: await insertUser(sql.dataSource, {
        username: `load-admin2-${suffix}`,
        role: Role.Admin,
      }),
      auditor: await insertUser(sql.dataSource, {
        username: `load-auditor-${suffix}`,
        role: Role.Auditor,
      }),
      enterprise: await insertUser(sql.dataSource, {
        username: `load-enterprise-${suffix}`,
        role: Role.Enterprise,
        enterpriseId,
      }),
    };
    // The general rate limit would refuse a loopback run from one address (429s, not the point).
    running = await startChildApp(database.url, await freePort(), { THROTTLE_LIMIT: '10000000' });
    const base = running.base;
    const token = {
      admin: await loginAt(base, people.admin.username),
      otherAdmin: await loginAt(base, people.otherAdmin.username),
      auditor: await loginAt(base, people.auditor.username),
      enterprise: await loginAt(base, people.enterprise.username),
    };
    const created = await call(base, 'POST', '/turnover-funds', {
      token: token.admin,
      body: fundBody(),
    });
    expect(created.status).toBe(201);
    const fundId = (created.body as { id: string }).id;
    const seeded = await call(base, 'POST', `/turnover-funds/${fundId}/capital`, {
      token: token.admin,
      body: { amount: '1000000000.00', note: '财政拨付资本金' },
      key: randomUUID(),
    });
    expect(seeded.status).toBe(201);
    const approved = await insertApprovedApplications(
      { dataSource: sql.dataSource },
      {
        fundId,
        bankId: await insertBank(sql.dataSource, `压测银行-${suffix}`),
        approverId: people.admin.id,
        count: 150 * SECONDS,
        principalFen: PRINCIPAL_FEN,
      },
    );

    const json = (who: keyof typeof token, keyed = false): Record<string, string> => ({
      authorization: `Bearer ${token[who]}`,
      'content-type': 'application/json',
      ...(keyed ? { 'idempotency-key': randomUUID() } : {}),
    });
    const read = (who: keyof typeof token, path: string) => ({
      method: 'GET',
      path: `/api/v1${path}`,
      headers: { authorization: `Bearer ${token[who]}` },
    });
    const capital = () => ({
      method: 'POST',
      path: `/api/v1/turnover-funds/${fundId}/capital`,
      headers: json('admin', true),
      body: JSON.stringify({ amount: '100.00', note: '压测追加' }),
    });
    const mix: [number, () => { method: string; path: string; headers: Record<string, string> }][] =
      [
        [15, () => read('enterprise', '/auth/me')],
        [15, () => read('admin', `/turnover-funds/${fundId}`)],
        [10, () => read('auditor', '/turnover-funds')],
        [10, () => read('enterprise', '/turnover-applications?limit=20')],
        [10, () => read('auditor', `/turnover-funds/${fundId}/ledger?limit=20`)],
        [10, () => read('auditor', '/audit-events?limit=20')],
        [10, capital],
        [
          5,
          () => ({
            method: 'POST',
            path: `/api/v1/turnover-funds/${fundId}/capital-returns`,
            headers: json('admin', true),
            body: JSON.stringify({ amount: '1.00', note: '压测收回' }),
          }),
        ],
        [
          15,
          () => {
            const id = approved.pop();
            return id === undefined
              ? capital()
              : {
                  method: 'POST',
                  path: `/api/v1/turnover-applications/${id}/disburse`,
                  headers: json('otherAdmin', true),
                  body: '{}',
                };
          },
        ],
      ];
    const total = mix.reduce((sum, [weight]) => sum + weight, 0);
    const pick = () => {
      let roll = Math.random() * total;
      for (const [weight, make] of mix) {
        roll -= weight;
        if (roll < 0) {
          return make();
        }
      }
      return mix[0][1]();
    };

    const result = await autocannon({
      url: base,
      connections: CONNECTIONS,
      duration: SECONDS,
      // Far above any answer a healthy service gives; a request still waiting is a failure.
      timeout: 60,
      requests: [{ setupRequest: () => pick() }],
    });

    process.stdout.write(
      `load: ${result.requests.total} requests in ${result.duration} s over ${CONNECTIONS} ` +
        `connections; latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
        `max ${result.latency.max} ms; statuses ${JSON.stringify(
          Object.fromEntries(
            Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
          ),
        )}; errors ${result.errors}, timeouts ${result.timeouts}\n`,
    );
    expect(result.requests.total).toBeGreaterThan(0);
    expect({
      '5xx': result['5xx'],
      errors: result.errors,
      timeouts: result.timeouts,
    }).toEqual({ '5xx': 0, errors: 0, timeouts: 0 });
    // Only writes can be refused, and only for a reason the client can act on: none expected.
    expect(result['4xx']).toBe(0);

    const reconciled = await call(base, 'GET', `/turnover-funds/${fundId}/reconcile`, {
      token: token.auditor,
    });
    expect(reconciled.body).toMatchObject({ ok: true });
    const verified = await call(base, 'GET', '/audit-events/verify', { token: token.auditor });
    expect(verified.body).toMatchObject({ ok: true });
  }, 300_000);
});
