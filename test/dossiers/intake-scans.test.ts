// Counter and postal intake with several scans, over HTTP as a browser without JavaScript posts
// it: one file input per paper of the procedure and one for other papers (several files). Each
// file is checked by content and size as online filing checks it, recorded as a paper of the
// dossier under the procedure's name, and downloadable by the agency's officers only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgencySummary } from '../../src/modules/directory/index.ts';
import type { ProcedureContent } from '../../src/modules/services/index.ts';
import { PageClient } from '../support/client.ts';
import { minimalPdf, startDossiersHarness, type DossiersHarness } from './harness.ts';
import { postIntakePage, type IntakeFile } from './intake-support.ts';

type Paper = ProcedureContent['papers'][number];

const MAX = 64 * 1024;
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('png-body-of-a-scan'),
]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('jpeg-body-of-a-scan')]);
const executable = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

let h: DossiersHarness;
let agency: AgencySummary & { code: string };
let procedure: ProcedureContent;
let desk: PageClient;

/** Posts the intake page's form as a browser does (multipart). */
const postIntake = (fields: Record<string, string>, files: IntakeFile[]) =>
  postIntakePage(h.baseUrl, desk, procedure.code, fields, files);

const applicant = {
  channel: 'counter',
  applicantName: 'Quách Thị Nhiều Tệp',
  idNumber: '001190004455',
  'f.childName': 'Quách An',
  'f.birthDate': '2026-03-03',
};

