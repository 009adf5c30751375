import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, ValidationPipe } from '@nestjs/common';
import { ApplicationConfig, DiscoveryModule } from '@nestjs/core';
import { Public } from '../../src/common/auth/auth.decorators.js';
import { randomUUID } from 'node:crypto';
import { Role } from '../../src/common/auth/role.js';
import { createTestApp, insertUser, login, TestApp } from '../support/app.js';
import { insertProduct, Person } from '../support/matchmaking.js';
import { listRoutes, RouteAccess } from '../support/routes.js';
import { fundBody, shanghaiDate, turnoverClient } from '../support/turnover.js';
import { OpenApiDocument, operationsOf, SchemaObject } from './support/openapi-fuzz.js';
import { buildSecurityWorld, SecurityWorld, Tenant } from './support/world.js';

/**
 * How the access rules scope each route's object, beyond its role declaration:
 * - `city`: one city-wide object (or none); every declared role reaches it.
 * - `tenant`: the object belongs to an enterprise and/or a bank; enterprise and bank staff of
 *   another tenant get 404, administrators and auditors reach it.
 * - `user`: the object belongs to one user (a notification): everyone else gets 404.
 * - `list`: a collection; tenant staff never see another tenant's private rows in it.
 * `ownRefused` names identities the rules refuse even on their own tenant's object, and why.
 */
interface Case {
  scope: 'city' | 'tenant' | 'user' | 'list';
  ownRefused?: Partial<Record<Identity, string>>;
  /** The refusal another tenant's id gets where it is not 404, and why. */
  otherRefused?: { status: number; why: string };
  body?: (fixtures: Fixtures) => Record<string, unknown>;
}

type Identity =
  'admin' | 'auditor' | 'enterprise' | 'bank_officer' | 'bank_president' | 'commissioner';
const IDENTITIES: Identity[] = [
  'admin',
  'auditor',
  'enterprise',
  'bank_officer',
  'bank_president',
  'commissioner',
];
const BOUND: Identity[] = ['enterprise', 'bank_officer', 'bank_president', 'commissioner'];
const roleOf = (identity: Identity): Role =>
  identity === 'commissioner' ? Role.BankOfficer : (identity as Role);

const TODAY = shanghaiDate();
const NOT_MINE = 'an officer sees only the commissions he serves; the president sees the bank’s';
const LOG_WRITER = 'only the commissioner (or the center) writes the service log';
const RECIPIENT = 'a notification is its recipient’s alone (the fixture one is the president’s)';
const ASSIGNED =
  'a match is acted on by the officer it is assigned to (the president holds it until then)';

