import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { Role } from '../../src/common/auth/role.js';
import { Clock } from '../../src/common/clock.js';
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

interface SuggestionItem {
  rank: number;
  bankId: string;
  bankName: string;
  productId: string;
  productName: string;
  minAnnualRate: string | null;
  score: string;
  parts: Record<string, string>;
  reasons: { code: string; message: string }[];
  bankRecord: Record<string, unknown>;
  existingMatch: { matchId: string; status: string } | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** "Now" for the suggestions: the bank records look back 180 days from the Clock. */
const NOW = Date.parse('2026-06-15T02:00:00.000Z');

const shanghaiDate = (instant: Date): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(instant);

/*
 * Products go through POST /products; the request, its matches and the banks' history through
 * the workflow (POST /financing-requests, /dispatch, /matches/:id/accept|approve|disburse|
 * decline) with the Clock moved, so every dispatch and acceptance instant is known.
 */
describe('financing request suggestions (推荐对接)', () => {
  let testApp: TestApp;
  let dataSource: DataSource;
  let bankX: string;
  let bankY: string;
  let bankZ: string;
  let enterpriseId: string;
  let otherEnterprise: string;
  let requestId: string;
  let declinedAtX: string;
  let openAtY: string;
  const products: Record<string, string> = {};
  const sessions: Record<string, Session> = {};
  const presidentOf: Record<string, string> = {};

  /** Sets the Clock `daysAgo` days (plus `hours`) before NOW. */
  function at(daysAgo: number, hours = 0): Date {
    const instant = new Date(NOW - daysAgo * DAY + hours * HOUR);
    jest.spyOn(testApp.app.get(Clock), 'now').mockReturnValue(instant);
    return instant;
  }

  async function post(who: string, path: string, body: Body, status = 200): Promise<string> {
    const response = await testApp
      .http()
      .post(api(path))
      .set(...bearer(sessions[who]))
      .send(body);
    expect({ path, status: response.status, body: response.body as unknown }).toMatchObject({
      path,
      status,
    });
    return (response.body as { id: string }).id;
  }

  const dispatch = (request: string, bankId: string): Promise<string> =>
    post('admin', `/financing-requests/${request}/dispatch`, { bankId }, 201);

  /**
   * One match of another enterprise's request, dispatched `daysAgo` days before NOW, accepted
   * `acceptedAfterHours` later if given, then taken to `outcome` an hour after that.
   */
  async function history(
    bankId: string,
    outcome: 'disbursed' | 'declined' | 'open',
    daysAgo: number,
    acceptedAfterHours?: number,
  ): Promise<void> {
    at(daysAgo);
    const request = await post(
      'admin',
      '/financing-requests',
      {
        enterpriseId: otherEnterprise,
        amount: '1000000.00',
        termMonths: 12,
        purpose: 'working_capital',
        guaranteeOffered: 'credit',
      },
      201,
    );
    const match = await dispatch(request, bankId);
    const president = presidentOf[bankId];
    const afterHours = acceptedAfterHours ?? 0;
    if (acceptedAfterHours !== undefined) {
      at(daysAgo, acceptedAfterHours);
      await post(president, `/matches/${match}/accept`, {});
    }
    const later = at(daysAgo, afterHours + 1);
    if (outcome === 'declined') {
      await post(president, `/matches/${match}/decline`, {
        reasonCode: 'credit_history',
        reason: '征信有逾期记录',
      });
    } else if (outcome === 'disbursed') {
      await post(president, `/matches/${match}/approve`, {
        approvedAmount: '1000000.00',
        annualRate: '0.045',
        termMonths: 12,
      });
      await post(president, `/matches/${match}/disburse`, {
        amount: '1000000.00',
        disbursedOn: shanghaiDate(later),
        contractNo: `HT-${match.slice(0, 8)}`,
      });
    }
  }

  async function createProduct(key: string, bankId: string, body: Body): Promise<void> {
    const response = await testApp
      .http()
      .post(api('/products'))
      .set(...bearer(sessions.admin))
      .send({
        bankId,
        category: 'credit',
        minAmount: '1000000.00',
        maxAmount: '9000000.00',
        minTermMonths: 6,
        maxTermMonths: 18,
        rate: { rateKind: 'fixed', minAnnualRate: '0.04', maxAnnualRate: '0.06' },
        name: key,
        ...body,
      });
    expect(response.status).toBe(201);
    products[key] = response.body.id as string;
  }

  function suggestions(session: Session, id = requestId, query: Record<string, string> = {}) {
    return testApp
      .http()
      .get(api(`/financing-requests/${id}/suggestions`))
      .query(query)
      .set(...bearer(session));
  }

  /** Every page of `limit` from the first, following nextCursor to the end. */
  async function allPages(limit: number): Promise<{ pages: number; items: SuggestionItem[] }> {
    const items: SuggestionItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string> = { limit: String(limit) };
      if (cursor !== null) {
        query.cursor = cursor;
      }
      const response = await suggestions(sessions.admin, requestId, query);
      expect(response.status).toBe(200);
      const page = response.body.items as SuggestionItem[];
      expect(page.length).toBeLessThanOrEqual(limit);
      items.push(...page);
      cursor = response.body.nextCursor as string | null;
      pages += 1;
      if (cursor !== null) {
        expect(page).toHaveLength(limit);
      }
    } while (cursor !== null);
    return { pages, items };
  }

  beforeAll(async () => {
    testApp = await createTestApp();
    dataSource = testApp.dataSource;
    bankX = await insertBank(dataSource, '吉林银行通化分行');
    bankY = await insertBank(dataSource, '中国银行通化分行');
    bankZ = await insertBank(dataSource, '通化农商银行');
    enterpriseId = await insertEnterprise(dataSource, '通化东宝药业', { tags: ['specialized'] });
    otherEnterprise = await insertEnterprise(dataSource, '通化葡萄酒股份');
    await insertUser(dataSource, { username: 'admin1', role: Role.Admin });
    await insertUser(dataSource, { username: 'auditor1', role: Role.Auditor });
    await insertUser(dataSource, { username: 'ent.own', role: Role.Enterprise, enterpriseId });
    await insertUser(dataSource, {
      username: 'ent.other',
      role: Role.Enterprise,
      enterpriseId: otherEnterprise,
    });
    for (const [bankId, name] of [
      [bankX, 'president.x'],
      [bankY, 'president.y'],
      [bankZ, 'president.z'],
    ] as const) {
      await insertUser(dataSource, { username: name, role: Role.BankPresident, bankId });
      presidentOf[bankId] = name;
    }
    // Bank X has two active officers and a disabled one (not counted).
    await insertUser(dataSource, { username: 'officer.x1', role: Role.BankOfficer, bankId: bankX });
    await insertUser(dataSource, { username: 'officer.x2', role: Role.BankOfficer, bankId: bankX });
    const gone = await insertUser(dataSource, {
      username: 'officer.x3',
      role: Role.BankOfficer,
      bankId: bankX,
    });
    await dataSource.query('UPDATE users SET disabled_at = now() WHERE id = $1', [gone.id]);
    for (const name of [
      'admin1',
      'auditor1',
      'ent.own',
      'ent.other',
      'president.x',
      'president.y',
      'officer.x1',
    ]) {
      sessions[name === 'admin1' ? 'admin' : name] = await login(testApp, name);
    }
    // Pin the 1-year LPR in force: 3.1%.
    await dataSource.query(
      `INSERT INTO lpr_rates (tenor, effective_on, rate)
       VALUES ('1y', (now() AT TIME ZONE 'Asia/Shanghai')::date - 1, 0.031)
       ON CONFLICT (tenor, effective_on) DO UPDATE SET rate = EXCLUDED.rate`,
    );

    // Eligible: centred, 专精特新 (X); at the edges, LPR + 50 bp = 3.6%, 首贷 (Y); new bank (Z).
    await createProduct('专精特新贷', bankX, {
      guaranteeTypes: ['credit'],
      tags: ['specialized'],
    });
    await createProduct('流动资金贷', bankY, {
      maxAmount: '5000000.00',
      minTermMonths: 12,
      maxTermMonths: 36,
      rate: { rateKind: 'lpr', lprTenor: '1y', minSpreadBp: 50, maxSpreadBp: 150 },
      tags: ['first_loan'],
    });
    await createProduct('信用快贷', bankZ, {
      minAmount: '2000000.00',
      maxAmount: '10000000.00',
      minTermMonths: 12,
      maxTermMonths: 12,
      rate: { rateKind: 'fixed', minAnnualRate: '0.045', maxAnnualRate: '0.055' },
    });
    // Each fails one hard filter.
    await createProduct('x-mortgage', bankX, { guaranteeTypes: ['mortgage'] });
    await createProduct('x-lpr-above-ceiling', bankY, {
      rate: { rateKind: 'lpr', lprTenor: '1y', minSpreadBp: 200, maxSpreadBp: 300 },
    });
    await createProduct('x-fixed-above-ceiling', bankZ, {
      rate: { rateKind: 'fixed', minAnnualRate: '0.0501', maxAnnualRate: '0.06' },
    });
    await createProduct('x-inactive', bankZ, { active: false });
    await createProduct('x-region', bankX, { eligibleRegions: ['220503'] });
    await createProduct('x-industry', bankX, { eligibleIndustries: ['retail'] });
    await createProduct('x-scale', bankY, { eligibleScales: ['medium', 'large'] });
    await createProduct('x-amount', bankY, { maxAmount: '4999999.99' });
    await createProduct('x-term', bankZ, { minTermMonths: 13, maxTermMonths: 36 });

    // Bank X's record: 4 dispatched in 180 days (with the decline below), 2 disbursed, accepted
    // after 2, 4 and 10 hours (median 4); one open match from 300 days ago still loads it; one
    // from 200 days ago is outside the window.
    await history(bankX, 'open', 300, 50);
    await history(bankX, 'disbursed', 200, 100);
    await history(bankX, 'declined', 30, 10);
    await history(bankX, 'disbursed', 20, 4);
    await history(bankX, 'disbursed', 10, 2);
    // Bank Y: 3 dispatched (with the open one below), none disbursed, one accepted after 1 hour,
    // all three open.
    await history(bankY, 'open', 3, 1);
    await history(bankY, 'open', 2);

    // The request, filed by the enterprise: 500万 for 12 months, credit, at most 5%. Bank X
    // declined it; bank Y holds it open.
    at(5);
    requestId = await post(
      'ent.own',
      '/financing-requests',
      {
        amount: '5000000.00',
        termMonths: 12,
        purpose: 'working_capital',
        guaranteeOffered: 'credit',
        rateCeiling: '0.05',
      },
      201,
    );
    declinedAtX = await dispatch(requestId, bankX);
    at(5, 1);
    await post('president.x', `/matches/${declinedAtX}/decline`, {
      reasonCode: 'outside_appetite',
      reason: '不符合本行授信政策',
    });
    at(1);
    openAtY = await dispatch(requestId, bankY);
    at(0);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await testApp.close();
  });

  it('ranks the eligible products by score with their parts and the banks’ records', async () => {
    const response = await suggestions(sessions.admin);
    expect(response.status).toBe(200);
    expect(response.body.requestId).toBe(requestId);
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.weights).toEqual({
      amountFit: '0.20',
      termFit: '0.15',
      tagFit: '0.10',
      acceptanceSpeed: '0.15',
      successShare: '0.25',
      load: '0.15',
    });
    const items = response.body.items as SuggestionItem[];
    expect(
      items.map((item) => ({
        rank: item.rank,
        bankId: item.bankId,
        productId: item.productId,
        score: item.score,
        parts: item.parts,
        bankRecord: item.bankRecord,
      })),
    ).toEqual([
      {
        rank: 1,
        bankId: bankX,
        productId: products['专精特新贷'],
        // 0.2 + 0.15 + 0.1 + 0.15 × 0.6667 + 0.25 × 0.5 + 0.15 × 0.9375
        score: '0.8156',
        parts: {
          amountFit: '1.0000',
          termFit: '1.0000',
          tagFit: '1.0000',
          // (3 × (1 − 4/72) + 2.5) / 8
          acceptanceSpeed: '0.6667',
          // (2 + 2.5) / (4 + 5)
          successShare: '0.5000',
          // 1 open / 3 staff (president and two active officers): 1 / (1 + 1/15)
          load: '0.9375',
        },
        bankRecord: {
          dispatched: 4,
          disbursed: 2,
          medianHoursToAccept: '4.0',
          openMatches: 1,
          activeOfficers: 3,
        },
      },
      {
        rank: 2,
        bankId: bankZ,
        productId: products['信用快贷'],
        score: '0.6500',
        parts: {
          amountFit: '0.7500',
          termFit: '1.0000',
          tagFit: '0.0000',
          acceptanceSpeed: '0.5000',
          successShare: '0.5000',
          load: '1.0000',
        },
        bankRecord: {
          dispatched: 0,
          disbursed: 0,
          medianHoursToAccept: null,
          openMatches: 0,
          activeOfficers: 1,
        },
      },
      {
        rank: 3,
        bankId: bankY,
        productId: products['流动资金贷'],
        score: '0.3590',
        parts: {
          amountFit: '0.0000',
          termFit: '0.0000',
          tagFit: '1.0000',
          // (1 × (1 − 1/72) + 2.5) / 6
          acceptanceSpeed: '0.5810',
          successShare: '0.3125',
          // 3 open / 1 staff: 1 / (1 + 3/5)
          load: '0.6250',
        },
        bankRecord: {
          dispatched: 3,
          disbursed: 0,
          medianHoursToAccept: '1.0',
          openMatches: 3,
          activeOfficers: 1,
        },
      },
    ]);
    // The LPR product is priced at today's LPR + its spread.
    expect(items[2].minAnnualRate).toBe('0.036');
  });

