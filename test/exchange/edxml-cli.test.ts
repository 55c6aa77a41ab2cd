import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = path.join(root, 'test/fixtures/edxml');

/** The parts of `edxml inspect`/`validate` output these tests look at. */
interface Inspect {
  kind?: string;
  valid?: boolean;
  businessType?: number;
  businessTypeName?: string;
  from?: { organId: string };
  to?: { organId: string }[];
  documentId?: string;
  canonicalDocumentId?: string;
  code?: unknown;
  promulgationDate?: string;
  subject?: string;
  priority?: number;
  steeringType?: number;
  statusCode?: string;
  responseFor?: { documentId: string };
  attachments?: { zipped: boolean; sniffedType: string }[];
  signature?: { result: string; algorithm: string; signerSubject: string };
  unknown?: { elements: { node: { name: string } }[] };
  error?: { code: string; message: string; issues: { code: string; field: string }[] };
}

/** Runs `lienthong <args>` as a user would; resolves with the exit code and the parsed JSON. */
function lienthong(...args: string[]): Promise<{ code: number; json: Inspect }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['src/cli.ts', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } },
      (error, stdout) => {
        try {
          resolve({
            code: error ? Number(error.code ?? 1) : 0,
            json: JSON.parse(stdout) as Inspect,
          });
        } catch (e) {
          reject(new Error(`not JSON: ${stdout} ${String(e)}`));
        }
      },
    );
  });
}

describe('lienthong edxml inspect', () => {
  it('prints the §7 packet: header, attachment hash of the decoded bytes, no signature', async () => {
    const { code, json } = await lienthong('edxml', 'inspect', path.join(fixtures, 'edoc-new.edxml'));
    assert.equal(code, 0);
    assert.equal(json.kind, 'edoc');
    assert.equal(json.businessType, 0);
    assert.equal(json.businessTypeName, 'new');
    assert.equal(json.from!.organId, '000.00.09.H99');
    assert.deepEqual(
      json.to!.map((t: { organId: string }) => t.organId),
      ['000.00.05.H99', '000.00.12.H99'],
    );
    assert.equal(json.documentId, '000.00.09.H99,2025/11/03,1482/SNV-TCBC');
    assert.deepEqual(json.code, { number: '1482', notation: 'SNV-TCBC' });
    assert.equal(json.promulgationDate, '2025-11-03');
    assert.match(json.subject!, /^V\/v rà soát số lượng người làm việc/);
    assert.equal(json.priority, 1);
    assert.equal(json.steeringType, 1);
    assert.deepEqual(json.attachments, [
      {
        contentId: 'cid:2056e508-2f12-42a2-aacd-6cde230ce7d7',
        name: '1482-SNV-TCBC.pdf',
        contentType: 'application/pdf',
        sniffedType: 'pdf',
        zipped: false,
        innerName: null,
        bytes: 310,
        sha256: '427c7f69e40e3877940316442133ebb12cc005d68afbce85e1f2ce80bd06ae2b',
      },
    ]);
    assert.deepEqual(json.signature, { result: 'none', algorithm: null, signerSubject: null });
  });

  it('shows a zipped attachment and unknown elements kept', async () => {
    const zipped = await lienthong('edxml', 'inspect', path.join(fixtures, 'edoc-zipped-attachment.edxml'));
    assert.equal(zipped.json.attachments![0]!.zipped, true);
    assert.equal(zipped.json.attachments![0]!.sniffedType, 'pdf');
    const variant = await lienthong('edxml', 'inspect', path.join(fixtures, 'edoc-producer-variant.edxml'));
    assert.equal(variant.code, 0);
    assert.deepEqual(
      variant.json.unknown!.elements.map((u: { node: { name: string } }) => u.node.name),
      ['ProducerNote', 'ReleaseChannel'],
    );
    assert.equal(variant.json.canonicalDocumentId, '000.00.09.H99,2025/11/03,1482/SNV-TCBC');
  });

  it('prints a status packet with its status code', async () => {
    const { code, json } = await lienthong('edxml', 'inspect', path.join(fixtures, 'status-3-short.edxml'));
    assert.equal(code, 0);
    assert.equal(json.kind, 'status');
    assert.equal(json.statusCode, '03');
    assert.equal(json.responseFor!.documentId, '000.00.09.H99,2025/11/03,1482/SNV-TCBC');
  });

  it('answers a hostile packet with the error code and a non-zero exit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edxml-cli-'));
    const file = path.join(dir, 'xxe.edxml');
    const base = readFileSync(path.join(fixtures, 'edoc-new.edxml'), 'utf8');
    writeFileSync(
      file,
      base.replace('?>\n', '?>\n<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'),
    );
    const { code, json } = await lienthong('edxml', 'inspect', file);
    assert.equal(code, 1);
    assert.equal(json.error!.code, 'EDXML_DOCTYPE_FORBIDDEN');
    assert.ok(json.error!.message.length > 0);
    const missing = await lienthong('edxml', 'inspect', path.join(dir, 'nope.edxml'));
    assert.equal(missing.code, 1);
    assert.equal(missing.json.error!.code, 'EDXML_FILE_UNREADABLE');
  });

  it('validate: 0 when valid, 1 with every issue otherwise', async () => {
    const ok = await lienthong('edxml', 'validate', path.join(fixtures, 'status-03.edxml'));
    assert.equal(ok.code, 0);
    assert.equal(ok.json.valid, true);
    const dir = mkdtempSync(path.join(tmpdir(), 'edxml-cli-'));
    const file = path.join(dir, 'dup.edxml');
    const base = readFileSync(path.join(fixtures, 'edoc-new.edxml'), 'utf8');
    writeFileSync(
      file,
      base.replace('000.00.12.H99', '000.00.05.H99').replace(/<edXML:Subject>.*?<\/edXML:Subject>/, ''),
    );
    const bad = await lienthong('edxml', 'validate', file);
    assert.equal(bad.code, 1);
    assert.equal(bad.json.valid, false);
    assert.deepEqual(
      bad.json.error!.issues.map((i: { code: string; field: string }) => `${i.code} ${i.field}`).sort(),
      ['EDXML_DUPLICATE_RECIPIENT MessageHeader.To[1].OrganId', 'EDXML_MISSING_FIELD MessageHeader.Subject'],
    );
  });
});