/** Every route the router serves must be here: a new route fails the suite until it is classified. */
const CASES: Record<string, Case> = {
  'GET /api/v1/audit-events': { scope: 'list' },
  'GET /api/v1/audit-events/verify': { scope: 'city' },
  'POST /api/v1/auth/login': { scope: 'city' },
  'POST /api/v1/auth/logout': { scope: 'city' },
  'GET /api/v1/auth/me': { scope: 'city' },
  'POST /api/v1/auth/refresh': { scope: 'city' },
  'POST /api/v1/auth/register': { scope: 'city' },
  'GET /api/v1/banks': { scope: 'list' },
  'POST /api/v1/banks': { scope: 'city' },
  'GET /api/v1/banks/:id': { scope: 'city' },
  'GET /api/v1/banks/:id/officers': { scope: 'tenant' },
  'PATCH /api/v1/banks/:id': {
    scope: 'city',
    body: () => ({ name: `改名银行-${randomUUID().slice(0, 6)}` }),
  },
  'GET /api/v1/calendar-days': { scope: 'list' },
  'DELETE /api/v1/calendar-days/:day': { scope: 'city' },
  'PUT /api/v1/calendar-days/:day': { scope: 'city' },
  'GET /api/v1/commissioners': { scope: 'list' },
  'POST /api/v1/commissioners': { scope: 'city' },
  'GET /api/v1/commissioners/:id': { scope: 'tenant', ownRefused: { bank_officer: NOT_MINE } },
  'POST /api/v1/commissioners/:id/end': {
    scope: 'tenant',
    body: () => ({ on: TODAY, reason: '调岗' }),
  },
  'GET /api/v1/commissioners/:id/visits': {
    scope: 'tenant',
    ownRefused: { bank_officer: NOT_MINE },
  },
  'POST /api/v1/commissioners/:id/visits': {
    scope: 'tenant',
    ownRefused: { bank_officer: NOT_MINE, bank_president: LOG_WRITER },
    body: () => ({ on: TODAY, kind: 'onsite', notes: '走访企业' }),
  },
  'POST /api/v1/commissioners/:id/visits/:visitId/request': {
    scope: 'tenant',
    ownRefused: { bank_officer: NOT_MINE, bank_president: LOG_WRITER },
  },
  'GET /api/v1/decline-reasons': { scope: 'list' },
  'POST /api/v1/decline-reasons': { scope: 'city' },
  'PATCH /api/v1/decline-reasons/:code': { scope: 'city' },
  'GET /api/v1/enterprises': { scope: 'list' },
  'POST /api/v1/enterprises': { scope: 'city' },
  'GET /api/v1/enterprises/:id': { scope: 'tenant' },
  'PATCH /api/v1/enterprises/:id': { scope: 'tenant', body: () => ({ employees: 60 }) },
  'POST /api/v1/enterprises/:id/verify': { scope: 'tenant' },
  'GET /api/v1/events': { scope: 'list' },
  'POST /api/v1/events': { scope: 'city' },
  'GET /api/v1/events/:id': { scope: 'city' },
  'GET /api/v1/events/:id/intents': { scope: 'list' },
  'POST /api/v1/events/:id/intents': {
    scope: 'tenant',
    otherRefused: {
      status: 400,
      why: 'the bank is named in the body: "may only name your own bank"',
    },
  },
  'POST /api/v1/events/:id/intents/:intentId/convert': { scope: 'tenant' },
  'POST /api/v1/events/:id/participants': { scope: 'city' },
  'GET /api/v1/events/:id/stats': { scope: 'city' },
  'GET /api/v1/financing-requests': { scope: 'list' },
  'POST /api/v1/financing-requests': { scope: 'city' },
  'GET /api/v1/financing-requests/:id': { scope: 'tenant' },
  'POST /api/v1/financing-requests/:id/close': { scope: 'tenant' },
  'POST /api/v1/financing-requests/:id/dispatch': { scope: 'tenant' },
  'GET /api/v1/financing-requests/:id/suggestions': { scope: 'tenant' },
  'POST /api/v1/financing-requests/:id/withdraw': { scope: 'tenant', body: () => ({}) },
  'GET /api/v1/guarantee-funds': { scope: 'list' },
  'POST /api/v1/guarantee-funds': { scope: 'city' },
  'GET /api/v1/guarantee-funds/:id': { scope: 'city' },
  'POST /api/v1/guarantee-funds/:id/capital': { scope: 'city' },
  'GET /api/v1/guarantee-funds/:id/ledger': { scope: 'city' },
  'GET /api/v1/guarantee-funds/:id/reconcile': { scope: 'city' },
  'GET /api/v1/guarantee-funds/:id/report': { scope: 'city' },
  'GET /api/v1/guarantees': { scope: 'list' },
  'POST /api/v1/guarantees': { scope: 'city' },
  'GET /api/v1/guarantees/:id': { scope: 'tenant' },
  'POST /api/v1/guarantees/:id/activate': { scope: 'tenant' },
  'POST /api/v1/guarantees/:id/approve': { scope: 'tenant' },
  'POST /api/v1/guarantees/:id/claim': { scope: 'tenant' },
  'POST /api/v1/guarantees/:id/recover': { scope: 'tenant' },
  'POST /api/v1/guarantees/:id/reject': { scope: 'tenant' },
  'POST /api/v1/guarantees/:id/release': { scope: 'tenant' },
  'GET /api/v1/lpr-rates': { scope: 'list' },
  'POST /api/v1/lpr-rates': { scope: 'city' },
  'GET /api/v1/matches': { scope: 'list' },
  'GET /api/v1/matches/:id': { scope: 'tenant' },
  'POST /api/v1/matches/:id/accept': {
    scope: 'tenant',
    ownRefused: { bank_officer: ASSIGNED, commissioner: ASSIGNED },
  },
  'POST /api/v1/matches/:id/approve': {
    scope: 'tenant',
    ownRefused: { bank_officer: ASSIGNED, commissioner: ASSIGNED },
  },
  'POST /api/v1/matches/:id/assign': { scope: 'tenant' },
  'POST /api/v1/matches/:id/decline': {
    scope: 'tenant',
    ownRefused: { bank_officer: ASSIGNED, commissioner: ASSIGNED },
  },
  'POST /api/v1/matches/:id/disburse': {
    scope: 'tenant',
    ownRefused: { bank_officer: ASSIGNED, commissioner: ASSIGNED },
  },
  'POST /api/v1/matches/:id/recall': { scope: 'tenant' },
  'GET /api/v1/notifications': { scope: 'list' },
  'POST /api/v1/notifications/:id/read': {
    scope: 'user',
    ownRefused: {
      admin: RECIPIENT,
      auditor: RECIPIENT,
      enterprise: RECIPIENT,
      bank_officer: RECIPIENT,
      commissioner: RECIPIENT,
    },
  },
  'POST /api/v1/notifications/read-all': { scope: 'city' },
  'GET /api/v1/products': { scope: 'list' },
  'POST /api/v1/products': { scope: 'city' },
  'GET /api/v1/products/:id': { scope: 'city' },
  'PATCH /api/v1/products/:id': {
    scope: 'tenant',
    body: () => ({ name: `改名产品-${randomUUID().slice(0, 6)}` }),
  },
  'GET /api/v1/projects': { scope: 'list' },
  'POST /api/v1/projects': { scope: 'city' },
  'GET /api/v1/projects/:id': { scope: 'tenant' },
  'PATCH /api/v1/projects/:id': {
    scope: 'tenant',
    body: () => ({ name: `改名项目-${randomUUID().slice(0, 6)}` }),
  },
  'GET /api/v1/projects/:id/surveys': { scope: 'tenant' },
  'POST /api/v1/projects/import': { scope: 'city' },
  'GET /api/v1/projects/summary': { scope: 'city' },
  'GET /api/v1/regions': { scope: 'list' },
  'GET /api/v1/stats/commissioners': { scope: 'city' },
  'GET /api/v1/stats/matchmaking': { scope: 'city' },
  'GET /api/v1/stats/overview': { scope: 'city' },
  'GET /api/v1/turnover-applications': { scope: 'list' },
  'POST /api/v1/turnover-applications': { scope: 'city' },
  'GET /api/v1/turnover-applications/:id': { scope: 'tenant' },
  'POST /api/v1/turnover-applications/:id/approve': { scope: 'tenant' },
  'POST /api/v1/turnover-applications/:id/bank-commit': { scope: 'tenant' },
  'POST /api/v1/turnover-applications/:id/cancel': { scope: 'tenant', body: () => ({}) },
  'POST /api/v1/turnover-applications/:id/disburse': { scope: 'tenant' },
  'POST /api/v1/turnover-applications/:id/reject': { scope: 'tenant' },
  'POST /api/v1/turnover-applications/:id/renewal': { scope: 'tenant' },
  'POST /api/v1/turnover-applications/:id/renewed-without-bridge': { scope: 'tenant' },
  'POST /api/v1/turnover-applications/:id/repay': { scope: 'tenant' },
  'POST /api/v1/turnover-applications/:id/write-off': { scope: 'tenant' },
  'GET /api/v1/turnover-funds': { scope: 'list' },
  'POST /api/v1/turnover-funds': { scope: 'city' },
  'GET /api/v1/turnover-funds/:id': { scope: 'city' },
  'PATCH /api/v1/turnover-funds/:id': { scope: 'city' },
  'POST /api/v1/turnover-funds/:id/capital': { scope: 'city' },
  'POST /api/v1/turnover-funds/:id/capital-returns': { scope: 'city' },
  'GET /api/v1/turnover-funds/:id/ledger': { scope: 'city' },
  'GET /api/v1/turnover-funds/:id/reconcile': { scope: 'city' },
  'GET /api/v1/turnover-funds/:id/report': { scope: 'city' },
  'GET /api/v1/users': { scope: 'list' },
  'POST /api/v1/users': { scope: 'city' },
  'GET /api/v1/users/:id': { scope: 'city' },
  'PATCH /api/v1/users/:id': { scope: 'city', body: () => ({ displayName: '改名' }) },
  'GET /health/live': { scope: 'city' },
  'GET /health/ready': { scope: 'city' },
};