  it('explains each suggestion in Chinese with stable codes', async () => {
    const items = (await suggestions(sessions.admin)).body.items as SuggestionItem[];
    const codes = items.map((item) => item.reasons.map((reason) => reason.code));
    expect(codes[0]).toEqual(
      expect.arrayContaining(['AMOUNT_IN_RANGE', 'RATE_WITHIN_CEILING', 'TAG_SPECIALIZED']),
    );
    expect(codes[1]).toContain('BANK_LITTLE_HISTORY');
    expect(codes[2]).toEqual(expect.arrayContaining(['TAG_FIRST_LOAN', 'EXISTING_MATCH']));
    expect(items[0].reasons.find((reason) => reason.code === 'TAG_SPECIALIZED')?.message).toBe(
      '专精特新企业，匹配专精特新专属产品',
    );
  });

  it('marks banks that already hold an open or declined match instead of hiding them', async () => {
    const items = (await suggestions(sessions.admin)).body.items as SuggestionItem[];
    const marks = Object.fromEntries(items.map((item) => [item.bankId, item.existingMatch]));
    expect(marks).toEqual({
      [bankX]: { matchId: declinedAtX, status: 'declined' },
      [bankY]: { matchId: openAtY, status: 'dispatched' },
      [bankZ]: null,
    });
  });

