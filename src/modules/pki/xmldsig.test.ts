import assert from 'node:assert/strict';
import { createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { createCrl, createRootCertificate, issueCertificate, newRsaKeyPair, type KeyPair } from './ca.ts';
import { closeVerifyPool, verifyEdxmlSignature } from './index.ts';
import { childrenByLocalName, elementsByLocalName, parseXmlStrict } from './xml.ts';
import { checkIntegrity, signXml } from './xmldsig.ts';

const fixtures = new URL('../../../test/fixtures/edxml/signed/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtures));
const testCa = fixture('test-ca.pem').toString('utf8');
const otherCa = fixture('other-ca.pem').toString('utf8');
const unsigned = fixture('unsigned.edxml');

describe('XML-DSig of edXML packets', () => {
  let ca: { pem: string; keys: KeyPair };
  let signer: { privateKey: KeyPair['privateKey']; certificatePem: string; serialNumber: string };
  before(async () => {
    const keys = await newRsaKeyPair(2048);
    const root = await createRootCertificate({ keys, subject: [{ type: 'CN', value: 'Unit Test CA' }] });
    ca = { pem: root.pem, keys };
    const holder = await newRsaKeyPair(2048);
    const cert = await issueCertificate({
      issuer: ca,
      holderPublicKey: holder.publicKey,
      subject: [
        { type: 'CN', value: 'Sở Nội vụ tỉnh Minh Sơn' },
        { type: 'UID', value: '000.00.09.H99' },
      ],
      notAfter: new Date(Date.now() + 30 * 86_400_000),
    });
    signer = { privateKey: holder.privateKey, certificatePem: cert.pem, serialNumber: cert.serialNumber };
  });
  after(() => closeVerifyPool());

  it('verifies the fixture signed RSA-SHA256 with exclusive C14N as valid when its CA is trusted', async () => {
    const r = await verifyEdxmlSignature(fixture('a-sha256-exc.edxml'), { trustAnchorsPem: [testCa] });
    assert.deepEqual(r, {
      result: 'valid',
      algorithm: 'RSA-SHA256',
      signerSubject: 'CN=Sở Nội vụ tỉnh Minh Sơn, O=UBND tỉnh Minh Sơn, UID=000.00.09.H99, C=VN',
    });
  });

  it('verifies legacy RSA-SHA1 with inclusive C14N', async () => {
    const r = await verifyEdxmlSignature(fixture('b-sha1-inc.edxml'), { trustAnchorsPem: [testCa] });
    assert.equal(r.result, 'valid');
    assert.equal(r.algorithm, 'RSA-SHA1');
  });

  it('finds and verifies a Signature written without the xmldsig namespace declaration', async () => {
    const bytes = fixture('c-no-namespace.edxml');
    const signature = elementsByLocalName(parseXmlStrict(bytes), 'Signature')[0];
    assert.equal(signature?.namespaceURI, 'http://www.mic.gov.vn/TBT/QCVN_102_2016');
    assert.equal((await verifyEdxmlSignature(bytes, { trustAnchorsPem: [testCa] })).result, 'valid');
    const integrity = checkIntegrity(bytes);
    assert.equal(integrity.state === 'intact' && integrity.placement, 'rehomed');
  });

  it('verifies a namespace-less Signature whose producer signed SignedInfo as it stands', () => {
    // Sign (a) again, then drop the declaration and re-sign the SignedInfo as found in the QCVN namespace.
    const text = signXml(unsigned, { ...signer, canonicalization: 'exclusive' })
      .toString('utf8')
      .replace('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">', '<Signature>');
    const doc = parseXmlStrict(Buffer.from(text));
    const signedInfo = childrenByLocalName(elementsByLocalName(doc, 'Signature')[0]!, 'SignedInfo')[0]!;
    const canonical = new ExclusiveCanonicalization().process(signedInfo, {});
    assert.match(canonical, /^<SignedInfo xmlns="http:\/\/www.mic.gov.vn\/TBT\/QCVN_102_2016">/);
    const value = sign('sha256', Buffer.from(canonical), signer.privateKey).toString('base64');
    const resigned = text.replace(
      /<SignatureValue>[^<]+<\/SignatureValue>/,
      `<SignatureValue>${value}</SignatureValue>`,
    );
    const integrity = checkIntegrity(Buffer.from(resigned));
    assert.equal(integrity.state, 'intact');
    assert.equal(integrity.state === 'intact' && integrity.placement, 'as-found');
  });

  it('answers invalid when one character of Subject changed after signing', async () => {
    const r = await verifyEdxmlSignature(fixture('d-tampered.edxml'), { trustAnchorsPem: [testCa] });
    assert.equal(r.result, 'invalid');
    assert.match(r.reason ?? '', /digest mismatch/);
    assert.equal(r.algorithm, 'RSA-SHA256');
  });

  it('answers untrusted for an unknown CA, and valid once it is given as an extra anchor', async () => {
    const bytes = fixture('e-unknown-ca.edxml');
    const untrusted = await verifyEdxmlSignature(bytes, { trustAnchorsPem: [testCa] });
    assert.equal(untrusted.result, 'untrusted');
    assert.match(untrusted.reason ?? '', /no chain/);
    const r = await verifyEdxmlSignature(bytes, {
      trustAnchorsPem: [testCa],
      extraTrustAnchorsPem: [otherCa],
    });
    assert.equal(r.result, 'valid');
  });

  it('answers none for a packet without a Signature', async () => {
    assert.deepEqual(await verifyEdxmlSignature(unsigned), {
      result: 'none',
      algorithm: null,
      signerSubject: null,
    });
  });

  it('refuses a DOCTYPE (no entity is ever expanded) and malformed XML', async () => {
    const xxe = Buffer.from(
      '<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>',
    );
    const r = await verifyEdxmlSignature(xxe);
    assert.equal(r.result, 'invalid');
    assert.equal(r.reason, 'DOCTYPE refused');
    assert.equal((await verifyEdxmlSignature(Buffer.from('<edXML><a></edXML>'))).result, 'invalid');
  });

  it('answers untrusted with a reason when the certificate has expired at the time of checking', async () => {
    const signed = signXml(unsigned, signer);
    const later = new Date(Date.now() + 60 * 86_400_000);
    const r = await verifyEdxmlSignature(signed, { trustAnchorsPem: [ca.pem], at: later });
    assert.equal(r.result, 'untrusted');
    assert.equal(r.reason, 'certificate expired');
    assert.equal((await verifyEdxmlSignature(signed, { trustAnchorsPem: [ca.pem] })).result, 'valid');
  });

  it('answers untrusted with reason revoked when the CA’s CRL lists the certificate', async () => {
    const signed = signXml(unsigned, { ...signer, algorithm: 'rsa-sha1', canonicalization: 'inclusive' });
    const crl = await createCrl({
      issuer: ca,
      entries: [
        {
          serialNumber: signer.serialNumber,
          revokedAt: new Date(Date.now() - 1000),
          reason: 'keyCompromise',
        },
      ],
    });
    const r = await verifyEdxmlSignature(signed, { trustAnchorsPem: [ca.pem], crls: [crl.pem] });
    assert.equal(r.result, 'untrusted');
    assert.equal(r.reason, 'certificate revoked (keyCompromise)');
    // A CRL signed by someone else is ignored.
    const forged = await createCrl({
      issuer: { pem: ca.pem, keys: await newRsaKeyPair(2048) },
      entries: [{ serialNumber: signer.serialNumber, revokedAt: new Date(), reason: 'keyCompromise' }],
    });
    assert.equal(
      (
        await verifyEdxmlSignature(signed, {
          trustAnchorsPem: [ca.pem],
          crls: [forged.der.toString('base64')],
        })
      ).result,
      'valid',
    );
  });

  it('places the signature in edXMLHeader right after TraceHeaderList, with Reference URI="" and the certificate', () => {
    const doc = parseXmlStrict(signXml(unsigned, signer));
    const header = elementsByLocalName(doc, 'edXMLHeader')[0]!;
    const names = Array.from(header.childNodes)
      .filter((n) => n.nodeType === n.ELEMENT_NODE)
      .map((n) => n.localName);
    assert.deepEqual(names, ['MessageHeader', 'TraceHeaderList', 'Signature']);
    const signature = elementsByLocalName(doc, 'Signature')[0]!;
    assert.equal(elementsByLocalName(doc, 'Reference').filter((r) => r.getAttribute('URI') === '').length, 1);
    const certB64 = elementsByLocalName(doc, 'X509Certificate')[0]?.textContent ?? '';
    assert.ok(createPublicKey(`-----BEGIN CERTIFICATE-----\n${certB64}\n-----END CERTIFICATE-----`));
    assert.equal(signature.namespaceURI, 'http://www.w3.org/2000/09/xmldsig#');
  });

  it('verifies a signed packet whose line endings are CRLF as received (no re-serialisation)', async () => {
    const crlf = Buffer.from(unsigned.toString('utf8').replace(/\n/g, '\r\n'));
    const signed = signXml(crlf, signer);
    assert.equal((await verifyEdxmlSignature(signed, { trustAnchorsPem: [ca.pem] })).result, 'valid');
  });
});
