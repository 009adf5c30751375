import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
import { Clock } from '../../src/common/clock.js';
import { createTestApp, TestApp } from '../support/app.js';
import {
  APPROVAL,
  buildWorld,
  client,
  DECLINE,
  disbursement,
  Person,
  problem,
  requestBody,
  snapshot,
  World,
} from '../support/matchmaking.js';

interface MatchBody {
  id: string;
  status: string;
  bankId: string;
  bankName: string;
  president: { id: string; name: string };
  officer: { id: string; name: string } | null;
  heldBy: { id: string; name: string; role: string } | null;
  responseDueAt: string;
  approvedAmount: string | null;
  disbursedAmount: string | null;
  decline: { code: string; label: string; reason: string } | null;
  assignments: { officer: { id: string }; assignedBy: { id: string } }[];
  [field: string]: unknown;
}

interface TimelineBody {
  action: string;
  matchId: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  actor: { id: string; role: string; name: string } | null;
}

interface DetailBody {
  id: string;
  status: string;
  matches: MatchBody[];
  approvedAmount: string;
  disbursedAmount: string;
  timeline: TimelineBody[];
  [field: string]: unknown;
}

describe('matchmaking (项目中心+行长制)', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof client>;

  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    http = client(testApp);
  });
  afterAll(async () => {
    await testApp.close();
  });

  const detail = async (who: Person, requestId: string): Promise<DetailBody> => {
    const response = await http.get(who, `/financing-requests/${requestId}`);
    expect(response.status).toBe(200);
    return response.body as DetailBody;
  };
  const matchRow = async (matchId: string) =>
    (
      await testApp.dataSource.query<{ status: string; request_status: string }[]>(
        `SELECT m.status, r.status AS request_status
           FROM matches m JOIN financing_requests r ON r.id = m.request_id WHERE m.id = $1`,
        [matchId],
      )
    )[0];
  const notificationsOf = (entityId: string, kind: string) =>
    testApp.dataSource
      .query<{ user_id: string }[]>(
        'SELECT user_id FROM notifications WHERE entity_id = $1 AND kind = $2 ORDER BY user_id',
        [entityId, kind],
      )
      .then((rows) => rows.map((row) => row.user_id).sort());
  const sorted = (...ids: string[]) => [...ids].sort();

  describe('the full path', () => {
    it('takes a request from submitted to funded with the enterprise, the center and the bank', async () => {
      const { admin, userA, bank1 } = world;
      const created = await http.post(
        userA,
        '/financing-requests',
        requestBody({ projectId: world.projectA }),
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        enterpriseId: world.enterpriseA,
        enterpriseName: '通化东宝药业股份有限公司',
        projectId: world.projectA,
        amount: '5000000.00',
        termMonths: 12,
        purpose: 'working_capital',
        guaranteeOffered: 'mortgage',
        rateCeiling: '0.045',
        status: 'submitted',
        onBehalf: false,
        createdBy: userA.id,
      });
      const requestId = (created.body as { id: string }).id;

      const dispatched = await http.post(admin, `/financing-requests/${requestId}/dispatch`, {
        bankId: bank1.id,
        productId: bank1.productId,
      });
      expect(dispatched.status).toBe(201);
      const match = dispatched.body as MatchBody;
      expect(match).toMatchObject({
        status: 'dispatched',
        bankId: bank1.id,
        bankName: '吉林银行通化分行',
        productId: bank1.productId,
        president: { id: bank1.president.id, name: bank1.president.username },
        officer: null,
        heldBy: { id: bank1.president.id, role: 'bank_president' },
        requestedAmount: '5000000.00',
        overdue: false,
      });
      expect((await detail(userA, requestId)).status).toBe('dispatched');

      const assigned = await http.ok(
        http.act(bank1.president, match.id, 'assign', { officerId: bank1.officer.id }),
      );
      expect(assigned.body).toMatchObject({
        status: 'dispatched',
        officer: { id: bank1.officer.id, name: bank1.officer.username },
        heldBy: { id: bank1.officer.id, role: 'bank_officer' },
        assignments: [
          { officer: { id: bank1.officer.id }, assignedBy: { id: bank1.president.id } },
        ],
      });

      const accepted = await http.ok(http.act(bank1.officer, match.id, 'accept'));
      expect(accepted.body).toMatchObject({ status: 'accepted' });
      expect((accepted.body as { acceptedAt: string | null }).acceptedAt).not.toBeNull();

      const approved = await http.ok(http.act(bank1.officer, match.id, 'approve', APPROVAL));
      expect(approved.body).toMatchObject({
        status: 'approved',
        approvedAmount: '3000000.00',
        annualRate: '0.0385',
        approvedTermMonths: 12,
        disbursedAmount: null,
      });
      // "Approved" is not "disbursed": the enterprise sees the difference.
      const meanwhile = await detail(userA, requestId);
      expect(meanwhile).toMatchObject({
        status: 'dispatched',
        approvedAmount: '3000000.00',
        disbursedAmount: '0.00',
      });

      const disbursed = await http.ok(
        http.act(bank1.officer, match.id, 'disburse', disbursement({ contractNo: 'JLB-0001' })),
      );
      expect(disbursed.body).toMatchObject({
        status: 'disbursed',
        approvedAmount: '3000000.00',
        disbursedAmount: '2500000.00',
        contractNo: 'JLB-0001',
        heldBy: null,
      });

      const final = await detail(userA, requestId);
      expect(final).toMatchObject({
        status: 'funded',
        approvedAmount: '3000000.00',
        disbursedAmount: '2500000.00',
        matches: [
          {
            id: match.id,
            status: 'disbursed',
            bankName: '吉林银行通化分行',
            president: { id: bank1.president.id },
            officer: { id: bank1.officer.id },
          },
        ],
      });
      expect(
        final.timeline.map((event) => [
          event.action,
          event.fromStatus,
          event.toStatus,
          event.actor?.id,
          event.actor?.role,
        ]),
      ).toEqual([
        ['request.submitted', null, 'submitted', userA.id, 'enterprise'],
        ['match.dispatched', null, 'dispatched', admin.id, 'admin'],
        ['request.dispatched', 'submitted', 'dispatched', admin.id, 'admin'],
        ['match.assigned', 'dispatched', 'dispatched', bank1.president.id, 'bank_president'],
        ['match.accepted', 'dispatched', 'accepted', bank1.officer.id, 'bank_officer'],
        ['match.approved', 'accepted', 'approved', bank1.officer.id, 'bank_officer'],
        ['match.disbursed', 'approved', 'disbursed', bank1.officer.id, 'bank_officer'],
        ['request.funded', 'dispatched', 'funded', bank1.officer.id, 'bank_officer'],
      ]);
      expect(final.timeline[0].actor?.name).toBe(userA.username);

      // Every move left its audit row.
      const audits = await testApp.dataSource.query<{ action: string }[]>(
        'SELECT action FROM audit_events WHERE entity_id = ANY($1::text[])',
        [[requestId, match.id]],
      );
      expect(audits.map((row) => row.action).sort()).toEqual(
        [
          'financing_request.created',
          'financing_request.dispatched',
          'financing_request.funded',
          'match.accepted',
          'match.approved',
          'match.assigned',
          'match.disbursed',
          'match.dispatched',
        ].sort(),
      );

      // And each hand-off told the person who now holds the case.
      const center = sorted(admin.id, world.otherAdmin.id);
      const enterpriseUsers = sorted(userA.id, world.secondUserA.id);
      expect(await notificationsOf(requestId, 'request.submitted')).toEqual(center);
      expect(await notificationsOf(match.id, 'match.dispatched')).toEqual([bank1.president.id]);
      expect(await notificationsOf(match.id, 'match.assigned')).toEqual([bank1.officer.id]);
      expect(await notificationsOf(requestId, 'match.approved')).toEqual(
        sorted(...center, ...enterpriseUsers),
      );
      expect(await notificationsOf(requestId, 'match.disbursed')).toEqual(
        sorted(...center, ...enterpriseUsers),
      );
    });

    it('records a request an administrator files on an enterprise’s behalf as such', async () => {
      const response = await http.post(
        world.admin,
        '/financing-requests',
        requestBody({ enterpriseId: world.enterpriseB }),
      );
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        enterpriseId: world.enterpriseB,
        onBehalf: true,
        createdBy: world.admin.id,
        status: 'submitted',
      });
      const id = (response.body as { id: string }).id;
      expect(await notificationsOf(id, 'request.submitted')).toEqual([world.userB.id]);
      const events = (await detail(world.userB, id)).timeline;
      expect(events).toMatchObject([
        { action: 'request.submitted', actor: { id: world.admin.id, role: 'admin' } },
      ]);
    });
  });

  describe('filing', () => {
    it.each([
      ['an enterprise naming an enterprise', 'userA', { enterpriseId: 'B' }, ['enterpriseId']],
      ['an administrator naming none', 'admin', {}, ['enterpriseId']],
      ['a project of another enterprise', 'userA', { projectId: 'projectB' }, ['projectId']],
      ['an amount of zero', 'userA', { amount: '0.00' }, ['amount']],
      ['an amount as a JSON number', 'userA', { amount: 5000000 }, ['amount']],
      ['a third decimal', 'userA', { amount: '1.001' }, ['amount']],
      ['a term of 0 months', 'userA', { termMonths: 0 }, ['termMonths']],
      ['an unknown purpose', 'userA', { purpose: 'speculation' }, ['purpose']],
      ['an unknown guarantee', 'userA', { guaranteeOffered: 'promise' }, ['guaranteeOffered']],
      ['a rate ceiling of 1.5', 'userA', { rateCeiling: '1.5' }, ['rateCeiling']],
      ['an unknown field', 'userA', { status: 'funded' }, ['status']],
    ])('refuses %s with 400 naming the field', async (_case, who, overrides, fields) => {
      const resolved = Object.fromEntries(
        Object.entries(overrides).map(([key, value]) => [
          key,
          value === 'B' ? world.enterpriseB : value === 'projectB' ? world.projectB : value,
        ]),
      );
      const caller = who === 'admin' ? world.admin : world.userA;
      const before = await testApp.dataSource.query('SELECT count(*) FROM financing_requests');
      const response = await http.post(caller, '/financing-requests', requestBody(resolved));
      expect(problem(response)).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields });
      expect(await testApp.dataSource.query('SELECT count(*) FROM financing_requests')).toEqual(
        before,
      );
    });

    it('refuses filing to bank staff and auditors (403)', async () => {
      for (const who of [world.bank1.officer, world.bank1.president, world.auditor]) {
        const response = await http.post(who, '/financing-requests', requestBody());
        expect(response.status).toBe(403);
      }
    });

    it('lets an unverified enterprise file, but refuses to dispatch it (409 ENTERPRISE_NOT_VERIFIED)', async () => {
      const id = await http.file(world.userUnverified);
      const response = await http.post(world.admin, `/financing-requests/${id}/dispatch`, {
        bankId: world.bank1.id,
      });
      expect(problem(response)).toMatchObject({ status: 409, code: 'ENTERPRISE_NOT_VERIFIED' });
      expect((await detail(world.admin, id)).status).toBe('submitted');
    });
  });

  describe('dispatch', () => {
    it('refuses a bank without an active president (409 BANK_HAS_NO_PRESIDENT)', async () => {
      const id = await http.file(world.userA);
      const response = await http.post(world.admin, `/financing-requests/${id}/dispatch`, {
        bankId: world.headless.id,
      });
      expect(problem(response)).toEqual({
        status: 409,
        code: 'BANK_HAS_NO_PRESIDENT',
        fields: ['bankId'],
      });
      const rows = await testApp.dataSource.query('SELECT 1 FROM matches WHERE request_id = $1', [
        id,
      ]);
      expect(rows).toEqual([]);
    });

    it.each([
      ['an unknown bank', 'unknownBank', 'bankId'],
      ['a product of another bank', 'foreignProduct', 'productId'],
      ['a withdrawn product', 'withdrawnProduct', 'productId'],
    ])('refuses %s with 400', async (_case, variant, field) => {
      const id = await http.file(world.userA);
      const body: Record<string, string> = { bankId: world.bank1.id };
      if (variant === 'unknownBank') {
        body.bankId = '00000000-0000-4000-8000-000000000000';
      } else {
        body.productId =
          variant === 'foreignProduct' ? world.bank2.productId : world.inactiveProduct1;
      }
      const response = await http.post(world.admin, `/financing-requests/${id}/dispatch`, body);
      expect(problem(response)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: [field],
      });
      expect((await detail(world.admin, id)).status).toBe('submitted');
    });

    it('pushes one request to several banks, never twice to one bank while its match is open', async () => {
      const id = await http.file(world.userA);
      const first = await http.dispatch(world.admin, id, world.bank1.id);
      await http.dispatch(world.admin, id, world.bank2.id);
      const again = await http.post(world.admin, `/financing-requests/${id}/dispatch`, {
        bankId: world.bank1.id,
      });
      expect(problem(again)).toEqual({
        status: 409,
        code: 'ALREADY_DISPATCHED_TO_BANK',
        fields: ['bankId'],
      });
      const view = await detail(world.admin, id);
      expect(view.status).toBe('dispatched');
      expect(view.matches.map((match) => match.bankId)).toEqual([world.bank1.id, world.bank2.id]);
      // Once bank 1's match is closed, the bank may be asked again.
      await http.ok(http.act(world.bank1.president, first, 'decline', DECLINE));
      const retry = await http.dispatch(world.admin, id, world.bank1.id);
      expect(retry).not.toBe(first);
    });

    it('refuses to dispatch a withdrawn request', async () => {
      const id = await http.file(world.userA);
      await http.ok(http.post(world.userA, `/financing-requests/${id}/withdraw`));
      const response = await http.post(world.admin, `/financing-requests/${id}/dispatch`, {
        bankId: world.bank1.id,
      });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({
        code: 'INVALID_TRANSITION',
        currentStatus: 'withdrawn',
      });
    });
  });

  describe('deadlines (N working days, Asia/Shanghai)', () => {
    afterEach(() => {
      jest.restoreAllMocks();
    });
    const fridayAfternoon = new Date('2026-01-30T07:00:00Z'); // Friday 15:00 in Shanghai

    it('makes a match dispatched on Friday 15:00 due on Wednesday 15:00', async () => {
      jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(fridayAfternoon);
      const id = await http.file(world.userA);
      const response = await http.post(world.admin, `/financing-requests/${id}/dispatch`, {
        bankId: world.bank1.id,
      });
      expect(response.body).toMatchObject({
        dispatchedAt: '2026-01-30T07:00:00.000Z',
        responseDueAt: '2026-02-04T07:00:00.000Z',
      });
    });

    it('skips a holiday on the Monday: due on Thursday 15:00', async () => {
      await testApp.dataSource.query(
        `INSERT INTO calendar_days (day, kind, name) VALUES ('2026-02-02', 'holiday', '测试假日')`,
      );
      try {
        jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(fridayAfternoon);
        const id = await http.file(world.userA);
        const response = await http.post(world.admin, `/financing-requests/${id}/dispatch`, {
          bankId: world.bank2.id,
        });
        expect(response.body).toMatchObject({ responseDueAt: '2026-02-05T07:00:00.000Z' });
      } finally {
        await testApp.dataSource.query(`DELETE FROM calendar_days WHERE day = '2026-02-02'`);
      }
    });

    it('lists a match still dispatched after its deadline as overdue', async () => {
      jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(fridayAfternoon);
      const id = await http.file(world.userA);
      const matchId = await http.dispatch(world.admin, id, world.bank1.id);
      jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(new Date('2026-02-04T07:00:01Z'));
      const overdue = await http.get(world.bank1.president, '/matches?overdue=true&limit=100');
      expect(overdue.status).toBe(200);
      const items = (overdue.body as { items: MatchBody[] }).items;
      expect(items.map((item) => item.id)).toContain(matchId);
      expect(items.every((item) => item.status === 'dispatched' && item.overdue === true)).toBe(
        true,
      );
      const notOverdue = await http.get(world.bank1.president, '/matches?overdue=false&limit=100');
      expect(
        (notOverdue.body as { items: MatchBody[] }).items.map((item) => item.id),
      ).not.toContain(matchId);
    });
  });

  describe('the bank’s actions', () => {
    it('refuses an approval above the requested amount (400 approvedAmount)', async () => {
      const id = await http.file(world.userA, { amount: '1000000.00' });
      const matchId = await http.dispatch(world.admin, id, world.bank1.id);
      await http.ok(http.act(world.bank1.president, matchId, 'accept'));
      const before = await snapshot(testApp, matchId);
      const response = await http.act(world.bank1.president, matchId, 'approve', {
        ...APPROVAL,
        approvedAmount: '1000000.01',
      });
      expect(problem(response)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: ['approvedAmount'],
      });
      expect(await snapshot(testApp, matchId)).toEqual(before);
      await http.ok(
        http.act(world.bank1.president, matchId, 'approve', {
          ...APPROVAL,
          approvedAmount: '1000000.00',
        }),
      );
    });

    it.each([
      ['more than approved', { amount: '3000000.01' }, 'amount'],
      ['a date in the future', { disbursedOn: '2999-01-01' }, 'disbursedOn'],
      ['a date before the dispatch', { disbursedOn: '2020-01-01' }, 'disbursedOn'],
      ['an impossible date', { disbursedOn: '2026-02-30' }, 'disbursedOn'],
      ['a blank contract number', { contractNo: '  ' }, 'contractNo'],
    ])('refuses a disbursement of %s (400)', async (_case, overrides, field) => {
      const id = await http.file(world.userA);
      const matchId = await http.dispatch(world.admin, id, world.bank1.id);
      await http.ok(http.act(world.bank1.president, matchId, 'accept'));
      await http.ok(http.act(world.bank1.president, matchId, 'approve', APPROVAL));
      const before = await snapshot(testApp, matchId);
      const response = await http.act(
        world.bank1.president,
        matchId,
        'disburse',
        disbursement(overrides),
      );
      expect(problem(response)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: [field],
      });
      expect(await snapshot(testApp, matchId)).toEqual(before);
    });

    it('refuses a decline without a known active reason code or without a reason (400)', async () => {
      const id = await http.file(world.userA);
      const matchId = await http.dispatch(world.admin, id, world.bank1.id);
      const before = await snapshot(testApp, matchId);
      for (const [body, field] of [
        [{ reasonCode: 'no_such_code', reason: '原因' }, 'reasonCode'],
        [{ reasonCode: 'other' }, 'reason'],
        [{ reasonCode: 'other', reason: '   ' }, 'reason'],
        [{ reason: '原因' }, 'reasonCode'],
      ] as const) {
        const response = await http.act(world.bank1.president, matchId, 'decline', body);
        expect(problem(response)).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
          fields: [field],
        });
      }
      expect(await snapshot(testApp, matchId)).toEqual(before);
    });

    it('lets officers act on unassigned matches and their own, not on a colleague’s (403)', async () => {
      const { bank1 } = world;
      const id = await http.file(world.userA);
      const matchId = await http.dispatch(world.admin, id, bank1.id);
      // Unassigned: any officer of the bank may accept; the president still holds it.
      const accepted = await http.ok(http.act(bank1.colleague, matchId, 'accept'));
      expect(accepted.body).toMatchObject({ heldBy: { id: bank1.president.id } });
      await http.ok(http.act(bank1.president, matchId, 'assign', { officerId: bank1.officer.id }));
      const before = await snapshot(testApp, matchId);
      const refused = await http.act(bank1.colleague, matchId, 'approve', APPROVAL);
      expect(problem(refused)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect(await snapshot(testApp, matchId)).toEqual(before);
      // The assignee and the president may.
      await http.ok(http.act(bank1.officer, matchId, 'approve', APPROVAL));
      await http.ok(http.act(bank1.president, matchId, 'decline', DECLINE));
    });

    it('keeps the reassignment history and tells both officers', async () => {
      const { bank1 } = world;
      const id = await http.file(world.userA);
      const matchId = await http.dispatch(world.admin, id, bank1.id);
      await http.ok(http.act(bank1.president, matchId, 'assign', { officerId: bank1.officer.id }));
      const again = await http.ok(
        http.act(bank1.president, matchId, 'assign', { officerId: bank1.officer.id }),
      );
      expect((again.body as MatchBody).assignments).toHaveLength(1);
      const moved = await http.ok(
        http.act(bank1.president, matchId, 'assign', { officerId: bank1.colleague.id }),
      );
      expect(moved.body).toMatchObject({
        officer: { id: bank1.colleague.id },
        heldBy: { id: bank1.colleague.id, role: 'bank_officer' },
        assignments: [
          { officer: { id: bank1.officer.id }, assignedBy: { id: bank1.president.id } },
          { officer: { id: bank1.colleague.id }, assignedBy: { id: bank1.president.id } },
        ],
      });
      expect(await notificationsOf(matchId, 'match.assigned')).toEqual(
        sorted(bank1.officer.id, bank1.colleague.id),
      );
      expect(await notificationsOf(matchId, 'match.reassigned')).toEqual([bank1.officer.id]);
    });

    it.each([
      ['an officer of another bank', 'bank2officer'],
      ['the president', 'president'],
      ['an unknown user', 'unknown'],
    ])('refuses to assign %s (400 officerId)', async (_case, who) => {
      const id = await http.file(world.userA);
      const matchId = await http.dispatch(world.admin, id, world.bank1.id);
      const officerId =
        who === 'bank2officer'
          ? world.bank2.officer.id
          : who === 'president'
            ? world.bank1.president.id
            : '00000000-0000-4000-8000-000000000000';
      const before = await snapshot(testApp, matchId);
      const response = await http.act(world.bank1.president, matchId, 'assign', { officerId });
      expect(problem(response)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: ['officerId'],
      });
      expect(await snapshot(testApp, matchId)).toEqual(before);
    });

    it('refuses assignment to officers (only the president assigns: 403)', async () => {
      const id = await http.file(world.userA);
      const matchId = await http.dispatch(world.admin, id, world.bank1.id);
      const response = await http.act(world.bank1.officer, matchId, 'assign', {
        officerId: world.bank1.officer.id,
      });
      expect(response.status).toBe(403);
    });
  });

  describe('illegal transitions', () => {
    type State =
      'dispatched' | 'accepted' | 'approved' | 'disbursed' | 'declined' | 'recalled' | 'cancelled';
    const STATES: State[] = [
      'dispatched',
      'accepted',
      'approved',
      'disbursed',
      'declined',
      'recalled',
      'cancelled',
    ];
    const ALLOWED: Record<string, State[]> = {
      accept: ['dispatched'],
      approve: ['accepted'],
      disburse: ['approved'],
      decline: ['dispatched', 'accepted', 'approved'],
      recall: ['dispatched', 'accepted', 'approved'],
      assign: ['dispatched', 'accepted', 'approved'],
    };

    /** A fresh match of bank 1 in the given state, through the API. */
    const matchIn = async (state: State): Promise<{ matchId: string; requestId: string }> => {
      const { admin, bank1 } = world;
      const requestId = await http.file(world.userA);
      const matchId = await http.dispatch(admin, requestId, bank1.id);
      const path: Record<State, [Person, string, Record<string, unknown>][]> = {
        dispatched: [],
        accepted: [[bank1.president, 'accept', {}]],
        approved: [
          [bank1.president, 'accept', {}],
          [bank1.president, 'approve', APPROVAL],
        ],
        disbursed: [
          [bank1.president, 'accept', {}],
          [bank1.president, 'approve', APPROVAL],
          [bank1.president, 'disburse', disbursement()],
        ],
        declined: [[bank1.president, 'decline', DECLINE]],
        recalled: [[admin, 'recall', { reason: '超时' }]],
        cancelled: [],
      };
      for (const [who, action, body] of path[state]) {
        await http.ok(http.act(who, matchId, action, body));
      }
      if (state === 'cancelled') {
        await http.ok(http.post(world.userA, `/financing-requests/${requestId}/withdraw`));
      }
      expect((await matchRow(matchId)).status).toBe(state);
      return { matchId, requestId };
    };

    const bodyOf = (action: string): [Person, Record<string, unknown>] => {
      switch (action) {
        case 'approve':
          return [world.bank1.president, APPROVAL];
        case 'disburse':
          return [world.bank1.president, disbursement()];
        case 'decline':
          return [world.bank1.president, DECLINE];
        case 'recall':
          return [world.admin, { reason: '改派' }];
        case 'assign':
          return [world.bank1.president, { officerId: world.bank1.officer.id }];
        default:
          return [world.bank1.president, {}];
      }
    };

    it.each(STATES)(
      'answers 409 INVALID_TRANSITION and changes nothing for every action a %s match does not allow',
      async (state) => {
        const { matchId } = await matchIn(state);
        const refused = Object.keys(ALLOWED).filter((action) => !ALLOWED[action].includes(state));
        expect(refused.length).toBeGreaterThan(0);
        for (const action of refused) {
          const before = await snapshot(testApp, matchId);
          const [who, body] = bodyOf(action);
          const response = await http.act(who, matchId, action, body);
          expect({ action, status: response.status, body: response.body as unknown }).toMatchObject(
            {
              action,
              status: 409,
              body: { code: 'INVALID_TRANSITION', currentStatus: state },
            },
          );
          expect(await snapshot(testApp, matchId)).toEqual(before);
        }
      },
    );

    it.each([
      ['funded', 'disbursed'],
      ['withdrawn', 'cancelled'],
      ['closed', 'closed'],
    ] as const)(
      'refuses withdraw, close and dispatch on a %s request (409, nothing changes)',
      async (requestState, how) => {
        let requestId: string;
        let matchId: string;
        if (how === 'closed') {
          ({ matchId, requestId } = await matchIn('dispatched'));
          await http.ok(
            http.post(world.admin, `/financing-requests/${requestId}/close`, {
              reason: '重复登记',
            }),
          );
        } else {
          ({ matchId, requestId } = await matchIn(how));
        }
        expect((await matchRow(matchId)).request_status).toBe(requestState);
        const before = await snapshot(testApp, matchId);
        for (const [who, path, body] of [
          [world.userA, 'withdraw', {}],
          [world.admin, 'close', { reason: '关闭' }],
          [world.admin, 'dispatch', { bankId: world.bank2.id }],
        ] as const) {
          const response = await http.post(who, `/financing-requests/${requestId}/${path}`, body);
          expect({ path, status: response.status, body: response.body as unknown }).toMatchObject({
            path,
            status: 409,
            body: { code: 'INVALID_TRANSITION', currentStatus: requestState },
          });
        }
        expect(await snapshot(testApp, matchId)).toEqual(before);
      },
    );
  });

  describe('decline and re-dispatch', () => {
    it('sends the request back to the center’s queue, shows the enterprise the reason, and lets another bank take it', async () => {
      const { admin, userA, bank1, bank2 } = world;
      const requestId = await http.file(userA);
      const first = await http.dispatch(admin, requestId, bank1.id);
      await http.ok(http.act(bank1.president, first, 'accept'));
      const declined = await http.ok(http.act(bank1.president, first, 'decline', DECLINE));
      expect(declined.body).toMatchObject({
        status: 'declined',
        decline: { code: 'insufficient_collateral', label: '抵押担保不足', reason: DECLINE.reason },
        heldBy: null,
      });

      const view = await detail(userA, requestId);
      expect(view.status).toBe('submitted');
      expect(view.matches[0].decline).toEqual({
        code: 'insufficient_collateral',
        label: '抵押担保不足',
        reason: DECLINE.reason,
      });
      expect(view.timeline.slice(-2).map((event) => [event.action, event.toStatus])).toEqual([
        ['match.declined', 'declined'],
        ['request.reopened', 'submitted'],
      ]);
      const queue = await http.get(admin, '/financing-requests?status=submitted&limit=100');
      expect((queue.body as { items: { id: string }[] }).items.map((item) => item.id)).toContain(
        requestId,
      );
      expect(await notificationsOf(requestId, 'match.declined')).toEqual(
        sorted(userA.id, world.secondUserA.id, admin.id, world.otherAdmin.id),
      );

      const second = await http.dispatch(admin, requestId, bank2.id);
      await http.ok(http.act(bank2.president, second, 'accept'));
      await http.ok(http.act(bank2.president, second, 'approve', APPROVAL));
      await http.ok(http.act(bank2.president, second, 'disburse', disbursement()));
      const funded = await detail(userA, requestId);
      expect(funded.status).toBe('funded');
      expect(funded.matches.map((match) => [match.bankId, match.status])).toEqual([
        [bank1.id, 'declined'],
        [bank2.id, 'disbursed'],
      ]);
    });

    it('keeps the request dispatched while another match is open, and reopens it on the last recall', async () => {
      const requestId = await http.file(world.userA);
      const first = await http.dispatch(world.admin, requestId, world.bank1.id);
      const second = await http.dispatch(world.admin, requestId, world.bank2.id);
      await http.ok(http.act(world.bank1.officer, first, 'decline', DECLINE));
      expect((await matchRow(second)).request_status).toBe('dispatched');
      const recalled = await http.ok(
        http.act(world.admin, second, 'recall', { reason: '超过时限未受理' }),
      );
      expect(recalled.body).toMatchObject({ status: 'recalled', recallReason: '超过时限未受理' });
      expect((await matchRow(second)).request_status).toBe('submitted');
      expect(await notificationsOf(second, 'match.recalled')).toEqual([world.bank2.president.id]);
    });
  });

  describe('a funded request’s other matches', () => {
    it('stay open: a second bank may still lend, and a later decline leaves the request funded', async () => {
      const { admin, userA, bank1, bank2 } = world;
      const requestId = await http.file(userA, { amount: '8000000.00' });
      const first = await http.dispatch(admin, requestId, bank1.id);
      const second = await http.dispatch(admin, requestId, bank2.id);

      await http.ok(http.act(bank1.president, first, 'accept'));
      await http.ok(http.act(bank1.president, first, 'approve', APPROVAL));
      await http.ok(http.act(bank1.president, first, 'disburse', disbursement()));
      expect(await matchRow(first)).toEqual({ status: 'disbursed', request_status: 'funded' });
      expect((await matchRow(second)).status).toBe('dispatched');

      await http.ok(http.act(bank2.president, second, 'accept'));
      await http.ok(
        http.act(bank2.president, second, 'approve', { ...APPROVAL, approvedAmount: '5000000.00' }),
      );
      await http.ok(
        http.act(bank2.president, second, 'disburse', disbursement({ amount: '5000000.00' })),
      );
      const view = await detail(userA, requestId);
      expect(view).toMatchObject({
        status: 'funded',
        approvedAmount: '8000000.00',
        disbursedAmount: '7500000.00',
      });
      // Only the first disbursement moved the request.
      expect(view.timeline.filter((event) => event.action === 'request.funded')).toHaveLength(1);

      // A decline after funding leaves it funded.
      const fourth = await http.file(userA);
      const a = await http.dispatch(admin, fourth, bank1.id);
      const b = await http.dispatch(admin, fourth, bank2.id);
      await http.ok(http.act(bank2.president, b, 'accept'));
      await http.ok(http.act(bank2.president, b, 'approve', APPROVAL));
      await http.ok(http.act(bank2.president, b, 'disburse', disbursement()));
      await http.ok(http.act(bank1.president, a, 'decline', DECLINE));
      expect(await matchRow(a)).toEqual({ status: 'declined', request_status: 'funded' });
    });
  });

  describe('withdraw and close', () => {
    it('cancels the open matches when the enterprise withdraws, and tells each bank', async () => {
      const { admin, userA, bank1, bank2 } = world;
      const requestId = await http.file(userA);
      const first = await http.dispatch(admin, requestId, bank1.id);
      const second = await http.dispatch(admin, requestId, bank2.id);
      await http.ok(http.act(bank1.president, first, 'assign', { officerId: bank1.officer.id }));
      await http.ok(http.act(bank2.president, second, 'decline', DECLINE));
      const response = await http.ok(
        http.post(world.secondUserA, `/financing-requests/${requestId}/withdraw`),
      );
      const body = response.body as DetailBody;
      expect(body.status).toBe('withdrawn');
      expect(body.matches.map((match) => match.status)).toEqual(['cancelled', 'declined']);
      expect(await notificationsOf(first, 'match.cancelled')).toEqual(
        sorted(bank1.president.id, bank1.officer.id),
      );
      expect(await notificationsOf(second, 'match.cancelled')).toEqual([]);
      expect(body.timeline.slice(-2).map((event) => event.action)).toEqual([
        'request.withdrawn',
        'match.cancelled',
      ]);
    });

    it('closes a request only with a reason, and cancels its open matches', async () => {
      const requestId = await http.file(world.userA);
      const matchId = await http.dispatch(world.admin, requestId, world.bank1.id);
      const missing = await http.post(world.admin, `/financing-requests/${requestId}/close`, {});
      expect(problem(missing)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: ['reason'],
      });
      const closed = await http.ok(
        http.post(world.admin, `/financing-requests/${requestId}/close`, {
          reason: '企业已获他行贷款',
        }),
      );
      expect(closed.body).toMatchObject({ status: 'closed', closeReason: '企业已获他行贷款' });
      expect(await matchRow(matchId)).toEqual({ status: 'cancelled', request_status: 'closed' });
      expect(await notificationsOf(requestId, 'request.closed')).toEqual(
        sorted(world.userA.id, world.secondUserA.id),
      );
    });
  });

  describe('tenancy', () => {
    let requestId: string;
    let matchId: string;
    beforeAll(async () => {
      requestId = await http.file(world.userA, { projectId: world.projectA });
      matchId = await http.dispatch(world.admin, requestId, world.bank1.id);
    });

    it('answers 404 to another bank’s staff on every match route, and changes nothing', async () => {
      const before = await snapshot(testApp, matchId);
      for (const who of [world.bank2.president, world.bank2.officer]) {
        expect((await http.get(who, `/matches/${matchId}`)).status).toBe(404);
        for (const [action, body] of [
          ['assign', { officerId: world.bank2.officer.id }],
          ['accept', {}],
          ['approve', APPROVAL],
          ['disburse', disbursement()],
          ['decline', DECLINE],
        ] as const) {
          if (action === 'assign' && who.role !== Role.BankPresident) {
            continue;
          }
          const response = await http.act(who, matchId, action, body);
          expect({ action, status: response.status }).toEqual({ action, status: 404 });
        }
        expect((await http.get(who, `/financing-requests/${requestId}`)).status).toBe(404);
        const listed = await http.get(who, '/matches?limit=100');
        expect(
          (listed.body as { items: { id: string }[] }).items.map((item) => item.id),
        ).not.toContain(matchId);
        const requests = await http.get(who, '/financing-requests?limit=100');
        expect(
          (requests.body as { items: { id: string }[] }).items.map((item) => item.id),
        ).not.toContain(requestId);
      }
      expect(await snapshot(testApp, matchId)).toEqual(before);
    });

    it('answers 404 to another enterprise on the request and its withdrawal, and changes nothing', async () => {
      const before = await snapshot(testApp, matchId);
      expect((await http.get(world.userB, `/financing-requests/${requestId}`)).status).toBe(404);
      expect(
        (await http.post(world.userB, `/financing-requests/${requestId}/withdraw`)).status,
      ).toBe(404);
      const listed = await http.get(world.userB, '/financing-requests?limit=100');
      expect(
        (listed.body as { items: { id: string }[] }).items.map((item) => item.id),
      ).not.toContain(requestId);
      expect(await snapshot(testApp, matchId)).toEqual(before);
    });

    it('answers 404 for absent ids', async () => {
      const absent = '00000000-0000-4000-8000-000000000000';
      expect((await http.get(world.admin, `/financing-requests/${absent}`)).status).toBe(404);
      expect((await http.get(world.admin, `/matches/${absent}`)).status).toBe(404);
      expect((await http.act(world.bank1.president, absent, 'accept')).status).toBe(404);
      expect(
        (
          await http.post(world.admin, `/financing-requests/${absent}/dispatch`, {
            bankId: world.bank1.id,
          })
        ).status,
      ).toBe(404);
    });

    it('refuses by role with 403: enterprises and auditors on bank actions, bank staff on the center’s', async () => {
      const before = await snapshot(testApp, matchId);
      for (const who of [world.userA, world.auditor, world.admin]) {
        expect((await http.act(who, matchId, 'accept')).status).toBe(403);
      }
      for (const who of [world.userA]) {
        expect((await http.get(who, `/matches/${matchId}`)).status).toBe(403);
        expect((await http.get(who, '/matches')).status).toBe(403);
      }
      for (const who of [world.bank1.president, world.auditor]) {
        expect(
          (
            await http.post(who, `/financing-requests/${requestId}/dispatch`, {
              bankId: world.bank2.id,
            })
          ).status,
        ).toBe(403);
        expect(
          (await http.post(who, `/financing-requests/${requestId}/close`, { reason: 'x' })).status,
        ).toBe(403);
        expect((await http.act(who, matchId, 'recall', { reason: 'x' })).status).toBe(403);
      }
      expect(
        (await http.post(world.admin, `/financing-requests/${requestId}/withdraw`)).status,
      ).toBe(403);
      expect(await snapshot(testApp, matchId)).toEqual(before);
    });

    it('shows bank staff only their own bank’s match and timeline of a request pushed to two banks', async () => {
      const id = await http.file(world.userA);
      const mine = await http.dispatch(world.admin, id, world.bank2.id);
      const theirs = await http.dispatch(world.admin, id, world.bank1.id);
      await http.ok(http.act(world.bank1.president, theirs, 'accept'));
      const view = await detail(world.bank2.officer, id);
      expect(view.matches.map((match) => match.id)).toEqual([mine]);
      expect(view.timeline.every((event) => event.matchId === null || event.matchId === mine)).toBe(
        true,
      );
      expect(view.timeline.map((event) => event.action)).toEqual([
        'request.submitted',
        'match.dispatched',
        'request.dispatched',
      ]);
      const everything = await detail(world.admin, id);
      expect(everything.matches.map((match) => match.id)).toEqual([mine, theirs]);
      // Naming another bank in the list filter would reveal its dealings.
      const filtered = await http.get(
        world.bank2.officer,
        `/financing-requests?bankId=${world.bank1.id}`,
      );
      expect(problem(filtered)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: ['bankId'],
      });
      const matches = await http.get(world.bank2.officer, `/matches?bankId=${world.bank1.id}`);
      expect(problem(matches)).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: ['bankId'],
      });
    });

    it('shows bank staff an enterprise’s profile and projects only while their bank holds or held a match for it', async () => {
      const enterpriseId = world.enterpriseB;
      const projectId = world.projectB;
      const officer = world.bank2.officer;
      expect((await http.get(officer, `/enterprises/${enterpriseId}`)).status).toBe(404);
      expect((await http.get(officer, `/projects/${projectId}`)).status).toBe(404);

      const id = await http.file(world.userB);
      const match = await http.dispatch(world.admin, id, world.bank2.id);
      expect((await http.get(officer, `/enterprises/${enterpriseId}`)).status).toBe(200);
      expect((await http.get(officer, `/projects/${projectId}`)).status).toBe(200);
      const projects = await http.get(officer, '/projects?limit=100');
      expect((projects.body as { items: { id: string }[] }).items.map((item) => item.id)).toContain(
        projectId,
      );

      // Held: a declined match still counts.
      await http.ok(http.act(world.bank2.president, match, 'decline', DECLINE));
      expect((await http.get(officer, `/enterprises/${enterpriseId}`)).status).toBe(200);
      // Bank 1 never held one for enterprise B.
      expect((await http.get(world.bank1.officer, `/enterprises/${enterpriseId}`)).status).toBe(
        404,
      );
      expect((await http.get(world.bank1.officer, `/projects/${projectId}`)).status).toBe(404);
    });
  });

  describe('lists', () => {
    it('pages the inbox by deadline, most urgent first, without repeats or gaps', async () => {
      const president = world.bank2.president;
      const seen: MatchBody[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${cursor}`;
        const response = await http.get(president, `/matches?limit=2${query}`);
        expect(response.status).toBe(200);
        const page = response.body as { items: MatchBody[]; nextCursor: string | null };
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM matches WHERE bank_id = $1',
        [world.bank2.id],
      );
      expect(seen).toHaveLength(count);
      expect(new Set(seen.map((match) => match.id)).size).toBe(count);
      expect(seen.every((match) => match.bankId === world.bank2.id)).toBe(true);
      const keys = seen.map((match) => `${match.responseDueAt}|${match.id}`);
      expect(keys).toEqual([...keys].sort());
    });

    it('filters matches by state and requests by state, enterprise and bank', async () => {
      const declined = await http.get(world.admin, '/matches?status=declined&limit=100');
      const items = (declined.body as { items: MatchBody[] }).items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((match) => match.status === 'declined')).toBe(true);

      const ofB = await http.get(
        world.auditor,
        `/financing-requests?enterpriseId=${world.enterpriseB}&limit=100`,
      );
      const requests = (ofB.body as { items: { enterpriseId: string }[] }).items;
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.every((request) => request.enterpriseId === world.enterpriseB)).toBe(true);

      const enterpriseFilter = await http.get(
        world.userA,
        `/financing-requests?enterpriseId=${world.enterpriseB}`,
      );
      expect(problem(enterpriseFilter).fields).toEqual(['enterpriseId']);

      const viaBank2 = await http.get(
        world.admin,
        `/financing-requests?bankId=${world.bank2.id}&limit=100`,
      );
      const ids = (viaBank2.body as { items: { id: string }[] }).items.map((item) => item.id);
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        'SELECT count(DISTINCT request_id)::int AS count FROM matches WHERE bank_id = $1',
        [world.bank2.id],
      );
      expect(ids.length).toBe(Math.min(count, 100));
    });

    it('pages requests newest first', async () => {
      const first = await http.get(world.userA, '/financing-requests?limit=3');
      const page = first.body as { items: { id: string; createdAt: string }[]; nextCursor: string };
      expect(page.items).toHaveLength(3);
      const next = await http.get(
        world.userA,
        `/financing-requests?limit=3&cursor=${page.nextCursor}`,
      );
      const second = (next.body as { items: { id: string; createdAt: string }[] }).items;
      const all = [...page.items, ...second];
      expect(new Set(all.map((item) => item.id)).size).toBe(all.length);
      const keys = all.map((item) => `${item.createdAt}|${item.id}`);
      expect(keys).toEqual([...keys].sort().reverse());
      expect((await http.get(world.userA, '/financing-requests?cursor=bogus')).status).toBe(400);
    });
  });

  describe('decline reasons', () => {
    it('lists the seeded codes to anyone signed in', async () => {
      const response = await http.get(world.bank1.officer, '/decline-reasons');
      expect(response.status).toBe(200);
      expect((response.body as { code: string }[]).map((reason) => reason.code)).toEqual(
        expect.arrayContaining([
          'insufficient_collateral',
          'credit_history',
          'outside_appetite',
          'enterprise_withdrew',
          'documents_incomplete',
          'other',
        ]),
      );
    });

    it('lets administrators add and retire codes; a retired code cannot be used', async () => {
      const created = await http.post(world.admin, '/decline-reasons', {
        code: 'industry_policy',
        label: '行业政策限制',
        sortOrder: 7,
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        code: 'industry_policy',
        label: '行业政策限制',
        active: true,
        sortOrder: 7,
      });
      const duplicate = await http.post(world.admin, '/decline-reasons', {
        code: 'industry_policy',
        label: '重复',
      });
      expect(problem(duplicate)).toEqual({ status: 409, code: 'CONFLICT', fields: ['code'] });
      expect(
        (await http.post(world.bank1.president, '/decline-reasons', { code: 'x_y', label: 'x' }))
          .status,
      ).toBe(403);

      const requestId = await http.file(world.userA);
      const matchId = await http.dispatch(world.admin, requestId, world.bank1.id);
      const retired = await http.patch(world.admin, '/decline-reasons/industry_policy', {
        active: false,
        label: '行业政策',
      });
      expect(retired.status).toBe(200);
      expect(retired.body).toMatchObject({ active: false, label: '行业政策' });
      const refused = await http.act(world.bank1.president, matchId, 'decline', {
        reasonCode: 'industry_policy',
        reason: '限制行业',
      });
      expect(problem(refused).fields).toEqual(['reasonCode']);
      await http.patch(world.admin, '/decline-reasons/industry_policy', { active: true });
      await http.ok(
        http.act(world.bank1.president, matchId, 'decline', {
          reasonCode: 'industry_policy',
          reason: '限制行业',
        }),
      );
      expect(
        (await http.patch(world.admin, '/decline-reasons/no_such', { active: false })).status,
      ).toBe(404);
      const audits = await testApp.dataSource.query<{ action: string }[]>(
        `SELECT action FROM audit_events WHERE entity_type = 'decline_reason' AND entity_id = 'industry_policy'`,
      );
      expect(audits.map((row) => row.action).sort()).toEqual([
        'decline_reason.created',
        'decline_reason.updated',
        'decline_reason.updated',
      ]);
    });
  });
});
