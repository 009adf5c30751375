import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryModule } from '@nestjs/core';
import fc from 'fast-check';
import { ALL_ROLES } from '../../src/common/auth/role.js';
import { createTestApp, Session, TestApp } from '../support/app.js';
import { listRoutes } from '../support/routes.js';
import {
  bodyArbitrary,
  OpenApiDocument,
  Operation,
  operationsOf,
  parameterArbitrary,
} from './support/openapi-fuzz.js';
import { buildSecurityWorld, PROBLEM_JSON, SecurityWorld } from './support/world.js';

/** Requests per operation; the floor is 100 per CI run, FUZZ_RUNS raises it. */
const RUNS = Math.max(100, Number.parseInt(process.env.FUZZ_RUNS ?? '100', 10) || 100);
const IN_FLIGHT = 4;
const SEED = Number.parseInt(process.env.FUZZ_SEED ?? '', 10) || Date.now() % 2 ** 31;

/** A lone surrogate cannot be UTF-8 encoded: send the invalid bytes a hostile client would. */
function encodePathValue(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

interface Failure {
  request: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

/**
 * Schema fuzzing from the app's own OpenAPI document: every operation gets RUNS generated
 * requests (valid, boundary and hostile path, query, header and body values) signed in as a
 * random role. No answer may be a 5xx, and every 4xx must be problem+json.
 */
describe('schema fuzzing from /docs-json', () => {
  let testApp: TestApp;
  let document: OpenApiDocument;
  let operations: Operation[];
  let world: SecurityWorld;
  let realIds: string[];
  let base: string;

  beforeAll(async () => {
    testApp = await createTestApp({ THROTTLE_LIMIT: '10000000' }, [DiscoveryModule]);
    document = (await testApp.http().get('/docs-json')).body as OpenApiDocument;
    operations = operationsOf(document);
    world = await buildSecurityWorld(testApp);
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    base = await testApp.app.getUrl();
    realIds = [
      world.own.bankId,
      world.own.enterpriseId,
      world.other.bankId,
      world.other.enterpriseId,
    ];
  }, 120_000);
  afterAll(async () => {
    await testApp?.close();
  });

  it('documents exactly the operations the router serves', () => {
    const routed = listRoutes(testApp.app)
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    const documented = operations
      .map((operation) => `${operation.method} ${operation.path}`)
      .sort();
    expect(documented).toEqual(routed);
  });

  function requestArbitrary(operation: Operation): fc.Arbitrary<Sent> {
    const byPlace = (place: string) =>
      operation.parameters.filter((parameter) => parameter.in === place);
    const path = fc.record(
      Object.fromEntries(
        byPlace('path').map((parameter) => [
          parameter.name,
          parameterArbitrary(document, parameter.schema ?? {}, realIds),
        ]),
      ),
    );
    const query = fc.record(
      Object.fromEntries(
        byPlace('query').map((parameter) => [
          parameter.name,
          parameterArbitrary(document, parameter.schema ?? {}, realIds),
        ]),
      ),
      { requiredKeys: [] },
    );
    const idempotencyKey = byPlace('header').some(
      (parameter) => parameter.name === 'Idempotency-Key',
    )
      ? fc.option(fc.oneof(fc.uuid(), fc.constantFrom('', 'x'.repeat(300), 'bad key')), { freq: 5 })
      : fc.constant(null);
    const body =
      operation.bodySchema === undefined
        ? fc.constant(undefined)
        : operation.bodyType === 'text/csv'
          ? fc.oneof(
              fc.string({ maxLength: 300, unit: 'grapheme' }),
              fc.constant('name,year\n\u0000,2026\n'),
            )
          : fc.option(bodyArbitrary(document, operation.bodySchema), { freq: 12, nil: undefined });
    const role = fc.option(fc.constantFrom(...ALL_ROLES), { freq: 12 });
    return fc
      .record({ path, query, idempotencyKey, body, role })
      .map(
        ({
          path: pathValues,
          query: queryValues,
          idempotencyKey: key,
          body: payload,
          role: chosen,
        }) => {
          const url =
            operation.path.replace(/\{(\w+)\}/g, (_whole, name: string) =>
              encodePathValue(pathValues[name] ?? ''),
            ) +
            (Object.keys(queryValues).length === 0
              ? ''
              : `?${new URLSearchParams(queryValues as Record<string, string>).toString()}`);
          const headers: Record<string, string> = {};
          const session: Session | undefined =
            chosen === null ? undefined : world.own.sessions.get(chosen);
          if (session) {
            headers.authorization = `Bearer ${session.accessToken}`;
          }
          if (key !== null) {
            headers['idempotency-key'] = key;
          }
          let sentBody: string | undefined;
          if (payload !== undefined) {
            headers['content-type'] =
              operation.bodyType === 'text/csv' ? 'text/csv' : 'application/json';
            sentBody =
              typeof payload === 'string' && operation.bodyType === 'text/csv'
                ? payload
                : JSON.stringify(payload);
          }
          return { method: operation.method, url, headers, payload: sentBody };
        },
      );
  }

  it(`answers ${RUNS} generated requests per operation without a 5xx, every 4xx as problem+json (seed ${SEED})`, async () => {
    const failures: Failure[] = [];
    let sent = 0;
    for (const [index, operation] of operations.entries()) {
      const samples = fc.sample(requestArbitrary(operation), { numRuns: RUNS, seed: SEED + index });
      let failedHere = 0;
      const probe = async (request: Sent): Promise<void> => {
        const response = await fetch(`${base}${request.url}`, {
          method: request.method,
          headers: request.headers,
          body: request.payload,
        });
        const text = await response.text();
        sent += 1;
        const contentType = response.headers.get('content-type') ?? undefined;
        const bad =
          response.status >= 500 ||
          (response.status >= 400 && !PROBLEM_JSON.test(contentType ?? ''));
        if (bad && failedHere < 3) {
          failedHere += 1;
          failures.push({
            request: `${request.method} ${request.url.slice(0, 300)} ${request.payload?.slice(0, 300) ?? ''}`,
            status: response.status,
            contentType,
            body: text.slice(0, 300),
          });
        }
      };
      // A few in flight at once: the server's database waits overlap, as with real clients.
      for (let start = 0; start < samples.length; start += IN_FLIGHT) {
        await Promise.all(samples.slice(start, start + IN_FLIGHT).map(probe));
      }
    }
    expect(sent).toBe(operations.length * RUNS);
    expect(failures).toEqual([]);
  }, 600_000);
});
