import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app-setup.js';
import { Role } from '../../src/common/auth/role.js';
import { Clock } from '../../src/common/clock.js';
import {
  ESCALATION_BATCH_SIZE,
  EscalationSweep,
} from '../../src/modules/escalation/escalation-sweep.service.js';
import {
  bearer,
  createTestApp,
  insertBank,
  insertEnterprise,
  insertUser,
  login,
  TestApp,
} from '../support/app.js';

/** Banks, presidents, admins and an enterprise: what a match row points at. */
interface World {
  enterpriseId: string;
  adminIds: string[];
  banks: { id: string; presidentId: string; presidentUsername: string }[];
}

let worlds = 0;

async function buildWorld(dataSource: DataSource): Promise<World> {
  worlds += 1;
  const adminIds: string[] = [];
  for (const index of [1, 2]) {
    const admin = await insertUser(dataSource, {
      username: `center-${worlds}-${index}`,
      role: Role.Admin,
    });
    adminIds.push(admin.id);
  }
  const banks: World['banks'] = [];
  for (const name of ['吉林银行通化分行', '通化农商银行']) {
    const bankId = await insertBank(dataSource, `${name}${worlds}`);
    const president = await insertUser(dataSource, {
      username: `president-${worlds}-${banks.length}`,
      role: Role.BankPresident,
      bankId,
    });
    banks.push({ id: bankId, presidentId: president.id, presidentUsername: president.username });
  }
  const enterpriseId = await insertEnterprise(dataSource, `通化葡萄酒厂${worlds}`);
  return { enterpriseId, adminIds, banks };
}

/**
 * `count` financing requests, each with one match (alternating between the world's banks),
 * inserted in one statement so they become visible at once. Deadlines are `firstDueAt`, then one
 * minute apart.
 */
async function insertMatches(
  dataSource: DataSource,
  world: World,
  count: number,
  firstDueAt: Date,
  status = 'dispatched',
): Promise<string[]> {
  const rows = await dataSource.query<{ id: string }[]>(
    `WITH requests AS (
       INSERT INTO financing_requests
         (enterprise_id, amount_fen, term_months, purpose, guarantee_offered, status, created_by)
       SELECT $1, 50000000 + g, 12, 'working_capital', 'credit', 'dispatched', $2
         FROM generate_series(1, $3::int) AS g
       RETURNING id, amount_fen - 50000000 AS n
     )
     INSERT INTO matches
       (request_id, bank_id, president_id, dispatched_by, status, response_due_at,
        decline_reason_code, decline_reason)
     SELECT r.id,
            CASE WHEN r.n % 2 = 0 THEN $4::uuid ELSE $5::uuid END,
            CASE WHEN r.n % 2 = 0 THEN $6::uuid ELSE $7::uuid END,
            $2, $8, $9::timestamptz + (r.n - 1) * interval '1 minute',
            CASE WHEN $8 = 'declined' THEN 'other' END,
            CASE WHEN $8 = 'declined' THEN '不符合要求' END
       FROM requests r
      ORDER BY r.n
     RETURNING id`,
    [
      world.enterpriseId,
      world.adminIds[0],
      count,
      world.banks[0].id,
      world.banks[1].id,
      world.banks[0].presidentId,
      world.banks[1].presidentId,
      status,
      firstDueAt.toISOString(),
    ],
  );
  return rows.map((row) => row.id);
}

async function escalatedCount(dataSource: DataSource, ids: string[]): Promise<number> {
  const [{ count }] = await dataSource.query<[{ count: number }]>(
    `SELECT count(*)::int AS count FROM matches
      WHERE id = ANY($1::uuid[]) AND escalated_at IS NOT NULL`,
    [ids],
  );
  return count;
}

interface Trail {
  /** Escalation notifications per (recipient, match). */
  notifications: { user_id: string; entity_id: string; count: number }[];
  /** Timeline rows per match. */
  events: { match_id: string; count: number; actor_id: string | null; actor_role: string }[];
  /** Audit rows per match. */
  audits: { entity_id: string; count: number; actor_id: string | null; actor_role: string }[];
}

async function trailOf(dataSource: DataSource, ids: string[]): Promise<Trail> {
  const notifications = await dataSource.query<Trail['notifications']>(
    `SELECT user_id, entity_id, count(*)::int AS count FROM notifications
      WHERE kind = 'match.escalated' AND entity_type = 'match' AND entity_id = ANY($1::uuid[])
      GROUP BY user_id, entity_id`,
    [ids],
  );
  const events = await dataSource.query<Trail['events']>(
    `SELECT match_id, count(*)::int AS count, min(actor_id::text) AS actor_id,
            min(actor_role) AS actor_role
       FROM request_events WHERE action = 'match.escalated' AND match_id = ANY($1::uuid[])
      GROUP BY match_id`,
    [ids],
  );
  const audits = await dataSource.query<Trail['audits']>(
    `SELECT entity_id, count(*)::int AS count, min(actor_id::text) AS actor_id,
            min(actor_role) AS actor_role
       FROM audit_events
      WHERE action = 'match.escalated' AND entity_type = 'match' AND entity_id = ANY($1::text[])
      GROUP BY entity_id`,
    [ids],
  );
  return { notifications, events, audits };
}

