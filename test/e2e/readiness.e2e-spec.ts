import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ShutdownState } from '../../src/modules/health/shutdown-state.js';
import { createTestApp, TestApp } from '../support/app.js';

describe('readiness during shutdown', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('answers 503 problem+json once shutdown has begun, while liveness stays up', async () => {
    expect((await testApp.http().get('/health/ready')).status).toBe(200);
    testApp.app.get(ShutdownState).beforeApplicationShutdown();
    const ready = await testApp.http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ready.body.code).toBe('SERVICE_UNAVAILABLE');
    expect((await testApp.http().get('/health/live')).status).toBe(200);
  });
});
