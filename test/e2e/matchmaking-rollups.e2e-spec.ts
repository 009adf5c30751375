import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Role } from '../../src/common/auth/role.js';
import { Clock } from '../../src/common/clock.js';
import { EscalationSweep } from '../../src/modules/escalation/escalation-sweep.service.js';
import {
  countsOf,
  EMPTY_COUNTS,
  type FiguresRow,
  toFigures,
} from '../../src/modules/stats/matchmaking-report.js';
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

type Grouping = 'bank' | 'region' | 'month';

/** How the raw reference names its groups (the service's statement before the roll-ups). */
const RAW_GROUPINGS: Record<Grouping, { key: string; label: string; sort: string }> = {
  bank: { key: 'm.bank_id::text', label: 'b.name', sort: 'b.name' },
  region: {
    key: 'e.region_code',
    label: 'reg.name',
    sort: "lpad(reg.sort_order::text, 10, '0') || reg.code",
  },
  month: {
    key: "to_char(m.dispatched_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
    label: "to_char(m.dispatched_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
    sort: "to_char(m.dispatched_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')",
  },
};

/** The figures by a plain GROUP BY over the raw tables: the reference the roll-ups must equal. */
function rawSql(groupBy: Grouping | null): string {
  const grouping = groupBy === null ? null : RAW_GROUPINGS[groupBy];
  const scopes = grouping === null ? '(VALUES (true))' : '(VALUES (true), (false))';
  return `WITH pushed AS (
     SELECT m.id, m.request_id, m.status, m.dispatched_at, m.accepted_at, m.response_due_at,
            m.escalated_at, m.disbursed_amount_fen, r.enterprise_id, r.amount_fen AS request_amount_fen,
            ${grouping?.key ?? 'NULL::text'} AS bucket, ${grouping?.label ?? 'NULL::text'} AS bucket_label,
            ${grouping?.sort ?? 'NULL::text'} AS bucket_sort
       FROM matches m
       JOIN financing_requests r ON r.id = m.request_id
       JOIN enterprises e ON e.id = r.enterprise_id
       JOIN banks b ON b.id = m.bank_id
       JOIN regions reg ON reg.code = e.region_code
      WHERE m.dispatched_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai')
        AND m.dispatched_at < ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
        AND ($3::uuid IS NULL OR m.bank_id = $3::uuid)
   ),
   scoped AS (
     SELECT scope.is_total,
            CASE WHEN scope.is_total THEN NULL ELSE p.bucket END AS group_key,
            CASE WHEN scope.is_total THEN NULL ELSE p.bucket_label END AS group_label,
            CASE WHEN scope.is_total THEN NULL ELSE p.bucket_sort END AS group_sort, p.*
       FROM pushed p CROSS JOIN ${scopes} AS scope (is_total)
   ),
   ranked AS (
     SELECT s.*, row_number() OVER (PARTITION BY s.is_total, s.group_key, s.request_id ORDER BY s.id)
              AS request_rank
       FROM scoped s
   )
   SELECT is_total, group_key, group_label,
          count(DISTINCT enterprise_id)::int AS enterprises_pushed,
          coalesce(sum(request_amount_fen) FILTER (WHERE request_rank = 1), 0)::text AS demand_fen,
          count(DISTINCT enterprise_id) FILTER (WHERE status = 'disbursed')::int AS enterprises_funded,
          coalesce(sum(disbursed_amount_fen) FILTER (WHERE status = 'disbursed'), 0)::text
            AS disbursed_fen,
          count(*)::int AS matches_pushed,
          count(*) FILTER (WHERE accepted_at IS NOT NULL)::int AS matches_accepted,
          count(*) FILTER (WHERE accepted_at <= response_due_at)::int AS matches_accepted_on_time,
          (percentile_cont(0.5) WITHIN GROUP (
             ORDER BY (extract(epoch FROM accepted_at - dispatched_at) * 1000)::bigint)
             FILTER (WHERE accepted_at IS NOT NULL))::numeric::text AS median_milliseconds,
          count(*) FILTER (WHERE status = 'dispatched' AND escalated_at IS NOT NULL)::int
            AS open_escalations
     FROM ranked
    GROUP BY is_total, group_key, group_label, group_sort
    ORDER BY is_total, group_sort, group_key`;
}

function figuresOf(row: FiguresRow) {
  return toFigures(countsOf(row));
}

/*
 * The roll-ups (migration 1764301450000) answer the statistics; the raw tables are the truth.
 * A mixed history — dispatches to several banks across days and months, accepts, approvals,
 * disbursements, declines, recalls, a closed request, escalations, concurrent moves on one
 * enterprise, a region change, an amount edit — then every grouping, bank filter and period
 * must equal the plain GROUP BY to the fen, and the roll-up tables must equal their rebuild.
 */