/** The real rows of one tenant that path parameters point at. */
interface Fixtures {
  tenant: Tenant;
  people: Record<Identity, Person>;
  product: string;
  project: string;
  request: string;
  match: string;
  application: string;
  guarantee: string;
  assignment: string;
  visit: string;
  intent: string;
  notification: string;
  turnoverFund: string;
  guaranteeFund: string;
  event: string;
}

/** Ids that only the tenant's own staff (and the center) may ever see. */
const privateIds = (fixtures: Fixtures): string[] => [
  fixtures.project,
  fixtures.request,
  fixtures.match,
  fixtures.application,
  fixtures.guarantee,
  fixtures.assignment,
  fixtures.visit,
  fixtures.intent,
  fixtures.notification,
];

function concretePath(route: RouteAccess, fixtures: Fixtures): string {
  const segments = route.path.split('/');
  const resource = segments[3];
  const ids: Record<string, string> = {
    banks: fixtures.tenant.bankId,
    enterprises: fixtures.tenant.enterpriseId,
    products: fixtures.product,
    projects: fixtures.project,
    'financing-requests': fixtures.request,
    matches: fixtures.match,
    'turnover-applications': fixtures.application,
    'turnover-funds': fixtures.turnoverFund,
    'guarantee-funds': fixtures.guaranteeFund,
    guarantees: fixtures.guarantee,
    commissioners: fixtures.assignment,
    events: fixtures.event,
    notifications: fixtures.notification,
    users: fixtures.people.enterprise.id,
  };
  return route.path
    .replace(':visitId', fixtures.visit)
    .replace(':intentId', fixtures.intent)
    .replace(':code', 'insufficient_collateral')
    .replace(':day', '2026-10-01')
    .replace(':id', ids[resource ?? ''] ?? randomUUID());
}

