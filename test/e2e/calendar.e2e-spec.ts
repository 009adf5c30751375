import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
import { WorkingCalendar } from '../../src/modules/calendar/working-calendar.service.js';
import {
  bearer,
  createTestApp,
  FixtureUser,
  insertBank,
  insertUser,
  login,
  Session,
  TestApp,
} from '../support/app.js';

const DAYS = '/api/v1/calendar-days';

interface AuditRow {
  action: string;
  actor_id: string | null;
  actor_role: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe('working-day calendar', () => {
  let testApp: TestApp;
  let admin: FixtureUser;
  let adminSession: Session;
  let officerSession: Session;
  let auditorSession: Session;

  beforeAll(async () => {
    testApp = await createTestApp();
    admin = await insertUser(testApp.dataSource, { username: 'calendar.admin', role: Role.Admin });
    const bankId = await insertBank(testApp.dataSource, '建设银行通化分行');
    await insertUser(testApp.dataSource, {
      username: 'calendar.officer',
      role: Role.BankOfficer,
      bankId,
    });
    await insertUser(testApp.dataSource, { username: 'calendar.auditor', role: Role.Auditor });
    adminSession = await login(testApp, 'calendar.admin');
    officerSession = await login(testApp, 'calendar.officer');
    auditorSession = await login(testApp, 'calendar.auditor');
  });
  afterAll(async () => {
    await testApp.close();
  });

  const put = (session: Session, day: string, body: Record<string, unknown>) =>
    testApp
      .http()
      .put(`${DAYS}/${day}`)
      .set(...bearer(session))
      .send(body);
  const remove = (session: Session, day: string) =>
    testApp
      .http()
      .delete(`${DAYS}/${day}`)
      .set(...bearer(session));
  const list = (session: Session, query: string) =>
    testApp
      .http()
      .get(`${DAYS}${query}`)
      .set(...bearer(session));

  async function auditRows(day: string): Promise<AuditRow[]> {
    return testApp.dataSource.query<AuditRow[]>(
      `SELECT action, actor_id, actor_role, before, after FROM audit_events
        WHERE entity_type = 'calendar_day' AND entity_id = $1 ORDER BY position`,
      [day],
    );
  }

  async function storedDay(day: string): Promise<{ kind: string; name: string } | undefined> {
    const [row] = await testApp.dataSource.query<{ kind: string; name: string }[]>(
      'SELECT kind, name FROM calendar_days WHERE day = $1::date',
      [day],
    );
    return row;
  }

  it('lets an admin add, rename and remove a holiday, auditing each change once', async () => {
    const created = await put(adminSession, '2026-10-01', { kind: 'holiday', name: '国庆' });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      day: '2026-10-01',
      kind: 'holiday',
      name: '国庆',
      createdAt: expect.any(String),
    });

    const renamed = await put(adminSession, '2026-10-01', { kind: 'holiday', name: ' 国庆节 ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...created.body, name: '国庆节' });
    // The same again changes nothing and records nothing.
    const unchanged = await put(adminSession, '2026-10-01', { kind: 'holiday', name: '国庆节' });
    expect(unchanged.status).toBe(200);

    const listed = await list(officerSession, '?from=2026-10-01&to=2026-10-31');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ items: [renamed.body] });

    const deleted = await remove(adminSession, '2026-10-01');
    expect(deleted.status).toBe(204);
    expect(await storedDay('2026-10-01')).toBeUndefined();
    expect((await list(officerSession, '?from=2026-10-01&to=2026-10-31')).body).toEqual({
      items: [],
    });

    const rows = await auditRows('2026-10-01');
    expect(rows).toEqual([
      {
        action: 'calendar_day.created',
        actor_id: admin.id,
        actor_role: 'admin',
        before: null,
        after: { day: '2026-10-01', kind: 'holiday', name: '国庆' },
      },
      {
        action: 'calendar_day.updated',
        actor_id: admin.id,
        actor_role: 'admin',
        before: { day: '2026-10-01', kind: 'holiday', name: '国庆' },
        after: { day: '2026-10-01', kind: 'holiday', name: '国庆节' },
      },
      {
        action: 'calendar_day.deleted',
        actor_id: admin.id,
        actor_role: 'admin',
        before: { day: '2026-10-01', kind: 'holiday', name: '国庆节' },
        after: null,
      },
    ]);
  });

  it('lists the days of a range in date order, both ends included', async () => {
    for (const [day, kind, name] of [
      ['2026-02-28', 'workday', '春节调休'],
      ['2026-02-14', 'workday', '春节调休'],
      ['2026-02-17', 'holiday', '春节'],
      ['2026-03-01', 'holiday', '范围外'],
    ]) {
      expect((await put(adminSession, day, { kind, name })).status).toBe(200);
    }
    const response = await list(auditorSession, '?from=2026-02-14&to=2026-02-28');
    expect(response.status).toBe(200);
    expect(
      (response.body.items as { day: string; kind: string }[]).map((item) => [item.day, item.kind]),
    ).toEqual([
      ['2026-02-14', 'workday'],
      ['2026-02-17', 'holiday'],
      ['2026-02-28', 'workday'],
    ]);
  });

