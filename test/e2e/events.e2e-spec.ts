import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../support/app.js';
import {
  APPROVAL,
  buildWorld,
  client,
  DECLINE,
  disbursement,
  Person,
  problem,
  World,
} from '../support/matchmaking.js';

interface EventBody {
  id: string;
  title: string;
  theme: string;
  date: string;
  format: string;
  bankCount: number;
  enterpriseCount: number;
  banks: { id: string; name: string }[];
  enterprises: { id: string; name: string }[];
}

interface IntentBody {
  id: string;
  eventId: string;
  enterprise: { id: string };
  bank: { id: string };
  amount: string;
  status: string;
  requestId: string | null;
  matchId: string | null;
}

const CONVERSION = { termMonths: 12, purpose: 'working_capital', guaranteeOffered: 'credit' };

describe('matchmaking events (融资对接活动)', () => {
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

  /** An event with banks 1 and 2 and enterprises A, B and the unverified one, unless told. */
  const createEvent = async (overrides: Record<string, unknown> = {}): Promise<EventBody> => {
    serial += 1;
    const response = await http.post(world.admin, '/events', {
      title: `专精特新企业线上融资对接会（第${serial}场）`,
      theme: '专精特新',
      date: '2026-04-15',
      format: 'online',
      bankIds: [world.bank1.id, world.bank2.id],
      enterpriseIds: [world.enterpriseA, world.enterpriseB, world.unverified],
      ...overrides,
    });
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 201,
    });
    return response.body as EventBody;
  };

  const recordIntent = async (
    who: Person,
    eventId: string,
    enterpriseId: string,
    bankId: string,
    amount: string,
  ): Promise<IntentBody> => {
    const response = await http.post(who, `/events/${eventId}/intents`, {
      enterpriseId,
      bankId,
      amount,
    });
    expect({ status: response.status, body: response.body as unknown }).toMatchObject({
      status: 201,
    });
    return response.body as IntentBody;
  };

  const convert = (eventId: string, intentId: string): Promise<Response> =>
    http.post(world.admin, `/events/${eventId}/intents/${intentId}/convert`, CONVERSION);

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
  const requestsOf = (enterpriseId: string): Promise<number> =>
    count('SELECT count(*)::int AS count FROM financing_requests WHERE enterprise_id = $1', [
      enterpriseId,
    ]);

  describe('events and their roster', () => {
    it('creates an event with its banks and enterprises, invites them and audits it', async () => {
      const event = await createEvent();
      expect(event).toMatchObject({
        theme: '专精特新',
        date: '2026-04-15',
        format: 'online',
        bankCount: 2,
        enterpriseCount: 3,
      });
      expect(event.banks.map((bank) => bank.id).sort()).toEqual(
        [world.bank1.id, world.bank2.id].sort(),
      );
      expect(await audits(event.id, 'event.created')).toBe(1);
      expect(await notifications(world.bank1.president.id, 'event.invited', event.id)).toBe(1);
      expect(await notifications(world.bank2.president.id, 'event.invited', event.id)).toBe(1);
      expect(await notifications(world.userA.id, 'event.invited', event.id)).toBe(1);
      expect(await notifications(world.secondUserA.id, 'event.invited', event.id)).toBe(1);
      const read = await http.get(world.auditor, `/events/${event.id}`);
      expect(read.body).toEqual(event);
    });

    it('refuses unknown participants, a bad format and a date that is not one', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ bankIds: ['00000000-0000-4000-8000-000000000000'] }, 'bankIds'],
        [{ enterpriseIds: ['00000000-0000-4000-8000-000000000000'] }, 'enterpriseIds'],
        [{ bankIds: [world.bank1.id, world.bank1.id] }, 'bankIds'],
        [{ format: 'hybrid' }, 'format'],
        [{ date: '2026-02-30' }, 'date'],
        [{ title: '  ' }, 'title'],
      ];
      for (const [overrides, field] of cases) {
        const response = await http.post(world.admin, '/events', {
          title: '对接会',
          theme: '首贷',
          date: '2026-04-15',
          format: 'offline',
          ...overrides,
        });
        expect({ overrides, ...problem(response) }).toEqual({
          overrides,
          status: 400,
          code: 'VALIDATION_FAILED',
          fields: [field],
        });
      }
    });

    it('adds participants, keeping the ones already there, and audits what was added', async () => {
      const event = await createEvent({ bankIds: [world.bank1.id], enterpriseIds: [] });
      const response = await http.ok(
        http.post(world.admin, `/events/${event.id}/participants`, {
          bankIds: [world.bank1.id, world.headless.id],
          enterpriseIds: [world.enterpriseB],
        }),
      );
      expect(response.body).toMatchObject({ bankCount: 2, enterpriseCount: 1 });
      expect(await audits(event.id, 'event.participants_added')).toBe(1);
      const [row] = await testApp.dataSource.query<{ after: unknown }[]>(
        `SELECT after FROM audit_events WHERE entity_id = $1 AND action = 'event.participants_added'`,
        [event.id],
      );
      expect(row.after).toEqual({
        bankIds: [world.headless.id],
        enterpriseIds: [world.enterpriseB],
      });
      expect(await notifications(world.userB.id, 'event.invited', event.id)).toBe(1);
      const empty = await http.post(world.admin, `/events/${event.id}/participants`, {});
      expect(problem(empty)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      const absent = await http.post(
        world.admin,
        '/events/00000000-0000-4000-8000-000000000000/participants',
        { bankIds: [world.bank1.id] },
      );
      expect(absent.status).toBe(404);
    });

    it('lists events latest first, page by page, each caller seeing those they take part in', async () => {
      const theme = `科技金融-${Date.now()}`;
      const dates = ['2026-05-10', '2026-03-01', '2026-06-20'];
      const created: EventBody[] = [];
      for (const date of dates) {
        created.push(
          await createEvent({
            theme,
            date,
            bankIds: date === '2026-03-01' ? [world.bank2.id] : [world.bank1.id],
            enterpriseIds: date === '2026-06-20' ? [world.enterpriseB] : [world.enterpriseA],
          }),
        );
      }
      const walk = async (who: Person): Promise<string[]> => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const suffix: string = cursor === null ? '' : `&cursor=${cursor}`;
          const page = await http.get(
            who,
            `/events?theme=${encodeURIComponent(theme)}&limit=2${suffix}`,
          );
          expect(page.status).toBe(200);
          const body = page.body as { items: EventBody[]; nextCursor: string | null };
          seen.push(...body.items.map((item) => item.date));
          cursor = body.nextCursor;
        } while (cursor !== null);
        return seen;
      };
      expect(await walk(world.admin)).toEqual(['2026-06-20', '2026-05-10', '2026-03-01']);
      expect(await walk(world.bank1.officer)).toEqual(['2026-06-20', '2026-05-10']);
      expect(await walk(world.bank2.president)).toEqual(['2026-03-01']);
      expect(await walk(world.userA)).toEqual(['2026-05-10', '2026-03-01']);
      expect(await walk(world.userB)).toEqual(['2026-06-20']);
    });
  });

  describe('intents', () => {
    it('records intents by the center and by the bank’s own staff; the center hears of the bank’s', async () => {
      const event = await createEvent();
      const byCenter = await recordIntent(
        world.admin,
        event.id,
        world.enterpriseA,
        world.bank1.id,
        '5000000.00',
      );
      expect(byCenter).toMatchObject({
        eventId: event.id,
        enterprise: { id: world.enterpriseA },
        bank: { id: world.bank1.id },
        amount: '5000000.00',
        status: 'open',
        requestId: null,
        matchId: null,
      });
      const byBank = await recordIntent(
        world.bank1.officer,
        event.id,
        world.enterpriseB,
        world.bank1.id,
        '1200000.00',
      );
      expect(await audits(byBank.id, 'event_intent.recorded')).toBe(1);
      expect(await notifications(world.admin.id, 'event_intent.recorded', byBank.id)).toBe(1);
      expect(await notifications(world.admin.id, 'event_intent.recorded', byCenter.id)).toBe(0);
    });

    it('refuses another bank, a party not on the roster and an amount of zero', async () => {
      const event = await createEvent({ enterpriseIds: [world.enterpriseA] });
      const cases: [Person, Record<string, unknown>, string][] = [
        [
          world.bank1.officer,
          { enterpriseId: world.enterpriseA, bankId: world.bank2.id },
          'bankId',
        ],
        [world.admin, { enterpriseId: world.enterpriseB, bankId: world.bank1.id }, 'enterpriseId'],
        [world.admin, { enterpriseId: world.enterpriseA, bankId: world.headless.id }, 'bankId'],
        [
          world.admin,
          { enterpriseId: world.enterpriseA, bankId: world.bank1.id, amount: '0.00' },
          'amount',
        ],
        [
          world.admin,
          { enterpriseId: world.enterpriseA, bankId: world.bank1.id, amount: 100 },
          'amount',
        ],
      ];
      for (const [who, body, field] of cases) {
        const response = await http.post(who, `/events/${event.id}/intents`, {
          amount: '100.00',
          ...body,
        });
        expect({ who: who.username, body, ...problem(response) }).toEqual({
          who: who.username,
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
          fields: [field],
        });
      }
      expect(
        await count('SELECT count(*)::int AS count FROM event_intents WHERE event_id = $1', [
          event.id,
        ]),
      ).toBe(0);
    });

    it('shows bank staff their bank’s intents and an enterprise its own', async () => {
      const event = await createEvent();
      const a1 = await recordIntent(
        world.admin,
        event.id,
        world.enterpriseA,
        world.bank1.id,
        '1.00',
      );
      const b2 = await recordIntent(
        world.admin,
        event.id,
        world.enterpriseB,
        world.bank2.id,
        '2.00',
      );
      const a2 = await recordIntent(
        world.admin,
        event.id,
        world.enterpriseA,
        world.bank2.id,
        '3.00',
      );
      const ids = async (who: Person): Promise<string[]> => {
        const response = await http.get(who, `/events/${event.id}/intents?limit=100`);
        expect(response.status).toBe(200);
        // Sorted: rows recorded within one millisecond may list either way round.
        return (response.body as { items: IntentBody[] }).items.map((item) => item.id).sort();
      };
      expect(await ids(world.auditor)).toEqual([a1.id, b2.id, a2.id].sort());
      expect(await ids(world.bank1.officer)).toEqual([a1.id]);
      expect(await ids(world.bank2.president)).toEqual([a2.id, b2.id].sort());
      expect(await ids(world.userA)).toEqual([a1.id, a2.id].sort());
      expect(await ids(world.userB)).toEqual([b2.id]);
      const open = await http.get(world.admin, `/events/${event.id}/intents?status=converted`);
      expect((open.body as { items: IntentBody[] }).items).toEqual([]);
    });
  });

  describe('conversion', () => {
    it('files the intent on the enterprise’s behalf and dispatches it to the intent’s bank', async () => {
      const event = await createEvent();
      const intent = await recordIntent(
        world.admin,
        event.id,
        world.enterpriseA,
        world.bank1.id,
        '4000000.00',
      );
      const response = await convert(event.id, intent.id);
      expect(response.status).toBe(201);
      const { intent: converted, match } = response.body as {
        intent: IntentBody;
        match: { id: string; requestId: string; bankId: string; status: string };
      };
      expect(converted).toMatchObject({ id: intent.id, status: 'converted', matchId: match.id });
      expect(match).toMatchObject({ bankId: world.bank1.id, status: 'dispatched' });
      expect(converted.requestId).toBe(match.requestId);
      const request = await http.get(world.admin, `/financing-requests/${match.requestId}`);
      expect(request.body).toMatchObject({
        enterpriseId: world.enterpriseA,
        amount: '4000000.00',
        status: 'dispatched',
        onBehalf: true,
        createdBy: world.admin.id,
      });
      expect((request.body as { description: string }).description).toContain(event.title);
      expect(await audits(intent.id, 'event_intent.converted')).toBe(1);
      expect(await audits(match.id, 'match.dispatched')).toBe(1);
      expect(await notifications(world.bank1.president.id, 'match.dispatched', match.id)).toBe(1);
      expect(await notifications(world.userA.id, 'request.submitted', match.requestId)).toBe(1);

      const again = await convert(event.id, intent.id);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'converted' });
      const wrongEvent = await convert((await createEvent()).id, intent.id);
      expect(wrongEvent.status).toBe(404);
    });

    it('files nothing when the dispatch is refused: all in one transaction', async () => {
      const event = await createEvent({
        bankIds: [world.bank1.id, world.headless.id],
      });
      const unverified = await recordIntent(
        world.admin,
        event.id,
        world.unverified,
        world.bank1.id,
        '1000000.00',
      );
      const refused = await convert(event.id, unverified.id);
      expect(problem(refused)).toMatchObject({ status: 409, code: 'ENTERPRISE_NOT_VERIFIED' });
      expect(await requestsOf(world.unverified)).toBe(0);
      const before = await requestsOf(world.enterpriseB);
      const headless = await recordIntent(
        world.admin,
        event.id,
        world.enterpriseB,
        world.headless.id,
        '1000000.00',
      );
      const noPresident = await convert(event.id, headless.id);
      expect(problem(noPresident)).toMatchObject({ status: 409, code: 'BANK_HAS_NO_PRESIDENT' });
      expect(await requestsOf(world.enterpriseB)).toBe(before);
      const intents = await http.get(world.admin, `/events/${event.id}/intents`);
      expect((intents.body as { items: IntentBody[] }).items.map((item) => item.status)).toEqual([
        'open',
        'open',
      ]);
      expect(await audits(unverified.id, 'event_intent.converted')).toBe(0);
    });

    it('converts an intent once when two conversions race', async () => {
      const event = await createEvent();
      for (let round = 0; round < 5; round += 1) {
        const intent = await recordIntent(
          world.admin,
          event.id,
          world.enterpriseB,
          world.bank2.id,
          '700000.00',
        );
        const before = await requestsOf(world.enterpriseB);
        const responses = await Promise.all([
          convert(event.id, intent.id),
          http.post(world.otherAdmin, `/events/${event.id}/intents/${intent.id}/convert`, {
            ...CONVERSION,
            termMonths: 6,
          }),
        ]);
        expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
        expect(await requestsOf(world.enterpriseB)).toBe(before + 1);
      }
    });
  });

  /*
   * The known data set, through the API: banks 1 and 2, enterprises A and B on the roster.
   *   I1 A–bank 1 5 000 000 → converted; approved 4 000 000, disbursed 3 500 000
   *   I2 B–bank 2 3 000 000 → converted; approved 3 000 000
   *   I3 A–bank 2 2 000 000 → converted; declined, then the center pushes the request to bank 1,
   *      which disburses 1 000 000 (not through the event's match: not counted)
   *   I4 B–bank 1 1 500 000 → open
   */
  describe('statistics on a known data set', () => {
    it('counts intents, conversions, approvals and disbursements through the event’s matches', async () => {
      const event = await createEvent({ enterpriseIds: [world.enterpriseA, world.enterpriseB] });
      const empty = await http.get(world.admin, `/events/${event.id}/stats`);
      expect(empty.body).toEqual({
        eventId: event.id,
        banks: 2,
        enterprises: 2,
        intents: 0,
        intentAmount: '0.00',
        enterprisesWithIntent: 0,
        converted: 0,
        convertedAmount: '0.00',
        approved: 0,
        approvedAmount: '0.00',
        funded: 0,
        disbursedAmount: '0.00',
      });
      const converted = async (
        enterpriseId: string,
        bank: typeof world.bank1,
        amount: string,
      ): Promise<{ matchId: string; requestId: string }> => {
        const intent = await recordIntent(world.admin, event.id, enterpriseId, bank.id, amount);
        const response = await convert(event.id, intent.id);
        expect(response.status).toBe(201);
        const { match } = response.body as { match: { id: string; requestId: string } };
        await http.ok(http.act(bank.president, match.id, 'accept'));
        return { matchId: match.id, requestId: match.requestId };
      };
      const i1 = await converted(world.enterpriseA, world.bank1, '5000000.00');
      await http.ok(
        http.act(world.bank1.president, i1.matchId, 'approve', {
          ...APPROVAL,
          approvedAmount: '4000000.00',
        }),
      );
      await http.ok(
        http.act(
          world.bank1.president,
          i1.matchId,
          'disburse',
          disbursement({ amount: '3500000.00' }),
        ),
      );
      const i2 = await converted(world.enterpriseB, world.bank2, '3000000.00');
      await http.ok(
        http.act(world.bank2.president, i2.matchId, 'approve', {
          ...APPROVAL,
          approvedAmount: '3000000.00',
        }),
      );
      const i3 = await converted(world.enterpriseA, world.bank2, '2000000.00');
      await http.ok(http.act(world.bank2.president, i3.matchId, 'decline', DECLINE));
      const elsewhere = await http.dispatch(world.admin, i3.requestId, world.bank1.id);
      await http.ok(http.act(world.bank1.president, elsewhere, 'accept'));
      await http.ok(
        http.act(world.bank1.president, elsewhere, 'approve', {
          ...APPROVAL,
          approvedAmount: '1000000.00',
        }),
      );
      await http.ok(
        http.act(
          world.bank1.president,
          elsewhere,
          'disburse',
          disbursement({ amount: '1000000.00' }),
        ),
      );
      await recordIntent(world.admin, event.id, world.enterpriseB, world.bank1.id, '1500000.00');

      const response = await http.get(world.auditor, `/events/${event.id}/stats`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        eventId: event.id,
        banks: 2,
        enterprises: 2,
        intents: 4,
        intentAmount: '11500000.00',
        enterprisesWithIntent: 2,
        converted: 3,
        convertedAmount: '10000000.00',
        approved: 2,
        approvedAmount: '7000000.00',
        funded: 1,
        disbursedAmount: '3500000.00',
      });
    });
  });

  describe('tenancy and roles', () => {
    it('answers 404 to banks and enterprises not on the roster, on every event route they may call', async () => {
      const event = await createEvent({
        bankIds: [world.bank1.id],
        enterpriseIds: [world.enterpriseA],
      });
      const intent = await recordIntent(
        world.admin,
        event.id,
        world.enterpriseA,
        world.bank1.id,
        '100000.00',
      );
      for (const who of [world.bank2.officer, world.bank2.president, world.headless.officer]) {
        const probes = [
          await http.get(who, `/events/${event.id}`),
          await http.get(who, `/events/${event.id}/intents`),
          await http.post(who, `/events/${event.id}/intents`, {
            enterpriseId: world.enterpriseA,
            bankId: who.bankId,
            amount: '1.00',
          }),
        ];
        expect({ who: who.username, statuses: probes.map((probe) => probe.status) }).toEqual({
          who: who.username,
          statuses: [404, 404, 404],
        });
      }
      for (const who of [world.userB, world.userUnverified]) {
        const probes = [
          await http.get(who, `/events/${event.id}`),
          await http.get(who, `/events/${event.id}/intents`),
        ];
        expect({ who: who.username, statuses: probes.map((probe) => probe.status) }).toEqual({
          who: who.username,
          statuses: [404, 404],
        });
      }
      expect((await http.get(world.userA, `/events/${event.id}`)).status).toBe(200);
      expect((await http.get(world.bank1.colleague, `/events/${event.id}`)).status).toBe(200);
      const absent = '00000000-0000-4000-8000-000000000000';
      expect((await http.get(world.admin, `/events/${absent}/stats`)).status).toBe(404);
      expect((await convert(absent, intent.id)).status).toBe(404);
    });

    it('refuses roles not allowed with 403', async () => {
      const event = await createEvent();
      const intent = await recordIntent(
        world.admin,
        event.id,
        world.enterpriseA,
        world.bank1.id,
        '100000.00',
      );
      const body = {
        title: '对接会',
        theme: '首贷',
        date: '2026-04-15',
        format: 'offline',
      };
      const refused: [Person, 'get' | 'post', string, Record<string, unknown>][] = [
        [world.bank1.officer, 'post', '/events', body],
        [world.bank1.president, 'post', '/events', body],
        [world.auditor, 'post', '/events', body],
        [world.userA, 'post', '/events', body],
        [world.bank1.president, 'post', `/events/${event.id}/participants`, { bankIds: [] }],
        [
          world.userA,
          'post',
          `/events/${event.id}/intents`,
          { enterpriseId: world.enterpriseA, bankId: world.bank1.id, amount: '1.00' },
        ],
        [
          world.auditor,
          'post',
          `/events/${event.id}/intents`,
          { enterpriseId: world.enterpriseA, bankId: world.bank1.id, amount: '1.00' },
        ],
        [
          world.bank1.president,
          'post',
          `/events/${event.id}/intents/${intent.id}/convert`,
          CONVERSION,
        ],
        [
          world.bank1.officer,
          'post',
          `/events/${event.id}/intents/${intent.id}/convert`,
          CONVERSION,
        ],
        [world.auditor, 'post', `/events/${event.id}/intents/${intent.id}/convert`, CONVERSION],
        [world.bank1.president, 'get', `/events/${event.id}/stats`, {}],
        [world.userA, 'get', `/events/${event.id}/stats`, {}],
      ];
      for (const [who, method, path, payload] of refused) {
        const response =
          method === 'get' ? await http.get(who, path) : await http.post(who, path, payload);
        expect({ who: who.username, path, status: response.status }).toEqual({
          who: who.username,
          path,
          status: 403,
        });
      }
      const [{ status }] = await testApp.dataSource.query<{ status: string }[]>(
        'SELECT status FROM event_intents WHERE id = $1',
        [intent.id],
      );
      expect(status).toBe('open');
    });
  });
});
