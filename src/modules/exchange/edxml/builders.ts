import { randomUUID } from 'node:crypto';
import { describeBytes } from './attachments.ts';
import { EdxmlError, edxmlError } from './errors.ts';
import {
  statusCodes,
  type Attachment,
  type Business,
  type BusinessDocType,
  type EdxmlPacket,
  type MessageHeader,
  type Organization,
  type OtherInfo,
  type ResponseFor,
  type StaffInfo,
  type StatusCode,
} from './types.ts';
import { validateEdxml } from './validate.ts';
import { canonicalDocumentId, isoAtUtc7 } from './values.ts';

export type OrganizationInput = Partial<Organization> & { organId: string };

export interface AttachmentInput {
  name: string;
  content: Buffer;
  contentType?: string;
  description?: string | null;
  /** Default: `cid:` + a random UUID. */
  contentId?: string;
}

export interface EdocInput {
  from: OrganizationInput;
  to: OrganizationInput[];
  code: { number: string; notation: string };
  /** ISO date `yyyy-MM-dd`. */
  promulgationDate: string;
  place?: string | null;
  documentType: { typeName: string; type?: string | null; typeDetail?: string | null };
  subject: string;
  content?: string | null;
  signer?: { competence?: string | null; position?: string | null; fullName?: string | null } | null;
  dueDate?: string | null;
  toPlaces?: string[];
  otherInfo?: Partial<OtherInfo> | null;
  responseFor?: ResponseFor[];
  steeringType?: number | null;
  staff?: Partial<StaffInfo> | null;
  reason?: string | null;
  attachments?: AttachmentInput[];
  /** Time of the sender's trace header (default now). */
  at?: Date;
}

const organization = (o: OrganizationInput): Organization => ({
  organId: o.organId,
  organizationInCharge: o.organizationInCharge ?? null,
  organName: o.organName ?? null,
  organAdd: o.organAdd ?? null,
  email: o.email ?? null,
  telephone: o.telephone ?? null,
  fax: o.fax ?? null,
  website: o.website ?? null,
});

const staffInfo = (s: Partial<StaffInfo> | null | undefined): StaffInfo | null =>
  s
    ? {
        department: s.department ?? null,
        staff: s.staff ?? null,
        mobile: s.mobile ?? null,
        email: s.email ?? null,
      }
    : null;

function attachmentsOf(inputs: AttachmentInput[]): Pick<EdxmlPacket, 'references' | 'attachments'> {
  const attachments = inputs.map((a): Attachment => {
    const described = describeBytes(a.content, a.name);
    return {
      contentId: a.contentId ?? `cid:${randomUUID()}`,
      name: a.name,
      description: a.description ?? null,
      declaredContentType: a.contentType ?? 'application/octet-stream',
      sniffedType: described.sniffedType,
      zipped: described.zipped,
      innerName: described.innerName,
      bytes: described.bytes,
      sha256: described.sha256,
      content: a.content,
    };
  });
  const references = attachments.map((a) => ({
    contentId: a.contentId,
    contentType: a.declaredContentType,
    description: a.description,
    attachmentName: a.name,
  }));
  return { references, attachments };
}

function checked(packet: EdxmlPacket): EdxmlPacket {
  const [first, ...rest] = validateEdxml(packet);
  if (first) throw new EdxmlError([first, ...rest]);
  return packet;
}

const reasons = ['Văn bản điện tử mới', 'Thu hồi văn bản', 'Cập nhật văn bản', 'Thay thế văn bản'] as const;