/** Every match escalated once: one notification per recipient, one timeline and audit row. */
async function expectEscalatedExactlyOnce(
  dataSource: DataSource,
  world: World,
  ids: string[],
): Promise<void> {
  expect(await escalatedCount(dataSource, ids)).toBe(ids.length);
  const trail = await trailOf(dataSource, ids);
  const presidents = new Set(world.banks.map((bank) => bank.presidentId));
  const adminRows = await dataSource.query<{ id: string }[]>(
    `SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL`,
  );
  expect(adminRows.map((row) => row.id)).toEqual(expect.arrayContaining(world.adminIds));
  const perMatch = new Map<string, string[]>();
  for (const row of trail.notifications) {
    expect(row.count).toBe(1);
    perMatch.set(row.entity_id, [...(perMatch.get(row.entity_id) ?? []), row.user_id]);
  }
  expect([...perMatch.keys()].sort()).toEqual([...ids].sort());
  for (const recipients of perMatch.values()) {
    expect(recipients.filter((id) => presidents.has(id))).toHaveLength(1);
    expect(recipients.filter((id) => !presidents.has(id)).sort()).toEqual(
      adminRows.map((row) => row.id).sort(),
    );
  }
  expect(trail.events).toHaveLength(ids.length);
  expect(trail.audits).toHaveLength(ids.length);
  for (const row of [...trail.events, ...trail.audits]) {
    expect(row).toMatchObject({ count: 1, actor_id: null, actor_role: 'system' });
  }
}

const sweepOf = (app: NestFastifyApplication): EscalationSweep => app.get(EscalationSweep);

function setNow(apps: NestFastifyApplication[], now: Date): void {
  for (const app of apps) {
    // A second spyOn returns the spy already in place.
    jest.spyOn(app.get(Clock), 'now').mockReturnValue(now);
  }
}

const later = (instant: Date, milliseconds: number): Date =>
  new Date(instant.getTime() + milliseconds);

