import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { systemContext } from '../../src/platform/context.ts';
import { pendingVerificationCode } from '../support/auth.ts';
import {
  browserAvailable,
  chromiumPath,
  launchBrowser,
  a11yProblemsOfNoScriptPage,
  browserSkip,
} from '../support/browser.ts';
import { minimalPdf, officerCtx, startDossiersHarness, type DossiersHarness } from '../dossiers/harness.ts';

const skip = browserSkip;

/**
 * A new user in a real browser without JavaScript: registers, finds "khai sinh" without
 * diacritics, files a birth registration with a paper, pays on the fake gateway, sees the due
 * date and the receipt, and later downloads the result. axe checks every page of ours.
 */
describe('public service portal: a new user files a birth registration in a browser', { skip }, () => {
  let h: DossiersHarness;
  let browser: Browser;
  let page: Page;
  let agency: { id: string; name: string };
  let dossierPath = '';
  const email = `nguoi.dung.${Date.now()}@example.vn`;

  before(async () => {
    assert.ok(browserAvailable(), `LT_REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath}`);
    h = await startDossiersHarness();
    await h.services.seed(systemContext('test'));
    agency = await h.makeAgency('commune');
    browser = await launchBrowser();
    page = await (await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false })).newPage();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  async function accessible(): Promise<void> {
    assert.deepEqual(await a11yProblemsOfNoScriptPage(browser, page), [], `accessibility of ${page.url()}`);
  }

  it('registers and confirms the account with the code sent', async () => {
    await page.goto(`${h.baseUrl}/register`);
    await accessible();
    await page.locator('[name="fullName"]').fill('Nguyễn Thị Ánh Tuyết');
    await page.locator('[name="email"]').fill(email);
    await page.locator('[name="personalId"]').fill('001195012345');
    await page.locator('[name="password"]').fill('Mat-khau-rat-an-toan-2026');
    await page.locator('form[action="/register"] button[type="submit"]').click();
    assert.match(page.url(), /\/register\/verify/);
    await accessible();
    await page.locator('[name="code"]').fill(await pendingVerificationCode(h.asTestApp, email));
    await page.locator('button[name="action"][value="verify"]').click();
    assert.doesNotMatch(page.url(), /\/register/);
  });

  it('finds "khai sinh" without diacritics and starts a birth registration', async () => {
    await page.goto(`${h.baseUrl}/services?q=khai+sinh`);
    await accessible();
    await page.getByRole('link', { name: 'Đăng ký khai sinh', exact: true }).first().click();
    assert.match(page.url(), /\/services\/1\.001193/);
    await page.goto(`${h.baseUrl}/dossiers/new?procedure=1.001193`);
    await accessible();
    await page.getByLabel('Cơ quan tiếp nhận').selectOption(agency.id);
    await page.getByLabel('Họ và tên người nộp hồ sơ').fill('Nguyễn Thị Ánh Tuyết');
    await page.getByRole('button', { name: 'Bắt đầu khai hồ sơ' }).click();
    assert.match(page.url(), /\/dossiers\/[0-9a-f-]{36}\/edit$/);
    await accessible();
  });

  it('fills the form (errors first), attaches the birth certificate and submits', async () => {
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    assert.ok(await page.locator('.error-summary').isVisible(), 'an empty form shows its errors');
    await accessible();
    const fill = async (name: string, value: string) =>
      page.locator(`[name="f.${name}"]`).first().fill(value);
    await fill('childName', 'Trần Minh Khôi');
    await page.locator('[name="f.childSex"]').selectOption('nam');
    await fill('childBirthDate', '2026-01-15');
    await fill('birthPlace', 'Bệnh viện Phụ sản Hà Nội');
    await fill('childEthnicity', 'Kinh');
    await fill('childNationality', 'Việt Nam');
    await fill('mother.fullName', 'Nguyễn Thị Ánh Tuyết');
    await fill('mother.birthDate', '1995-03-02');
    await fill('mother.ethnicity', 'Kinh');
    await fill('mother.nationality', 'Việt Nam');
    await fill('mother.idNumber', '001195012345');
    await fill('mother.residence', 'Phường Ba Đình, Hà Nội');
    await fill('applicantName', 'Nguyễn Thị Ánh Tuyết');
    await fill('applicantId', '001195012345');
    await fill('applicantPhone', '0912345678');
    await page.locator('[name="f.relation"]').selectOption('me');
    // One copy of the extract: 8,000 đ, the fee the rest of the journey pays (fees follow the form).
    await page.locator('[name="f.copies"]').selectOption('1');
    await page.locator('[name="f.delivery"]').selectOption('truc_tuyen');
    await page.locator('[name="f.pledge"]').check();
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    assert.match(
      page.url(),
      /\/review$/,
      await page
        .locator('.error-summary')
        .innerText()
        .catch(() => ''),
    );
    await accessible();
    await page.getByLabel('Giấy tờ', { exact: true }).selectOption('giayChungSinh');
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'giay-chung-sinh.pdf', mimeType: 'application/pdf', buffer: minimalPdf });
    await page.getByRole('button', { name: 'Tải lên' }).click();
    assert.ok((await page.content()).includes('giay-chung-sinh.pdf'));
    await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    assert.match(page.url(), /\/dossiers\/[0-9a-f-]{36}\?submitted=1$/);
    dossierPath = new URL(page.url()).pathname;
    await accessible();
    const text = await page.locator('main').innerText();
    assert.match(text, /Ngày hẹn trả\s*\d{2}\/\d{2}\/\d{4}/);
    assert.match(text, /1\. Mới đăng ký/);
  });

  it('pays the fee on the fake gateway and comes back to the dossier', async () => {
    await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click();
    await accessible();
    await page.getByRole('link', { name: 'Tiếp tục đến cổng thanh toán' }).click();
    assert.ok(page.url().startsWith(h.gateway.url), 'on the gateway');
    await page.getByRole('button', { name: 'Thanh toán thành công' }).click();
    assert.ok(page.url().startsWith(`${h.baseUrl}/payments/return`));
    await page.goto(`${h.baseUrl}${dossierPath}`);
    await accessible();
    const text = await page.locator('main').innerText();
    assert.match(text, /đã nộp/);
    assert.match(text, /Đã thanh toán phí, lệ phí/);
    const receipt = await page.context().request.get(`${h.baseUrl}${dossierPath}/receipt.pdf`);
    assert.equal(receipt.status(), 200);
    assert.equal(receipt.headers()['content-type'], 'application/pdf');
  });

  it('later downloads the result the commune returned', async () => {
    const id = dossierPath.split('/').at(-1) ?? '';
    const officer = officerCtx(agency.id);
    await h.dossiers.service.receive(officer, id);
    await h.dossiers.service.returnResult(officer, id, minimalPdf);
    await page.goto(`${h.baseUrl}/dossiers`);
    await accessible();
    await page.getByRole('link', { name: /Xem/ }).first().click();
    assert.match(await page.locator('main').innerText(), /10\. Đã trả kết quả/);
    await accessible();
    const result = await page.context().request.get(`${h.baseUrl}${dossierPath}/result.pdf`);
    assert.equal(result.status(), 200);
    assert.deepEqual(Buffer.from(await result.body()), minimalPdf);
  });
});
