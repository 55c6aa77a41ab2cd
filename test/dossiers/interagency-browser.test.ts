/**
 * The inter-agency parts pages in Chromium with JavaScript off, checked with axe: the citizen's
 * page and the filing desk's page of a dossier whose two parts are handled by two agencies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { createOfficial, registerCitizen, signIn } from '../support/auth.ts';
import { a11yProblemsOfNoScriptPage, browserSkip, launchBrowser } from '../support/browser.ts';
import {
  agency,
  citizen,
  defineGroup,
  fileOnce,
  official,
  pdf,
  startInstance,
  until,
  type Instance,
} from './interagency-support.ts';

const codes = { group: '9.720001', birth: '9.720002', insurance: '9.720003' };

describe('inter-agency parts pages in a browser', { skip: browserSkip }, () => {
  let i: Instance;
  let browser: Browser;

  before(async () => {
    i = await startInstance('trinh-duyet.lienthong.test');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await i?.close();
  });

  /** A context without JavaScript carrying a PageClient's session cookies. */
  async function contextWith(cookieHeader: string): Promise<BrowserContext> {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'vi-VN' });
    const url = new URL(i.pagesUrl);
    await context.addCookies(
      cookieHeader
        .split('; ')
        .filter(Boolean)
        .map((pair) => {
          const eq = pair.indexOf('=');
          return { name: pair.slice(0, eq), value: pair.slice(eq + 1), domain: url.hostname, path: '/' };
        }),
    );
    return context;
  }

  it('the citizen and the desk read each part’s progress and result; no serious axe violation', async () => {
    const commune = await agency(i, { name: 'Ủy ban nhân dân xã Trình Duyệt' });
    const office = await agency(i, { kind: 'unit', name: 'Bảo hiểm xã hội cơ sở Trình Duyệt' });
    await defineGroup(i, {
      code: 'LT-THU-5',
      codes,
      commune,
      office,
      part1: { code: commune.code },
      part2: { code: office.code },
      part2After: [],
    });
    // Sign-up codes are read from the notices table: no notices worker meanwhile.
    await i.worker?.stop();
    i.worker = null;
    const registered = await registerCitizen(i);
    const desk = await signIn(
      i,
      await createOfficial(i, { agencyId: commune.id, roles: ['one_stop_officer'] }),
    );
    const applicant = citizen(registered.accountId);
    const id = await fileOnce(i, applicant, codes.group, commune.id);
    await i.platform.dossiers.service.receive(official(commune.id), id);
    const view = await i.interagency.service.partsOf(applicant, id);
    const first = view.parts[0]?.childDossierId ?? '';
    await i.platform.dossiers.service.receive(official(commune.id), first);
    await i.platform.dossiers.service.returnResult(official(commune.id), first, pdf('giay khai sinh'));
    await until(
      'part 1 done',
      async () => (await i.interagency.service.partsOf(applicant, id)).parts[0]?.state === 'done',
    );

    const mine = await contextWith(registered.client.cookieHeader());
    const page = await mine.newPage();
    await page.goto(`${i.pagesUrl}/dossiers/${id}/lien-thong`);
    assert.equal(await page.locator('h2#lien-thong-heading').textContent(), 'Các phần liên thông');
    const rows = page.locator('section[aria-labelledby="lien-thong-heading"] tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match((await rows.nth(0).textContent()) ?? '', /Đã giải quyết xong/);
    assert.match((await rows.nth(1).textContent()) ?? '', /Đã chuyển/);
    const download = page.getByRole('link', { name: 'Tải kết quả phần 1' });
    assert.equal(await download.getAttribute('href'), `/dossiers/${id}/lien-thong/1/result.pdf`);
    assert.deepEqual(await a11yProblemsOfNoScriptPage(browser, page), []);
    await mine.close();

    const deskContext = await contextWith(desk.cookieHeader());
    const deskPage = await deskContext.newPage();
    await deskPage.goto(`${i.pagesUrl}/one-stop/dossiers/${id}/lien-thong?lang=en`);
    assert.equal(await deskPage.locator('h2#lien-thong-heading').textContent(), 'Inter-agency parts');
    assert.deepEqual(await a11yProblemsOfNoScriptPage(browser, deskPage, 'en-GB'), []);
    await deskContext.close();
  });
});
