import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../support/app.js';
import { APPROVAL, buildWorld, client, disbursement, World } from '../support/matchmaking.js';

const ROUNDS = 10;

/**
 * Races on one match or request, each through the real HTTP stack and PostgreSQL: the guarded
 * UPDATEs and the request lock must leave exactly one winner and a consistent end state.
 */
describe('matchmaking under concurrency', () => {
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

  const statuses = (responses: Response[]): number[] =>
    responses.map((response) => response.status).sort();
  const countEvents = async (matchId: string, action: string): Promise<number> => {
    const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM request_events WHERE match_id = $1 AND action = $2',
      [matchId, action],
    );
    return count;
  };
  const countAudits = async (entityId: string, action: string): Promise<number> => {
    const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM audit_events WHERE entity_id = $1 AND action = $2',
      [entityId, action],
    );
    return count;
  };

  /** A request of enterprise A pushed to bank 1, brought to `state` through the API. */
  const matchIn = async (
    state: 'dispatched' | 'approved',
  ): Promise<{ requestId: string; matchId: string }> => {
    const requestId = await http.file(world.userA);
    const matchId = await http.dispatch(world.admin, requestId, world.bank1.id);
    if (state === 'approved') {
      await http.ok(http.act(world.bank1.president, matchId, 'accept'));
      await http.ok(http.act(world.bank1.president, matchId, 'approve', APPROVAL));
    }
    return { requestId, matchId };
  };

  it('lets exactly one of two concurrent accepts win; the other answers 409', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { matchId } = await matchIn('dispatched');
      const responses = await Promise.all([
        http.act(world.bank1.president, matchId, 'accept'),
        http.act(world.bank1.officer, matchId, 'accept'),
      ]);
      expect(statuses(responses)).toEqual([200, 409]);
      const loser = responses.find((response) => response.status === 409);
      expect(loser?.body).toMatchObject({
        code: 'INVALID_TRANSITION',
        currentStatus: 'accepted',
      });
      expect(await countEvents(matchId, 'match.accepted')).toBe(1);
      expect(await countAudits(matchId, 'match.accepted')).toBe(1);
    }
  });

  it('records exactly one of two concurrent disbursements, and funds the request once', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { requestId, matchId } = await matchIn('approved');
      const responses = await Promise.all([
        http.act(
          world.bank1.president,
          matchId,
          'disburse',
          disbursement({ amount: '1000000.00', contractNo: `A-${round}` }),
        ),
        http.act(
          world.bank1.officer,
          matchId,
          'disburse',
          disbursement({ amount: '2000000.00', contractNo: `B-${round}` }),
        ),
      ]);
      expect(statuses(responses)).toEqual([200, 409]);
      const winner = responses.find((response) => response.status === 200);
      const [row] = await testApp.dataSource.query<
        { status: string; amount: string; contract_no: string; request_status: string }[]
      >(
        `SELECT m.status, m.disbursed_amount_fen::text AS amount, m.contract_no,
                r.status AS request_status
           FROM matches m JOIN financing_requests r ON r.id = m.request_id WHERE m.id = $1`,
        [matchId],
      );
      const won = winner?.body as { disbursedAmount: string; contractNo: string };
      expect(row).toEqual({
        status: 'disbursed',
        amount: won.disbursedAmount === '1000000.00' ? '100000000' : '200000000',
        contract_no: won.contractNo,
        request_status: 'funded',
      });
      expect(await countEvents(matchId, 'match.disbursed')).toBe(1);
      expect(await countEvents(matchId, 'request.funded')).toBe(1);
      expect(await countAudits(requestId, 'financing_request.funded')).toBe(1);
    }
  });

  it('ends a withdrawal racing a disbursement either withdrawn and cancelled or funded and disbursed', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < ROUNDS; round += 1) {
      const { requestId, matchId } = await matchIn('approved');
      const [withdrawal, payment] = await Promise.all([
        http.post(world.userA, `/financing-requests/${requestId}/withdraw`),
        http.act(world.bank1.officer, matchId, 'disburse', disbursement()),
      ]);
      const [row] = await testApp.dataSource.query<{ request: string; match: string }[]>(
        `SELECT r.status AS request, m.status AS match
           FROM matches m JOIN financing_requests r ON r.id = m.request_id WHERE m.id = $1`,
        [matchId],
      );
      const outcome = `${row.request}/${row.match}`;
      expect(['withdrawn/cancelled', 'funded/disbursed']).toContain(outcome);
      // The HTTP answers agree with the end state: one 200, one 409.
      if (outcome === 'withdrawn/cancelled') {
        expect([withdrawal.status, payment.status]).toEqual([200, 409]);
        expect(payment.body).toMatchObject({ currentStatus: 'cancelled' });
      } else {
        expect([withdrawal.status, payment.status]).toEqual([409, 200]);
        expect(withdrawal.body).toMatchObject({ currentStatus: 'funded' });
      }
      outcomes.add(outcome);
    }
    expect(outcomes.size).toBeGreaterThan(0);
  });

  it('dispatches concurrently to one bank only once: one 201, one 409 ALREADY_DISPATCHED_TO_BANK', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const requestId = await http.file(world.userA);
      const responses = await Promise.all(
        [world.admin, world.otherAdmin].map((admin) =>
          http.post(admin, `/financing-requests/${requestId}/dispatch`, {
            bankId: world.bank2.id,
          }),
        ),
      );
      expect(statuses(responses)).toEqual([201, 409]);
      const loser = responses.find((response) => response.status === 409);
      expect(loser?.body).toMatchObject({ code: 'ALREADY_DISPATCHED_TO_BANK' });
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM matches WHERE request_id = $1',
        [requestId],
      );
      expect(count).toBe(1);
    }
  });

  it('reopens a request exactly once when its last two open matches are declined at the same time', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const requestId = await http.file(world.userA);
      const first = await http.dispatch(world.admin, requestId, world.bank1.id);
      const second = await http.dispatch(world.admin, requestId, world.bank2.id);
      const responses = await Promise.all([
        http.act(world.bank1.president, first, 'decline', {
          reasonCode: 'outside_appetite',
          reason: '不符合授信政策',
        }),
        http.act(world.bank2.president, second, 'decline', {
          reasonCode: 'credit_history',
          reason: '征信有逾期',
        }),
      ]);
      expect(statuses(responses)).toEqual([200, 200]);
      const events = await testApp.dataSource.query<{ action: string }[]>(
        `SELECT action FROM request_events WHERE request_id = $1 AND action = 'request.reopened'`,
        [requestId],
      );
      expect(events).toHaveLength(1);
      const [{ status }] = await testApp.dataSource.query<{ status: string }[]>(
        'SELECT status FROM financing_requests WHERE id = $1',
        [requestId],
      );
      expect(status).toBe('submitted');
    }
  });
});
