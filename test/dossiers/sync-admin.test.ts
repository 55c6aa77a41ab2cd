/**
 * The sync queue page and API over HTTP, through real sign-in: platform administrators see every
 * agency's items, an agency administrator only their agency's (another agency's item answers 404),
 * anyone else gets 404 (anonymous visitors are sent to sign in); the retry button puts a refused
 * item back and it is delivered.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDirectoryModule, type AgencySummary } from '../../src/modules/directory/index.ts';
import { createDossiersSync, portalTime, type DossiersSync } from '../../src/modules/dossiers/sync/index.ts';
import { createIdentityModule, type IdentityModule } from '../../src/modules/identity/index.ts';
import { createWorkCalendar } from '../../src/platform/calendar/index.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import type { App } from '../../src/platform/http/types.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { addNavigation } from '../../src/platform/pages/layout.ts';
import { renderErrorPage } from '../../src/platform/pages/home.ts';
import type { Role } from '../../src/platform/context.ts';
import { browserSkip, launchBrowser, seriousA11yViolations } from '../support/browser.ts';
import { PageClient } from '../support/client.ts';
import { startFakeNationalPortal, type FakeNationalPortal } from '../support/fakes/national-portal.ts';
import { signInNewOfficial } from '../payments/harness.ts';
import { citizenCtx, minimalPdf, startDossiersHarness, type DossiersHarness } from './harness.ts';
import { testConfig } from '../support/config.ts';

let h: DossiersHarness;
let portal: FakeNationalPortal;
let sync: DossiersSync;
let identity: IdentityModule;
let app: App;
let baseUrl: string;
let agencyA: AgencySummary & { code: string };
let agencyB: AgencySummary & { code: string };
let procedureCode: string;
let n = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      server.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function official(agencyId: string, roles: Role[]): Promise<PageClient> {
  n += 1;
  return signInNewOfficial(identity, baseUrl, {
    agencyId,
    roles,
    username: `quantri${process.pid}x${n}`,
    fullName: `Quản trị ${n}`,
  });
}

/** A submitted dossier of `agencyId` whose announcement the portal refused (state failed). */
async function refusedDossier(agencyId: string): Promise<string> {
  const ctx = citizenCtx();
  const d = await h.dossiers.service.createDraft(ctx, {
    procedureCode,
    agencyId,
    applicantName: 'Đỗ Thị Hoa',
  });
  await h.dossiers.service.saveValues(ctx, d.id, { childName: 'Đỗ Minh', birthDate: '2026-02-01' });
  await h.dossiers.service.addPaper(ctx, d.id, {
    paperKey: 'giayChungSinh',
    fileName: 'a.pdf',
    bytes: minimalPdf,
  });
  const { dossier } = await h.dossiers.service.submit(ctx, d.id);
  portal.failNext(1, 'refuse');
  await sync.pushDossier(d.id);
  return dossier.code ?? '';
}

interface QueueBody {
  counts: { pending: number; sent: number; failed: number };
  items: { id: string; dossierCode: string; state: string; lastError: string | null }[];
}

async function apiQueue(client: PageClient, state = 'failed') {
  const r = await client.request('GET', `/api/v1/national-portal/outbox?state=${state}`, {
    headers: { accept: 'application/json' },
  });
  return { status: r.status, body: (await r.json()) as QueueBody };
}

