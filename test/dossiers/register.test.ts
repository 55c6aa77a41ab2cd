// The register book (form 07) and the statistics over HTTP: pages in Vietnamese and English, the
// JSON API, Excel files read back with exceljs, PDF text read back with pdftotext (landscape, the
// header repeated on every page of a long register), and 404 for another agency's officer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { createDirectoryModule } from '../../src/modules/directory/index.ts';
import { createDossierStatsModule, type DossierStatsModule } from '../../src/modules/dossiers/stats/index.ts';
import { registerPdf } from '../../src/modules/dossiers/stats/exports.ts';
import { namedPeriod } from '../../src/modules/dossiers/stats/periods.ts';
import type { RegisterEntry } from '../../src/modules/dossiers/stats/service.ts';
import { createWorkCalendar, isoDateOfDay, localDay } from '../../src/platform/calendar/index.ts';
import { createHttpServer } from '../../src/platform/http/server.ts';
import type { App } from '../../src/platform/http/types.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { renderErrorPage } from '../../src/platform/pages/home.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import type { PageClient } from '../support/client.ts';
import { citizenCtx, minimalPdf, officerCtx, startDossiersHarness, type DossiersHarness } from './harness.ts';
import { testConfig } from '../support/config.ts';

const pdftotext = '/usr/bin/pdftotext';
const pdfText = (pdf: Uint8Array) =>
  execFileSync(pdftotext, ['-enc', 'UTF-8', '-layout', '-', '-'], { input: pdf })
    .toString('utf8')
    .normalize('NFC');

let h: DossiersHarness;
let stats: DossierStatsModule;
let server: App;
let base = '';
let dataDir = '';
let agency: { id: string; code: string };
let other: { id: string };
let procedure: ProcedureContent;
let officer: PageClient;
let stranger: PageClient;
const codes: string[] = [];
const month = isoDateOfDay(localDay(new Date())).slice(0, 7);

async function file(applicantName: string) {
  const ctx = citizenCtx();
  const d = await h.dossiers.service.createDraft(ctx, {
    procedureCode: procedure.code,
    agencyId: agency.id,
    applicantName,
  });
  await h.dossiers.service.saveValues(ctx, d.id, { childName: 'Trần Minh Khôi', birthDate: '2026-01-15' });
  await h.dossiers.service.addPaper(ctx, d.id, {
    paperKey: 'giayChungSinh',
    fileName: 'cs.pdf',
    bytes: minimalPdf,
  });
  const { dossier } = await h.dossiers.service.submit(ctx, d.id);
  codes.push(dossier.code ?? '');
  return { ctx, id: d.id };
}

/** GET on the statistics server as a signed-in officer. */
const get = (who: PageClient, p: string, accept = 'text/html') =>
  fetch(base + p, { headers: { cookie: who.cookieHeader(), accept } });

