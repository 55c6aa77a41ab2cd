/**
 * XML-DSig of edXML packets: enveloped signature over the whole document (`Reference URI=""`),
 * inclusive or exclusive C14N, RSA-SHA256 (default) or legacy RSA-SHA1, certificate in
 * `KeyInfo/X509Data/X509Certificate`, Signature inside `edXMLHeader` after `TraceHeaderList`.
 *
 * Verification reads the received bytes once and canonicalises the parsed tree; it never
 * re-serialises the document. A Signature without the xmldsig namespace (P2019) is found by
 * local name and checked both as re-homed into xmldsig and as found (see README).
 */
import {
  type KeyObject,
  createHash,
  createPublicKey,
  timingSafeEqual,
  verify as verifySignature,
  X509Certificate,
} from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import {
  C14nCanonicalization,
  C14nCanonicalizationWithComments,
  ExclusiveCanonicalization,
  ExclusiveCanonicalizationWithComments,
  SignedXml,
} from 'xml-crypto';
import {
  DSIG_NS,
  ancestorNamespaces,
  childrenByLocalName,
  elementsByLocalName,
  parseXmlStrict,
  parseXmlStrictLean,
  rehomeSignature,
  XmlRefused,
  type LeanDocument,
} from './xml.ts';

export const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const EXC_C14N_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

