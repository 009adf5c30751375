import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Public } from '../../src/common/auth/auth.decorators.js';
import { createTestApp, TestApp } from '../support/app.js';

/** A test-only route that fails the way a bug would. */
@Controller('test-failure')
class FailingController {
  @Get()
  @Public()
  fail(): never {
    throw new Error('connection string postgres://secret@db leaked in a stack');
  }
}

@Module({ controllers: [FailingController] })
class FailingModule {}

const PROBLEM_JSON = /^application\/problem\+json/;

describe('HTTP conventions', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ CORS_ORIGINS: 'https://console.yinqi.example' }, [
      FailingModule,
    ]);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('answers an unknown route with a problem+json 404', async () => {
    const response = await testApp.http().get('/api/v1/no-such-thing');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      title: 'Not Found',
    });
    expect(response.body.type).toMatch(/^urn:problem:yinqi:/);
  });

  it('rejects an unknown body field with 400 naming the field', async () => {
    const response = await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'someone', password: 'whatever', role: 'admin' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors).toContainEqual({ field: 'role', message: 'is not allowed' });
  });

  it('lists every invalid field, not only the first', async () => {
    const response = await testApp.http().post('/api/v1/auth/login').send({ username: 42 });
    expect(response.status).toBe(400);
    const fields = (response.body.errors as { field: string }[]).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['username', 'password']));
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const response = await testApp
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ username: 'a', password: 'x'.repeat(65 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const response = await testApp
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{"username": "a", ');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers an unsupported content type with 415', async () => {
    const response = await testApp
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/xml')
      .send('<login/>');
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('authenticates before it validates path parameters', async () => {
    const response = await testApp.http().get('/api/v1/users/not-a-uuid');
    // Authentication runs before parameter validation: without a token the answer is 401.
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('hides the internals of a 500 and carries the correlation id', async () => {
    const response = await testApp.http().get('/api/v1/test-failure');
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body.code).toBe('INTERNAL_ERROR');
    expect(response.body.correlationId).toBe(response.headers['x-request-id']);
    expect(response.text).not.toMatch(/secret|postgres:|at .*\.ts|stack/i);
  });

  it('keeps a well-formed x-request-id and replaces a malformed one', async () => {
    const kept = await testApp.http().get('/health/live').set('x-request-id', 'req-1234567890');
    expect(kept.headers['x-request-id']).toBe('req-1234567890');
    const replaced = await testApp
      .http()
      .get('/health/live')
      .set('x-request-id', 'bad id\twith "quotes"');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and no x-powered-by', async () => {
    const response = await testApp.http().get('/health/live');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('allows CORS only for configured origins', async () => {
    const allowed = await testApp
      .http()
      .options('/api/v1/auth/login')
      .set('origin', 'https://console.yinqi.example')
      .set('access-control-request-method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.yinqi.example');
    const refused = await testApp
      .http()
      .options('/api/v1/auth/login')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const document = await testApp.http().get('/docs-json');
    expect(document.status).toBe(200);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/users', '/api/v1/audit-events']),
    );
    expect(document.body.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    const problemSchema = { $ref: '#/components/schemas/ProblemDto' };
    const createUser = document.body.paths['/api/v1/users'].post;
    expect(createUser.security).toEqual([{ bearer: [] }]);
    expect(createUser.responses['401'].content['application/problem+json'].schema).toEqual(
      problemSchema,
    );
    expect(createUser.responses.default.content['application/problem+json'].schema).toEqual(
      problemSchema,
    );
    expect(createUser.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CreateUserDto',
    );
    const ui = await testApp.http().get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('reports liveness and readiness with the database', async () => {
    const live = await testApp.http().get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await testApp.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
  });
});

describe('general rate limit', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ THROTTLE_LIMIT: '5', THROTTLE_TTL_SECONDS: '60' });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('answers 429 with Retry-After once a client spends its budget', async () => {
    const statuses: number[] = [];
    let last;
    for (let attempt = 0; attempt < 6; attempt += 1) {
      last = await testApp.http().get('/api/v1/auth/me');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    expect(last?.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(last?.body.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('never throttles the health probes', async () => {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const response = await testApp.http().get('/health/live');
      expect(response.status).toBe(200);
    }
  });
});
