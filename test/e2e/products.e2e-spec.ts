import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { Caller } from '../../src/common/auth/caller.js';
import { Role } from '../../src/common/auth/role.js';
import { ListProductsQueryDto } from '../../src/modules/products/products.dto.js';
import { ProductsService } from '../../src/modules/products/products.service.js';
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

type Body = Record<string, unknown>;

const api = (path: string): string => `/api/v1${path}`;

function productBody(overrides: Body = {}): Body {
  return {
    name: '流动资金贷',
    category: 'credit',
    minAmount: '100000.00',
    maxAmount: '1000000.00',
    minTermMonths: 6,
    maxTermMonths: 12,
    rate: { rateKind: 'fixed', minAnnualRate: '0.0385', maxAnnualRate: '0.06' },
    ...overrides,
  };
}

describe('products (金融产品超市)', () => {
  let testApp: TestApp;
  let bankX: string;
  let bankY: string;
  let admin: Session;
  let officerX: Session;
  let presidentX: Session;
  let officerY: Session;
  let auditor: Session;
  let enterprise: Session;
  let enterpriseUserId: string;

  async function create(session: Session, body: Body) {
    return testApp
      .http()
      .post(api('/products'))
      .set(...bearer(session))
      .send(body);
  }

  async function createOk(session: Session, body: Body): Promise<string> {
    const response = await create(session, body);
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  function patch(session: Session, id: string, body: Body) {
    return testApp
      .http()
      .patch(api(`/products/${id}`))
      .set(...bearer(session))
      .send(body);
  }

  async function listIds(session: Session, query: Record<string, string | number>) {
    const response = await testApp
      .http()
      .get(api('/products'))
      .query({ limit: 100, ...query })
      .set(...bearer(session));
    expect(response.status).toBe(200);
    return (response.body.items as { id: string }[]).map((item) => item.id);
  }

  async function row(id: string): Promise<Record<string, unknown>> {
    const [found] = await testApp.dataSource.query<Record<string, unknown>[]>(
      'SELECT to_jsonb(p) AS row FROM products p WHERE id = $1',
      [id],
    );
    return found.row as Record<string, unknown>;
  }

  async function productCount(bankId: string): Promise<number> {
    const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM products WHERE bank_id = $1',
      [bankId],
    );
    return count;
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    const { dataSource } = testApp;
    bankX = await insertBank(dataSource, '吉林银行通化分行');
    bankY = await insertBank(dataSource, '中国银行通化分行');
    const enterpriseId = await insertEnterprise(dataSource, '通化东宝药业');
    await insertUser(dataSource, { username: 'admin1', role: Role.Admin });
    await insertUser(dataSource, { username: 'officer.x', role: Role.BankOfficer, bankId: bankX });
    await insertUser(dataSource, {
      username: 'president.x',
      role: Role.BankPresident,
      bankId: bankX,
    });
    await insertUser(dataSource, { username: 'officer.y', role: Role.BankOfficer, bankId: bankY });
    await insertUser(dataSource, { username: 'auditor1', role: Role.Auditor });
    enterpriseUserId = (
      await insertUser(dataSource, { username: 'ent1', role: Role.Enterprise, enterpriseId })
    ).id;
    [admin, officerX, presidentX, officerY, auditor, enterprise] = await Promise.all(
      ['admin1', 'officer.x', 'president.x', 'officer.y', 'auditor1', 'ent1'].map((name) =>
        login(testApp, name),
      ),
    );
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('managing products', () => {
    it("creates a product for bank staff's own bank, from the token, and audits it", async () => {
      const response = await create(
        officerX,
        productBody({
          name: '首贷通',
          eligibleRegions: ['220502'],
          eligibleIndustries: ['industry', 'retail'],
          eligibleScales: ['micro', 'small'],
          guaranteeTypes: ['credit', 'guarantee'],
          tags: ['first_loan', 'credit_loan'],
        }),
      );
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        bankId: bankX,
        bankName: '吉林银行通化分行',
        name: '首贷通',
        category: 'credit',
        minAmount: '100000.00',
        maxAmount: '1000000.00',
        minTermMonths: 6,
        maxTermMonths: 12,
        rate: { rateKind: 'fixed', minAnnualRate: '0.0385', maxAnnualRate: '0.06', lprTenor: null },
        effectiveRate: {
          minAnnualRate: '0.0385',
          maxAnnualRate: '0.06',
          lprRate: null,
          lprEffectiveOn: null,
        },
        eligibleRegions: ['220502'],
        eligibleIndustries: ['industry', 'retail'],
        eligibleScales: ['micro', 'small'],
        guaranteeTypes: ['credit', 'guarantee'],
        tags: ['first_loan', 'credit_loan'],
        active: true,
      });
      const stored = await row(response.body.id as string);
      expect(stored).toMatchObject({ min_amount_fen: 10_000_000, min_annual_rate: 0.0385 });
      const audit = await testApp.dataSource.query<{ action: string; after: Body }[]>(
        'SELECT action, after FROM audit_events WHERE entity_id = $1',
        [response.body.id],
      );
      expect(audit).toEqual([
        {
          action: 'product.created',
          after: expect.objectContaining({ bankId: bankX, minAmountFen: '10000000' }),
        },
      ]);
    });

    it('accepts bank staff naming their own bank', async () => {
      const response = await create(presidentX, productBody({ bankId: bankX }));
      expect(response.status).toBe(201);
      expect(response.body.bankId).toBe(bankX);
    });

    it('refuses bank staff creating for another bank with 404 and creates nothing', async () => {
      const before = await productCount(bankY);
      const response = await create(officerX, productBody({ bankId: bankY }));
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
      expect(await productCount(bankY)).toBe(before);
    });

    it("answers 404 to bank staff patching another bank's product and leaves it unchanged", async () => {
      const id = await createOk(officerY, productBody({ name: '中行产品' }));
      const before = await row(id);
      for (const session of [officerX, presidentX]) {
        const response = await patch(session, id, { name: '被改名', active: false });
        expect(response.status).toBe(404);
      }
      expect(await row(id)).toEqual(before);
      const audit = await testApp.dataSource.query(
        `SELECT 1 FROM audit_events WHERE entity_id = $1 AND action = 'product.updated'`,
        [id],
      );
      expect(audit).toHaveLength(0);
    });

    it('lets bank staff change their own products, audited with before and after', async () => {
      const id = await createOk(officerX, productBody({ name: '续贷通' }));
      const response = await patch(presidentX, id, {
        name: '续贷通 2.0',
        maxAmount: '2000000.00',
        tags: ['renewal'],
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        name: '续贷通 2.0',
        maxAmount: '2000000.00',
        tags: ['renewal'],
      });
      const [audit] = await testApp.dataSource.query<{ before: Body; after: Body }[]>(
        `SELECT before, after FROM audit_events WHERE entity_id = $1 AND action = 'product.updated'`,
        [id],
      );
      expect(audit.before).toMatchObject({ name: '续贷通', maxAmountFen: '100000000', tags: [] });
      expect(audit.after).toMatchObject({
        name: '续贷通 2.0',
        maxAmountFen: '200000000',
        tags: ['renewal'],
      });

      // Sending what is already there changes nothing and leaves no audit row.
      const again = await patch(officerX, id, { name: '续贷通 2.0', maxAmount: '2000000' });
      expect(again.status).toBe(200);
      const [{ updates }] = await testApp.dataSource.query<{ updates: number }[]>(
        `SELECT count(*)::int AS updates FROM audit_events
          WHERE entity_id = $1 AND action = 'product.updated'`,
        [id],
      );
      expect(updates).toBe(1);
    });

    it('lets an administrator manage every bank, naming the bank', async () => {
      const id = await createOk(admin, productBody({ bankId: bankY, name: '管理员代建' }));
      expect((await row(id)).bank_id).toBe(bankY);
      const patched = await patch(admin, id, { category: 'guarantee' });
      expect(patched.status).toBe(200);
      expect(patched.body.category).toBe('guarantee');

      const withoutBank = await create(admin, productBody());
      expect(withoutBank.status).toBe(400);
      expect(withoutBank.body.errors[0].field).toBe('bankId');
      const unknownBank = await create(
        admin,
        productBody({ bankId: '00000000-0000-4000-8000-000000000009' }),
      );
      expect(unknownBank.status).toBe(400);
      expect(unknownBank.body.errors[0].field).toBe('bankId');
    });

    it('refuses enterprise users and auditors any write with 403', async () => {
      const id = await createOk(officerX, productBody({ name: '只读测试' }));
      const before = await row(id);
      const count = await productCount(bankX);
      for (const session of [enterprise, auditor]) {
        expect((await create(session, productBody({ bankId: bankX }))).status).toBe(403);
        expect((await patch(session, id, { name: '篡改' })).status).toBe(403);
        const lpr = await testApp
          .http()
          .post(api('/lpr-rates'))
          .set(...bearer(session))
          .send({ tenor: '1y', effectiveOn: '2025-07-21', rate: '0.03' });
        expect(lpr.status).toBe(403);
      }
      expect(await row(id)).toEqual(before);
      expect(await productCount(bankX)).toBe(count);
    });

    it('hides a withdrawn product from everyone but its bank, administrators and auditors', async () => {
      const id = await createOk(officerX, productBody({ name: '已下架产品', active: false }));
      const status = async (session: Session) =>
        (
          await testApp
            .http()
            .get(api(`/products/${id}`))
            .set(...bearer(session))
        ).status;
      expect(await status(enterprise)).toBe(404);
      expect(await status(officerY)).toBe(404);
      expect(await status(officerX)).toBe(200);
      expect(await status(admin)).toBe(200);
      expect(await status(auditor)).toBe(200);
    });
  });

  describe('validation', () => {
    it.each([
      [
        'a minimum above the maximum amount',
        { minAmount: '2000000', maxAmount: '1000000' },
        'maxAmount',
      ],
      ['a zero minimum amount', { minAmount: '0' }, 'minAmount'],
      ['an amount as a JSON number', { minAmount: 100000 }, 'minAmount'],
      ['an amount with three decimals', { maxAmount: '1000.001' }, 'maxAmount'],
      [
        'a minimum term above the maximum',
        { minTermMonths: 24, maxTermMonths: 12 },
        'maxTermMonths',
      ],
      ['a zero term', { minTermMonths: 0 }, 'minTermMonths'],
      ['a fractional term', { maxTermMonths: 12.5 }, 'maxTermMonths'],
      ['an unknown category', { category: 'payday' }, 'category'],
      ['a missing rate', { rate: undefined }, 'rate'],
      ['a rate that is not an object', { rate: '0.0385' }, 'rate'],
      [
        'a percentage rate string',
        { rate: { rateKind: 'fixed', minAnnualRate: '3.85%', maxAnnualRate: '0.06' } },
        'rate.minAnnualRate',
      ],
      [
        'a rate with seven decimals',
        { rate: { rateKind: 'fixed', minAnnualRate: '0.0385001', maxAnnualRate: '0.06' } },
        'rate.minAnnualRate',
      ],
      [
        'a rate of 150%',
        { rate: { rateKind: 'fixed', minAnnualRate: '0.0385', maxAnnualRate: '1.5' } },
        'rate.maxAnnualRate',
      ],
      [
        'a zero rate',
        { rate: { rateKind: 'fixed', minAnnualRate: '0.000', maxAnnualRate: '0.06' } },
        'rate.minAnnualRate',
      ],
      [
        'a rate as a JSON number',
        { rate: { rateKind: 'fixed', minAnnualRate: 0.0385, maxAnnualRate: '0.06' } },
        'rate.minAnnualRate',
      ],
      [
        'a minimum rate above the maximum',
        { rate: { rateKind: 'fixed', minAnnualRate: '0.07', maxAnnualRate: '0.06' } },
        'rate.maxAnnualRate',
      ],
      ['an unknown rate kind', { rate: { rateKind: 'floating' } }, 'rate.rateKind'],
      [
        'an LPR rate with annual rates',
        {
          rate: {
            rateKind: 'lpr',
            lprTenor: '1y',
            minSpreadBp: 0,
            maxSpreadBp: 50,
            minAnnualRate: '0.03',
          },
        },
        'rate.minAnnualRate',
      ],
      [
        'a fixed rate with an LPR tenor',
        {
          rate: { rateKind: 'fixed', minAnnualRate: '0.03', maxAnnualRate: '0.04', lprTenor: '1y' },
        },
        'rate.lprTenor',
      ],
      [
        'an LPR rate without a tenor',
        { rate: { rateKind: 'lpr', minSpreadBp: 0, maxSpreadBp: 50 } },
        'rate.lprTenor',
      ],
      [
        'an unknown LPR tenor',
        { rate: { rateKind: 'lpr', lprTenor: '3y', minSpreadBp: 0, maxSpreadBp: 50 } },
        'rate.lprTenor',
      ],
      [
        'a fractional spread',
        { rate: { rateKind: 'lpr', lprTenor: '1y', minSpreadBp: 1.5, maxSpreadBp: 50 } },
        'rate.minSpreadBp',
      ],
      [
        'a minimum spread above the maximum',
        { rate: { rateKind: 'lpr', lprTenor: '5y', minSpreadBp: 60, maxSpreadBp: 50 } },
        'rate.maxSpreadBp',
      ],
      [
        'an unknown member of the rate',
        {
          rate: { rateKind: 'fixed', minAnnualRate: '0.03', maxAnnualRate: '0.04', floor: '0.02' },
        },
        'rate.floor',
      ],
      ['an unknown region', { eligibleRegions: ['220502', '999999'] }, 'eligibleRegions'],
      ['a malformed region', { eligibleRegions: ['2205'] }, 'eligibleRegions'],
      ['an unknown industry', { eligibleIndustries: ['mining'] }, 'eligibleIndustries'],
      ['an unknown scale', { eligibleScales: ['huge'] }, 'eligibleScales'],
      ['an unknown guarantee type', { guaranteeTypes: ['cash'] }, 'guaranteeTypes'],
      ['a repeated guarantee type', { guaranteeTypes: ['credit', 'credit'] }, 'guaranteeTypes'],
      ['a tag that is not a slug', { tags: ['First Loan'] }, 'tags'],
      ['a null list', { tags: null }, 'tags'],
      ['an unknown field', { interestFree: true }, 'interestFree'],
    ])('refuses %s with 400 naming the field', async (_case, change, field) => {
      const before = await productCount(bankX);
      const response = await create(officerX, productBody(change));
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(await productCount(bankX)).toBe(before);
    });

    it('refuses a patch that breaks a range or moves the product, leaving it unchanged', async () => {
      const id = await createOk(officerX, productBody({ name: '范围测试' }));
      const before = await row(id);
      const cases: [Body, string][] = [
        [{ maxAmount: '50000.00' }, 'maxAmount'],
        [{ minAmount: '5000000.00' }, 'minAmount'],
        [{ maxTermMonths: 3 }, 'maxTermMonths'],
        [{ name: null }, 'name'],
        [{ bankId: bankY }, 'bankId'],
        [{ rate: { rateKind: 'lpr', lprTenor: '1y', minSpreadBp: 10 } }, 'rate.maxSpreadBp'],
      ];
      for (const [body, field] of cases) {
        const response = await patch(officerX, id, body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(
          field,
        );
      }
      expect(await row(id)).toEqual(before);
    });
  });

  describe('the supermarket', () => {
    let bankZ: string;
    const ids: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };

    beforeAll(async () => {
      bankZ = await insertBank(testApp.dataSource, '通化农商银行');
      ids.a = await createOk(
        admin,
        productBody({
          bankId: bankZ,
          name: '小微首贷信用贷',
          category: 'credit',
          minAmount: '100000',
          maxAmount: '1000000',
          minTermMonths: 6,
          maxTermMonths: 12,
          eligibleScales: ['micro', 'small'],
          tags: ['first_loan', 'credit_loan'],
        }),
      );
      ids.b = await createOk(
        admin,
        productBody({
          bankId: bankZ,
          name: '东昌厂房抵押贷',
          category: 'mortgage',
          minAmount: '1000000',
          maxAmount: '10000000',
          minTermMonths: 12,
          maxTermMonths: 60,
          eligibleRegions: ['220502'],
          guaranteeTypes: ['mortgage'],
          tags: ['renewal'],
        }),
      );
      ids.c = await createOk(
        admin,
        productBody({
          bankId: bankZ,
          name: '专精特新知识产权质押贷',
          category: 'pledge',
          minAmount: '500000',
          maxAmount: '5000000',
          minTermMonths: 3,
          maxTermMonths: 36,
          eligibleRegions: ['220581', '220582'],
          eligibleIndustries: ['industry'],
          tags: ['first_loan', 'specialized'],
        }),
      );
      ids.d = await createOk(
        admin,
        productBody({ bankId: bankZ, name: '已停办首贷', tags: ['first_loan'], active: false }),
      );
    });

    const inZ = async (query: Record<string, string | number>, session = enterprise) =>
      (await listIds(session, { bankId: bankZ, ...query })).sort();
    const expected = (...keys: ('a' | 'b' | 'c' | 'd')[]) => keys.map((key) => ids[key]).sort();

    it('lists active products newest first to any signed-in user, one bank at a time', async () => {
      expect(await listIds(enterprise, { bankId: bankZ })).toEqual([ids.c, ids.b, ids.a]);
      const bankXItems = await listIds(auditor, { bankId: bankX });
      expect(bankXItems.length).toBeGreaterThan(0);
      expect(bankXItems).not.toContain(ids.a);
    });

    it.each([
      ['amount 500000 fits a and c', { amount: '500000' }, ['a', 'c']],
      [
        'amount 1000000.00 fits every active bound inclusively',
        { amount: '1000000.00' },
        ['a', 'b', 'c'],
      ],
      ['amount 20000000 fits none', { amount: '20000000' }, []],
      ['a 48-month term fits b', { termMonths: 48 }, ['b']],
      ['a 6-month term fits a and c', { termMonths: 6 }, ['a', 'c']],
      ['region 220502: b, and a which is open to any region', { regionCode: '220502' }, ['a', 'b']],
      ['region 220582: c, and a which is open to any region', { regionCode: '220582' }, ['a', 'c']],
      ['industry retail excludes c', { industry: 'retail' }, ['a', 'b']],
      ['scale medium excludes a', { scale: 'medium' }, ['b', 'c']],
      ['tag first_loan: active ones only', { tag: 'first_loan' }, ['a', 'c']],
      ['category mortgage', { category: 'mortgage' }, ['b']],
      ['text on the name', { q: '专精' }, ['c']],
      [
        'every filter at once',
        {
          amount: '600000',
          termMonths: 24,
          regionCode: '220581',
          industry: 'industry',
          scale: 'small',
        },
        ['c'],
      ],
    ] as const)('filters: %s', async (_case, query, keys) => {
      expect(await inZ(query)).toEqual(expected(...keys));
    });

    it('lists withdrawn products only to administrators, auditors and their own bank', async () => {
      expect(await inZ({ active: 'false' }, admin)).toEqual(expected('d'));
      expect(await inZ({ active: 'false' }, auditor)).toEqual(expected('d'));
      // Bank X staff see bank X's withdrawn products only.
      expect(await inZ({ active: 'false' }, officerX)).toEqual([]);
      const refused = await testApp
        .http()
        .get(api('/products'))
        .query({ active: 'false' })
        .set(...bearer(enterprise));
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].field).toBe('active');
    });

    it.each([
      [{ regionCode: '999999' }, 'regionCode'],
      [{ amount: '-5' }, 'amount'],
      [{ termMonths: 'twelve' }, 'termMonths'],
      [{ industry: 'mining' }, 'industry'],
      [{ scale: 'huge' }, 'scale'],
      [{ active: 'maybe' }, 'active'],
      [{ cursor: 'bm90LWEtY3Vyc29y' }, 'cursor'],
      [{ colour: 'red' }, 'colour'],
    ])('refuses the filter %p with 400', async (query, field) => {
      const response = await testApp
        .http()
        .get(api('/products'))
        .query(query)
        .set(...bearer(enterprise));
      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });

  describe('LPR-based rates', () => {
    it('resolves the rate range from the latest LPR in force and follows a newer one', async () => {
      const id = await createOk(
        officerX,
        productBody({
          name: 'LPR 加点贷',
          rate: { rateKind: 'lpr', lprTenor: '1y', minSpreadBp: -20, maxSpreadBp: 80 },
        }),
      );
      const read = async () =>
        (
          await testApp
            .http()
            .get(api(`/products/${id}`))
            .set(...bearer(enterprise))
        ).body;
      expect((await read()).rate).toEqual({
        rateKind: 'lpr',
        minAnnualRate: null,
        maxAnnualRate: null,
        lprTenor: '1y',
        minSpreadBp: -20,
        maxSpreadBp: 80,
      });
      // Seeded: 1-year LPR 3.00% from 2025-05-20.
      expect((await read()).effectiveRate).toEqual({
        minAnnualRate: '0.028',
        maxAnnualRate: '0.038',
        lprRate: '0.03',
        lprEffectiveOn: '2025-05-20',
      });

      const posted = await testApp
        .http()
        .post(api('/lpr-rates'))
        .set(...bearer(admin))
        .send({ tenor: '1y', effectiveOn: '2025-06-20', rate: '0.0295' });
      expect(posted.status).toBe(201);
      expect(posted.body).toMatchObject({ tenor: '1y', effectiveOn: '2025-06-20', rate: '0.0295' });
      const newer = {
        minAnnualRate: '0.0275',
        maxAnnualRate: '0.0375',
        lprRate: '0.0295',
        lprEffectiveOn: '2025-06-20',
      };
      expect((await read()).effectiveRate).toEqual(newer);

      // A rate announced for a future date does not apply yet.
      await testApp
        .http()
        .post(api('/lpr-rates'))
        .set(...bearer(admin))
        .send({ tenor: '1y', effectiveOn: '2099-01-20', rate: '0.05' })
        .expect(201);
      // Nor does a newer rate of the other tenor.
      await testApp
        .http()
        .post(api('/lpr-rates'))
        .set(...bearer(admin))
        .send({ tenor: '5y', effectiveOn: '2025-07-21', rate: '0.034' })
        .expect(201);
      expect((await read()).effectiveRate).toEqual(newer);

      const listed = await testApp
        .http()
        .get(api('/products'))
        .query({ q: 'LPR 加点贷' })
        .set(...bearer(officerY));
      expect(listed.body.items).toHaveLength(1);
      expect(listed.body.items[0].effectiveRate).toEqual(newer);
    });

    it('lists the LPR series newest first to any signed-in user, by tenor if asked', async () => {
      const response = await testApp
        .http()
        .get(api('/lpr-rates'))
        .query({ tenor: '5y' })
        .set(...bearer(enterprise));
      expect(response.status).toBe(200);
      const dates = (response.body.items as { tenor: string; effectiveOn: string }[]).map(
        (item) => `${item.tenor} ${item.effectiveOn}`,
      );
      expect(dates[dates.length - 1]).toBe('5y 2025-05-20');
      expect(dates).toEqual([...dates].sort().reverse());

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await testApp
          .http()
          .get(api('/lpr-rates'))
          .query(cursor === null ? { limit: 1 } : { limit: 1, cursor })
          .set(...bearer(auditor));
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.nextCursor as string | null;
      } while (cursor !== null);
      const [{ count }] = await testApp.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM lpr_rates',
      );
      expect(new Set(seen).size).toBe(count);
      expect(seen).toHaveLength(count);
    });

    it('refuses a second LPR for the same tenor and date with 409, and bad input with 400', async () => {
      const body = { tenor: '5y', effectiveOn: '2025-08-20', rate: '0.035' };
      const first = await testApp
        .http()
        .post(api('/lpr-rates'))
        .set(...bearer(admin))
        .send(body);
      expect(first.status).toBe(201);
      const audit = await testApp.dataSource.query<{ action: string }[]>(
        'SELECT action FROM audit_events WHERE entity_id = $1',
        [first.body.id],
      );
      expect(audit).toEqual([{ action: 'lpr_rate.created' }]);

      const again = await testApp
        .http()
        .post(api('/lpr-rates'))
        .set(...bearer(admin))
        .send({ ...body, rate: '0.036' });
      expect(again.status).toBe(409);
      expect(again.body.errors[0].field).toBe('effectiveOn');

      for (const [change, field] of [
        [{ effectiveOn: '2025-02-30' }, 'effectiveOn'],
        [{ effectiveOn: '20250820' }, 'effectiveOn'],
        [{ rate: '0.0350001' }, 'rate'],
        [{ rate: 0.035 }, 'rate'],
        [{ tenor: '10y' }, 'tenor'],
      ] as const) {
        const response = await testApp
          .http()
          .post(api('/lpr-rates'))
          .set(...bearer(admin))
          .send({ tenor: '1y', effectiveOn: '2025-09-22', rate: '0.03', ...change });
        expect(response.status).toBe(400);
        expect(response.body.errors[0].field).toBe(field);
      }
      const officerAttempt = await testApp
        .http()
        .post(api('/lpr-rates'))
        .set(...bearer(officerX))
        .send({ tenor: '1y', effectiveOn: '2025-09-22', rate: '0.03' });
      expect(officerAttempt.status).toBe(403);
    });
  });

  describe('pagination and indexes', () => {
    let bankW: string;
    let inserted: string[];

    beforeAll(async () => {
      bankW = await insertBank(testApp.dataSource, '分页银行');
      // 30 products, three to a millisecond, so the id must break every tie.
      const rows = await testApp.dataSource.query<{ id: string }[]>(
        `INSERT INTO products (bank_id, name, category, min_amount_fen, max_amount_fen,
           min_term_months, max_term_months, rate_kind, min_annual_rate, max_annual_rate,
           created_at)
         SELECT $1, '分页产品' || n, 'credit', 100, 1000, 1, 12, 'fixed', 0.03, 0.05,
                timestamptz '2026-01-01 00:00:00Z' + (n / 3) * interval '1 millisecond'
           FROM generate_series(0, 29) AS n
         RETURNING id`,
        [bankW],
      );
      inserted = rows.map((found) => found.id);
    });

    it('pages through 30 products without duplicates or gaps, even while one is added', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string | number> = { bankId: bankW, limit: 7 };
        if (cursor !== null) {
          query.cursor = cursor;
        }
        const page = await testApp
          .http()
          .get(api('/products'))
          .query(query)
          .set(...bearer(enterprise));
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.nextCursor as string | null;
        pages += 1;
        if (pages === 2) {
          // A product created mid-way is newer than the cursor: it neither shifts nor repeats rows.
          await createOk(admin, productBody({ bankId: bankW, name: '中途新增' }));
        }
      } while (cursor !== null);
      expect(pages).toBe(5);
      expect(new Set(seen).size).toBe(seen.length);
      const order = await testApp.dataSource.query<{ id: string }[]>(
        `SELECT id FROM products WHERE id = ANY($1::uuid[]) ORDER BY created_at DESC, id DESC`,
        [inserted],
      );
      expect(seen).toEqual(order.map((found) => found.id));
    });

    it('serves the supermarket filters from their indexes (EXPLAIN)', async () => {
      // A catalogue big enough for the planner to weigh its options: 2000 untagged products
      // with a minimum of 10000 yuan, so "first_loan" and a 50-yuan loan are selective.
      const bulkBank = await insertBank(testApp.dataSource, '批量银行');
      await testApp.dataSource.query(
        `INSERT INTO products (bank_id, name, category, min_amount_fen, max_amount_fen,
           min_term_months, max_term_months, rate_kind, min_annual_rate, max_annual_rate)
         SELECT $1, '批量产品' || n, 'credit', 1000000, 100000000, 1, 12, 'fixed', 0.03, 0.05
           FROM generate_series(1, 2000) AS n`,
        [bulkBank],
      );
      await testApp.dataSource.query('ANALYZE products');
      const service = testApp.app.get(ProductsService);
      const caller: Caller = {
        userId: enterpriseUserId,
        username: 'ent1',
        role: Role.Enterprise,
        enterpriseId: null,
        bankId: null,
        requestId: 'explain',
      };
      const plan = async (query: Record<string, unknown>): Promise<string> => {
        const builder = await service.listQuery(
          caller,
          plainToInstance(ListProductsQueryDto, { limit: 20, ...query }),
        );
        const [sql, parameters] = builder.getQueryAndParameters();
        const runner = testApp.dataSource.createQueryRunner();
        await runner.connect();
        try {
          await runner.startTransaction();
          // Still small next to a real city's: a sequential scan would win on size alone.
          await runner.query('SET LOCAL enable_seqscan = off');
          const rows = (await runner.query(`EXPLAIN ${sql}`, parameters)) as {
            'QUERY PLAN': string;
          }[];
          await runner.rollbackTransaction();
          return rows.map((line) => line['QUERY PLAN']).join('\n');
        } finally {
          await runner.release();
        }
      };
      expect(await plan({})).toMatch(/Index Scan using products_active_created_idx/);
      expect(await plan({ bankId: bankW })).toMatch(/products_bank_created_idx/);
      expect(await plan({ tag: 'first_loan' })).toMatch(/products_tags_idx/);
      expect(await plan({ amount: '50' })).toMatch(/products_amount_idx/);
    });
  });
});
