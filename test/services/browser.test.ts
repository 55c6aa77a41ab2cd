import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { systemContext } from '../../src/platform/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, signIn } from '../support/auth.ts';
import {
  browserAvailable,
  chromiumPath,
  launchBrowser,
  seriousA11yViolations,
  browserSkip,
} from '../support/browser.ts';

const skip = browserSkip;

describe('public services in a browser (pages need no JavaScript)', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(browserAvailable(), `LT_REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath}`);
    t = await startTestApp();
    await t.platform.directory.seed(systemContext('test'));
    await t.platform.services.seed(systemContext('test'));
    browser = await launchBrowser();
    page = await (await browser.newContext({ locale: 'vi-VN' })).newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function assertAccessible(what: string): Promise<void> {
    const violations = await seriousA11yViolations(page);
    assert.equal(
      violations.length,
      0,
      `${what}:\n${violations.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n')}`,
    );
  }

  it('a citizen finds "khai sinh" typed without diacritics and reads the procedure page', async () => {
    await page.goto(`${t.baseUrl}/`);
    await page.getByRole('link', { name: 'Dịch vụ công' }).first().click();
    await page.waitForURL(/\/services$/);
    await assertAccessible('search page');
    await page.getByLabel('Tên thủ tục').fill('khai sinh');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await page.waitForURL(/q=khai\+sinh/);
    await page.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).click();
    await page.waitForURL(/\/services\/1\.001193$/);
    await assertAccessible('procedure page');
    assert.ok(await page.getByRole('heading', { name: 'Thành phần hồ sơ' }).isVisible());
    await page.goto(`${t.baseUrl}/services/1.001193?lang=en`);
    await assertAccessible('procedure page in English');
  });

  it('an administrator edits and previews a form', async () => {
    const admin = await createOfficial(t, {
      agencyId: (await t.platform.directory.service.resolveCode('000.00.00.G01'))!.current.id,
      roles: ['platform_admin'],
    });
    // Signed in through the real /login form (support/auth.ts); the browser takes over the session.
    const client = await signIn(t, admin);
    const url = new URL(t.baseUrl);
    await page.context().addCookies(
      client
        .cookieHeader()
        .split('; ')
        .map((pair) => {
          const eq = pair.indexOf('=');
          return { name: pair.slice(0, eq), value: pair.slice(eq + 1), domain: url.hostname, path: '/' };
        }),
    );
    await page.goto(`${t.baseUrl}/admin/services?lang=vi`);
    await assertAccessible('admin list');
    await page.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).click();
    await assertAccessible('procedure overview');
    await page.getByRole('link', { name: 'Sửa (tạo bản nháp)' }).click();
    await assertAccessible('structured editor');
    await page.goBack();
    await page.getByRole('link', { name: 'Xem thử tờ khai' }).click();
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    assert.ok(await page.getByText('Hãy nhập Họ, chữ đệm, tên của trẻ.').first().isVisible());
    await assertAccessible('preview with errors');
  });
});
