import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { createTestApp, randomCreditCode, TEST_PASSWORD, TestApp } from '../support/app.js';
import { IMPORT_HEADER } from '../../src/modules/projects/project-csv.js';
import { buildWorld, World } from '../support/matchmaking.js';
import { applicationIn, shanghaiDate, turnoverClient } from '../support/turnover.js';
import { Browser, consoleSteps, describeInBrowser, openBrowser } from './browser.js';

/**
 * The console against the real app (listening on a port, its own database), driven by
 * headless Chromium the way its users work: each step signs in as the person who does it.
 */
describeInBrowser('web console in a browser', () => {
  let testApp: TestApp;
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    base = await testApp.app.getUrl();
    world = await buildWorld(testApp);
    browser = await openBrowser('console');
    page = browser.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const { whoami, confirm, signIn, go, choose } = consoleSteps(
    () => page,
    () => base,
  );

  it('takes a request from self-registration to disbursement', async () => {
    const username = `tonghua-steel-${Date.now()}`;
    const enterpriseName = '通化钢铁浏览器测试有限公司';

    // 1. The enterprise registers itself.
    await page.goto(`${base}/register`);
    await page.getByLabel('企业名称').fill(enterpriseName);
    const creditCode = randomCreditCode();
    const mistyped = creditCode.slice(0, 17) + (creditCode[17] === '0' ? '1' : '0');
    await page.getByLabel('统一社会信用代码').fill(mistyped);
    await choose('所在地区', '东昌区');
    await choose('行业', '工业');
    await page.getByLabel('从业人员（人）').fill('120');
    await page.getByLabel('营业收入（元）').fill('80000000.00');
    await page.getByLabel('资产总额（元）').fill('120000000.00');
    await page.getByLabel('联系人姓名').fill('王会计');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '提交' }).click();
    // The API's problem+json names the field; the console shows it under that field, in Chinese.
    const codeItem = page.locator('.ant-form-item', { has: page.getByLabel('统一社会信用代码') });
    await codeItem
      .locator('.ant-form-item-explain-error')
      .getByText(/校验码不符/)
      .waitFor();
    await codeItem.scrollIntoViewIfNeeded();
    await browser.shot('register-field-error');
    await page.getByLabel('统一社会信用代码').fill(creditCode);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('注册成功').waitFor();
    await browser.shot('registered');

    // 2. The project center verifies it.
    await signIn(world.admin.username);
    await go('企业名录');
    await page.getByRole('button', { name: `核验 ${enterpriseName}` }).click();
    await page
      .getByRole('row', { name: new RegExp(enterpriseName) })
      .getByText('已核验')
      .waitFor();
    await browser.shot('verified');

    // 3. The enterprise files its request; its session then expires while it types the next
    //    one, and signing in again keeps what it typed.
    await signIn(username, '王会计');
    await go('新建融资需求');
    await page.getByLabel('金额（元）').fill('5000000.00');
    await page.getByLabel('说明').fill('采购焦炭');
    // An impatient double click files one request, not two.
    await page.getByRole('button', { name: '提交' }).dblclick();
    await page.getByTestId('holder').getByText('项目中心').waitFor();
    const requestUrl = page.url();
    const filed = await testApp.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM financing_requests r JOIN enterprises e ON e.id = r.enterprise_id
        WHERE e.name = $1`,
      [enterpriseName],
    );
    expect(filed[0].count).toBe(1);
    await browser.shot('request-filed');

    await go('新建融资需求');
    await page.getByLabel('金额（元）').fill('800000.00');
    await page.getByLabel('说明').fill('第二笔：购置设备');
    // Both tokens go bad at once, as after a long lunch: the refresh is refused too.
    await page.evaluate(
      `localStorage.setItem('yinqi.session', '{"accessToken":"expired","refreshToken":"revoked"}')`,
    );
    await page.getByRole('button', { name: '提交' }).click();
    const relogin = page.locator('.ant-modal');
    await relogin.getByText('登录已过期').waitFor();
    await browser.shot('session-expired');
    await relogin.getByLabel('用户名').fill(username);
    await relogin.getByLabel('密码').fill(TEST_PASSWORD);
    await relogin.getByRole('button', { name: '登录', exact: true }).click();
    await relogin.waitFor({ state: 'hidden' });
    await expect(page.getByLabel('金额（元）').inputValue()).resolves.toBe('800000.00');
    await expect(page.getByLabel('说明').inputValue()).resolves.toBe('第二笔：购置设备');
    await expect(page.locator('main').getByRole('alert').count()).resolves.toBe(0);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByTestId('holder').getByText('项目中心').waitFor();

    // 4. The center dispatches it to the first suggested bank.
    await signIn(world.admin.username);
    await go('派单队列');
    // From the keyboard: focus the queue's row and open it with Enter.
    await page.getByRole('row', { name: `${enterpriseName} 5,000,000.00 元` }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('派单 吉林银行通化分行').check();
    await browser.shot('suggestions');
    await page.getByRole('button', { name: /派单至所选银行/ }).click();
    await page.locator('.ant-message-notice').getByText('已派单').waitFor();

    // 5. The bank's president assigns it to an officer; the center's toast stayed with the
    //    center's session.
    await signIn(world.bank1.president.username);
    await expect(page.locator('.ant-message-notice').count()).resolves.toBe(0);
    await page.getByRole('button', { name: `分派 ${enterpriseName}` }).click();
    await choose('客户经理', world.bank1.officer.username);
    await browser.shot('assign');
    await confirm().click();
    await page
      .getByRole('row', { name: new RegExp(enterpriseName) })
      .getByText(world.bank1.officer.username)
      .waitFor();

    // 6. The officer accepts, approves and disburses.
    await signIn(world.bank1.officer.username);
    await page.getByRole('button', { name: `受理 ${enterpriseName}` }).click();
    await confirm().click();
    await page.getByRole('button', { name: `审批通过 ${enterpriseName}` }).click();
    await page.getByLabel('年利率（如 0.0385）').fill('0.0385');
    await browser.shot('approve');
    await confirm().click();
    await page.getByRole('button', { name: `放款 ${enterpriseName}` }).click();
    await page.getByLabel('合同编号').fill('JLB-2026-0042');
    await browser.shot('disburse');
    await confirm().click();
    await page
      .getByRole('row', { name: new RegExp(enterpriseName) })
      .getByText('已放款')
      .waitFor();
    await browser.shot('inbox-disbursed');

    // 7. The enterprise sees its request disbursed.
    await signIn(username, '王会计');
    await page.goto(requestUrl);
    await page.locator('[data-status="funded"]').first().waitFor();
    await expect(page.getByTestId('holder').textContent()).resolves.toContain('已完成');
    await expect(page.locator('[data-status="disbursed"]').count()).resolves.toBeGreaterThan(0);
    await browser.shot('enterprise-sees-disbursed');

    // Its profile shows the verification by the center.
    await go('企业信息');
    await page.getByText(enterpriseName).first().waitFor();
    await page
      .locator('main')
      .getByText(/^已核验 · /)
      .waitFor();
    await browser.shot('enterprise-profile');

    // 8. The city dashboard counts the disbursement under 项目中心+行长制, each figure with its
    //    definition, and exports the same figures as CSV.
    await signIn(world.admin.username);
    await go('城市看板');
    const figure = (name: string) => page.locator(`[data-figure="${name}"]`);
    await figure('matchmaking.enterprisesFunded').waitFor();
    for (const name of ['matchmaking.enterprisesPushed', 'matchmaking.enterprisesFunded']) {
      expect(Number(await figure(name).textContent())).toBeGreaterThan(0);
    }
    await expect(figure('matchmaking.amountDisbursed').textContent()).resolves.toMatch(
      /^[1-9][\d,]*\.\d\d (万元|亿元)$/,
    );
    await page.getByText('对接成功率', { exact: true }).hover();
    await page
      .getByRole('tooltip')
      .getByText(/enterprisesFunded ÷ enterprisesPushed/)
      .waitFor();
    await browser.shot('dashboard');
    await page.locator('[data-section="events"]').scrollIntoViewIfNeeded();
    await browser.shot('dashboard-sections');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 CSV' }).click();
    const csv = await readFile(await (await download).path(), 'utf8');
    expect(csv).toContain('项目中心+行长制');
  }, 240_000);

  it('runs a guarantee fund and a guarantee of the disbursed match through claim and recovery', async () => {
    const fundName = '通化市信保基金（浏览器）';
    const enterpriseName = '通化钢铁浏览器测试有限公司';
    const row = () => page.getByRole('row', { name: new RegExp(enterpriseName) });
    const keys: Record<string, (string | undefined)[]> = {};
    page.on('request', (request) => {
      const action = /\/api\/v1\/guarantee(?:-fund)?s\/[^/]+\/(\w+)$/.exec(request.url())?.[1];
      if (action !== undefined && request.method() === 'POST') {
        (keys[action] ??= []).push(request.headers()['idempotency-key']);
      }
    });
    await signIn(world.admin.username);
    await go('信保基金担保');

    // 1. A new fund; the dialog mirrors the API's checks before sending.
    await page.getByRole('button', { name: '新建基金' }).click();
    await page.getByLabel('基金名称').fill(fundName);
    await page.getByLabel('年担保费率（如 0.007）').fill('0.7%');
    await page.getByLabel('单户在保上限（元）').fill('10000000.00');
    await confirm().click();
    const rateItem = page.locator('.ant-form-item', {
      has: page.getByLabel('年担保费率（如 0.007）'),
    });
    await rateItem.locator('.ant-form-item-explain-error').waitFor();
    await browser.shot('guarantee-fund-error');
    await page.getByLabel('年担保费率（如 0.007）').fill('0.007');
    await confirm().click();
    await page.getByRole('row', { name: new RegExp(fundName) }).waitFor();

    // 2. Capital in, with one Idempotency-Key for the dialog.
    await page.getByRole('button', { name: `注资 ${fundName}` }).click();
    await page.locator('.ant-modal').getByLabel('金额（元）').fill('50000000.00');
    await confirm().click();
    await page
      .getByRole('row', { name: new RegExp(fundName) })
      .getByText('50,000,000.00 元')
      .first()
      .waitFor();
    await browser.shot('guarantee-fund');

    // 3. The center applies for a guarantee of the disbursed match, approves and activates it
    //    (a double click on the money action sends it once).
    await page.getByRole('button', { name: '申请担保' }).click();
    await choose('基金', fundName);
    await choose('对接单', enterpriseName);
    await expect(page.getByLabel('担保本金').inputValue()).resolves.toBe('5000000.00');
    await confirm().click();
    await row().locator('[data-status="applied"]').waitFor();
    await page.getByRole('button', { name: `审批通过 ${enterpriseName}` }).click();
    await confirm().click();
    await row().locator('[data-status="approved"]').waitFor();
    await page.getByRole('button', { name: `生效（收取担保费） ${enterpriseName}` }).click();
    await confirm().dblclick();
    await row().locator('[data-status="active"]').waitFor();
    expect(keys.activate).toHaveLength(1);

    // 4. The bank's loss is claimed (代偿), then part of it recovered (追偿).
    await page.getByRole('button', { name: `代偿 ${enterpriseName}` }).click();
    await page.locator('.ant-modal').getByLabel('金额（元）').fill('1000000.00');
    await confirm().click();
    await row().locator('[data-status="claimed"]').waitFor();
    await page.getByRole('button', { name: `追偿 ${enterpriseName}` }).click();
    await page.locator('.ant-modal').getByLabel('金额（元）').fill('400000.00');
    await confirm().click();
    await row().locator('[data-status="recovered"]').waitFor();
    await browser.shot('guarantee-recovered');
    for (const action of ['capital', 'activate', 'claim', 'recover']) {
      expect(keys[action]?.[0]).toMatch(/^[0-9a-f-]{36}$/);
    }
  }, 240_000);

  it('appoints and reassigns a commissioner, logs a visit, and converts an event intent', async () => {
    const enterpriseName = '通化钢铁浏览器测试有限公司';
    const bankName = '吉林银行通化分行';
    const eventTitle = '通化市专精特新融资对接会（浏览器）';
    const modal = page.locator('.ant-modal');
    await signIn(world.admin.username);

    // 1. Commissioners: appoint the officer, then hand the enterprise to the president.
    await go('金融服务专员');
    await page.getByRole('button', { name: '任命专员' }).click();
    await choose('企业', enterpriseName);
    await choose('银行', bankName);
    await choose('客户经理', world.bank1.officer.username);
    await confirm().click();
    await page
      .getByRole('row', { name: new RegExp(`${world.bank1.officer.username}.*${enterpriseName}`) })
      .waitFor();
    await page.getByRole('button', { name: `更换专员 ${enterpriseName}` }).click();
    await choose('银行', bankName);
    await choose('客户经理', world.bank1.colleague.username);
    await confirm().click();
    const current = page.getByRole('row', {
      name: new RegExp(`${world.bank1.colleague.username}.*${enterpriseName}`),
    });
    await current.waitFor();
    await page
      .getByRole('row', { name: new RegExp(`${world.bank1.officer.username}.*${enterpriseName}`) })
      .locator('[data-status="ended"]')
      .waitFor();

    // 2. The new commissioner's visit log, opened from the keyboard.
    await current.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: '记录走访' }).click();
    await page.getByLabel('走访情况').fill('了解企业扩产计划，需流动资金');
    await page.getByLabel('发现融资需求').check();
    await page.getByLabel('需求金额（元）').fill('3000000.00');
    await confirm().click();
    await page.getByTestId('visits').getByText('3,000,000.00 元').waitFor();
    await browser.shot('commissioner-visit');

    // 3. An event with the bank and the enterprise; an intent recorded there, then converted.
    await go('融资对接活动');
    await page.getByRole('button', { name: '新建活动' }).click();
    await page.getByLabel('活动名称').fill(eventTitle);
    await page.getByLabel('主题').fill('专精特新');
    await choose('参与银行', bankName);
    await page.getByLabel('活动名称').click();
    await choose('参与企业', enterpriseName);
    await page.getByLabel('活动名称').click();
    await confirm().click();
    await modal.waitFor({ state: 'hidden' });
    await page.getByRole('row', { name: new RegExp(eventTitle) }).click();
    await page.getByRole('button', { name: '登记意向' }).click();
    await choose('企业', enterpriseName);
    await choose('银行', bankName);
    await modal.getByLabel('金额（元）').fill('3000000.00');
    await confirm().click();
    const intent = page.getByRole('row', { name: new RegExp(`${enterpriseName}.*3,000,000.00`) });
    await intent.locator('[data-status="open"]').waitFor();
    await page.getByRole('button', { name: `转为融资需求 ${enterpriseName}` }).click();
    await confirm().click();
    await intent.locator('[data-status="converted"]').waitFor();
    await browser.shot('event-intent-converted');
  }, 240_000);

  it('runs a turnover bridge from application to repayment, with the ledger balancing', async () => {
    const turnover = turnoverClient(testApp);
    const fundId = await turnover.createFund(world.admin, { name: '通化市应急周转基金（浏览器）' });
    await turnover.inject(world.admin, fundId, '50000000.00');
    const enterpriseName = '通化东宝药业股份有限公司';
    const row = () => page.getByRole('row', { name: new RegExp(enterpriseName) });

    // 1. The enterprise applies, naming its maturing loan and lending bank.
    await signIn(world.userA.username);
    await go('申请周转资金');
    await choose('基金', '通化市应急周转基金（浏览器）');
    await choose('银行', '吉林银行通化分行');
    await page.getByLabel('到期贷款合同编号').fill('JLB-2025-0420');
    await page.getByLabel('到期贷款金额（元）').fill('10000000.00');
    await page.getByLabel('到期日').fill(shanghaiDate(10));
    await page.getByLabel('到期日').press('Enter');
    await page.getByLabel('金额（元）', { exact: true }).fill('9500000.00');
    await browser.shot('turnover-application');
    await page.getByRole('button', { name: '提交' }).click();
    await row().locator('[data-status="submitted"]').waitFor();

    // 2. The lending bank commits to renew the loan.
    await signIn(world.bank1.officer.username);
    await go('周转申请');
    await page.getByRole('button', { name: `续贷承诺 ${enterpriseName}` }).click();
    await browser.shot('turnover-commitment');
    await confirm().click();
    await row().locator('[data-status="bank_committed"]').waitFor();

    // 3. The center approves; the approver may not also pay out (four eyes).
    await signIn(world.admin.username);
    await go('周转申请');
    await page.getByRole('button', { name: `审批通过 ${enterpriseName}` }).click();
    await confirm().click();
    await row().locator('[data-status="approved"]').waitFor();
    await page.getByRole('button', { name: `放款 ${enterpriseName}` }).click();
    await confirm().click();
    await page
      .locator('.ant-modal')
      .getByRole('alert')
      .getByText('FOUR_EYES_REQUIRED', { exact: false })
      .waitFor();
    await browser.shot('turnover-four-eyes');
    await page.locator('.ant-modal').getByRole('button', { name: '取消' }).click();

    // 4. A second administrator disburses, then records the repayment.
    await signIn(world.otherAdmin.username);
    await go('周转申请');
    await page.getByRole('button', { name: `放款 ${enterpriseName}` }).click();
    await confirm().click();
    await row().locator('[data-status="disbursed"]').waitFor();
    await page.getByRole('button', { name: `登记还款 ${enterpriseName}` }).click();
    await confirm().click();
    await row().locator('[data-status="repaid"]').waitFor();
    await browser.shot('turnover-repaid');

    // 5. The fund's journal balances and matches its balances.
    await go('基金账本');
    const fundRow = page.getByRole('row', { name: /通化市应急周转基金（浏览器）/ });
    await fundRow.waitFor();
    // The access token goes stale while the refresh token is good; opening the fund fires two
    // requests at once, and they must share one refresh (the server rotates refresh tokens,
    // and a second refresh with the old one would end the whole session).
    await page.evaluate(
      `localStorage.setItem('yinqi.session', JSON.stringify({ ...JSON.parse(localStorage.getItem('yinqi.session')), accessToken: 'stale' }))`,
    );
    const refreshes: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v1/auth/refresh')) {
        refreshes.push(request.url());
      }
    });
    await fundRow.click();
    await page.getByRole('button', { name: '对账' }).click();
    await expect(page.getByTestId('reconciliation').textContent()).resolves.toContain(
      '账实相符，借贷平衡',
    );
    await expect(page.getByRole('row', { name: /周转放款/ }).count()).resolves.toBe(2);
    await expect(page.getByText('登录已过期').isVisible()).resolves.toBe(false);
    expect(refreshes).toHaveLength(1);
    await expect(whoami().textContent()).resolves.toContain(world.otherAdmin.username);
    await browser.shot('turnover-ledger');
    expect(await turnover.reconcile(world.admin, fundId)).toMatchObject({ ok: true });
  }, 240_000);

  it('writes off an overdue use once a reason is given', async () => {
    const turnover = turnoverClient(testApp);
    const fundId = await turnover.createFund(world.admin, { name: '通化市应急周转基金（核销）' });
    await turnover.inject(world.admin, fundId, '50000000.00');
    await applicationIn(testApp, 'overdue', {
      fundId,
      user: world.userB,
      bank: world.bank1,
      approver: world.admin,
      disburser: world.otherAdmin,
    });
    const enterpriseName = '吉林紫鑫药业股份有限公司';
    await signIn(world.admin.username);
    await go('周转申请');
    await page.getByRole('button', { name: `核销 ${enterpriseName}` }).click();
    await confirm().click();
    await page.locator('.ant-modal .ant-form-item-explain-error').first().waitFor();
    await page.getByLabel('说明').fill('企业破产清算，无力偿还');
    await browser.shot('turnover-write-off');
    await confirm().click();
    await page
      .getByRole('row', { name: new RegExp(enterpriseName) })
      .locator('[data-status="written_off"]')
      .waitFor();
  }, 180_000);

  it('lists every bad line of a project import next to its number, importing nothing', async () => {
    await signIn(world.admin.username);
    await go('重点项目');
    const before = await testApp.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM projects',
    );
    await page
      .getByLabel('CSV', { exact: true })
      .fill(`${IMPORT_HEADER}\n不存在的企业,0,项目甲,220502,new,abc,100\n`);
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.getByTestId('line-errors').getByText('line 2').first().waitFor();
    await browser.shot('project-import-errors');
    const after = await testApp.dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM projects',
    );
    expect(after[0].count).toBe(before[0].count);
  }, 120_000);

  it('lets a president edit a product, showing an API field error next to the field', async () => {
    await signIn(world.bank1.president.username);
    const [product] = await testApp.dataSource.query<{ name: string }[]>(
      'SELECT name FROM products WHERE id = $1',
      [world.bank1.productId],
    );
    await go('信贷产品');
    await page.getByRole('button', { name: `编辑 ${product.name}`, exact: true }).click();
    const maxRate = page.getByLabel('最高年利率');
    await expect(maxRate.inputValue()).resolves.toBe('0.06');
    // Below the minimum (0.03): refused under the field, in Chinese, before the API is asked.
    await maxRate.fill('0.02');
    await confirm().click();
    await page
      .locator('.ant-form-item')
      .filter({ has: maxRate })
      .getByText('不能小于最低值')
      .waitFor();
    await browser.shot('product-field-error');
    await maxRate.fill('0.075');
    await confirm().click();
    await page.locator('.ant-modal').waitFor({ state: 'hidden' });
    await page
      .getByRole('row', { name: new RegExp(product.name) })
      .getByText('3.00% ~ 7.50%')
      .waitFor();
    await browser.shot('product-edited');
  }, 120_000);

  it('shows an auditor every view and no control that changes anything', async () => {
    const readOnly = new Set([
      '刷新',
      '对账',
      '校验哈希链',
      '导出 CSV',
      '融资需求详情',
      '退出登录',
      'English',
    ]);
    await signIn(world.auditor.username);
    const views = [
      '融资需求',
      '重点项目',
      '企业名录',
      '对接单',
      '周转申请',
      '基金账本',
      '信贷产品',
      '城市看板',
      '对接统计',
      '信保基金担保',
      '金融服务专员',
      '融资对接活动',
      '审计日志',
      '消息通知',
    ];
    await expect(
      page.getByRole('navigation').getByRole('menuitem').allTextContents(),
    ).resolves.toEqual(views);
    for (const view of views) {
      await go(view);
      await page.locator('main .ant-table, main [data-figure]').first().waitFor();
      await page.waitForLoadState('networkidle');
      if (view === '基金账本') {
        await page.locator('.ant-table-row').first().click();
        await page.getByRole('button', { name: '对账' }).click();
        await page.getByTestId('reconciliation').waitFor();
      }
      if (view === '城市看板') {
        await expect(
          page.locator('[data-figure="matchmaking.enterprisesFunded"]').textContent(),
        ).resolves.not.toBe('0');
      }
      if (view === '审计日志') {
        await page.getByRole('button', { name: '校验哈希链' }).click();
        await page.getByTestId('chain').waitFor();
      }
      await browser.shot(`auditor-${views.indexOf(view) + 1}`);
      await expect(page.locator('[data-write]').count()).resolves.toBe(0);
      const buttons = (await page.getByRole('button').allTextContents())
        .map((text) => text.trim())
        .filter((text) => text !== '');
      expect({ view, writable: buttons.filter((text) => !readOnly.has(text)) }).toEqual({
        view,
        writable: [],
      });
    }
    // A request's own page too: its timeline and matches, nothing to press.
    await go('融资需求');
    await page
      .getByRole('button', { name: /^融资需求详情/ })
      .first()
      .click();
    await page.getByTestId('holder').waitFor();
    await expect(page.locator('[data-write]').count()).resolves.toBe(0);
    await browser.shot('auditor-request');

    // English on demand, with the same figures.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Financing requests' }).waitFor();
    await expect(page.getByTestId('holder').textContent()).resolves.toMatch(/^Held by/);
    await browser.shot('auditor-english');
    await page.getByRole('button', { name: '中文' }).click();
  }, 240_000);

  // Last, so it covers every screen the scenarios above photographed (dialogs included).
  it('gives every control it showed an accessible name', () => {
    expect(browser.unlabelled).toEqual([]);
  });
});
