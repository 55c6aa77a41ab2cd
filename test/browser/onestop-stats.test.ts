import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial, makeAgency } from '../support/auth.ts';
import {
  a11yProblemsOfNoScriptPage,
  browserAvailable,
  browserSkip,
  chromiumPath,
  launchBrowser,
} from '../support/browser.ts';

/**
 * The one-stop statistics and the register book (form 07) in a browser without JavaScript, as
 * the composition root serves them: an officer reaches both from the navigation, filters a
 * period, switches to English, and downloads the exports; axe checks every page.
 */
describe('one-stop statistics and register book in a browser', { skip: browserSkip }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(browserAvailable(), `LT_REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath}`);
    t = await startTestApp();
    const agency = await makeAgency(t, { name: 'Ủy ban nhân dân xã Thống Kê', kind: 'commune' });
    const officer = await createOfficial(t, { agencyId: agency.id, roles: ['one_stop_officer'] });
    browser = await launchBrowser();
    page = await (await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false })).newPage();
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('Tên đăng nhập', { exact: false }).first().fill(officer.username);
    await page.getByLabel('Mật khẩu').fill(officer.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/account/);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function accessible(): Promise<void> {
    assert.deepEqual(await a11yProblemsOfNoScriptPage(browser, page), [], `accessibility of ${page.url()}`);
  }

  it('reaches the statistics from the navigation, in Vietnamese and English, and exports them', async () => {
    await page.goto(`${t.baseUrl}/account`);
    await page.locator('nav a[href="/one-stop/stats"]').first().click();
    await page.waitForURL(/\/one-stop\/stats/);
    assert.equal(
      await page
        .locator('h1')
        .first()
        .textContent()
        .then((x) => x?.trim().length !== 0),
      true,
    );
    await accessible();
    await page.goto(`${t.baseUrl}/one-stop/stats?period=2026-11&lang=en`);
    await accessible();
    const xlsx = page
      .locator('a[href*="/one-stop/stats/export.xlsx"], a[href*="stats"][href*="xlsx"]')
      .first();
    const href = await xlsx.getAttribute('href');
    assert.ok(href, 'an Excel export link');
    const download = await page.context().request.get(new URL(href, page.url()).toString());
    assert.equal(download.status(), 200);
    assert.match(download.headers()['content-type'] ?? '', /spreadsheetml/);
  });

  it('opens the register book of a month and exports it to PDF', async () => {
    await page.goto(`${t.baseUrl}/one-stop/register?period=2026-11`);
    await accessible();
    const pdf = page.locator('a[href*="register"][href*="pdf"]').first();
    const href = await pdf.getAttribute('href');
    assert.ok(href, 'a PDF export link');
    const download = await page.context().request.get(new URL(href, page.url()).toString());
    assert.equal(download.status(), 200);
    assert.equal((await download.body()).subarray(0, 5).toString(), '%PDF-');
  });
});
