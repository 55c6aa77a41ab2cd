import { EDXML_NS, XLINK_NS, type XmlAttribute, type XmlNode } from './types.ts';

/**
 * The known children of every edXML container, in the order the SDK writes them (§7). The reader
 * uses it to tell known from unknown elements, the writer to order them, and both to name paths.
 */
export const CHILD_ORDER: Readonly<Record<string, readonly string[]>> = {
  edXML: ['edXMLEnvelope', 'AttachmentEncoded'],
  edXMLEnvelope: ['edXMLHeader', 'edXMLBody'],
  edXMLHeader: ['MessageHeader', 'Status', 'TraceHeaderList', 'Signature'],
  MessageHeader: [
    'From',
    'To',
    'DocumentId',
    'Code',
    'PromulgationInfo',
    'DocumentType',
    'Subject',
    'Content',
    'SignerInfo',
    'DueDate',
    'OtherInfo',
    'ResponseFor',
    'SteeringType',
    'ToPlaces',
  ],
  From: ['OrganId', 'OrganizationInCharge', 'OrganName', 'OrganAdd', 'Email', 'Telephone', 'Fax', 'Website'],
  To: ['OrganId', 'OrganizationInCharge', 'OrganName', 'OrganAdd', 'Email', 'Telephone', 'Fax', 'Website'],
  Code: ['CodeNumber', 'CodeNotation'],
  PromulgationInfo: ['Place', 'PromulgationDate'],
  DocumentType: ['Type', 'TypeDetail', 'TypeName'],
  SignerInfo: ['Competence', 'Position', 'FullName'],
  OtherInfo: [
    'Priority',
    'SphereOfPromulgation',
    'TyperNotation',
    'PromulgationAmount',
    'PageAmount',
    'Direction',
    'Appendixes',
  ],
  Appendixes: ['Appendix'],
  ToPlaces: ['Place'],
  ResponseFor: ['OrganId', 'Code', 'PromulgationDate', 'DocumentId'],
  TraceHeaderList: ['TraceHeader', 'Bussiness'],
  TraceHeader: ['OrganId', 'Timestamp'],
  Bussiness: [
    'DocumentId',
    'BussinessDocType',
    'BussinessDocReason',
    'Paper',
    'StaffInfo',
    'BussinessDocumentInfo',
    'ReplacementInfoList',
  ],
  StaffInfo: ['Department', 'Staff', 'Mobile', 'Email'],
  BussinessDocumentInfo: ['DocumentInfo', 'DocumentReceiver', 'ReceiverList'],
  ReceiverList: ['Receiver'],
  Receiver: ['ReceiverType', 'OrganId'],
  ReplacementInfoList: ['ReplacementInfo'],
  ReplacementInfo: ['DocumentId', 'OrganIdList'],
  OrganIdList: ['OrganId'],
  edXMLBody: ['edXMLManifest'],
  edXMLManifest: ['Reference'],
  Reference: ['ContentId', 'ContentType', 'Description', 'AttachmentName'],
  AttachmentEncoded: ['Attachment'],
  Attachment: ['ContentId', 'AttachmentName', 'Description', 'ContentType', 'ContentTransferEncoded'],
  Status: ['ResponseFor', 'From', 'StatusCode', 'Description', 'Timestamp', 'StaffInfo'],
};

/** Elements that may repeat under their parent: their paths carry an index (`To[1]`). */
const REPEATED = new Set([
  'To',
  'ResponseFor',
  'TraceHeader',
  'Receiver',
  'ReplacementInfo',
  'Reference',
  'Attachment',
  'Appendix',
]);
/** Repeated leaves that only repeat under one parent. */
const REPEATED_UNDER: Readonly<Record<string, string>> = { Place: 'ToPlaces', OrganId: 'OrganIdList' };
/** Wrappers left out of paths so that fields read `MessageHeader.From.OrganId`. */
const TRANSPARENT = new Set(['edXML', 'edXMLEnvelope', 'edXMLHeader', 'edXMLBody']);

/** `Business…` (Bkav) and `Bussiness…` (SDK, real packets) are the same element. */
export function canonicalName(name: string): string {
  return name.startsWith('Business') ? `Bussiness${name.slice('Business'.length)}` : name;
}

export function isRepeated(parentName: string, name: string): boolean {
  return REPEATED.has(name) || REPEATED_UNDER[name] === parentName;
}

/** Logical path of a child element, e.g. `MessageHeader.To[1]`, `edXMLManifest.Reference[0]`. */
export function childPath(parentPath: string, parentName: string, name: string, index: number): string {
  const base = TRANSPARENT.has(parentName) ? '' : `${parentPath}.`;
  return `${base}${name}${isRepeated(parentName, name) ? `[${index}]` : ''}`;
}

/** True when `child` is the known element `name` of `parent`: QCVN namespace first, else local name. */
export function isKnownChild(parent: XmlNode, child: XmlNode): boolean {
  const name = canonicalName(child.name);
  const known = CHILD_ORDER[canonicalName(parent.name)];
  if (!known?.includes(name)) return false;
  if (child.ns === EDXML_NS || name === 'Signature') return true;
  return !parent.children.some((s) => s !== child && canonicalName(s.name) === name && s.ns === EDXML_NS);
}

/** Attributes the codec understands: they are not kept as unknown. */
export function isKnownAttribute(elementName: string, attribute: XmlAttribute): boolean {
  if (elementName === 'edXMLManifest') return attribute.name === 'version' && attribute.ns === null;
  if (elementName === 'Reference') {
    if (attribute.ns === XLINK_NS && attribute.name === 'href') return true;
    return CHILD_ORDER['Reference']?.includes(attribute.name) === true;
  }
  return false;
}

/** Visits every known element with its path (unknown elements are not entered). */
export function walkKnown(
  root: XmlNode,
  visit: (node: XmlNode, path: string, parent: XmlNode | null) => void,
  onUnknown?: (node: XmlNode, parentPath: string, after: string | null) => void,
): void {
  const go = (node: XmlNode, path: string, parent: XmlNode | null) => {
    visit(node, path, parent);
    if (!CHILD_ORDER[canonicalName(node.name)] || node.name === 'Signature') return;
    const counts = new Map<string, number>();
    let after: string | null = null;
    for (const child of node.children) {
      if (!isKnownChild(node, child)) {
        onUnknown?.(child, path, after);
        continue;
      }
      const name = canonicalName(child.name);
      const index = counts.get(name) ?? 0;
      counts.set(name, index + 1);
      after = name;
      go(child, childPath(path, canonicalName(node.name), name, index), node);
    }
  };
  go(root, 'edXML', null);
}
