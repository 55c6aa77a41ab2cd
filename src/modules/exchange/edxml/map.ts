import type { DecodedAttachment } from './attachments.ts';
import type { EdxmlErrorCode, EdxmlIssue } from './errors.ts';
import { canonicalName, isKnownAttribute, isKnownChild, walkKnown } from './schema.ts';
import {
  XLINK_NS,
  statusCodes,
  type Attachment,
  type Business,
  type BusinessDocType,
  type EdxmlPacket,
  type ManifestReference,
  type MessageHeader,
  type Organization,
  type ResponseFor,
  type StaffInfo,
  type StatusCode,
  type StatusInfo,
  type TraceHeader,
  type XmlNode,
} from './types.ts';
import { parseEdxmlDate, parseEdxmlTimestamp } from './values.ts';

/** Typed view of the element tree: reads known children by name and records what cannot be typed. */
class Reader {
  readonly issues: EdxmlIssue[] = [];

  kids(node: XmlNode | undefined, name: string): XmlNode[] {
    return node ? node.children.filter((c) => canonicalName(c.name) === name && isKnownChild(node, c)) : [];
  }

  kid(node: XmlNode | undefined, name: string): XmlNode | undefined {
    return this.kids(node, name)[0];
  }

  text(node: XmlNode | undefined, name: string): string | null {
    const value = this.kid(node, name)?.text.trim();
    return value ? value : null;
  }

  texts(node: XmlNode | undefined, name: string): string[] {
    return this.kids(node, name)
      .map((n) => n.text.trim())
      .filter((t) => t.length > 0);
  }

  date(node: XmlNode | undefined, name: string, field: string): string | null {
    const raw = this.text(node, name);
    if (raw === null) return null;
    const iso = parseEdxmlDate(raw);
    if (iso === null) this.issue('EDXML_BAD_DATE', field, `"${raw.slice(0, 40)}"`);
    return iso;
  }

  timestamp(node: XmlNode | undefined, name: string, field: string): string | null {
    const raw = this.text(node, name);
    if (raw === null) return null;
    const iso = parseEdxmlTimestamp(raw);
    if (iso === null) this.issue('EDXML_BAD_DATE', field, `"${raw.slice(0, 40)}"`);
    return iso;
  }

  int(node: XmlNode | undefined, name: string, field: string, code: EdxmlErrorCode = 'EDXML_BAD_NUMBER') {
    const raw = this.text(node, name);
    if (raw === null) return null;
    if (!/^[+-]?\d{1,9}$/.test(raw)) {
      this.issue(code, field, `"${raw.slice(0, 20)}"`);
      return null;
    }
    return Number(raw);
  }

  issue(code: EdxmlErrorCode, field: string, detail?: string): void {
    this.issues.push({ code, field, ...(detail === undefined ? {} : { detail }) });
  }

  organization(node: XmlNode | undefined): Organization | null {
    if (!node) return null;
    return {
      organId: this.text(node, 'OrganId'),
      organizationInCharge: this.text(node, 'OrganizationInCharge'),
      organName: this.text(node, 'OrganName'),
      organAdd: this.text(node, 'OrganAdd'),
      email: this.text(node, 'Email'),
      telephone: this.text(node, 'Telephone'),
      fax: this.text(node, 'Fax'),
      website: this.text(node, 'Website'),
    };
  }

  staff(node: XmlNode | undefined): StaffInfo | null {
    if (!node) return null;
    return {
      department: this.text(node, 'Department'),
      staff: this.text(node, 'Staff'),
      mobile: this.text(node, 'Mobile'),
      email: this.text(node, 'Email'),
    };
  }

  responseFor(node: XmlNode, field: string): ResponseFor | null {
    const code = this.kid(node, 'Code');
    const pair = [this.text(code, 'CodeNumber'), this.text(code, 'CodeNotation')].filter((p) => p !== null);
    const value: ResponseFor = {
      organId: this.text(node, 'OrganId'),
      code: pair.length > 0 ? pair.join('/') : this.text(node, 'Code'),
      promulgationDate: this.date(node, 'PromulgationDate', `${field}.PromulgationDate`),
      documentId: this.text(node, 'DocumentId'),
    };
    return Object.values(value).every((v) => v === null) ? null : value;
  }
}

