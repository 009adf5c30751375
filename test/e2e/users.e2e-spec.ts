import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { Role } from '../../src/common/auth/role.js';
import {
  bearer,
  createTestApp,
  FixtureUser,
  insertBank,
  insertEnterprise,
  insertUser,
  login,
  Session,
  TEST_PASSWORD,
  TestApp,
} from '../support/app.js';

const USERS = '/api/v1/users';
const NEW_PASSWORD = 'a brand new password for staff';

interface UserBody {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  enterpriseId: string | null;
  bankId: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface UserPage {
  items: UserBody[];
  nextCursor: string | null;
}

interface AuditRow {
  action: string;
  actor_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  text: string;
}

const USER_FIELDS = [
  'bankId',
  'createdAt',
  'disabledAt',
  'displayName',
  'enterpriseId',
  'id',
  'role',
  'updatedAt',
  'username',
];

/** A user answer carries exactly the public fields, and nothing that looks like a secret. */
function expectNoSecrets(response: Response, password = NEW_PASSWORD): void {
  expect(response.text).not.toMatch(/password/i);
  expect(response.text).not.toMatch(/\$argon2/);
  expect(response.text).not.toContain(password);
  expect(response.text).not.toContain(TEST_PASSWORD);
}

function fieldsOf(response: Response): string[] {
  return ((response.body.errors ?? []) as { field: string }[]).map((error) => error.field);
}

describe('users (e2e)', () => {
  let testApp: TestApp;
  let admin: FixtureUser;
  let adminSession: Session;
  let bankId: string;
  let enterpriseId: string;

  const asAdmin = {
    get: (path: string) =>
      testApp
        .http()
        .get(path)
        .set(...bearer(adminSession)),
    post: (body: object) =>
      testApp
        .http()
        .post(USERS)
        .set(...bearer(adminSession))
        .send(body),
    patch: (id: string, body: object) =>
      testApp
        .http()
        .patch(`${USERS}/${id}`)
        .set(...bearer(adminSession))
        .send(body),
  };
  const auditRows = (action: string, entityId: string): Promise<AuditRow[]> =>
    testApp.dataSource.query<AuditRow[]>(
      `SELECT action, actor_id, before, after, row_to_json(audit_events)::text AS text
         FROM audit_events WHERE action = $1 AND entity_id = $2 ORDER BY position`,
      [action, entityId],
    );

  beforeAll(async () => {
    testApp = await createTestApp();
    admin = await insertUser(testApp.dataSource, { username: 'admin1', role: Role.Admin });
    adminSession = await login(testApp, 'admin1');
    bankId = await insertBank(testApp.dataSource, '吉林银行通化分行');
    enterpriseId = await insertEnterprise(testApp.dataSource, '通化测试企业');
  });
  afterAll(async () => {
    await testApp.close();
  });

  describe('creating users', () => {
    it('creates bank staff, an enterprise user and an auditor without exposing secrets', async () => {
      const cases = [
        { username: 'jl.officer', role: Role.BankOfficer, bankId },
        { username: 'jl.president', role: Role.BankPresident, bankId },
        { username: 'th.finance', role: Role.Enterprise, enterpriseId },
        { username: 'inspector', role: Role.Auditor },
      ];
      for (const fields of cases) {
        const response = await asAdmin.post({
          ...fields,
          displayName: `${fields.username} 显示名`,
          password: NEW_PASSWORD,
        });
        expect(response.status).toBe(201);
        expect(Object.keys(response.body as object).sort()).toEqual(USER_FIELDS);
        expect(response.body).toMatchObject({
          username: fields.username,
          role: fields.role,
          bankId: fields.bankId ?? null,
          enterpriseId: fields.enterpriseId ?? null,
          disabledAt: null,
        });
        expectNoSecrets(response);

        // The stored hash is argon2id, and the account logs in with the password it was given.
        const [row] = await testApp.dataSource.query<{ password_hash: string }[]>(
          'SELECT password_hash FROM users WHERE id = $1',
          [(response.body as UserBody).id],
        );
        expect(row.password_hash).toMatch(/^\$argon2id\$/);
        const session = await login(testApp, fields.username, NEW_PASSWORD);
        const me = await testApp
          .http()
          .get('/api/v1/auth/me')
          .set(...bearer(session));
        expect(me.body.role).toBe(fields.role);

        const created = await auditRows('user.created', (response.body as UserBody).id);
        expect(created).toHaveLength(1);
        expect(created[0].actor_id).toBe(admin.id);
        expect(created[0].after).toMatchObject({ username: fields.username, role: fields.role });
        expect(created[0].text).not.toMatch(/password/i);
        expect(created[0].text).not.toContain(NEW_PASSWORD);
        expect(created[0].text).not.toContain(row.password_hash);
      }
    });

    it('refuses a username that differs from an existing one only in case', async () => {
      const response = await asAdmin.post({
        username: 'JL.Officer',
        displayName: 'duplicate',
        password: NEW_PASSWORD,
        role: Role.Auditor,
      });
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('USERNAME_TAKEN');
      expect(response.body.errors[0].field).toBe('username');
    });

    it('requires a bankId for bank staff', async () => {
      for (const role of [Role.BankOfficer, Role.BankPresident]) {
        const response = await asAdmin.post({
          username: `no-bank-${role}`,
          displayName: 'no bank',
          password: NEW_PASSWORD,
          role,
        });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(response)).toContain('bankId');
      }
    });

    it('requires an enterpriseId for enterprise users', async () => {
      const response = await asAdmin.post({
        username: 'no-enterprise',
        displayName: 'no enterprise',
        password: NEW_PASSWORD,
        role: Role.Enterprise,
      });
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toContain('enterpriseId');
    });

    it('refuses a bankId on an administrator', async () => {
      const response = await asAdmin.post({
        username: 'admin-with-bank',
        displayName: 'admin with bank',
        password: NEW_PASSWORD,
        role: Role.Admin,
        bankId,
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(response)).toContain('bankId');
    });

    it('refuses a bankId that names no bank', async () => {
      for (const role of [Role.BankOfficer, Role.BankPresident]) {
        const response = await asAdmin.post({
          username: `ghost-bank-${role}`,
          displayName: 'ghost bank',
          password: NEW_PASSWORD,
          role,
          bankId: randomUUID(),
        });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(response)).toContain('bankId');
      }
      const [{ count }] = await testApp.dataSource.query<[{ count: number }]>(
        `SELECT count(*)::int AS count FROM users WHERE username LIKE 'ghost-bank-%'`,
      );
      expect(count).toBe(0);
    });

    it('refuses unknown body fields, naming them', async () => {
      const response = await asAdmin.post({
        username: 'sneaky',
        displayName: 'sneaky',
        password: NEW_PASSWORD,
        role: Role.Auditor,
        isAdmin: true,
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(response)).toEqual(['isAdmin']);
    });

    it('refuses a password shorter than 12 characters', async () => {
      const response = await asAdmin.post({
        username: 'weakling',
        displayName: 'weak',
        password: 'short-pw-11',
        role: Role.Auditor,
      });
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toContain('password');
      expect(response.text).not.toContain('short-pw-11');
    });

    it('refuses an unknown role and a malformed username', async () => {
      const role = await asAdmin.post({
        username: 'superuser',
        displayName: 'x',
        password: NEW_PASSWORD,
        role: 'superuser',
      });
      expect(role.status).toBe(400);
      expect(fieldsOf(role)).toContain('role');
      const username = await asAdmin.post({
        username: 'has space',
        displayName: 'x',
        password: NEW_PASSWORD,
        role: Role.Auditor,
      });
      expect(username.status).toBe(400);
      expect(fieldsOf(username)).toContain('username');
    });
  });

  describe('role matrix', () => {
    let auditorSession: Session;
    let target: FixtureUser;
    const others: Partial<Record<Role, Session>> = {};
    const validCreate = {
      username: 'matrix-new',
      displayName: 'matrix',
      password: NEW_PASSWORD,
      role: Role.Auditor,
    };

    beforeAll(async () => {
      await insertUser(testApp.dataSource, { username: 'm-auditor', role: Role.Auditor });
      await insertUser(testApp.dataSource, {
        username: 'm-officer',
        role: Role.BankOfficer,
        bankId,
      });
      const otherBank = await insertBank(testApp.dataSource, '通化农商银行');
      await insertUser(testApp.dataSource, {
        username: 'm-president',
        role: Role.BankPresident,
        bankId: otherBank,
      });
      await insertUser(testApp.dataSource, {
        username: 'm-enterprise',
        role: Role.Enterprise,
        enterpriseId,
      });
      target = await insertUser(testApp.dataSource, { username: 'm-target', role: Role.Auditor });
      auditorSession = await login(testApp, 'm-auditor');
      others[Role.BankOfficer] = await login(testApp, 'm-officer');
      others[Role.BankPresident] = await login(testApp, 'm-president');
      others[Role.Enterprise] = await login(testApp, 'm-enterprise');
    });

    it('lets an auditor read the list and one user', async () => {
      const list = await testApp
        .http()
        .get(USERS)
        .set(...bearer(auditorSession));
      expect(list.status).toBe(200);
      expect((list.body as UserPage).items.length).toBeGreaterThan(0);
      expectNoSecrets(list);
      const one = await testApp
        .http()
        .get(`${USERS}/${target.id}`)
        .set(...bearer(auditorSession));
      expect(one.status).toBe(200);
      expect(one.body.username).toBe('m-target');
      expectNoSecrets(one);
    });

    it('forbids an auditor to create or change users', async () => {
      const create = await testApp
        .http()
        .post(USERS)
        .set(...bearer(auditorSession))
        .send(validCreate);
      expect(create.status).toBe(403);
      expect(create.body.code).toBe('FORBIDDEN');
      const patch = await testApp
        .http()
        .patch(`${USERS}/${target.id}`)
        .set(...bearer(auditorSession))
        .send({ disabled: true });
      expect(patch.status).toBe(403);
      expect(patch.body.code).toBe('FORBIDDEN');
      const [row] = await testApp.dataSource.query<{ disabled_at: Date | null }[]>(
        'SELECT disabled_at FROM users WHERE id = $1',
        [target.id],
      );
      expect(row.disabled_at).toBeNull();
    });

    it.each([Role.BankOfficer, Role.BankPresident, Role.Enterprise])(
      'forbids %s every users route',
      async (role) => {
        const session = others[role]!;
        const answers = [
          await testApp
            .http()
            .get(USERS)
            .set(...bearer(session)),
          await testApp
            .http()
            .get(`${USERS}/${target.id}`)
            .set(...bearer(session)),
          await testApp
            .http()
            .post(USERS)
            .set(...bearer(session))
            .send({ ...validCreate, username: `matrix-${role}` }),
          await testApp
            .http()
            .patch(`${USERS}/${target.id}`)
            .set(...bearer(session))
            .send({ displayName: 'hijacked' }),
        ];
        for (const response of answers) {
          expect(response.status).toBe(403);
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(response.body.code).toBe('FORBIDDEN');
        }
      },
    );

    it('answers 401 on every users route without a token', async () => {
      const answers = [
        await testApp.http().get(USERS),
        await testApp.http().get(`${USERS}/${target.id}`),
        await testApp.http().post(USERS).send(validCreate),
        await testApp.http().patch(`${USERS}/${target.id}`).send({ disabled: true }),
      ];
      for (const response of answers) {
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('UNAUTHENTICATED');
      }
      const [{ count }] = await testApp.dataSource.query<[{ count: number }]>(
        `SELECT count(*)::int AS count FROM users WHERE username LIKE 'matrix-%'`,
      );
      expect(count).toBe(0);
    });
  });

  describe('listing users', () => {
    const PREFIX = 'pager';

    const walk = async (query: Record<string, string>): Promise<UserPage[]> => {
      const pages: UserPage[] = [];
      let cursor: string | null = null;
      do {
        const response = await asAdmin
          .get(USERS)
          .query({ ...query, ...(cursor === null ? {} : { cursor }) });
        expect(response.status).toBe(200);
        const page = response.body as UserPage;
        pages.push(page);
        cursor = page.nextCursor;
        expect(pages.length).toBeLessThan(50);
      } while (cursor !== null);
      return pages;
    };

    beforeAll(async () => {
      // 25 users in one statement, so they share one creation instant (now() is the
      // transaction's start): the keyset must fall back on the id to order them.
      await testApp.dataSource.query(
        `INSERT INTO users (username, display_name, password_hash, role)
         SELECT format('${PREFIX}-%s', lpad(n::text, 2, '0')), format('Pager %s', n),
                'not-a-real-hash', 'auditor'
           FROM generate_series(1, 25) AS n`,
      );
    });

    it('walks 25 users created in the same instant in pages of 10 with no duplicates or gaps', async () => {
      const pages = await walk({ limit: '10', q: PREFIX });
      expect(pages.map((page) => page.items.length)).toEqual([10, 10, 5]);
      expect(pages[2].nextCursor).toBeNull();
      const names = pages.flatMap((page) => page.items.map((user) => user.username));
      expect(new Set(names).size).toBe(25);
      expect([...names].sort()).toEqual(
        Array.from({ length: 25 }, (_, index) => `${PREFIX}-${String(index + 1).padStart(2, '0')}`),
      );
    });

    it('walks every user exactly once, newest first, even with inserts between pages', async () => {
      const expected = await testApp.dataSource.query<{ id: string }[]>(
        'SELECT id FROM users ORDER BY created_at DESC, id DESC',
      );
      const first = await asAdmin.get(USERS).query({ limit: '10' });
      expect(first.status).toBe(200);
      // A user created after the first page is newer than every cursor: it must not appear
      // on later pages, nor shift them.
      await insertUser(testApp.dataSource, { username: 'late-arrival', role: Role.Auditor });
      const seen = (first.body as UserPage).items.map((user) => user.id);
      let cursor = (first.body as UserPage).nextCursor;
      while (cursor !== null) {
        const response = await asAdmin.get(USERS).query({ limit: '10', cursor });
        expect(response.status).toBe(200);
        const page = response.body as UserPage;
        seen.push(...page.items.map((user) => user.id));
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(expected.map((row) => row.id));
    });

    it('ends with a null cursor when the last page is exactly full', async () => {
      const pages = await walk({ limit: '5', q: PREFIX });
      expect(pages.map((page) => page.items.length)).toEqual([5, 5, 5, 5, 5]);
      expect(pages[4].nextCursor).toBeNull();
    });

    it('refuses limits outside 1–100 and cursors it did not make', async () => {
      for (const limit of ['0', '101', '-1', 'ten', '1.5']) {
        const response = await asAdmin.get(USERS).query({ limit });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(response)).toContain('limit');
      }
      expect((await asAdmin.get(USERS).query({ limit: '100' })).status).toBe(200);
      const wrongShape = Buffer.from(JSON.stringify(['a', 'b']), 'utf8').toString('base64url');
      const wrongArity = Buffer.from(JSON.stringify(['x']), 'utf8').toString('base64url');
      for (const cursor of ['garbage!!', 'Z2FyYmFnZQ', wrongShape, wrongArity]) {
        const response = await asAdmin.get(USERS).query({ cursor });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(response)).toContain('cursor');
      }
    });

    it('filters by role and by free text over username and display name', async () => {
      const banks = await walk({ role: Role.BankOfficer, limit: '100' });
      const officers = banks.flatMap((page) => page.items);
      expect(officers.length).toBeGreaterThan(0);
      expect(officers.every((user) => user.role === Role.BankOfficer)).toBe(true);
      const [{ count }] = await testApp.dataSource.query<[{ count: number }]>(
        `SELECT count(*)::int AS count FROM users WHERE role = 'bank_officer'`,
      );
      expect(officers).toHaveLength(count);

      const byName = (await asAdmin.get(USERS).query({ q: 'PAGER-07' })).body as UserPage;
      expect(byName.items.map((user) => user.username)).toEqual(['pager-07']);
      const byDisplayName = (await asAdmin.get(USERS).query({ q: 'Pager 13' })).body as UserPage;
      expect(byDisplayName.items.map((user) => user.username)).toEqual(['pager-13']);
      // LIKE wildcards in q are literal.
      const wildcard = (await asAdmin.get(USERS).query({ q: '%' })).body as UserPage;
      expect(wildcard.items).toHaveLength(0);

      const badRole = await asAdmin.get(USERS).query({ role: 'superuser' });
      expect(badRole.status).toBe(400);
      expect(fieldsOf(badRole)).toContain('role');
    });
  });

  describe('changing users', () => {
    it('audits a role change with before and after, without the password hash', async () => {
      const officer = await insertUser(testApp.dataSource, {
        username: 'promote-me',
        role: Role.BankOfficer,
        bankId: await insertBank(testApp.dataSource, '通化银行二'),
      });
      const response = await asAdmin.patch(officer.id, { role: Role.BankPresident });
      expect(response.status).toBe(200);
      expect(response.body.role).toBe(Role.BankPresident);
      expectNoSecrets(response);

      const rows = await auditRows('user.role_changed', officer.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].actor_id).toBe(admin.id);
      expect(rows[0].before).toMatchObject({ role: Role.BankOfficer });
      expect(rows[0].after).toMatchObject({ role: Role.BankPresident });
      expect(rows[0].text).not.toMatch(/password/i);
      expect(rows[0].text).not.toMatch(/\$argon2/);
    });

    it('audits disabling with before and after, without the password hash', async () => {
      const user = await insertUser(testApp.dataSource, {
        username: 'disable-me',
        role: Role.Auditor,
      });
      const response = await asAdmin.patch(user.id, { disabled: true });
      expect(response.status).toBe(200);
      expect(Date.parse(response.body.disabledAt as string)).not.toBeNaN();
      expectNoSecrets(response);

      const rows = await auditRows('user.disabled', user.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].actor_id).toBe(admin.id);
      expect(rows[0].before).toMatchObject({ disabledAt: null });
      expect(rows[0].after?.disabledAt).not.toBeNull();
      expect(rows[0].text).not.toMatch(/password/i);
      expect(rows[0].text).not.toMatch(/\$argon2/);
      // Disabling twice changes nothing and records nothing more.
      expect((await asAdmin.patch(user.id, { disabled: true })).status).toBe(200);
      expect(await auditRows('user.disabled', user.id)).toHaveLength(1);
    });

    it('refuses to let an admin disable or demote themselves', async () => {
      for (const body of [{ disabled: true }, { role: Role.Auditor }]) {
        const response = await asAdmin.patch(admin.id, body);
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('CONFLICT');
      }
      const [row] = await testApp.dataSource.query<{ role: string; disabled_at: Date | null }[]>(
        'SELECT role, disabled_at FROM users WHERE id = $1',
        [admin.id],
      );
      expect(row).toEqual({ role: Role.Admin, disabled_at: null });
      // Harmless changes to one's own account are still allowed.
      const rename = await asAdmin.patch(admin.id, { displayName: '项目中心 一号' });
      expect(rename.status).toBe(200);
      expect(rename.body.displayName).toBe('项目中心 一号');
    });

    it('keeps the tenant rules on a role change', async () => {
      const auditor = await insertUser(testApp.dataSource, {
        username: 'no-tenant',
        role: Role.Auditor,
      });
      const response = await asAdmin.patch(auditor.id, { role: Role.BankOfficer });
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toContain('bankId');
      const moved = await asAdmin.patch(auditor.id, { role: Role.BankOfficer, bankId });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ role: Role.BankOfficer, bankId });
    });

    it('answers 404 for an unknown id and 400 for an id that is not a uuid', async () => {
      const unknown = await asAdmin.patch(randomUUID(), { displayName: 'nobody' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('NOT_FOUND');
      expect((await asAdmin.get(`${USERS}/${randomUUID()}`)).body.code).toBe('NOT_FOUND');
      const notUuid = await asAdmin.patch('not-a-uuid', { displayName: 'nobody' });
      expect(notUuid.status).toBe(400);
      expect(notUuid.body.code).toBe('VALIDATION_FAILED');
      expect((await asAdmin.get(`${USERS}/not-a-uuid`)).status).toBe(400);
    });

    it('refuses unknown fields on a change', async () => {
      const user = await insertUser(testApp.dataSource, {
        username: 'patch-extra',
        role: Role.Auditor,
      });
      const response = await asAdmin.patch(user.id, { passwordHash: 'x', displayName: 'y' });
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['passwordHash']);
    });

    it('refuses null for a field that cannot be empty, instead of failing in the database', async () => {
      const user = await insertUser(testApp.dataSource, {
        username: 'patch-null',
        role: Role.Auditor,
      });
      for (const field of ['displayName', 'role', 'disabled', 'password']) {
        const response = await asAdmin.patch(user.id, { [field]: null });
        expect({
          field,
          status: response.status,
          fields: [...new Set(fieldsOf(response))],
        }).toEqual({
          field,
          status: 400,
          fields: [field],
        });
      }
    });
  });

  describe('GET /auth/me', () => {
    it('returns the caller without secrets', async () => {
      const response = await asAdmin.get('/api/v1/auth/me');
      expect(response.status).toBe(200);
      expect(Object.keys(response.body as object).sort()).toEqual(USER_FIELDS);
      expect(response.body).toMatchObject({
        id: admin.id,
        username: 'admin1',
        role: Role.Admin,
        bankId: null,
        enterpriseId: null,
        disabledAt: null,
      });
      expectNoSecrets(response);
    });
  });
});
