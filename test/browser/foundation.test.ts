import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { systemContext } from '../../src/platform/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial } from '../support/auth.ts';
import {
  browserAvailable,
  chromiumPath,
  launchBrowser,
  a11yProblemsOfNoScriptPage,
  browserSkip,
} from '../support/browser.ts';

const skip = browserSkip;

/**
 * An administrator's journey through the foundation in a real browser, without any
 * JavaScript of ours: sign in, search the directory without diacritics, read an agency's
 * code history, create an official, find the change in the audit trail, sign out.
 * axe checks every page on the way.
 */
describe('foundation journey of an administrator in a browser', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let admin: { username: string; password: string };
  const visited: string[] = [];

  before(async () => {
    assert.ok(browserAvailable(), `LT_REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath}`);
    t = await startTestApp();
    await t.platform.directory.seed(systemContext('test'));
    const vpcp = await t.platform.directory.service.resolveCode('000.00.00.G22');
    assert.ok(vpcp, 'the seed holds Văn phòng Chính phủ');
    admin = await createOfficial(t, {
      agencyId: vpcp.current.id,
      roles: ['platform_admin', 'admin'],
      fullName: 'Trần Thị Quản Trị',
    });
    browser = await launchBrowser();
    page = await (await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false })).newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function accessible(): Promise<void> {
    visited.push(new URL(page.url()).pathname);
    assert.deepEqual(await a11yProblemsOfNoScriptPage(browser, page), [], `accessibility of ${page.url()}`);
  }

  it('signs in through the login form', async () => {
    await page.goto(`${t.baseUrl}/login`);
    await accessible();
    await page.getByLabel('Tên đăng nhập').fill(admin.username);
    await page.getByLabel('Mật khẩu').fill('wrong password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    assert.ok(await page.locator('.error-summary').isVisible(), 'a wrong password shows the error summary');
    await accessible();
    await page.getByLabel('Tên đăng nhập').fill(admin.username);
    await page.getByLabel('Mật khẩu').fill(admin.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    assert.match(await page.locator('header').innerText(), /Trần Thị Quản Trị/);
    await accessible();
  });

  it('finds Hà Nội by typing "ha noi" and shows its code history', async () => {
    await page.goto(`${t.baseUrl}/directory`);
    await page.getByLabel('Tên hoặc mã').fill('ha noi');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    const link = page.getByRole('link', { name: /Hà Nội/ }).first();
    assert.ok(await link.isVisible(), 'Hà Nội is found without diacritics');
    await accessible();
    await page.goto(`${t.baseUrl}/directory?q=000.00.00.H22`);
    await page
      .getByRole('link', { name: /Hà Giang/ })
      .first()
      .click();
    const text = await page.locator('main').innerText();
    assert.match(text, /000\.00\.00\.H22/);
    assert.match(text, /Tuyên Quang/, 'the closed province shows its successor');
    await accessible();
  });

  it('creates an official at an agency and sees it in the audit trail', async () => {
    await page.goto(`${t.baseUrl}/admin/accounts/new`);
    await accessible();
    await page.getByLabel('Tên đăng nhập').fill('vanthu.nghean');
    await page.getByLabel('Họ và tên').fill('Lê Văn Khôi');
    await page.getByLabel('Thư điện tử').fill('vanthu@nghean.gov.vn');
    await page.getByLabel('Mã định danh cơ quan').fill('000.00.00.H41');
    await page.locator('input[name="roles"][value="records_clerk"]').check();
    await page.locator('main form button[type="submit"]').last().click();
    const created = await page.locator('main').innerText();
    assert.match(created, /vanthu\.nghean/);
    await accessible();

    await page.goto(`${t.baseUrl}/admin/accounts?q=vanthu`);
    assert.match(await page.locator('main').innerText(), /Lê Văn Khôi/);
    await accessible();

    await page.goto(`${t.baseUrl}/admin/audit?action=identity`);
    const audit = await page.locator('main').innerText();
    assert.match(audit, /identity\.account\.create|identity\.account\.created|identity\.official/);
    await accessible();
  });

  it('shows the account page and signs out', async () => {
    await page.goto(`${t.baseUrl}/account`);
    await accessible();
    await page.locator('form.signout button').click();
    await page.goto(`${t.baseUrl}/admin/accounts`);
    assert.notEqual(
      await page.locator('h1').innerText(),
      'Tài khoản',
      'signed out: the admin page is not shown',
    );
    assert.ok(visited.length >= 8, `axe checked ${visited.length} pages`);
  });
});
