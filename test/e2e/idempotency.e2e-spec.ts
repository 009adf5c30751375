import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Body, Controller, Module, Param, Post, Res } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Auth, CurrentCaller } from '../../src/common/auth/auth.decorators.js';
import type { Caller } from '../../src/common/auth/caller.js';
import { Role } from '../../src/common/auth/role.js';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { ErrorCode } from '../../src/common/errors/error-code.js';
import {
  Idempotent,
  IdempotencyKey,
} from '../../src/common/idempotency/idempotency-key.decorator.js';
import { IdempotencyModule } from '../../src/common/idempotency/idempotency.module.js';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service.js';
import { createTestApp, FixtureUser, insertUser, login, TestApp } from '../support/app.js';

class AddDto {
  @IsString()
  @Matches(/^\d{1,6}$/)
  amount!: string;
}

/** Lets a test hold a request inside its transaction until it opens the gate. */
const gate: { opened?: () => void; entered?: () => void } = {};

/** Test-only money moves on a scratch counter table, each behind an Idempotency-Key. */
@Controller('test-idempotency')
class CounterController {
  constructor(private readonly idempotency: IdempotencyService) {}

  @Post(':name/add')
  @Auth(Role.Admin)
  @Idempotent()
  async add(
    @CurrentCaller() caller: Caller,
    @Param('name') name: string,
    @IdempotencyKey() key: string,
    @Body() dto: AddDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const result = await this.idempotency.execute(
      caller,
      key,
      { scope: `counter.add:${name}`, body: dto },
      async (manager) => {
        const [row] = await manager.query<{ total: string }[]>(
          `INSERT INTO test_counters (name, total) VALUES ($1, $2::bigint)
           ON CONFLICT (name) DO UPDATE SET total = test_counters.total + EXCLUDED.total
           RETURNING total::text`,
          [name, dto.amount],
        );
        if (name === 'slow') {
          await new Promise<void>((resolve) => {
            gate.opened = resolve;
            gate.entered?.();
          });
        }
        if (name === 'failing') {
          throw new DomainError(ErrorCode.Conflict, 'refused after writing');
        }
        // A random member: a replay that re-ran the work would show a different one.
        return { status: 201, body: { name, total: row.total, nonce: randomUUID() } };
      },
    );
    void reply.status(result.status);
    return result.body;
  }
}

@Module({ imports: [IdempotencyModule], controllers: [CounterController] })
class CounterModule {}

