import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { Role } from '../../src/common/auth/role.js';
import { withCheckCharacter } from '../../src/modules/enterprises/credit-code.js';
import {
  bearer,
  createTestApp,
  insertBank,
  insertEnterprise,
  insertUser,
  login,
  randomCreditCode,
  Session,
  TestApp,
} from '../support/app.js';

const API = '/api/v1';
const VALID_CODE = '91440101MA5CJQ4N59';
const CHECK_FAILED_CODE = '91350203M0001QAY9B';
const REGISTRATION_PASSWORD = 'a registration password 2026';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

let sequence = 0;
const unique = (prefix: string): string => `${prefix}-${++sequence}-${Date.now().toString(36)}`;

/** A valid enterprise body: an industrial firm of 50 people and 500万 revenue (small). */
function enterpriseBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: unique('通化测试企业'),
    creditCode: randomCreditCode(),
    regionCode: '220502',
    industry: 'industry',
    employees: 50,
    revenue: '5000000.00',
    assets: '8000000.00',
    legalRepresentative: '李明',
    contactPhone: '0435-3210000',
    ...overrides,
  };
}

function registrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...enterpriseBody(),
    username: unique('finance').replace(/[^A-Za-z0-9_.-]/g, ''),
    displayName: '张会计',
    password: REGISTRATION_PASSWORD,
    ...overrides,
  };
}

/** The fields a problem document names, each once. */
function fieldsOf(response: Response): string[] {
  return [
    ...new Set(((response.body.errors ?? []) as { field: string }[]).map((error) => error.field)),
  ];
}