/** A second instance of the application on the first one's database (not a new one). */
async function secondInstance(testApp: TestApp): Promise<NestFastifyApplication> {
  const app = await createApp({ environment: { ...testApp.environment } });
  await app.init();
  return app;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (await condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('escalation sweep', () => {
  let testApp: TestApp;
  let world: World;
  const base = new Date('2026-03-02T02:00:00Z');

  beforeAll(async () => {
    // The timer stays out of the way: these tests decide when a sweep runs.
    testApp = await createTestApp({ MATCH_ESCALATION_SWEEP_MS: '3600000' });
    await sweepOf(testApp.app).beforeApplicationShutdown();
    world = await buildWorld(testApp.dataSource);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('leaves a match alone until its deadline has passed, then escalates it', async () => {
    const [id] = await insertMatches(testApp.dataSource, world, 1, base);
    const sweep = sweepOf(testApp.app);

    setNow([testApp.app], later(base, -60_000));
    expect(await sweep.sweep()).toBe(0);
    // Due at exactly this instant is not yet past due.
    setNow([testApp.app], base);
    expect(await sweep.sweep()).toBe(0);
    expect(await escalatedCount(testApp.dataSource, [id])).toBe(0);
    expect((await trailOf(testApp.dataSource, [id])).notifications).toEqual([]);

    const breach = later(base, 1);
    setNow([testApp.app], breach);
    expect(await sweep.sweep()).toBe(1);
    const [row] = await testApp.dataSource.query<{ status: string; escalated_at: Date }[]>(
      'SELECT status, escalated_at FROM matches WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ status: 'dispatched', escalated_at: breach });
  });

  it('escalates a breach once: one notification to the president and to every admin, one timeline and one audit row', async () => {
    const dueAt = later(base, 86_400_000);
    const [id] = await insertMatches(testApp.dataSource, world, 1, dueAt);
    const sweep = sweepOf(testApp.app);

    setNow([testApp.app], later(dueAt, 3_600_000));
    expect(await sweep.sweep()).toBe(1);
    expect(await sweep.sweep()).toBe(0);
    setNow([testApp.app], later(dueAt, 7 * 86_400_000));
    expect(await sweep.sweep()).toBe(0);

    await expectEscalatedExactlyOnce(testApp.dataSource, world, [id]);
    const [event] = await testApp.dataSource.query<
      { request_id: string; from_status: string | null; to_status: string | null }[]
    >(
      `SELECT e.request_id, e.from_status, e.to_status FROM request_events e
        JOIN matches m ON m.request_id = e.request_id
       WHERE e.match_id = $1 AND m.id = $1`,
      [id],
    );
    expect(event).toEqual(expect.objectContaining({ from_status: null, to_status: null }));

    // The accountable president finds it in their own inbox, unread.
    const [{ president_id: presidentId }] = await testApp.dataSource.query<
      { president_id: string }[]
    >('SELECT president_id FROM matches WHERE id = $1', [id]);
    const president = world.banks.find((bank) => bank.presidentId === presidentId);
    const session = await login(testApp, president?.presidentUsername ?? '');
    const inbox = await testApp
      .http()
      .get('/api/v1/notifications?unread=true')
      .set(...bearer(session));
    expect(inbox.status).toBe(200);
    expect(inbox.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'match.escalated',
          entityType: 'match',
          entityId: id,
          readAt: null,
        }),
      ]),
    );
  });

  it('never escalates a match that was accepted, approved, disbursed, declined, recalled or cancelled', async () => {
    const dueAt = later(base, 2 * 86_400_000);
    const ids: string[] = [];
    for (const status of [
      'accepted',
      'approved',
      'disbursed',
      'declined',
      'recalled',
      'cancelled',
    ]) {
      ids.push(...(await insertMatches(testApp.dataSource, world, 2, dueAt, status)));
    }
    setNow([testApp.app], later(dueAt, 30 * 86_400_000));

    expect(await sweepOf(testApp.app).sweep()).toBe(0);
    expect(await escalatedCount(testApp.dataSource, ids)).toBe(0);
    expect(await trailOf(testApp.dataSource, ids)).toEqual({
      notifications: [],
      events: [],
      audits: [],
    });
  });

  it('escalates a backlog larger than one batch in one call', async () => {
    const dueAt = later(base, 5 * 86_400_000);
    const backlog = 2 * ESCALATION_BATCH_SIZE + 17;
    const ids = await insertMatches(testApp.dataSource, world, backlog, dueAt);
    setNow([testApp.app], later(dueAt, backlog * 60_000));

    expect(await sweepOf(testApp.app).sweep()).toBe(backlog);
    await expectEscalatedExactlyOnce(testApp.dataSource, world, ids);
  });

  it('escalates every breach exactly once when two instances sweep concurrently', async () => {
    const second = await secondInstance(testApp);
    try {
      const apps = [testApp.app, second];
      const dueAt = later(base, 10 * 86_400_000);
      // Deadlines one minute apart: each round below brings five more past due.
      const ids = await insertMatches(testApp.dataSource, world, 50, dueAt);
      let escalated = 0;
      for (let round = 1; round <= 12; round += 1) {
        setNow(apps, later(dueAt, (round * 5 - 1) * 60_000 + 1));
        const counts = await Promise.all(
          [...apps, ...apps, ...apps].map((app) => sweepOf(app).sweep()),
        );
        escalated += counts.reduce((sum, count) => sum + count, 0);
      }

      // Every escalation was counted by exactly one sweep, and each left one trail.
      expect(escalated).toBe(50);
      await expectEscalatedExactlyOnce(testApp.dataSource, world, ids);
    } finally {
      await second.close();
    }
  });
});

describe('escalation timers in two instances', () => {
  let testApp: TestApp;
  let second: NestFastifyApplication;
  let world: World;

  beforeAll(async () => {
    testApp = await createTestApp({ MATCH_ESCALATION_SWEEP_MS: '50' });
    second = await secondInstance(testApp);
    world = await buildWorld(testApp.dataSource);
  });
  afterAll(async () => {
    await second.close();
    await testApp.close();
  });

  it('escalates every breach exactly once, whichever instance ticks first', async () => {
    const sweeps = [sweepOf(testApp.app), sweepOf(second)];
    const calls = sweeps.map((sweep) => jest.spyOn(sweep, 'sweep'));
    // Past due by the real clock: the timers use the unmocked Clock.
    const ids = await insertMatches(
      testApp.dataSource,
      world,
      50,
      new Date(Date.now() - 86_400_000),
    );

    await waitFor(
      async () => (await escalatedCount(testApp.dataSource, ids)) === ids.length,
      'every match to be escalated',
    );
    // A few more ticks of both timers: nothing may be escalated or announced twice.
    const seen = calls.map((call) => call.mock.calls.length);
    await waitFor(
      () => calls.every((call, index) => call.mock.calls.length >= seen[index] + 3),
      'both timers to tick three more times',
    );

    await expectEscalatedExactlyOnce(testApp.dataSource, world, ids);
  });

  it('stops ticking once shut down', async () => {
    const sweep = sweepOf(second);
    const calls = jest.spyOn(sweep, 'sweep');
    await sweep.beforeApplicationShutdown();
    const before = calls.mock.calls.length;
    // The other instance's timer keeps running: let it tick a few times.
    const other = jest.spyOn(sweepOf(testApp.app), 'sweep');
    const otherBefore = other.mock.calls.length;
    await waitFor(
      () => other.mock.calls.length >= otherBefore + 3,
      'the running instance to tick three times',
    );
    expect(calls.mock.calls.length).toBe(before);
  });
});
