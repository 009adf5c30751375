import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
import { Clock } from '../../src/common/clock.js';
import { BankRecordsReader } from '../../src/modules/suggestions/bank-records.js';
import type { BankRecord } from '../../src/modules/suggestions/suggestion-score.js';
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

const api = (path: string): string => `/api/v1${path}`;
const WINDOW_MILLISECONDS = 180 * 86_400_000;

/**
 * The banks' record as the service computed it before the day roll-ups: one grouped query over
 * the raw matches of the window (plus the open ones), the exact median by percentile_cont. The
 * reference the fast record must equal.
 */
const RAW_RECORDS_SQL = `SELECT b.id AS bank_id,
        count(m.id) FILTER (WHERE m.dispatched_at >= $2)::int AS dispatched,
        count(m.id) FILTER (WHERE m.dispatched_at >= $2 AND m.status = 'disbursed')::int
          AS disbursed,
        count(m.id) FILTER (WHERE m.dispatched_at >= $2 AND m.accepted_at IS NOT NULL)::int
          AS accepted,
        (percentile_cont(0.5) WITHIN GROUP (
           ORDER BY (extract(epoch FROM m.accepted_at - m.dispatched_at) * 1000)::bigint)
           FILTER (WHERE m.dispatched_at >= $2 AND m.accepted_at IS NOT NULL))::numeric::text
          AS median_milliseconds,
        count(m.id) FILTER (WHERE m.status IN ('dispatched', 'accepted', 'approved'))::int
          AS open_matches,
        (SELECT count(*)::int FROM users u
          WHERE u.bank_id = b.id AND u.disabled_at IS NULL
            AND u.role IN ('bank_officer', 'bank_president')) AS active_officers
   FROM banks b
   LEFT JOIN matches m ON m.bank_id = b.id
    AND (m.dispatched_at >= $2 OR m.status IN ('dispatched', 'accepted', 'approved'))
  WHERE b.id = ANY($1::uuid[])
  GROUP BY b.id`;

interface RawRecordRow {
  bank_id: string;
  dispatched: number;
  disbursed: number;
  accepted: number;
  median_milliseconds: string | null;
  open_matches: number;
  active_officers: number;
}

const byBank = (left: BankRecord, right: BankRecord): number =>
  left.bankId < right.bankId ? -1 : left.bankId > right.bankId ? 1 : 0;

/*
 * The suggestions' bank record (migration 1764301650000: day rows kept by a trigger, the median
 * walked on an index) must equal the raw query at every instant: after a mixed history through
 * the workflow — dispatches on one UTC day before and after the window's edge, one at midnight
 * exactly, accepts (odd and even counts, millisecond durations), declines, approvals,
 * disbursements, a recall, a closed request, concurrent moves — and at each instant a match
 * enters its last millisecond in the window or ages out of it.
 */