const signedDir = path.join(fixtures, 'signed');
const signed = (name: string) => path.join(signedDir, name);

describe(
  'lienthong edxml inspect: signatures (fixtures of the pki module)',
  { skip: !existsSync(signedDir) },
  () => {
    it('intact signatures are untrusted without an anchor and valid with --trust', async () => {
      for (const file of ['a-sha256-exc.edxml', 'b-sha1-inc.edxml', 'c-no-namespace.edxml']) {
        const plain = await lienthong('edxml', 'inspect', signed(file));
        assert.equal(plain.code, 0, file);
        assert.equal(plain.json.signature!.result, 'untrusted', file);
        assert.match(plain.json.signature!.algorithm, /rsa-sha(1|256)$/i, file);
        assert.match(plain.json.signature!.signerSubject, /Sở Nội vụ tỉnh Minh Sơn/, file);
        const trusted = await lienthong('edxml', 'inspect', signed(file), '--trust', signed('test-ca.pem'));
        assert.equal(trusted.json.signature!.result, 'valid', file);
        assert.equal(trusted.json.documentId, '000.00.09.H99,2025/11/03,1482/SNV-TCBC');
      }
    });

    it('a tampered packet is invalid; another CA stays untrusted; no Signature is none', async () => {
      const tampered = await lienthong(
        'edxml',
        'inspect',
        signed('d-tampered.edxml'),
        '--trust',
        signed('test-ca.pem'),
      );
      assert.equal(tampered.json.signature!.result, 'invalid');
      const other = await lienthong(
        'edxml',
        'inspect',
        signed('e-unknown-ca.edxml'),
        '--trust',
        signed('test-ca.pem'),
      );
      assert.equal(other.json.signature!.result, 'untrusted');
      const unsigned = await lienthong('edxml', 'inspect', signed('unsigned.edxml'));
      assert.equal(unsigned.json.signature!.result, 'none');
    });
  },
);