  it('feeds the working-day deadline: a holiday Monday moves Friday + 3 from Wednesday to Thursday', async () => {
    const calendar = testApp.app.get(WorkingCalendar);
    const friday = new Date('2026-04-03T15:00:00+08:00');
    const manager = testApp.dataSource.manager;
    expect(await calendar.addWorkingDays(manager, friday, 3)).toEqual(
      new Date('2026-04-08T15:00:00+08:00'),
    );
    expect((await put(adminSession, '2026-04-06', { kind: 'holiday', name: '清明' })).status).toBe(
      200,
    );
    expect(await calendar.addWorkingDays(manager, friday, 3)).toEqual(
      new Date('2026-04-09T15:00:00+08:00'),
    );
    expect((await remove(adminSession, '2026-04-06')).status).toBe(204);
    expect(await calendar.addWorkingDays(manager, friday, 3)).toEqual(
      new Date('2026-04-08T15:00:00+08:00'),
    );
  });

  it('saves one row and one "created" audit row when admins save the same new day at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        put(adminSession, '2026-05-01', { kind: 'holiday', name: '劳动节' }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(200));
    expect(await storedDay('2026-05-01')).toEqual({ kind: 'holiday', name: '劳动节' });
    expect((await auditRows('2026-05-01')).map((row) => row.action)).toEqual([
      'calendar_day.created',
    ]);
  });

  it('refuses dates that are not real dates written YYYY-MM-DD', async () => {
    for (const day of ['2026-02-30', '2026-2-3', '20260203', 'holiday', '2026-13-01']) {
      const written = await put(adminSession, day, { kind: 'holiday', name: '假日' });
      const deleted = await remove(adminSession, day);
      expect({ day, put: written.status, delete: deleted.status }).toEqual({
        day,
        put: 400,
        delete: 400,
      });
    }
    for (const query of [
      '',
      '?from=2026-01-01',
      '?to=2026-01-01',
      '?from=2026-02-30&to=2026-03-01',
      '?from=2026-01-01&to=2026-1-31',
      '?from=2026-03-01&to=2026-02-28',
      '?from=2026-01-01&to=2027-01-03',
    ]) {
      const response = await list(officerSession, query);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
    }
    // A leap year whole, from its first to its last day, is allowed.
    expect((await list(officerSession, '?from=2028-01-01&to=2028-12-31')).status).toBe(200);
  });

  it('accepts a make-up workday only on a Saturday or Sunday', async () => {
    const weekday = await put(adminSession, '2026-09-30', { kind: 'workday', name: '调休' });
    expect(weekday.status).toBe(400);
    expect(weekday.body.errors).toEqual([{ field: 'kind', message: expect.any(String) }]);
    expect(await storedDay('2026-09-30')).toBeUndefined();
    expect((await put(adminSession, '2026-09-27', { kind: 'workday', name: '调休' })).status).toBe(
      200,
    );
  });

  it('refuses an unknown kind, an empty or overlong name and unknown fields', async () => {
    for (const body of [
      { kind: 'weekend', name: '周末' },
      { kind: 'holiday', name: '   ' },
      { kind: 'holiday', name: '节'.repeat(101) },
      { kind: 'holiday' },
      { kind: 'holiday', name: '元旦', recurring: true },
    ]) {
      const response = await put(adminSession, '2027-01-01', body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    expect(await storedDay('2027-01-01')).toBeUndefined();
  });

  it('lets every signed-in role read the calendar but only admins change it', async () => {
    expect((await put(adminSession, '2026-06-19', { kind: 'holiday', name: '端午' })).status).toBe(
      200,
    );
    expect((await list(auditorSession, '?from=2026-06-01&to=2026-06-30')).status).toBe(200);
    expect((await put(officerSession, '2026-06-19', { kind: 'holiday', name: '改' })).status).toBe(
      403,
    );
    expect((await remove(auditorSession, '2026-06-19')).status).toBe(403);
    expect(await storedDay('2026-06-19')).toEqual({ kind: 'holiday', name: '端午' });
    expect((await testApp.http().get(`${DAYS}?from=2026-06-01&to=2026-06-30`)).status).toBe(401);
  });

  it('answers 404 when deleting a day that has no entry', async () => {
    const response = await remove(adminSession, '2030-01-07');
    expect(response.status).toBe(404);
    expect(await auditRows('2030-01-07')).toEqual([]);
  });
});