describe('matchmaking roll-ups equal the raw tables', () => {
  let testApp: TestApp;
  const banks: string[] = [];
  const enterprises: string[] = [];
  const sessions: Record<string, Session> = {};

  function at(instant: string): void {
    jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(new Date(instant));
  }

  async function post(who: string, path: string, body: Record<string, unknown> = {}) {
    const response = await testApp
      .http()
      .post(api(path))
      .set(...bearer(sessions[who]))
      .send(body);
    expect({ path, status: response.status, body: response.body as unknown }).toMatchObject({
      path,
      status: expect.any(Number),
    });
    if (response.status >= 300) {
      throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body as { id: string };
  }

  const file = async (enterprise: number, amount: string): Promise<string> =>
    (
      await post('admin', '/financing-requests', {
        enterpriseId: enterprises[enterprise],
        amount,
        termMonths: 12,
        purpose: 'working_capital',
        guaranteeOffered: 'credit',
      })
    ).id;
  const dispatch = async (requestId: string, bank: number): Promise<string> =>
    (await post('admin', `/financing-requests/${requestId}/dispatch`, { bankId: banks[bank] })).id;
  const president = (bank: number): string => `president.${bank}`;
  const accept = (bank: number, match: string) => post(president(bank), `/matches/${match}/accept`);
  const approve = (bank: number, match: string, amount: string) =>
    post(president(bank), `/matches/${match}/approve`, {
      approvedAmount: amount,
      annualRate: '0.0385',
      termMonths: 12,
    });
  const disburse = (bank: number, match: string, amount: string, on: string) =>
    post(president(bank), `/matches/${match}/disburse`, {
      amount,
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
    const regions = ['220502', '220582', '220521', '220502', '220582', '220523'];
    for (const [index, regionCode] of regions.entries()) {
      enterprises.push(await insertEnterprise(dataSource, `企业${index}`, { regionCode }));
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
    const sweep = testApp.app.get(EscalationSweep);

    // March: E0 twice (two days), E1 to two banks, E2 declined then re-dispatched later.
    at('2026-03-02T02:00:00.000Z');
    const r1 = await file(0, '1000000.00');
    const r2 = await file(1, '2000000.00');
    const r3 = await file(2, '300000.00');
    const m1 = await dispatch(r1, 0);
    const m2a = await dispatch(r2, 0);
    const m2b = await dispatch(r2, 1);
    const m3 = await dispatch(r3, 2);
    at('2026-03-02T05:30:00.000Z');
    await accept(0, m1);
    await accept(1, m2b);
    at('2026-03-03T01:00:00.000Z');
    await approve(0, m1, '1000000.00');
    await disburse(0, m1, '750000.25', '2026-03-03');
    await decline(2, m3);
    at('2026-03-16T15:59:59.000Z');
    const r4 = await file(0, '450000.00');
    const m4 = await dispatch(r4, 1);
    await dispatch(r3, 0);
    at('2026-03-16T16:00:00.000Z'); // 03-17 00:00 in Shanghai
    const m3again = await dispatch(r3, 1);
    await accept(0, m2a);
    at('2026-03-20T02:00:00.000Z');
    await sweep.sweep();

    // April: concurrent moves on one enterprise's requests, in several banks.
    at('2026-04-01T02:00:00.000Z');
    const r5 = await file(3, '880000.00');
    const r6 = await file(3, '120000.00');
    const r7 = await file(4, '5000000.00');
    const [m5, m6, m7a, m7b] = await Promise.all([
      dispatch(r5, 0),
      dispatch(r6, 1),
      dispatch(r7, 1),
      dispatch(r7, 2),
    ]);
    at('2026-04-01T03:17:00.000Z');
    await Promise.all([
      accept(0, m5),
      accept(1, m6),
      accept(1, m7a),
      accept(2, m7b),
      accept(1, m4),
    ]);
    at('2026-04-02T03:00:00.000Z');
    await Promise.all([
      approve(0, m5, '880000.00'),
      approve(1, m6, '120000.00'),
      approve(1, m7a, '3000000.00'),
      approve(2, m7b, '2000000.00'),
      accept(1, m3again),
    ]);
    await Promise.all([
      disburse(0, m5, '880000.00', '2026-04-02'),
      disburse(1, m6, '100000.01', '2026-04-02'),
      disburse(1, m7a, '3000000.00', '2026-04-02'),
      decline(2, m7b),
    ]);
    await accept(1, m2b).catch(() => undefined); // already accepted: refused, nothing changes

    // May: a request closed with an open match, a recall.
    at('2026-05-05T02:00:00.000Z');
    const r8 = await file(5, '660000.00');
    const r9 = await file(5, '990000.00');
    await dispatch(r8, 0);
    const m9 = await dispatch(r9, 2);
    await post('admin', `/matches/${m9}/recall`, { reason: '超过响应时限未受理，改派他行' });
    await post('admin', `/financing-requests/${r8}/close`, { reason: '企业已另行融资' });
    at('2026-05-20T02:00:00.000Z');
    await sweep.sweep();

    // Edits the services do not make, by SQL: the triggers keep the roll-ups right anyway.
    await dataSource.query(`UPDATE enterprises SET region_code = '220503' WHERE id = $1`, [
      enterprises[0],
    ]);
    await dataSource.query(
      `UPDATE financing_requests SET amount_fen = amount_fen + 7 WHERE id = $1`,
      [r2],
    );
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await testApp.close();
  });

  const periods = [
    { from: '2026-01-01', to: '2026-12-31' },
    { from: '2026-03-02', to: '2026-03-17' },
    { from: '2026-03-17', to: '2026-04-02' },
    { from: '2026-03-03', to: '2026-05-06' },
    { from: '2026-04-01', to: '2026-04-02' },
  ];

  it('answers every grouping, bank filter and period as the raw GROUP BY does, to the fen', async () => {
    const { dataSource } = testApp;
    for (const period of periods) {
      for (const groupBy of [null, 'bank', 'region', 'month'] as const) {
        for (const bankId of [null, ...banks]) {
          const response = await testApp
            .http()
            .get(api('/stats/matchmaking'))
            .query({
              ...period,
              ...(groupBy === null ? {} : { groupBy }),
              ...(bankId === null ? {} : { bankId }),
            })
            .set(...bearer(sessions.admin));
          expect(response.status).toBe(200);
          const raw = await dataSource.query<FiguresRow[]>(rawSql(groupBy), [
            period.from,
            period.to,
            bankId,
          ]);
          const total = raw.find((row) => row.is_total);
          const expected = {
            groups: raw
              .filter((row) => !row.is_total)
              .map((row) => ({
                key: row.group_key ?? '',
                label: row.group_label ?? row.group_key ?? '',
                ...figuresOf(row),
              })),
            total: total === undefined ? toFigures(EMPTY_COUNTS) : figuresOf(total),
          };
          const body = response.body as { groups: unknown; total: unknown };
          expect({ period, groupBy, bankId, groups: body.groups, total: body.total }).toEqual({
            period,
            groupBy,
            bankId,
            ...expected,
          });
        }
      }
    }
  });

  it('keeps every roll-up table equal to its rebuild from the raw tables', async () => {
    const { dataSource } = testApp;
    const tables: Record<string, { columns: string; where: string }> = {
      bank_request_stakes: {
        columns: 'bank_id, request_id, request_status, request_created_at',
        where: 'TRUE',
      },
      matchmaking_presence: {
        columns:
          'scope_bank, kind, entity_id, day, prev_day, enterprise_id, region_code, amount_fen',
        where: 'TRUE',
      },
      matchmaking_accepts: {
        columns: 'match_id, day, bank_id, region_code, enterprise_id, accept_ms',
        where: 'TRUE',
      },
      // A moved enterprise leaves zeroed counters behind, which add nothing: not compared.
      matchmaking_daily: {
        columns: `scope_bank, day, region_code, matches_pushed, matches_accepted,
          matches_accepted_on_time, disbursed_fen, open_escalations, first_enterprises,
          first_funded_enterprises, first_demand_fen`,
        where: `(matches_pushed, matches_accepted, matches_accepted_on_time, disbursed_fen,
          open_escalations, first_enterprises, first_funded_enterprises, first_demand_fen)
          <> (0, 0, 0, 0, 0, 0, 0, 0)`,
      },
    };
    const read = async (table: string): Promise<unknown[]> =>
      dataSource.query(
        `SELECT ${tables[table].columns} FROM ${table} WHERE ${tables[table].where}
          ORDER BY ${tables[table].columns}`,
      );
    // The rebuild drops the tables' keys and indexes to load them bare: all must come back.
    const schema = async (): Promise<unknown[]> =>
      dataSource.query(
        `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
           FROM pg_index WHERE indrelid = ANY ($1::regclass[])
         UNION ALL
         SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
          WHERE conrelid = ANY ($1::regclass[]) AND contype <> 'n'
         ORDER BY 1, 2`,
        [Object.keys(tables)],
      );
    const keptSchema = await schema();
    expect(keptSchema.length).toBeGreaterThanOrEqual(20);
    const kept: Record<string, unknown[]> = {};
    for (const table of Object.keys(tables)) {
      kept[table] = await read(table);
      expect(kept[table].length).toBeGreaterThan(0);
    }
    await dataSource.query('SELECT matchmaking_rollups_rebuild()');
    for (const table of Object.keys(tables)) {
      expect({ table, rows: await read(table) }).toEqual({ table, rows: kept[table] });
    }
    expect(await schema()).toEqual(keptSchema);
  });
});
