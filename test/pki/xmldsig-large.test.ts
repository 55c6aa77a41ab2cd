/**
 * Signed packets with real attachments: the verifier sets their base64 aside while it parses
 * (parseXmlStrictLean), so these prove the digest still covers every attachment byte, whatever
 * the line endings, the placement of the Signature or a document that contains the token itself.
 */
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildNewEdoc, writeEdxml } from '../../src/modules/exchange/index.ts';
import { createRootCertificate, issueCertificate, newRsaKeyPair } from '../../src/modules/pki/ca.ts';
import { closeVerifyPool, verifyEdxmlSignature } from '../../src/modules/pki/index.ts';
import { checkIntegrity, signXml } from '../../src/modules/pki/xmldsig.ts';

function packet(o: { subject?: string; attachments?: Buffer[] } = {}): Buffer {
  const attachments = o.attachments ?? [
    Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(60_000, 0x41)]),
  ];
  return Buffer.from(
    writeEdxml(
      buildNewEdoc({
        from: { organId: '000.00.09.H99', organName: 'Sở Nội vụ' },
        to: [{ organId: '000.00.05.H99' }],
        code: { number: '12', notation: 'SNV-VP' },
        promulgationDate: '2026-03-02',
        documentType: { typeName: 'Công văn' },
        subject: o.subject ?? 'Văn bản có tệp đính kèm',
        attachments: attachments.map((content, i) => ({
          name: `tep-${i + 1}.pdf`,
          content,
          contentType: 'application/pdf',
        })),
      }),
    ),
  );
}

/** Changes one base64 character in the middle of the first long attachment text. */
function tamperAttachment(signed: Buffer): Buffer {
  const text = signed.toString('utf8');
  const start = text.indexOf('ContentTransferEncoded>') + 'ContentTransferEncoded>'.length + 20_000;
  const c = text[start] === 'A' ? 'B' : 'A';
  return Buffer.from(text.slice(0, start) + c + text.slice(start + 1));
}

describe('XML-DSig of packets with large attachments', () => {
  let signer: { privateKey: KeyObject; certificatePem: string };
  let caPem = '';
  before(async () => {
    const keys = await newRsaKeyPair(2048);
    const root = await createRootCertificate({ keys, subject: [{ type: 'CN', value: 'Large Test CA' }] });
    caPem = root.pem;
    const holder = await newRsaKeyPair(2048);
    const cert = await issueCertificate({
      issuer: { pem: root.pem, keys },
      holderPublicKey: holder.publicKey,
      subject: [{ type: 'CN', value: 'Sở Nội vụ' }],
      notAfter: new Date(Date.now() + 30 * 86_400_000),
    });
    signer = { privateKey: holder.privateKey, certificatePem: cert.pem };
  });
  after(() => closeVerifyPool());

  it('verifies a packet with two large attachments, and refuses it when one attachment byte changed', async () => {
    const signed = signXml(
      packet({ attachments: [Buffer.alloc(50_000, 1), Buffer.alloc(30_000, 2)] }),
      signer,
    );
    assert.equal((await verifyEdxmlSignature(signed, { trustAnchorsPem: [caPem] })).result, 'valid');
    const tampered = await verifyEdxmlSignature(tamperAttachment(signed), { trustAnchorsPem: [caPem] });
    assert.equal(tampered.result, 'invalid');
    assert.match(tampered.reason ?? '', /digest mismatch/);
  });

  it('verifies large attachments received with CRLF line endings, exclusive and inclusive C14N', () => {
    for (const canonicalization of ['exclusive', 'inclusive'] as const) {
      // A transport that rewrote the line endings after signing: canonical forms read LF.
      const signed = signXml(packet(), { ...signer, canonicalization });
      const crlf = Buffer.from(signed.toString('utf8').replace(/\n/g, '\r\n'));
      assert.match(
        crlf.toString('latin1'),
        /[A-Za-z0-9+/]{76}\r\n[A-Za-z0-9+/]/,
        'attachment lines end in CRLF',
      );
      assert.equal(checkIntegrity(crlf).state, 'intact', canonicalization);
      assert.equal(checkIntegrity(tamperAttachment(crlf)).state, 'invalid', canonicalization);
    }
  });

  it('verifies a packet whose text contains what the verifier uses as a stand-in', async () => {
    const signed = signXml(packet({ subject: 'ltb64x0_ ltb64xx1_ và ltb64xxx2_' }), signer);
    assert.equal((await verifyEdxmlSignature(signed, { trustAnchorsPem: [caPem] })).result, 'valid');
  });

  it('verifies a large attachment in a packet whose Signature lost its xmldsig declaration', () => {
    const signed = signXml(packet(), signer).toString('utf8');
    const declaration = '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">';
    assert.ok(signed.includes(declaration));
    const bare = Buffer.from(signed.replace(declaration, '<Signature>'));
    const integrity = checkIntegrity(bare);
    assert.equal(integrity.state === 'intact' && integrity.placement, 'rehomed');
    assert.equal(checkIntegrity(tamperAttachment(bare)).state, 'invalid');
  });
});
