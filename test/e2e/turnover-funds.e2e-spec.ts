import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../support/app.js';
import { buildWorld, problem, World } from '../support/matchmaking.js';
import { fundBody, turnoverClient } from '../support/turnover.js';

interface JournalBody {
  id: string;
  position: string;
  kind: string;
  memo: string | null;
  lines: { lineNo: number; account: string; side: string; amount: string }[];
}

/** Funds: settings, who sees what, capital through the ledger, reconciliation, DB guarantees. */
describe('turnover funds and their ledger', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof turnoverClient>;

  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    http = turnoverClient(testApp);
  });
  afterAll(async () => {
    await testApp.close();
  });

  const auditCount = async (entityId: string, action: string): Promise<number> => {
    const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM audit_events WHERE entity_id = $1 AND action = $2',
      [entityId, action],
    );
    return count;
  };
  const journalCount = async (fundId: string): Promise<number> => {
    const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM fund_journals WHERE fund_id = $1',
      [fundId],
    );
    return count;
  };

  describe('settings and views', () => {
    it('creates a fund with the default caps and shows administrators and auditors everything', async () => {
      const response = await http.post(
        world.admin,
        '/turnover-funds',
        fundBody({ minFee: '5000' }),
      );
      expect(response.status).toBe(201);
      const id = (response.body as { id: string }).id;
      for (const reader of [world.admin, world.auditor]) {
        const read = await http.get(reader, `/turnover-funds/${id}`);
        expect(read.status).toBe(200);
        expect(read.body).toMatchObject({
          id,
          open: true,
          suspended: false,
          newBusinessStopped: false,
          settingsVersion: 1,
          terms: {
            tierDays: 5,
            tier1DailyRate: '0.0002',
            tier2DailyRate: '0.0004',
            overdueDailyRate: '0.0008',
            dayCount: 'calendar',
            maxDays: 15,
            perUseCap: '20000000.00',
            commitmentCapRatio: '0.95',
            benchmarkDailyRate: '0.004',
            minFee: '5000.00',
            overdueStopRatio: '0.4',
          },
          balances: {
            cash: '0.00',
            receivable: '0.00',
            capital: '0.00',
            feeIncome: '0.00',
            loss: '0.00',
          },
          overduePrincipal: '0.00',
        });
      }
      expect(await auditCount(id, 'turnover_fund.created')).toBe(1);
    });

    it('shows bank staff and enterprises only the name, the terms and whether it is open', async () => {
      const id = await http.createFund(world.admin);
      for (const reader of [world.userA, world.bank1.officer, world.bank2.president]) {
        const read = await http.get(reader, `/turnover-funds/${id}`);
        expect(read.status).toBe(200);
        expect(Object.keys(read.body as object).sort()).toEqual(['id', 'name', 'open', 'terms']);
        const list = await http.get(reader, '/turnover-funds?limit=100');
        expect(list.status).toBe(200);
        const items = (list.body as { items: object[] }).items;
        expect(items.length).toBeGreaterThan(0);
        expect(
          items.every((item) => Object.keys(item).sort().join() === 'id,name,open,terms'),
        ).toBe(true);
      }
    });

    it('refuses invalid settings (400), a taken name (409) and other roles (403)', async () => {
      const bad = [
        { tier1DailyRate: '1.5' },
        { tier1DailyRate: 0.0002 },
        { commitmentCapRatio: '0' },
        { commitmentCapRatio: '1.01' },
        { perUseCap: '0.00' },
        { perUseCap: 20000000 },
        { dayCount: 'lunar' },
        { maxDays: 0 },
        { unknown: true },
      ];
      for (const overrides of bad) {
        const response = await http.post(world.admin, '/turnover-funds', fundBody(overrides));
        expect({ overrides, status: response.status }).toEqual({ overrides, status: 400 });
      }
      const name = `重名基金-${randomUUID()}`;
      await http.createFund(world.admin, { name });
      expect(problem(await http.post(world.admin, '/turnover-funds', fundBody({ name })))).toEqual({
        status: 409,
        code: 'CONFLICT',
        fields: ['name'],
      });
      for (const who of [world.auditor, world.userA, world.bank1.president]) {
        expect((await http.post(who, '/turnover-funds', fundBody())).status).toBe(403);
      }
    });

    it('audits a settings change with only the changed fields, and a PATCH that changes nothing writes nothing', async () => {
      const id = await http.createFund(world.admin);
      const changed = await http.patch(world.admin, `/turnover-funds/${id}`, {
        tier2DailyRate: '0.00045',
        tier1DailyRate: '0.00020',
        minFee: '100.00',
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        settingsVersion: 2,
        terms: { tier1DailyRate: '0.0002', tier2DailyRate: '0.00045', minFee: '100.00' },
      });
      const [audit] = await testApp.dataSource.query<{ before: unknown; after: unknown }[]>(
        `SELECT before, after FROM audit_events
          WHERE entity_id = $1 AND action = 'turnover_fund.settings_changed'`,
        [id],
      );
      expect(audit).toEqual({
        before: { settingsVersion: 1, tier2DailyRate: '0.0004', minFeeFen: null },
        after: { settingsVersion: 2, tier2DailyRate: '0.00045', minFeeFen: '10000' },
      });
      const same = await http.patch(world.admin, `/turnover-funds/${id}`, {
        tier2DailyRate: '0.000450',
      });
      expect(same.body).toMatchObject({ settingsVersion: 2 });
      const cleared = await http.patch(world.admin, `/turnover-funds/${id}`, { minFee: null });
      expect(cleared.body).toMatchObject({ settingsVersion: 3, terms: { minFee: null } });
      expect(await auditCount(id, 'turnover_fund.settings_changed')).toBe(2);
      expect(
        (await http.patch(world.admin, `/turnover-funds/${id}`, { suspended: true })).body,
      ).toMatchObject({ open: false, suspended: true });
    });

    it('answers 404 for a fund that does not exist', async () => {
      const missing = randomUUID();
      for (const path of ['', '/ledger', '/reconcile']) {
        expect((await http.get(world.admin, `/turnover-funds/${missing}${path}`)).status).toBe(404);
      }
      expect(
        (await http.patch(world.admin, `/turnover-funds/${missing}`, { maxDays: 3 })).status,
      ).toBe(404);
      expect(
        (
          await http.keyed(world.admin, `/turnover-funds/${missing}/capital`, {
            amount: '1.00',
            note: 'x',
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('capital', () => {
    it('books capital paid in as Dr cash / Cr capital, once per Idempotency-Key', async () => {
      const id = await http.createFund(world.admin);
      const key = randomUUID();
      const body = { amount: '50000000.00', note: '市财政局拨付第一期资本金' };
      const first = await http.keyed(world.admin, `/turnover-funds/${id}/capital`, body, key);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        journal: {
          kind: 'capital_injection',
          memo: body.note,
          lines: [
            { lineNo: 1, account: 'cash', side: 'debit', amount: '50000000.00' },
            { lineNo: 2, account: 'capital', side: 'credit', amount: '50000000.00' },
          ],
        },
        balances: { cash: '50000000.00', capital: '50000000.00', receivable: '0.00' },
      });
      const replay = await http.keyed(world.admin, `/turnover-funds/${id}/capital`, body, key);
      expect(replay.status).toBe(201);
      expect(replay.text).toBe(first.text);
      const reused = await http.keyed(
        world.admin,
        `/turnover-funds/${id}/capital`,
        { ...body, amount: '1.00' },
        key,
      );
      expect(problem(reused)).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
      const missingKey = await http.post(world.admin, `/turnover-funds/${id}/capital`, body);
      expect(problem(missingKey)).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED' });
      expect(await journalCount(id)).toBe(1);
      expect(await http.balances(world.admin, id)).toMatchObject({ cash: '50000000.00' });
      expect(await auditCount(id, 'turnover_fund.capital_injected')).toBe(1);
    });

    it('books a capital return as Dr capital / Cr cash and refuses one larger than the cash', async () => {
      const id = await http.createFund(world.admin);
      await http.inject(world.admin, id, '1000.00');
      const returned = await http.keyed(world.admin, `/turnover-funds/${id}/capital-returns`, {
        amount: '400.00',
        note: '退还部分资本金',
      });
      expect(returned.status).toBe(201);
      expect(returned.body).toMatchObject({
        journal: {
          kind: 'capital_return',
          lines: [
            { account: 'capital', side: 'debit', amount: '400.00' },
            { account: 'cash', side: 'credit', amount: '400.00' },
          ],
        },
        balances: { cash: '600.00', capital: '600.00' },
      });
      const key = randomUUID();
      const short = await http.keyed(
        world.admin,
        `/turnover-funds/${id}/capital-returns`,
        { amount: '600.01', note: '超额退还' },
        key,
      );
      expect(problem(short)).toMatchObject({ status: 409, code: 'INSUFFICIENT_FUND_BALANCE' });
      expect(short.body).toMatchObject({ cash: '600.00' });
      expect(await journalCount(id)).toBe(2);
      expect(await auditCount(id, 'turnover_fund.capital_returned')).toBe(1);
      const [{ keys }] = await testApp.dataSource.query<{ keys: number }[]>(
        'SELECT count(*)::int AS keys FROM idempotency_keys WHERE key = $1',
        [key],
      );
      expect(keys).toBe(0);
      expect(await http.reconcile(world.admin, id)).toMatchObject({ ok: true });
    });

    it('refuses a zero amount and a missing note', async () => {
      const id = await http.createFund(world.admin);
      for (const body of [
        { amount: '0.00', note: 'x' },
        { amount: '1.00' },
        { amount: '1.001', note: 'x' },
      ]) {
        expect((await http.keyed(world.admin, `/turnover-funds/${id}/capital`, body)).status).toBe(
          400,
        );
      }
      expect(await journalCount(id)).toBe(0);
    });
  });

  describe('ledger and reconciliation', () => {
    it('pages journals in posting order with their lines, for administrators and auditors', async () => {
      const id = await http.createFund(world.admin);
      for (const amount of ['1.00', '2.00', '3.00']) {
        await http.inject(world.admin, id, amount);
      }
      const first = await http.get(world.auditor, `/turnover-funds/${id}/ledger?limit=2`);
      expect(first.status).toBe(200);
      const page1 = first.body as { items: JournalBody[]; nextCursor: string | null };
      expect(page1.items.map((journal) => journal.lines[0].amount)).toEqual(['1.00', '2.00']);
      expect(page1.nextCursor).not.toBeNull();
      const second = await http.get(
        world.admin,
        `/turnover-funds/${id}/ledger?limit=2&cursor=${page1.nextCursor ?? ''}`,
      );
      const page2 = second.body as { items: JournalBody[]; nextCursor: string | null };
      expect(page2.items.map((journal) => journal.lines[0].amount)).toEqual(['3.00']);
      expect(page2.nextCursor).toBeNull();
      expect(Number(page2.items[0].position)).toBeGreaterThan(Number(page1.items[1].position));
      expect(
        (await http.get(world.admin, `/turnover-funds/${id}/ledger?cursor=bogus`)).status,
      ).toBe(400);
    });

    it('reconciles stored balances with the lines, and reports a stored balance that drifted', async () => {
      const id = await http.createFund(world.admin);
      await http.inject(world.admin, id, '100.00');
      const clean = await http.get(world.auditor, `/turnover-funds/${id}/reconcile`);
      expect(clean.body).toMatchObject({
        ok: true,
        balanced: true,
        equationHolds: true,
        journals: 1,
        unbalancedJournals: 0,
        totalDebit: '100.00',
        totalCredit: '100.00',
      });
      // A write that bypassed the ledger (which the code never does) is caught.
      await testApp.dataSource.query(
        'UPDATE turnover_funds SET cash_fen = cash_fen + 1 WHERE id = $1',
        [id],
      );
      const drifted = await http.get(world.admin, `/turnover-funds/${id}/reconcile`);
      expect(drifted.body).toMatchObject({ ok: false, balanced: true, equationHolds: false });
      const accounts = (drifted.body as { accounts: { account: string }[] }).accounts;
      expect(accounts.find((account) => account.account === 'cash')).toEqual({
        account: 'cash',
        stored: '100.01',
        recomputed: '100.00',
        difference: '0.01',
        matches: false,
      });
    });

    it('refuses any UPDATE, DELETE or TRUNCATE of journals and their lines', async () => {
      const id = await http.createFund(world.admin);
      await http.inject(world.admin, id, '10.00');
      const attempts = [
        'UPDATE fund_journal_lines SET amount_fen = amount_fen + 1 WHERE fund_id = $1',
        'DELETE FROM fund_journal_lines WHERE fund_id = $1',
        `UPDATE fund_journals SET memo = 'edited' WHERE fund_id = $1`,
        'DELETE FROM fund_journals WHERE fund_id = $1',
      ];
      for (const sql of attempts) {
        await expect(testApp.dataSource.query(sql, [id])).rejects.toThrow(/append-only/);
      }
      for (const table of ['fund_journal_lines', 'fund_journals']) {
        await expect(testApp.dataSource.query(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(
          /append-only/,
        );
      }
      expect(await http.reconcile(world.admin, id)).toMatchObject({ ok: true });
      expect(await journalCount(id)).toBe(1);
    });

    it('refuses at commit a journal whose lines do not balance, or that has a single line', async () => {
      const id = await http.createFund(world.admin);
      const post = (lines: [string, string, number][]) =>
        testApp.dataSource.transaction(async (manager) => {
          const [{ id: journalId }] = await manager.query<{ id: string }[]>(
            `INSERT INTO fund_journals (fund_id, kind, memo) VALUES ($1, 'capital_injection', 'x')
             RETURNING id`,
            [id],
          );
          let lineNo = 0;
          for (const [account, side, amount] of lines) {
            lineNo += 1;
            await manager.query(
              `INSERT INTO fund_journal_lines (journal_id, fund_id, line_no, account, side, amount_fen)
               VALUES ($1, $2, $3, $4, $5, $6)`,
              [journalId, id, lineNo, account, side, amount],
            );
          }
          // Every statement above succeeded: only the deferred check at COMMIT can refuse.
        });
      await expect(
        post([
          ['cash', 'debit', 100],
          ['capital', 'credit', 90],
        ]),
      ).rejects.toThrow(/does not balance/);
      await expect(post([['cash', 'debit', 100]])).rejects.toThrow(/does not balance/);
      await expect(post([])).rejects.toThrow(/does not balance/);
      expect(await journalCount(id)).toBe(0);
      await post([
        ['cash', 'debit', 100],
        ['capital', 'credit', 60],
        ['capital', 'credit', 40],
      ]);
      expect(await journalCount(id)).toBe(1);
    });
  });
});