/** A body built from the operation's documented examples (every required field present). */
function exampleBody(
  document: OpenApiDocument,
  schema: SchemaObject | undefined,
): Record<string, unknown> {
  const resolve = (raw: SchemaObject): SchemaObject =>
    raw.$ref
      ? resolve(document.components.schemas[raw.$ref.split('/').pop() as string] ?? {})
      : raw;
  const build = (raw: SchemaObject, depth: number): unknown => {
    const node = resolve(raw);
    if (node.example !== undefined) {
      return node.example;
    }
    if (node.enum?.length) {
      return node.enum[0];
    }
    switch (node.type) {
      case 'object':
        return depth > 4
          ? {}
          : Object.fromEntries(
              Object.entries(node.properties ?? {})
                .filter(([key]) => (node.required ?? []).includes(key))
                .map(([key, child]) => [key, build(child, depth + 1)]),
            );
      case 'array':
        return [build(node.items ?? {}, depth + 1)];
      case 'integer':
      case 'number':
        return node.minimum ?? 1;
      case 'boolean':
        return false;
      case 'string':
        return node.format === 'uuid' ? randomUUID() : node.format === 'date' ? TODAY : 'x';
      default:
        return 'x';
    }
  };
  return schema === undefined ? {} : ((build(schema, 0) as Record<string, unknown>) ?? {});
}

/** Everything a refused write could have changed, as one comparable value. */
async function stateOf(testApp: TestApp): Promise<unknown> {
  const tables = [
    'banks',
    'enterprises',
    'users',
    'products',
    'projects',
    'financing_requests',
    'matches',
    'match_assignments',
    'notifications',
    'turnover_funds',
    'turnover_applications',
    'fund_journals',
    'guarantee_funds',
    'guarantees',
    'guarantee_ledger_entries',
    'commissioner_assignments',
    'commissioner_visits',
    'matchmaking_events',
    'event_intents',
    'decline_reasons',
    'calendar_days',
  ];
  const [row] = await testApp.dataSource.query<Record<string, unknown>[]>(
    `SELECT ${tables
      .map(
        (table) =>
          `(SELECT md5(coalesce(string_agg(to_jsonb(t)::text, ',' ORDER BY to_jsonb(t)::text), '')) FROM ${table} t) AS ${table}`,
      )
      .join(', ')}, (SELECT count(*)::int FROM audit_events) AS audit_events`,
  );
  return row;
}

