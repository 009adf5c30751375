import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
import {
  bearer,
  createTestApp,
  insertBank,
  insertEnterprise,
  insertUser,
  login,
  Session,
  TEST_PASSWORD,
  TestApp,
} from '../support/app.js';

interface AuditRow {
  action: string;
  actor_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe('banks', () => {
  let testApp: TestApp;
  let admin: Session;
  let adminId: string;
  let secondAdmin: Session;
  let officer: Session;
  let auditor: Session;
  let enterprise: Session;
  let homeBankId: string;

  const api = (path: string): string => `/api/v1${path}`;

  async function auditRows(entityId: string, action?: string): Promise<AuditRow[]> {
    return testApp.dataSource.query<AuditRow[]>(
      `SELECT action, actor_id, before, after FROM audit_events
        WHERE entity_id = $1 AND ($2::text IS NULL OR action = $2) ORDER BY position`,
      [entityId, action ?? null],
    );
  }

  async function activePresidents(bankId: string): Promise<string[]> {
    const rows = await testApp.dataSource.query<{ id: string }[]>(
      `SELECT id FROM users
        WHERE bank_id = $1 AND role = 'bank_president' AND disabled_at IS NULL`,
      [bankId],
    );
    return rows.map((row) => row.id);
  }

  async function roleOf(userId: string): Promise<string> {
    const [row] = await testApp.dataSource.query<{ role: string }[]>(
      'SELECT role FROM users WHERE id = $1',
      [userId],
    );
    return row.role;
  }

  async function createBank(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await testApp
      .http()
      .post(api('/banks'))
      .set(...bearer(admin))
      .send({ name, kind: 'city_commercial', ...extra });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  async function createStaff(
    username: string,
    role: Role.BankOfficer | Role.BankPresident,
    bankId: string,
  ): Promise<{ status: number; id: string }> {
    const response = await testApp
      .http()
      .post(api('/users'))
      .set(...bearer(admin))
      .send({ username, displayName: `${username} 经理`, password: TEST_PASSWORD, role, bankId });
    return { status: response.status, id: response.body.id as string };
  }

  function promote(session: Session, userId: string) {
    return testApp
      .http()
      .patch(api(`/users/${userId}`))
      .set(...bearer(session))
      .send({ role: Role.BankPresident });
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    const { dataSource } = testApp;
    homeBankId = await insertBank(dataSource, '吉林银行通化分行');
    const enterpriseId = await insertEnterprise(dataSource, '通化东宝药业');
    adminId = (await insertUser(dataSource, { username: 'admin1', role: Role.Admin })).id;
    await insertUser(dataSource, { username: 'admin2', role: Role.Admin });
    await insertUser(dataSource, {
      username: 'officer1',
      role: Role.BankOfficer,
      bankId: homeBankId,
    });
    await insertUser(dataSource, { username: 'auditor1', role: Role.Auditor });
    await insertUser(dataSource, { username: 'ent1', role: Role.Enterprise, enterpriseId });
    [admin, secondAdmin, officer, auditor, enterprise] = await Promise.all(
      ['admin1', 'admin2', 'officer1', 'auditor1', 'ent1'].map((name) => login(testApp, name)),
    );
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('registry', () => {
    it('creates a bank for an administrator and audits it', async () => {
      const response = await testApp
        .http()
        .post(api('/banks'))
        .set(...bearer(admin))
        .send({
          name: '  中国工商银行通化分行 ',
          shortName: '工商银行',
          kind: 'state_owned',
          regionCode: '220502',
        });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        name: '中国工商银行通化分行',
        shortName: '工商银行',
        kind: 'state_owned',
        regionCode: '220502',
      });
      const audit = await auditRows(response.body.id as string);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: 'bank.created',
        actor_id: adminId,
        after: { name: '中国工商银行通化分行', kind: 'state_owned' },
      });
    });

    it('refuses a duplicate name with 409 naming the field', async () => {
      await createBank('通化农商银行');
      const response = await testApp
        .http()
        .post(api('/banks'))
        .set(...bearer(admin))
        .send({ name: '通化农商银行', kind: 'rural' });
      expect(response.status).toBe(409);
      expect(response.body.errors).toEqual([{ field: 'name', message: 'is already taken' }]);
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM banks WHERE name = '通化农商银行'`,
      );
      expect(count).toBe(1);
    });

    it.each([
      ['an unknown region', { regionCode: '999999' }, 'regionCode'],
      ['a malformed region', { regionCode: '2205' }, 'regionCode'],
      ['an unknown kind', { kind: 'shadow' }, 'kind'],
      ['a missing name', { name: undefined }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['an unknown field', { swiftCode: 'JLBKCNBJ' }, 'swiftCode'],
    ])('refuses %s with 400 naming the field', async (_case, change, field) => {
      const response = await testApp
        .http()
        .post(api('/banks'))
        .set(...bearer(admin))
        .send({ name: `银行-${field}-${Math.random()}`, kind: 'other', ...change });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });

    it('lets only administrators create and change banks', async () => {
      for (const session of [officer, auditor, enterprise]) {
        const created = await testApp
          .http()
          .post(api('/banks'))
          .set(...bearer(session))
          .send({ name: '越权银行', kind: 'other' });
        expect(created.status).toBe(403);
        const patched = await testApp
          .http()
          .patch(api(`/banks/${homeBankId}`))
          .set(...bearer(session))
          .send({ shortName: '越权' });
        expect(patched.status).toBe(403);
      }
      const [row] = await testApp.dataSource.query<{ short_name: string | null }[]>(
        'SELECT short_name FROM banks WHERE id = $1',
        [homeBankId],
      );
      expect(row.short_name).toBeNull();
    });

    it('updates a bank, auditing before and after, and refuses a taken name', async () => {
      const id = await createBank('建设银行通化分行', { kind: 'state_owned' });
      const response = await testApp
        .http()
        .patch(api(`/banks/${id}`))
        .set(...bearer(admin))
        .send({ shortName: '建行', regionCode: '220581' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ shortName: '建行', regionCode: '220581' });
      const [audit] = await auditRows(id, 'bank.updated');
      expect(audit.before).toMatchObject({ shortName: null, regionCode: null });
      expect(audit.after).toMatchObject({ shortName: '建行', regionCode: '220581' });

      const taken = await testApp
        .http()
        .patch(api(`/banks/${id}`))
        .set(...bearer(admin))
        .send({ name: '吉林银行通化分行' });
      expect(taken.status).toBe(409);
      expect(taken.body.errors[0].field).toBe('name');

      for (const [body, field] of [
        [{ name: null }, 'name'],
        [{ regionCode: '999999' }, 'regionCode'],
        [{ kind: null }, 'kind'],
      ] as const) {
        const refused = await testApp
          .http()
          .patch(api(`/banks/${id}`))
          .set(...bearer(admin))
          .send(body);
        expect(refused.status).toBe(400);
        expect(refused.body.errors[0].field).toBe(field);
      }
      const unchanged = await testApp
        .http()
        .get(api(`/banks/${id}`))
        .set(...bearer(admin));
      expect(unchanged.body).toMatchObject({
        name: '建设银行通化分行',
        kind: 'state_owned',
        regionCode: '220581',
      });
    });

    it('answers 404 for a bank that does not exist', async () => {
      const missing = '00000000-0000-4000-8000-000000000001';
      const read = await testApp
        .http()
        .get(api(`/banks/${missing}`))
        .set(...bearer(enterprise));
      expect(read.status).toBe(404);
      const patched = await testApp
        .http()
        .patch(api(`/banks/${missing}`))
        .set(...bearer(admin))
        .send({ shortName: 'x' });
      expect(patched.status).toBe(404);
    });

    it('lists banks to any signed-in user with filters and keyset pages', async () => {
      const prefix = '列表测试';
      const created: string[] = [];
      for (let index = 0; index < 7; index += 1) {
        created.push(
          await createBank(`${prefix}银行${index}`, {
            kind: index % 2 === 0 ? 'joint_stock' : 'policy',
            regionCode: index < 3 ? '220523' : '220524',
          }),
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string | number> = { q: prefix, limit: 3 };
        if (cursor !== null) {
          query.cursor = cursor;
        }
        const page = await testApp
          .http()
          .get(api('/banks'))
          .query(query)
          .set(...bearer(enterprise));
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.nextCursor as string | null;
      } while (cursor !== null);
      // Newest first, every bank once.
      expect(seen).toEqual([...created].reverse());

      const filtered = await testApp
        .http()
        .get(api('/banks'))
        .query({ q: prefix, kind: 'joint_stock', regionCode: '220523' })
        .set(...bearer(officer));
      expect(filtered.body.items.map((item: { id: string }) => item.id).sort()).toEqual(
        [created[0], created[2]].sort(),
      );

      const badCursor = await testApp
        .http()
        .get(api('/banks'))
        .query({ cursor: 'bm90LWEtY3Vyc29y' })
        .set(...bearer(auditor));
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.errors[0].field).toBe('cursor');
    });
  });

  describe('presidency (行长制)', () => {
    it('shows the current president and staff counts on the bank', async () => {
      const bankId = await createBank('详情银行');
      const president = await createStaff('detail.president', Role.BankPresident, bankId);
      await createStaff('detail.officer1', Role.BankOfficer, bankId);
      const disabled = await createStaff('detail.officer2', Role.BankOfficer, bankId);
      await testApp
        .http()
        .patch(api(`/users/${disabled.id}`))
        .set(...bearer(admin))
        .send({ disabled: true })
        .expect(200);

      const response = await testApp
        .http()
        .get(api(`/banks/${bankId}`))
        .set(...bearer(enterprise));
      expect(response.status).toBe(200);
      expect(response.body.president).toEqual({
        id: president.id,
        displayName: 'detail.president 经理',
      });
      expect(response.body.staffCounts).toEqual({ officers: 1, presidents: 1, disabled: 1 });
    });

    it('replaces the president when a second one is created, demoting the first, audited', async () => {
      const bankId = await createBank('替换银行');
      const first = await createStaff('replace.first', Role.BankPresident, bankId);
      expect(first.status).toBe(201);
      const second = await createStaff('replace.second', Role.BankPresident, bankId);
      expect(second.status).toBe(201);

      expect(await activePresidents(bankId)).toEqual([second.id]);
      expect(await roleOf(first.id)).toBe(Role.BankOfficer);
      const demotions = await auditRows(first.id, 'user.role_changed');
      expect(demotions).toHaveLength(1);
      expect(demotions[0]).toMatchObject({
        actor_id: adminId,
        before: { id: first.id, role: 'bank_president', bankId },
        after: { id: first.id, role: 'bank_officer', bankId },
      });
      expect(demotions[0].after).not.toHaveProperty('passwordHash');
      const detail = await testApp
        .http()
        .get(api(`/banks/${bankId}`))
        .set(...bearer(admin));
      expect(detail.body.president.id).toBe(second.id);
    });

    it('replaces the president when an officer is promoted', async () => {
      const bankId = await createBank('晋升银行');
      const incumbent = await createStaff('promote.incumbent', Role.BankPresident, bankId);
      const officerUser = await createStaff('promote.officer', Role.BankOfficer, bankId);

      const response = await promote(admin, officerUser.id);
      expect(response.status).toBe(200);
      expect(response.body.role).toBe(Role.BankPresident);
      expect(await activePresidents(bankId)).toEqual([officerUser.id]);
      expect(await roleOf(incumbent.id)).toBe(Role.BankOfficer);
      expect(await auditRows(incumbent.id, 'user.role_changed')).toHaveLength(1);
      expect(await auditRows(officerUser.id, 'user.role_changed')).toHaveLength(1);
    });

    it('replaces the president when a disabled president is enabled again', async () => {
      const bankId = await createBank('复职银行');
      const old = await createStaff('enable.old', Role.BankPresident, bankId);
      await testApp
        .http()
        .patch(api(`/users/${old.id}`))
        .set(...bearer(admin))
        .send({ disabled: true })
        .expect(200);
      const current = await createStaff('enable.current', Role.BankPresident, bankId);
      expect(await auditRows(old.id, 'user.role_changed')).toHaveLength(0);

      await testApp
        .http()
        .patch(api(`/users/${old.id}`))
        .set(...bearer(admin))
        .send({ disabled: false })
        .expect(200);
      expect(await activePresidents(bankId)).toEqual([old.id]);
      expect(await roleOf(current.id)).toBe(Role.BankOfficer);
    });

    it('leaves the president in place when creating the replacement fails', async () => {
      const bankId = await createBank('回滚银行');
      const incumbent = await createStaff('rollback.incumbent', Role.BankPresident, bankId);
      const clash = await createStaff('rollback.incumbent', Role.BankPresident, bankId);
      expect(clash.status).toBe(409);
      expect(await activePresidents(bankId)).toEqual([incumbent.id]);
      expect(await auditRows(incumbent.id, 'user.role_changed')).toHaveLength(0);
    });

    it('keeps exactly one president when two admins promote two officers at the same moment', async () => {
      const bankId = await createBank('并发银行');
      const incumbent = await createStaff('race.incumbent', Role.BankPresident, bankId);
      const a = await createStaff('race.a', Role.BankOfficer, bankId);
      const b = await createStaff('race.b', Role.BankOfficer, bankId);

      // Hold the bank's row so both promotions are in flight together, then let them race.
      const blocker = testApp.dataSource.createQueryRunner();
      await blocker.connect();
      await blocker.startTransaction();
      await blocker.query('SELECT 1 FROM banks WHERE id = $1 FOR NO KEY UPDATE', [bankId]);
      const racing = Promise.all([promote(admin, a.id), promote(secondAdmin, b.id)]);
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const [{ waiting }] = await testApp.dataSource.query<{ waiting: number }[]>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (waiting >= 2) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await blocker.commitTransaction();
      await blocker.release();
      const responses = await racing;

      expect(responses.map((response) => response.status)).toEqual([200, 200]);
      const presidents = await activePresidents(bankId);
      expect(presidents).toHaveLength(1);
      expect([a.id, b.id]).toContain(presidents[0]);
      expect(await roleOf(incumbent.id)).toBe(Role.BankOfficer);
      const loser = presidents[0] === a.id ? b.id : a.id;
      // The loser was promoted, then demoted by the winner: two audited role changes.
      expect((await auditRows(loser, 'user.role_changed')).map((row) => row.after?.role)).toEqual([
        'bank_president',
        'bank_officer',
      ]);
      expect(await auditRows(incumbent.id, 'user.role_changed')).toHaveLength(1);
    });

    it('never ends with two presidents nor a 500 under a burst of concurrent promotions', async () => {
      const bankId = await createBank('突发银行');
      const officers = [];
      for (let index = 0; index < 5; index += 1) {
        officers.push(await createStaff(`burst.${index}`, Role.BankOfficer, bankId));
      }
      const responses = await Promise.all(
        officers.map((user, index) => promote(index % 2 === 0 ? admin : secondAdmin, user.id)),
      );
      for (const response of responses) {
        expect([200, 409]).toContain(response.status);
      }
      expect(await activePresidents(bankId)).toHaveLength(1);
      const [{ officers: remaining }] = await testApp.dataSource.query<{ officers: number }[]>(
        `SELECT count(*)::int AS officers FROM users WHERE bank_id = $1 AND role = 'bank_officer'`,
        [bankId],
      );
      expect(remaining).toBe(4);
    });
  });
});
