import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { createTestApp, TestApp } from '../support/app.js';
import { API, buildWorld, client, World } from '../support/matchmaking.js';
import { Browser, consoleSteps, describeInBrowser, openBrowser } from './browser.js';

/**
 * The guarantee fund's and the product supermarket's screens against the real app, driven by
 * headless Chromium: a bank officer applies for a guarantee of the bank's own loan, the center
 * approves and activates it and reads the fund's books; the center lists a product for a bank.
 */
describeInBrowser('guarantees and products in a browser', () => {
  let testApp: TestApp;
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;
  const fundName = '通化市信保基金（浏览器）';
  const enterpriseName = '通化东宝药业股份有限公司';
  const bankName = '吉林银行通化分行';

  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    base = await testApp.app.getUrl();
    world = await buildWorld(testApp);
    const http = client(testApp);
    // A fund with capital, and a match that makes the enterprise the bank's to see.
    const fund = await http.post(world.admin, '/guarantee-funds', {
      name: fundName,
      annualFeeRate: '0.007',
      perEnterpriseCap: '10000000.00',
      capacityMultiple: '10',
      shares: { guarantor: '0.4', reguarantor: '0.3', bank: '0.2', government: '0.1' },
    });
    expect(fund.status).toBe(201);
    const capital = await testApp
      .http()
      .post(`${API}/guarantee-funds/${(fund.body as { id: string }).id}/capital`)
      .set('authorization', `Bearer ${world.admin.session.accessToken}`)
      .set('idempotency-key', randomUUID())
      .send({ amount: '50000000.00' });
    expect(capital.status).toBe(201);
    await http.dispatch(world.admin, await http.file(world.userA), world.bank1.id);
    browser = await openBrowser('guarantees');
    page = browser.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const dialog = () => page.locator('.ant-modal');
  const openDropdown = () =>
    page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
  const { confirm, signIn, go, choose, fieldErrors } = consoleSteps(
    () => page,
    () => base,
    { checkName: false },
  );

  it('takes a bank’s own loan from the officer’s application to the center’s books', async () => {
    const keys: Record<string, (string | undefined)[]> = {};
    page.on('request', (request) => {
      const action = /\/api\/v1\/guarantees\/[^/]+\/(\w+)$/.exec(request.url())?.[1];
      if (action !== undefined && request.method() === 'POST') {
        (keys[action] ??= []).push(request.headers()['idempotency-key']);
      }
    });
    const row = () => page.getByRole('row', { name: new RegExp(enterpriseName) });

    // 1. The bank officer applies for a guarantee of a loan the bank made itself.
    await signIn(world.bank1.officer.username);
    await go('信保基金担保');
    await page.getByRole('button', { name: '申请担保' }).click();
    await choose('基金', fundName);
    await dialog().getByText('银行自有贷款').click();
    await page.getByLabel('贷款合同编号').fill('JLB-DB-2026-0815');
    // The borrower is found by typing part of its name.
    await page.getByLabel('借款企业').fill('东宝');
    await openDropdown().filter({ hasText: enterpriseName }).first().click();
    // The dialog checks what the API checks, in the console's words.
    await page.getByLabel('担保本金').fill('0');
    await confirm().click();
    await fieldErrors('担保本金').getByText('金额须大于 0').waitFor();
    await page.getByLabel('担保本金').fill('200万');
    await fieldErrors('担保本金')
      .getByText(/请输入金额（元）/)
      .waitFor();
    await browser.shot('apply-errors');
    await page.getByLabel('担保本金').fill('2000000.00');
    await browser.shot('apply');
    await confirm().click();
    await row().locator('[data-status="applied"]').waitFor();
    await expect(row().textContent()).resolves.toContain(bankName);
    // Approval is the center's: the bank has nothing to press on an applied guarantee.
    await expect(row().getByRole('button').count()).resolves.toBe(0);
    await browser.shot('applied');

    // 2. The center approves it and activates it, collecting the fee.
    await signIn(world.admin.username);
    await go('信保基金担保');
    await page.getByRole('button', { name: `审批通过 ${enterpriseName}` }).click();
    await confirm().click();
    await row().locator('[data-status="approved"]').waitFor();
    await page.getByRole('button', { name: `生效（收取担保费） ${enterpriseName}` }).click();
    await confirm().dblclick();
    await row().locator('[data-status="active"]').waitFor();
    expect(keys.activate).toHaveLength(1);
    expect(keys.activate?.[0]).toMatch(/^[0-9a-f-]{36}$/);

    // 3. The fund's books: the fee in the journal against the borrower, balanced, reported.
    await page.getByTestId(`fund-${fundName}`).click();
    const ledger = page.getByTestId('guarantee-ledger');
    // 2,000,000.00 × 0.007 × 12 / 12.
    await ledger
      .getByRole('row', { name: new RegExp(`收取担保费.*${enterpriseName}.*14,000.00 元`) })
      .waitFor();
    await ledger.scrollIntoViewIfNeeded();
    await browser.shot('ledger');
    await page.getByRole('button', { name: '对账' }).click();
    await page.getByTestId('guarantee-reconciliation').getByText('账实相符').waitFor();
    await browser.shot('reconciled');
    await page.getByRole('tab', { name: '业务报表' }).click();
    const byBank = page.getByTestId('guarantee-report-bank');
    await byBank
      .getByRole('row', { name: new RegExp(`${bankName} 1 2,000,000.00 元 14,000.00 元`) })
      .waitFor();
    await browser.shot('report');

    // 4. The bank claims part of its loss; a claim above the principal is refused first.
    await signIn(world.bank1.officer.username);
    await go('信保基金担保');
    await page.getByRole('button', { name: `代偿 ${enterpriseName}` }).click();
    await dialog().getByLabel('金额（元）').fill('3000000.00');
    await confirm().click();
    await fieldErrors('金额（元）')
      .getByText(/代偿金额不能超过担保本金/)
      .waitFor();
    await browser.shot('claim-error');
    await dialog().getByLabel('金额（元）').fill('500000.00');
    await confirm().dblclick();
    await row().locator('[data-status="claimed"]').waitFor();
    expect(keys.claim).toHaveLength(1);
    await browser.shot('claimed');
    const stored = await testApp.dataSource.query<{ status: string; claim_fen: string }[]>(
      `SELECT status, claim_fen::text FROM guarantees WHERE loan_contract_no = 'JLB-DB-2026-0815'`,
    );
    expect(stored).toEqual([{ status: 'claimed', claim_fen: '50000000' }]);

    // 5. An auditor reads the same books, the claim now in them, and can change nothing.
    await signIn(world.auditor.username);
    await go('信保基金担保');
    await page.getByTestId(`fund-${fundName}`).click();
    await page
      .getByTestId('guarantee-ledger')
      .getByRole('row', { name: new RegExp(`代偿.*${enterpriseName}.*200,000.00 元`) })
      .waitFor();
    await page.getByRole('button', { name: '对账' }).click();
    await page.getByTestId('guarantee-reconciliation').getByText('账实相符').waitFor();
    await page.waitForLoadState('networkidle');
    await expect(page.locator('[data-write]').count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: '申请担保' }).count()).resolves.toBe(0);
    await browser.shot('auditor-books');
  }, 240_000);

  it('lets the center list a product for a bank with its eligibility and tags', async () => {
    const productName = '专精特新信用贷（浏览器）';
    const otherBank = '中国工商银行通化分行';
    await signIn(world.admin.username);
    await go('信贷产品');
    await page.getByRole('button', { name: '新建产品' }).click();
    await choose('所属银行', otherBank);
    await page.getByLabel('产品名称').fill(productName);
    await page.getByLabel('最低金额（元）').fill('100000.00');
    await page.getByLabel('最高金额（元）').fill('5000000.00');
    await page.getByLabel('最短期限（月）').fill('6');
    await page.getByLabel('最长期限（月）').fill('36');
    await page.getByLabel('最低年利率').fill('3.5%');
    await page.getByLabel('最高年利率').fill('0.055');
    await choose('适用地区（不选为不限）', '东昌区', true);
    await choose('适用行业（不选为不限）', '工业', true);
    await choose('适用企业规模（不选为不限）', '小型', true);
    await choose('接受的担保方式', '信用', true);
    await choose('产品标签', '专精特新贷', true);
    // A tag the API would refuse is refused here first, in Chinese.
    await page.getByLabel('产品标签', { exact: true }).fill('Bad-Tag');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await confirm().click();
    await fieldErrors('最低年利率')
      .getByText(/请输入 0 到 1 之间的年利率/)
      .waitFor();
    await fieldErrors('产品标签')
      .getByText(/标签须以小写字母开头/)
      .waitFor();
    await browser.shot('product-errors');
    await page.getByLabel('最低年利率').fill('0.035');
    await page
      .locator('.ant-form-item', { has: page.getByLabel('产品标签', { exact: true }) })
      .locator('.ant-select-selection-item', { hasText: 'Bad-Tag' })
      .locator('.ant-select-selection-item-remove')
      .click();
    await browser.shot('product-dialog');
    await confirm().click();
    await dialog().waitFor({ state: 'hidden' });
    const row = page.getByRole('row', { name: new RegExp(productName) });
    await row.getByText(otherBank).waitFor();
    await row.getByText('专精特新贷').waitFor();
    await browser.shot('product-listed');

    const [product] = await testApp.dataSource.query<
      {
        bank: string;
        eligible_regions: string[];
        eligible_industries: string[];
        eligible_scales: string[];
        guarantee_types: string[];
        tags: string[];
      }[]
    >(
      `SELECT b.name AS bank, p.eligible_regions, p.eligible_industries, p.eligible_scales,
              p.guarantee_types, p.tags
         FROM products p JOIN banks b ON b.id = p.bank_id WHERE p.name = $1`,
      [productName],
    );
    expect(product).toEqual({
      bank: otherBank,
      eligible_regions: ['220502'],
      eligible_industries: ['industry'],
      eligible_scales: ['small'],
      guarantee_types: ['credit'],
      tags: ['specialized'],
    });
  }, 240_000);

  // Last, so it covers every screen the scenarios above photographed (dialogs included).
  it('gives every control it showed an accessible name', () => {
    expect(browser.unlabelled).toEqual([]);
  });
});
