import { describe, expect } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '../support/app.js';

/** Debian's Chromium (`apt-get install chromium fonts-noto-cjk`); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `describe` when Chromium is here; otherwise one clear line and a skipped suite, unless
 * REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`);
  }
  process.stdout.write(
    `Browser tests skipped: no Chromium at ${CHROMIUM} ` +
      '(install it with `apt-get install -y chromium fonts-noto-cjk`, or set CHROMIUM_PATH).\n',
  );
  describe.skip(name, body);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /**
   * Saves test-results/browser/<scenario>-<nn>-<step>.png, and notes the controls on screen that
   * have no accessible name (see `unlabelled`).
   */
  shot(step: string): Promise<void>;
  /** Every unnamed control seen at a screenshot so far, as `<step>: <snapshot line>`. */
  readonly unlabelled: string[];
  close(): Promise<void>;
}

const SCREENSHOTS = path.resolve('test-results', 'browser');

/** Headless Chromium on a fresh profile, one page at 1280×800, zh-CN, Beijing time. */
export async function openBrowser(scenario: string): Promise<Browser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'yinqi-chromium-'));
  await mkdir(SCREENSHOTS, { recursive: true });
  // Last run's pictures of this scenario would mix with this run's under the same numbers.
  for (const file of await readdir(SCREENSHOTS)) {
    if (file.startsWith(`${scenario}-`)) {
      await rm(path.join(SCREENSHOTS, file));
    }
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // The console then turns antd's animations off, so screenshots show settled screens.
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  let step = 0;
  const unlabelled: string[] = [];
  return {
    context,
    page,
    unlabelled,
    shot: async (name) => {
      step += 1;
      const file = `${scenario}-${String(step).padStart(2, '0')}-${name}.png`;
      await page.screenshot({ path: path.join(SCREENSHOTS, file) });
      for (const line of await unlabelledControls(page)) {
        unlabelled.push(`${name}: ${line.trim()}`);
      }
    },
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Roles a user operates; each needs a name a screen reader can announce. */
const CONTROL =
  /^\s*- (button|checkbox|combobox|radio|searchbox|slider|spinbutton|switch|textbox)\b(?! ")/;

/**
 * The visible controls of the page (dialogs included) that have no accessible name, as Chromium's
 * accessibility tree computes it — a label, aria-label or text. Each entry is the snapshot line.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  return snapshot.split('\n').filter((line) => CONTROL.test(line));
}

/**
 * What every console scenario does: sign in, open a menu, pick options, read a field's errors.
 * `page` and `base` are read at each call (suites open them in `beforeAll`). With `checkName`,
 * signing in also checks that the header shows the name passed (the username by default).
 */
export function consoleSteps(
  page: () => Page,
  base: () => string,
  { checkName = true }: { checkName?: boolean } = {},
) {
  const whoami = () => page().getByTestId('whoami');
  return {
    whoami,
    /** The open dialog's OK button (antd names it 确定). */
    confirm: () => page().locator('.ant-modal').getByRole('button', { name: '确定' }),
    async signIn(username: string, shown = username): Promise<void> {
      if (await whoami().isVisible()) {
        await page().getByRole('button', { name: '退出登录' }).click();
      } else {
        await page().goto(`${base()}/login`);
      }
      await page().getByLabel('用户名').fill(username);
      await page().getByLabel('密码').fill(TEST_PASSWORD);
      await page().getByRole('button', { name: '登录', exact: true }).click();
      await whoami().waitFor();
      if (checkName) {
        await expect(whoami().textContent()).resolves.toContain(shown);
      }
    },
    async go(menu: string): Promise<void> {
      await page().getByRole('menuitem', { name: menu, exact: true }).click();
    },
    /** Picks `option` in the select labelled `label`; a multiple select is closed afterwards. */
    async choose(label: string, option: string, multiple = false): Promise<void> {
      await page().getByLabel(label, { exact: true }).click();
      await page()
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
        .filter({ hasText: option })
        .first()
        .click();
      if (multiple) {
        await page().keyboard.press('Escape');
      }
    },
    /** The form item around a labelled control, where antd puts that field's errors. */
    fieldErrors: (label: string) =>
      page()
        .locator('.ant-form-item', { has: page().getByLabel(label, { exact: true }) })
        .locator('.ant-form-item-explain-error'),
  };
}
