import { edxmlError } from './errors.ts';
import { canonicalName, walkKnown } from './schema.ts';
import {
  EDXML_NS,
  XLINK_NS,
  type EdxmlPacket,
  type Organization,
  type ResponseFor,
  type StaffInfo,
  type UnknownElement,
  type XmlNode,
} from './types.ts';
import { canonicalDocumentId, formatEdxmlDate, formatEdxmlTimestamp } from './values.ts';

type Child = XmlNode | null;

function el(name: string, children: Child[] = [], prefix: string | null = 'edXML'): XmlNode {
  return {
    ns: EDXML_NS,
    name,
    prefix,
    attributes: [],
    children: children.filter((c): c is XmlNode => c !== null),
    text: '',
  };
}

function leaf(
  name: string,
  value: string | number | boolean | null | undefined,
  prefix: string | null = 'edXML',
) {
  if (value === null || value === undefined || value === '') return null;
  return { ...el(name, [], prefix), text: String(value) };
}

function organization(name: 'From' | 'To', org: Organization | null): Child {
  if (!org) return null;
  return el(name, [
    leaf('OrganId', org.organId),
    leaf('OrganizationInCharge', org.organizationInCharge),
    leaf('OrganName', org.organName),
    leaf('OrganAdd', org.organAdd),
    leaf('Email', org.email),
    leaf('Telephone', org.telephone),
    leaf('Fax', org.fax),
    leaf('Website', org.website),
  ]);
}

function staff(info: StaffInfo | null): Child {
  if (!info) return null;
  return el('StaffInfo', [
    leaf('Department', info.department),
    leaf('Staff', info.staff),
    leaf('Mobile', info.mobile),
    leaf('Email', info.email),
  ]);
}

function responseFor(r: ResponseFor): XmlNode {
  return el('ResponseFor', [
    leaf('OrganId', r.organId),
    leaf('Code', r.code),
    leaf('PromulgationDate', r.promulgationDate && formatEdxmlDate(r.promulgationDate)),
    leaf('DocumentId', r.documentId),
  ]);
}

function messageHeader(packet: EdxmlPacket): Child {
  const h = packet.header;
  if (!h) return null;
  const o = h.otherInfo;
  const documentId =
    canonicalDocumentId(h.from?.organId ?? null, h.promulgationInfo.date, h.code.number, h.code.notation) ??
    h.documentId;
  return el('MessageHeader', [
    organization('From', h.from),
    ...h.to.map((t) => organization('To', t)),
    leaf('DocumentId', documentId),
    el('Code', [leaf('CodeNumber', h.code.number), leaf('CodeNotation', h.code.notation)]),
    el('PromulgationInfo', [
      leaf('Place', h.promulgationInfo.place),
      leaf('PromulgationDate', h.promulgationInfo.date && formatEdxmlDate(h.promulgationInfo.date)),
    ]),
    el('DocumentType', [
      leaf('Type', h.documentType.type),
      leaf('TypeDetail', h.documentType.typeDetail),
      leaf('TypeName', h.documentType.typeName),
    ]),
    leaf('Subject', h.subject),
    leaf('Content', h.content),
    h.signerInfo
      ? el('SignerInfo', [
          leaf('Competence', h.signerInfo.competence),
          leaf('Position', h.signerInfo.position),
          leaf('FullName', h.signerInfo.fullName),
        ])
      : null,
    leaf('DueDate', h.dueDate && formatEdxmlDate(h.dueDate)),
    o
      ? el('OtherInfo', [
          leaf('Priority', o.priority),
          leaf('SphereOfPromulgation', o.sphere),
          leaf('TyperNotation', o.typerNotation),
          leaf('PromulgationAmount', o.promulgationAmount),
          leaf('PageAmount', o.pageAmount),
          leaf('Direction', o.direction),
          o.appendixes.length > 0
            ? el(
                'Appendixes',
                o.appendixes.map((a) => leaf('Appendix', a)),
              )
            : null,
        ])
      : null,
    // The SDK always writes ResponseFor, empty when the document answers nothing.
    ...(h.responseFor.length > 0 ? h.responseFor.map(responseFor) : [el('ResponseFor')]),
    leaf('SteeringType', h.steeringType),
    h.toPlaces.length > 0
      ? el(
          'ToPlaces',
          h.toPlaces.map((p) => leaf('Place', p)),
        )
      : null,
  ]);
}

