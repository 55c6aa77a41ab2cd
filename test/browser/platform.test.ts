import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.ts';
import {
  browserAvailable,
  chromiumPath,
  launchBrowser,
  seriousA11yViolations,
  browserSkip,
} from '../support/browser.ts';

const skip = browserSkip;

function describeViolations(violations: Awaited<ReturnType<typeof seriousA11yViolations>>): string {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    .join('\n');
}

describe('platform pages in a browser', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  before(async () => {
    assert.ok(browserAvailable(), `LT_REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath}`);
    t = await startTestApp();
    browser = await launchBrowser();
    // A Vietnamese browser, as most visitors have; the English switch is tested below.
    page = await (await browser.newContext({ locale: 'vi-VN' })).newPage();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function assertAccessible(what: string): Promise<void> {
    const violations = await seriousA11yViolations(page);
    assert.equal(violations.length, 0, `${what}:\n${describeViolations(violations)}`);
  }

  it('shows the home page in Vietnamese, accessible', async () => {
    const response = await page.goto(`${t.baseUrl}/`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    assert.equal(await page.locator('h1').innerText(), 'Liên thông');
    assert.ok(await page.getByRole('heading', { name: 'Người dân và doanh nghiệp' }).isVisible());
    assert.ok(await page.getByRole('link', { name: 'Xem tài liệu API' }).isVisible());
    assert.match(await page.title(), /Liên thông/);
    // The stylesheet is served and applied (CSP allows 'self' only).
    const font = await page.evaluate('getComputedStyle(document.body).fontFamily');
    assert.notEqual(font, 'Times New Roman');
    await assertAccessible('home (vi)');
  });

  it('switches to English with the language link and remembers it', async () => {
    await page.goto(`${t.baseUrl}/`);
    await page.locator('a.lang-switch').click();
    await page.waitForURL(/lang=en/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.ok(await page.getByRole('heading', { name: 'Citizens and businesses' }).isVisible());
    await assertAccessible('home (en)');
    await page.goto(`${t.baseUrl}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice sticks');
    await page.locator('a.lang-switch').click();
    await page.waitForURL(/lang=vi/);
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  });

  it("follows an English browser's language until the visitor chooses", async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    try {
      const english = await context.newPage();
      await english.goto(`${t.baseUrl}/`);
      assert.equal(await english.getAttribute('html', 'lang'), 'en');
      assert.ok(await english.getByRole('heading', { name: 'Officials' }).isVisible());
    } finally {
      await context.close();
    }
  });

  it('shows a helpful, accessible page for a missing address', async () => {
    const response = await page.goto(`${t.baseUrl}/khong-co-trang-nay`);
    assert.equal(response?.status(), 404);
    assert.equal(await page.locator('h1').innerText(), 'Không tìm thấy trang');
    assert.ok(await page.getByText('NOT_FOUND').isVisible());
    await assertAccessible('404 page');
    await page.getByRole('link', { name: 'Về trang chủ' }).click();
    await page.waitForURL(`${t.baseUrl}/`);
  });

  it('keyboard users can skip to the content', async () => {
    await page.goto(`${t.baseUrl}/`);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate('document.activeElement && document.activeElement.className');
    assert.equal(focused, 'skip-link');
    assert.ok(await page.locator('a.skip-link').isVisible(), 'the skip link shows when focused');
  });

  it('renders the API documentation with the platform operations, accessible', async () => {
    const response = await page.goto(`${t.baseUrl}/docs`);
    assert.equal(response?.ok(), true);
    // Swagger UI renders every module's operations in the browser: seconds on a busy machine.
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 90_000 });
    assert.match(await page.locator('.swagger-ui .info .title').innerText(), /Liên thông API/);
    await page.locator('.opblock-summary-path', { hasText: '/healthz' }).first().waitFor({ timeout: 60_000 });
    await assertAccessible('API documentation');
  });
});
