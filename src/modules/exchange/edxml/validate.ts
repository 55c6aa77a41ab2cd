import type { EdxmlErrorCode, EdxmlIssue } from './errors.ts';
import type { EdxmlPacket, Organization, StaffInfo } from './types.ts';
import { isAgencyCode, normalizeAgencyCode } from './values.ts';

/** Maximum lengths in characters: Bkav's validator where known (§2, §6), generous bounds elsewhere. */
export const EDXML_LIMITS = {
  subject: 500,
  content: 500,
  toPlace: 150,
  appendix: 250,
  attachmentName: 200,
  organId: 64,
  organName: 300,
  organizationInCharge: 300,
  organAdd: 500,
  email: 254,
  phone: 50,
  website: 255,
  documentId: 255,
  codeNumber: 50,
  codeNotation: 100,
  place: 150,
  typeName: 200,
  signer: 200,
  sphere: 200,
  typerNotation: 100,
  reason: 1000,
  description: 1000,
  contentType: 255,
  contentId: 300,
  staff: 200,
  recipients: 1000,
  attachments: 100,
} as const;

class Checker {
  readonly issues: EdxmlIssue[] = [];

  add(code: EdxmlErrorCode, field: string, detail?: string): void {
    this.issues.push({ code, field, ...(detail === undefined ? {} : { detail }) });
  }

  required(value: unknown, field: string): boolean {
    if (value === null || value === undefined || value === '') {
      this.add('EDXML_MISSING_FIELD', field);
      return false;
    }
    return true;
  }

  max(value: string | null | undefined, limit: number, field: string): void {
    if (value && [...value].length > limit)
      this.add('EDXML_FIELD_TOO_LONG', field, `${[...value].length} > ${limit}`);
  }

  range(value: number | null, min: number, max: number, code: EdxmlErrorCode, field: string): void {
    if (value !== null && (value < min || value > max)) this.add(code, field, `value ${value}`);
  }

  agencyCode(code: string | null, field: string): void {
    if (code !== null && !isAgencyCode(code))
      this.add('EDXML_BAD_AGENCY_CODE', field, `"${code.slice(0, 40)}"`);
  }

  organization(org: Organization | null, field: string): void {
    if (!this.required(org, field) || !org) return;
    if (this.required(org.organId, `${field}.OrganId`)) this.agencyCode(org.organId, `${field}.OrganId`);
    const L = EDXML_LIMITS;
    this.max(org.organId, L.organId, `${field}.OrganId`);
    this.max(org.organizationInCharge, L.organizationInCharge, `${field}.OrganizationInCharge`);
    this.max(org.organName, L.organName, `${field}.OrganName`);
    this.max(org.organAdd, L.organAdd, `${field}.OrganAdd`);
    this.max(org.email, L.email, `${field}.Email`);
    this.max(org.telephone, L.phone, `${field}.Telephone`);
    this.max(org.fax, L.phone, `${field}.Fax`);
    this.max(org.website, L.website, `${field}.Website`);
  }

  staff(staff: StaffInfo | null, field: string): void {
    if (!staff) return;
    this.max(staff.department, EDXML_LIMITS.staff, `${field}.Department`);
    this.max(staff.staff, EDXML_LIMITS.staff, `${field}.Staff`);
    this.max(staff.mobile, EDXML_LIMITS.phone, `${field}.Mobile`);
    this.max(staff.email, EDXML_LIMITS.email, `${field}.Email`);
  }
}