function messageHeader(r: Reader, mh: XmlNode): MessageHeader {
  const code = r.kid(mh, 'Code');
  const prom = r.kid(mh, 'PromulgationInfo');
  const type = r.kid(mh, 'DocumentType');
  const signer = r.kid(mh, 'SignerInfo');
  const other = r.kid(mh, 'OtherInfo');
  const p = 'MessageHeader';
  return {
    from: r.organization(r.kid(mh, 'From')),
    to: r.kids(mh, 'To').map((n) => r.organization(n) as Organization),
    documentId: r.text(mh, 'DocumentId'),
    code: { number: r.text(code, 'CodeNumber'), notation: r.text(code, 'CodeNotation') },
    promulgationInfo: {
      place: r.text(prom, 'Place'),
      date: r.date(prom, 'PromulgationDate', `${p}.PromulgationInfo.PromulgationDate`),
    },
    documentType: {
      type: r.text(type, 'Type'),
      typeDetail: r.text(type, 'TypeDetail'),
      typeName: r.text(type, 'TypeName'),
    },
    subject: r.text(mh, 'Subject'),
    content: r.text(mh, 'Content'),
    signerInfo: signer
      ? {
          competence: r.text(signer, 'Competence'),
          position: r.text(signer, 'Position'),
          fullName: r.text(signer, 'FullName'),
        }
      : null,
    dueDate: r.date(mh, 'DueDate', `${p}.DueDate`),
    toPlaces: r.texts(r.kid(mh, 'ToPlaces'), 'Place'),
    otherInfo: other
      ? {
          priority: r.int(other, 'Priority', `${p}.OtherInfo.Priority`, 'EDXML_BAD_PRIORITY'),
          sphere: r.text(other, 'SphereOfPromulgation'),
          typerNotation: r.text(other, 'TyperNotation'),
          promulgationAmount: r.int(other, 'PromulgationAmount', `${p}.OtherInfo.PromulgationAmount`),
          pageAmount: r.int(other, 'PageAmount', `${p}.OtherInfo.PageAmount`),
          direction: direction(r, other),
          appendixes: r.texts(r.kid(other, 'Appendixes'), 'Appendix'),
        }
      : null,
    responseFor: r
      .kids(mh, 'ResponseFor')
      .map((n, i) => r.responseFor(n, `${p}.ResponseFor[${i}]`))
      .filter((x) => x !== null),
    steeringType: r.int(mh, 'SteeringType', `${p}.SteeringType`, 'EDXML_BAD_STEERING_TYPE'),
  };
}

function direction(r: Reader, other: XmlNode): boolean | null {
  const raw = r.text(other, 'Direction')?.toLowerCase() ?? null;
  if (raw === null) return null;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  r.issue('EDXML_BAD_VALUE', 'MessageHeader.OtherInfo.Direction', 'expected true or false');
  return null;
}

function business(r: Reader, node: XmlNode | undefined): Business | null {
  if (!node) return null;
  const p = 'TraceHeaderList.Bussiness';
  const docType = r.int(node, 'BussinessDocType', `${p}.BussinessDocType`, 'EDXML_BAD_BUSINESS_TYPE');
  if (docType !== null && (docType < 0 || docType > 3))
    r.issue('EDXML_BAD_BUSINESS_TYPE', `${p}.BussinessDocType`, `value ${docType}`);
  const info = r.kid(node, 'BussinessDocumentInfo');
  return {
    docType: docType !== null && docType >= 0 && docType <= 3 ? (docType as BusinessDocType) : null,
    documentId: r.text(node, 'DocumentId'),
    reason: r.text(node, 'BussinessDocReason'),
    paper: r.int(node, 'Paper', `${p}.Paper`),
    staffInfo: r.staff(r.kid(node, 'StaffInfo')),
    documentInfo: info
      ? {
          documentInfo: r.text(info, 'DocumentInfo'),
          documentReceiver: r.text(info, 'DocumentReceiver'),
          receivers: r.kids(r.kid(info, 'ReceiverList'), 'Receiver').map((rec, i) => {
            const field = `${p}.BussinessDocumentInfo.ReceiverList.Receiver[${i}].ReceiverType`;
            const type = r.int(rec, 'ReceiverType', field);
            if (type !== null && type !== 0 && type !== 1)
              r.issue('EDXML_BAD_VALUE', field, 'expected 0 or 1');
            return { receiverType: type === 0 || type === 1 ? type : null, organId: r.text(rec, 'OrganId') };
          }),
        }
      : null,
    replacements: r.kids(r.kid(node, 'ReplacementInfoList'), 'ReplacementInfo').map((rep) => ({
      documentId: r.text(rep, 'DocumentId'),
      organIds: r.texts(r.kid(rep, 'OrganIdList'), 'OrganId'),
    })),
  };
}