describe('register book and exports over HTTP', () => {
  before(async () => {
    h = await startDossiersHarness();
    agency = await h.makeAgency('commune');
    other = await h.makeAgency('commune');
    procedure = await h.makeProcedure();
    const directory = createDirectoryModule({ db: h.db.database.db, logger: createLogger('silent') });
    stats = createDossierStatsModule({
      db: h.db.database.db,
      calendar: createWorkCalendar(),
      directory: directory.service,
    });
    h.dossiers.observe(stats.observer);
    // The statistics on a server of their own, with the harness's sessions (same database and secret).
    dataDir = mkdtempSync(path.join(tmpdir(), 'lienthong-register-'));
    const config = testConfig({
      DATABASE_URL: h.db.url,
      DATA_DIR: dataDir,
      PORT: '0',
    });
    server = await createHttpServer({
      config,
      logger: createLogger('silent'),
      resolveActor: h.identity.resolveActor,
      isReady: () => Promise.resolve(true),
      renderErrorPage,
      modules: [stats.http],
    });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const a = await file('Nguyễn Thị Ánh Tuyết');
    const b = await file('Trần Văn Bình');
    const c = await file('Lê Thị Cúc');
    await h.dossiers.service.receive(officerCtx(agency.id), a.id);
    await h.dossiers.service.returnResult(officerCtx(agency.id), a.id, minimalPdf);
    await h.dossiers.service.receive(officerCtx(agency.id), b.id);
    await h.dossiers.service.withdraw(c.ctx, c.id, 'Nộp nhầm');
    officer = await h.official(agency.id, ['one_stop_officer']);
    stranger = await h.official(other.id, ['one_stop_officer']);
  });
  after(async () => {
    await server.close();
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the agency’s dossiers with their dates and timeliness, and filters them', async () => {
    const r = await stats.service.register(officerCtx(agency.id), { period: month });
    assert.deepEqual(
      r.entries.map((e) => [e.seq, e.code, e.applicantName, e.timeliness, e.status]),
      [
        [1, codes[0], 'Nguyễn Thị Ánh Tuyết', 'early', 'delivered'],
        [2, codes[1], 'Trần Văn Bình', 'in_time', 'received'],
        [3, codes[2], 'Lê Thị Cúc', null, 'withdrawn'],
      ],
    );
    const first = r.entries[0];
    assert.ok(first?.dueAt && first.finishedAt && first.returnedAt, 'due, settled and returned dates');
    const count = async (q: Parameters<typeof stats.service.register>[1]) =>
      (await stats.service.register(officerCtx(agency.id), { period: month, ...q })).entries.map(
        (e) => e.code,
      );
    assert.deepEqual(await count({ q: 'ánh tuyết' }), [codes[0]]);
    assert.deepEqual(await count({ q: 'anh tuyet' }), [codes[0]], 'found without diacritics');
    assert.deepEqual(await count({ q: codes[1] }), [codes[1]]);
    assert.deepEqual(await count({ group: 'open' }), [codes[1]]);
    assert.deepEqual(await count({ group: 'closed' }), [codes[2]]);
    assert.deepEqual(await count({ timeliness: 'early' }), [codes[0]]);
    assert.deepEqual(await count({ timeliness: 'late' }), []);
    assert.deepEqual(await count({ channel: 'counter' }), []);
    const paged = await stats.service.register(officerCtx(agency.id), {
      period: month,
      pageSize: 2,
      page: 2,
    });
    assert.deepEqual([paged.entries.map((e) => e.seq), paged.hasNext], [[3], false]);
  });

  it('serves the pages in Vietnamese and English, the API, and 404 to another agency', async () => {
    const vi = await get(officer, `/one-stop/register?period=${month}`);
    assert.equal(vi.status, 200);
    const page = await vi.text();
    for (const text of ['Sổ theo dõi hồ sơ', 'Nguyễn Thị Ánh Tuyết', 'Trước hạn', 'Trong hạn', 'Tải Excel'])
      assert.ok(page.includes(text), text);
    const en = await (await get(officer, `/one-stop/register?period=${month}&lang=en`)).text();
    assert.ok(en.includes('Dossier register') && en.includes('Early'));
    const statsPage = await (await get(officer, `/one-stop/stats?period=${month}`)).text();
    for (const text of ['Tỷ lệ đúng hạn', 'Tiến độ, kết quả giải quyết', 'Không tính được', procedure.name])
      assert.ok(statsPage.includes(text), text);
    const bad = await get(officer, '/one-stop/stats?from=2026-05-01&to=2026-04-01');
    assert.equal(bad.status, 400);
    assert.ok((await bad.text()).includes('Kỳ thống kê không hợp lệ'));

    const api = await get(officer, `/api/v1/one-stop/stats?period=${month}`, 'application/json');
    const body = (await api.json()) as { total: { received: { total: number }; finished: number } };
    assert.deepEqual([body.total.received.total, body.total.finished], [3, 1]);

    for (const p of [
      `/api/v1/one-stop/register?agencyId=${agency.id}`,
      `/api/v1/one-stop/stats?agencyId=${agency.id}`,
      `/one-stop/register?agencyId=${agency.id}`,
      `/one-stop/stats/export.xlsx?agencyId=${agency.id}`,
      `/one-stop/register/export.pdf?agencyId=${agency.id}`,
    ]) {
      const r = await get(stranger, p, p.startsWith('/api') ? 'application/json' : 'text/html');
      assert.equal(r.status, 404, p);
    }
    const own = (await (await get(stranger, '/api/v1/one-stop/register', 'application/json')).json()) as {
      entries: unknown[];
    };
    assert.deepEqual(own.entries, []);
  });

  it('exports the register and the statistics to Excel, read back with exceljs', async () => {
    const r = await get(officer, `/one-stop/register/export.xlsx?period=${month}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition') ?? '', /so-theo-doi-.*\.xlsx/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('SoTheoDoi');
    assert.ok(ws);
    assert.match(ws.getCell('A1').text, /SỔ THEO DÕI HỒ SƠ/);
    assert.deepEqual(
      [2, 3, 4].map((c) => ws.getRow(4).getCell(c).value),
      ['Mã hồ sơ', 'Tổ chức, cá nhân', 'Thủ tục'],
    );
    assert.deepEqual(
      [5, 6, 7].map((n) => [ws.getRow(n).getCell(2).value, ws.getRow(n).getCell(3).value]),
      [
        [codes[0], 'Nguyễn Thị Ánh Tuyết'],
        [codes[1], 'Trần Văn Bình'],
        [codes[2], 'Lê Thị Cúc'],
      ],
    );
    const s = await get(officer, `/one-stop/stats/export.xlsx?period=${month}`);
    const sb = new ExcelJS.Workbook();
    await sb.xlsx.load(Buffer.from(await s.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = sb.getWorksheet('ThongKe');
    assert.ok(sheet);
    const rows = sheet.getSheetValues().filter(Boolean) as unknown[][];
    const total = rows.find((row) => row[1] === 'Tổng cộng');
    assert.ok(total, 'a total row');
    assert.equal(total[3], '3', 'received in the period');
    assert.ok(rows.some((row) => row[1] === 'Tiến độ, kết quả giải quyết'));
  });

  it('exports PDFs with Vietnamese text, and repeats the header on every page of a long register', async (t) => {
    if (!existsSync(pdftotext)) return t.skip('pdftotext (poppler-utils) is not installed');
    const r = await get(officer, `/one-stop/register/export.pdf?period=${month}`);
    assert.equal(r.status, 200);
    const text = pdfText(Buffer.from(await r.arrayBuffer()));
    for (const s of [
      'SỔ THEO DÕI HỒ SƠ',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Trần Văn Bình',
      'Nguyễn Thị',
      'Tuyết',
      'Trước hạn',
      codes[0] ?? '',
    ])
      assert.ok(text.includes(s), s);
    const st = pdfText(
      Buffer.from(await (await get(officer, `/one-stop/stats/export.pdf?period=${month}`)).arrayBuffer()),
    );
    for (const s of ['THỐNG KÊ TÌNH HÌNH GIẢI QUYẾT HỒ SƠ', 'Tiến độ, kết quả giải quyết', 'Mức độ hài lòng'])
      assert.ok(st.includes(s), s);

    const entries: RegisterEntry[] = Array.from({ length: 150 }, (_, i) => ({
      seq: i + 1,
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      code: `000.00.01.H41-261121-${String(i + 1).padStart(4, '0')}`,
      applicantName: `Đặng Nhung ${i + 1}`,
      procedureCode: '1.001',
      procedureName: 'Đăng ký khai sinh',
      channel: 'counter',
      status: 'delivered',
      statusName: { vi: 'Đã trả kết quả', en: 'Result returned' },
      receivedAt: '2026-11-02T02:00:00.000Z',
      dueAt: '2026-11-04T10:00:00.000Z',
      finishedAt: '2026-11-03T08:00:00.000Z',
      returnedAt: '2026-11-03T09:00:00.000Z',
      timeliness: 'early',
    }));
    const long = await registerPdf({
      agencyName: 'Ủy ban nhân dân xã Thử Nghiệm',
      period: namedPeriod('2026-11')!,
      entries,
      locale: 'vi',
      now: new Date(),
    });
    const pages = pdfText(long)
      .split('\f')
      .filter((p) => p.trim());
    assert.ok(pages.length >= 3, `${pages.length} pages`);
    pages.forEach((p, i) => {
      assert.ok(p.includes('Mã hồ sơ'), `header on page ${i + 1}`);
      assert.match(p, new RegExp(`\\b${i + 1}\\s*/\\s*${pages.length}\\b`), `number of page ${i + 1}`);
    });
    assert.ok(pages.at(-1)?.includes('Đặng Nhung 150'));
  });
});