describe('counter intake with several scans', () => {
  before(async () => {
    h = await startDossiersHarness({ options: { maxFileBytes: MAX } });
    agency = await h.makeAgency('commune');
    const paper = (key: string, name: string, more: Partial<Paper> = {}): Paper => ({
      key,
      name,
      copyKind: 'original',
      count: 1,
      requirement: 'required',
      ...more,
    });
    procedure = await h.makeProcedure({
      papers: [
        paper('toKhai', 'Tờ khai', { template: { kind: 'generated' } }),
        paper('giayChungSinh', 'Giấy chứng sinh'),
        paper('giayUyQuyen', 'Văn bản ủy quyền', { requirement: 'conditional', condition: 'khi nộp thay' }),
      ],
    });
    desk = await h.official(agency.id, ['one_stop_officer']);
  });
  after(() => h.close());

  it('offers one file input per paper of the procedure and one for other papers that takes several files', async () => {
    const page = await desk.get(`/one-stop/intake?procedure=${procedure.code}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Giấy chứng sinh \(bắt buộc\)/);
    assert.match(page.html, /Văn bản ủy quyền \(nếu có\)/);
    assert.match(page.html, /name="paper\.giayChungSinh"/);
    assert.match(page.html, /name="paper\.giayUyQuyen"/);
    assert.doesNotMatch(page.html, /name="paper\.toKhai"/, 'the form stands for the generated declaration');
    assert.match(page.html, /name="scan"[^>]*multiple/);
    assert.match(page.html, /enctype="multipart\/form-data"/);
  });

  it('refuses a renamed executable and an oversized scan next to their inputs, and records nothing', async () => {
    const renamed = await postIntake(applicant, [
      { field: 'paper.giayChungSinh', bytes: executable, name: 'chung-sinh.pdf' },
      { field: 'scan', bytes: minimalPdf, name: 'khac.pdf' },
    ]);
    assert.equal(renamed.status, 400);
    assert.match(renamed.html, /id="f-paper\.giayChungSinh-error"[^>]*>Tệp không được chấp nhận/);
    const big = await postIntake(applicant, [
      { field: 'paper.giayChungSinh', bytes: minimalPdf, name: 'chung-sinh.pdf' },
      { field: 'scan', bytes: Buffer.concat([minimalPdf, Buffer.alloc(MAX)]), name: 'to-lon.pdf' },
    ]);
    assert.equal(big.status, 400);
    assert.match(big.html, /id="f-scan-error"[^>]*>Tệp không được chấp nhận/);
    const none = await postIntake(applicant, []);
    assert.equal(none.status, 400);
    assert.match(none.html, /ít nhất một bản quét/);
    const queue = await desk.get('/one-stop/dossiers');
    assert.doesNotMatch(queue.html, /Quách Thị Nhiều Tệp/);
  });

  it('records each scan as a paper of the dossier; officers of the agency download them, others get 404', async () => {
    const ok = await postIntake(applicant, [
      { field: 'paper.giayChungSinh', bytes: minimalPdf, name: 'chung-sinh.pdf' },
      { field: 'scan', bytes: png, name: 'so-ho-khau.png' },
      { field: 'scan', bytes: jpeg, name: 'anh-the.jpg' },
    ]);
    assert.equal(ok.status, 200);
    assert.match(ok.html, /Đã ghi nhận hồ sơ/);
    assert.match(ok.html, /Giấy tờ đã ghi nhận/);
    const links = [
      ...ok.html.matchAll(/<a href="(\/dossiers\/([0-9a-f-]{36})\/papers\/[0-9a-f-]{36})">([^<]+)<\/a>/g),
    ];
    assert.deepEqual(links.map((m) => m[3]).sort(), ['anh-the.jpg', 'chung-sinh.pdf', 'so-ho-khau.png']);
    assert.match(ok.html, /Giấy chứng sinh<\/td>\s*<td><a [^>]*>chung-sinh\.pdf/);
    assert.equal((ok.html.match(/Giấy tờ khác<\/td>/g) ?? []).length, 2);

    const expected: Record<string, [Buffer, string]> = {
      'chung-sinh.pdf': [minimalPdf, 'application/pdf'],
      'so-ho-khau.png': [png, 'image/png'],
      'anh-the.jpg': [jpeg, 'image/jpeg'],
    };
    for (const [, href, , name] of links) {
      const r = await desk.request('GET', href ?? '');
      assert.equal(r.status, 200);
      const [bytes, type] = expected[name ?? ''] ?? [Buffer.alloc(0), ''];
      assert.equal(r.headers.get('content-type'), type, 'the type read from the bytes');
      assert.deepEqual(Buffer.from(await r.arrayBuffer()), bytes);
    }
    // The dossier's page at the desk names the papers as the procedure does.
    const id = links[0]?.[2] ?? '';
    const page = await desk.get(`/one-stop/dossiers/${id}`);
    assert.match(page.html, /Giấy chứng sinh<\/td>/);
    assert.equal((page.html.match(/Giấy tờ khác<\/td>/g) ?? []).length, 2);
    const stranger = await h.official((await h.makeAgency()).id, ['one_stop_officer']);
    for (const [, href] of links) assert.equal((await stranger.request('GET', href ?? '')).status, 404);

    // The applicant has no account: with the code and the key of form 01 they get the scans too.
    const code = /Đã ghi nhận hồ sơ ([0-9A-Z.]+-\d{6}-\d{4})/.exec(ok.html)?.[1] ?? '';
    const secret = /Mã tra cứu: ([A-Z0-9]{10})/.exec(ok.html)?.[1] ?? '';
    const visitor = new PageClient(h.baseUrl);
    await visitor.get('/tra-cuu');
    const found = await visitor.post('/tra-cuu', { code, secret });
    assert.equal(found.status, 200);
    assert.match(found.html, /Giấy chứng sinh<\/td>/);
    assert.match(found.html, /Tải so-ho-khau\.png/);
    const paperId = (name: string) =>
      /\/papers\/([0-9a-f-]{36})/.exec(links.find((m) => m[3] === name)?.[1] ?? '')?.[1] ?? '';
    const file = await visitor.post('/tra-cuu/giay-to', { code, secret, paperId: paperId('so-ho-khau.png') });
    assert.equal(file.status, 200);
    assert.equal(file.response.headers.get('content-type'), 'image/png');
    await visitor.get('/tra-cuu');
    const wrongKey = await visitor.post('/tra-cuu/giay-to', {
      code,
      secret: 'ZZZZZZZZZZ',
      paperId: paperId('so-ho-khau.png'),
    });
    assert.equal(wrongKey.status, 404);
    assert.doesNotMatch(wrongKey.html, /so-ho-khau/);
  });

  it('takes several scans through the API, each for a paper of the procedure or extra; an unknown paper is refused', async () => {
    const post = (scans: { fileName: string; bytes: Buffer; paperKey?: string }[]) =>
      desk.request('POST', '/api/v1/backoffice/intake', {
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({
          procedureCode: procedure.code,
          channel: 'post',
          applicant: { name: 'Tạ Văn Bưu Gửi' },
          values: { childName: 'Tạ An', birthDate: '2026-03-04' },
          scans: scans.map((s) => ({
            fileName: s.fileName,
            contentBase64: s.bytes.toString('base64'),
            ...(s.paperKey ? { paperKey: s.paperKey } : {}),
          })),
        }),
      });
    const bad = await post([{ fileName: 'x.pdf', bytes: minimalPdf, paperKey: 'khongCo' }]);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'DOSSIER_INVALID');
    const r = await post([
      { fileName: 'uy-quyen.pdf', bytes: minimalPdf, paperKey: 'giayUyQuyen' },
      { fileName: 'chung-sinh.png', bytes: png, paperKey: 'giayChungSinh' },
      { fileName: 'phong-bi.jpg', bytes: jpeg },
    ]);
    assert.equal(r.status, 201);
    const { dossier } = (await r.json()) as { dossier: { id: string } };
    const papers = await h.dossiers.service.papers(h.officerCtxFor(agency.id), dossier.id);
    assert.deepEqual(papers.map((p) => [p.paperKey, p.fileName, p.mediaType]).sort(), [
      ['giayChungSinh', 'chung-sinh.png', 'image/png'],
      ['giayUyQuyen', 'uy-quyen.pdf', 'application/pdf'],
      ['scan', 'phong-bi.jpg', 'image/jpeg'],
    ]);
  });
});
