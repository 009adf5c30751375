import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryModule } from '@nestjs/core';
import { ALL_ROLES, Role } from '../../src/common/auth/role.js';
import {
  bearer,
  createTestApp,
  insertBank,
  insertEnterprise,
  insertUser,
  login,
  Session,
  TestApp,
} from '../support/app.js';
import { listRoutes, RouteAccess } from '../support/routes.js';

const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

function call(testApp: TestApp, route: RouteAccess, session?: Session) {
  const path = route.path.replace(/:\w+/g, PLACEHOLDER_ID);
  const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
  const request = testApp.http()[method](path);
  return session ? request.set(...bearer(session)) : request;
}

/**
 * The reviewed list of every route and who may call it. A new route changes the snapshot (so
 * its access rule is reviewed with it); a route that declares no rule fails outright.
 */
describe('route access declarations', () => {
  let testApp: TestApp;
  let routes: RouteAccess[];
  beforeAll(async () => {
    testApp = await createTestApp({}, [DiscoveryModule]);
    routes = listRoutes(testApp.app);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('finds the routes Fastify actually serves', () => {
    const fastify = testApp.app.getHttpAdapter().getInstance();
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      const url = route.path.replace(/:(\w+)/g, ':$1');
      expect({ route, served: fastify.hasRoute({ method: route.method, url }) }).toEqual({
        route,
        served: true,
      });
    }
  });

  it('has an access declaration on every route', () => {
    expect(routes.filter((route) => route.access === 'UNDECLARED')).toEqual([]);
  });

  it('enforces each declaration at run time: 403 for every role not declared, never for one that is', async () => {
    const bankId = await insertBank(testApp.dataSource, '吉林银行通化分行');
    const enterpriseId = await insertEnterprise(testApp.dataSource, '通化东宝药业');
    const tokens = new Map<Role, Session>();
    for (const role of ALL_ROLES) {
      const user = await insertUser(testApp.dataSource, {
        username: `matrix-${role}`,
        role,
        bankId: role === Role.BankOfficer || role === Role.BankPresident ? bankId : null,
        enterpriseId: role === Role.Enterprise ? enterpriseId : null,
      });
      tokens.set(role, await login(testApp, user.username));
    }
    const outcomes: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      const allowed = route.access === 'any' ? ALL_ROLES : route.access.split(',');
      for (const role of ALL_ROLES) {
        // Logging out would end the session the rest of the loop uses.
        if (route.path.endsWith('/auth/logout')) {
          continue;
        }
        const response = await call(testApp, route, tokens.get(role));
        const refused = response.status === 403 || response.status === 401;
        if (allowed.includes(role) === refused) {
          outcomes.push(`${route.method} ${route.path} as ${role}: ${response.status}`);
        }
      }
    }
    expect(outcomes).toEqual([]);
  });

  it('matches the reviewed snapshot', () => {
    expect(
      routes.map((route) => `${route.method} ${route.path} → ${route.access}`),
    ).toMatchSnapshot();
  });

  it('refuses every non-public route without a token', async () => {
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      const response = await call(testApp, route);
      expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });
});