function checkEdoc(c: Checker, packet: EdxmlPacket): void {
  const h = packet.header;
  if (!c.required(h, 'MessageHeader') || !h) return;
  const L = EDXML_LIMITS;
  const p = 'MessageHeader';
  c.organization(h.from, `${p}.From`);
  if (h.to.length === 0) c.add('EDXML_NO_RECIPIENT', `${p}.To`);
  if (h.to.length > L.recipients)
    c.add('EDXML_FIELD_TOO_LONG', `${p}.To`, `${h.to.length} > ${L.recipients}`);
  const seen = new Set<string>();
  h.to.forEach((to, i) => {
    c.organization(to, `${p}.To[${i}]`);
    if (!to.organId) return;
    const key = normalizeAgencyCode(to.organId);
    if (seen.has(key)) c.add('EDXML_DUPLICATE_RECIPIENT', `${p}.To[${i}].OrganId`, `"${to.organId}"`);
    seen.add(key);
  });
  c.required(h.documentId, `${p}.DocumentId`);
  c.max(h.documentId, L.documentId, `${p}.DocumentId`);
  c.required(h.code.number, `${p}.Code.CodeNumber`);
  c.max(h.code.number, L.codeNumber, `${p}.Code.CodeNumber`);
  c.max(h.code.notation, L.codeNotation, `${p}.Code.CodeNotation`);
  c.required(h.promulgationInfo.date, `${p}.PromulgationInfo.PromulgationDate`);
  c.max(h.promulgationInfo.place, L.place, `${p}.PromulgationInfo.Place`);
  if (h.documentType.type === null && h.documentType.typeName === null)
    c.add('EDXML_MISSING_FIELD', `${p}.DocumentType.TypeName`);
  c.max(h.documentType.typeName, L.typeName, `${p}.DocumentType.TypeName`);
  c.required(h.subject, `${p}.Subject`);
  c.max(h.subject, L.subject, `${p}.Subject`);
  c.max(h.content, L.content, `${p}.Content`);
  if (h.signerInfo) {
    c.max(h.signerInfo.competence, L.signer, `${p}.SignerInfo.Competence`);
    c.max(h.signerInfo.position, L.signer, `${p}.SignerInfo.Position`);
    c.max(h.signerInfo.fullName, L.signer, `${p}.SignerInfo.FullName`);
  }
  h.toPlaces.forEach((place, i) => c.max(place, L.toPlace, `${p}.ToPlaces.Place[${i}]`));
  const o = h.otherInfo;
  if (o) {
    c.range(o.priority, 0, 4, 'EDXML_BAD_PRIORITY', `${p}.OtherInfo.Priority`);
    c.max(o.sphere, L.sphere, `${p}.OtherInfo.SphereOfPromulgation`);
    c.max(o.typerNotation, L.typerNotation, `${p}.OtherInfo.TyperNotation`);
    c.range(o.promulgationAmount, 0, 1_000_000, 'EDXML_BAD_NUMBER', `${p}.OtherInfo.PromulgationAmount`);
    c.range(o.pageAmount, 0, 1_000_000, 'EDXML_BAD_NUMBER', `${p}.OtherInfo.PageAmount`);
    o.appendixes.forEach((a, i) => c.max(a, L.appendix, `${p}.OtherInfo.Appendixes.Appendix[${i}]`));
  }
  c.range(h.steeringType, 0, 3, 'EDXML_BAD_STEERING_TYPE', `${p}.SteeringType`);
  checkBusiness(c, packet);
}

function checkBusiness(c: Checker, packet: EdxmlPacket): void {
  const b = packet.business;
  if (!b) return;
  const p = 'TraceHeaderList.Bussiness';
  c.required(b.docType, `${p}.BussinessDocType`);
  c.max(b.reason, EDXML_LIMITS.reason, `${p}.BussinessDocReason`);
  c.staff(b.staffInfo, `${p}.StaffInfo`);
  if (b.docType !== null && b.docType > 0) c.required(b.documentId, `${p}.DocumentId`);
  if (b.docType === 2 && (!b.documentInfo || b.documentInfo.receivers.length === 0))
    c.add('EDXML_BAD_BUSINESS_TYPE', `${p}.BussinessDocumentInfo`, 'an update needs a ReceiverList');
  if (b.docType === 3 && b.replacements.length === 0)
    c.add('EDXML_BAD_BUSINESS_TYPE', `${p}.ReplacementInfoList`, 'a replacement needs a ReplacementInfoList');
  b.documentInfo?.receivers.forEach((r, i) => {
    const field = `${p}.BussinessDocumentInfo.ReceiverList.Receiver[${i}]`;
    c.required(r.receiverType, `${field}.ReceiverType`);
    if (c.required(r.organId, `${field}.OrganId`)) c.agencyCode(r.organId, `${field}.OrganId`);
  });
  b.replacements.forEach((r, i) =>
    c.required(r.documentId, `${p}.ReplacementInfoList.ReplacementInfo[${i}].DocumentId`),
  );
}

