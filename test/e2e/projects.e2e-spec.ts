import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
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

const API = '/api/v1';
const ABSENT_ID = '00000000-0000-4000-8000-000000000000';

interface ProjectBody {
  id: string;
  enterpriseId: string;
  name: string;
  fundingGap: string;
  progressPercent: string;
  status: string;
  notes: string | null;
  [field: string]: unknown;
}

function projectInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '关东里文化旅游开发项目',
    regionCode: '220502',
    kind: 'new',
    totalInvestment: '300000000.00',
    plannedInvestment: '80000000.00',
    status: 'started',
    startedOn: '2022-04-15',
    progressPercent: '40',
    fundingGap: '50000000.00',
    financingIntent: true,
    ...overrides,
  };
}

describe('key projects', () => {
  let testApp: TestApp;
  let enterpriseA: string;
  let enterpriseB: string;
  let admin: Session;
  let auditor: Session;
  let userA: Session;
  let userB: Session;
  let officer: Session;

  const http = () => testApp.http();
  const create = (session: Session, body: Record<string, unknown>) =>
    http()
      .post(`${API}/projects`)
      .set(...bearer(session))
      .send(body);
  const patch = (session: Session, id: string, body: Record<string, unknown>) =>
    http()
      .patch(`${API}/projects/${id}`)
      .set(...bearer(session))
      .send(body);
  const surveysOf = async (id: string, query = '') => {
    const response = await http()
      .get(`${API}/projects/${id}/surveys${query}`)
      .set(...bearer(admin));
    expect(response.status).toBe(200);
    return response.body as { items: Record<string, unknown>[]; nextCursor: string | null };
  };
  const storedRow = async (id: string) =>
    (
      await testApp.dataSource.query<Record<string, unknown>[]>(
        `SELECT name, funding_gap_fen::text AS gap, progress_percent::text AS progress, status,
                notes, updated_at FROM projects WHERE id = $1`,
        [id],
      )
    )[0];

  beforeAll(async () => {
    testApp = await createTestApp();
    const dataSource = testApp.dataSource;
    enterpriseA = await insertEnterprise(dataSource, '中溢集团(吉林)新能源科技有限公司', {
      regionCode: '220524',
    });
    enterpriseB = await insertEnterprise(dataSource, '首钢通钢', { regionCode: '220503' });
    const bankId = await insertBank(dataSource, '吉林银行通化分行');
    await insertUser(dataSource, { username: 'admin1', role: Role.Admin });
    await insertUser(dataSource, { username: 'auditor1', role: Role.Auditor });
    await insertUser(dataSource, {
      username: 'zhongyi',
      role: Role.Enterprise,
      enterpriseId: enterpriseA,
    });
    await insertUser(dataSource, {
      username: 'tonggang',
      role: Role.Enterprise,
      enterpriseId: enterpriseB,
    });
    await insertUser(dataSource, { username: 'officer1', role: Role.BankOfficer, bankId });
    [admin, auditor, userA, userB, officer] = await Promise.all(
      ['admin1', 'auditor1', 'zhongyi', 'tonggang', 'officer1'].map((name) => login(testApp, name)),
    );
  });
  afterAll(async () => {
    await testApp.close();
  });

  describe('creation', () => {
    it('lets an administrator register a project for any enterprise, money as strings', async () => {
      const response = await create(admin, projectInput({ enterpriseId: enterpriseB }));
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        enterpriseId: enterpriseB,
        name: '关东里文化旅游开发项目',
        regionCode: '220502',
        kind: 'new',
        totalInvestment: '300000000.00',
        plannedInvestment: '80000000.00',
        status: 'started',
        startedOn: '2022-04-15',
        progressPercent: '40.00',
        fundingGap: '50000000.00',
        financingIntent: true,
        notes: null,
      });
      const [row] = await testApp.dataSource.query<{ total: string; gap: string }[]>(
        'SELECT total_investment_fen::text AS total, funding_gap_fen::text AS gap FROM projects WHERE id = $1',
        [response.body.id],
      );
      expect(row).toEqual({ total: '30000000000', gap: '5000000000' });
    });

    it('writes the first survey row (old values null) and an audit row with the creation', async () => {
      const created = await create(
        admin,
        projectInput({
          enterpriseId: enterpriseB,
          name: '通钢3号焦炉异地等量置换节能升级改造项目',
        }),
      );
      const surveys = await surveysOf(created.body.id);
      expect(surveys.items).toHaveLength(1);
      expect(surveys.items[0]).toMatchObject({
        projectId: created.body.id,
        source: 'create',
        actorUsername: 'admin1',
        oldFundingGap: null,
        newFundingGap: '50000000.00',
        oldProgressPercent: null,
        newProgressPercent: '40.00',
        oldStatus: null,
        newStatus: 'started',
      });
      expect(surveys.items[0].surveyedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const audits = await testApp.dataSource.query<{ action: string }[]>(
        'SELECT action FROM audit_events WHERE entity_id = $1',
        [created.body.id],
      );
      expect(audits.map((audit) => audit.action)).toEqual(['project.created']);
    });

    it('gives an enterprise user’s project to their own enterprise, from the token', async () => {
      const response = await create(
        userA,
        projectInput({ name: '年产30万吨新能源负极材料工序项目' }),
      );
      expect(response.status).toBe(201);
      expect(response.body.enterpriseId).toBe(enterpriseA);
    });

    it('refuses an enterpriseId from an enterprise user, even their own, and writes nothing', async () => {
      for (const enterpriseId of [enterpriseB, enterpriseA]) {
        const response = await create(userA, projectInput({ name: '越权项目', enterpriseId }));
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([
          {
            field: 'enterpriseId',
            message:
              'may not be set by an enterprise user: the project belongs to your own enterprise',
          },
        ]);
      }
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        "SELECT count(*)::int AS count FROM projects WHERE name = '越权项目'",
      );
      expect(count).toBe(0);
    });

    it('requires an administrator to name an existing enterprise', async () => {
      const missing = await create(admin, projectInput({ name: '无主项目' }));
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([{ field: 'enterpriseId', message: 'is required' }]);
      const unknown = await create(
        admin,
        projectInput({ name: '无主项目', enterpriseId: ABSENT_ID }),
      );
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([
        { field: 'enterpriseId', message: 'names no enterprise' },
      ]);
    });

    it.each([
      ['a JSON number as money', { totalInvestment: 300000000 }, 'totalInvestment'],
      ['a negative gap', { fundingGap: '-1.00' }, 'fundingGap'],
      ['three decimals', { plannedInvestment: '1.001' }, 'plannedInvestment'],
      ['progress over 100', { progressPercent: '100.5' }, 'progressPercent'],
      ['an unknown status', { status: 'building' }, 'status'],
      ['an unknown kind', { kind: 'expansion' }, 'kind'],
      ['a malformed region', { regionCode: '2205' }, 'regionCode'],
      ['an impossible date', { startedOn: '2022-02-30' }, 'startedOn'],
      ['an unknown field', { tags: ['key50'] }, 'tags'],
      ['a null name', { name: null }, 'name'],
    ])('refuses %s with 400 naming the field', async (_description, overrides, field) => {
      const response = await create(
        admin,
        projectInput({ enterpriseId: enterpriseA, ...overrides }),
      );
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });

    it.each([
      [
        'a started project without a start date',
        { startedOn: undefined },
        { field: 'startedOn', message: 'is required when the status is started' },
      ],
      [
        'a planned project with a start date',
        { status: 'planned' },
        { field: 'startedOn', message: 'must be empty while the status is planned' },
      ],
      [
        'a start date in the future',
        { startedOn: '2999-01-01' },
        { field: 'startedOn', message: expect.stringMatching(/^must not be after today/) },
      ],
      [
        'a planned investment above the total',
        { plannedInvestment: '300000000.01' },
        { field: 'plannedInvestment', message: 'must not exceed totalInvestment' },
      ],
      [
        'a gap above the total',
        { fundingGap: '300000000.01' },
        { field: 'fundingGap', message: 'must not exceed totalInvestment' },
      ],
      [
        'a region not in the registry',
        { regionCode: '110101' },
        { field: 'regionCode', message: 'names no region' },
      ],
    ])('refuses %s', async (_description, overrides, error) => {
      const response = await create(
        admin,
        projectInput({ enterpriseId: enterpriseA, name: '规则检查项目', ...overrides }),
      );
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([error]);
    });

    it('refuses a second project of the same name for the same enterprise with 409', async () => {
      const input = projectInput({ enterpriseId: enterpriseA, name: '重名项目' });
      expect((await create(admin, input)).status).toBe(201);
      const again = await create(admin, input);
      expect(again.status).toBe(409);
      expect(again.body.errors).toEqual([
        { field: 'name', message: 'is already used by another project of the enterprise' },
      ]);
      // Another enterprise may use the name.
      expect((await create(admin, { ...input, enterpriseId: enterpriseB })).status).toBe(201);
    });
  });

  describe('surveys (调度)', () => {
    it('appends a survey row for each change of gap, progress or status, newest first', async () => {
      const created = await create(
        userA,
        projectInput({ name: '年产16万吨大规格超高功率石墨电极项目', fundingGap: '90000000.00' }),
      );
      const id = created.body.id as string;
      const steps: Record<string, unknown>[] = [
        { fundingGap: '70000000.00' },
        { progressPercent: '65.5' },
        { status: 'suspended' },
        { fundingGap: '20000000.00', progressPercent: '80', status: 'started' },
      ];
      for (const step of steps) {
        const response = await patch(userA, id, step);
        expect(response.status).toBe(200);
      }
      const surveys = await surveysOf(id);
      expect(surveys.items.map((survey) => survey.source)).toEqual([
        'update',
        'update',
        'update',
        'update',
        'create',
      ]);
      expect(
        surveys.items.map((survey) => [
          survey.oldFundingGap,
          survey.newFundingGap,
          survey.oldProgressPercent,
          survey.newProgressPercent,
          survey.oldStatus,
          survey.newStatus,
        ]),
      ).toEqual([
        ['70000000.00', '20000000.00', '65.50', '80.00', 'suspended', 'started'],
        ['70000000.00', '70000000.00', '65.50', '65.50', 'started', 'suspended'],
        ['70000000.00', '70000000.00', '40.00', '65.50', 'started', 'started'],
        ['90000000.00', '70000000.00', '40.00', '40.00', 'started', 'started'],
        [null, '90000000.00', null, '40.00', null, 'started'],
      ]);
      expect(surveys.items.every((survey) => survey.actorUsername === 'zhongyi')).toBe(true);

      // "How has the gap moved": the distinct gap values over time, oldest first, from surveys.
      const [history] = await testApp.dataSource.query<{ gaps: string[] }[]>(
        `SELECT array_agg(new_funding_gap_fen::text ORDER BY surveyed_at, id) FILTER (
                  WHERE old_funding_gap_fen IS DISTINCT FROM new_funding_gap_fen) AS gaps
           FROM project_surveys WHERE project_id = $1`,
        [id],
      );
      expect(history.gaps).toEqual(['9000000000', '7000000000', '2000000000']);
    });

    it('writes no survey row for a change of notes only, but audits it', async () => {
      const created = await create(
        admin,
        projectInput({ enterpriseId: enterpriseA, name: '备注项目' }),
      );
      const id = created.body.id as string;
      const response = await patch(admin, id, {
        notes: '地上一层部分完成80%，总体完成40%',
        kind: 'continuing',
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        notes: '地上一层部分完成80%，总体完成40%',
        kind: 'continuing',
      });
      const surveys = await surveysOf(id);
      expect(surveys.items).toHaveLength(1);
      const audits = await testApp.dataSource.query<
        { action: string; before: unknown; after: { notes: string } }[]
      >('SELECT action, before, after FROM audit_events WHERE entity_id = $1 ORDER BY position', [
        id,
      ]);
      expect(audits.map((audit) => audit.action)).toEqual(['project.created', 'project.updated']);
      expect(audits[1].after.notes).toBe('地上一层部分完成80%，总体完成40%');
      expect(audits[1].before).toMatchObject({ notes: null, fundingGapFen: '5000000000' });
    });

    it('writes nothing when a PATCH changes nothing', async () => {
      const created = await create(
        admin,
        projectInput({ enterpriseId: enterpriseA, name: '无变化项目' }),
      );
      const id = created.body.id as string;
      const before = await storedRow(id);
      const response = await patch(admin, id, { fundingGap: '50000000', progressPercent: '40.0' });
      expect(response.status).toBe(200);
      expect(await storedRow(id)).toEqual(before);
      expect((await surveysOf(id)).items).toHaveLength(1);
    });

    it('pages the surveys with a cursor, newest first, without repeats', async () => {
      const created = await create(
        admin,
        projectInput({ enterpriseId: enterpriseA, name: '分页项目' }),
      );
      const id = created.body.id as string;
      for (const gap of ['40000000', '30000000', '20000000', '10000000']) {
        expect((await patch(admin, id, { fundingGap: gap })).status).toBe(200);
      }
      const first = await surveysOf(id, '?limit=2');
      expect(first.items.map((survey) => survey.newFundingGap)).toEqual([
        '10000000.00',
        '20000000.00',
      ]);
      expect(first.nextCursor).not.toBeNull();
      const second = await surveysOf(id, `?limit=2&cursor=${first.nextCursor}`);
      expect(second.items.map((survey) => survey.newFundingGap)).toEqual([
        '30000000.00',
        '40000000.00',
      ]);
      const third = await surveysOf(id, `?limit=2&cursor=${second.nextCursor}`);
      expect(third.items.map((survey) => survey.newFundingGap)).toEqual(['50000000.00']);
      expect(third.nextCursor).toBeNull();
    });
  });

  describe('updates', () => {
    it('refuses a status move the lifecycle does not allow with 409 and the current status', async () => {
      const created = await create(
        admin,
        projectInput({ enterpriseId: enterpriseA, name: '竣工项目' }),
      );
      const id = created.body.id as string;
      expect((await patch(admin, id, { status: 'completed', progressPercent: '100' })).status).toBe(
        200,
      );
      const before = await storedRow(id);
      const response = await patch(admin, id, { status: 'started' });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({
        code: 'INVALID_TRANSITION',
        currentStatus: 'completed',
      });
      expect(await storedRow(id)).toEqual(before);
    });

    it('checks the rules on the result of the change', async () => {
      const created = await create(
        admin,
        projectInput({
          enterpriseId: enterpriseA,
          name: '计划项目',
          status: 'planned',
          startedOn: null,
        }),
      );
      const id = created.body.id as string;
      const noDate = await patch(admin, id, { status: 'started' });
      expect(noDate.status).toBe(400);
      expect(noDate.body.errors).toEqual([
        { field: 'startedOn', message: 'is required when the status is started' },
      ]);
      const started = await patch(admin, id, { status: 'started', startedOn: '2024-03-01' });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({ status: 'started', startedOn: '2024-03-01' });
      const gapTooLarge = await patch(admin, id, { totalInvestment: '1000' });
      expect(gapTooLarge.status).toBe(400);
    });

    it('refuses null for a field that cannot be empty and the owner as a field', async () => {
      const created = await create(
        admin,
        projectInput({ enterpriseId: enterpriseA, name: '空值项目' }),
      );
      const id = created.body.id as string;
      for (const body of [{ fundingGap: null }, { status: null }, { enterpriseId: enterpriseB }]) {
        const response = await patch(admin, id, body);
        expect(response.status).toBe(400);
      }
    });

    it('refuses a rename onto another project of the enterprise with 409', async () => {
      await create(admin, projectInput({ enterpriseId: enterpriseA, name: '改名目标' }));
      const other = await create(
        admin,
        projectInput({ enterpriseId: enterpriseA, name: '改名来源' }),
      );
      const response = await patch(admin, other.body.id, { name: '改名目标' });
      expect(response.status).toBe(409);
    });
  });

  describe('tenancy', () => {
    let projectOfA: ProjectBody;

    beforeAll(async () => {
      const response = await create(
        userA,
        projectInput({ name: '中溢新材料一期年产6万吨锂离子电池负极材料项目' }),
      );
      projectOfA = response.body as ProjectBody;
    });

    it('answers 404 when enterprise B reads A’s project or its surveys', async () => {
      for (const path of [`/projects/${projectOfA.id}`, `/projects/${projectOfA.id}/surveys`]) {
        const response = await http()
          .get(`${API}${path}`)
          .set(...bearer(userB));
        expect(response.status).toBe(404);
        expect(response.body.code).toBe('NOT_FOUND');
      }
      const absent = await http()
        .get(`${API}/projects/${ABSENT_ID}`)
        .set(...bearer(userB));
      expect(absent.body.detail).toBe(
        (
          await http()
            .get(`${API}/projects/${projectOfA.id}`)
            .set(...bearer(userB))
        ).body.detail,
      );
    });

    it('answers 404 when enterprise B patches A’s project, and leaves it unchanged', async () => {
      const before = await storedRow(projectOfA.id);
      const response = await patch(userB, projectOfA.id, { fundingGap: '1.00', notes: '篡改' });
      expect(response.status).toBe(404);
      expect(await storedRow(projectOfA.id)).toEqual(before);
      expect((await surveysOf(projectOfA.id)).items).toHaveLength(1);
    });

    it('lets enterprise A read and change its own project', async () => {
      const read = await http()
        .get(`${API}/projects/${projectOfA.id}`)
        .set(...bearer(userA));
      expect(read.status).toBe(200);
      expect(
        (await patch(userA, projectOfA.id, { progressPercent: '12.25' })).body.progressPercent,
      ).toBe('12.25');
    });

    it('lists only the caller’s own projects for an enterprise user', async () => {
      const response = await http()
        .get(`${API}/projects?limit=100`)
        .set(...bearer(userB));
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeGreaterThan(0);
      expect(
        response.body.items.every((item: ProjectBody) => item.enterpriseId === enterpriseB),
      ).toBe(true);
      const filtered = await http()
        .get(`${API}/projects?enterpriseId=${enterpriseA}`)
        .set(...bearer(userB));
      expect(filtered.status).toBe(400);
    });

    it('shows bank staff no project yet: an empty list and 404s', async () => {
      const list = await http()
        .get(`${API}/projects`)
        .set(...bearer(officer));
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ items: [], nextCursor: null });
      for (const path of [`/projects/${projectOfA.id}`, `/projects/${projectOfA.id}/surveys`]) {
        const response = await http()
          .get(`${API}${path}`)
          .set(...bearer(officer));
        expect(response.status).toBe(404);
      }
      expect((await patch(officer, projectOfA.id, { notes: 'x' })).status).toBe(403);
    });

    it('lets an auditor read everything and write nothing (403)', async () => {
      const read = await http()
        .get(`${API}/projects/${projectOfA.id}`)
        .set(...bearer(auditor));
      expect(read.status).toBe(200);
      const before = await storedRow(projectOfA.id);
      expect((await patch(auditor, projectOfA.id, { notes: '审计' })).status).toBe(403);
      expect((await create(auditor, projectInput({ enterpriseId: enterpriseA }))).status).toBe(403);
      const imported = await http()
        .post(`${API}/projects/import`)
        .set(...bearer(auditor))
        .set('content-type', 'text/csv')
        .send('credit_code\n');
      expect(imported.status).toBe(403);
      expect(await storedRow(projectOfA.id)).toEqual(before);
    });

    it('keeps the summary from enterprise users and bank staff (403)', async () => {
      for (const session of [userA, officer]) {
        const response = await http()
          .get(`${API}/projects/summary`)
          .set(...bearer(session));
        expect(response.status).toBe(403);
      }
    });
  });

  describe('list', () => {
    let listEnterprise: string;
    const names: string[] = [];

    beforeAll(async () => {
      listEnterprise = await insertEnterprise(testApp.dataSource, '通化东宝药业', {
        regionCode: '220521',
      });
      const rows: Record<string, unknown>[] = [
        {
          name: '东宝胰岛素扩产项目',
          regionCode: '220521',
          kind: 'new',
          fundingGap: '0',
          financingIntent: false,
        },
        {
          name: '东宝原料药项目',
          regionCode: '220521',
          kind: 'continuing',
          fundingGap: '1000000.00',
        },
        {
          name: '东宝物流中心',
          regionCode: '220582',
          kind: 'new',
          status: 'planned',
          startedOn: null,
          fundingGap: '2000000.00',
        },
        {
          name: '东宝研发楼',
          regionCode: '220582',
          kind: 'continuing',
          status: 'completed',
          fundingGap: '0',
        },
        {
          name: '东宝_100%项目',
          regionCode: '220581',
          kind: 'new',
          fundingGap: '3000000.00',
          financingIntent: false,
        },
      ];
      for (const row of rows) {
        const response = await create(
          admin,
          projectInput({ enterpriseId: listEnterprise, ...row }),
        );
        expect(response.status).toBe(201);
        names.push(row.name as string);
      }
    });

    const listNames = async (query: string): Promise<string[]> => {
      const response = await http()
        .get(
          `${API}/projects?enterpriseId=${listEnterprise}&limit=100&${new URLSearchParams(query).toString()}`,
        )
        .set(...bearer(auditor));
      expect(response.status).toBe(200);
      return (response.body.items as ProjectBody[]).map((item) => item.name).sort();
    };

    it.each([
      ['', ['东宝_100%项目', '东宝物流中心', '东宝研发楼', '东宝原料药项目', '东宝胰岛素扩产项目']],
      ['regionCode=220582', ['东宝物流中心', '东宝研发楼']],
      ['status=planned', ['东宝物流中心']],
      ['kind=continuing', ['东宝原料药项目', '东宝研发楼']],
      ['hasGap=true', ['东宝_100%项目', '东宝物流中心', '东宝原料药项目']],
      ['hasGap=false', ['东宝研发楼', '东宝胰岛素扩产项目']],
      ['financingIntent=false', ['东宝_100%项目', '东宝胰岛素扩产项目']],
      ['q=原料', ['东宝原料药项目']],
      ['q=_100%', ['东宝_100%项目']],
      ['hasGap=true&regionCode=220521&kind=continuing', ['东宝原料药项目']],
    ])('filters with %j', async (query, expected) => {
      expect(await listNames(query)).toEqual([...expected].sort());
    });

    it('pages newest first with a cursor, without repeats or gaps', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const response = await http()
          .get(
            `${API}/projects?enterpriseId=${listEnterprise}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          )
          .set(...bearer(admin));
        expect(response.status).toBe(200);
        expect(response.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...(response.body.items as ProjectBody[]).map((item) => item.name));
        cursor = response.body.nextCursor as string | null;
      } while (cursor !== null);
      expect(seen).toEqual([...names].reverse());
    });

    it.each([
      ['a malformed cursor', 'cursor=not-a-cursor'],
      [
        'a forged cursor key',
        `cursor=${Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url')}`,
      ],
      ['a non-boolean hasGap', 'hasGap=yes'],
      ['an unknown status', 'status=building'],
      ['an unknown filter', 'bankId=x'],
    ])('refuses %s with 400', async (_description, query) => {
      const response = await http()
        .get(`${API}/projects?${query}`)
        .set(...bearer(admin));
      expect(response.status).toBe(400);
    });
  });
});

