import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../support/app.js';
import { buildWorld, World } from '../support/matchmaking.js';
import {
  insertApprovedApplications,
  shanghaiDate,
  TODAY_RENEWAL,
  turnoverClient,
} from '../support/turnover.js';

/** How long the random workload runs (TURNOVER_BANK_SECONDS raises it locally). */
const SECONDS = Number(process.env.TURNOVER_BANK_SECONDS ?? '8');
const FUNDS = 3;
const WORKERS = 6;
const PRINCIPAL_FEN = 50_000_000n;

interface Invariants {
  fundId: string;
  cash: string;
  receivable: string;
  capital: string;
  fee_income: string;
  loss: string;
  unbalanced: number;
}

/**
 * The bank test (Jepsen's bank workload, adapted to the fund): for a bounded time, concurrent
 * random capital injections and returns, disbursements, renewals and repayments across several
 * funds over HTTP. Throughout, a reader checks in one snapshot per fund that
 * cash + receivable = capital + fee income − loss, that no balance is negative and that every
 * journal balances; afterwards the same, reconcile, zero 5xx, and retried keys change nothing.
 */
describe('turnover fund: the bank test', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof turnoverClient>;
  let reader: pg.Client;

  beforeAll(async () => {
    testApp = await createTestApp({ THROTTLE_LIMIT: '1000000' });
    world = await buildWorld(testApp);
    http = turnoverClient(testApp);
    reader = new pg.Client({ connectionString: testApp.database.url });
    await reader.connect();
  });
  afterAll(async () => {
    await reader.end();
    await testApp.close();
  });

  /** Every fund's invariants, read in one REPEATABLE READ snapshot. */
  async function invariants(): Promise<Invariants[]> {
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      const { rows } = await reader.query<Invariants>(
        `SELECT f.id AS "fundId", f.cash_fen::text AS cash, f.receivable_fen::text AS receivable,
                f.capital_fen::text AS capital, f.fee_income_fen::text AS fee_income,
                f.loss_fen::text AS loss,
                (SELECT count(*)::int FROM (
                   SELECT l.journal_id FROM fund_journal_lines l WHERE l.fund_id = f.id
                    GROUP BY l.journal_id
                   HAVING sum(CASE WHEN l.side = 'debit' THEN l.amount_fen ELSE -l.amount_fen END) <> 0
                 ) unbalanced) AS unbalanced
           FROM turnover_funds f`,
      );
      return rows;
    } finally {
      await reader.query('COMMIT');
    }
  }

  function expectHolds(rows: Invariants[]): void {
    for (const row of rows) {
      const [cash, receivable, capital, fee, loss] = [
        row.cash,
        row.receivable,
        row.capital,
        row.fee_income,
        row.loss,
      ].map(BigInt);
      expect({ fund: row.fundId, equation: cash + receivable === capital + fee - loss }).toEqual({
        fund: row.fundId,
        equation: true,
      });
      expect(cash >= 0n && receivable >= 0n).toBe(true);
      expect(row.unbalanced).toBe(0);
    }
  }

  it('never loses or invents a fen under random concurrent money moves across several funds', async () => {
    const funds: string[] = [];
    const approved = new Map<string, string[]>();
    for (let index = 0; index < FUNDS; index += 1) {
      const fundId = await http.createFund(world.admin, { perUseCap: '20000000.00' });
      await http.inject(world.admin, fundId, '3000000.00');
      funds.push(fundId);
      approved.set(
        fundId,
        await insertApprovedApplications(testApp, {
          fundId,
          bankId: world.bank1.id,
          approverId: world.admin.id,
          count: 60,
          principalFen: PRINCIPAL_FEN,
        }),
      );
    }
    const disbursed: string[] = [];
    const renewed: string[] = [];
    const statuses: number[] = [];
    /** Each call that changed something, to be retried with its key at the end. */
    const done: { path: string; body: Record<string, unknown>; key: string; text: string }[] = [];
    const pick = <T>(items: T[]): T | undefined =>
      items.length === 0 ? undefined : items.splice(Math.floor(Math.random() * items.length), 1)[0];

    const keyed = async (
      who: 'admin' | 'otherAdmin',
      path: string,
      body: Record<string, unknown>,
    ) => {
      const key = randomUUID();
      const response: Response = await http.keyed(world[who], path, body, key);
      statuses.push(response.status);
      if (response.status < 300) {
        done.push({ path, body, key, text: response.text });
      }
      return response;
    };

    const step = async (): Promise<void> => {
      const fundId = funds[Math.floor(Math.random() * funds.length)];
      const roll = Math.random();
      if (roll < 0.15) {
        await keyed('admin', `/turnover-funds/${fundId}/capital`, {
          amount: `${1 + Math.floor(Math.random() * 500_000)}.${String(Math.floor(Math.random() * 100)).padStart(2, '0')}`,
          note: '追加资本金',
        });
      } else if (roll < 0.22) {
        await keyed('admin', `/turnover-funds/${fundId}/capital-returns`, {
          amount: `${1 + Math.floor(Math.random() * 300_000)}.00`,
          note: '收回资本金',
        });
      } else if (roll < 0.6) {
        const id = pick(approved.get(fundId) ?? []);
        if (id !== undefined) {
          const response = await keyed('otherAdmin', `/turnover-applications/${id}/disburse`, {});
          if (response.status === 200) {
            disbursed.push(id);
          } else {
            approved.get(fundId)?.push(id);
          }
        }
      } else if (roll < 0.75) {
        const id = pick(disbursed);
        if (id !== undefined) {
          const response = await http.act(world.bank1.officer, id, 'renewal', TODAY_RENEWAL());
          statuses.push(response.status);
          (response.status === 200 ? renewed : disbursed).push(id);
        }
      } else {
        const id = pick(Math.random() < 0.5 ? renewed : disbursed) ?? pick(disbursed);
        if (id !== undefined) {
          await keyed('admin', `/turnover-applications/${id}/repay`, { repaidOn: shanghaiDate() });
        }
      }
    };

    const deadline = Date.now() + SECONDS * 1000;
    let checks = 0;
    const workers = Array.from({ length: WORKERS }, async () => {
      while (Date.now() < deadline) {
        await step();
      }
    });
    const checker = (async () => {
      while (Date.now() < deadline) {
        expectHolds(await invariants());
        checks += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await Promise.all([...workers, checker]);

    expect(checks).toBeGreaterThan(0);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    // The workload really moved money: uses went out and came back.
    const [{ disbursements, repayments }] = await testApp.dataSource.query<
      { disbursements: number; repayments: number }[]
    >(
      `SELECT count(*) FILTER (WHERE kind = 'disbursement')::int AS disbursements,
              count(*) FILTER (WHERE kind = 'repayment')::int AS repayments
         FROM fund_journals`,
    );
    expect(disbursements).toBeGreaterThan(0);
    expect(repayments).toBeGreaterThan(0);
    expectHolds(await invariants());
    for (const fundId of funds) {
      expect(await http.reconcile(world.admin, fundId)).toMatchObject({ ok: true });
    }

    // Retried with their keys, twenty of the calls answer as before and change nothing.
    const journalsBefore = await testApp.dataSource.query('SELECT count(*) FROM fund_journals');
    const balancesBefore = await invariants();
    for (const call of done.slice(0, 20)) {
      const who = call.path.endsWith('/disburse') ? world.otherAdmin : world.admin;
      const again = await http.keyed(who, call.path, call.body, call.key);
      expect(again.text).toBe(call.text);
    }
    expect(await testApp.dataSource.query('SELECT count(*) FROM fund_journals')).toEqual(
      journalsBefore,
    );
    expect(await invariants()).toEqual(balancesBefore);
  });
});