describe('authorization matrix: every route × every role × own tenant / other tenant / no token', () => {
  let testApp: TestApp;
  let routes: RouteAccess[];
  let document: OpenApiDocument;
  let world: SecurityWorld;
  let own: Fixtures;
  let other: Fixtures;

  async function fixturesOf(
    tenant: Tenant,
    label: string,
    admin: Person,
    shared: { turnoverFund: string; guaranteeFund: string; event: string },
  ): Promise<Fixtures> {
    const http = turnoverClient(testApp);
    const person = (identity: Exclude<Identity, 'commissioner'>): Person => ({
      id: tenant.userIds.get(roleOf(identity)) as string,
      username: '',
      role: roleOf(identity),
      enterpriseId: identity === 'enterprise' ? tenant.enterpriseId : null,
      bankId: identity.startsWith('bank') ? tenant.bankId : null,
      session: tenant.sessions.get(roleOf(identity)) as Person['session'],
    });
    const officer = await insertUser(testApp.dataSource, {
      username: `sec-${label}-commissioner`,
      role: Role.BankOfficer,
      bankId: tenant.bankId,
    });
    const people: Record<Identity, Person> = {
      admin: person('admin'),
      auditor: person('auditor'),
      enterprise: person('enterprise'),
      bank_officer: person('bank_officer'),
      bank_president: person('bank_president'),
      commissioner: { ...officer, session: await login(testApp, officer.username) },
    };
    const created = async (
      pending: Promise<{ status: number; body: unknown }>,
    ): Promise<string> => {
      const response = await pending;
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
      return (response.body as { id: string }).id;
    };
    const product = await insertProduct(testApp, tenant.bankId);
    const [projectRow] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO projects (enterprise_id, name, region_code, kind, total_investment_fen,
                             planned_investment_fen, status, funding_gap_fen, financing_intent)
       VALUES ($1, $2, '220502', 'new', 10000000000, 2000000000, 'planned', 500000000, true)
       RETURNING id`,
      [tenant.enterpriseId, `安全项目-${label}`],
    );
    const request = await http.file(people.enterprise);
    const match = await http.dispatch(admin, request, tenant.bankId);
    const application = await http.apply(people.enterprise, shared.turnoverFund, tenant.bankId);
    const guarantee = await created(
      http.post(admin, '/guarantees', {
        fundId: shared.guaranteeFund,
        loanContractNo: `LOAN-${label}`,
        enterpriseId: tenant.enterpriseId,
        bankId: tenant.bankId,
        principal: '1000000.00',
        termMonths: 12,
      }),
    );
    const assignment = await created(
      http.post(admin, '/commissioners', {
        officerId: officer.id,
        enterpriseId: tenant.enterpriseId,
        from: TODAY,
      }),
    );
    const visit = await created(
      http.post(people.commissioner, `/commissioners/${assignment}/visits`, {
        on: TODAY,
        kind: 'onsite',
        notes: '走访',
        needFound: true,
        amount: '5000000.00',
      }),
    );
    const intent = await created(
      http.post(people.bank_president, `/events/${shared.event}/intents`, {
        enterpriseId: tenant.enterpriseId,
        bankId: tenant.bankId,
        amount: '1000000.00',
      }),
    );
    const [notification] = await testApp.dataSource.query<{ id: string }[]>(
      'SELECT id FROM notifications WHERE user_id = $1 LIMIT 1',
      [people.bank_president.id],
    );
    return {
      tenant,
      people,
      product,
      project: projectRow.id,
      request,
      match,
      application,
      guarantee,
      assignment,
      visit,
      intent,
      notification: notification?.id ?? randomUUID(),
      ...shared,
    };
  }

  beforeAll(async () => {
    testApp = await createTestApp({ THROTTLE_LIMIT: '10000000' }, [DiscoveryModule]);
    routes = listRoutes(testApp.app);
    document = (await testApp.http().get('/docs-json')).body as OpenApiDocument;
    world = await buildSecurityWorld(testApp);
    const http = turnoverClient(testApp);
    const admin: Person = {
      id: world.own.userIds.get(Role.Admin) as string,
      username: 'sec-a-admin',
      role: Role.Admin,
      enterpriseId: null,
      bankId: null,
      session: world.own.sessions.get(Role.Admin) as Person['session'],
    };
    const turnoverFund = await http.createFund(admin, fundBody());
    await http.inject(admin, turnoverFund, '100000000.00');
    const guaranteeFundResponse = await http.post(admin, '/guarantee-funds', {
      name: '安全测试信保基金',
      annualFeeRate: '0.007',
      perEnterpriseCap: '10000000.00',
      capacityMultiple: '10',
      shares: { guarantor: '0.4', reguarantor: '0.3', bank: '0.2', government: '0.1' },
    });
    const guaranteeFund = (guaranteeFundResponse.body as { id: string }).id;
    await http.keyed(admin, `/guarantee-funds/${guaranteeFund}/capital`, {
      amount: '50000000.00',
      note: '注资',
    });
    const eventResponse = await http.post(admin, '/events', {
      title: '安全测试对接会',
      theme: '专精特新',
      date: '2026-04-15',
      format: 'online',
      bankIds: [world.own.bankId, world.other.bankId],
      enterpriseIds: [world.own.enterpriseId, world.other.enterpriseId],
    });
    const shared = {
      turnoverFund,
      guaranteeFund,
      event: (eventResponse.body as { id: string }).id,
    };
    await testApp.dataSource.query(
      "INSERT INTO calendar_days (day, kind, name) VALUES ('2026-10-01', 'holiday', '国庆节')",
    );
    own = await fixturesOf(world.own, 'a', admin, shared);
    other = await fixturesOf(world.other, 'b', admin, shared);
  }, 300_000);
  afterAll(async () => {
    await testApp?.close();
  });

  const key = (route: RouteAccess): string => `${route.method} ${route.path}`;

  it('classifies every route the router serves, and only those', () => {
    expect(routes.map(key).filter((name) => CASES[name] === undefined)).toEqual([]);
    expect(
      Object.keys(CASES).filter((name) => !routes.some((route) => key(route) === name)),
    ).toEqual([]);
  });

  /** Every answer the matrix received, for the leak checks at the end. */
  const answers: { route: string; text: string }[] = [];

  async function send(route: RouteAccess, fixtures: Fixtures, caller: Person | undefined) {
    const response = await sendUnrecorded(route, fixtures, caller);
    answers.push({ route: key(route), text: response.text });
    return response;
  }

  function sendUnrecorded(
    route: RouteAccess,
    fixtures: Fixtures,
    caller: Person | undefined,
    extra: Record<string, unknown> = {},
  ) {
    const operation = operationsOf(document).find(
      (candidate) =>
        candidate.method === route.method &&
        candidate.path === route.path.replace(/:(\w+)/g, '{$1}'),
    );
    const body =
      CASES[key(route)]?.body?.(fixtures) ?? exampleBody(document, operation?.bodySchema);
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    const agent = testApp.http();
    let request = agent[method](concretePath(route, fixtures)).set('idempotency-key', randomUUID());
    if (caller) {
      request = request.set('authorization', `Bearer ${caller.session.accessToken}`);
    }
    if (operation?.bodyType === 'text/csv') {
      return request.set('content-type', 'text/csv').send('项目名称,年份\n');
    }
    return method === 'get' ? request : request.send({ ...body, ...extra });
  }

  const allowedRoles = (route: RouteAccess): string[] | 'public' =>
    route.access === 'public'
      ? 'public'
      : route.access === 'any'
        ? Object.values(Role)
        : route.access.split(',');

  it('refuses every non-public route without a token (401), on real rows of both tenants', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      for (const fixtures of [own, other]) {
        const response = await send(route, fixtures, undefined);
        if (response.status !== 401) {
          wrong.push(`${key(route)}: ${response.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('reads: declared roles reach their own tenant’s rows; other tenants’ rows are 404 and never listed', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((candidate) => candidate.method === 'GET')) {
      const allowed = allowedRoles(route);
      const scope = CASES[key(route)]?.scope;
      for (const identity of IDENTITIES) {
        const caller = own.people[identity];
        const declared = allowed === 'public' || allowed.includes(roleOf(identity));
        const mine = await send(route, own, caller);
        const theirs = await send(route, other, caller);
        const refusedOwn = CASES[key(route)]?.ownRefused?.[identity];
        if (!declared) {
          if (mine.status !== 403 || theirs.status !== 403) {
            wrong.push(`${key(route)} as ${identity}: ${mine.status}/${theirs.status}, want 403`);
          }
          continue;
        }
        if (refusedOwn === undefined && [401, 403, 404].includes(mine.status)) {
          wrong.push(
            `${key(route)} as ${identity} on own: ${mine.status} ${JSON.stringify(mine.body).slice(0, 120)}`,
          );
        }
        const bound = BOUND.includes(identity);
        if (!bound && scope === 'tenant' && [401, 403, 404].includes(theirs.status)) {
          wrong.push(`${key(route)} as ${identity} (city-wide) on other tenant: ${theirs.status}`);
        }
        if (bound && (scope === 'tenant' || scope === 'user') && theirs.status !== 404) {
          wrong.push(`${key(route)} as ${identity} on other tenant: ${theirs.status}, want 404`);
        }
        if (bound && mine.status === 200) {
          // A refusal echoes the requested path in `instance`; only answers with data count.
          const leaked = privateIds(other).filter(
            (id) => mine.text.includes(id) || (theirs.status < 400 && theirs.text.includes(id)),
          );
          if (leaked.length > 0) {
            wrong.push(`${key(route)} as ${identity} shows other tenant's ${leaked.join(',')}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('writes: tenant staff calling with another tenant’s id get 404 and change nothing (rows and audit log)', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter(
      (candidate) => candidate.method !== 'GET' && candidate.path.includes(':'),
    )) {
      const allowed = allowedRoles(route);
      const scope = CASES[key(route)]?.scope;
      for (const identity of BOUND) {
        const before = await stateOf(testApp);
        const response = await send(route, other, own.people[identity]);
        const after = await stateOf(testApp);
        const declared = allowed === 'public' || allowed.includes(roleOf(identity));
        const want = !declared
          ? 403
          : scope === 'tenant' || scope === 'user'
            ? (CASES[key(route)]?.otherRefused?.status ?? 404)
            : undefined;
        if (want !== undefined && response.status !== want) {
          wrong.push(
            `${key(route)} as ${identity}: ${response.status}, want ${want} ${JSON.stringify(response.body).slice(0, 150)}`,
          );
        }
        if (want !== undefined) {
          const changed = Object.keys(before as object).filter(
            (name) =>
              (before as Record<string, unknown>)[name] !==
              (after as Record<string, unknown>)[name],
          );
          if (changed.length > 0) {
            wrong.push(`${key(route)} as ${identity} changed ${changed.join(',')}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('writes: declared roles reach their own tenant’s rows (never 401/403/404 unless the rules say why)', async () => {
    const wrong: string[] = [];
    const writes = routes.filter(
      (candidate) =>
        candidate.method !== 'GET' &&
        candidate.access !== 'public' &&
        !candidate.path.endsWith('/auth/logout'),
    );
    for (const route of writes) {
      const allowed = allowedRoles(route);
      for (const identity of IDENTITIES) {
        if (allowed === 'public' || !allowed.includes(roleOf(identity))) {
          continue;
        }
        if (CASES[key(route)]?.ownRefused?.[identity] !== undefined) {
          continue;
        }
        const response = await send(route, own, own.people[identity]);
        if ([401, 403, 404].includes(response.status)) {
          wrong.push(
            `${key(route)} as ${identity}: ${response.status} ${JSON.stringify(response.body).slice(0, 150)}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('runs one global ValidationPipe that strips nothing silently: whitelist + forbidNonWhitelisted', () => {
    const pipes = testApp.app.get(ApplicationConfig).getGlobalPipes();
    const validation = pipes.filter((pipe) => pipe instanceof ValidationPipe);
    expect(validation).toHaveLength(1);
    expect(
      (validation[0] as unknown as { validatorOptions: object }).validatorOptions,
    ).toMatchObject({
      whitelist: true,
      forbidNonWhitelisted: true,
    });
  });

  it('mass assignment: an extra field on any create or update body is 400 and changes nothing', async () => {
    const wrong: string[] = [];
    const bodied = routes.filter(
      (route) =>
        ['POST', 'PATCH', 'PUT'].includes(route.method) &&
        route.access !== 'public' &&
        !route.path.endsWith('/projects/import'),
    );
    for (const route of bodied) {
      for (const field of [
        'status',
        'bankId',
        'enterpriseId',
        'role',
        'cash',
        'hash',
        'verifiedAt',
        'passwordHash',
        'id',
        'createdBy',
      ]) {
        const allowed = allowedRoles(route);
        const identity = IDENTITIES.find(
          (candidate) =>
            (allowed === 'public' || allowed.includes(roleOf(candidate))) &&
            CASES[key(route)]?.ownRefused?.[candidate] === undefined,
        );
        if (identity === undefined) {
          continue;
        }
        // A field the DTO declares is not an extra one.
        const operation = operationsOf(document).find(
          (candidate) =>
            candidate.method === route.method &&
            candidate.path === route.path.replace(/:(\w+)/g, '{$1}'),
        );
        const schema = operation?.bodySchema?.$ref
          ? document.components.schemas[operation.bodySchema.$ref.split('/').pop() as string]
          : operation?.bodySchema;
        // Routes without a body DTO read no body at all; a field the DTO declares is not extra.
        if (schema === undefined || schema.properties?.[field] !== undefined) {
          continue;
        }
        const before = await stateOf(testApp);
        const value =
          field === 'role'
            ? 'admin'
            : field === 'cash'
              ? '99999999.00'
              : field === 'verifiedAt'
                ? new Date().toISOString()
                : field === 'status'
                  ? 'approved'
                  : randomUUID();
        const response = await sendUnrecorded(route, own, own.people[identity], { [field]: value });
        const after = await stateOf(testApp);
        const fields = ((response.body as { errors?: { field: string }[] }).errors ?? []).map(
          (error) => error.field,
        );
        if (response.status !== 400 || !fields.includes(field)) {
          wrong.push(
            `${key(route)} + ${field} as ${identity}: ${response.status} ${JSON.stringify(response.body).slice(0, 120)}`,
          );
        }
        if (JSON.stringify(before) !== JSON.stringify(after)) {
          wrong.push(`${key(route)} + ${field} changed state`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('never answers with a password hash, a refresh token, a stack trace or SQL', () => {
    expect(answers.length).toBeGreaterThan(1000);
    const refreshTokens = [world.own, world.other].flatMap((tenant) =>
      [...tenant.sessions.values()].map((session) => session.refreshToken),
    );
    const leaks = answers.filter(
      ({ text }) =>
        /\$argon2|password_?hash|"?passwordHash"?\s*:|refresh_?token_?hash/i.test(text) ||
        /\bat [\w.<>]+ \(.*:\d+:\d+\)|node_modules|\.ts:\d+/.test(text) ||
        /\b(SELECT|INSERT INTO|UPDATE \w+ SET|QueryFailedError)\b/.test(text) ||
        refreshTokens.some((token) => text.includes(token)),
    );
    expect(leaks.map(({ route, text }) => `${route}: ${text.slice(0, 200)}`)).toEqual([]);
  });
});

/** A test-only route that fails the way a bug would, with secrets in its error. */
@Controller('security-test-failure')
class FailingController {
  @Get()
  @Public()
  fail(): never {
    throw new Error(
      'duplicate key: INSERT INTO users (password_hash) VALUES ($argon2id$v=19$m=19456) postgres://yinqi:secret@db',
    );
  }
}

@Module({ controllers: [FailingController] })
class FailingModule {}

describe('a forced 500', () => {
  it('shows only a correlation id, never the error, SQL or a stack', async () => {
    const testApp = await createTestApp({}, [FailingModule]);
    try {
      const response = await testApp.http().get('/api/v1/security-test-failure');
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Object.keys(response.body as object).sort()).toEqual(
        ['code', 'correlationId', 'detail', 'status', 'title', 'type'].sort(),
      );
      expect(response.body).toMatchObject({
        status: 500,
        code: 'INTERNAL_ERROR',
        correlationId: response.headers['x-request-id'],
      });
      expect(response.text).not.toMatch(/argon2|INSERT|postgres:|secret|password|\.ts:\d+|at /);
    } finally {
      await testApp.close();
    }
  });
});