describe('national portal sync queue: page, API and who may see them', () => {
  before(async () => {
    h = await startDossiersHarness();
    portal = await startFakeNationalPortal();
    agencyA = await h.makeAgency('commune');
    agencyB = await h.makeAgency('commune');
    procedureCode = (await h.makeProcedure()).code;
    const logger = createLogger('silent');
    const directory = createDirectoryModule({ db: h.db.database.db, logger });
    sync = createDossiersSync({
      db: h.db.database.db,
      logger,
      settings: {
        url: portal.url,
        username: portal.username,
        password: portal.password,
        agency: portal.agency,
      },
      observers: () => h.dossiers.observers,
      directory: directory.service,
      services: h.services.service,
      calendar: createWorkCalendar(),
    });
    h.dossiers.observe(sync.observer);
    // The queue served with the real sign-in, on its own loopback port beside the harness.
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const config = testConfig({
      DATABASE_URL: h.db.url,
      DATA_DIR: h.asTestApp.config.dataDir,
      PORT: String(port),
      BASE_URL: baseUrl,
    });
    identity = createIdentityModule({ db: h.db.database.db, logger, config, directory: directory.service });
    addNavigation(...sync.nav);
    app = await createHttpServer({
      config,
      logger,
      resolveActor: identity.resolveActor,
      isReady: () => Promise.resolve(true),
      renderErrorPage,
      modules: [identity.http, sync.http],
    });
    await app.listen({ port, host: '127.0.0.1' });
  });
  after(async () => {
    await app.close();
    await portal.close();
    await h.close();
  });

  it('shows each administrator the items they may see, and retries a refused one', async () => {
    const codeA = await refusedDossier(agencyA.id);
    const codeB = await refusedDossier(agencyB.id);

    const platformAdmin = await official(agencyB.id, ['platform_admin']);
    const all = await apiQueue(platformAdmin);
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.items.map((i) => i.dossierCode).sort(), [codeA, codeB].sort());
    assert.ok(all.body.items.every((i) => /01/.test(i.lastError ?? '')));

    const adminA = await official(agencyA.id, ['admin']);
    const page = await adminA.get('/admin/national-portal?state=failed');
    assert.equal(page.status, 200);
    assert.match(page.html, /Đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia/);
    assert.match(page.html, /Bị từ chối/);
    assert.ok(page.html.includes(codeA));
    assert.ok(!page.html.includes(codeB));
    assert.match(page.html, /Gửi lại ngay/);
    const english = await adminA.get('/admin/national-portal?state=failed&lang=en');
    assert.match(english.html, /Dossier sync with the national portal/);

    const mine = await apiQueue(adminA);
    assert.deepEqual(
      mine.body.items.map((i) => i.dossierCode),
      [codeA],
    );
    assert.equal(mine.body.counts.failed, 1);
    const itemB = all.body.items.find((i) => i.dossierCode === codeB);
    const itemA = all.body.items.find((i) => i.dossierCode === codeA);
    assert.ok(itemA && itemB);

    // Another agency's item is not there for agency A's administrator.
    await adminA.get('/admin/national-portal?state=failed');
    const foreign = await adminA.post(`/admin/national-portal/items/${itemB.id}/retry`, {});
    assert.equal(foreign.status, 404);

    // The retry button: back in the queue, then delivered once.
    await adminA.get('/admin/national-portal?state=failed');
    const retried = await adminA.post(`/admin/national-portal/items/${itemA.id}/retry`, {});
    assert.equal(retried.status, 303);
    assert.equal(retried.location, '/admin/national-portal?state=pending&retried=1');
    const after = await adminA.get(`${retried.location ?? ''}&lang=vi`);
    assert.match(after.html, /Đã đưa mục trở lại hàng đợi/);
    assert.ok(after.html.includes(codeA));
    await sync.pushDue();
    assert.deepEqual(portal.statusesOf(codeA), ['1']);
    // B's item was not retried: it stays refused.
    assert.deepEqual(portal.statusesOf(codeB), []);
    const sent = await adminA.get('/admin/national-portal?state=sent');
    assert.ok(sent.html.includes(codeA));
    // Once acknowledged, never again.
    const twice = await adminA.request('POST', `/api/v1/national-portal/outbox/${itemA.id}/retry`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(twice.status, 409);
    assert.equal(((await twice.json()) as { code: string }).code, 'DOSSIER_SYNC_ALREADY_SENT');
  });

  it('answers 404 to officials without the role, and sends anonymous visitors to sign in', async () => {
    const officer = await official(agencyA.id, ['one_stop_officer']);
    assert.equal((await officer.get('/admin/national-portal')).status, 404);
    assert.equal((await apiQueue(officer)).status, 404);
    const anonymous = new PageClient(baseUrl);
    const page = await anonymous.get('/admin/national-portal');
    assert.equal(page.status, 303);
    assert.match(page.response.headers.get('location') ?? '', /^\/login\?next=/);
    assert.equal((await apiQueue(anonymous)).status, 401);
  });

  it('shows platform administrators the filed dossiers that could not be imported, with the reason', async () => {
    portal.fileDossier({
      MaHoSo: 'G22.97-261122-0001',
      MaTTHC: '9.999998',
      TenTTHC: 'Thủ tục chưa có ở đây',
      MaDonViTiepNhan: agencyA.code,
      ChuHoSo: 'Trịnh Văn Em',
      LoaiDoiTuong: '1',
      MaDoiTuong: '',
      Email: '',
      SoDienThoai: '',
      DiaChi: '',
      TrichYeuHoSo: '',
      NgayNop: portalTime(new Date()),
      TaiLieuNop: [],
    });
    assert.equal((await sync.pull()).problems, 1);
    const platformAdmin = await official(agencyB.id, ['platform_admin']);
    const page = await platformAdmin.get('/admin/national-portal?lang=vi');
    assert.match(page.html, /Hồ sơ nộp trên Cổng DVCQG chưa nhận về được/);
    assert.ok(page.html.includes('G22.97-261122-0001'));
    assert.match(page.html, /Thủ tục chưa được công bố trên hệ thống/);
    const adminA = await official(agencyA.id, ['admin']);
    assert.ok(!(await adminA.get('/admin/national-portal')).html.includes('G22.97-261122-0001'));
  });

  it('has no serious accessibility problems, in either language', { skip: browserSkip }, async () => {
    const admin = await official(agencyA.id, ['platform_admin']);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ javaScriptEnabled: true });
      await context.addCookies(
        admin
          .cookieHeader()
          .split('; ')
          .filter(Boolean)
          .map((pair) => {
            const eq = pair.indexOf('=');
            return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: baseUrl };
          }),
      );
      const page = await context.newPage();
      for (const path of [
        '/admin/national-portal?state=failed&lang=vi',
        '/admin/national-portal?state=sent&lang=en',
      ]) {
        await page.goto(baseUrl + path);
        assert.equal(await page.locator('h1').count(), 1);
        assert.deepEqual(await seriousA11yViolations(page), [], path);
      }
    } finally {
      await browser.close();
    }
  });
});
