import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { createTestApp, insertEnterprise, TestApp } from '../support/app.js';
import { buildWorld, client, World } from '../support/matchmaking.js';
import { shanghaiDate } from '../support/turnover.js';
import { Browser, consoleSteps, describeInBrowser, openBrowser } from './browser.js';

/**
 * The commissioners' and events' screens in headless Chromium: a commissioner's own visit log
 * and the need he files from it, an event's roster and figures, and the API's field errors
 * shown in Chinese.
 */
describeInBrowser('commissioners and events in a browser', () => {
  let testApp: TestApp;
  let world: World;
  let base: string;
  let browser: Browser;
  let page: Page;
  /** A 双50 enterprise, so the commissioners' figures count what is done for it. */
  const enterpriseName = '通化市专员服务浏览器测试有限公司';
  let enterpriseId: string;
  let assignmentId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    base = await testApp.app.getUrl();
    world = await buildWorld(testApp);
    enterpriseId = await insertEnterprise(testApp.dataSource, enterpriseName, { tags: ['key50'] });
    const appointed = await client(testApp).post(world.admin, '/commissioners', {
      officerId: world.bank1.officer.id,
      enterpriseId,
      from: shanghaiDate(),
    });
    expect(appointed.status).toBe(201);
    assignmentId = (appointed.body as { id: string }).id;
    browser = await openBrowser('commissioners');
    page = browser.page;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  const modal = () => page.locator('.ant-modal');
  const { confirm, signIn, go, choose, fieldErrors } = consoleSteps(
    () => page,
    () => base,
  );

  it('shows an API field error in Chinese under its field in a zh-CN form', async () => {
    const today = shanghaiDate();
    const yesterday = shanghaiDate(-1);
    await signIn(world.bank1.officer.username);
    await go('金融服务专员');
    await page.getByRole('row', { name: new RegExp(enterpriseName) }).click();
    await page.getByRole('button', { name: '记录走访' }).click();
    // The picker allows any past day; only the API knows the term began today.
    const date = page.getByLabel('走访日期');
    await date.click();
    await date.fill(yesterday);
    await date.press('Enter');
    await page.getByLabel('走访情况').fill('电话了解经营情况');
    await confirm().click();
    await fieldErrors('走访日期').getByText(`不能早于任期开始日（${today}）`).waitFor();
    await modal().getByRole('alert').getByText('提交的内容有误').waitFor();
    await expect(fieldErrors('走访日期').textContent()).resolves.not.toMatch(/[a-z]{3}/);
    await browser.shot('field-error-zh');
    // A form rule of the console's own speaks Chinese too, not antd's raw pattern.
    await page.getByLabel('发现融资需求').check();
    await page.getByLabel('需求金额（元）').fill('2百万');
    await confirm().click();
    await fieldErrors('需求金额（元）').getByText('请输入金额（元），最多两位小数').waitFor();
    await browser.shot('pattern-error-zh');
    await modal().getByRole('button', { name: '取消' }).click();
    await modal().waitFor({ state: 'hidden' });
  }, 180_000);

  it('lets a commissioner log a visit and file the need it found, which the center then sees', async () => {
    const today = shanghaiDate();
    await signIn(world.bank1.officer.username);
    await go('金融服务专员');
    const row = page.getByRole('row', { name: new RegExp(enterpriseName) });
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: '记录走访' }).click();
    await page.getByLabel('走访方式').click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .filter({ hasText: '实地走访' })
      .click();
    await page.getByLabel('走访情况').fill('走访企业生产车间，扩产需流动资金');
    await page.getByLabel('发现融资需求').check();
    await page.getByLabel('需求金额（元）').fill('2000000.00');
    await browser.shot('visit-dialog');
    await confirm().click();
    await modal().waitFor({ state: 'hidden' });
    const visits = page.getByTestId('visits');
    await visits.locator('[data-need="open"]').waitFor();
    await browser.shot('visit-logged');

    await page.getByRole('button', { name: `登记为融资需求 ${today}` }).click();
    await expect(modal().getByLabel('金额（元）').inputValue()).resolves.toBe('2000000.00');
    await choose('担保方式', '抵押');
    await browser.shot('file-need-dialog');
    // An impatient double click files one request.
    await confirm().dblclick();
    await modal().waitFor({ state: 'hidden' });
    await visits.locator('[data-need="filed"]').waitFor();
    await browser.shot('need-filed');
    const filed = await testApp.dataSource.query<{ count: number; onBehalf: boolean }[]>(
      `SELECT count(*)::int AS count, bool_and(r.on_behalf) AS "onBehalf"
         FROM financing_requests r WHERE r.enterprise_id = $1`,
      [enterpriseId],
    );
    expect(filed[0]).toEqual({ count: 1, onBehalf: true });

    // The project center finds it in its dispatch queue, then sees the figures and ends the term.
    await signIn(world.admin.username);
    await go('派单队列');
    await page.getByRole('row', { name: `${enterpriseName} 2,000,000.00 元` }).waitFor();
    await browser.shot('center-queue');

    await go('金融服务专员');
    const figures = page.getByTestId('commissioner-figures');
    const officerRow = figures.getByRole('row', {
      name: new RegExp(`${world.bank1.officer.username}.*吉林银行通化分行`),
    });
    await officerRow.waitFor();
    // One enterprise served, one visit, its need still open (filed, not yet disbursed).
    await expect(officerRow.locator('td').allTextContents()).resolves.toEqual([
      world.bank1.officer.username,
      '吉林银行通化分行',
      '1',
      '1',
      '0.00 元',
      '0.00 元',
      '0',
      '—',
      '1',
    ]);
    await figures.getByRole('row', { name: /^合计/ }).waitFor();
    await page.locator('[data-section="commissioner-figures"]').scrollIntoViewIfNeeded();
    await browser.shot('commissioner-figures');

    await page
      .getByRole('button', { name: `结束任期 ${world.bank1.officer.username} ${enterpriseName}` })
      .click();
    await confirm().click();
    // Required before the API is asked, in Chinese.
    await fieldErrors('结束原因').waitFor();
    await page.getByLabel('结束原因').fill('专员调任其他岗位');
    await browser.shot('end-term');
    await confirm().click();
    await modal().waitFor({ state: 'hidden' });
    await page
      .getByRole('row', { name: new RegExp(`${world.bank1.officer.username}.*${enterpriseName}`) })
      .locator('[data-status="ended"]')
      .waitFor();
    const [assignment] = await testApp.dataSource.query<{ status: string }[]>(
      'SELECT status FROM commissioner_assignments WHERE id = $1',
      [assignmentId],
    );
    expect(assignment.status).toBe('ended');
    await browser.shot('term-ended');
  }, 240_000);

  it('lets the center add participants to an event and read its figures', async () => {
    const title = '通化市医药产业融资对接会（浏览器）';
    const created = await client(testApp).post(world.admin, '/events', {
      title,
      theme: '医药健康',
      date: shanghaiDate(),
      format: 'offline',
      bankIds: [world.bank1.id],
    });
    expect(created.status).toBe(201);
    await signIn(world.admin.username);
    await go('融资对接活动');
    await page.getByRole('row', { name: new RegExp(title) }).click();
    const roster = page.getByTestId('roster');
    await roster.getByText('吉林银行通化分行').waitFor();
    await browser.shot('event-roster');

    await page.getByRole('button', { name: '添加参与方' }).click();
    await choose('参与银行', '中国工商银行通化分行');
    await modal().getByText('添加参与方').click();
    await choose('参与企业', '吉林紫鑫药业股份有限公司');
    await modal().getByText('添加参与方').click();
    await browser.shot('add-participants');
    await confirm().click();
    await modal().waitFor({ state: 'hidden' });
    await roster.getByText('中国工商银行通化分行').waitFor();
    await roster.getByText('吉林紫鑫药业股份有限公司').waitFor();
    // The list's counts follow the roster.
    await page.getByRole('row', { name: new RegExp(`${title}.*2 / 1`) }).waitFor();
    // Each figure as it reads once the page has reloaded after a change.
    const figure = (name: string, text: string) =>
      page.locator(`[data-figure="event.${name}"]`, { hasText: new RegExp(`^${text}$`) }).waitFor();
    await figure('banks', '2');
    await figure('enterprises', '1');
    await figure('intents', '0');

    // An intent at the new bank; zero is refused by the API, in Chinese, under the amount.
    await page.getByRole('button', { name: '登记意向' }).click();
    await choose('企业', '吉林紫鑫药业股份有限公司');
    await choose('银行', '中国工商银行通化分行');
    await modal().getByLabel('金额（元）').fill('0.00');
    await confirm().click();
    await fieldErrors('金额（元）').getByText('须大于 0').waitFor();
    await browser.shot('intent-zero');
    await modal().getByLabel('金额（元）').fill('15000000.00');
    await confirm().click();
    await modal().waitFor({ state: 'hidden' });
    await figure('intents', '1');
    await figure('intentAmount', '1,500.00 万元');
    await figure('enterprisesWithIntent', '1');
    await figure('converted', '0');
    await page.locator('[data-section="event-figures"]').scrollIntoViewIfNeeded();
    await browser.shot('event-figures');
  }, 240_000);

  // Last, so it covers every screen the scenarios above photographed (dialogs included).
  it('gives every control it showed an accessible name', () => {
    expect(browser.unlabelled).toEqual([]);
  });
});
