/**
 * The baseline of bench/exchange-signed.bench.ts: xml-crypto's own verification of an enveloped
 * XML-DSig signature (digest over the document, RSA over SignedInfo, certificate from KeyInfo),
 * one packet per task, with nothing else around it — the rate the platform is measured against.
 */
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

export default function verify(bytes: Uint8Array): boolean {
  const xml = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const signature = doc.getElementsByTagNameNS(DSIG, 'Signature')[0];
  const certificate = doc.getElementsByTagNameNS(DSIG, 'X509Certificate')[0]?.textContent ?? '';
  if (!signature) return false;
  const pem = `-----BEGIN CERTIFICATE-----\n${certificate.replace(/\s+/g, '')}\n-----END CERTIFICATE-----\n`;
  const sig = new SignedXml({ publicCert: pem });
  sig.loadSignature(signature);
  return sig.checkSignature(xml);
}
