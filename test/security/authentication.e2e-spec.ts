import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { createTestDatabase, TestDatabase } from '../support/database.js';

/** Secrets planted in the run; none may ever appear in the service's log output. */
const PLANTED_ADMIN_PASSWORD = `Planted-Admin-${randomUUID()}`;
const PLANTED_USER_PASSWORD = `Planted-User-${randomUUID()}`;
const PLANTED_WRONG_PASSWORD = `Planted-Wrong-${randomUUID()}`;
const SECRET = `security-suite-secret-${randomUUID()}`;
const ISSUER = 'yinqi';
const AUDIENCE = 'yinqi-api';
const MAX_FAILURES = 3;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

interface Session {
  accessToken: string;
  refreshToken: string;
}

/**
 * Authentication against the built service run as `npm start` runs it (trace-level logs captured
 * from its stdout and stderr): forged tokens, refresh reuse, disabling, throttling, argon2id, and
 * no planted password or token in any log line.
 */
describe('authentication, against the running service with its logs captured', () => {
  let database: TestDatabase;
  let child: ChildProcess;
  let output = '';
  let base = '';
  let admin: Session;
  let adminId: string;
  const seenTokens: string[] = [];

  const call = async (
    method: string,
    path: string,
    options: { token?: string; authorization?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: Record<string, unknown>; text: string }> => {
    const headers: Record<string, string> = {};
    if (options.authorization ?? options.token) {
      headers.authorization = options.authorization ?? `Bearer ${options.token}`;
    }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = {};
    }
    return { status: response.status, body, text };
  };

  const login = async (username: string, password: string): Promise<Session> => {
    const response = await call('POST', '/api/v1/auth/login', { body: { username, password } });
    expect(response.status).toBe(200);
    const session = response.body as unknown as Session;
    seenTokens.push(session.accessToken, session.refreshToken);
    return session;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'trace',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        JWT_SECRET: SECRET,
        ADMIN_USERNAME: 'planted-admin',
        ADMIN_PASSWORD: PLANTED_ADMIN_PASSWORD,
        DEMO_DATA: 'false',
        LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 120_000;
    while (!output.includes('Yinqi is listening')) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`service did not start:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    admin = await login('planted-admin', PLANTED_ADMIN_PASSWORD);
    adminId = (await call('GET', '/api/v1/auth/me', { token: admin.accessToken })).body
      .id as string;
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await database?.drop();
  }, 60_000);

  describe('forged and stale access tokens', () => {
    const now = (): number => Math.floor(Date.now() / 1000);
    const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
      sub: adminId,
      role: 'admin',
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now(),
      exp: now() + 300,
      ...overrides,
    });
    const hs256 = (payload: Record<string, unknown>, secret = SECRET): string =>
      jwt.sign(payload, secret, { algorithm: 'HS256' });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

    const forged = (): Record<string, string> => ({
      'control: every claim right': hs256(claims()),
      expired: hs256(claims({ iat: now() - 3600, exp: now() - 60 })),
      'not yet valid': hs256(claims({ nbf: now() + 600 })),
      'wrong signature': hs256(claims(), `another-secret-${randomUUID()}`),
      'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`,
      'alg none, upper case': `${base64url({ alg: 'NONE', typ: 'JWT' })}.${base64url(claims())}.`,
      'HS512 with the right secret': jwt.sign(claims(), SECRET, { algorithm: 'HS512' }),
      'RS256 from a key of its own': jwt.sign(claims(), privateKey, { algorithm: 'RS256' }),
      'wrong audience': hs256(claims({ aud: 'some-other-api' })),
      'wrong issuer': hs256(claims({ iss: 'someone-else' })),
      'no expiry': (() => {
        const payload = claims();
        delete payload.exp;
        return hs256(payload);
      })(),
      'role raised in a re-signed copy': hs256(claims({ role: 'admin', sub: randomUUID() })),
      'payload swapped after signing': (() => {
        const [header, , signature] = hs256(claims({ role: 'auditor' })).split('.');
        return `${header}.${base64url(claims({ role: 'admin', extra: 1 }))}.${signature}`;
      })(),
    });

    it('answers 401 problem+json to each forged or stale token on every kind of route', async () => {
      const outcomes: Record<string, number[]> = {};
      for (const [name, token] of Object.entries(forged())) {
        outcomes[name] = [];
        for (const path of [
          '/api/v1/auth/me',
          '/api/v1/users',
          '/api/v1/turnover-funds',
          '/api/v1/audit-events',
        ]) {
          const response = await call('GET', path, { token });
          outcomes[name].push(response.status);
          if (response.status === 401) {
            expect(response.body.code).toBe('UNAUTHENTICATED');
          }
        }
      }
      const { 'control: every claim right': control, ...rest } = outcomes;
      expect(control).toEqual([200, 200, 200, 200]);
      expect(rest).toEqual(
        Object.fromEntries(Object.keys(rest).map((name) => [name, [401, 401, 401, 401]])),
      );
    });
  });

  describe('sessions', () => {
    let userId: string;

    beforeAll(async () => {
      const created = await call('POST', '/api/v1/users', {
        token: admin.accessToken,
        body: {
          username: 'planted-auditor',
          displayName: '审计员',
          password: PLANTED_USER_PASSWORD,
          role: 'auditor',
        },
      });
      expect(created.status).toBe(201);
      userId = created.body.id as string;
    });

    it('stores the password as argon2id with at least OWASP’s minimum parameters', async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ password_hash: string }>(
          'SELECT password_hash FROM users WHERE id = $1',
          [userId],
        );
        // PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash (the parameter order varies by library).
        const [, type, version, parameters, salt, hash] = (rows[0]?.password_hash ?? '').split('$');
        expect({ type, version }).toEqual({ type: 'argon2id', version: 'v=19' });
        const parameter = Object.fromEntries(
          (parameters ?? '')
            .split(',')
            .map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])]),
        );
        expect(parameter.m).toBeGreaterThanOrEqual(19456);
        expect(parameter.t).toBeGreaterThanOrEqual(2);
        expect(parameter.p).toBeGreaterThanOrEqual(1);
        expect(Buffer.from(salt ?? '', 'base64').length).toBeGreaterThanOrEqual(16);
        expect(Buffer.from(hash ?? '', 'base64').length).toBeGreaterThanOrEqual(32);
        expect(rows[0]?.password_hash).not.toContain(PLANTED_USER_PASSWORD);
      } finally {
        await client.end();
      }
    });

    it('revokes the whole refresh family when a spent refresh token is replayed', async () => {
      const first = await login('planted-auditor', PLANTED_USER_PASSWORD);
      const rotated = await call('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: first.refreshToken },
      });
      expect(rotated.status).toBe(200);
      const second = rotated.body as unknown as Session;
      seenTokens.push(second.accessToken, second.refreshToken);
      const replay = await call('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: first.refreshToken },
      });
      expect(replay.status).toBe(401);
      const afterReplay = await call('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: second.refreshToken },
      });
      expect(afterReplay.status).toBe(401);
      expect(afterReplay.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('locks a disabled user out on the very next request', async () => {
      const session = await login('planted-auditor', PLANTED_USER_PASSWORD);
      expect((await call('GET', '/api/v1/auth/me', { token: session.accessToken })).status).toBe(
        200,
      );
      const disabled = await call('PATCH', `/api/v1/users/${userId}`, {
        token: admin.accessToken,
        body: { disabled: true },
      });
      expect(disabled.status).toBe(200);
      expect((await call('GET', '/api/v1/auth/me', { token: session.accessToken })).status).toBe(
        401,
      );
      expect(
        (await call('GET', '/api/v1/audit-events', { token: session.accessToken })).status,
      ).toBe(401);
      expect(
        (
          await call('POST', '/api/v1/auth/refresh', {
            body: { refreshToken: session.refreshToken },
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await call('POST', '/api/v1/auth/login', {
            body: { username: 'planted-auditor', password: PLANTED_USER_PASSWORD },
          })
        ).status,
      ).toBe(401);
    });

    it('throttles login per username after LOGIN_MAX_FAILURES failures, even with the right password', async () => {
      for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) {
        const failed = await call('POST', '/api/v1/auth/login', {
          body: { username: 'planted-admin', password: PLANTED_WRONG_PASSWORD },
        });
        expect(failed.status).toBe(401);
      }
      const blocked = await call('POST', '/api/v1/auth/login', {
        body: { username: 'planted-admin', password: PLANTED_ADMIN_PASSWORD },
      });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('TOO_MANY_REQUESTS');
    });
  });

  describe('logs', () => {
    it('never contain a planted password, a token or a password hash', async () => {
      // Tokens in places a careless logger would print: the query string and a bad header.
      await call('GET', `/api/v1/banks?access_token=${admin.accessToken}`, {
        token: admin.accessToken,
      });
      await call('GET', '/api/v1/auth/me', { authorization: `Bearer ${admin.accessToken}x` });
      await call('POST', '/api/v1/auth/login', {
        body: {
          username: PLANTED_WRONG_PASSWORD,
          password: PLANTED_WRONG_PASSWORD,
          extra: PLANTED_USER_PASSWORD,
        },
      });
      await call('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: `${admin.refreshToken}` },
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(output.length).toBeGreaterThan(1000);
      expect(output).toMatch(/"reqId"|"req"/);
      const secrets = {
        PLANTED_ADMIN_PASSWORD,
        PLANTED_USER_PASSWORD,
        PLANTED_WRONG_PASSWORD,
        SECRET,
        ...Object.fromEntries(seenTokens.map((token, index) => [`token ${index}`, token])),
      };
      const found = Object.entries(secrets)
        .filter(([, secret]) => output.includes(secret))
        .map(([name]) => name);
      expect(found).toEqual([]);
      expect(output).not.toMatch(/\$argon2id\$/);
    });
  });
});
