/**
 * Issue 6's acceptance in a browser without JavaScript, on the whole platform: a commune officer
 * fills and signs a monthly report; the province approves it; the national dashboard shows the
 * new value, completeness and timeliness at once (no rebuild, no job) and drills down to the
 * commune; a unit that missed an earlier month's deadline is flagged and reminded — an in-app
 * notice its officer reads, and an email caught by the fake SMTP server. axe checks every page.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { systemContext, type Role } from '../../src/platform/context.ts';
import { isoDateOfDay, localDay } from '../../src/platform/calendar/index.ts';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { periodContaining, periodLabel } from '../../src/modules/reporting/index.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createOfficial } from '../support/auth.ts';
import {
  a11yProblemsOfNoScriptPage,
  browserAvailable,
  browserSkip,
  chromiumPath,
  launchBrowser,
} from '../support/browser.ts';
import { startFakeSmtp, type FakeSmtp } from '../support/fakes/smtp.ts';

const skip = browserSkip;
const system = systemContext('test');
const REGIME = 'BC-THU-THANG';

describe('national reporting in a browser: submit, approve, dashboard, late unit', { skip }, () => {
  let t: TestApp;
  let smtp: FakeSmtp;
  let worker: WorkerHandle;
  let browser: Browser;
  const pages: Record<'commune' | 'province' | 'nation' | 'late', Page> = {} as never;
  const units: Record<'nation' | 'province' | 'c1' | 'c2', string> = {} as never;
  const today = isoDateOfDay(localDay(new Date()));
  // The month in progress (deadline ahead: a report sent now is on time) and one two months back
  // (deadline passed, not yet locked: a unit that never sent it is overdue).
  const current = periodContaining('monthly', 15, today)!;
  const earlier = periodContaining(
    'monthly',
    15,
    new Date(Date.parse(current.cutoffStart) - 40 * 86_400_000).toISOString().slice(0, 10),
  )!;
  const contactEmail = `baocao.xahai.${randomInt(1000, 9999)}@example.gov.vn`;

  async function agency(
    name: string,
    kind: 'ministry_level' | 'province_ubnd' | 'commune',
    parentId?: string,
  ) {
    const code = `${randomInt(100, 999)}.${randomInt(10, 99)}.${randomInt(10, 99)}.H${randomInt(10, 63)}`;
    const a = await t.platform.directory.service.createAgency(system, {
      name,
      kind,
      parentId: parentId ?? null,
      validFrom: '2025-07-01',
      codes: [{ scheme: 'QD20', code }],
    });
    return { id: a.id, code };
  }

  async function signedIn(agencyId: string, roles: Role[]) {
    const who = await createOfficial(t, { agencyId, roles });
    const page = await (await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false })).newPage();
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('Tên đăng nhập', { exact: false }).first().fill(who.username);
    await page.getByLabel('Mật khẩu').fill(who.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/account/);
    return { page, accountId: who.accountId };
  }

  async function accessible(page: Page): Promise<void> {
    assert.deepEqual(await a11yProblemsOfNoScriptPage(browser, page), [], `accessibility of ${page.url()}`);
  }

  before(async () => {
    assert.ok(browserAvailable(), `LT_REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath}`);
    smtp = await startFakeSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Liên thông <no-reply@lienthong.test>' });
    worker = await startWorker({
      pool: t.database.pool,
      jobs: t.platform.jobs,
      concurrency: 2,
      logger: createLogger('silent'),
    });
    const nation = await agency('Văn phòng Chính phủ (thử nghiệm)', 'ministry_level');
    const province = await agency('Tỉnh Thử Nghiệm', 'province_ubnd');
    const c1 = await agency('Xã Một', 'commune', province.id);
    const c2 = await agency('Xã Hai', 'commune', province.id);
    Object.assign(units, { nation: nation.id, province: province.id, c1: c1.id, c2: c2.id });
    await t.platform.pki.service.issue(system, {
      holderKind: 'agency',
      agencyId: c1.id,
      agencyCode: c1.code,
      agencyName: 'Xã Một',
      validDays: 365,
    });
    const r = t.platform.reporting.service.regimes;
    await r.createRegime(system, {
      code: REGIME,
      recipientAgencyId: nation.id,
      title: 'Báo cáo tình hình giải quyết hồ sơ hằng tháng',
      reporterScope: { kind: 'explicit', agencyIds: [c1.id, c2.id] },
      frequency: 'monthly',
      deadlineDays: 2,
      lockDays: 120,
      validFrom: '2025-07-01',
      indicators: [
        {
          code: 'received',
          name: 'Số hồ sơ tiếp nhận',
          unit: 'hồ sơ',
          type: 'number',
          required: true,
          min: 0,
        },
        {
          code: 'online_share',
          name: 'Tỷ lệ hồ sơ trực tuyến',
          unit: '%',
          type: 'percentage',
          aggregation: 'average',
          min: 0,
          max: 100,
        },
      ],
    });
    await r.publish(system, REGIME);
    await r.assign(system, REGIME, { validFrom: '2025-07-01' });
    await r.openPeriod(system, REGIME, current.key);
    await r.openPeriod(system, REGIME, earlier.key);

    browser = await launchBrowser();
    pages.commune = (await signedIn(c1.id, ['reporting_officer'])).page;
    pages.province = (await signedIn(province.id, ['unit_leader'])).page;
    pages.nation = (await signedIn(nation.id, ['unit_leader'])).page;
    const late = await signedIn(c2.id, ['reporting_officer']);
    pages.late = late.page;
    // Where Xã Hai receives reminders: its officer's account (in-app) and its reporting mailbox.
    await t.platform.reporting.service.reminders.setContact(
      {
        ...system,
        actor: {
          kind: 'official',
          accountId: late.accountId,
          agencyId: c2.id,
          roles: ['reporting_officer'],
          sessionId: null,
        },
      },
      c2.id,
      { email: contactEmail, accountId: late.accountId },
    );
  });
  after(async () => {
    await browser?.close();
    await worker?.stop();
    await t?.close();
    await smtp?.close();
  });

  it('a commune officer fills the monthly report (an error first), signs and submits it', async () => {
    const page = pages.commune;
    await page.goto(`${t.baseUrl}/reports`);
    await accessible(page);
    const row = page.locator('tr', { hasText: periodLabel(current.key, 'vi') });
    await row.getByRole('link', { name: 'Mở' }).click();
    assert.match(page.url(), new RegExp(`/reports/form\\?regime=${REGIME}&period=${current.key}`));
    await page.getByLabel('Số hồ sơ tiếp nhận', { exact: false }).fill('1.234');
    await page.getByLabel('Tỷ lệ hồ sơ trực tuyến', { exact: false }).fill('187,5');
    await page.getByRole('button', { name: 'Ký số và gửi báo cáo' }).click();
    assert.ok(await page.locator('.error-summary').isVisible(), 'a share above 100 % is refused');
    await accessible(page);
    await page.getByLabel('Tỷ lệ hồ sơ trực tuyến', { exact: false }).fill('87,5');
    await page.getByRole('button', { name: 'Ký số và gửi báo cáo' }).click();
    assert.match(page.url(), /done=submitted/);
    assert.ok(await page.getByText('Đã ký số và gửi báo cáo.').isVisible());
    await accessible(page);
  });

  it('the province finds it waiting, sees the signature and approves it', async () => {
    const page = pages.province;
    await page.goto(`${t.baseUrl}/reports`);
    const row = page.locator('tr', { hasText: 'Xã Một' });
    await row.getByRole('link', { name: 'Mở' }).click();
    assert.match(page.url(), /\/reports\/submissions\/[0-9a-f-]{36}$/);
    assert.ok(await page.getByText('Đã ký bằng chứng thư số của cơ quan', { exact: false }).isVisible());
    await accessible(page);
    await page.getByLabel('Ý kiến').fill('Số liệu khớp sổ theo dõi.');
    await page.getByRole('button', { name: 'Duyệt', exact: true }).click();
    assert.ok(await page.getByText('Đã duyệt 1/2 cấp').isVisible());
    await accessible(page);
  });

  it('the national dashboard shows the value, completeness and timeliness at once, and drills down', async () => {
    const page = pages.nation;
    await page.goto(`${t.baseUrl}/reports/dashboard?regime=${REGIME}&period=${current.key}`);
    const main = page.locator('main');
    assert.match(await main.innerText(), /Đã gửi 1\/2 \(50 %\)/);
    assert.match(await main.innerText(), /Đúng hạn 1, muộn 0/);
    const received = page.locator('tr', { hasText: 'Số hồ sơ tiếp nhận' }).first();
    assert.match(await received.innerText(), /1\.234/);
    const share = page.locator('tr', { hasText: 'Tỷ lệ hồ sơ trực tuyến' }).first();
    assert.match(await share.innerText(), /87,5/);
    await accessible(page);
    // nation → province → commune
    await page.getByRole('link', { name: 'Tỉnh Thử Nghiệm' }).first().click();
    assert.match(await page.locator('h2').first().innerText(), /Tỉnh Thử Nghiệm/);
    const one = page.locator('tr', { hasText: 'Xã Một' }).last();
    assert.match(await one.innerText(), /1\/1/);
    assert.match(await one.innerText(), /1\.234/);
    const two = page.locator('tr', { hasText: 'Xã Hai' }).last();
    assert.match(await two.innerText(), /0\/1/);
    await accessible(page);
    await page.getByRole('link', { name: 'Xã Một' }).first().click();
    assert.match(await page.locator('main').innerText(), /Đã gửi 1\/1 \(100 %\)/);
  });

  it('a unit that missed an earlier deadline is flagged overdue and reminded (in-app and email)', async () => {
    const page = pages.nation;
    await page.goto(`${t.baseUrl}/reports/late?regime=${REGIME}&period=${earlier.key}`);
    const row = page.locator('tr', { hasText: 'Xã Hai' });
    assert.match(await row.innerText(), /Chưa gửi/);
    assert.match(await row.innerText(), /Quá hạn/);
    await accessible(page);
    await row.getByRole('button', { name: 'Nhắc ngay' }).click();
    assert.ok(await page.getByText('Đã gửi nhắc nhở đến Xã Hai.').isVisible());
    await accessible(page);

    const inbox = pages.late;
    await inbox.goto(`${t.baseUrl}/notices`);
    const notice = inbox.locator('article', { hasText: 'Báo cáo quá hạn' });
    assert.match(await notice.innerText(), /Báo cáo tình hình giải quyết hồ sơ hằng tháng/);
    assert.match(await notice.innerText(), new RegExp(periodLabel(earlier.key, 'vi')));
    await accessible(inbox);

    const mail = (await smtp.waitForMessages(1, 20_000)).find((m) => m.to.includes(contactEmail));
    assert.ok(mail, 'the reminder reached the unit’s reporting mailbox');
    assert.match(mail.subject, /^Báo cáo quá hạn: Báo cáo tình hình giải quyết hồ sơ hằng tháng/);
  });
});