describe('Idempotency-Key (IETF draft / Stripe semantics)', () => {
  let testApp: TestApp;
  let admin: FixtureUser;
  let otherAdmin: FixtureUser;
  let token: string;
  let otherToken: string;

  beforeAll(async () => {
    testApp = await createTestApp({}, [CounterModule]);
    await testApp.dataSource.query(
      'CREATE TABLE test_counters (name text PRIMARY KEY, total bigint NOT NULL)',
    );
    admin = await insertUser(testApp.dataSource, { username: 'idem-admin', role: Role.Admin });
    otherAdmin = await insertUser(testApp.dataSource, {
      username: 'idem-admin2',
      role: Role.Admin,
    });
    token = (await login(testApp, admin.username)).accessToken;
    otherToken = (await login(testApp, otherAdmin.username)).accessToken;
  });
  afterAll(async () => {
    await testApp.close();
  });
  beforeEach(async () => {
    await testApp.dataSource.query('TRUNCATE test_counters');
    await testApp.dataSource.query('DELETE FROM idempotency_keys');
  });

  function add(name: string, key: string | undefined, amount = '5', bearer = token) {
    const call = testApp
      .http()
      .post(`/api/v1/test-idempotency/${name}/add`)
      .set('authorization', `Bearer ${bearer}`);
    return (key === undefined ? call : call.set('idempotency-key', key)).send({ amount });
  }

  async function total(name: string): Promise<string | undefined> {
    const [row] = await testApp.dataSource.query<{ total: string }[]>(
      'SELECT total::text FROM test_counters WHERE name = $1',
      [name],
    );
    return row?.total;
  }

  async function keyCount(): Promise<number> {
    const [row] = await testApp.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM idempotency_keys',
    );
    return row.n;
  }

  it('refuses a missing, empty, over-long or non-ASCII key with 400 and does nothing', async () => {
    for (const key of [undefined, '', 'k'.repeat(256), 'clé-1']) {
      const response = await add('a', key);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REQUIRED' });
    }
    expect(await total('a')).toBeUndefined();
    expect((await add('a', 'k'.repeat(255))).status).toBe(201);
  });

  it('replays the first answer, byte for byte, for the same key and body, with one effect', async () => {
    const first = await add('a', 'key-1');
    expect(first.status).toBe(201);
    const again = await add('a', 'key-1');
    const third = await add('a', 'key-1');
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(third.text).toBe(first.text);
    expect(await total('a')).toBe('5');
    // A new key is a new operation.
    expect((await add('a', 'key-2')).body).toMatchObject({ total: '10' });
  });

  it('answers 422 when the key comes back with another body or on another operation', async () => {
    expect((await add('a', 'key-1', '5')).status).toBe(201);
    const otherBody = await add('a', 'key-1', '6');
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const otherScope = await add('b', 'key-1', '5');
    expect(otherScope.status).toBe(422);
    expect(await total('a')).toBe('5');
    expect(await total('b')).toBeUndefined();
  });

  it('scopes keys per user: another user’s identical key is their own operation', async () => {
    const mine = await add('a', 'shared-key');
    const theirs = await add('a', 'shared-key', '5', otherToken);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body).toMatchObject({ total: '10' });
    expect(await keyCount()).toBe(2);
  });

  it('answers 409 to the same key while the first request is still in flight, then replays', async () => {
    const entered = new Promise<void>((resolve) => {
      gate.entered = resolve;
    });
    const first = add('slow', 'key-slow');
    const firstDone = first.then((response) => response);
    await entered;
    const during = await add('slow', 'key-slow');
    expect(during.status).toBe(409);
    expect(during.body).toMatchObject({ code: 'IDEMPOTENCY_REQUEST_IN_FLIGHT' });
    gate.opened?.();
    const firstResponse = await firstDone;
    expect(firstResponse.status).toBe(201);
    const after = await add('slow', 'key-slow');
    expect(after.text).toBe(firstResponse.text);
    expect(await total('slow')).toBe('5');
    gate.entered = undefined;
  });

  it('leaves no key behind when the request’s transaction rolls back, so a retry runs again', async () => {
    const failed = await add('failing', 'key-fail');
    expect(failed.status).toBe(409);
    expect(failed.body).toMatchObject({ code: 'CONFLICT' });
    expect(await keyCount()).toBe(0);
    expect(await total('failing')).toBeUndefined();
    // The same key is free: the retry reaches the use case again (and fails the same way).
    expect((await add('failing', 'key-fail')).body).toMatchObject({ code: 'CONFLICT' });
  });

  it('has exactly one effect when 30 identical requests race, answering each with 201 or 409', async () => {
    const responses = await Promise.all(Array.from({ length: 30 }, () => add('race', 'key-race')));
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const successes = responses.filter((response) => response.status === 201);
    expect(successes.length).toBeGreaterThanOrEqual(1);
    // Every 201 is the one answer: either the first one or its replay.
    expect(new Set(successes.map((response) => response.text)).size).toBe(1);
    expect(await total('race')).toBe('5');
    expect(await keyCount()).toBe(1);
  });

  it('keeps keys for the retention period and purges them after', async () => {
    expect((await add('a', 'old-key')).status).toBe(201);
    expect((await add('a', 'fresh-key')).status).toBe(201);
    await testApp.dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-key'`,
    );
    await testApp.dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '23 hours' WHERE key = 'fresh-key'`,
    );
    expect(await testApp.app.get(IdempotencyService).purgeExpired()).toBe(1);
    // The fresh key still replays; the purged one is a new operation again.
    expect((await add('a', 'fresh-key')).body).toMatchObject({ total: '10' });
    expect((await add('a', 'old-key')).body).toMatchObject({ total: '15' });
  });

  it('documents the header in the OpenAPI document', async () => {
    const document = (await testApp.http().get('/docs-json')).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const operation = document.paths['/api/v1/test-idempotency/{name}/add']?.post;
    expect(operation?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
      ]),
    );
  });
});