describe("the suggestions' bank record equals the raw query", () => {
  let testApp: TestApp;
  const banks: string[] = [];
  const enterprises: string[] = [];
  const sessions: Record<string, Session> = {};

  function at(instant: string | number): void {
    jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(new Date(instant));
  }

  async function post(who: string, path: string, body: Record<string, unknown> = {}) {
    const response = await testApp
      .http()
      .post(api(path))
      .set(...bearer(sessions[who]))
      .send(body);
    if (response.status >= 300) {
      throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body as { id: string };
  }

  const file = async (enterprise: number): Promise<string> =>
    (
      await post('admin', '/financing-requests', {
        enterpriseId: enterprises[enterprise],
        amount: '1000000.00',
        termMonths: 12,
        purpose: 'working_capital',
        guaranteeOffered: 'credit',
      })
    ).id;
  const dispatch = async (requestId: string, bank: number): Promise<string> =>
    (await post('admin', `/financing-requests/${requestId}/dispatch`, { bankId: banks[bank] })).id;
  const president = (bank: number): string => `president.${bank}`;
  const accept = (bank: number, match: string) => post(president(bank), `/matches/${match}/accept`);
  const approve = (bank: number, match: string) =>
    post(president(bank), `/matches/${match}/approve`, {
      approvedAmount: '1000000.00',
      annualRate: '0.0385',
      termMonths: 12,
    });
  const disburse = (bank: number, match: string, on: string) =>
    post(president(bank), `/matches/${match}/disburse`, {
      amount: '999999.99',
      disbursedOn: on,
      contractNo: `HT-${match.slice(0, 8)}`,
    });
  const decline = (bank: number, match: string) =>
    post(president(bank), `/matches/${match}/decline`, {
      reasonCode: 'credit_history',
      reason: '征信有逾期记录',
    });

  beforeAll(async () => {
    testApp = await createTestApp();
    const { dataSource } = testApp;
    for (const name of ['吉林银行通化分行', '中国银行通化分行', '通化农村商业银行']) {
      banks.push(await insertBank(dataSource, name));
    }
    for (let index = 0; index < 4; index += 1) {
      enterprises.push(await insertEnterprise(dataSource, `企业${index}`));
    }
    await insertUser(dataSource, { username: 'admin', role: Role.Admin });
    sessions.admin = await login(testApp, 'admin');
    for (const [index, bankId] of banks.entries()) {
      await insertUser(dataSource, {
        username: president(index),
        role: Role.BankPresident,
        bankId,
      });
      sessions[president(index)] = await login(testApp, president(index));
    }
    await insertUser(dataSource, {
      username: 'officer.0',
      role: Role.BankOfficer,
      bankId: banks[0],
    });
    const gone = await insertUser(dataSource, {
      username: 'officer.0b',
      role: Role.BankOfficer,
      bankId: banks[0],
    });
    await dataSource.query('UPDATE users SET disabled_at = now() WHERE id = $1', [gone.id]);

    // Two dispatches on one UTC day; accepts 90 min 7 ms and 4 h later.
    at('2026-01-10T02:00:00.000Z');
    const m1 = await dispatch(await file(0), 0);
    at('2026-01-10T05:00:00.000Z');
    const m2 = await dispatch(await file(1), 0);
    at('2026-01-10T03:30:00.007Z');
    await accept(0, m1);
    at('2026-01-10T09:00:00.000Z');
    await accept(0, m2);

    // At midnight UTC exactly: one bank disburses, the other accepts and then declines.
    at('2026-02-01T00:00:00.000Z');
    const r3 = await file(2);
    const m3 = await dispatch(r3, 1);
    const m3b = await dispatch(r3, 0);
    at('2026-02-01T01:00:00.003Z');
    await accept(1, m3);
    at('2026-02-01T02:00:00.000Z');
    await accept(0, m3b);
    await decline(0, m3b);
    await approve(1, m3);
    await disburse(1, m3, '2026-02-01');

    // Concurrent moves across banks and enterprises.
    at('2026-03-05T08:00:00.000Z');
    const [r4, r5, r6] = await Promise.all([file(3), file(0), file(1)]);
    const [m4a, m4b, m5, m6] = await Promise.all([
      dispatch(r4, 0),
      dispatch(r4, 1),
      dispatch(r5, 1),
      dispatch(r6, 0),
    ]);
    at('2026-03-05T10:00:00.001Z');
    await Promise.all([accept(0, m4a), accept(1, m4b), accept(1, m5)]);
    at('2026-03-05T10:00:00.004Z');
    await accept(0, m6);
    at('2026-03-06T10:00:00.000Z');
    await Promise.all([approve(0, m4a), decline(1, m4b), approve(1, m5)]);
    await Promise.all([disburse(0, m4a, '2026-03-06'), disburse(1, m5, '2026-03-06')]);

    // Open, recalled and cancelled matches.
    at('2026-06-01T04:00:00.000Z');
    const r7 = await file(2);
    await dispatch(r7, 0);
    const m7 = await dispatch(r7, 1);
    await post('admin', `/matches/${m7}/recall`, { reason: '超过响应时限未受理，改派他行' });
    const r8 = await file(3);
    await dispatch(r8, 1);
    await post('admin', `/financing-requests/${r8}/close`, { reason: '企业已另行融资' });
  }, 300_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await testApp?.close();
  });

  it('at every instant a match reaches the edge of the window, and on either side of it', async () => {
    const { dataSource } = testApp;
    const reader = testApp.app.get(BankRecordsReader);
    const dispatches = await dataSource.query<{ at: Date }[]>(
      'SELECT DISTINCT dispatched_at AS at FROM matches ORDER BY 1',
    );
    expect(dispatches.length).toBeGreaterThanOrEqual(5);
    const instants = [
      Date.parse('2026-06-10T00:00:00.000Z'),
      ...dispatches.flatMap(({ at: dispatchedAt }) => [
        dispatchedAt.getTime() + WINDOW_MILLISECONDS - 1,
        dispatchedAt.getTime() + WINDOW_MILLISECONDS,
        dispatchedAt.getTime() + WINDOW_MILLISECONDS + 1,
      ]),
      Date.parse('2027-06-01T00:00:00.000Z'),
    ];
    const seen = new Set<string>();
    for (const now of instants) {
      at(now);
      const raw = await dataSource.query<RawRecordRow[]>(RAW_RECORDS_SQL, [
        banks,
        new Date(now - WINDOW_MILLISECONDS),
      ]);
      const expected = raw
        .map((row) => ({
          bankId: row.bank_id,
          dispatched: row.dispatched,
          disbursed: row.disbursed,
          accepted: row.accepted,
          medianMillisecondsToAccept: row.median_milliseconds,
          openMatches: row.open_matches,
          activeOfficers: row.active_officers,
        }))
        .sort(byBank);
      const instant = new Date(now).toISOString();
      expect({ instant, records: (await reader.records(banks)).sort(byBank) }).toEqual({
        instant,
        records: expected,
      });
      seen.add(JSON.stringify(expected));
    }
    // The history is rich enough to tell the instants apart, medians between two values included.
    expect(seen.size).toBeGreaterThanOrEqual(5);
    expect([...seen].some((records) => /"medianMillisecondsToAccept":"\d+\.5"/.test(records))).toBe(
      true,
    );
  });

  it('keeps the day rows equal to their rebuild from the matches', async () => {
    const { dataSource } = testApp;
    // Several matches of one bank and day in one statement (as bulk writers and the escalation
    // tests insert them): the trigger must add them to that day's row once, as a sum.
    const [cloned] = await dataSource.query<[{ count: number }]>(
      `WITH busiest AS (
         SELECT bank_id, max(dispatched_at) AS at FROM matches
          GROUP BY bank_id ORDER BY count(*) DESC, bank_id LIMIT 1
       ), inserted AS (
         INSERT INTO matches (request_id, bank_id, president_id, dispatched_by, status,
                              dispatched_at, response_due_at, decline_reason_code, decline_reason)
         SELECT m.request_id, m.bank_id, m.president_id, m.dispatched_by, 'declined', busiest.at,
                m.response_due_at, 'other', 'bulk'
           FROM matches m JOIN busiest ON busiest.bank_id = m.bank_id
         RETURNING 1
       )
       SELECT count(*)::int AS count FROM inserted`,
    );
    expect(cloned.count).toBeGreaterThanOrEqual(3);
    const read = (): Promise<unknown[]> =>
      dataSource.query(
        `SELECT bank_id, day, dispatched, accepted, disbursed, open_matches FROM bank_record_days
          WHERE (dispatched, accepted, disbursed, open_matches) <> (0, 0, 0, 0)
          ORDER BY bank_id, day`,
      );
    const kept = await read();
    expect(kept.length).toBeGreaterThan(3);
    await dataSource.query('SELECT bank_record_days_rebuild()');
    expect(await read()).toEqual(kept);
  });
});