function checkStatus(c: Checker, packet: EdxmlPacket): void {
  const s = packet.status;
  if (!c.required(s, 'Status') || !s) return;
  if (c.required(s.responseFor, 'Status.ResponseFor') && s.responseFor) {
    c.required(s.responseFor.documentId, 'Status.ResponseFor.DocumentId');
    c.max(s.responseFor.documentId, EDXML_LIMITS.documentId, 'Status.ResponseFor.DocumentId');
    c.agencyCode(s.responseFor.organId, 'Status.ResponseFor.OrganId');
  }
  c.organization(s.from, 'Status.From');
  c.required(s.statusCode, 'Status.StatusCode');
  c.required(s.timestamp, 'Status.Timestamp');
  c.max(s.description, EDXML_LIMITS.description, 'Status.Description');
  c.staff(s.staffInfo, 'Status.StaffInfo');
}

function checkAttachments(c: Checker, packet: EdxmlPacket): void {
  const L = EDXML_LIMITS;
  if (packet.attachments.length > L.attachments)
    c.add('EDXML_FIELD_TOO_LONG', 'AttachmentEncoded', `${packet.attachments.length} > ${L.attachments}`);
  const attached = new Set<string>();
  packet.attachments.forEach((a, i) => {
    const field = `AttachmentEncoded.Attachment[${i}]`;
    if (c.required(a.contentId, `${field}.ContentId`) && a.contentId) {
      if (attached.has(a.contentId))
        c.add('EDXML_ATTACHMENT_MISMATCH', `${field}.ContentId`, 'duplicate ContentId');
      attached.add(a.contentId);
    }
    c.max(a.contentId, L.contentId, `${field}.ContentId`);
    c.max(a.name, L.attachmentName, `${field}.AttachmentName`);
    c.max(a.description, L.description, `${field}.Description`);
    c.max(a.declaredContentType, L.contentType, `${field}.ContentType`);
  });
  const referenced = new Set<string>();
  packet.references.forEach((r, i) => {
    const field = `edXMLManifest.Reference[${i}]`;
    if (c.required(r.contentId, `${field}.ContentId`) && r.contentId) {
      referenced.add(r.contentId);
      if (!attached.has(r.contentId))
        c.add('EDXML_ATTACHMENT_MISMATCH', `${field}.ContentId`, 'no such attachment');
    }
    c.max(r.attachmentName, L.attachmentName, `${field}.AttachmentName`);
    c.max(r.description, L.description, `${field}.Description`);
    c.max(r.contentType, L.contentType, `${field}.ContentType`);
  });
  packet.attachments.forEach((a, i) => {
    if (a.contentId && !referenced.has(a.contentId))
      c.add(
        'EDXML_ATTACHMENT_MISMATCH',
        `AttachmentEncoded.Attachment[${i}].ContentId`,
        'not in the manifest',
      );
  });
}

/** Checks a packet's fields; returns every issue (empty when the packet is valid). */
export function validateEdxml(packet: EdxmlPacket): EdxmlIssue[] {
  const c = new Checker();
  if (packet.kind === 'edoc') checkEdoc(c, packet);
  else checkStatus(c, packet);
  packet.traces.forEach((t, i) =>
    c.max(t.organId, EDXML_LIMITS.organId, `TraceHeaderList.TraceHeader[${i}].OrganId`),
  );
  checkAttachments(c, packet);
  return c.issues;
}