function traceHeaderList(packet: EdxmlPacket): Child {
  const b = packet.business;
  if (packet.traces.length === 0 && !b) return null;
  return el('TraceHeaderList', [
    ...packet.traces.map((t) =>
      el('TraceHeader', [
        leaf('OrganId', t.organId),
        leaf('Timestamp', t.timestamp && formatEdxmlTimestamp(t.timestamp)),
      ]),
    ),
    b
      ? el('Bussiness', [
          leaf('DocumentId', b.documentId),
          leaf('BussinessDocType', b.docType),
          leaf('BussinessDocReason', b.reason),
          leaf('Paper', b.paper),
          staff(b.staffInfo),
          b.documentInfo
            ? el('BussinessDocumentInfo', [
                leaf('DocumentInfo', b.documentInfo.documentInfo),
                leaf('DocumentReceiver', b.documentInfo.documentReceiver),
                el(
                  'ReceiverList',
                  b.documentInfo.receivers.map((r) =>
                    el('Receiver', [leaf('ReceiverType', r.receiverType), leaf('OrganId', r.organId)]),
                  ),
                ),
              ])
            : null,
          b.replacements.length > 0
            ? el(
                'ReplacementInfoList',
                b.replacements.map((r) =>
                  el('ReplacementInfo', [
                    leaf('DocumentId', r.documentId),
                    el(
                      'OrganIdList',
                      r.organIds.map((id) => leaf('OrganId', id)),
                    ),
                  ]),
                ),
              )
            : null,
        ])
      : null,
  ]);
}

function statusElement(packet: EdxmlPacket): Child {
  const s = packet.status;
  if (packet.kind !== 'status' || !s) return null;
  return el('Status', [
    s.responseFor ? responseFor(s.responseFor) : null,
    organization('From', s.from),
    leaf('StatusCode', s.statusCode),
    leaf('Description', s.description),
    leaf('Timestamp', s.timestamp && formatEdxmlTimestamp(s.timestamp)),
    staff(s.staffInfo),
  ]);
}

/** Base64 in lines of 76 characters, as the SDK and the examples write it. */
function base64Lines(content: Buffer): string {
  const b64 = content.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\n');
}

function attachments(packet: EdxmlPacket): Child {
  if (packet.attachments.length === 0) return null;
  return el(
    'AttachmentEncoded',
    packet.attachments.map((a, i) => {
      if (!a.content)
        throw edxmlError('EDXML_MISSING_FIELD', `AttachmentEncoded.Attachment[${i}].ContentTransferEncoded`);
      return el(
        'Attachment',
        [
          leaf('ContentId', a.contentId, null),
          leaf('AttachmentName', a.name, null),
          leaf('Description', a.description, null),
          leaf('ContentType', a.declaredContentType, null),
          { ...el('ContentTransferEncoded'), text: base64Lines(a.content) },
        ],
        null,
      );
    }),
    null,
  );
}

function tree(packet: EdxmlPacket): XmlNode {
  const manifest = el(
    'edXMLManifest',
    packet.references.map((r) =>
      el('Reference', [
        leaf('ContentId', r.contentId),
        leaf('ContentType', r.contentType),
        leaf('Description', r.description),
        leaf('AttachmentName', r.attachmentName),
      ]),
    ),
  );
  manifest.attributes.push({ ns: null, name: 'version', prefix: null, value: '1.0' });
  const withBody = packet.kind === 'edoc' || packet.references.length > 0;
  return el(
    'edXML',
    [
      el('edXMLEnvelope', [
        el('edXMLHeader', [messageHeader(packet), statusElement(packet), traceHeaderList(packet)]),
        withBody ? el('edXMLBody', [manifest]) : null,
      ]),
      attachments(packet),
    ],
    null,
  );
}