function statusInfo(r: Reader, node: XmlNode): StatusInfo {
  const raw = r.text(node, 'StatusCode');
  let statusCode: StatusCode | null = null;
  if (raw !== null) {
    const padded = /^\d{1,2}$/.test(raw) ? raw.padStart(2, '0') : raw;
    if ((statusCodes as readonly string[]).includes(padded)) statusCode = padded as StatusCode;
    else r.issue('EDXML_BAD_STATUS_CODE', 'Status.StatusCode', `"${raw.slice(0, 10)}"`);
  }
  const responseFor = r.kid(node, 'ResponseFor');
  return {
    responseFor: responseFor ? r.responseFor(responseFor, 'Status.ResponseFor[0]') : null,
    from: r.organization(r.kid(node, 'From')),
    statusCode,
    description: r.text(node, 'Description'),
    timestamp: r.timestamp(node, 'Timestamp', 'Status.Timestamp'),
    staffInfo: r.staff(r.kid(node, 'StaffInfo')),
  };
}

/** Reference metadata comes as child elements or, from some producers, as (xlink) attributes. */
function reference(r: Reader, node: XmlNode): ManifestReference {
  const attr = (name: string) =>
    node.attributes.find((a) => a.name === name && (a.ns === null || a.ns === XLINK_NS))?.value.trim() ||
    null;
  const href = node.attributes.find((a) => a.ns === XLINK_NS && a.name === 'href')?.value.trim() || null;
  return {
    contentId: r.text(node, 'ContentId') ?? attr('ContentId') ?? href,
    contentType: r.text(node, 'ContentType') ?? attr('ContentType'),
    description: r.text(node, 'Description') ?? attr('Description'),
    attachmentName: r.text(node, 'AttachmentName') ?? attr('AttachmentName'),
  };
}

function attachment(r: Reader, node: XmlNode, decoded: DecodedAttachment | undefined): Attachment {
  const result: Attachment = {
    contentId: r.text(node, 'ContentId'),
    name: r.text(node, 'AttachmentName'),
    description: r.text(node, 'Description'),
    declaredContentType: r.text(node, 'ContentType'),
    sniffedType: decoded?.sniffedType ?? 'unknown',
    zipped: decoded?.zipped ?? false,
    innerName: decoded?.innerName ?? null,
    bytes: decoded?.bytes ?? 0,
    sha256: decoded?.sha256 ?? 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  };
  if (decoded?.content) result.content = decoded.content;
  return result;
}

/** Maps the element tree of a packet to its typed form; returns the values that could not be typed. */
export function mapPacket(
  root: XmlNode,
  decoded: Map<XmlNode, DecodedAttachment>,
): { packet: EdxmlPacket; issues: EdxmlIssue[] } {
  const r = new Reader();
  const envelope = r.kid(root, 'edXMLEnvelope');
  const header = r.kid(envelope, 'edXMLHeader');
  const mh = r.kid(header, 'MessageHeader');
  const status = r.kid(header, 'Status');
  const traceList = r.kid(header, 'TraceHeaderList');
  const signature = r.kid(header, 'Signature');
  // Signature is located by local name: real packets put it in the QCVN namespace, not xmldsig's.
  const signatureMethod = signature?.children
    .find((c) => c.name === 'SignedInfo')
    ?.children.find((c) => c.name === 'SignatureMethod');

  const unknown: EdxmlPacket['unknown'] = { elements: [], attributes: [] };
  walkKnown(
    root,
    (node, path) => {
      for (const attribute of node.attributes)
        if (!isKnownAttribute(canonicalName(node.name), attribute))
          unknown.attributes.push({ element: path, attribute });
    },
    (node, parent, after) => unknown.elements.push({ parent, after, node }),
  );

  const packet: EdxmlPacket = {
    kind: status && !mh ? 'status' : 'edoc',
    header: mh ? messageHeader(r, mh) : null,
    traces: r.kids(traceList, 'TraceHeader').map((t, i): TraceHeader => ({
      organId: r.text(t, 'OrganId'),
      timestamp: r.timestamp(t, 'Timestamp', `TraceHeaderList.TraceHeader[${i}].Timestamp`),
    })),
    business: business(r, r.kid(traceList, 'Bussiness')),
    status: status && !mh ? statusInfo(r, status) : null,
    references: r
      .kids(r.kid(r.kid(envelope, 'edXMLBody'), 'edXMLManifest'), 'Reference')
      .map((n) => reference(r, n)),
    attachments: r
      .kids(r.kid(root, 'AttachmentEncoded'), 'Attachment')
      .map((n) => attachment(r, n, decoded.get(n))),
    unknown,
    signature: {
      present: signature !== undefined,
      namespace: signature?.ns ?? null,
      signatureMethod: signatureMethod?.attributes.find((a) => a.name === 'Algorithm')?.value ?? null,
    },
  };
  return { packet, issues: r.issues };
}