describe('key-project summary', () => {
  let testApp: TestApp;
  let admin: Session;
  let auditor: Session;

  /*
   * Ten projects with chosen figures (yuan):
   *   东昌区 220502: 3 projects — total 100,000,000.10 + 200,000,000.20 + 50,000,000.00
   *   柳河县 220524: 4 projects — total 4 × 8,800,000,000.00
   *   集安市 220582: 3 projects — total 60,000,000.00 × 3
   */
  const dataSet = [
    // region, kind, status, total, planned, gap, intent
    ['220502', 'new', 'started', '100000000.10', '10000000.01', '5000000.05', true],
    ['220502', 'continuing', 'completed', '200000000.20', '20000000.02', '0', false],
    ['220502', 'new', 'planned', '50000000.00', '5000000.00', '1000000.00', true],
    ['220524', 'new', 'started', '8800000000.00', '1000000000.00', '300000000.00', true],
    ['220524', 'continuing', 'started', '8800000000.00', '1000000000.00', '0', false],
    ['220524', 'continuing', 'suspended', '8800000000.00', '0', '100000000.00', false],
    ['220524', 'continuing', 'completed', '8800000000.00', '500000000.00', '0', false],
    ['220582', 'new', 'started', '60000000.00', '6000000.00', '6000000.00', true],
    ['220582', 'new', 'started', '60000000.00', '6000000.00', '0', false],
    ['220582', 'continuing', 'planned', '60000000.00', '6000000.00', '0', false],
  ] as const;

  beforeAll(async () => {
    testApp = await createTestApp();
    const enterpriseId = await insertEnterprise(testApp.dataSource, '集安福海葡萄酒庄');
    await insertUser(testApp.dataSource, { username: 'admin1', role: Role.Admin });
    await insertUser(testApp.dataSource, { username: 'auditor1', role: Role.Auditor });
    admin = await login(testApp, 'admin1');
    auditor = await login(testApp, 'auditor1');
    for (const [
      index,
      [regionCode, kind, status, total, planned, gap, intent],
    ] of dataSet.entries()) {
      const response = await testApp
        .http()
        .post(`${API}/projects`)
        .set(...bearer(admin))
        .send({
          enterpriseId,
          name: `项目${index + 1}`,
          regionCode,
          kind,
          status,
          startedOn: status === 'planned' ? null : '2024-04-01',
          totalInvestment: total,
          plannedInvestment: planned,
          fundingGap: gap,
          financingIntent: intent,
        });
      expect(response.status).toBe(201);
    }
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('adds up the data set exactly, by region and in total', async () => {
    const response = await testApp
      .http()
      .get(`${API}/projects/summary`)
      .set(...bearer(auditor));
    expect(response.status).toBe(200);
    expect(response.body.total).toEqual({
      count: 10,
      totalInvestment: '35730000000.30',
      plannedInvestment: '2553000000.03',
      newCount: 5,
      continuingCount: 5,
      startedCount: 7,
      startRate: '0.7000',
      fundingGap: '412000000.05',
      projectsWithGap: 5,
      financingIntentCount: 4,
    });
    const byRegion = response.body.byRegion as { regionCode: string }[];
    // Every region of the registry, in its order, zeros included.
    expect(byRegion.map((row) => row.regionCode)).toEqual([
      '220502',
      '220503',
      '220521',
      '220523',
      '220524',
      '220581',
      '220582',
    ]);
    expect(byRegion[0]).toEqual({
      regionCode: '220502',
      regionName: '东昌区',
      count: 3,
      totalInvestment: '350000000.30',
      plannedInvestment: '35000000.03',
      newCount: 2,
      continuingCount: 1,
      startedCount: 2,
      startRate: '0.6667',
      fundingGap: '6000000.05',
      projectsWithGap: 2,
      financingIntentCount: 2,
    });
    expect(byRegion[1]).toEqual({
      regionCode: '220503',
      regionName: '二道江区',
      count: 0,
      totalInvestment: '0.00',
      plannedInvestment: '0.00',
      newCount: 0,
      continuingCount: 0,
      startedCount: 0,
      startRate: null,
      fundingGap: '0.00',
      projectsWithGap: 0,
      financingIntentCount: 0,
    });
    expect(byRegion[4]).toMatchObject({
      regionCode: '220524',
      regionName: '柳河县',
      count: 4,
      totalInvestment: '35200000000.00',
      // The suspended project is listed but not started: 3 ÷ 4.
      startedCount: 3,
      startRate: '0.7500',
      fundingGap: '400000000.00',
    });
    expect(byRegion[6]).toMatchObject({
      regionCode: '220582',
      count: 3,
      startedCount: 2,
      startRate: '0.6667',
      newCount: 2,
      fundingGap: '6000000.00',
      financingIntentCount: 1,
    });
  });

  it('narrows to one region', async () => {
    const response = await testApp
      .http()
      .get(`${API}/projects/summary?regionCode=220524`)
      .set(...bearer(admin));
    expect(response.status).toBe(200);
    expect(response.body.byRegion).toHaveLength(1);
    expect(response.body.total).toMatchObject({
      count: 4,
      totalInvestment: '35200000000.00',
      startRate: '0.7500',
    });
  });

  it('refuses a region that is not in the registry', async () => {
    const response = await testApp
      .http()
      .get(`${API}/projects/summary?regionCode=110101`)
      .set(...bearer(admin));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'regionCode', message: 'names no region' }]);
  });
});