  it('leaves out every product that fails a hard filter', async () => {
    const items = (await suggestions(sessions.admin)).body.items as SuggestionItem[];
    const suggested = new Set(items.map((item) => item.productId));
    const excluded = Object.keys(products).filter((key) => key.startsWith('x-'));
    expect(excluded).toHaveLength(9);
    expect(excluded.filter((key) => suggested.has(products[key]))).toEqual([]);
  });

  it('drops the ceiling filter when the request sets none', async () => {
    // A request's ceiling cannot be edited over HTTP; the fixture flips it and puts it back.
    await dataSource.query('UPDATE financing_requests SET rate_ceiling = NULL WHERE id = $1', [
      requestId,
    ]);
    try {
      const items = (await suggestions(sessions.admin)).body.items as SuggestionItem[];
      const names = items.map((item) => item.productName);
      expect(names).toEqual(
        expect.arrayContaining(['x-lpr-above-ceiling', 'x-fixed-above-ceiling']),
      );
      expect(names).toHaveLength(5);
    } finally {
      await dataSource.query('UPDATE financing_requests SET rate_ceiling = 0.05 WHERE id = $1', [
        requestId,
      ]);
    }
  });

  it('lets the owning enterprise and the auditor read the suggestions', async () => {
    for (const session of [sessions['ent.own'], sessions.auditor1]) {
      const response = await suggestions(session);
      expect(response.status).toBe(200);
      expect((response.body.items as SuggestionItem[]).map((item) => item.productId)).toEqual([
        products['专精特新贷'],
        products['信用快贷'],
        products['流动资金贷'],
      ]);
    }
  });

