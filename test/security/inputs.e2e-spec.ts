import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Role } from '../../src/common/auth/role.js';
import { createTestApp, TestApp } from '../support/app.js';
import { OpenApiDocument, Operation, operationsOf } from './support/openapi-fuzz.js';
import { buildSecurityWorld, PROBLEM_JSON, SecurityWorld } from './support/world.js';

interface Outcome {
  request: string;
  status: number;
  contentType: string;
  body: string;
}

/**
 * Hostile shapes of request sent to every operation that could take them: each must get a clear
 * 4xx problem+json (never a 5xx, never a bare framework error).
 */
describe('hostile inputs', () => {
  let testApp: TestApp;
  let operations: Operation[];
  let world: SecurityWorld;
  let base: string;

  beforeAll(async () => {
    testApp = await createTestApp({ THROTTLE_LIMIT: '10000000' });
    const document = (await testApp.http().get('/docs-json')).body as OpenApiDocument;
    operations = operationsOf(document);
    world = await buildSecurityWorld(testApp);
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    base = await testApp.app.getUrl();
  }, 120_000);
  afterAll(async () => {
    await testApp?.close();
  });

  const adminHeaders = (): Record<string, string> => ({
    authorization: `Bearer ${world.own.sessions.get(Role.Admin)?.accessToken}`,
    'idempotency-key': randomUUID(),
  });

  const concrete = (operation: Operation, id = randomUUID()): string =>
    operation.path.replace(
      /\{\w+\}/g,
      operation.path.includes('calendar-days') ? '2026-10-01' : id,
    );

  async function send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Outcome> {
    const response = await fetch(`${base}${url}`, { method, headers, body });
    return {
      request: `${method} ${url.slice(0, 200)}`,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: (await response.text()).slice(0, 300),
    };
  }

  /** The answers that are not a 4xx problem+json (or, where given, not the expected status). */
  function unclear(outcomes: Outcome[], expected?: number[]): Outcome[] {
    return outcomes.filter(
      (outcome) =>
        outcome.status < 400 ||
        outcome.status >= 500 ||
        !PROBLEM_JSON.test(outcome.contentType) ||
        (expected !== undefined && !expected.includes(outcome.status)),
    );
  }

  const jsonBodied = (): Operation[] =>
    operations.filter((operation) => operation.bodyType === 'application/json');

  it('answers malformed JSON with 400 on every JSON operation', async () => {
    const outcomes: Outcome[] = [];
    for (const operation of jsonBodied()) {
      for (const text of ['{"a": ', '{"a": 1,}', "{'a': 1}", '\u0000', '[', 'nul']) {
        outcomes.push(
          await send(
            operation.method,
            concrete(operation),
            { ...adminHeaders(), 'content-type': 'application/json' },
            text,
          ),
        );
      }
    }
    expect(unclear(outcomes, [400])).toEqual([]);
  }, 300_000);

  it('answers a body of another content type with 415, form posts included', async () => {
    const outcomes: Outcome[] = [];
    for (const operation of jsonBodied()) {
      for (const [type, text] of [
        ['application/x-www-form-urlencoded', 'status=approved&role=admin'],
        ['text/plain', 'hello'],
        ['application/xml', '<a/>'],
        [
          'multipart/form-data; boundary=x',
          '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
        ],
        ['text/csv', 'a,b\n1,2\n'],
      ]) {
        outcomes.push(
          await send(
            operation.method,
            concrete(operation),
            { ...adminHeaders(), 'content-type': type },
            text,
          ),
        );
      }
    }
    expect(unclear(outcomes, [415])).toEqual([]);
  }, 300_000);

  it('answers a 65 KiB body with 413', async () => {
    const outcomes: Outcome[] = [];
    for (const operation of jsonBodied()) {
      outcomes.push(
        await send(
          operation.method,
          concrete(operation),
          { ...adminHeaders(), 'content-type': 'application/json' },
          JSON.stringify({ name: 'x'.repeat(65 * 1024) }),
        ),
      );
    }
    expect(unclear(outcomes, [413])).toEqual([]);
  }, 300_000);

  it('answers 10,000-element arrays, deep nesting and NUL bytes in bodies with a clear 4xx', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const deepArray = `${'['.repeat(10000)}${']'.repeat(10000)}`;
    const outcomes: Outcome[] = [];
    for (const operation of jsonBodied()) {
      const headers = { ...adminHeaders(), 'content-type': 'application/json' };
      const url = concrete(operation);
      outcomes.push(
        await send(operation.method, url, headers, JSON.stringify(Array(10000).fill(1))),
      );
      outcomes.push(
        await send(
          operation.method,
          url,
          headers,
          JSON.stringify({ tags: Array(10000).fill('a'), items: Array(10000).fill({}) }),
        ),
      );
      outcomes.push(await send(operation.method, url, headers, deep));
      outcomes.push(await send(operation.method, url, headers, deepArray));
      outcomes.push(
        await send(
          operation.method,
          url,
          headers,
          JSON.stringify({ name: 'a\u0000b', reason: '\u0000', note: 'x\u0000' }),
        ),
      );
    }
    expect(unclear(outcomes)).toEqual([]);
  }, 300_000);

  it('answers page limits out of range and cursors that are not ours with 400', async () => {
    const outcomes: Outcome[] = [];
    const paged = operations.filter((operation) =>
      operation.parameters.some((parameter) => parameter.name === 'limit'),
    );
    expect(paged.length).toBeGreaterThan(10);
    for (const operation of paged) {
      for (const query of [
        'limit=100000',
        'limit=-1',
        'limit=0',
        'limit=1.5',
        'limit=abc',
        'cursor=-1',
        'cursor=-100000',
        `cursor=${Buffer.from('["x","y"]').toString('base64url')}`,
        `cursor=${Buffer.from('["2026-01-01 00:00:00+00","not-a-uuid"]').toString('base64url')}`,
        // Shaped like an instant a list writes, but not a real one: PostgreSQL refuses the cast.
        `cursor=${Buffer.from(
          '["2026-02-30T00:00:00.000Z","00000000-0000-4000-8000-000000000001"]',
        ).toString('base64url')}`,
        'cursor=%00',
        `cursor=${'A'.repeat(600)}`,
      ]) {
        outcomes.push(await send('GET', `${concrete(operation)}?${query}`, adminHeaders()));
      }
    }
    expect(unclear(outcomes, [400, 404])).toEqual([]);
  }, 300_000);

  it('answers path ids that are not UUIDs with a clear 4xx', async () => {
    const outcomes: Outcome[] = [];
    for (const operation of operations.filter((candidate) => candidate.path.includes('{'))) {
      for (const id of [
        'not-a-uuid',
        '1',
        "1' OR '1'='1",
        '%00',
        'a%00b',
        '..%2F..%2Fetc',
        '-1',
        'x'.repeat(101),
        '%ED%A0%80',
      ]) {
        const url = operation.path.replace(/\{\w+\}/g, id);
        outcomes.push(
          await send(
            operation.method,
            url,
            { ...adminHeaders(), 'content-type': 'application/json' },
            operation.bodyType ? '{}' : undefined,
          ),
        );
      }
    }
    expect(unclear(outcomes)).toEqual([]);
  }, 300_000);

  it('answers NUL bytes and junk in every query parameter with a clear answer, never a 5xx', async () => {
    const outcomes: Outcome[] = [];
    for (const operation of operations.filter((candidate) => candidate.method === 'GET')) {
      for (const parameter of operation.parameters.filter(
        (candidate) => candidate.in === 'query',
      )) {
        for (const value of [
          'a%00b',
          '%00',
          '%ED%A0%80',
          "'%20OR%201=1--",
          '%3Cscript%3E',
          'x'.repeat(3000),
        ]) {
          outcomes.push(
            await send('GET', `${concrete(operation)}?${parameter.name}=${value}`, adminHeaders()),
          );
        }
      }
    }
    expect(
      outcomes.filter(
        (outcome) =>
          outcome.status >= 500 ||
          (outcome.status >= 400 && !PROBLEM_JSON.test(outcome.contentType)),
      ),
    ).toEqual([]);
  }, 300_000);

  it('answers an oversized header block with 431 problem+json', async () => {
    const url = new URL(base);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `GET /api/v1/banks HTTP/1.1\r\nHost: localhost\r\nX-Junk: ${'a'.repeat(20000)}\r\n\r\n`,
        );
      });
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 431,
      code: 'HEADERS_TOO_LARGE',
    });
  });

  it('answers an over-long path segment with 414 problem+json', async () => {
    const outcome = await send('GET', `/api/v1/banks/${'a'.repeat(5000)}`, adminHeaders());
    expect(outcome).toMatchObject({
      status: 414,
      contentType: expect.stringMatching(PROBLEM_JSON),
    });
    expect(JSON.parse(outcome.body)).toMatchObject({ code: 'URI_TOO_LONG' });
  });
});