describe('enterprises registry', () => {
  let testApp: TestApp;
  let admin: Session;
  let adminId: string;
  let auditor: Session;
  let officer: Session;

  const http = () => testApp.http();
  const query = <T>(sql: string, parameters: unknown[] = []): Promise<T[]> =>
    testApp.dataSource.query<T[]>(sql, parameters);
  const count = async (sql: string, parameters: unknown[] = []): Promise<number> => {
    const [row] = await query<{ count: number }>(sql, parameters);
    return row.count;
  };
  const row = async (id: string): Promise<Record<string, unknown>> => {
    const [found] = await query<Record<string, unknown>>(
      'SELECT * FROM enterprises WHERE id = $1',
      [id],
    );
    return found;
  };
  interface AuditRow {
    action: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    actor_id: string | null;
    request_id: string;
  }
  const auditRows = (entityId: string, action?: string) =>
    query<AuditRow>(
      `SELECT action, before, after, actor_id, request_id FROM audit_events
        WHERE entity_type = 'enterprise' AND entity_id = $1 AND ($2::text IS NULL OR action = $2)
        ORDER BY position`,
      [entityId, action ?? null],
    );

  const create = (body: Record<string, unknown>, session = admin) =>
    http()
      .post(`${API}/enterprises`)
      .set(...bearer(session))
      .send(body);
  const patch = (id: string, body: Record<string, unknown>, session: Session) =>
    http()
      .patch(`${API}/enterprises/${id}`)
      .set(...bearer(session))
      .send(body);
  const get = (id: string, session: Session) =>
    http()
      .get(`${API}/enterprises/${id}`)
      .set(...bearer(session));

  /** An enterprise created by the admin, with a signed-in user of its own. */
  async function enterpriseWithUser(
    overrides: Record<string, unknown> = {},
  ): Promise<{ id: string; session: Session }> {
    const response = await create(enterpriseBody(overrides));
    expect(response.status).toBe(201);
    const id = response.body.id as string;
    const user = await insertUser(testApp.dataSource, {
      username: unique('ent').replace(/[^A-Za-z0-9_.-]/g, ''),
      role: Role.Enterprise,
      enterpriseId: id,
    });
    return { id, session: await login(testApp, user.username) };
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    const adminUser = await insertUser(testApp.dataSource, {
      username: 'admin1',
      role: Role.Admin,
    });
    adminId = adminUser.id;
    await insertUser(testApp.dataSource, { username: 'auditor1', role: Role.Auditor });
    const bankId = await insertBank(testApp.dataSource, '吉林银行通化分行');
    await insertUser(testApp.dataSource, {
      username: 'officer1',
      role: Role.BankOfficer,
      bankId,
    });
    admin = await login(testApp, 'admin1');
    auditor = await login(testApp, 'auditor1');
    officer = await login(testApp, 'officer1');
  });
  afterAll(async () => {
    await testApp.close();
  });

  describe('POST /auth/register', () => {
    it('creates an unverified enterprise and its first user, who can sign in and see it', async () => {
      const body = registrationBody({ creditCode: ` ${randomCreditCode().toLowerCase()}  ` });
      const response = await http().post(`${API}/auth/register`).send(body);
      expect(response.status).toBe(201);
      const { enterprise, user } = response.body;
      expect(enterprise).toMatchObject({
        name: body.name,
        creditCode: String(body.creditCode).trim().toUpperCase(),
        creditCodeOverridden: false,
        regionCode: '220502',
        regionName: '东昌区',
        industry: 'industry',
        employees: 50,
        revenue: '5000000.00',
        assets: '8000000.00',
        scale: 'small',
        scaleStandard: '2011',
        tags: [],
        verifiedAt: null,
        verifiedBy: null,
      });
      expect(enterprise).not.toHaveProperty('creditCodeOverrideReason');
      expect(user).toMatchObject({
        username: body.username,
        role: 'enterprise',
        enterpriseId: enterprise.id,
        bankId: null,
      });
      expect(response.text).not.toMatch(/password|argon2/i);

      const session = await login(testApp, String(body.username), REGISTRATION_PASSWORD);
      const me = await http()
        .get(`${API}/auth/me`)
        .set(...bearer(session));
      expect(me.status).toBe(200);
      expect(me.body.enterpriseId).toBe(enterprise.id);
      const own = await get(enterprise.id, session);
      expect(own.status).toBe(200);
      expect(own.body.id).toBe(enterprise.id);

      const audits = await auditRows(enterprise.id, 'enterprise.registered');
      expect(audits).toHaveLength(1);
      expect(audits[0].request_id).toBe(response.headers['x-request-id']);
      expect(
        await count(
          `SELECT count(*)::int AS count FROM audit_events WHERE action = 'user.created' AND entity_id = $1`,
          [user.id],
        ),
      ).toBe(1);
    });

    it('rolls everything back when the credit code is taken, and says so', async () => {
      const first = await http().post(`${API}/auth/register`).send(registrationBody());
      expect(first.status).toBe(201);
      const takenCode = first.body.enterprise.creditCode as string;
      const enterprisesBefore = await count('SELECT count(*)::int AS count FROM enterprises');
      const usersBefore = await count('SELECT count(*)::int AS count FROM users');
      const auditBefore = await count('SELECT count(*)::int AS count FROM audit_events');

      const body = registrationBody({ creditCode: ` ${takenCode.toLowerCase()} ` });
      const response = await http().post(`${API}/auth/register`).send(body);
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('CREDIT_CODE_TAKEN');
      expect(fieldsOf(response)).toEqual(['creditCode']);

      expect(await count('SELECT count(*)::int AS count FROM enterprises')).toBe(enterprisesBefore);
      expect(await count('SELECT count(*)::int AS count FROM users')).toBe(usersBefore);
      expect(
        await count('SELECT count(*)::int AS count FROM users WHERE username = $1', [
          body.username,
        ]),
      ).toBe(0);
      expect(await count('SELECT count(*)::int AS count FROM audit_events')).toBe(auditBefore);
    });

    it('rolls the enterprise back when the username is taken, and says so', async () => {
      const first = await http().post(`${API}/auth/register`).send(registrationBody());
      expect(first.status).toBe(201);
      const enterprisesBefore = await count('SELECT count(*)::int AS count FROM enterprises');
      const usersBefore = await count('SELECT count(*)::int AS count FROM users');

      const body = registrationBody({
        username: String(first.body.user.username).toUpperCase(),
      });
      const response = await http().post(`${API}/auth/register`).send(body);
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('USERNAME_TAKEN');
      expect(fieldsOf(response)).toEqual(['username']);

      expect(await count('SELECT count(*)::int AS count FROM enterprises')).toBe(enterprisesBefore);
      expect(await count('SELECT count(*)::int AS count FROM users')).toBe(usersBefore);
      expect(
        await count('SELECT count(*)::int AS count FROM enterprises WHERE credit_code = $1', [
          body.creditCode,
        ]),
      ).toBe(0);
      // The enterprise's audit row was written in the same transaction: it went with it.
      expect(
        await count(
          `SELECT count(*)::int AS count FROM audit_events
            WHERE action = 'enterprise.registered' AND after->>'creditCode' = $1`,
          [body.creditCode],
        ),
      ).toBe(0);
    });

    it('refuses a code that fails its check, and any override, tags or verification', async () => {
      const before = await count('SELECT count(*)::int AS count FROM enterprises');
      const failed = await http()
        .post(`${API}/auth/register`)
        .send(registrationBody({ creditCode: CHECK_FAILED_CODE }));
      expect(failed.status).toBe(400);
      expect(failed.body.code).toBe('CREDIT_CODE_CHECK_FAILED');
      expect(fieldsOf(failed)).toEqual(['creditCode']);

      for (const extra of [
        { creditCodeOverrideReason: '工商登记如此' },
        { tags: ['key50'] },
        { verified: true },
      ]) {
        const response = await http()
          .post(`${API}/auth/register`)
          .send(registrationBody({ creditCode: CHECK_FAILED_CODE, ...extra }));
        expect(response.status).toBe(400);
        expect(fieldsOf(response)).toContain(Object.keys(extra)[0]);
      }
      expect(await count('SELECT count(*)::int AS count FROM enterprises')).toBe(before);
      expect(
        await count('SELECT count(*)::int AS count FROM enterprises WHERE credit_code = $1', [
          CHECK_FAILED_CODE,
        ]),
      ).toBe(0);
    });
  });

  describe('credit codes through POST /enterprises', () => {
    it('accepts a valid code and stores a lower-case, blank-padded one normalised', async () => {
      const response = await create(
        enterpriseBody({ creditCode: `  ${VALID_CODE.toLowerCase()}\t` }),
      );
      expect(response.status).toBe(201);
      expect(response.body.creditCode).toBe(VALID_CODE);
      expect(response.body.creditCodeOverridden).toBe(false);
      expect(response.body.creditCodeOverrideReason).toBeNull();
      expect((await row(response.body.id)).credit_code).toBe(VALID_CODE);
      const audits = await auditRows(response.body.id);
      expect(audits.map((audit) => audit.action)).toEqual(['enterprise.created']);
      expect(audits[0]).toMatchObject({
        actor_id: adminId,
        after: { creditCode: VALID_CODE, revenueFen: '500000000', assetsFen: '800000000' },
      });
    });

    it('refuses a taken code, in any spelling, with CREDIT_CODE_TAKEN', async () => {
      const response = await create(enterpriseBody({ creditCode: ` ${VALID_CODE} ` }));
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('CREDIT_CODE_TAKEN');
      expect(fieldsOf(response)).toEqual(['creditCode']);
    });

    it('refuses a code that fails its check character unless the admin gives a reason', async () => {
      const refused = await create(enterpriseBody({ creditCode: CHECK_FAILED_CODE }));
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('CREDIT_CODE_CHECK_FAILED');
      expect(fieldsOf(refused)).toEqual(['creditCode']);
      expect(
        await count('SELECT count(*)::int AS count FROM enterprises WHERE credit_code = $1', [
          CHECK_FAILED_CODE,
        ]),
      ).toBe(0);

      const blankReason = await create(
        enterpriseBody({ creditCode: CHECK_FAILED_CODE, creditCodeOverrideReason: '   ' }),
      );
      expect(blankReason.status).toBe(400);
      expect(fieldsOf(blankReason)).toContain('creditCodeOverrideReason');
      const longReason = await create(
        enterpriseBody({
          creditCode: CHECK_FAILED_CODE,
          creditCodeOverrideReason: 'x'.repeat(501),
        }),
      );
      expect(longReason.status).toBe(400);
      expect(fieldsOf(longReason)).toContain('creditCodeOverrideReason');

      const reason = '营业执照原件所载代码，已电话核实登记机关';
      const admitted = await create(
        enterpriseBody({ creditCode: CHECK_FAILED_CODE, creditCodeOverrideReason: reason }),
      );
      expect(admitted.status).toBe(201);
      expect(admitted.body).toMatchObject({
        creditCode: CHECK_FAILED_CODE,
        creditCodeOverridden: true,
        creditCodeOverrideReason: reason,
      });
      expect((await row(admitted.body.id)).credit_code_override_reason).toBe(reason);
      const audits = await auditRows(admitted.body.id);
      expect(audits.map((audit) => audit.action)).toEqual([
        'enterprise.created',
        'enterprise.credit_code_overridden',
      ]);
      expect(audits[1].after).toMatchObject({ creditCode: CHECK_FAILED_CODE, reason });
      expect(audits[1].actor_id).toBe(adminId);

      // The auditor sees the reason; the enterprise's own user sees only that it was overridden.
      const asAuditor = await get(admitted.body.id, auditor);
      expect(asAuditor.body.creditCodeOverrideReason).toBe(reason);
      const own = await insertUser(testApp.dataSource, {
        username: unique('override-owner'),
        role: Role.Enterprise,
        enterpriseId: admitted.body.id,
      });
      const asOwner = await get(admitted.body.id, await login(testApp, own.username));
      expect(asOwner.status).toBe(200);
      expect(asOwner.body.creditCodeOverridden).toBe(true);
      expect(asOwner.body).not.toHaveProperty('creditCodeOverrideReason');
    });

    it('refuses an override reason for a code that passes the check', async () => {
      const response = await create(enterpriseBody({ creditCodeOverrideReason: 'not needed' }));
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['creditCodeOverrideReason']);
    });

    it.each([
      ['17 characters', '91350200776049653'],
      ['19 characters', '91350200776049653A0'],
      ['a letter outside the alphabet', '91350200776049653I'],
      ['a JSON number', 913502000728319],
    ])('refuses a code with %s as malformed', async (_label, creditCode) => {
      const response = await create(enterpriseBody({ creditCode }));
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(response)).toEqual(['creditCode']);
    });

    it('refuses an unknown region naming regionCode', async () => {
      const response = await create(enterpriseBody({ regionCode: '999999' }));
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['regionCode']);
    });

    it('refuses money as a number and negative head counts', async () => {
      const response = await create(enterpriseBody({ revenue: 5000000, employees: -1 }));
      expect(response.status).toBe(400);
      expect(fieldsOf(response).sort()).toEqual(['employees', 'revenue']);
    });

    it('creates a verified enterprise when asked, recording who verified it', async () => {
      const response = await create(
        enterpriseBody({ verified: true, tags: ['key50', 'specialized'] }),
      );
      expect(response.status).toBe(201);
      expect(response.body.verifiedBy).toBe(adminId);
      expect(response.body.verifiedAt).not.toBeNull();
      expect(response.body.tags).toEqual(['specialized', 'key50']);
      const actions = (await auditRows(response.body.id)).map((audit) => audit.action);
      expect(actions).toEqual(['enterprise.created', 'enterprise.verified']);
    });
  });

  describe('scale', () => {
    it('is computed on create and recomputed when its inputs change', async () => {
      const { id, session } = await enterpriseWithUser();
      expect(await get(id, admin).then((response) => response.body.scale)).toBe('small');

      // 300 people and exactly 2000万 revenue: the medium floors of industry.
      const medium = await patch(id, { employees: 300, revenue: '20000000.00' }, session);
      expect(medium.status).toBe(200);
      expect(medium.body).toMatchObject({ scale: 'medium', scaleStandard: '2011' });
      expect((await row(id)).scale).toBe('medium');

      // One fen under the medium revenue floor.
      const small = await patch(id, { revenue: '19999999.99' }, session);
      expect(small.body.scale).toBe('small');

      // "Other" counts heads only: 300 is its large floor.
      const large = await patch(id, { industry: 'other' }, admin);
      expect(large.body).toMatchObject({ industry: 'other', scale: 'large' });

      const micro = await patch(id, { employees: 9 }, admin);
      expect(micro.body.scale).toBe('micro');
      expect((await row(id)).scale).toBe('micro');

      const update = (await auditRows(id, 'enterprise.updated')).at(-1);
      expect(update?.before).toMatchObject({ employees: 300, scale: 'large' });
      expect(update?.after).toMatchObject({ employees: 9, scale: 'micro' });
    });

    it('keeps the scale when other fields change', async () => {
      const { id, session } = await enterpriseWithUser({ employees: 300, revenue: '20000000.00' });
      const response = await patch(id, { name: unique('改名'), contactPhone: null }, session);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ scale: 'medium', contactPhone: null });
    });
  });

  describe('tenancy', () => {
    it('hides another enterprise: GET and PATCH answer 404 and leave it unchanged', async () => {
      const a = await enterpriseWithUser();
      const b = await enterpriseWithUser();
      const before = await row(b.id);
      const read = await get(b.id, a.session);
      expect(read.status).toBe(404);
      expect(read.body.code).toBe('NOT_FOUND');
      const absent = await get(MISSING_ID, a.session);
      expect(absent.status).toBe(404);
      expect(absent.body.detail).toBe(read.body.detail);

      const write = await patch(b.id, { name: '被篡改', employees: 9999 }, a.session);
      expect(write.status).toBe(404);
      expect(await row(b.id)).toEqual(before);
      expect(await auditRows(b.id, 'enterprise.updated')).toHaveLength(0);

      const list = await http()
        .get(`${API}/enterprises`)
        .set(...bearer(a.session));
      expect(list.status).toBe(200);
      expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([a.id]);
      expect(list.body.nextCursor).toBeNull();
    });

    it.each([
      ['tags', { tags: ['key50'] }],
      ['verified', { verified: true }],
      ['creditCode', { creditCode: VALID_CODE }],
      ['creditCodeOverrideReason', { creditCodeOverrideReason: 'mine' }],
    ])(
      'refuses %s from an enterprise user, naming the field and changing nothing',
      async (field, body) => {
        const own = await enterpriseWithUser();
        const before = await row(own.id);
        const response = await patch(own.id, { name: '新名称', ...body }, own.session);
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(response)).toEqual([field]);
        expect(await row(own.id)).toEqual(before);
      },
    );

    it('lets an enterprise user edit its profile, audited with before and after', async () => {
      const own = await enterpriseWithUser();
      const response = await patch(
        own.id,
        {
          name: '通化万核汽车电子商务科技有限公司',
          regionCode: '220581',
          legalRepresentative: '王强',
          assets: '12345678.90',
        },
        own.session,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        name: '通化万核汽车电子商务科技有限公司',
        regionCode: '220581',
        regionName: '梅河口市',
        legalRepresentative: '王强',
        assets: '12345678.90',
      });
      const audits = await auditRows(own.id, 'enterprise.updated');
      expect(audits).toHaveLength(1);
      expect(audits[0].before).toMatchObject({ regionCode: '220502', assetsFen: '800000000' });
      expect(audits[0].after).toMatchObject({ regionCode: '220581', assetsFen: '1234567890' });
      expect(audits[0].request_id).toBe(response.headers['x-request-id']);
    });

    it('refuses an unknown region on PATCH and null for a required field', async () => {
      const own = await enterpriseWithUser();
      const before = await row(own.id);
      const region = await patch(own.id, { regionCode: '220599' }, own.session);
      expect(region.status).toBe(400);
      expect(fieldsOf(region)).toEqual(['regionCode']);
      const nulls = await patch(own.id, { name: null, employees: null }, own.session);
      expect(nulls.status).toBe(400);
      expect(fieldsOf(nulls).sort()).toEqual(['employees', 'name']);
      expect(await row(own.id)).toEqual(before);
    });

    it('lets an admin change tags and the credit code under the same check', async () => {
      const { id } = await enterpriseWithUser();
      const tagged = await patch(id, { tags: ['specialized'] }, admin);
      expect(tagged.status).toBe(200);
      expect(tagged.body.tags).toEqual(['specialized']);

      const failing = withCheckCharacter('91220500MA0000001').replace(/.$/, (check) =>
        check === '0' ? '1' : '0',
      );
      const refused = await patch(id, { creditCode: failing }, admin);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('CREDIT_CODE_CHECK_FAILED');

      const admitted = await patch(
        id,
        { creditCode: failing.toLowerCase(), creditCodeOverrideReason: '执照所载' },
        admin,
      );
      expect(admitted.status).toBe(200);
      expect(admitted.body).toMatchObject({ creditCode: failing, creditCodeOverridden: true });
      const overrides = await auditRows(id, 'enterprise.credit_code_overridden');
      expect(overrides).toHaveLength(1);
      expect(overrides[0].after).toMatchObject({ creditCode: failing, reason: '执照所载' });

      const fixed = randomCreditCode();
      const corrected = await patch(id, { creditCode: fixed }, admin);
      expect(corrected.body).toMatchObject({
        creditCode: fixed,
        creditCodeOverridden: false,
        creditCodeOverrideReason: null,
      });
    });
  });

  describe('verification', () => {
    it('verifies once; a second verification is an invalid transition', async () => {
      const { id, session } = await enterpriseWithUser();
      const first = await http()
        .post(`${API}/enterprises/${id}/verify`)
        .set(...bearer(admin));
      expect(first.status).toBe(200);
      expect(first.body.verifiedBy).toBe(adminId);
      expect(first.body.verifiedAt).not.toBeNull();
      const stored = await row(id);
      expect(stored.verified_by).toBe(adminId);

      const second = await http()
        .post(`${API}/enterprises/${id}/verify`)
        .set(...bearer(admin));
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'verified' });
      expect(await row(id)).toEqual(stored);
      expect(await auditRows(id, 'enterprise.verified')).toHaveLength(1);

      const byOwner = await http()
        .post(`${API}/enterprises/${id}/verify`)
        .set(...bearer(session));
      expect(byOwner.status).toBe(403);
      const missing = await http()
        .post(`${API}/enterprises/${MISSING_ID}/verify`)
        .set(...bearer(admin));
      expect(missing.status).toBe(404);
    });

    it('lets an admin withdraw a verification through PATCH, audited', async () => {
      const { id } = await enterpriseWithUser({ verified: true });
      const response = await patch(id, { verified: false }, admin);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ verifiedAt: null, verifiedBy: null });
      expect(await auditRows(id, 'enterprise.verification_withdrawn')).toHaveLength(1);
      expect(await auditRows(id, 'enterprise.updated')).toHaveLength(0);
    });
  });

  describe('roles', () => {
    it('lets the auditor read everything and write nothing', async () => {
      const { id } = await enterpriseWithUser();
      const before = await row(id);
      expect((await get(id, auditor)).status).toBe(200);
      const list = await http()
        .get(`${API}/enterprises?limit=5`)
        .set(...bearer(auditor));
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(5);
      expect((await patch(id, { name: 'x' }, auditor)).status).toBe(403);
      expect((await create(enterpriseBody(), auditor)).status).toBe(403);
      const verify = await http()
        .post(`${API}/enterprises/${id}/verify`)
        .set(...bearer(auditor));
      expect(verify.status).toBe(403);
      expect(await row(id)).toEqual(before);
    });

    it('shows bank staff no enterprise until they have a case with it', async () => {
      const { id } = await enterpriseWithUser();
      const read = await get(id, officer);
      expect(read.status).toBe(404);
      const list = await http()
        .get(`${API}/enterprises`)
        .set(...bearer(officer));
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ items: [], nextCursor: null });
      expect((await patch(id, { name: 'x' }, officer)).status).toBe(403);
      expect((await create(enterpriseBody(), officer)).status).toBe(403);
    });

    it('lists the regions in their order, signed in or not (self-registration needs them)', async () => {
      const response = await http()
        .get(`${API}/regions`)
        .set(...bearer(officer));
      expect(response.status).toBe(200);
      expect(response.body.map((region: { code: string }) => region.code)).toEqual([
        '220502',
        '220503',
        '220521',
        '220523',
        '220524',
        '220581',
        '220582',
      ]);
      expect(response.body[0]).toEqual({ code: '220502', name: '东昌区', cityCode: '220500' });
      expect((await http().get(`${API}/regions`)).body).toEqual(response.body);
    });
  });

  describe('GET /enterprises', () => {
    const batch = unique('Batch').replace(/-/g, '');
    interface Made {
      id: string;
      regionCode: string;
      industry: string;
      scale: string;
      tags: string[];
      verified: boolean;
      creditCode: string;
      name: string;
    }
    const made: Made[] = [];
    const regions = ['220502', '220581', '220582'];

    beforeAll(async () => {
      // Fixtures straight into the table, plus a few through the API: the list must see both.
      for (let index = 0; index < 27; index += 1) {
        const regionCode = regions[index % 3];
        const tags = index % 4 === 0 ? ['specialized'] : index % 5 === 0 ? ['key50'] : [];
        const verified = index % 2 === 0;
        const id = await insertEnterprise(testApp.dataSource, `${batch} 企业 ${index}`, {
          regionCode,
          tags,
          verified,
        });
        const [stored] = await query<{ credit_code: string }>(
          'SELECT credit_code FROM enterprises WHERE id = $1',
          [id],
        );
        made.push({
          id,
          regionCode,
          industry: 'industry',
          scale: 'small',
          tags,
          verified,
          creditCode: stored.credit_code,
          name: `${batch} 企业 ${index}`,
        });
      }
      for (const industry of ['retail', 'software_it']) {
        const name = `${batch} ${industry}`;
        const response = await create(
          enterpriseBody({ name, industry, employees: 5, revenue: '10.00' }),
        );
        expect(response.status).toBe(201);
        made.push({
          id: response.body.id,
          regionCode: '220502',
          industry,
          scale: 'micro',
          tags: [],
          verified: false,
          creditCode: response.body.creditCode,
          name,
        });
      }
    });

    async function listAll(
      parameters: Record<string, string>,
      session = admin,
      limit = 7,
    ): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page += 1) {
        const response: Response = await http()
          .get(`${API}/enterprises`)
          .query({ ...parameters, limit: String(limit), ...(cursor ? { cursor } : {}) })
          .set(...bearer(session));
        expect(response.status).toBe(200);
        expect(response.body.items.length).toBeLessThanOrEqual(limit);
        ids.push(...response.body.items.map((item: { id: string }) => item.id));
        cursor = response.body.nextCursor;
        if (cursor === null) {
          return ids;
        }
      }
      throw new Error('the list never ended');
    }

    const idsWhere = (predicate: (item: Made) => boolean): string[] =>
      made
        .filter(predicate)
        .map((item) => item.id)
        .sort();

    it('walks every enterprise newest first, without duplicates or gaps', async () => {
      const walked = await listAll({});
      const expected = await query<{ id: string }>(
        'SELECT id FROM enterprises ORDER BY created_at DESC, id DESC',
      );
      expect(expected.length).toBeGreaterThanOrEqual(29);
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked).toEqual(expected.map((item) => item.id));
    });

    it('keeps its place when enterprises are added between pages', async () => {
      const first = await http()
        .get(`${API}/enterprises`)
        .query({ q: batch, limit: '10' })
        .set(...bearer(admin));
      const expected = idsWhere(() => true);
      const newcomer = await insertEnterprise(testApp.dataSource, `${batch} 后来者`, {
        verified: false,
      });
      const [stored] = await query<{ credit_code: string }>(
        'SELECT credit_code FROM enterprises WHERE id = $1',
        [newcomer],
      );
      made.push({
        id: newcomer,
        regionCode: '220502',
        industry: 'industry',
        scale: 'small',
        tags: [],
        verified: false,
        creditCode: stored.credit_code,
        name: `${batch} 后来者`,
      });
      const rest = await listAll({ q: batch, cursor: first.body.nextCursor }, admin, 10);
      const seen = [...first.body.items.map((item: { id: string }) => item.id), ...rest];
      expect(new Set(seen).size).toBe(seen.length);
      // The newcomer sorts before the first page, so the walk neither repeats nor skips.
      expect([...seen].sort()).toEqual(expected);
    });

    it.each([
      ['regionCode', { regionCode: '220581' }, (item: Made) => item.regionCode === '220581'],
      ['industry', { industry: 'retail' }, (item: Made) => item.industry === 'retail'],
      ['scale', { scale: 'micro' }, (item: Made) => item.scale === 'micro'],
      ['tag', { tag: 'key50' }, (item: Made) => item.tags.includes('key50')],
      ['verified=true', { verified: 'true' }, (item: Made) => item.verified],
      ['verified=false', { verified: 'false' }, (item: Made) => !item.verified],
      [
        'several at once',
        { regionCode: '220502', verified: 'true', tag: 'specialized' },
        (item: Made) =>
          item.regionCode === '220502' && item.verified && item.tags.includes('specialized'),
      ],
    ])('filters by %s', async (_label, parameters, predicate) => {
      const ids = await listAll({ q: batch, ...parameters }, admin, 4);
      const expected = idsWhere(predicate);
      expect(expected.length).toBeGreaterThan(0);
      expect([...ids].sort()).toEqual(expected);
    });

    it('finds by part of the name or of the credit code, case aside', async () => {
      const target = made[3];
      const byName = await listAll({ q: `${batch} 企业 3`.toLowerCase() });
      expect(byName).toContain(target.id);
      expect(
        byName.every((id) => made.find((item) => item.id === id)?.name.includes('企业 3')),
      ).toBe(true);
      const byCode = await listAll({ q: target.creditCode.slice(6, 16).toLowerCase() });
      expect(byCode).toEqual([target.id]);
    });

    it('treats LIKE wildcards in the search text literally', async () => {
      expect(await listAll({ q: '%' })).toEqual([]);
      expect(await listAll({ q: `${batch.slice(0, 3)}_` })).toEqual([]);
    });

    it('refuses a cursor it did not make and unknown filter values', async () => {
      for (const parameters of [
        { cursor: 'not-a-cursor' },
        { cursor: Buffer.from(JSON.stringify(['yesterday', MISSING_ID])).toString('base64url') },
        { verified: 'yes' },
        { scale: 'huge' },
        { limit: '101' },
      ]) {
        const response = await http()
          .get(`${API}/enterprises`)
          .query(parameters)
          .set(...bearer(admin));
        expect({ parameters, status: response.status }).toEqual({ parameters, status: 400 });
      }
    });
  });
});