  it("answers another enterprise's request exactly like an absent one", async () => {
    const foreign = await suggestions(sessions['ent.other']);
    const absent = await suggestions(sessions.admin, '00000000-0000-4000-8000-000000000000');
    expect(foreign.status).toBe(404);
    expect(absent.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
    expect(foreign.body.detail).toBe(absent.body.detail);
  });

  it('refuses bank staff with 403', async () => {
    for (const session of [sessions['president.x'], sessions['officer.x1']]) {
      const response = await suggestions(session);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
    }
  });

  it('refuses an id that is not a UUID with 400', async () => {
    const response = await testApp
      .http()
      .get(api('/financing-requests/not-a-uuid/suggestions'))
      .set(...bearer(sessions.admin));
    expect(response.status).toBe(400);
  });

  it('pages through the ranking: the pages in order are the whole ranking, ranks kept', async () => {
    const full = (await suggestions(sessions.admin)).body.items as SuggestionItem[];
    const byOne = await allPages(1);
    expect(byOne.pages).toBe(3);
    expect(byOne.items).toEqual(full);
    expect(byOne.items.map((item) => item.rank)).toEqual([1, 2, 3]);
  });

  it('pages a ranking longer than one page, equal scores in bank, product, id order', async () => {
    // 150 copies of the three eligible products (ids from the database): some share a name, so
    // equal scores fall back to the product id; a wider amount range moves some scores.
    const [original] = await dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM products',
    );
    await dataSource.query(
      `INSERT INTO products (bank_id, name, category, min_amount_fen, max_amount_fen,
              min_term_months, max_term_months, rate_kind, min_annual_rate, max_annual_rate,
              lpr_tenor, min_spread_bp, max_spread_bp, eligible_regions, eligible_industries,
              eligible_scales, guarantee_types, tags, active)
       SELECT p.bank_id, p.name || '-copy-' || (n % 7), p.category, p.min_amount_fen,
              p.max_amount_fen + (n % 3) * 100000000, p.min_term_months, p.max_term_months,
              p.rate_kind, p.min_annual_rate, p.max_annual_rate, p.lpr_tenor, p.min_spread_bp,
              p.max_spread_bp, p.eligible_regions, p.eligible_industries, p.eligible_scales,
              p.guarantee_types, p.tags, p.active
         FROM products p CROSS JOIN generate_series(1, 50) AS n
        WHERE p.id = ANY($1::uuid[])`,
      [[products['专精特新贷'], products['信用快贷'], products['流动资金贷']]],
    );
    try {
      const byHundred = await allPages(100);
      expect(byHundred.pages).toBe(2);
      expect(byHundred.items).toHaveLength(153);
      expect(byHundred.items.map((item) => item.rank)).toEqual(
        Array.from({ length: 153 }, (_, index) => index + 1),
      );
      const order = (left: SuggestionItem, right: SuggestionItem): number =>
        Number(right.score.replace('.', '')) - Number(left.score.replace('.', '')) ||
        (left.bankName < right.bankName ? -1 : left.bankName > right.bankName ? 1 : 0) ||
        (left.productName < right.productName
          ? -1
          : left.productName > right.productName
            ? 1
            : 0) ||
        (left.productId < right.productId ? -1 : left.productId > right.productId ? 1 : 0);
      expect([...byHundred.items].sort(order)).toEqual(byHundred.items);
      expect(new Set(byHundred.items.map((item) => item.score)).size).toBeGreaterThan(3);
      // The default page is the first 20, and small pages join up to the same ranking.
      const first = await suggestions(sessions.admin);
      expect(first.body.items).toEqual(byHundred.items.slice(0, 20));
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const bySeven = await allPages(7);
      expect(bySeven.pages).toBe(22);
      expect(bySeven.items).toEqual(byHundred.items);
    } finally {
      await dataSource.query("DELETE FROM products WHERE name LIKE '%-copy-%'");
    }
    const [after] = await dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM products',
    );
    expect(after.count).toBe(original.count);
  });

  it('refuses a cursor that is not one of this list with 400', async () => {
    const forged = (keys: unknown[]): string =>
      Buffer.from(JSON.stringify(keys), 'utf8').toString('base64url');
    for (const cursor of [
      'not a cursor',
      forged(['0.5000', 'a', 'b']),
      forged(['0.5000', 'a', 'b', 'not-a-uuid']),
      forged(['high', 'a', 'b', products['信用快贷']]),
      forged([0.5, 'a', 'b', products['信用快贷']]),
    ]) {
      const response = await suggestions(sessions.admin, requestId, { cursor });
      expect({ cursor, status: response.status, code: response.body.code as unknown }).toEqual({
        cursor,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
  });

  it('takes a limit from 1 to 100 and refuses others with 400', async () => {
    for (const limit of ['1', '100']) {
      expect((await suggestions(sessions.admin, requestId, { limit })).status).toBe(200);
    }
    for (const limit of ['0', '101', '-1', '2.5', 'ten']) {
      const response = await suggestions(sessions.admin, requestId, { limit });
      expect({ limit, status: response.status, code: response.body.code as unknown }).toEqual({
        limit,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
  });
});
