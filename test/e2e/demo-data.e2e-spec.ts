import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
import { formatFen, parseYuan } from '../../src/common/money/money.js';
import { checkCreditCode } from '../../src/modules/enterprises/credit-code.js';
import { DEMO_REQUEST_ID, DemoDataService } from '../../src/modules/demo/demo-data.service.js';
import { countPlan, type DemoPlan } from '../../src/modules/demo/demo-plan.js';
import { TONGHUA } from '../../src/modules/demo/tonghua.js';
import { ProjectsService } from '../../src/modules/projects/projects.service.js';
import { DEMO_PASSWORD } from '../../src/modules/users/initial-accounts.service.js';
import {
  bearer,
  createTestApp,
  insertBank,
  insertUser,
  login,
  Session,
  TestApp,
} from '../support/app.js';

const REPORT_ENTERPRISES = [
  '首钢通化钢铁集团股份有限公司',
  '中溢集团(吉林)新能源科技有限公司',
  '通化东宝药业股份有限公司',
  '集安福海葡萄酒庄有限公司',
  '通化阿尔凯斯特精密铸造有限公司',
  '吉林万峰实业有限公司',
  '通化万核汽车电子商务科技有限公司',
  '北京金田恒业集团通化分公司',
];

const api = (path: string): string => `/api/v1${path}`;

interface Counts {
  banks: number;
  users: number;
  products: number;
  enterprises: number;
  projects: number;
  surveys: number;
  audit: number;
}

async function counts(testApp: TestApp): Promise<Counts> {
  const [row] = await testApp.dataSource.query<Counts[]>(
    `SELECT (SELECT count(*) FROM banks)::int AS banks,
            (SELECT count(*) FROM users WHERE role <> 'admin')::int AS users,
            (SELECT count(*) FROM products)::int AS products,
            (SELECT count(*) FROM enterprises)::int AS enterprises,
            (SELECT count(*) FROM projects)::int AS projects,
            (SELECT count(*) FROM project_surveys)::int AS surveys,
            (SELECT count(*) FROM audit_events)::int AS audit`,
  );
  return row;
}

const laterSurveys = (plan: DemoPlan): number =>
  plan.enterprises.flatMap((item) => item.projects).filter((item) => item.laterSurvey).length;