const signatureMethods: Record<string, { hash: string; name: string }> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { hash: 'sha1', name: 'RSA-SHA1' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { hash: 'sha256', name: 'RSA-SHA256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { hash: 'sha384', name: 'RSA-SHA384' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'sha512', name: 'RSA-SHA512' },
};
const digestMethods: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

export type SignatureAlgorithm = 'rsa-sha256' | 'rsa-sha1';
export type Canonicalization = 'exclusive' | 'inclusive';

/** What the bytes alone say about their signature, before any trust decision. */
export type IntegrityResult =
  | { state: 'none' }
  | { state: 'invalid'; algorithm: string | null; signerPem: string | null; reason: string }
  | {
      state: 'intact';
      algorithm: string;
      /** The signer certificate first, then any other certificates carried in KeyInfo. */
      certificatesPem: string[];
      /** How the SignedInfo matched: as it sits in xmldsig, or re-homed from a namespace-less Signature. */
      placement: 'xmldsig' | 'rehomed' | 'as-found';
    };

class Malformed extends Error {}

function one(parent: Element, localName: string): Element {
  const found = childrenByLocalName(parent, localName);
  if (found.length !== 1) throw new Malformed(`expected one ${localName}`);
  return found[0] as Element;
}

function algorithmOf(el: Element): string {
  const value = el.getAttribute('Algorithm');
  if (!value) throw new Malformed(`${el.localName} without Algorithm`);
  return value;
}

function canonicalize(
  node: Element,
  algorithm: string,
  ancestors: { prefix: string; namespaceURI: string }[],
  prefixList: string[],
): string {
  if (algorithm === C14N || algorithm === C14N_COMMENTS) {
    const c = algorithm === C14N ? new C14nCanonicalization() : new C14nCanonicalizationWithComments();
    return c.process(node, { ancestorNamespaces: ancestors });
  }
  if (algorithm === EXC_C14N || algorithm === EXC_C14N_COMMENTS) {
    const c =
      algorithm === EXC_C14N ? new ExclusiveCanonicalization() : new ExclusiveCanonicalizationWithComments();
    return c.process(node, { inclusiveNamespacesPrefixList: prefixList, ancestorNamespaces: ancestors });
  }
  throw new Malformed(`unsupported canonicalization ${algorithm}`);
}

function prefixListOf(transform: Element): string[] {
  const inclusive = childrenByLocalName(transform, 'InclusiveNamespaces')[0];
  return (inclusive?.getAttribute('PrefixList') ?? '').split(/\s+/).filter(Boolean);
}

function toPem(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** The digest of the document with the Signature removed, per the Reference's transforms. */
function referenceDigest(lean: LeanDocument, signature: Element, reference: Element): { ok: boolean } {
  if (reference.getAttribute('URI') !== '') throw new Malformed('only Reference URI="" is supported');
  const transforms = childrenByLocalName(reference, 'Transforms')[0];
  const list = transforms ? childrenByLocalName(transforms, 'Transform') : [];
  let c14n = C14N;
  let prefixList: string[] = [];
  let enveloped = false;
  for (const t of list) {
    const alg = algorithmOf(t);
    if (alg === ENVELOPED) enveloped = true;
    else if ([C14N, C14N_COMMENTS, EXC_C14N, EXC_C14N_COMMENTS].includes(alg)) {
      // A same-document reference drops comments before any transform, so #WithComments adds none.
      c14n = alg === C14N_COMMENTS ? C14N : alg === EXC_C14N_COMMENTS ? EXC_C14N : alg;
      prefixList = prefixListOf(t);
    } else throw new Malformed(`unsupported transform ${alg}`);
  }
  if (!enveloped) throw new Malformed('Reference URI="" without the enveloped-signature transform');
  const digestAlg = digestMethods[algorithmOf(one(reference, 'DigestMethod'))];
  if (!digestAlg) throw new Malformed('unsupported digest method');
  const expected = Buffer.from(
    lean.restore(one(reference, 'DigestValue').textContent ?? '').replace(/\s+/g, ''),
    'base64',
  );
  const root = signature.ownerDocument?.documentElement;
  if (!root) throw new Malformed('no root element');
  // Enveloped transform on the parsed tree: take the Signature out, canonicalise, put it back.
  const parent = signature.parentNode;
  const next = signature.nextSibling;
  if (!parent) throw new Malformed('detached Signature');
  parent.removeChild(signature);
  let canonical: string;
  try {
    // The canonicalisers used here never render comments: a same-document reference excludes them.
    canonical = canonicalize(root, c14n, [], prefixList);
  } finally {
    parent.insertBefore(signature, next);
  }
  // The set-aside attachment texts go into the digest where their tokens stand.
  const digest = createHash(digestAlg);
  for (const piece of lean.pieces(canonical)) digest.update(piece, 'utf8');
  const actual = digest.digest();
  return { ok: actual.length === expected.length && timingSafeEqual(actual, expected) };
}

function signedInfoMatches(
  lean: LeanDocument,
  signature: Element,
  signatureValue: Buffer,
  certPem: string,
): { ok: boolean; algorithm: string } {
  const signedInfo = one(signature, 'SignedInfo');
  const c14nMethod = one(signedInfo, 'CanonicalizationMethod');
  const method = signatureMethods[algorithmOf(one(signedInfo, 'SignatureMethod'))];
  if (!method) throw new Malformed('unsupported signature method');
  const c14n = algorithmOf(c14nMethod);
  const canonical = lean.restore(
    canonicalize(signedInfo, c14n, ancestorNamespaces(signedInfo), prefixListOf(c14nMethod)),
  );
  const key = createPublicKey(certPem);
  return {
    ok: verifySignature(method.hash, Buffer.from(canonical, 'utf8'), key, signatureValue),
    algorithm: method.name,
  };
}

/**
 * Checks that the bytes are intact: the Reference digest and the SignatureValue over SignedInfo
 * with the certificate carried in KeyInfo. Says nothing about whether that certificate is trusted.
 */
export function checkIntegrity(bytes: Uint8Array): IntegrityResult {
  let signerPem: string | null = null;
  let algorithm: string | null = null;
  try {
    // The attachments' base64 is set aside while parsing (parseXmlStrictLean): the tree is small.
    const lean = parseXmlStrictLean(bytes);
    const signatures = elementsByLocalName(lean.doc, 'Signature').filter(
      (s) => childrenByLocalName(s, 'SignedInfo').length > 0,
    );
    if (signatures.length === 0) return { state: 'none' };
    if (signatures.length > 1) throw new Malformed('more than one Signature');
    let signature = signatures[0] as Element;
    const signedInfo = one(signature, 'SignedInfo');
    algorithm = signatureMethods[algorithmOf(one(signedInfo, 'SignatureMethod'))]?.name ?? null;
    const keyInfo = one(signature, 'KeyInfo');
    const certificatesPem = childrenByLocalName(keyInfo, 'X509Data')
      .flatMap((d) => childrenByLocalName(d, 'X509Certificate'))
      .map((c) => toPem(lean.restore(c.textContent ?? '')));
    if (certificatesPem.length === 0) throw new Malformed('no X509Certificate in KeyInfo');
    const signer = pickSigner(certificatesPem);
    signerPem = signer;
    const ordered = [signer, ...certificatesPem.filter((p) => p !== signer)];
    const signatureValue = Buffer.from(
      lean.restore(one(signature, 'SignatureValue').textContent ?? '').replace(/\s+/g, ''),
      'base64',
    );
    const reference = one(signedInfo, 'Reference');
    if (!referenceDigest(lean, signature, reference).ok) {
      return {
        state: 'invalid',
        algorithm,
        signerPem,
        reason: 'digest mismatch: the document changed after signing',
      };
    }
    if (signature.namespaceURI === DSIG_NS) {
      const r = signedInfoMatches(lean, signature, signatureValue, signer);
      if (r.ok)
        return { state: 'intact', algorithm: r.algorithm, certificatesPem: ordered, placement: 'xmldsig' };
    } else {
      // As found first would be wrong for producers that dropped the declaration after signing,
      // so re-home first (the usual case), then try the tree as found.
      const asFound = signature;
      signature = rehomeSignature(asFound);
      const r = signedInfoMatches(lean, signature, signatureValue, signer);
      if (r.ok)
        return { state: 'intact', algorithm: r.algorithm, certificatesPem: ordered, placement: 'rehomed' };
      signature.parentNode?.replaceChild(asFound, signature);
      const again = signedInfoMatches(lean, asFound, signatureValue, signer);
      if (again.ok)
        return {
          state: 'intact',
          algorithm: again.algorithm,
          certificatesPem: ordered,
          placement: 'as-found',
        };
    }
    return { state: 'invalid', algorithm, signerPem, reason: 'signature value does not match SignedInfo' };
  } catch (error) {
    if (error instanceof XmlRefused) return { state: 'invalid', algorithm, signerPem, reason: error.message };
    if (error instanceof Malformed)
      return { state: 'invalid', algorithm, signerPem, reason: `malformed signature: ${error.message}` };
    return { state: 'invalid', algorithm, signerPem, reason: 'malformed signature' };
  }
}

/** The signer is the certificate no other carried certificate was issued by (the leaf). */
function pickSigner(pems: string[]): string {
  const certs = pems.map((p) => {
    try {
      return new X509Certificate(p);
    } catch {
      throw new Malformed('unreadable X509Certificate');
    }
  });
  const leaf = certs.findIndex((c) => !certs.some((o) => o !== c && o.checkIssued(c)));
  return pems[leaf === -1 ? 0 : leaf] as string;
}

export interface SignOptions {
  /** The signer's private key; it stays in this module. */
  privateKey: KeyObject | string;
  certificatePem: string;
  algorithm?: SignatureAlgorithm;
  canonicalization?: Canonicalization;
}

/**
 * Signs an edXML packet: enveloped signature over the whole document, placed in `edXMLHeader`
 * after `TraceHeaderList` (or last in the header, or last in the root for other documents).
 */
export function signXml(xmlBytes: Uint8Array, o: SignOptions): Buffer {
  const doc = parseXmlStrict(xmlBytes);
  if (elementsByLocalName(doc, 'Signature').length > 0) throw new XmlRefused('already signed');
  const xml = Buffer.from(xmlBytes).toString('utf8');
  const c14n = o.canonicalization === 'inclusive' ? C14N : EXC_C14N;
  const sha1 = o.algorithm === 'rsa-sha1';
  const sig = new SignedXml({
    privateKey: o.privateKey,
    publicCert: o.certificatePem,
    signatureAlgorithm: sha1
      ? 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'
      : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: c14n,
  });
  sig.addReference({
    xpath: '/*',
    uri: '',
    isEmptyUri: true,
    transforms: [ENVELOPED, c14n],
    digestAlgorithm: sha1
      ? 'http://www.w3.org/2000/09/xmldsig#sha1'
      : 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  const trace = elementsByLocalName(doc, 'TraceHeaderList')[0];
  const header = elementsByLocalName(doc, 'edXMLHeader')[0];
  const location = trace
    ? { reference: "//*[local-name(.)='TraceHeaderList']", action: 'after' as const }
    : header
      ? { reference: "//*[local-name(.)='edXMLHeader']", action: 'append' as const }
      : { reference: '/*', action: 'append' as const };
  sig.computeSignature(xml, { location });
  const signed = sig.getSignedXml();
  // xmldom drops the XML declaration; keep the producer's.
  const declaration = /^\s*<\?xml[^?]*\?>\s*/.exec(xml)?.[0] ?? '';
  return Buffer.from(signed.startsWith('<?xml') ? signed : declaration + signed, 'utf8');
}
