import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Why a packet could not be read as XML; the message never contains document content. */
export class XmlRefused extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'XmlRefused';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeChecked(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new XmlRefused('not UTF-8');
  }
  if (/<!DOCTYPE/i.test(text)) throw new XmlRefused('DOCTYPE refused');
  return text;
}

function parseText(text: string): Document {
  const errors: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level) => {
        if (level !== 'warning') errors.push(level);
      },
    }).parseFromString(text, 'text/xml');
  } catch {
    throw new XmlRefused('malformed XML');
  }
  if (errors.length > 0 || !doc.documentElement) throw new XmlRefused('malformed XML');
  return doc;
}

/**
 * Parses received bytes as XML. A DOCTYPE is refused before parsing (no DTD, so no entity can
 * be declared or expanded); bytes that are not UTF-8 or not well-formed are refused.
 */
export function parseXmlStrict(bytes: Uint8Array): Document {
  return parseText(decodeChecked(bytes));
}

/** A whole text node of base64 (what attachments are), long enough to be worth setting aside. */
const LONG_BASE64_TEXT = />([A-Za-z0-9+/=\t\n\r ]{4096,})</g;

/** A document parsed with its long base64 texts set aside, and how to put them back. */
export interface LeanDocument {
  doc: Document;
  /** Puts the set-aside texts back into a string taken from the tree (canonical form, text content). */
  restore(text: string): string;
  /** The same, piece by piece (to hash a canonical form without building it whole). */
  pieces(text: string): string[];
}

/**
 * Parses like `parseXmlStrict`, but every text node made only of base64 characters and longer
 * than 4 KiB (the attachments, nearly all of a packet's bytes) stands in the tree as a short
 * token. Such a text needs no escaping in any canonical form and the parser only normalises its
 * line endings, so a canonical form taken from the lean tree becomes the original tree's with
 * `restore` — at a fraction of the parsing and tree-walking cost.
 */
export function parseXmlStrictLean(bytes: Uint8Array): LeanDocument {
  const text = decodeChecked(bytes);
  let token = 'ltb64x';
  while (text.includes(token)) token += 'x';
  const runs: string[] = [];
  const lean = text.replace(LONG_BASE64_TEXT, (_match, run: string) => {
    runs.push(run.includes('\r') ? run.replace(/\r\n?/g, '\n') : run);
    return `>${token}${runs.length - 1}_<`;
  });
  const doc = parseText(lean);
  const split = new RegExp(`${token}(\\d+)_`);
  const pieces = (s: string): string[] => {
    if (runs.length === 0) return [s];
    // split with a capture group alternates text and run numbers
    return s.split(split).map((part, i) => (i % 2 === 1 ? (runs[Number(part)] ?? '') : part));
  };
  return { doc, restore: (s) => (runs.length === 0 ? s : pieces(s).join('')), pieces };
}

/** Element children of `parent` with a local name, whatever their namespace. */
export function childrenByLocalName(parent: Node, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === n.ELEMENT_NODE && (n as Element).localName === localName) out.push(n as Element);
  }
  return out;
}

/** Every element with a local name in document order, whatever its namespace (some packets omit xmldsig's). */
export function elementsByLocalName(doc: Document, localName: string): Element[] {
  return Array.from(doc.getElementsByTagNameNS('*', localName));
}

/**
 * Moves a Signature found outside the xmldsig namespace into it: every element of the
 * subtree that sits in the inherited default namespace is recreated in xmldsig, and the
 * Signature element declares `xmlns` explicitly — exactly the tree the producer signed before
 * its serialiser dropped the declaration. Returns the new Signature element.
 */
export function rehomeSignature(signature: Element): Element {
  const doc = signature.ownerDocument;
  if (!doc) throw new XmlRefused('detached Signature');
  const fromNs = signature.namespaceURI;
  const copy = (el: Element): Element => {
    const moved = !el.prefix && el.namespaceURI === fromNs;
    const next = moved
      ? doc.createElementNS(DSIG_NS, el.localName ?? el.tagName)
      : doc.createElementNS(el.namespaceURI, el.tagName);
    for (const attr of Array.from(el.attributes)) {
      if (attr.name === 'xmlns') continue;
      if (attr.namespaceURI) next.setAttributeNS(attr.namespaceURI, attr.name, attr.value);
      else next.setAttribute(attr.name, attr.value);
    }
    for (let n = el.firstChild; n; n = n.nextSibling) {
      next.appendChild(n.nodeType === n.ELEMENT_NODE ? copy(n as Element) : n.cloneNode(true));
    }
    return next;
  };
  const replacement = copy(signature);
  replacement.setAttributeNS(XMLNS_NS, 'xmlns', DSIG_NS);
  signature.parentNode?.replaceChild(replacement, signature);
  return replacement;
}

/**
 * The namespace declarations in scope at `el` from its ancestors (nearest wins), minus the
 * ones `el` declares itself or its own prefix: what inclusive C14N adds at the apex of a subset.
 */
export function ancestorNamespaces(el: Element): { prefix: string; namespaceURI: string }[] {
  const seen = new Set<string>();
  for (const attr of Array.from(el.attributes)) {
    if (attr.name === 'xmlns') seen.add('');
    else if (attr.name.startsWith('xmlns:')) seen.add(attr.name.slice(6));
  }
  seen.add(el.prefix ?? '');
  const out: { prefix: string; namespaceURI: string }[] = [];
  const declared = new Set<string>();
  for (let p = el.parentNode; p && p.nodeType === p.ELEMENT_NODE; p = p.parentNode) {
    for (const attr of Array.from((p as Element).attributes)) {
      const prefix = attr.name === 'xmlns' ? '' : attr.name.startsWith('xmlns:') ? attr.name.slice(6) : null;
      if (prefix === null || declared.has(prefix)) continue;
      declared.add(prefix);
      if (!seen.has(prefix) && attr.value !== '') out.push({ prefix, namespaceURI: attr.value });
    }
  }
  return out;
}
