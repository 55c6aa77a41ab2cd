import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { systemContext, type Role } from '../../src/platform/context.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { pendingVerificationCode } from '../support/auth.ts';
import {
  a11yProblemsOfNoScriptPage,
  browserAvailable,
  browserSkip,
  chromiumPath,
  launchBrowser,
} from '../support/browser.ts';
import { createDirectoryModule } from '../../src/modules/directory/index.ts';
import { createDossiersSync, type DossiersSync } from '../../src/modules/dossiers/sync/index.ts';
import { createWorkCalendar } from '../../src/platform/calendar/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { minimalPdf, startDossiersHarness, type DossiersHarness } from '../dossiers/harness.ts';
import { startFakeNationalPortal, type FakeNationalPortal } from '../support/fakes/national-portal.ts';

const skip = browserSkip;

/**
 * Issue 5's first acceptance, in browsers without JavaScript: a dossier filed online is
 * received, sent for supplement, supplemented by the citizen, processed through three steps by
 * three officials (thẩm định → phê duyệt → ký), signed and returned; the citizen sees each step.
 * axe checks every page of ours.
 */
describe('one-stop back office: from online filing to the signed result, in browsers', { skip }, () => {
  let h: DossiersHarness;
  let browser: Browser;
  let agency: { id: string; name: string; code: string };
  let procedure: ProcedureContent;
  let citizen: Page;
  let dossierPath = '';
  let dossierId = '';
  let code = '';
  const email = `cong.dan.${Date.now()}@example.vn`;
  // The national portal (a fake DVCQG adapter on loopback) must receive each status once, in
  // order, and each hand-off: the sync observes the dossiers and its queue is sent after every
  // step of the journey, as the push job would.
  let portal: FakeNationalPortal;
  let sync: DossiersSync;

  before(async () => {
    assert.ok(browserAvailable(), `LT_REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath}`);
    h = await startDossiersHarness();
    portal = await startFakeNationalPortal();
    sync = createDossiersSync({
      db: h.db.database.db,
      logger: createLogger('silent'),
      settings: {
        url: portal.url,
        username: portal.username,
        password: portal.password,
        agency: portal.agency,
      },
      observers: () => h.dossiers.observers,
      directory: createDirectoryModule({ db: h.db.database.db, logger: createLogger('silent') }).service,
      services: h.services.service,
      calendar: createWorkCalendar(),
    });
    h.dossiers.observe(sync.observer);
    agency = await h.makeAgency('commune');
    await h.certify(agency);
    procedure = await h.makeProcedure({ name: 'Đăng ký khai sinh thử nghiệm' });
    browser = await launchBrowser();
    citizen = await newPage();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await portal?.close();
  });

  afterEach(async () => {
    await sync?.pushDue();
  });

  async function newPage(): Promise<Page> {
    return (await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false })).newPage();
  }

  async function accessible(page: Page): Promise<void> {
    assert.deepEqual(await a11yProblemsOfNoScriptPage(browser, page), [], `accessibility of ${page.url()}`);
  }

  /** An official of the agency signed in through the real login form. */
  async function official(fullName: string, roles: Role[]): Promise<Page> {
    const username = `cb${randomBytes(4).toString('hex')}`;
    const password = `mat-khau-${randomBytes(6).toString('hex')}-thu`;
    await h.identity.service.createAccount(systemContext('test'), {
      username,
      fullName,
      email: `${username}@example.gov.vn`,
      agencyId: agency.id,
      roles,
      password,
    });
    const page = await newPage();
    await page.goto(`${h.baseUrl}/login`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    assert.match(await page.locator('header').innerText(), new RegExp(fullName));
    return page;
  }

  const main = (page: Page) => page.locator('main').innerText();
  const openDossier = async (page: Page) => {
    await page.goto(`${h.baseUrl}/one-stop/dossiers/${dossierId}`);
    await accessible(page);
  };

  it('a citizen registers and files the dossier online', async () => {
    await citizen.goto(`${h.baseUrl}/register`);
    await citizen.locator('[name="fullName"]').fill('Nguyễn Thị Ánh Tuyết');
    await citizen.locator('[name="email"]').fill(email);
    await citizen.locator('[name="personalId"]').fill('001195012345');
    await citizen.locator('[name="password"]').fill('Mat-khau-rat-an-toan-2026');
    await citizen.locator('form[action="/register"] button[type="submit"]').click();
    await citizen.locator('[name="code"]').fill(await pendingVerificationCode(h.asTestApp, email));
    await citizen.locator('button[name="action"][value="verify"]').click();
    await citizen.goto(`${h.baseUrl}/dossiers/new?procedure=${procedure.code}`);
    await citizen.getByLabel('Cơ quan tiếp nhận').selectOption(agency.id);
    await citizen.getByLabel('Họ và tên người nộp hồ sơ').fill('Nguyễn Thị Ánh Tuyết');
    await citizen.getByRole('button', { name: 'Bắt đầu khai hồ sơ' }).click();
    await citizen.locator('[name="f.childName"]').fill('Trần Minh Khôi');
    await citizen.locator('[name="f.birthDate"]').fill('2026-01-15');
    await citizen.getByRole('button', { name: 'Tiếp tục' }).click();
    assert.match(citizen.url(), /\/review$/);
    await citizen.getByLabel('Giấy tờ', { exact: true }).selectOption('giayChungSinh');
    await citizen
      .locator('input[type="file"]')
      .setInputFiles({ name: 'giay-chung-sinh.pdf', mimeType: 'application/pdf', buffer: minimalPdf });
    await citizen.getByRole('button', { name: 'Tải lên' }).click();
    await citizen.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    assert.match(citizen.url(), /\/dossiers\/[0-9a-f-]{36}\?submitted=1$/);
    dossierPath = new URL(citizen.url()).pathname;
    dossierId = dossierPath.split('/').at(-1) ?? '';
    code = (await h.dossiers.service.get(h.officerCtxFor(agency.id), dossierId)).code ?? '';
    assert.ok(code);
  });

  it('the agency administrator sets the workflow: examination, approval, signature by the head', async () => {
    const admin = await official('Đinh Văn Thủ Trưởng', ['admin']);
    await admin.goto(`${h.baseUrl}/admin/workflows/${procedure.code}`);
    await accessible(admin);
    assert.match(await main(admin), /quy trình mặc định/);
    // The editor is a form: add a step (before the return), take it out again, no JavaScript.
    await admin.getByRole('button', { name: 'Thêm bước' }).click();
    assert.equal(await admin.locator('fieldset.workflow-step').count(), 5);
    await accessible(admin);
    await admin.getByRole('button', { name: 'Xóa bước 4' }).click();
    assert.equal(await admin.locator('fieldset.workflow-step').count(), 4);
    await admin.locator('[name="s0_amount"]').fill('một');
    await admin.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
    assert.ok(await admin.locator('.error-summary').isVisible(), 'an invalid workflow is refused');
    assert.match(await main(admin), /Nhập số ngày làm việc/);
    await accessible(admin);
    await admin.locator('[name="s0_amount"]').fill('1');
    await admin.locator('[name="s2_nameVi"]').fill('Ký số kết quả');
    await admin.locator('[name="s2_nameEn"]').fill('Signature');
    await admin.locator('[name="s2_role"]').selectOption('admin');
    await admin.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
    const text = await main(admin);
    assert.match(text, /Phiên bản 1/);
    assert.equal(await admin.locator('[name="s2_nameVi"]').inputValue(), 'Ký số kết quả');
    await admin.close();
  });

  it('the desk asks for a supplement (form 02), the citizen supplements, the desk accepts (form 01)', async () => {
    const desk = await official('Lê Thị Một Cửa', ['one_stop_officer']);
    await desk.goto(`${h.baseUrl}/one-stop/dossiers`);
    await accessible(desk);
    await desk.getByRole('link', { name: code }).click();
    await accessible(desk);
    await desk
      .getByLabel('Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)')
      .fill('Bản sao giấy chứng sinh rõ nét');
    await desk.getByRole('button', { name: 'Yêu cầu bổ sung (mẫu 02)' }).click();
    assert.match(await main(desk), /5\. Yêu cầu bổ sung giấy tờ/);

    await citizen.goto(`${h.baseUrl}${dossierPath}`);
    await accessible(citizen);
    assert.match(await main(citizen), /Bản sao giấy chứng sinh rõ nét/);
    const form02 = await citizen.context().request.get(`${h.baseUrl}${dossierPath}/forms/02.pdf`);
    assert.equal(form02.status(), 200);
    await citizen
      .locator('input[type="file"]')
      .setInputFiles({ name: 'chung-sinh-ro.pdf', mimeType: 'application/pdf', buffer: minimalPdf });
    await citizen.getByRole('button', { name: 'Gửi bổ sung' }).click();
    assert.match(await main(citizen), /1\. Mới đăng ký/);

    await openDossier(desk);
    await desk.getByRole('button', { name: 'Tiếp nhận hồ sơ (mẫu 01)' }).click();
    const text = await main(desk);
    assert.match(text, /2\. Được tiếp nhận/);
    assert.match(text, /Thẩm định hồ sơ/);
    await desk.close();
  });

  it('three officials process the three steps; the head signs and numbers the result', async () => {
    const specialist = await official('Phạm Văn Thẩm Định', ['specialist']);
    await specialist.goto(`${h.baseUrl}/one-stop/tasks?list=unit`);
    await accessible(specialist);
    await specialist.getByRole('link', { name: code }).click();
    await specialist.getByRole('button', { name: 'Nhận xử lý' }).click();
    await accessible(specialist);
    await specialist.getByLabel('Ý kiến xử lý').first().fill('Hồ sơ hợp lệ, đủ điều kiện');
    await specialist.getByRole('button', { name: 'Hoàn thành bước, chuyển bước tiếp theo' }).click();
    assert.match(await main(specialist), /4\. Đang xử lý/);

    const leader = await official('Hoàng Văn Lãnh Đạo', ['unit_leader']);
    await leader.goto(`${h.baseUrl}/one-stop/tasks?list=unit`);
    await leader.getByRole('link', { name: code }).click();
    await leader.getByRole('button', { name: 'Nhận xử lý' }).click();
    await accessible(leader);
    await leader.getByRole('button', { name: 'Hoàn thành bước, chuyển bước tiếp theo' }).click();

    const head = await official('Đinh Văn Ký', ['admin']);
    await head.goto(`${h.baseUrl}/one-stop/tasks?list=unit`);
    await head.getByRole('link', { name: code }).click();
    await head.getByRole('button', { name: 'Nhận xử lý' }).click();
    await head.getByRole('button', { name: 'Ký số, cấp số kết quả' }).click();
    await accessible(head);
    assert.match(await main(head), new RegExp(`1/\\d{4}/KQ-${agency.code.replaceAll('.', '\\.')}`));
    await head.getByRole('button', { name: 'Hoàn thành bước, chuyển bước tiếp theo' }).click();
    assert.match(await main(head), /9\. Đã xử lý xong/);
    const sheet = await head.context().request.get(`${h.baseUrl}/dossiers/${dossierId}/forms/06.pdf`);
    assert.equal(sheet.status(), 200);
    for (const p of [specialist, leader, head]) await p.close();
  });

  it('the desk returns the result online; the citizen sees every step and downloads the signed result', async () => {
    const desk = await official('Đỗ Văn Trả Kết Quả', ['one_stop_officer']);
    await openDossier(desk);
    await desk.getByLabel('Hình thức trả').selectOption('online');
    await desk.getByRole('button', { name: 'Trả kết quả', exact: true }).click();
    assert.match(await main(desk), /10\. Đã trả kết quả/);
    await desk.close();

    await citizen.goto(`${h.baseUrl}${dossierPath}`);
    await accessible(citizen);
    const text = await main(citizen);
    assert.match(text, /10\. Đã trả kết quả/);
    for (const [step, who] of [
      ['Thẩm định hồ sơ', 'Phạm Văn Thẩm Định'],
      ['Phê duyệt', 'Hoàng Văn Lãnh Đạo'],
      ['Ký số kết quả', 'Đinh Văn Ký'],
      ['Trả kết quả', 'Đỗ Văn Trả Kết Quả'],
    ])
      assert.match(text, new RegExp(`${step}\\s+${who}`), `${step} by ${who}`);
    const result = await citizen.context().request.get(`${h.baseUrl}${dossierPath}/result.pdf`);
    assert.equal(result.status(), 200);
    assert.equal((await result.body()).subarray(0, 5).toString(), '%PDF-');
    const verified = await h.dossiers.service.verifyResult(h.officerCtxFor(agency.id), dossierId);
    assert.equal(verified.signature.result, 'valid');
    assert.equal(verified.pdfMatches, true);
  });

  it('the national portal received each status once and in order, and every hand-off', async () => {
    await sync.pushDue();
    const timeline = (await h.dossiers.service.timeline(h.officerCtxFor(agency.id), dossierId))
      .filter((e) => e.kind === 'status' && e.nationalStatus !== null)
      .map((e) => String(e.nationalStatus));
    assert.deepEqual(timeline.slice(0, 1), ['1'], 'filed online first');
    assert.deepEqual(timeline.slice(-2), ['9', '10'], 'processed, then returned');
    assert.ok(timeline.includes('5'), 'the supplement request is on the timeline');
    assert.deepEqual(portal.statusesOf(code), timeline, 'each status once, in the order of the timeline');
    assert.deepEqual(portal.duplicates, []);
    const handOffs = portal.received.filter(
      (r) => r.service === 'CapNhatTienDoHoSoMC' && r.item['MaHoSo'] === code,
    );
    assert.ok(handOffs.length >= 3, `three officials' steps reached the portal (got ${handOffs.length})`);
  });

  it('the desk takes a paper dossier at the counter with a scan per paper and several other scans', async () => {
    const desk = await official('Lưu Thị Quầy', ['one_stop_officer']);
    await desk.goto(`${h.baseUrl}/one-stop/intake?procedure=${procedure.code}`);
    await accessible(desk);
    await desk.getByLabel('Họ và tên người nộp').fill('Phan Văn Giấy');
    await desk.locator('[name="f.childName"]').fill('Phan An');
    await desk.locator('[name="f.birthDate"]').fill('2026-02-01');
    await desk
      .getByLabel('Giấy chứng sinh (bắt buộc)')
      .setInputFiles({ name: 'chung-sinh.pdf', mimeType: 'application/pdf', buffer: minimalPdf });
    await desk.getByLabel('Giấy tờ khác (có thể chọn nhiều tệp)').setInputFiles([
      { name: 'cmnd-cha.pdf', mimeType: 'application/pdf', buffer: minimalPdf },
      { name: 'cmnd-me.pdf', mimeType: 'application/pdf', buffer: minimalPdf },
    ]);
    await desk.getByRole('button', { name: 'Tiếp nhận vào hệ thống' }).click();
    await accessible(desk);
    const text = await main(desk);
    assert.match(text, /Đã ghi nhận hồ sơ/);
    for (const name of ['chung-sinh.pdf', 'cmnd-cha.pdf', 'cmnd-me.pdf'])
      assert.equal(await desk.getByRole('link', { name }).count(), 1, `${name} is listed with its link`);
    const download = await desk
      .context()
      .request.get(
        `${h.baseUrl}${(await desk.getByRole('link', { name: 'cmnd-me.pdf' }).getAttribute('href')) ?? ''}`,
      );
    assert.equal(download.status(), 200);
    assert.equal(download.headers()['content-type'], 'application/pdf');
    await desk.close();
  });
});
