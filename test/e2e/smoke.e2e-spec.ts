import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
import { bearer, createTestApp, insertUser, login, TestApp } from '../support/app.js';

describe('smoke', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
    await insertUser(testApp.dataSource, { username: 'admin1', role: Role.Admin });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('logs in and reads me', async () => {
    const session = await login(testApp, 'admin1');
    const me = await testApp
      .http()
      .get('/api/v1/auth/me')
      .set(...bearer(session));
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('admin1');
  });
});