function edoc(input: EdocInput, docType: BusinessDocType, extra: Partial<Business> = {}): EdxmlPacket {
  const from = organization(input.from);
  const header: MessageHeader = {
    from,
    to: input.to.map(organization),
    documentId: canonicalDocumentId(
      from.organId,
      input.promulgationDate,
      input.code.number,
      input.code.notation,
    ),
    code: { number: input.code.number, notation: input.code.notation },
    promulgationInfo: { place: input.place ?? null, date: input.promulgationDate },
    documentType: {
      type: input.documentType.type ?? null,
      typeDetail: input.documentType.typeDetail ?? null,
      typeName: input.documentType.typeName,
    },
    subject: input.subject,
    content: input.content ?? null,
    signerInfo: input.signer
      ? {
          competence: input.signer.competence ?? null,
          position: input.signer.position ?? null,
          fullName: input.signer.fullName ?? null,
        }
      : null,
    dueDate: input.dueDate ?? null,
    toPlaces: input.toPlaces ?? [],
    otherInfo: input.otherInfo
      ? {
          priority: input.otherInfo.priority ?? 0,
          sphere: input.otherInfo.sphere ?? null,
          typerNotation: input.otherInfo.typerNotation ?? null,
          promulgationAmount: input.otherInfo.promulgationAmount ?? null,
          pageAmount: input.otherInfo.pageAmount ?? null,
          direction: input.otherInfo.direction ?? null,
          appendixes: input.otherInfo.appendixes ?? [],
        }
      : null,
    responseFor: input.responseFor ?? [],
    steeringType: input.steeringType ?? null,
  };
  return checked({
    kind: 'edoc',
    header,
    traces: [{ organId: from.organId, timestamp: isoAtUtc7(input.at ?? new Date()) }],
    business: {
      docType,
      documentId: null,
      reason: input.reason ?? reasons[docType],
      paper: 0,
      staffInfo: staffInfo(input.staff),
      documentInfo: null,
      replacements: [],
      ...extra,
    },
    status: null,
    ...attachmentsOf(input.attachments ?? []),
    unknown: { elements: [], attributes: [] },
    signature: { present: false, namespace: null, signatureMethod: null },
  });
}

/** A new document (BussinessDocType 0). Throws EdxmlError when a field is invalid. */
export function buildNewEdoc(input: EdocInput): EdxmlPacket {
  return edoc(input, 0);
}

/** Revokes (thu hồi) the document `target` (BussinessDocType 1). */
export function buildRevokeEdoc(input: EdocInput & { target: string }): EdxmlPacket {
  return edoc(input, 1, { documentId: input.target });
}

/** Updates the recipients of `target` (BussinessDocType 2): receivers added (1) or removed (0). */
export function buildUpdateEdoc(
  input: EdocInput & {
    target: string;
    receivers: { receiverType: 0 | 1; organId: string }[];
    documentInfo?: string | null;
    documentReceiver?: string | null;
  },
): EdxmlPacket {
  return edoc(input, 2, {
    documentId: input.target,
    documentInfo: {
      documentInfo: input.documentInfo ?? '0',
      documentReceiver: input.documentReceiver ?? '1',
      receivers: input.receivers,
    },
  });
}

/** Replaces earlier documents (BussinessDocType 3), each with the recipients it went to. */
export function buildReplaceEdoc(
  input: EdocInput & { target: string; replacements: { documentId: string; organIds: string[] }[] },
): EdxmlPacket {
  return edoc(input, 3, { documentId: input.target, replacements: input.replacements });
}

export interface StatusInput {
  /** 01–06, 13, 15, 16 (a number or a string; `3` means `03`). */
  code: string | number;
  responseFor: { organId: string; code: string; promulgationDate: string; documentId: string };
  from: OrganizationInput;
  description?: string | null;
  at?: Date;
  staff?: Partial<StaffInfo> | null;
}

/** A status packet answering a document (01 arrived … 06 done; 13 recall; 15/16 answers to a change). */
export function buildStatus(input: StatusInput): EdxmlPacket {
  const code = String(input.code).padStart(2, '0');
  if (!(statusCodes as readonly string[]).includes(code))
    throw edxmlError('EDXML_BAD_STATUS_CODE', 'Status.StatusCode', `"${String(input.code).slice(0, 10)}"`);
  return checked({
    kind: 'status',
    header: null,
    traces: [],
    business: null,
    status: {
      responseFor: { ...input.responseFor },
      from: organization(input.from),
      statusCode: code as StatusCode,
      description: input.description ?? null,
      timestamp: isoAtUtc7(input.at ?? new Date()),
      staffInfo: staffInfo(input.staff),
    },
    references: [],
    attachments: [],
    unknown: { elements: [], attributes: [] },
    signature: { present: false, namespace: null, signatureMethod: null },
  });
}
