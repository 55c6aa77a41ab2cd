/** The QCVN 102:2016 namespace: the default namespace of the root and the `edXML` prefix. */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** A generic XML element kept as data: unknown elements travel in this form. */
export interface XmlNode {
  /** Namespace URI, or null for no namespace. */
  ns: string | null;
  name: string;
  /** Prefix as written (kept for a faithful rewrite; namespace is what matters). */
  prefix: string | null;
  attributes: XmlAttribute[];
  children: XmlNode[];
  /** Text content (direct text of the element; edXML has no mixed content). */
  text: string;
}

export interface XmlAttribute {
  ns: string | null;
  name: string;
  prefix: string | null;
  value: string;
}

/** An element the codec does not know, with where it was: its parent and the known sibling before it. */
export interface UnknownElement {
  /** Logical path of the parent, e.g. `MessageHeader`, `MessageHeader.To[1]`, `Bussiness`. */
  parent: string;
  /** Local name of the known sibling just before it, or null if it came first. */
  after: string | null;
  node: XmlNode;
}

/** An attribute the codec does not know on a known element. */
export interface UnknownAttribute {
  element: string;
  attribute: XmlAttribute;
}

export interface Organization {
  organId: string | null;
  organizationInCharge: string | null;
  organName: string | null;
  organAdd: string | null;
  email: string | null;
  telephone: string | null;
  fax: string | null;
  website: string | null;
}

export interface StaffInfo {
  department: string | null;
  staff: string | null;
  mobile: string | null;
  email: string | null;
}

/** A reply-to link (`ResponseFor`); in status packets it names the original document. */
export interface ResponseFor {
  organId: string | null;
  /** `số/ký hiệu` as one string (a `CodeNumber`/`CodeNotation` pair is joined with `/`). */
  code: string | null;
  /** ISO date `yyyy-MM-dd`. */
  promulgationDate: string | null;
  documentId: string | null;
}

export interface MessageHeader {
  from: Organization | null;
  /** Recipients as written, in order, duplicates and aliases included. */
  to: Organization[];
  /** DocumentId as written (may be a UUID or another non-canonical form). */
  documentId: string | null;
  code: { number: string | null; notation: string | null };
  promulgationInfo: { place: string | null; /** ISO `yyyy-MM-dd` */ date: string | null };
  documentType: { type: string | null; typeDetail: string | null; typeName: string | null };
  subject: string | null;
  content: string | null;
  signerInfo: { competence: string | null; position: string | null; fullName: string | null } | null;
  /** ISO `yyyy-MM-dd`. */
  dueDate: string | null;
  toPlaces: string[];
  otherInfo: OtherInfo | null;
  responseFor: ResponseFor[];
  /** 0–3 (1 not steering, 2 steering, 3 steering report; 0 seen in real packets). */
  steeringType: number | null;
}

export interface OtherInfo {
  /** 0 normal, 1 urgent, 2 very urgent, 3 flash, 4 flash with appointed time. */
  priority: number | null;
  sphere: string | null;
  typerNotation: string | null;
  promulgationAmount: number | null;
  pageAmount: number | null;
  direction: boolean | null;
  appendixes: string[];
}

export interface TraceHeader {
  organId: string | null;
  /** ISO timestamp with the +07:00 offset, e.g. `2025-11-03T15:42:10+07:00`. */
  timestamp: string | null;
}

export type BusinessDocType = 0 | 1 | 2 | 3;
export const businessDocTypeNames = ['new', 'revoke', 'update', 'replace'] as const;

export interface Business {
  /** 0 new, 1 revoke, 2 update, 3 replace. */
  docType: BusinessDocType | null;
  /** Target document of a revoke, update or replace. */
  documentId: string | null;
  reason: string | null;
  paper: number | null;
  staffInfo: StaffInfo | null;
  /** Update (type 2): what changed and the recipients added (1) or removed (0). */
  documentInfo: {
    documentInfo: string | null;
    documentReceiver: string | null;
    receivers: { receiverType: 0 | 1 | null; organId: string | null }[];
  } | null;
  /** Replace (type 3): the replaced documents and their recipients. */
  replacements: { documentId: string | null; organIds: string[] }[];
}

export const statusCodes = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;
export type StatusCode = (typeof statusCodes)[number];

export interface StatusInfo {
  responseFor: ResponseFor | null;
  from: Organization | null;
  /** Normalised to two digits. */
  statusCode: StatusCode | null;
  description: string | null;
  /** ISO timestamp with the +07:00 offset. */
  timestamp: string | null;
  staffInfo: StaffInfo | null;
}

export interface ManifestReference {
  contentId: string | null;
  contentType: string | null;
  description: string | null;
  attachmentName: string | null;
}

export type SniffedType =
  | 'pdf'
  | 'zip'
  | 'doc'
  | 'xls'
  | 'ppt'
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'odf'
  | 'xml'
  | 'rtf'
  | 'png'
  | 'jpeg'
  | 'tiff'
  | 'unknown';

export interface Attachment {
  contentId: string | null;
  name: string | null;
  description: string | null;
  declaredContentType: string | null;
  /** What the bytes are; for a zipped attachment, what the file inside the zip is. */
  sniffedType: SniffedType;
  /** True when the producer zipped the file before base64 (the SDK does). */
  zipped: boolean;
  /** Name of the file inside the zip, when zipped. */
  innerName: string | null;
  /** Number of decoded bytes. */
  bytes: number;
  /** SHA-256 (hex) of the decoded bytes. */
  sha256: string;
  /** The decoded bytes, only when read with `keepAttachmentContent` or built in memory. */
  content?: Buffer;
}

export interface SignaturePresence {
  present: boolean;
  /** Namespace of the Signature element: null when absent; often the QCVN one, not xmldsig. */
  namespace: string | null;
  signatureMethod: string | null;
}

export interface EdxmlPacket {
  kind: 'edoc' | 'status';
  /** Message header (edoc packets); null for status packets. */
  header: MessageHeader | null;
  traces: TraceHeader[];
  business: Business | null;
  status: StatusInfo | null;
  references: ManifestReference[];
  attachments: Attachment[];
  unknown: { elements: UnknownElement[]; attributes: UnknownAttribute[] };
  signature: SignaturePresence;
}
