import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { createTestApp, insertEnterprise, TestApp } from '../support/app.js';
import {
  API,
  APPROVAL,
  buildWorld,
  client,
  disbursement,
  type Person,
  problem,
  type World,
} from '../support/matchmaking.js';

interface Fund {
  id: string;
  cash: string;
  capital: string;
  feeIncome: string;
  claimsPaid: string;
  recoveries: string;
  outstanding: string;
  capacityLeft: string;
  warnings: string[];
}

interface Guarantee {
  id: string;
  status: string;
  fee: string;
  bankId: string;
  enterpriseId: string;
  claim: string | null;
  claimSplit: Record<string, string> | null;
  recovered: string | null;
  recoverySplit: Record<string, string> | null;
}

const TONGHUA_SHARES = { guarantor: '0.4', reguarantor: '0.3', bank: '0.2', government: '0.1' };

describe('guarantee fund (信保基金)', () => {
  let testApp: TestApp;
  let world: World;
  let http: ReturnType<typeof client>;
  let fundCounter = 0;

  beforeAll(async () => {
    testApp = await createTestApp();
    world = await buildWorld(testApp);
    http = client(testApp);
  });
  afterAll(async () => {
    await testApp.close();
  });

  const postKeyed = (
    who: Person,
    path: string,
    body: Record<string, unknown> = {},
    key = randomUUID(),
  ) =>
    testApp
      .http()
      .post(`${API}${path}`)
      .set('authorization', `Bearer ${who.session.accessToken}`)
      .set('idempotency-key', key)
      .send(body);

  async function createFund(
    overrides: Record<string, unknown> = {},
    capital?: string,
  ): Promise<Fund> {
    fundCounter += 1;
    const created = await http.post(world.admin, '/guarantee-funds', {
      name: `通化市信保基金-${fundCounter}`,
      annualFeeRate: '0.007',
      perEnterpriseCap: '10000000.00',
      capacityMultiple: '10',
      shares: TONGHUA_SHARES,
      ...overrides,
    });
    expect(created.status).toBe(201);
    const fund = created.body as Fund;
    if (capital !== undefined) {
      const injected = await postKeyed(world.admin, `/guarantee-funds/${fund.id}/capital`, {
        amount: capital,
        note: '市财政注资',
      });
      expect(injected.status).toBe(201);
      return injected.body as Fund;
    }
    return fund;
  }

  async function fundOf(id: string): Promise<Fund> {
    return (await http.get(world.admin, `/guarantee-funds/${id}`)).body as Fund;
  }

  /** A match of bank 1 for enterprise A, approved for APPROVAL.approvedAmount. */
  async function approvedMatch(): Promise<string> {
    const requestId = await http.file(world.userA);
    const matchId = await http.dispatch(world.admin, requestId, world.bank1.id);
    await http.ok(http.act(world.bank1.officer, matchId, 'accept'));
    await http.ok(http.act(world.bank1.officer, matchId, 'approve', APPROVAL));
    return matchId;
  }

  /** A guarantee of a bank loan, applied for by the admin. */
  async function loanGuarantee(
    fundId: string,
    enterpriseId: string,
    principal: string,
    bankId = world.bank1.id,
  ): Promise<Guarantee> {
    const response = await http.post(world.admin, '/guarantees', {
      fundId,
      loanContractNo: `LOAN-${randomUUID().slice(0, 8)}`,
      enterpriseId,
      bankId,
      principal,
      termMonths: 12,
    });
    expect(response.status).toBe(201);
    return response.body as Guarantee;
  }

  async function reconcile(fundId: string): Promise<{ ok: boolean }> {
    const response = await http.get(world.auditor, `/guarantee-funds/${fundId}/reconcile`);
    expect(response.status).toBe(200);
    return response.body as { ok: boolean };
  }

  describe('funds', () => {
    it('refuses risk shares that do not sum to exactly 1, and changes nothing', async () => {
      const before = await testApp.dataSource.query('SELECT count(*) FROM guarantee_funds');
      for (const shares of [
        { guarantor: '0.4', bank: '0.5' },
        { guarantor: '0.5', bank: '0.5000000001' },
        {},
        { guarantor: '1.2' },
        { guarantor: 0.5, bank: 0.5 },
      ]) {
        const response = await http.post(world.admin, '/guarantee-funds', {
          name: '不平衡基金',
          annualFeeRate: '0.007',
          perEnterpriseCap: '100.00',
          capacityMultiple: '5',
          shares,
        });
        expect(problem(response)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
        expect(problem(response).fields.some((field) => field.startsWith('shares'))).toBe(true);
      }
      expect(await testApp.dataSource.query('SELECT count(*) FROM guarantee_funds')).toEqual(
        before,
      );
    });

    it('accepts any subset of parties, warns (not refuses) above the national fee ceilings', async () => {
      const tonghua = await createFund({ shares: { guarantor: '0.7', bank: '0.3' } });
      expect(tonghua.warnings).toEqual([]);
      const dear = await createFund({ annualFeeRate: '0.016' });
      expect(dear.warnings).toHaveLength(2);
    });

    it('shows bank staff and enterprises the fund’s terms but not its balances', async () => {
      const fund = await createFund({}, '1000000.00');
      for (const who of [world.bank1.officer, world.userA]) {
        const response = await http.get(who, `/guarantee-funds/${fund.id}`);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ annualFeeRate: '0.007', shares: TONGHUA_SHARES });
        expect(response.body).not.toHaveProperty('cash');
        expect(response.body).not.toHaveProperty('capital');
      }
      expect((await http.get(world.auditor, `/guarantee-funds/${fund.id}`)).body).toMatchObject({
        cash: '1000000.00',
        capital: '1000000.00',
        capacityLeft: '10000000.00',
      });
    });

    it('refuses capital injection without an Idempotency-Key and replays it with one', async () => {
      const fund = await createFund();
      const bare = await http.post(world.admin, `/guarantee-funds/${fund.id}/capital`, {
        amount: '100.00',
      });
      expect(problem(bare)).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED' });
      const key = randomUUID();
      const first = await postKeyed(
        world.admin,
        `/guarantee-funds/${fund.id}/capital`,
        { amount: '100.00' },
        key,
      );
      const again = await postKeyed(
        world.admin,
        `/guarantee-funds/${fund.id}/capital`,
        { amount: '100.00' },
        key,
      );
      expect(again.text).toBe(first.text);
      expect((await fundOf(fund.id)).capital).toBe('100.00');
    });
  });

  describe('a guarantee’s life', () => {
    it('guarantees a match: fee on application, capacity on approval, fee collected on activation, claim and recovery split by shares', async () => {
      const fund = await createFund({}, '50000000.00');
      const matchId = await approvedMatch();
      const applied = await http.post(world.bank1.officer, '/guarantees', {
        fundId: fund.id,
        matchId,
        principal: '3000000.00',
        termMonths: 12,
      });
      expect(applied.status).toBe(201);
      const guarantee = applied.body as Guarantee;
      // 3,000,000.00 × 0.007 × 12 / 12.
      expect(guarantee).toMatchObject({
        status: 'applied',
        fee: '21000.00',
        bankId: world.bank1.id,
        bankName: '吉林银行通化分行',
        enterpriseId: world.enterpriseA,
        enterpriseName: '通化东宝药业股份有限公司',
      });
      expect((await fundOf(fund.id)).outstanding).toBe('0.00');

      await http.ok(http.post(world.admin, `/guarantees/${guarantee.id}/approve`));
      expect(await fundOf(fund.id)).toMatchObject({
        outstanding: '3000000.00',
        capacityLeft: '497000000.00',
      });

      const activated = await postKeyed(world.admin, `/guarantees/${guarantee.id}/activate`);
      expect(activated.status).toBe(200);
      expect(await fundOf(fund.id)).toMatchObject({ cash: '50021000.00', feeIncome: '21000.00' });

      const claimed = await postKeyed(world.bank1.officer, `/guarantees/${guarantee.id}/claim`, {
        amount: '1000000.01',
      });
      expect(claimed.status).toBe(200);
      // 4321 of 100,000,001 fen: 40,000,000.4 / 30,000,000.3 / 20,000,000.2 / 10,000,000.1 → the
      // leftover fen goes to the largest remainder (the guarantor, first among equals).
      expect(claimed.body).toMatchObject({
        status: 'claimed',
        claim: '1000000.01',
        claimSplit: {
          guarantor: '400000.01',
          reguarantor: '300000.00',
          bank: '200000.00',
          government: '100000.00',
        },
      });
      expect(await fundOf(fund.id)).toMatchObject({
        cash: '49620999.99',
        claimsPaid: '400000.01',
        outstanding: '0.00',
      });

      const recovered = await postKeyed(world.admin, `/guarantees/${guarantee.id}/recover`, {
        amount: '500000.00',
      });
      expect(recovered.status).toBe(200);
      expect(recovered.body).toMatchObject({
        status: 'recovered',
        recovered: '500000.00',
        recoverySplit: {
          guarantor: '200000.00',
          reguarantor: '150000.00',
          bank: '100000.00',
          government: '50000.00',
        },
      });
      expect(await fundOf(fund.id)).toMatchObject({ cash: '49820999.99', recoveries: '200000.00' });
      expect(await reconcile(fund.id)).toMatchObject({ ok: true });

      const ledger = await http.get(world.auditor, `/guarantee-funds/${fund.id}/ledger`);
      expect(
        (
          ledger.body as {
            items: { kind: string; debitAccount: string; creditAccount: string; amount: string }[];
          }
        ).items,
      ).toEqual([
        expect.objectContaining({
          kind: 'capital',
          debitAccount: 'cash',
          creditAccount: 'capital',
          amount: '50000000.00',
        }),
        expect.objectContaining({
          kind: 'fee',
          debitAccount: 'cash',
          creditAccount: 'fee_income',
          amount: '21000.00',
        }),
        expect.objectContaining({
          kind: 'claim',
          debitAccount: 'claims_paid',
          creditAccount: 'cash',
          amount: '400000.01',
        }),
        expect.objectContaining({
          kind: 'recovery',
          debitAccount: 'cash',
          creditAccount: 'recoveries',
          amount: '200000.00',
        }),
      ]);
      const [{ audits }] = await testApp.dataSource.query<{ audits: number }[]>(
        `SELECT count(*)::int AS audits FROM audit_events WHERE entity_id = $1`,
        [guarantee.id],
      );
      expect(audits).toBe(5);
    });

    it('guarantees only approved or disbursed matches, up to the approved amount, once while live', async () => {
      const fund = await createFund({}, '10000000.00');
      const requestId = await http.file(world.userA);
      const dispatched = await http.dispatch(world.admin, requestId, world.bank1.id);
      const early = await http.post(world.bank1.officer, '/guarantees', {
        fundId: fund.id,
        matchId: dispatched,
        principal: '100.00',
        termMonths: 12,
      });
      expect(problem(early)).toMatchObject({ status: 409, code: 'INVALID_TRANSITION' });

      const matchId = await approvedMatch();
      const tooMuch = await http.post(world.bank1.officer, '/guarantees', {
        fundId: fund.id,
        matchId,
        principal: '3000000.01',
        termMonths: 12,
      });
      expect(problem(tooMuch)).toMatchObject({ status: 400, fields: ['principal'] });
      const body = { fundId: fund.id, matchId, principal: '3000000.00', termMonths: 12 };
      expect((await http.post(world.bank1.officer, '/guarantees', body)).status).toBe(201);
      expect(problem(await http.post(world.bank1.officer, '/guarantees', body))).toMatchObject({
        status: 409,
        code: 'CONFLICT',
      });
      // A disbursed match can be guaranteed too (here by another fund: one live guarantee per match).
      const otherMatch = await approvedMatch();
      await http.ok(http.act(world.bank1.officer, otherMatch, 'disburse', disbursement()));
      expect(
        (await http.post(world.admin, '/guarantees', { ...body, matchId: otherMatch })).status,
      ).toBe(201);
    });

    it('refuses a claim above the principal and a recovery above the claim, changing nothing', async () => {
      const fund = await createFund({}, '10000000.00');
      const guarantee = await loanGuarantee(fund.id, world.enterpriseB, '1000000.00');
      await http.ok(http.post(world.admin, `/guarantees/${guarantee.id}/approve`));
      expect((await postKeyed(world.admin, `/guarantees/${guarantee.id}/activate`)).status).toBe(
        200,
      );
      const before = await fundOf(fund.id);
      const over = await postKeyed(world.bank1.officer, `/guarantees/${guarantee.id}/claim`, {
        amount: '1000000.01',
      });
      expect(problem(over)).toMatchObject({ status: 400, code: 'CLAIM_EXCEEDS_PRINCIPAL' });
      expect(await fundOf(fund.id)).toEqual(before);
      expect((await http.get(world.admin, `/guarantees/${guarantee.id}`)).body).toMatchObject({
        status: 'active',
      });

      expect(
        (
          await postKeyed(world.bank1.officer, `/guarantees/${guarantee.id}/claim`, {
            amount: '300000.00',
          })
        ).status,
      ).toBe(200);
      const overRecovery = await postKeyed(world.admin, `/guarantees/${guarantee.id}/recover`, {
        amount: '300000.01',
      });
      expect(problem(overRecovery)).toMatchObject({ status: 400, code: 'RECOVERY_EXCEEDS_CLAIM' });
      expect(await reconcile(fund.id)).toMatchObject({ ok: true });
    });

    it('refuses a claim the fund’s cash cannot pay (409) and leaves the guarantee active', async () => {
      const fund = await createFund(
        { shares: { guarantor: '1' }, capacityMultiple: '100' },
        '1000.00',
      );
      const guarantee = await loanGuarantee(fund.id, world.enterpriseB, '50000.00');
      await http.ok(http.post(world.admin, `/guarantees/${guarantee.id}/approve`));
      expect((await postKeyed(world.admin, `/guarantees/${guarantee.id}/activate`)).status).toBe(
        200,
      );
      const short = await postKeyed(world.bank1.officer, `/guarantees/${guarantee.id}/claim`, {
        amount: '2000.00',
      });
      expect(problem(short)).toMatchObject({ status: 409, code: 'INSUFFICIENT_FUND_BALANCE' });
      expect((await http.get(world.admin, `/guarantees/${guarantee.id}`)).body).toMatchObject({
        status: 'active',
      });
      expect(await reconcile(fund.id)).toMatchObject({ ok: true });
    });

    it('answers every illegal move with 409 naming the state, and changes nothing', async () => {
      const fund = await createFund({}, '1000000.00');
      const guarantee = await loanGuarantee(fund.id, world.enterpriseB, '1000.00');
      const attempts: [string, () => Promise<Response>][] = [
        ['activate', () => postKeyed(world.admin, `/guarantees/${guarantee.id}/activate`)],
        [
          'claim',
          () => postKeyed(world.admin, `/guarantees/${guarantee.id}/claim`, { amount: '1.00' }),
        ],
        [
          'recover',
          () => postKeyed(world.admin, `/guarantees/${guarantee.id}/recover`, { amount: '1.00' }),
        ],
      ];
      for (const [, attempt] of attempts) {
        const response = await attempt();
        expect(problem(response)).toMatchObject({ status: 409, code: 'INVALID_TRANSITION' });
        expect(response.body).toMatchObject({ currentStatus: 'applied' });
      }
      await http.ok(http.post(world.admin, `/guarantees/${guarantee.id}/approve`));
      const twice = await http.post(world.admin, `/guarantees/${guarantee.id}/approve`);
      expect(twice.body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'approved' });
      expect((await fundOf(fund.id)).outstanding).toBe('1000.00');
      await http.ok(http.post(world.bank1.officer, `/guarantees/${guarantee.id}/release`));
      expect((await fundOf(fund.id)).outstanding).toBe('0.00');
      const afterRelease = await http.post(world.admin, `/guarantees/${guarantee.id}/reject`, {
        reason: '迟了',
      });
      expect(afterRelease.body).toMatchObject({
        code: 'INVALID_TRANSITION',
        currentStatus: 'released',
      });
    });

    it('replays a claim for the same Idempotency-Key without paying twice', async () => {
      const fund = await createFund({}, '1000000.00');
      const guarantee = await loanGuarantee(fund.id, world.enterpriseB, '10000.00');
      await http.ok(http.post(world.admin, `/guarantees/${guarantee.id}/approve`));
      expect((await postKeyed(world.admin, `/guarantees/${guarantee.id}/activate`)).status).toBe(
        200,
      );
      const key = randomUUID();
      const calls = await Promise.all(
        Array.from({ length: 10 }, () =>
          postKeyed(
            world.bank1.officer,
            `/guarantees/${guarantee.id}/claim`,
            { amount: '5000.00' },
            key,
          ),
        ),
      );
      expect(calls.every((call) => call.status === 200 || call.status === 409)).toBe(true);
      expect((await fundOf(fund.id)).claimsPaid).toBe('2000.00');
      expect(await reconcile(fund.id)).toMatchObject({ ok: true });
    });
  });

  describe('capacity under concurrency', () => {
    it('approves exactly as many as capital × multiple allows when 30 approvals race', async () => {
      // Capacity 1,000,000.00: ten guarantees of 100,000.00 fit, twenty do not.
      const fund = await createFund(
        { capacityMultiple: '2', perEnterpriseCap: '100000.00' },
        '500000.00',
      );
      const guarantees: Guarantee[] = [];
      for (let index = 0; index < 30; index += 1) {
        const enterpriseId = await insertEnterprise(
          testApp.dataSource,
          `信保企业${fundCounter}-${index}`,
        );
        guarantees.push(await loanGuarantee(fund.id, enterpriseId, '100000.00'));
      }
      const responses = await Promise.all(
        guarantees.map((guarantee) =>
          http.post(world.admin, `/guarantees/${guarantee.id}/approve`),
        ),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(10);
      expect(statuses.filter((status) => status === 409)).toHaveLength(20);
      for (const response of responses.filter((item) => item.status === 409)) {
        expect(response.body).toMatchObject({ code: 'GUARANTEE_CAPACITY_EXCEEDED' });
      }
      expect(await fundOf(fund.id)).toMatchObject({
        outstanding: '1000000.00',
        capacityLeft: '0.00',
      });
      expect(await reconcile(fund.id)).toMatchObject({ ok: true });
    });

    it('keeps one enterprise within the per-enterprise cap when its approvals race', async () => {
      const fund = await createFund({ perEnterpriseCap: '150000.00' }, '10000000.00');
      const enterpriseId = await insertEnterprise(testApp.dataSource, `信保单户-${fundCounter}`);
      const guarantees = await Promise.all(
        Array.from({ length: 6 }, () => loanGuarantee(fund.id, enterpriseId, '100000.00')),
      );
      const responses = await Promise.all(
        guarantees.map((guarantee) =>
          http.post(world.admin, `/guarantees/${guarantee.id}/approve`),
        ),
      );
      expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
      for (const response of responses.filter((item) => item.status !== 200)) {
        expect(problem(response)).toMatchObject({
          status: 409,
          code: 'GUARANTEE_ENTERPRISE_CAP_EXCEEDED',
        });
      }
      expect((await fundOf(fund.id)).outstanding).toBe('100000.00');
    });
  });

  describe('tenancy and roles', () => {
    it('answers another bank’s staff and another enterprise 404 on every guarantee route, changing nothing', async () => {
      const fund = await createFund({}, '1000000.00');
      const guarantee = await loanGuarantee(fund.id, world.enterpriseA, '1000.00');
      await http.ok(http.post(world.admin, `/guarantees/${guarantee.id}/approve`));
      expect((await postKeyed(world.admin, `/guarantees/${guarantee.id}/activate`)).status).toBe(
        200,
      );
      const before = await http.get(world.admin, `/guarantees/${guarantee.id}`);
      const stranger = world.bank2.officer;
      expect((await http.get(stranger, `/guarantees/${guarantee.id}`)).status).toBe(404);
      expect((await http.get(world.userB, `/guarantees/${guarantee.id}`)).status).toBe(404);
      expect((await http.get(world.userA, `/guarantees/${guarantee.id}`)).status).toBe(200);
      expect((await http.post(stranger, `/guarantees/${guarantee.id}/release`)).status).toBe(404);
      expect(
        (await postKeyed(stranger, `/guarantees/${guarantee.id}/claim`, { amount: '1.00' })).status,
      ).toBe(404);
      expect(
        (await postKeyed(stranger, `/guarantees/${guarantee.id}/recover`, { amount: '1.00' }))
          .status,
      ).toBe(404);
      expect((await http.get(world.admin, `/guarantees/${guarantee.id}`)).body).toEqual(
        before.body,
      );

      const theirs = (await http.get(stranger, `/guarantees?fundId=${fund.id}`)).body as {
        items: unknown[];
      };
      expect(theirs.items).toEqual([]);
      const mine = (await http.get(world.bank1.officer, `/guarantees?fundId=${fund.id}`)).body as {
        items: unknown[];
      };
      expect(mine.items).toHaveLength(1);
      const enterpriseB = (await http.get(world.userB, `/guarantees?fundId=${fund.id}`)).body as {
        items: unknown[];
      };
      expect(enterpriseB.items).toEqual([]);
    });

    it('lets bank staff guarantee only their own bank’s matches and loans', async () => {
      const fund = await createFund({}, '1000000.00');
      const matchId = await approvedMatch();
      const foreign = await http.post(world.bank2.officer, '/guarantees', {
        fundId: fund.id,
        matchId,
        principal: '100.00',
        termMonths: 6,
      });
      expect(problem(foreign)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      const otherBankLoan = await http.post(world.bank2.officer, '/guarantees', {
        fundId: fund.id,
        loanContractNo: 'X-1',
        enterpriseId: world.enterpriseA,
        bankId: world.bank1.id,
        principal: '100.00',
        termMonths: 6,
      });
      expect(otherBankLoan.status).toBe(404);
      const ownLoan = await http.post(world.bank2.officer, '/guarantees', {
        fundId: fund.id,
        loanContractNo: 'X-2',
        enterpriseId: world.enterpriseA,
        principal: '100.00',
        termMonths: 6,
      });
      // The borrower's name comes with the guarantee, though the bank cannot list the enterprise.
      expect(ownLoan.body).toMatchObject({
        bankId: world.bank2.id,
        enterpriseName: '通化东宝药业股份有限公司',
      });
      expect(
        (await http.get(world.bank2.officer, `/enterprises/${world.enterpriseA}`)).status,
      ).toBe(404);
    });

    it('keeps the ledger append-only in the database', async () => {
      const fund = await createFund({}, '100.00');
      await expect(
        testApp.dataSource.query(
          `UPDATE guarantee_ledger_entries SET amount_fen = 1 WHERE fund_id = $1`,
          [fund.id],
        ),
      ).rejects.toThrow(/append-only/);
      await expect(
        testApp.dataSource.query(`DELETE FROM guarantee_ledger_entries WHERE fund_id = $1`, [
          fund.id,
        ]),
      ).rejects.toThrow(/append-only/);
      expect(await reconcile(fund.id)).toMatchObject({ ok: true });
    });
  });

  describe('report', () => {
    it('counts guarantees issued, fees, claims and recoveries by bank and by month', async () => {
      const fund = await createFund({}, '10000000.00');
      const first = await loanGuarantee(fund.id, world.enterpriseA, '1000000.00');
      const second = await loanGuarantee(fund.id, world.enterpriseB, '800000.00', world.bank2.id);
      const third = await loanGuarantee(fund.id, world.enterpriseA, '200000.00');
      for (const guarantee of [first, second, third]) {
        await http.ok(http.post(world.admin, `/guarantees/${guarantee.id}/approve`));
        expect((await postKeyed(world.admin, `/guarantees/${guarantee.id}/activate`)).status).toBe(
          200,
        );
      }
      expect(
        (
          await postKeyed(world.bank1.officer, `/guarantees/${first.id}/claim`, {
            amount: '100000.00',
          })
        ).status,
      ).toBe(200);
      expect(
        (await postKeyed(world.admin, `/guarantees/${first.id}/recover`, { amount: '50000.00' }))
          .status,
      ).toBe(200);

      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
        new Date(),
      );
      const month = today.slice(0, 7);
      const response = await http.get(
        world.auditor,
        `/guarantee-funds/${fund.id}/report?from=2020-01-01&to=2100-01-01`,
      );
      expect(response.status).toBe(200);
      const report = response.body as {
        total: Record<string, unknown>;
        byBank: Record<string, unknown>[];
        byMonth: Record<string, unknown>[];
      };
      expect(report.total).toEqual({
        issued: 3,
        principal: '2000000.00',
        // 0.7% of 2,000,000.00 for 12 months.
        fees: '14000.00',
        enterprises: 2,
        claims: 1,
        claimed: '100000.00',
        claimsPaid: '40000.00',
        recovered: '50000.00',
        recoveriesReceived: '20000.00',
      });
      expect(report.byBank).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            key: world.bank1.id,
            issued: 2,
            principal: '1200000.00',
            enterprises: 1,
            claims: 1,
          }),
          expect.objectContaining({
            key: world.bank2.id,
            issued: 1,
            principal: '800000.00',
            claims: 0,
          }),
        ]),
      );
      expect(report.byMonth).toEqual([expect.objectContaining({ key: month, issued: 3 })]);
      const empty = await http.get(
        world.admin,
        `/guarantee-funds/${fund.id}/report?from=2020-01-01&to=2020-02-01`,
      );
      expect((empty.body as { total: { issued: number } }).total.issued).toBe(0);
      const backwards = await http.get(
        world.admin,
        `/guarantee-funds/${fund.id}/report?from=2020-02-01&to=2020-01-01`,
      );
      expect(problem(backwards)).toMatchObject({ status: 400, fields: ['to'] });
    });
  });
});
