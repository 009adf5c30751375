import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Response } from 'supertest';
import { Role } from '../../src/common/auth/role.js';
import {
  bearer,
  createTestApp,
  FixtureUser,
  insertUser,
  login,
  Session,
  TEST_JWT_SECRET,
  TEST_PASSWORD,
  TestApp,
} from '../support/app.js';

const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const LOGOUT = '/api/v1/auth/logout';
const ME = '/api/v1/auth/me';

interface TokenPair extends Session {
  tokenType: string;
  expiresIn: number;
  refreshExpiresAt: string;
}

interface AuditRow {
  action: string;
  actor_id: string | null;
  entity_id: string | null;
  before: unknown;
  after: unknown;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Every response body this suite saw, scanned at the end for secrets. */
const seenBodies: string[] = [];

describe('auth (e2e)', () => {
  let testApp: TestApp;
  let admin: FixtureUser;
  let adminSession: Session;
  let passwordHash: string;

  const post = async (
    path: string,
    body: object,
    headers: Record<string, string> = {},
  ): Promise<Response> => {
    const response = await testApp.http().post(path).set(headers).send(body);
    seenBodies.push(response.text);
    return response;
  };
  const tryLogin = (username: string, password: string): Promise<Response> =>
    post(LOGIN, { username, password });
  const refresh = (refreshToken: string): Promise<Response> => post(REFRESH, { refreshToken });
  const me = async (authorization?: string): Promise<Response> => {
    const call = testApp.http().get(ME);
    const response = await (authorization === undefined
      ? call
      : call.set('authorization', authorization));
    seenBodies.push(response.text);
    return response;
  };
  const auditRows = (action: string, entityId?: string): Promise<AuditRow[]> =>
    testApp.dataSource.query<AuditRow[]>(
      `SELECT action, actor_id, entity_id, before, after FROM audit_events
        WHERE action = $1 AND ($2::text IS NULL OR entity_id = $2) ORDER BY position`,
      [action, entityId ?? null],
    );

  beforeAll(async () => {
    testApp = await createTestApp();
    admin = await insertUser(testApp.dataSource, { username: 'admin1', role: Role.Admin });
    adminSession = await login(testApp, 'admin1');
    const [row] = await testApp.dataSource.query<{ password_hash: string }[]>(
      'SELECT password_hash FROM users WHERE id = $1',
      [admin.id],
    );
    passwordHash = row.password_hash;
  });
  afterAll(async () => {
    await testApp.close();
  });

  describe('login', () => {
    it('returns a short-lived HS256 access token with issuer and audience, and a refresh token', async () => {
      const before = Math.floor(Date.now() / 1000);
      const response = await tryLogin('admin1', TEST_PASSWORD);
      expect(response.status).toBe(200);
      const body = response.body as TokenPair;
      expect(body.tokenType).toBe('Bearer');
      expect(body.expiresIn).toBeGreaterThan(0);
      expect(body.expiresIn).toBeLessThanOrEqual(900);
      expect(typeof body.refreshToken).toBe('string');
      expect(body.refreshToken.length).toBeGreaterThanOrEqual(32);
      expect(Date.parse(body.refreshExpiresAt)).toBeGreaterThan(Date.now());

      const decoded = jwt.decode(body.accessToken, { complete: true });
      expect(decoded).not.toBeNull();
      expect(decoded?.header.alg).toBe('HS256');
      const claims = decoded?.payload as jwt.JwtPayload;
      expect(claims.sub).toBe(admin.id);
      expect(claims.iss).toBe(testApp.environment.JWT_ISSUER);
      expect(claims.aud).toBe(testApp.environment.JWT_AUDIENCE);
      expect(claims.exp).toBeDefined();
      expect(claims.exp! - before).toBeLessThanOrEqual(15 * 60 + 1);
      expect(claims.exp!).toBeGreaterThan(before);
      // The token really is signed with the server's secret and works.
      expect(() => jwt.verify(body.accessToken, TEST_JWT_SECRET)).not.toThrow();
      expect((await me(`Bearer ${body.accessToken}`)).status).toBe(200);
    });

    it('treats the username case-insensitively', async () => {
      const response = await tryLogin('ADMIN1', TEST_PASSWORD);
      expect(response.status).toBe(200);
      const check = await me(`Bearer ${(response.body as Session).accessToken}`);
      expect(check.body).toMatchObject({ id: admin.id, username: 'admin1' });
    });

    it('answers wrong password, unknown user and disabled user with the same 401 problem', async () => {
      await insertUser(testApp.dataSource, { username: 'wrongpw', role: Role.Auditor });
      const disabled = await insertUser(testApp.dataSource, {
        username: 'sleeper',
        role: Role.Auditor,
      });
      await testApp.dataSource.query('UPDATE users SET disabled_at = now() WHERE id = $1', [
        disabled.id,
      ]);
      const answers = [
        await tryLogin('wrongpw', 'not the right password at all'),
        await tryLogin('nobody-at-all', TEST_PASSWORD),
        // The right password of a disabled account must not reveal that the password was right.
        await tryLogin('sleeper', TEST_PASSWORD),
      ];
      for (const response of answers) {
        expect(response.status).toBe(401);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({
          status: 401,
          code: 'INVALID_CREDENTIALS',
          type: expect.any(String),
          title: expect.any(String),
        });
        expect(response.body).not.toHaveProperty('errors');
      }
      const comparable = answers.map((response) => {
        const { detail, code, type, title, status } = response.body as Record<string, unknown>;
        return { detail, code, type, title, status };
      });
      expect(comparable[1]).toEqual(comparable[0]);
      expect(comparable[2]).toEqual(comparable[0]);
    });

    it('spends argon2 work on unknown users too (unknown is not dramatically faster than a wrong password)', async () => {
      await insertUser(testApp.dataSource, { username: 'timing-user', role: Role.Auditor });
      // Warm both paths (the dummy hash is built lazily on the first unknown user).
      await tryLogin('timing-user', 'wrong password, warm-up');
      await tryLogin('timing-ghost', 'wrong password, warm-up');
      const wrong: number[] = [];
      const unknown: number[] = [];
      for (let round = 0; round < 5; round += 1) {
        let start = performance.now();
        expect((await tryLogin('timing-user', `wrong password ${round}`)).status).toBe(401);
        wrong.push(performance.now() - start);
        start = performance.now();
        expect((await tryLogin('timing-ghost', `wrong password ${round}`)).status).toBe(401);
        unknown.push(performance.now() - start);
      }
      expect(median(unknown)).toBeGreaterThanOrEqual(0.3 * median(wrong));
    });

    it('rejects a login body with unknown fields or a missing password as 400', async () => {
      const extra = await post(LOGIN, { username: 'admin1', password: TEST_PASSWORD, role: 'x' });
      expect(extra.status).toBe(400);
      expect(extra.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'role' })]),
      );
      const missing = await post(LOGIN, { username: 'admin1' });
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'password' })]),
      );
    });
  });

  describe('refresh', () => {
    it('rotates the refresh token and spends the old one', async () => {
      const first = await login(testApp, 'admin1');
      const rotated = await refresh(first.refreshToken);
      expect(rotated.status).toBe(200);
      const next = rotated.body as TokenPair;
      expect(next.refreshToken).not.toBe(first.refreshToken);
      expect((await me(`Bearer ${next.accessToken}`)).status).toBe(200);
      const again = await refresh(next.refreshToken);
      expect(again.status).toBe(200);
      expect((again.body as TokenPair).refreshToken).not.toBe(next.refreshToken);
    });

    it('revokes the whole family when a spent refresh token is replayed, sparing other logins', async () => {
      const family = await login(testApp, 'admin1');
      const otherLogin = await login(testApp, 'admin1');
      const second = (await refresh(family.refreshToken)).body as TokenPair;
      const third = (await refresh(second.refreshToken)).body as TokenPair;

      const replay = await refresh(family.refreshToken);
      expect(replay.status).toBe(401);
      expect(replay.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(replay.body.code).toBe('INVALID_REFRESH_TOKEN');

      // The newest token of the family, never used, is now dead too.
      const newest = await refresh(third.refreshToken);
      expect(newest.status).toBe(401);
      expect(newest.body.code).toBe('INVALID_REFRESH_TOKEN');

      // Another login of the same user is its own family and keeps working.
      const unaffected = await refresh(otherLogin.refreshToken);
      expect(unaffected.status).toBe(200);

      const reuse = await auditRows('auth.refresh_token_reused', admin.id);
      expect(reuse.length).toBeGreaterThanOrEqual(1);
    });

    it('lets exactly one of two concurrent refreshes of the same token succeed', async () => {
      const session = await login(testApp, 'admin1');
      const answers = await Promise.all([
        refresh(session.refreshToken),
        refresh(session.refreshToken),
      ]);
      const statuses = answers.map((response) => response.status).sort();
      expect(statuses).toEqual([200, 401]);
      const failed = answers.find((response) => response.status === 401);
      expect(failed?.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('answers an unknown refresh token with 401 INVALID_REFRESH_TOKEN', async () => {
      const response = await refresh('this-token-was-never-issued-by-us-at-all');
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('INVALID_REFRESH_TOKEN');
    });
  });

  describe('logout', () => {
    it('revokes the refresh token family', async () => {
      const session = await login(testApp, 'admin1');
      const rotated = (await refresh(session.refreshToken)).body as TokenPair;
      const response = await post(
        LOGOUT,
        { refreshToken: rotated.refreshToken },
        { authorization: `Bearer ${rotated.accessToken}` },
      );
      expect(response.status).toBe(204);
      const after = await refresh(rotated.refreshToken);
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('requires an access token', async () => {
      const session = await login(testApp, 'admin1');
      const response = await post(LOGOUT, { refreshToken: session.refreshToken });
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
      // Nothing was revoked by the refused call.
      expect((await refresh(session.refreshToken)).status).toBe(200);
    });
  });

  describe('disabling a user', () => {
    it('stops their access and refresh tokens at once, and re-enabling lets them log in again', async () => {
      const staff = await insertUser(testApp.dataSource, {
        username: 'to-disable',
        role: Role.Auditor,
      });
      const session = await login(testApp, 'to-disable');
      expect((await me(`Bearer ${session.accessToken}`)).status).toBe(200);

      const disable = await testApp
        .http()
        .patch(`/api/v1/users/${staff.id}`)
        .set(...bearer(adminSession))
        .send({ disabled: true });
      expect(disable.status).toBe(200);
      expect(disable.body.disabledAt).not.toBeNull();

      const next = await me(`Bearer ${session.accessToken}`);
      expect(next.status).toBe(401);
      expect(next.body.code).toBe('UNAUTHENTICATED');
      expect((await refresh(session.refreshToken)).status).toBe(401);
      expect((await tryLogin('to-disable', TEST_PASSWORD)).status).toBe(401);

      const enable = await testApp
        .http()
        .patch(`/api/v1/users/${staff.id}`)
        .set(...bearer(adminSession))
        .send({ disabled: false });
      expect(enable.status).toBe(200);
      expect(enable.body.disabledAt).toBeNull();
      const fresh = await tryLogin('to-disable', TEST_PASSWORD);
      expect(fresh.status).toBe(200);
      expect((await me(`Bearer ${(fresh.body as Session).accessToken}`)).status).toBe(200);
      // The refresh token revoked by the disable stays dead.
      expect((await refresh(session.refreshToken)).status).toBe(401);
    });
  });

  describe('access token tampering', () => {
    const now = (): number => Math.floor(Date.now() / 1000);
    const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
      sub: admin.id,
      role: Role.Admin,
      iss: testApp.environment.JWT_ISSUER,
      aud: testApp.environment.JWT_AUDIENCE,
      iat: now(),
      exp: now() + 300,
      ...overrides,
    });
    const sign = (
      payload: Record<string, unknown>,
      secret = TEST_JWT_SECRET,
      algorithm: jwt.Algorithm = 'HS256',
    ): string => jwt.sign(payload, secret, { algorithm });

    const expectRefused = async (authorization: string): Promise<void> => {
      const response = await me(authorization);
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('UNAUTHENTICATED');
    };

    it('accepts a hand-signed token with every claim right (control for the cases below)', async () => {
      const response = await me(`Bearer ${sign(claims())}`);
      expect(response.status).toBe(200);
      expect(response.body.id).toBe(admin.id);
    });

    it('refuses an alg "none" token', async () => {
      const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`;
      await expectRefused(`Bearer ${token}`);
    });

    it('refuses a token signed with another secret', async () => {
      await expectRefused(
        `Bearer ${sign(claims(), 'another-secret-that-is-long-enough-0123456789')}`,
      );
    });

    it('refuses a token whose payload was altered after signing', async () => {
      const auditor = await insertUser(testApp.dataSource, {
        username: 'tamper-auditor',
        role: Role.Auditor,
      });
      const [header, , signature] = sign(claims({ sub: auditor.id, role: Role.Auditor })).split(
        '.',
      );
      await expectRefused(`Bearer ${header}.${base64url(claims())}.${signature}`);
    });

    it('refuses an expired token', async () => {
      await expectRefused(`Bearer ${sign(claims({ iat: now() - 3600, exp: now() - 60 }))}`);
    });

    it('refuses a token that is not valid yet', async () => {
      await expectRefused(`Bearer ${sign(claims({ nbf: now() + 600 }))}`);
    });

    it('refuses a token for another audience', async () => {
      await expectRefused(`Bearer ${sign(claims({ aud: 'some-other-api' }))}`);
    });

    it('refuses a token from another issuer', async () => {
      await expectRefused(`Bearer ${sign(claims({ iss: 'someone-else' }))}`);
    });

    it('refuses HS512 even with the right secret', async () => {
      await expectRefused(`Bearer ${sign(claims(), TEST_JWT_SECRET, 'HS512')}`);
    });

    it('refuses a token without an expiry', async () => {
      const payload = claims();
      delete payload.exp;
      await expectRefused(`Bearer ${sign(payload)}`);
    });

    it('refuses a token for a user that does not exist', async () => {
      await expectRefused(`Bearer ${sign(claims({ sub: randomUUID() }))}`);
    });

    it('refuses a correctly signed token whose subject is not a user id', async () => {
      await expectRefused(`Bearer ${sign(claims({ sub: 'admin1' }))}`);
    });

    it('refuses garbage, a missing Bearer prefix and a missing header', async () => {
      await expectRefused('Bearer not.a.jwt');
      await expectRefused('Bearer garbage');
      await expectRefused(adminSession.accessToken);
      await expectRefused(`Basic ${adminSession.accessToken}`);
      await expectRefused(`Bearer ${adminSession.accessToken} extra`);
      const none = await me();
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      // The real token still works: the refusals above are about the form, not the token.
      expect((await me(`Bearer ${adminSession.accessToken}`)).status).toBe(200);
    });
  });

  describe('login throttling', () => {
    it('answers the 11th attempt after 10 failures with 429 and Retry-After, even with the right password', async () => {
      await insertUser(testApp.dataSource, { username: 'throttled', role: Role.Auditor });
      await insertUser(testApp.dataSource, { username: 'bystander', role: Role.Auditor });
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        const response = await tryLogin('throttled', `wrong password ${attempt}`);
        expect(response.status).toBe(401);
      }
      const blocked = await tryLogin('throttled', TEST_PASSWORD);
      expect(blocked.status).toBe(429);
      expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(blocked.body.code).toBe('TOO_MANY_REQUESTS');
      const retryAfter = blocked.headers['retry-after'];
      expect(retryAfter).toMatch(/^\d+$/);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeLessThanOrEqual(15 * 60);
      expect(blocked.body).not.toHaveProperty('accessToken');

      // The rule is per username (in any letter case), not per client.
      expect((await tryLogin('THROTTLED', TEST_PASSWORD)).status).toBe(429);
      expect((await tryLogin('bystander', TEST_PASSWORD)).status).toBe(200);
    });

    it('honours LOGIN_MAX_FAILURES, and a success before the limit clears the count', async () => {
      const strict = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
      try {
        await insertUser(strict.dataSource, { username: 'strict', role: Role.Auditor });
        const attempt = (password: string): Promise<Response> =>
          strict.http().post(LOGIN).send({ username: 'strict', password });
        expect((await attempt('wrong password 1')).status).toBe(401);
        expect((await attempt('wrong password 2')).status).toBe(401);
        expect((await attempt(TEST_PASSWORD)).status).toBe(200);
        for (let index = 1; index <= 3; index += 1) {
          expect((await attempt(`wrong password again ${index}`)).status).toBe(401);
        }
        const blocked = await attempt(TEST_PASSWORD);
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        await strict.close();
      }
    });
  });

  describe('audit and secrets', () => {
    it('audits login success and failure with the outcome', async () => {
      const target = await insertUser(testApp.dataSource, {
        username: 'audited',
        role: Role.Auditor,
      });
      await login(testApp, 'audited');
      expect((await tryLogin('audited', 'not the password, audited')).status).toBe(401);
      expect((await tryLogin('audited-ghost', 'not the password, audited')).status).toBe(401);

      const succeeded = await auditRows('auth.login_succeeded', target.id);
      expect(succeeded).toHaveLength(1);
      expect(succeeded[0].actor_id).toBe(target.id);

      const failed = await auditRows('auth.login_failed', target.id);
      expect(failed).toHaveLength(1);
      expect(failed[0].actor_id).toBeNull();
      expect(failed[0].after).toMatchObject({ username: 'audited', reason: 'wrong_password' });

      // What was typed for an unknown user might be a password: only its digest is kept.
      const digest = createHash('sha256').update('audited-ghost').digest('hex').slice(0, 16);
      const unknown = (await auditRows('auth.login_failed')).filter(
        (row) => (row.after as { usernameDigest?: string } | null)?.usernameDigest === digest,
      );
      expect(unknown).toHaveLength(1);
      expect(unknown[0].entity_id).toBeNull();
      expect(unknown[0].after).toEqual({ usernameDigest: digest, reason: 'unknown_user' });
      const everything = await testApp.dataSource.query<{ text: string }[]>(
        'SELECT row_to_json(audit_events)::text AS text FROM audit_events',
      );
      expect(everything.some((row) => row.text.includes('audited-ghost'))).toBe(false);
    });

    it('never writes a password or password hash into the audit log or a response body', async () => {
      const rows = await testApp.dataSource.query<{ text: string }[]>(
        'SELECT row_to_json(audit_events)::text AS text FROM audit_events',
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(seenBodies.length).toBeGreaterThan(20);
      const hashes = await testApp.dataSource.query<{ password_hash: string }[]>(
        'SELECT password_hash FROM users',
      );
      const secrets = [TEST_PASSWORD, passwordHash, ...hashes.map((row) => row.password_hash)];
      for (const text of [...rows.map((row) => row.text), ...seenBodies]) {
        for (const secret of secrets) {
          expect(text).not.toContain(secret);
        }
        expect(text).not.toMatch(/\$argon2/);
        expect(text).not.toMatch(/passwordHash|password_hash/);
      }
    });
  });
});