describe('demo data (Tonghua)', () => {
  let testApp: TestApp;
  let adminId: string;
  let admin: Session;
  let demo: DemoDataService;
  const planned = countPlan(TONGHUA);

  beforeAll(async () => {
    testApp = await createTestApp();
    adminId = (await insertUser(testApp.dataSource, { username: 'chief', role: Role.Admin })).id;
    admin = await login(testApp, 'chief');
    demo = testApp.app.get(DemoDataService);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('completes a partial and then an interrupted load without duplicating anything', async () => {
    // A first start that loaded only part of the set...
    const partial: DemoPlan = {
      banks: TONGHUA.banks.slice(0, 3).map((item) => ({
        ...item,
        staff: item.staff.slice(0, 1),
        products: item.products.slice(0, 2),
      })),
      enterprises: TONGHUA.enterprises.slice(0, 10).map((item) => ({
        ...item,
        projects: item.projects.slice(0, 1),
      })),
    };
    const first = await demo.load(partial);
    expect(first.created).toEqual({ ...countPlan(partial), surveys: laterSurveys(partial) });
    expect(await counts(testApp)).toMatchObject(countPlan(partial));

    // ...then one that died half-way through the projects...
    const projects = testApp.app.get(ProjectsService);
    const create = projects.create.bind(projects);
    let calls = 0;
    const cut = jest.spyOn(projects, 'create').mockImplementation(async (caller, dto) => {
      calls += 1;
      if (calls > 5) {
        throw new Error('power cut');
      }
      return create(caller, dto);
    });
    await expect(demo.load()).rejects.toThrow('power cut');
    cut.mockRestore();
    const interrupted = await counts(testApp);
    expect(interrupted).toMatchObject({
      banks: planned.banks,
      users: planned.users,
      products: planned.products,
      enterprises: planned.enterprises,
    });
    expect(interrupted.projects).toBeLessThan(planned.projects);

    // ...and the next start finishes the set.
    const last = await demo.load();
    expect(last.created).toMatchObject({
      banks: 0,
      users: 0,
      products: 0,
      enterprises: 0,
      projects: planned.projects - interrupted.projects,
    });
    expect(await counts(testApp)).toMatchObject({ ...planned });
    const [duplicates] = await testApp.dataSource.query<{ products: number; users: number }[]>(
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM products GROUP BY bank_id, name
                                       HAVING count(*) > 1) d)::int AS products,
              (SELECT count(*) FROM (SELECT 1 FROM users GROUP BY lower(username)
                                       HAVING count(*) > 1) d)::int AS users`,
    );
    expect(duplicates).toEqual({ products: 0, users: 0 });
  });

  it('gives each of the eight banks one active president, two officers and 3–6 products', async () => {
    const banks = await testApp.dataSource.query<
      { name: string; kind: string; presidents: number; officers: number; products: number }[]
    >(
      `SELECT b.name, b.kind,
              (SELECT count(*) FROM users u WHERE u.bank_id = b.id AND u.role = 'bank_president'
                 AND u.disabled_at IS NULL)::int AS presidents,
              (SELECT count(*) FROM users u WHERE u.bank_id = b.id AND u.role = 'bank_officer'
                 AND u.disabled_at IS NULL)::int AS officers,
              (SELECT count(*) FROM products p WHERE p.bank_id = b.id AND p.active)::int AS products
         FROM banks b ORDER BY b.name`,
    );
    expect(banks).toHaveLength(8);
    expect(banks.map((bank) => bank.name)).toContain('吉林银行通化分行');
    for (const bank of banks) {
      expect({ name: bank.name, presidents: bank.presidents, officers: bank.officers }).toEqual({
        name: bank.name,
        presidents: 1,
        officers: 2,
      });
      expect(bank.products).toBeGreaterThanOrEqual(3);
      expect(bank.products).toBeLessThanOrEqual(6);
    }
    const [jlbank] = await testApp.dataSource.query<{ kind: string; bank: string }[]>(
      `SELECT b.kind, b.name AS bank FROM users u JOIN banks b ON b.id = u.bank_id
        WHERE u.username = 'jlbank.president'`,
    );
    expect(jlbank).toEqual({ kind: 'city_commercial', bank: '吉林银行通化分行' });
    const rates = await testApp.dataSource.query<{ rate_kind: string }[]>(
      'SELECT DISTINCT rate_kind FROM products ORDER BY rate_kind',
    );
    expect(rates.map((row) => row.rate_kind)).toEqual(['fixed', 'lpr']);
  });

  it('registers the enterprises the report names, verified by the administrator', async () => {
    const rows = await testApp.dataSource.query<
      { name: string; credit_code: string; verified_by: string | null; override: string | null }[]
    >(
      `SELECT name, credit_code, verified_by, credit_code_override_reason AS override
         FROM enterprises WHERE name = ANY($1::text[])`,
      [REPORT_ENTERPRISES],
    );
    expect(rows.map((row) => row.name).sort()).toEqual([...REPORT_ENTERPRISES].sort());
    for (const row of rows) {
      expect(checkCreditCode(row.credit_code)).toBe('valid');
      expect(row.override).toBeNull();
      expect(row.verified_by).toBe(adminId);
    }
    const response = await testApp
      .http()
      .get(api('/enterprises'))
      .query({ tag: 'specialized', limit: 100 })
      .set(...bearer(admin));
    expect(response.status).toBe(200);
    const names = (response.body as { items: { name: string }[] }).items.map((item) => item.name);
    expect(names).toContain('通化东宝药业股份有限公司');
    expect(names.length).toBeGreaterThan(5);
  });

  it('audits every demo row as the administrator, with the request id demo-data', async () => {
    const [missing] = await testApp.dataSource.query<Record<string, number>[]>(
      `WITH demo AS (
         SELECT entity_id, action FROM audit_events
          WHERE actor_id = $1 AND actor_role = 'admin' AND request_id = $2)
       SELECT
         (SELECT count(*) FROM banks t WHERE NOT EXISTS (SELECT 1 FROM demo
            WHERE demo.entity_id = t.id::text AND demo.action = 'bank.created'))::int AS banks,
         (SELECT count(*) FROM users t WHERE t.role <> 'admin' AND NOT EXISTS (SELECT 1 FROM demo
            WHERE demo.entity_id = t.id::text AND demo.action = 'user.created'))::int AS users,
         (SELECT count(*) FROM products t WHERE NOT EXISTS (SELECT 1 FROM demo
            WHERE demo.entity_id = t.id::text AND demo.action = 'product.created'))::int AS products,
         (SELECT count(*) FROM enterprises t WHERE NOT EXISTS (SELECT 1 FROM demo
            WHERE demo.entity_id = t.id::text AND demo.action = 'enterprise.created'))::int
           AS enterprises,
         (SELECT count(*) FROM enterprises t WHERE t.verified_at IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM demo WHERE demo.entity_id = t.id::text
               AND demo.action = 'enterprise.verified'))::int AS verifications,
         (SELECT count(*) FROM projects t WHERE NOT EXISTS (SELECT 1 FROM demo
            WHERE demo.entity_id = t.id::text AND demo.action = 'project.created'))::int AS projects,
         (SELECT count(*) FROM project_surveys s WHERE s.actor_id IS DISTINCT FROM $1)::int
           AS surveys`,
      [adminId, DEMO_REQUEST_ID],
    );
    expect(missing).toEqual({
      banks: 0,
      users: 0,
      products: 0,
      enterprises: 0,
      verifications: 0,
      projects: 0,
      surveys: 0,
    });
  });

  it('gives every project its survey, and the later survey a second row with the gap moving', async () => {
    const [unsurveyed] = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM projects p
        WHERE NOT EXISTS (SELECT 1 FROM project_surveys s WHERE s.project_id = p.id)`,
    );
    expect(unsurveyed.count).toBe(0);
    const [coke] = await testApp.dataSource.query<{ id: string }[]>(
      `SELECT id FROM projects WHERE name = '通钢3号焦炉异地等量置换节能升级改造项目'`,
    );
    const response = await testApp
      .http()
      .get(api(`/projects/${coke.id}/surveys`))
      .set(...bearer(admin));
    expect(response.status).toBe(200);
    const surveys = (
      response.body as {
        items: { source: string; oldFundingGap: string | null; newFundingGap: string }[];
      }
    ).items;
    expect(
      surveys.map((survey) => [survey.source, survey.oldFundingGap, survey.newFundingGap]),
    ).toEqual([
      ['update', '500000000.00', '420000000.00'],
      ['create', null, '500000000.00'],
    ]);
    const [twice] = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM projects p
        WHERE (SELECT count(*) FROM project_surveys s WHERE s.project_id = p.id) = 2`,
    );
    expect(twice.count).toBe(laterSurveys(TONGHUA));
  });

  it('summarises the loaded projects from their rows', async () => {
    const response = await testApp
      .http()
      .get(api('/projects/summary'))
      .set(...bearer(admin));
    expect(response.status).toBe(200);
    const { total } = response.body as {
      total: { count: number; totalInvestment: string; newCount: number; continuingCount: number };
    };
    const projects = TONGHUA.enterprises.flatMap((item) => item.projects);
    const investment = projects.reduce(
      (sum, item) => sum + parseYuan(item.project.totalInvestment),
      0n,
    );
    expect(total.count).toBe(planned.projects);
    expect(total.totalInvestment).toBe(formatFen(investment));
    expect(total.newCount + total.continuingCount).toBe(planned.projects);
    expect(total.newCount).toBeGreaterThan(0);
    expect(total.continuingCount).toBeGreaterThan(0);
  });

  it('creates nothing and writes no audit row when loaded again', async () => {
    const before = await counts(testApp);
    const again = await demo.load();
    expect(again).toEqual({
      created: { banks: 0, users: 0, products: 0, enterprises: 0, projects: 0, surveys: 0 },
      accounts: [],
    });
    expect(await counts(testApp)).toEqual(before);
  });

  it('lets the demo accounts sign in with the demo password, each in its own tenant', async () => {
    const president = await login(testApp, 'jlbank.president', DEMO_PASSWORD);
    const me = await testApp
      .http()
      .get(api('/auth/me'))
      .set(...bearer(president));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'bank_president' });
    await login(testApp, 'icbc.officer2', DEMO_PASSWORD);

    const finance = await login(testApp, 'dongbao.finance', DEMO_PASSWORD);
    const own = await testApp
      .http()
      .get(api('/enterprises'))
      .set(...bearer(finance));
    expect(own.status).toBe(200);
    expect((own.body as { items: { name: string }[] }).items.map((item) => item.name)).toEqual([
      '通化东宝药业股份有限公司',
    ]);
  });
});

describe('demo data in production', () => {
  let testApp: TestApp;
  let existingPresidentId: string;
  let bankId: string;
  const plan: DemoPlan = {
    banks: TONGHUA.banks.filter((item) => item.bank.name === '吉林银行通化分行'),
    enterprises: TONGHUA.enterprises.filter(
      (item) => item.enterprise.name === '通化东宝药业股份有限公司',
    ),
  };

  beforeAll(async () => {
    testApp = await createTestApp({ NODE_ENV: 'production' });
    await insertUser(testApp.dataSource, { username: 'chief', role: Role.Admin });
    // The bank was registered by hand before the demo set, with its president appointed.
    bankId = await insertBank(testApp.dataSource, '吉林银行通化分行');
    existingPresidentId = (
      await insertUser(testApp.dataSource, {
        username: 'appointed.president',
        role: Role.BankPresident,
        bankId,
      })
    ).id;
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('generates a password per account, shown once, and keeps an appointed president', async () => {
    const report = await testApp.app.get(DemoDataService).load(plan);
    expect(report.accounts.map((account) => account.username)).toEqual([
      'jlbank.officer1',
      'jlbank.officer2',
      'dongbao.finance',
    ]);
    const passwords = report.accounts.map((account) => {
      const match = /^generated, shown once: (\S{12,})$/.exec(account.passwordSource);
      expect(match).not.toBeNull();
      return match![1];
    });
    expect(new Set(passwords).size).toBe(passwords.length);
    expect(passwords).not.toContain(DEMO_PASSWORD);
    await login(testApp, 'jlbank.officer1', passwords[0]);
    await login(testApp, 'dongbao.finance', passwords[2]);
    const refused = await testApp
      .http()
      .post(api('/auth/login'))
      .send({ username: 'jlbank.officer2', password: DEMO_PASSWORD });
    expect(refused.status).toBe(401);

    const presidents = await testApp.dataSource.query<{ id: string }[]>(
      `SELECT id FROM users WHERE bank_id = $1 AND role = 'bank_president' AND disabled_at IS NULL`,
      [bankId],
    );
    expect(presidents).toEqual([{ id: existingPresidentId }]);
    const products = await testApp.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM products WHERE bank_id = $1',
      [bankId],
    );
    expect(products[0].count).toBe(plan.banks[0].products.length);
  });
});
