import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  browserAvailable,
  chromiumPath,
  launchBrowser,
  seriousA11yViolations,
  browserSkip,
} from '../support/browser.ts';
import {
  deliverPending,
  issueCertificate,
  makeDesk,
  pdf,
  startRecordsApp,
  type Desk,
  type RecordsTestApp,
} from '../records/support.ts';

const skip = browserSkip;

describe('records desk in a browser: the incoming and outgoing journey', { skip }, () => {
  let t: RecordsTestApp;
  let browser: Browser;
  let a: Desk;
  let b: Desk;
  let pageA: Page;
  let pageB: Page;
  let outgoingUrl = '';

  before(async () => {
    assert.ok(browserAvailable(), `LT_REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath}`);
    t = await startRecordsApp();
    a = await makeDesk(t, { name: 'Sở Nội vụ tỉnh Minh Sơn' });
    b = await makeDesk(t, { name: 'Sở Tài chính tỉnh Minh Sơn' });
    await issueCertificate(t, a);
    browser = await launchBrowser();
    pageA = await (await browser.newContext({ locale: 'vi-VN' })).newPage();
    pageB = await (await browser.newContext({ locale: 'vi-VN' })).newPage();
    for (const [page, desk] of [
      [pageA, a],
      [pageB, b],
    ] as const) {
      await page.goto(`${t.baseUrl}/login`);
      await page.getByLabel('Tên đăng nhập', { exact: false }).first().fill(desk.clerk.username);
      await page.getByLabel('Mật khẩu').fill(desk.clerk.password);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.waitForURL(/\/account/);
    }
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function assertAccessible(page: Page, what: string): Promise<void> {
    const violations = await seriousA11yViolations(page);
    assert.equal(
      violations.length,
      0,
      `${what}:\n${violations.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n')}`,
    );
  }

  it('A composes, signs and sends to B', async () => {
    await pageA.goto(`${t.baseUrl}/records/outgoing`);
    await assertAccessible(pageA, 'outgoing list');
    await pageA.getByRole('link', { name: 'Soạn văn bản đi' }).click();
    await pageA.waitForURL(/\/records\/outgoing\/new/);
    await assertAccessible(pageA, 'compose (empty)');
    await pageA
      .getByRole('searchbox', { name: 'Tìm cơ quan nhận theo tên hoặc mã' })
      .fill('tai chinh minh son');
    await pageA.getByRole('button', { name: 'Tìm' }).click();
    await pageA.getByRole('link', { name: 'Thêm Sở Tài chính tỉnh Minh Sơn' }).click();
    await pageA.waitForURL(/to=/);
    assert.ok(await pageA.getByLabel('Sở Tài chính tỉnh Minh Sơn', { exact: false }).isChecked());
    await pageA.getByLabel('Loại văn bản', { exact: true }).fill('Công văn');
    await pageA.getByLabel('Ký hiệu', { exact: true }).fill('SNV-TCBC');
    await pageA.getByLabel('Trích yếu', { exact: true }).fill('V/v rà soát số lượng người làm việc năm 2026');
    await pageA.getByLabel('Thẩm quyền ký', { exact: true }).selectOption('KT');
    await pageA.getByLabel('Chức vụ người đứng đầu', { exact: false }).fill('GIÁM ĐỐC');
    await pageA.getByLabel('Chức vụ người ký', { exact: true }).fill('Phó Giám đốc');
    await pageA.getByLabel('Họ và tên người ký', { exact: true }).fill('Trần Thị Minh Hằng');
    await pageA.getByLabel('Độ khẩn', { exact: true }).selectOption('1');
    await pageA.getByLabel('Tệp văn bản PDF', { exact: true }).setInputFiles({
      name: 'cong-van-1.pdf',
      mimeType: 'application/pdf',
      buffer: pdf(),
    });
    await assertAccessible(pageA, 'compose (filled)');
    await pageA.getByRole('button', { name: 'Ký số và gửi' }).click();
    await pageA.waitForURL(/\/records\/outgoing\/[0-9a-f-]{36}\?done=sent/);
    outgoingUrl = pageA.url().split('?')[0] ?? '';
    assert.match(await pageA.locator('#out-number').innerText(), /^1\/SNV-TCBC$/);
    assert.ok(await pageA.getByText('Đã phát hành và gửi văn bản số 1/SNV-TCBC').isVisible());
    await assertAccessible(pageA, 'outgoing document');
  });

  it('B sees it arrive, registers it (number shown), assigns it and marks it done', async () => {
    await deliverPending(t);
    await pageB.goto(`${t.baseUrl}/records/incoming`);
    await assertAccessible(pageB, 'incoming list');
    await pageB.getByLabel('Từ khóa').fill('ra soat');
    await pageB.getByRole('button', { name: 'Lọc' }).click();
    await pageB.getByRole('link', { name: 'Xem văn bản 1/SNV-TCBC' }).click();
    await pageB.waitForURL(/\/records\/incoming\/[0-9a-f-]{36}$/);
    await assertAccessible(pageB, 'incoming document');
    await pageB.getByRole('button', { name: 'Vào sổ văn bản đến' }).click();
    await pageB.waitForURL(/done=register/);
    assert.match(await pageB.locator('#reg-number').innerText(), /^Số đến 1 năm \d{4}$/);
    await assertAccessible(pageB, 'registered document');
    await pageB.getByLabel('Tên đơn vị hoặc người xử lý').fill('Phòng Ngân sách');
    await pageB.getByRole('button', { name: 'Phân công xử lý' }).click();
    await pageB.waitForURL(/done=assign/);
    await pageB.getByRole('button', { name: 'Bắt đầu xử lý' }).click();
    await pageB.waitForURL(/done=processing/);
    await pageB.getByRole('button', { name: 'Hoàn thành xử lý' }).click();
    await pageB.waitForURL(/done=done/);
    assert.ok(await pageB.getByText('Đã ghi nhận: hoàn thành.').isVisible());
    await assertAccessible(pageB, 'done document');
  });

  it('A sees each status of the recipient', async () => {
    await pageA.goto(outgoingUrl);
    const row = pageA.locator('tr', { hasText: 'Sở Tài chính tỉnh Minh Sơn' });
    assert.match(await row.innerText(), /Hoàn thành/);
    const timeline = await row.locator('li').allInnerTexts();
    assert.deepEqual(
      timeline.map((line) => line.replace(/^[\d/ :]+: /, '').split(' — ')[0]),
      ['Đã đến', 'Đã vào sổ', 'Đã phân công', 'Đang xử lý', 'Hoàn thành'],
    );
    await assertAccessible(pageA, 'outgoing statuses');
  });

  it('A recalls another document and B accepts the recall', async () => {
    const second = await t.records.service.outgoing.issue(a.ctx, {
      typeName: 'Thông báo',
      notation: 'TB-SNV',
      subject: 'Thông báo lịch họp giao ban tháng 6',
      signer: { fullName: 'Trần Thị Minh Hằng' },
      promulgationDate: new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10),
      priority: 0,
      recipients: [b.agency.id],
      attachments: [{ name: 'thong-bao.pdf', content: pdf('Thông báo') }],
    });
    await deliverPending(t);
    await pageA.goto(`${t.baseUrl}/records/outgoing/${second.id}`);
    await pageA.getByLabel('Lý do').fill('Thay đổi lịch họp');
    await pageA.getByRole('button', { name: 'Thu hồi văn bản' }).click();
    await pageA.waitForURL(/done=recalled/);
    await assertAccessible(pageA, 'recalled document');
    await deliverPending(t);

    await pageB.goto(`${t.baseUrl}/records/incoming`);
    const row = pageB.locator('tr', { hasText: 'lịch họp giao ban' });
    assert.match(await row.innerText(), /Bên gửi yêu cầu thu hồi/);
    await row.getByRole('link').click();
    await pageB.getByRole('button', { name: 'Đồng ý thu hồi' }).click();
    await pageB.waitForURL(/done=recall/);
    await assertAccessible(pageB, 'recall answered');

    await pageA.goto(`${t.baseUrl}/records/outgoing/${second.id}`);
    const recipient = pageA.locator('tr', { hasText: 'Sở Tài chính tỉnh Minh Sơn' });
    assert.match(await recipient.innerText(), /Đã đồng ý thu hồi/);
  });

  it('searches both registers and shows the page in English', async () => {
    await pageA.goto(`${t.baseUrl}/records/search?q=giao+ban&lang=en`);
    assert.equal(await pageA.getAttribute('html', 'lang'), 'en');
    assert.ok(await pageA.getByRole('heading', { name: 'Search documents' }).isVisible());
    assert.ok(await pageA.getByRole('link', { name: 'Open document 2/TB-SNV' }).isVisible());
    await assertAccessible(pageA, 'search (en)');
    await pageA.goto(`${t.baseUrl}/records/search?lang=vi`);
  });
});
