import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Response } from 'supertest';
import { Role } from '../../src/common/auth/role.js';
import { shanghaiBusinessDate } from '../../src/common/business-date.js';
import { Clock } from '../../src/common/clock.js';
import { addDays, defaultTermEnd } from '../../src/modules/commissioners/commissioner-term.js';
import { createTestApp, insertEnterprise, insertUser, login, TestApp } from '../support/app.js';
import {
  APPROVAL,
  BankFixture,
  buildWorld,
  client,
  DECLINE,
  disbursement,
  Person,
  problem,
  World,
} from '../support/matchmaking.js';

interface Assignment {
  id: string;
  officer: { id: string; name: string };
  bank: { id: string; name: string };
  enterprise: { id: string; name: string };
  from: string;
  to: string;
  status: string;
  inOffice: boolean;
  endedOn: string | null;
  endCause: string | null;
  replacedBy: string | null;
}

interface Visit {
  id: string;
  on: string;
  needFound: boolean;
  amount: string | null;
  needStatus: string;
  requestId: string | null;
}

const TODAY = shanghaiBusinessDate();
const day = (offset: number): string => addDays(TODAY, offset);

describe('commissioners (金融服务专员)', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof client>;
  let serial = 0;

  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    http = client(testApp);
  });
  afterAll(async () => {
    await testApp.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** A verified enterprise of its own, with one signed-in user, so tests do not share stakes. */
  const enterprise = async (
    tags: string[] = [],
  ): Promise<{ id: string; user: Person; projectId: string }> => {
    serial += 1;
    const id = await insertEnterprise(testApp.dataSource, `专员测试企业${serial}`, { tags });
    const user = await insertUser(testApp.dataSource, {
      username: `commissioned-${serial}`,
      role: Role.Enterprise,
      enterpriseId: id,
    });
    const [project] = await testApp.dataSource.query<{ id: string }[]>(
      `INSERT INTO projects (enterprise_id, name, region_code, kind, total_investment_fen,
                             planned_investment_fen, status, funding_gap_fen, financing_intent)
       VALUES ($1, $2, '220502', 'new', 10000000000, 2000000000, 'planned', 500000000, true)
       RETURNING id`,
      [id, `专员测试项目${serial}`],
    );
    return {
      id,
      user: { ...user, session: await login(testApp, user.username) },
      projectId: project.id,
    };
  };

  const appoint = async (
    officer: Person,
    enterpriseId: string,
    from = TODAY,
    to?: string,
  ): Promise<Assignment> => {
    const response = await http.post(world.admin, '/commissioners', {
      officerId: officer.id,
      enterpriseId,
      from,
      ...(to === undefined ? {} : { to }),
    });
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 201,
    });
    return response.body as Assignment;
  };

  const visit = async (
    who: Person,
    assignmentId: string,
    body: Record<string, unknown>,
  ): Promise<Visit> => {
    const response = await http.post(who, `/commissioners/${assignmentId}/visits`, {
      kind: 'onsite',
      notes: '走访企业，了解经营情况',
      ...body,
    });
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 201,
    });
    return response.body as Visit;
  };

  const fileNeed = async (
    who: Person,
    assignmentId: string,
    visitId: string,
  ): Promise<{ visit: Visit; request: { id: string; amount: string } }> => {
    const response = await http.post(
      who,
      `/commissioners/${assignmentId}/visits/${visitId}/request`,
      { termMonths: 12, purpose: 'working_capital', guaranteeOffered: 'credit' },
    );
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 201,
    });
    return response.body as { visit: Visit; request: { id: string; amount: string } };
  };

  const count = async (sql: string, values: unknown[]): Promise<number> => {
    const [row] = await testApp.dataSource.query<{ count: number }[]>(sql, values);
    return row.count;
  };
  const audits = (entityId: string, action: string): Promise<number> =>
    count('SELECT count(*)::int AS count FROM audit_events WHERE entity_id = $1 AND action = $2', [
      entityId,
      action,
    ]);
  const notifications = (userId: string, kind: string, entityId: string): Promise<number> =>
    count(
      `SELECT count(*)::int AS count FROM notifications
        WHERE user_id = $1 AND kind = $2 AND entity_id = $3`,
      [userId, kind, entityId],
    );
  const activeCount = (enterpriseId: string): Promise<number> =>
    count(
      `SELECT count(*)::int AS count FROM commissioner_assignments
        WHERE enterprise_id = $1 AND status = 'active'`,
      [enterpriseId],
    );

  describe('appointment', () => {
    it('appoints an officer for two years less a day, tells the officer and the enterprise, and audits it', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id);
      expect(assignment).toMatchObject({
        officer: { id: world.bank1.officer.id, name: world.bank1.officer.username },
        bank: { id: world.bank1.id, name: '吉林银行通化分行' },
        enterprise: { id: served.id },
        from: TODAY,
        to: defaultTermEnd(TODAY),
        status: 'active',
        inOffice: true,
        endedOn: null,
        replacedBy: null,
      });
      expect(await audits(assignment.id, 'commissioner.assigned')).toBe(1);
      expect(
        await notifications(world.bank1.officer.id, 'commissioner.assigned', assignment.id),
      ).toBe(1);
      expect(await notifications(served.user.id, 'commissioner.assigned', assignment.id)).toBe(1);
      const read = await http.get(world.auditor, `/commissioners/${assignment.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(assignment);
    });

    it('takes a bank president as commissioner and keeps an explicit term end', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank2.president, served.id, day(-3), day(30));
      expect(assignment).toMatchObject({ from: day(-3), to: day(30), inOffice: true });
    });

    it('refuses someone who is not active bank staff, an unknown enterprise, a future start and a term already over', async () => {
      const served = await enterprise();
      const cases: [Record<string, unknown>, string][] = [
        [{ officerId: world.userA.id, enterpriseId: served.id, from: TODAY }, 'officerId'],
        [{ officerId: world.admin.id, enterpriseId: served.id, from: TODAY }, 'officerId'],
        [
          {
            officerId: world.bank1.officer.id,
            enterpriseId: '00000000-0000-4000-8000-000000000000',
            from: TODAY,
          },
          'enterpriseId',
        ],
        [{ officerId: world.bank1.officer.id, enterpriseId: served.id, from: day(1) }, 'from'],
        [
          {
            officerId: world.bank1.officer.id,
            enterpriseId: served.id,
            from: day(-10),
            to: day(-1),
          },
          'to',
        ],
        [
          { officerId: world.bank1.officer.id, enterpriseId: served.id, from: TODAY, to: day(-1) },
          'to',
        ],
        [
          { officerId: world.bank1.officer.id, enterpriseId: served.id, from: '2026-02-30' },
          'from',
        ],
      ];
      for (const [body, field] of cases) {
        const response = await http.post(world.admin, '/commissioners', body);
        expect({ body, ...problem(response) }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
          fields: [field],
        });
      }
      expect(await activeCount(served.id)).toBe(0);
    });

    it('reassigns: the previous assignment ends the day the new one starts, history is kept and the previous officer is told', async () => {
      const served = await enterprise();
      const first = await appoint(world.bank1.officer, served.id, day(-10));
      const second = await appoint(world.bank2.officer, served.id, day(-2));
      const previous = await http.get(world.admin, `/commissioners/${first.id}`);
      expect(previous.body).toMatchObject({
        status: 'ended',
        inOffice: false,
        endedOn: day(-2),
        endCause: 'reassigned',
        replacedBy: second.id,
      });
      expect(second).toMatchObject({ status: 'active', inOffice: true, from: day(-2) });
      const history = await http.get(world.admin, `/commissioners?enterpriseId=${served.id}`);
      expect((history.body as { items: Assignment[] }).items.map((item) => item.id)).toEqual([
        second.id,
        first.id,
      ]);
      const active = await http.get(
        world.admin,
        `/commissioners?enterpriseId=${served.id}&status=active`,
      );
      expect((active.body as { items: Assignment[] }).items.map((item) => item.id)).toEqual([
        second.id,
      ]);
      expect(await audits(first.id, 'commissioner.reassigned')).toBe(1);
      expect(await notifications(world.bank1.officer.id, 'commissioner.replaced', first.id)).toBe(
        1,
      );
    });

    it('keeps service periods apart: no start before the current one’s, nor inside an ended service', async () => {
      const served = await enterprise();
      const first = await appoint(world.bank1.officer, served.id, day(-10));
      const early = await http.post(world.admin, '/commissioners', {
        officerId: world.bank2.officer.id,
        enterpriseId: served.id,
        from: day(-11),
      });
      expect(problem(early)).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields: ['from'] });
      const ended = await http.post(world.admin, `/commissioners/${first.id}/end`, {
        reason: '专员调任',
        on: day(-4),
      });
      expect(ended.body).toMatchObject({ status: 'ended', endedOn: day(-4), endCause: 'ended' });
      const overlapping = await http.post(world.admin, '/commissioners', {
        officerId: world.bank2.officer.id,
        enterpriseId: served.id,
        from: day(-5),
      });
      expect(problem(overlapping)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: ['from'],
      });
      await appoint(world.bank2.officer, served.id, day(-4));
    });

    it('ends an assignment once, tells the officer and the enterprise; a second end answers 409 INVALID_TRANSITION', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id, day(-3));
      const future = await http.post(world.admin, `/commissioners/${assignment.id}/end`, {
        reason: '调整',
        on: day(1),
      });
      expect(problem(future)).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields: ['on'] });
      const beforeStart = await http.post(world.admin, `/commissioners/${assignment.id}/end`, {
        reason: '调整',
        on: day(-4),
      });
      expect(problem(beforeStart)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: ['on'],
      });
      const ended = await http.ok(
        http.post(world.admin, `/commissioners/${assignment.id}/end`, {
          reason: '企业退出双50名单',
        }),
      );
      expect(ended.body).toMatchObject({
        status: 'ended',
        endedOn: TODAY,
        endCause: 'ended',
        inOffice: false,
      });
      const again = await http.post(world.admin, `/commissioners/${assignment.id}/end`, {
        reason: '再次结束',
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'ended' });
      expect(await audits(assignment.id, 'commissioner.ended')).toBe(1);
      expect(await notifications(world.bank1.officer.id, 'commissioner.ended', assignment.id)).toBe(
        1,
      );
      expect(await notifications(served.user.id, 'commissioner.ended', assignment.id)).toBe(1);
    });

    it('leaves exactly one active commissioner when two appointments for one enterprise race', async () => {
      for (let round = 0; round < 8; round += 1) {
        const served = await enterprise();
        if (round % 2 === 1) {
          // Half the rounds race to replace a current commissioner, half to fill an empty slot.
          await appoint(world.bank1.colleague, served.id, day(-5));
        }
        const responses: Response[] = await Promise.all(
          [world.bank1.officer, world.bank2.officer].map((officer) =>
            http.post(world.admin, '/commissioners', {
              officerId: officer.id,
              enterpriseId: served.id,
              from: TODAY,
            }),
          ),
        );
        const statuses = responses.map((response) => response.status).sort();
        expect([
          [201, 201],
          [201, 409],
        ]).toContainEqual(statuses);
        for (const response of responses.filter((each) => each.status === 409)) {
          expect(response.body).toMatchObject({ code: 'CONFLICT' });
        }
        expect(await activeCount(served.id)).toBe(1);
        const created = responses
          .filter((response) => response.status === 201)
          .map((response) => (response.body as Assignment).id);
        const [row] = await testApp.dataSource.query<{ active: number; rows: number }[]>(
          `SELECT count(*) FILTER (WHERE status = 'active')::int AS active, count(*)::int AS rows
             FROM commissioner_assignments WHERE id = ANY($1::uuid[])`,
          [created],
        );
        // Both succeeded only one after the other: the later one replaced the earlier.
        expect(row).toEqual({ active: 1, rows: created.length });
      }
    });
  });

  describe('visibility of the enterprises served', () => {
    const canSee = async (who: Person, served: { id: string; projectId: string }) => {
      const profile = await http.get(who, `/enterprises/${served.id}`);
      const project = await http.get(who, `/projects/${served.projectId}`);
      const enterprises = await http.get(who, '/enterprises?limit=100');
      const projects = await http.get(who, '/projects?limit=100');
      const listed = (response: Response, id: string): boolean =>
        (response.body as { items: { id: string }[] }).items.some((item) => item.id === id);
      return {
        profile: profile.status,
        project: project.status,
        inEnterpriseList: listed(enterprises, served.id),
        inProjectList: listed(projects, served.projectId),
      };
    };
    const hidden = { profile: 404, project: 404, inEnterpriseList: false, inProjectList: false };
    const visible = { profile: 200, project: 200, inEnterpriseList: true, inProjectList: true };

    it('shows the profile and projects to the commissioner while the assignment lasts, and not after it ends', async () => {
      const served = await enterprise();
      const officer = world.bank2.colleague;
      expect(await canSee(officer, served)).toEqual(hidden);
      const assignment = await appoint(officer, served.id);
      expect(await canSee(officer, served)).toEqual(visible);
      // Access is the commissioner's, not their bank's.
      expect(await canSee(world.bank2.officer, served)).toEqual(hidden);
      expect(await canSee(world.bank2.president, served)).toEqual(hidden);
      await http.ok(
        http.post(world.admin, `/commissioners/${assignment.id}/end`, { reason: '任务结束' }),
      );
      expect(await canSee(officer, served)).toEqual(hidden);
    });

    it('moves access to the new commissioner on reassignment', async () => {
      const served = await enterprise();
      await appoint(world.bank1.colleague, served.id, day(-1));
      expect(await canSee(world.bank1.colleague, served)).toEqual(visible);
      await appoint(world.headless.officer, served.id);
      expect(await canSee(world.bank1.colleague, served)).toEqual(hidden);
      expect(await canSee(world.headless.officer, served)).toEqual(visible);
    });

    it('ends access when the term runs out, though the assignment is still active', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank2.colleague, served.id, day(-1), TODAY);
      expect(await canSee(world.bank2.colleague, served)).toEqual(visible);
      jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() + 86_400_000));
      expect(await canSee(world.bank2.colleague, served)).toEqual(hidden);
      const read = await http.get(world.admin, `/commissioners/${assignment.id}`);
      expect(read.body).toMatchObject({ status: 'active', inOffice: false });
    });
  });

  describe('service log', () => {
    it('records the commissioner’s visits and lists them newest first, page by page', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id, day(-20));
      const dates = [day(-15), day(-3), day(-9)];
      const recorded: Visit[] = [];
      for (const on of dates) {
        recorded.push(await visit(world.bank1.officer, assignment.id, { on }));
      }
      recorded.push(
        await visit(world.admin, assignment.id, {
          on: day(-1),
          kind: 'phone',
          needFound: true,
          amount: '1200000.50',
        }),
      );
      expect(recorded[3]).toMatchObject({
        needFound: true,
        amount: '1200000.50',
        needStatus: 'open',
        requestId: null,
      });
      expect(await audits(recorded[0].id, 'commissioner_visit.recorded')).toBe(1);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${cursor}`;
        const page = await http.get(
          world.bank1.president,
          `/commissioners/${assignment.id}/visits?limit=2${query}`,
        );
        expect(page.status).toBe(200);
        const body = page.body as { items: Visit[]; nextCursor: string | null };
        seen.push(...body.items.map((item) => item.on));
        cursor = body.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([day(-1), day(-3), day(-9), day(-15)]);
    });

    it('refuses visits outside the service, an amount without a need and a need without an amount', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id, day(-5));
      const cases: [Record<string, unknown>, string][] = [
        [{ on: day(-6) }, 'on'],
        [{ on: day(1) }, 'on'],
        [{ on: TODAY, amount: '100.00' }, 'amount'],
        [{ on: TODAY, needFound: true }, 'amount'],
        [{ on: TODAY, needFound: true, amount: '0.00' }, 'amount'],
        [{ on: TODAY, kind: 'dinner' }, 'kind'],
        [{ on: TODAY, notes: '   ' }, 'notes'],
      ];
      for (const [body, field] of cases) {
        const response = await http.post(
          world.bank1.officer,
          `/commissioners/${assignment.id}/visits`,
          {
            kind: 'onsite',
            notes: '走访',
            ...body,
          },
        );
        expect({ body, ...problem(response) }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
          fields: [field],
        });
      }
    });

    it('lets only the commissioner (or an administrator) write the log: 403 for the president who reads it', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id);
      const path = `/commissioners/${assignment.id}/visits`;
      expect((await http.get(world.bank1.president, path)).status).toBe(200);
      const president = await http.post(world.bank1.president, path, {
        on: TODAY,
        kind: 'onsite',
        notes: '代记',
      });
      expect(problem(president)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      const filed = await http.post(world.bank1.president, `${path}/${assignment.id}/request`, {
        termMonths: 12,
        purpose: 'working_capital',
        guaranteeOffered: 'credit',
      });
      expect(problem(filed)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      // A colleague of the same bank may not even read it.
      const colleague = await http.post(world.bank1.colleague, path, {
        on: TODAY,
        kind: 'onsite',
        notes: '代记',
      });
      expect(colleague.status).toBe(404);
    });

    it('keeps the commissioner out of an ended assignment’s log (409) but lets an administrator add a late entry', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id, day(-10));
      await http.ok(
        http.post(world.admin, `/commissioners/${assignment.id}/end`, {
          reason: '任务结束',
          on: day(-2),
        }),
      );
      const late = await http.post(world.bank1.officer, `/commissioners/${assignment.id}/visits`, {
        on: day(-3),
        kind: 'onsite',
        notes: '补记',
      });
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'ended' });
      const afterEnd = await http.post(world.admin, `/commissioners/${assignment.id}/visits`, {
        on: day(-2),
        kind: 'onsite',
        notes: '补记',
      });
      expect(problem(afterEnd)).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields: ['on'] });
      await visit(world.admin, assignment.id, { on: day(-3), notes: '补记走访' });
    });

    it('files a need found as a financing request on the enterprise’s behalf, once, and tells the center', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id, day(-5));
      const found = await visit(world.bank1.officer, assignment.id, {
        on: day(-2),
        needFound: true,
        amount: '3000000.00',
      });
      const plain = await visit(world.bank1.officer, assignment.id, { on: day(-1) });
      const filed = await fileNeed(world.bank1.officer, assignment.id, found.id);
      expect(filed.visit).toMatchObject({ id: found.id, needStatus: 'filed' });
      expect(filed.visit.requestId).toBe(filed.request.id);
      expect(filed.request).toMatchObject({
        enterpriseId: served.id,
        amount: '3000000.00',
        status: 'submitted',
        onBehalf: true,
        createdBy: world.bank1.officer.id,
      });
      const request = await http.get(world.admin, `/financing-requests/${filed.request.id}`);
      expect(request.status).toBe(200);
      const mine = await http.get(served.user, `/financing-requests/${filed.request.id}`);
      expect(mine.status).toBe(200);
      expect(await audits(found.id, 'commissioner_visit.need_filed')).toBe(1);
      expect(await audits(filed.request.id, 'financing_request.created')).toBe(1);
      expect(await notifications(world.admin.id, 'commissioner.need_filed', filed.request.id)).toBe(
        1,
      );
      expect(await notifications(served.user.id, 'request.submitted', filed.request.id)).toBe(1);

      const again = await http.post(
        world.bank1.officer,
        `/commissioners/${assignment.id}/visits/${found.id}/request`,
        { termMonths: 12, purpose: 'working_capital', guaranteeOffered: 'credit' },
      );
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'filed' });
      const noNeed = await http.post(
        world.bank1.officer,
        `/commissioners/${assignment.id}/visits/${plain.id}/request`,
        { termMonths: 12, purpose: 'working_capital', guaranteeOffered: 'credit' },
      );
      expect(noNeed.status).toBe(409);
      expect(noNeed.body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'none' });
      const [{ requests }] = await testApp.dataSource.query<{ requests: number }[]>(
        'SELECT count(*)::int AS requests FROM financing_requests WHERE enterprise_id = $1',
        [served.id],
      );
      expect(requests).toBe(1);
    });

    it('files a need once when two filings race', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id, day(-5));
      const found = await visit(world.bank1.officer, assignment.id, {
        on: day(-2),
        needFound: true,
        amount: '800000.00',
      });
      const body = { termMonths: 6, purpose: 'working_capital', guaranteeOffered: 'credit' };
      const path = `/commissioners/${assignment.id}/visits/${found.id}/request`;
      const responses = await Promise.all([
        http.post(world.bank1.officer, path, body),
        http.post(world.admin, path, body),
      ]);
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
      const [{ requests }] = await testApp.dataSource.query<{ requests: number }[]>(
        'SELECT count(*)::int AS requests FROM financing_requests WHERE enterprise_id = $1',
        [served.id],
      );
      expect(requests).toBe(1);
    });
  });

  describe('tenancy and roles', () => {
    it('answers 404 to every other tenant on every assignment route, and lists only what each may see', async () => {
      const served = await enterprise();
      const other = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id);
      const found = await visit(world.bank1.officer, assignment.id, {
        on: TODAY,
        needFound: true,
        amount: '100000.00',
      });
      const strangers = [world.bank2.president, world.bank2.officer, world.bank1.colleague];
      for (const who of strangers) {
        const probes = [
          await http.get(who, `/commissioners/${assignment.id}`),
          await http.get(who, `/commissioners/${assignment.id}/visits`),
          await http.post(who, `/commissioners/${assignment.id}/visits`, {
            on: TODAY,
            kind: 'onsite',
            notes: '探测',
          }),
          await http.post(who, `/commissioners/${assignment.id}/visits/${found.id}/request`, {
            termMonths: 12,
            purpose: 'working_capital',
            guaranteeOffered: 'credit',
          }),
        ];
        expect({ who: who.username, statuses: probes.map((probe) => probe.status) }).toEqual({
          who: who.username,
          statuses: [404, 404, 404, 404],
        });
      }
      expect((await http.get(other.user, `/commissioners/${assignment.id}`)).status).toBe(404);
      expect((await http.get(served.user, `/commissioners/${assignment.id}`)).status).toBe(200);
      expect(
        (await http.get(world.bank1.president, `/commissioners/${assignment.id}`)).status,
      ).toBe(200);
      // A visit of another assignment is not found through this one.
      const otherAssignment = await appoint(world.bank1.officer, other.id);
      const crossed = await http.post(
        world.bank1.officer,
        `/commissioners/${otherAssignment.id}/visits/${found.id}/request`,
        { termMonths: 12, purpose: 'working_capital', guaranteeOffered: 'credit' },
      );
      expect(crossed.status).toBe(404);

      const listed = async (who: Person): Promise<string[]> => {
        const response = await http.get(who, '/commissioners?limit=100');
        expect(response.status).toBe(200);
        return (response.body as { items: Assignment[] }).items.map((item) => item.id);
      };
      expect(await listed(served.user)).toEqual([assignment.id]);
      expect(await listed(world.bank1.officer)).toEqual(
        expect.arrayContaining([assignment.id, otherAssignment.id]),
      );
      expect(await listed(world.bank2.president)).not.toContain(assignment.id);
      expect(await listed(world.bank1.colleague)).not.toContain(assignment.id);
      const bankOneOnly = (await listed(world.bank1.president)).length;
      const [{ rows }] = await testApp.dataSource.query<{ rows: number }[]>(
        'SELECT count(*)::int AS rows FROM commissioner_assignments WHERE bank_id = $1',
        [world.bank1.id],
      );
      expect(bankOneOnly).toBe(Math.min(rows, 100));
    });

    it('refuses roles not allowed with 403', async () => {
      const served = await enterprise();
      const assignment = await appoint(world.bank1.officer, served.id);
      const refused: [Person, 'get' | 'post', string, Record<string, unknown>][] = [
        [world.bank1.officer, 'post', '/commissioners', {}],
        [world.bank1.president, 'post', '/commissioners', {}],
        [world.auditor, 'post', '/commissioners', {}],
        [served.user, 'post', '/commissioners', {}],
        [
          world.bank1.officer,
          'post',
          `/commissioners/${assignment.id}/end`,
          { reason: '自行结束' },
        ],
        [world.auditor, 'post', `/commissioners/${assignment.id}/end`, { reason: '结束' }],
        [served.user, 'get', `/commissioners/${assignment.id}/visits`, {}],
        [world.auditor, 'post', `/commissioners/${assignment.id}/visits`, {}],
        [served.user, 'post', `/commissioners/${assignment.id}/visits`, {}],
        [world.bank1.officer, 'get', '/stats/commissioners?from=2026-01-01&to=2026-02-01', {}],
        [world.bank1.president, 'get', '/stats/commissioners?from=2026-01-01&to=2026-02-01', {}],
        [served.user, 'get', '/stats/commissioners?from=2026-01-01&to=2026-02-01', {}],
      ];
      for (const [who, method, path, body] of refused) {
        const response =
          method === 'get' ? await http.get(who, path) : await http.post(who, path, body);
        expect({ who: who.username, path, status: response.status }).toEqual({
          who: who.username,
          path,
          status: 403,
        });
      }
    });
  });

  /*
   * The known data set, built through the API (T = today, Asia/Shanghai; every approval and
   * disbursement happens today):
   *
   *  K1 (key50): officer A from T-100, then B from T-40 (A ends by reassignment)
   *    A visits T-90 need 2 000 000 (V1, filed by an admin) · T-80 no need · T-45 need 1 000 000 (open)
   *    B visits T-30 need 3 000 000 (V4, filed by B)
   *    V1 → bank 1: approved 2 000 000, disbursed 1 500 000 on T       (counts for B: T is B's)
   *    V4 → bank 2: approved 2 500 000, not disbursed                     (B; V4 stays open)
   *  K2 (key50): officer C from T-60
   *    C visits T-50 need 5 000 000 (V5) · T-20 no need · T-10 need 800 000 (V7)
   *    V5 → bank 1: approved and disbursed 5 000 000 on T; → bank 2: approved 1 000 000 then
   *         declined (an approval no longer standing does not count)
   *    V7 → closed by the center (a dropped need is not open)
   *    a request filed by the center (no visit) → bank 2: approved 300 000
   *  N1 (not key50): officer C from T-60, visit T-15 need 400 000 → approved and disbursed 400 000
   *    (counts nowhere)
   */
  describe('statistics on a known data set', () => {
    let key1: { id: string };
    let key2: { id: string };
    let byOfficer: (body: StatsBody) => Map<string, Figures>;

    interface Figures {
      enterprisesServed: number;
      creditApproved: string;
      loansDisbursed: string;
      disbursements: number;
      visits: number;
      medianDaysNeedToDisbursement: string | null;
      openNeeds: number;
    }
    interface StatsBody {
      from: string;
      to: string;
      commissioners: (Figures & { officer: { id: string }; bank: { id: string } })[];
      total: Figures;
    }

    const push = async (
      requestId: string,
      bank: BankFixture,
      steps: { approve: string; disburse?: string; decline?: boolean },
    ): Promise<void> => {
      const matchId = await http.dispatch(world.admin, requestId, bank.id);
      await http.ok(http.act(bank.president, matchId, 'accept'));
      await http.ok(
        http.act(bank.president, matchId, 'approve', {
          ...APPROVAL,
          approvedAmount: steps.approve,
        }),
      );
      if (steps.disburse !== undefined) {
        await http.ok(
          http.act(bank.president, matchId, 'disburse', disbursement({ amount: steps.disburse })),
        );
      }
      if (steps.decline === true) {
        await http.ok(http.act(bank.president, matchId, 'decline', DECLINE));
      }
    };

    beforeAll(async () => {
      const a = world.bank1.officer;
      const b = world.bank1.colleague;
      const c = world.bank2.officer;
      key1 = await enterprise(['key50']);
      key2 = await enterprise(['key50', 'specialized']);
      const plain = await enterprise(['specialized']);

      const k1a = await appoint(a, key1.id, day(-100));
      const v1 = await visit(a, k1a.id, { on: day(-90), needFound: true, amount: '2000000.00' });
      await visit(a, k1a.id, { on: day(-80), kind: 'phone' });
      await visit(a, k1a.id, { on: day(-45), needFound: true, amount: '1000000.00' });
      const k1b = await appoint(b, key1.id, day(-40));
      const v4 = await visit(b, k1b.id, { on: day(-30), needFound: true, amount: '3000000.00' });
      const r1 = await fileNeed(world.admin, k1a.id, v1.id);
      await push(r1.request.id, world.bank1, { approve: '2000000.00', disburse: '1500000.00' });
      const r4 = await fileNeed(b, k1b.id, v4.id);
      await push(r4.request.id, world.bank2, { approve: '2500000.00' });

      const k2 = await appoint(c, key2.id, day(-60));
      const v5 = await visit(c, k2.id, { on: day(-50), needFound: true, amount: '5000000.00' });
      await visit(c, k2.id, { on: day(-20), kind: 'meeting' });
      const v7 = await visit(c, k2.id, { on: day(-10), needFound: true, amount: '800000.00' });
      const r5 = await fileNeed(c, k2.id, v5.id);
      // A funded request is not dispatched again: the declined approval comes first.
      await push(r5.request.id, world.bank2, { approve: '1000000.00', decline: true });
      await push(r5.request.id, world.bank1, { approve: '5000000.00', disburse: '5000000.00' });
      const r7 = await fileNeed(c, k2.id, v7.id);
      await http.ok(
        http.post(world.admin, `/financing-requests/${r7.request.id}/close`, {
          reason: '企业暂无融资需要',
        }),
      );
      const direct = await http.post(world.admin, '/financing-requests', {
        enterpriseId: key2.id,
        amount: '300000.00',
        termMonths: 12,
        purpose: 'working_capital',
        guaranteeOffered: 'credit',
      });
      expect(direct.status).toBe(201);
      await push((direct.body as { id: string }).id, world.bank2, { approve: '300000.00' });

      const n1 = await appoint(c, plain.id, day(-60));
      const v8 = await visit(c, n1.id, { on: day(-15), needFound: true, amount: '400000.00' });
      const r8 = await fileNeed(c, n1.id, v8.id);
      await push(r8.request.id, world.bank2, { approve: '400000.00', disburse: '400000.00' });

      byOfficer = (body) =>
        new Map(
          body.commissioners.map(({ officer, bank, ...figures }) => [
            `${officer.id}@${bank.id}`,
            figures,
          ]),
        );
    });

    const key = (officer: Person, bank: BankFixture): string => `${officer.id}@${bank.id}`;

    it('computes every figure per commissioner and in total, through today', async () => {
      const response = await http.get(
        world.auditor,
        `/stats/commissioners?from=${day(-120)}&to=${day(1)}`,
      );
      expect(response.status).toBe(200);
      const body = response.body as StatsBody;
      expect(body.commissioners).toHaveLength(3);
      expect(Object.fromEntries(byOfficer(body))).toEqual({
        [key(world.bank1.officer, world.bank1)]: {
          enterprisesServed: 1,
          creditApproved: '0.00',
          loansDisbursed: '0.00',
          disbursements: 0,
          visits: 3,
          medianDaysNeedToDisbursement: '90.0',
          openNeeds: 1,
        },
        [key(world.bank1.colleague, world.bank1)]: {
          enterprisesServed: 1,
          creditApproved: '4500000.00',
          loansDisbursed: '1500000.00',
          disbursements: 1,
          visits: 1,
          medianDaysNeedToDisbursement: null,
          openNeeds: 1,
        },
        [key(world.bank2.officer, world.bank2)]: {
          enterprisesServed: 1,
          creditApproved: '5300000.00',
          loansDisbursed: '5000000.00',
          disbursements: 1,
          visits: 3,
          medianDaysNeedToDisbursement: '50.0',
          openNeeds: 0,
        },
      });
      expect(body.total).toEqual({
        enterprisesServed: 2,
        creditApproved: '9800000.00',
        loansDisbursed: '6500000.00',
        disbursements: 2,
        visits: 7,
        medianDaysNeedToDisbursement: '70.0',
        openNeeds: 2,
      });
    });

    it('leaves today out of a period that ends today: no approval or disbursement yet, every undisbursed need open', async () => {
      const response = await http.get(
        world.admin,
        `/stats/commissioners?from=${day(-120)}&to=${TODAY}`,
      );
      expect(response.status).toBe(200);
      const body = response.body as StatsBody;
      expect(body.total).toEqual({
        enterprisesServed: 2,
        creditApproved: '0.00',
        loansDisbursed: '0.00',
        disbursements: 0,
        visits: 7,
        medianDaysNeedToDisbursement: null,
        openNeeds: 4,
      });
      expect(byOfficer(body).get(key(world.bank1.officer, world.bank1))?.openNeeds).toBe(2);
      expect(byOfficer(body).get(key(world.bank2.officer, world.bank2))?.openNeeds).toBe(1);
    });

    it('attributes by service period: after the reassignment only the new commissioner serves K1', async () => {
      const response = await http.get(
        world.admin,
        `/stats/commissioners?from=${day(-35)}&to=${day(1)}`,
      );
      const figures = byOfficer(response.body as StatsBody);
      expect(figures.get(key(world.bank1.officer, world.bank1))).toMatchObject({
        enterprisesServed: 0,
        visits: 0,
        // A's need found at T-90 reached its first disbursement today, inside this period.
        medianDaysNeedToDisbursement: '90.0',
        openNeeds: 1,
      });
      expect(figures.get(key(world.bank1.colleague, world.bank1))).toMatchObject({
        enterprisesServed: 1,
        visits: 1,
      });
      expect(figures.get(key(world.bank2.officer, world.bank2))).toMatchObject({ visits: 2 });
    });

    it('refuses a period that does not run forward', async () => {
      const response = await http.get(
        world.admin,
        `/stats/commissioners?from=${TODAY}&to=${TODAY}`,
      );
      expect(problem(response)).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields: ['to'] });
    });
  });
});
