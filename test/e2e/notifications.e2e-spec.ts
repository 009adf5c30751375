import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Role } from '../../src/common/auth/role.js';
import { encodeCursor } from '../../src/common/pagination/pagination.js';
import {
  bearer,
  createTestApp,
  FixtureUser,
  insertBank,
  insertEnterprise,
  insertUser,
  login,
  Session,
  TestApp,
} from '../support/app.js';

const NOTIFICATIONS = '/api/v1/notifications';

interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  entityId: string | null;
  readAt: string | null;
  createdAt: string;
}

interface StoredNotification {
  user_id: string;
  read_at: Date | null;
}

describe('notifications', () => {
  let testApp: TestApp;
  let alice: FixtureUser;
  let bob: FixtureUser;
  let aliceSession: Session;
  let bobSession: Session;
  let inboxes = 0;

  beforeAll(async () => {
    testApp = await createTestApp();
    const enterpriseId = await insertEnterprise(testApp.dataSource, '通化钢铁');
    const bankId = await insertBank(testApp.dataSource, '中国银行通化分行');
    alice = await insertUser(testApp.dataSource, {
      username: 'alice.finance',
      role: Role.Enterprise,
      enterpriseId,
    });
    bob = await insertUser(testApp.dataSource, {
      username: 'bob.officer',
      role: Role.BankOfficer,
      bankId,
    });
    aliceSession = await login(testApp, alice.username);
    bobSession = await login(testApp, bob.username);
  });
  afterAll(async () => {
    await testApp.close();
  });

  /** A user of their own, so each test reads an inbox no other test writes to. */
  async function freshUser(): Promise<{ user: FixtureUser; session: Session }> {
    inboxes += 1;
    const user = await insertUser(testApp.dataSource, {
      username: `inbox.${inboxes}`,
      role: Role.Auditor,
    });
    return { user, session: await login(testApp, user.username) };
  }

  async function insertNotification(
    userId: string,
    createdAt: string,
    readAt: string | null = null,
    title = `通知 ${createdAt}`,
  ): Promise<string> {
    const [row] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO notifications (user_id, kind, title, body, entity_type, entity_id, read_at,
                                  created_at)
       VALUES ($1, 'match.dispatched', $2, '正文', 'match', $3, $4, $5) RETURNING id`,
      [userId, title, randomUUID(), readAt, createdAt],
    );
    return row.id;
  }

  async function stored(id: string): Promise<StoredNotification> {
    const [row] = await testApp.dataSource.query<StoredNotification[]>(
      'SELECT user_id, read_at FROM notifications WHERE id = $1',
      [id],
    );
    return row;
  }

  function list(session: Session, query = '') {
    return testApp
      .http()
      .get(`${NOTIFICATIONS}${query}`)
      .set(...bearer(session));
  }

  async function everyPage(session: Session, limit: number, filter = ''): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const query: string =
        `?limit=${limit}${filter}` + (cursor === null ? '' : `&cursor=${cursor}`);
      const response = await list(session, query);
      expect(response.status).toBe(200);
      const body = response.body as { items: NotificationItem[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(limit);
      ids.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      if (cursor === null) {
        return ids;
      }
    }
    throw new Error('the cursor never ran out');
  }

  it('lists only the caller’s own notifications, unread first, then newest first', async () => {
    const { user, session } = await freshUser();
    const oldUnread = await insertNotification(user.id, '2026-03-01T01:00:00Z');
    const newUnread = await insertNotification(user.id, '2026-03-03T01:00:00Z');
    const oldRead = await insertNotification(
      user.id,
      '2026-03-04T01:00:00Z',
      '2026-03-05T00:00:00Z',
    );
    const newRead = await insertNotification(
      user.id,
      '2026-03-06T01:00:00Z',
      '2026-03-06T02:00:00Z',
    );
    await insertNotification(bob.id, '2026-03-07T01:00:00Z');

    const response = await list(session);
    expect(response.status).toBe(200);
    const items = response.body.items as NotificationItem[];
    expect(items.map((item) => item.id)).toEqual([newUnread, oldUnread, newRead, oldRead]);
    expect(items[0]).toEqual({
      id: newUnread,
      kind: 'match.dispatched',
      title: '通知 2026-03-03T01:00:00Z',
      body: '正文',
      entityType: 'match',
      entityId: expect.any(String),
      readAt: null,
      createdAt: '2026-03-03T01:00:00.000Z',
    });
    expect(items[2].readAt).toBe('2026-03-06T02:00:00.000Z');
    expect(response.body.nextCursor).toBeNull();
  });

  it('pages through the inbox without repeating or skipping, across equal timestamps and the unread/read boundary', async () => {
    const { user, session } = await freshUser();
    // Groups of rows sharing one created_at (as one transaction writes them), read and unread.
    for (let group = 0; group < 5; group += 1) {
      const createdAt = `2026-04-0${group + 1}T08:00:00.123Z`;
      for (let index = 0; index < 5; index += 1) {
        await insertNotification(
          user.id,
          createdAt,
          index % 2 === 0 ? null : '2026-04-10T00:00:00Z',
        );
      }
    }
    const whole = await list(session, '?limit=100');
    const expected = (whole.body.items as NotificationItem[]).map((item) => item.id);
    expect(expected).toHaveLength(25);

    for (const limit of [1, 2, 4, 7]) {
      expect(await everyPage(session, limit)).toEqual(expected);
    }
    // The unread ones alone, paged.
    const unread = (whole.body.items as NotificationItem[])
      .filter((item) => item.readAt === null)
      .map((item) => item.id);
    expect(unread).toHaveLength(15);
    expect(expected.slice(0, 15)).toEqual(unread);
    expect(await everyPage(session, 4, '&unread=true')).toEqual(unread);
    expect(await everyPage(session, 4, '&unread=false')).toEqual(expected.slice(15));
  });

  it('refuses a cursor it did not make and a filter that is not a boolean', async () => {
    for (const cursor of [
      'not-a-cursor',
      encodeCursor(['unread', '2026-03-01T00:00:00.000Z']),
      encodeCursor(['maybe', '2026-03-01T00:00:00.000Z', randomUUID()]),
      encodeCursor(['read', 'yesterday', randomUUID()]),
      encodeCursor(['read', '2026-03-01T00:00:00.000Z', 'not-a-uuid']),
    ]) {
      const response = await list(aliceSession, `?cursor=${cursor}`);
      expect({ cursor, status: response.status }).toEqual({ cursor, status: 400 });
    }
    expect((await list(aliceSession, '?unread=yes')).status).toBe(400);
  });

  it('marks the caller’s own notification read, and a second read keeps the first read_at', async () => {
    const id = await insertNotification(alice.id, '2026-05-01T00:00:00Z');
    const first = await testApp
      .http()
      .post(`${NOTIFICATIONS}/${id}/read`)
      .set(...bearer(aliceSession));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, readAt: expect.any(String) });
    const storedFirst = await stored(id);
    expect(storedFirst.read_at?.toISOString()).toBe(first.body.readAt);

    const again = await testApp
      .http()
      .post(`${NOTIFICATIONS}/${id}/read`)
      .set(...bearer(aliceSession));
    expect(again.status).toBe(200);
    expect(again.body.readAt).toBe(first.body.readAt);

    // One read long ago stays as it was.
    const readLongAgo = await insertNotification(
      alice.id,
      '2026-01-01T00:00:00Z',
      '2026-01-02T03:04:05.678Z',
    );
    const reread = await testApp
      .http()
      .post(`${NOTIFICATIONS}/${readLongAgo}/read`)
      .set(...bearer(aliceSession));
    expect(reread.status).toBe(200);
    expect(reread.body.readAt).toBe('2026-01-02T03:04:05.678Z');
    expect((await stored(readLongAgo)).read_at?.toISOString()).toBe('2026-01-02T03:04:05.678Z');
  });

  it('answers 404 to marking another user’s notification, and leaves it unread', async () => {
    const bobs = await insertNotification(bob.id, '2026-05-02T00:00:00Z');
    const probe = await testApp
      .http()
      .post(`${NOTIFICATIONS}/${bobs}/read`)
      .set(...bearer(aliceSession));
    const absent = await testApp
      .http()
      .post(`${NOTIFICATIONS}/${randomUUID()}/read`)
      .set(...bearer(aliceSession));
    expect(probe.status).toBe(404);
    expect(absent.status).toBe(404);
    expect(probe.body.code).toBe('NOT_FOUND');
    expect(probe.body.detail).toBe(absent.body.detail);
    expect(await stored(bobs)).toEqual({ user_id: bob.id, read_at: null });

    // Nor does it show in the other user's list.
    const aliceIds = await everyPage(aliceSession, 100);
    expect(aliceIds).not.toContain(bobs);
  });

  it('refuses an id that is not a UUID', async () => {
    const response = await testApp
      .http()
      .post(`${NOTIFICATIONS}/not-a-uuid/read`)
      .set(...bearer(aliceSession));
    expect(response.status).toBe(400);
  });

  it('marks all of the caller’s unread notifications read, and nobody else’s', async () => {
    const { user, session } = await freshUser();
    const mine = [
      await insertNotification(user.id, '2026-06-01T00:00:00Z'),
      await insertNotification(user.id, '2026-06-02T00:00:00Z'),
    ];
    const alreadyRead = await insertNotification(
      user.id,
      '2026-06-03T00:00:00Z',
      '2026-06-03T01:00:00Z',
    );
    const bobs = await insertNotification(bob.id, '2026-06-04T00:00:00Z');

    const response = await testApp
      .http()
      .post(`${NOTIFICATIONS}/read-all`)
      .set(...bearer(session));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ marked: 2 });
    for (const id of mine) {
      expect((await stored(id)).read_at).not.toBeNull();
    }
    expect((await stored(alreadyRead)).read_at?.toISOString()).toBe('2026-06-03T01:00:00.000Z');
    expect((await stored(bobs)).read_at).toBeNull();
    expect((await list(session, '?unread=true')).body.items).toEqual([]);

    const again = await testApp
      .http()
      .post(`${NOTIFICATIONS}/read-all`)
      .set(...bearer(session));
    expect(again.body).toEqual({ marked: 0 });
    // bob's inbox still has its unread one.
    const bobsUnread = await list(bobSession, '?unread=true');
    expect((bobsUnread.body.items as NotificationItem[]).map((item) => item.id)).toContain(bobs);
  });

  it('requires a signed-in caller', async () => {
    expect((await testApp.http().get(NOTIFICATIONS)).status).toBe(401);
    expect((await testApp.http().post(`${NOTIFICATIONS}/read-all`)).status).toBe(401);
  });
});