/** Puts unknown elements back after the known sibling they followed, and unknown attributes back. */
function restoreUnknown(root: XmlNode, unknown: EdxmlPacket['unknown']): void {
  const byPath = new Map<string, XmlNode>();
  walkKnown(root, (node, path) => byPath.set(path, node));
  const nearest = (path: string): XmlNode => {
    for (let p = path; p.length > 0; p = p.slice(0, Math.max(0, p.lastIndexOf('.')))) {
      const node = byPath.get(p);
      if (node) return node;
    }
    return root;
  };
  const byParent = new Map<XmlNode, UnknownElement[]>();
  for (const u of unknown.elements) {
    const parent = nearest(u.parent);
    byParent.set(parent, [...(byParent.get(parent) ?? []), u]);
  }
  for (const [parent, items] of byParent) {
    const take = (after: string | null) => items.filter((u) => u.after === after).map((u) => u.node);
    const placed = new Set<string | null>([null]);
    const children: XmlNode[] = [...take(null)];
    parent.children.forEach((child, i) => {
      children.push(child);
      const name = canonicalName(child.name);
      if (parent.children[i + 1]?.name !== child.name) {
        children.push(...take(name));
        placed.add(name);
      }
    });
    children.push(...items.filter((u) => !placed.has(u.after)).map((u) => u.node));
    parent.children = children;
  }
  for (const { element, attribute } of unknown.attributes) {
    const node = nearest(element);
    if (!node.attributes.some((a) => a.name === attribute.name && a.ns === attribute.ns))
      node.attributes.push(attribute);
  }
}

const escapeText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const escapeAttr = (s: string) => escapeText(s).replaceAll('"', '&quot;').replaceAll('\n', '&#10;');

function serialize(node: XmlNode, scope: ReadonlyMap<string, string>, indent: string, out: string[]): void {
  const local = new Map(scope);
  const declarations: string[] = [];
  const bind = (prefix: string, uri: string) => {
    if (local.get(prefix) === uri) return;
    local.set(prefix, uri);
    declarations.push(
      prefix === '' ? ` xmlns="${escapeAttr(uri)}"` : ` xmlns:${prefix}="${escapeAttr(uri)}"`,
    );
  };
  let prefix = node.prefix ?? '';
  if (node.ns === null) prefix = '';
  else if (prefix === '' && local.get('') !== node.ns && local.get('edXML') === node.ns) prefix = 'edXML';
  bind(prefix, node.ns ?? '');
  const qname = prefix ? `${prefix}:${node.name}` : node.name;
  const attributes = node.attributes.map((a) => {
    if (a.ns === null) return ` ${a.name}="${escapeAttr(a.value)}"`;
    if (a.ns === 'http://www.w3.org/XML/1998/namespace') return ` xml:${a.name}="${escapeAttr(a.value)}"`;
    const p = a.prefix || (a.ns === XLINK_NS ? 'xlink' : 'ns1');
    bind(p, a.ns);
    return ` ${p}:${a.name}="${escapeAttr(a.value)}"`;
  });
  const open = `${indent}<${qname}${declarations.join('')}${attributes.join('')}`;
  if (node.children.length === 0) {
    out.push(node.text === '' ? `${open}/>` : `${open}>${escapeText(node.text)}</${qname}>`);
    return;
  }
  out.push(`${open}>`);
  for (const child of node.children) serialize(child, local, `${indent}  `, out);
  out.push(`${indent}</${qname}>`);
}

/**
 * Writes a packet in the canonical form: QCVN 102:2016 namespace, SDK element order, `Bussiness…`,
 * dates `yyyy/MM/dd`, timestamps `yyyy/MM/dd HH:mm:ss` (UTC+7), canonical DocumentId, unknown
 * elements and attributes put back where they were. Attachments need their `content`.
 */
export function writeEdxml(packet: EdxmlPacket): string {
  const root = tree(packet);
  restoreUnknown(root, packet.unknown);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  serialize(root, new Map([['', '']]), '', out);
  return `${out.join('\n')}\n`;
}
