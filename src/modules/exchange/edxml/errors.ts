import { AppError } from '../../../platform/errors.ts';
import type { Text } from '../../../platform/i18n/index.ts';

/** Stable error codes of the edXML codec, with their texts (Vietnamese first) and HTTP status. */
export const edxmlErrorTexts = {
  EDXML_MALFORMED: {
    status: 400,
    vi: 'Gói tin edXML không phải XML hợp lệ (bị cắt cụt hoặc sai cú pháp).',
    en: 'The edXML packet is not well-formed XML (truncated or broken).',
  },
  EDXML_DOCTYPE_FORBIDDEN: {
    status: 400,
    vi: 'Gói tin edXML không được chứa khai báo DOCTYPE hay thực thể (entity).',
    en: 'An edXML packet must not contain a DOCTYPE or entity declarations.',
  },
  EDXML_WRONG_NAMESPACE: {
    status: 400,
    vi: 'Gói tin không dùng không gian tên của QCVN 102:2016.',
    en: 'The packet does not use the QCVN 102:2016 namespace.',
  },
  EDXML_NOT_EDXML: {
    status: 400,
    vi: 'Tài liệu không phải gói tin edXML (phần tử gốc phải là edXML).',
    en: 'The document is not an edXML packet (the root element must be edXML).',
  },
  EDXML_TOO_LARGE: {
    status: 413,
    vi: 'Gói tin edXML vượt quá kích thước tối đa cho phép.',
    en: 'The edXML packet is larger than the maximum allowed size.',
  },
  EDXML_ATTACHMENT_TOO_LARGE: {
    status: 413,
    vi: 'Tệp đính kèm vượt quá kích thước tối đa cho phép.',
    en: 'An attachment is larger than the maximum allowed size.',
  },
  EDXML_BAD_BASE64: {
    status: 400,
    vi: 'Nội dung tệp đính kèm không phải base64 hợp lệ.',
    en: 'The attachment content is not valid base64.',
  },
  EDXML_MISSING_FIELD: {
    status: 400,
    vi: 'Thiếu trường bắt buộc.',
    en: 'A required field is missing.',
  },
  EDXML_FIELD_TOO_LONG: {
    status: 400,
    vi: 'Trường vượt quá độ dài cho phép.',
    en: 'A field is longer than allowed.',
  },
  EDXML_BAD_DATE: {
    status: 400,
    vi: 'Ngày hoặc thời điểm không đúng định dạng (yyyy/MM/dd, dd/MM/yyyy hoặc yyyy-MM-dd).',
    en: 'A date or timestamp is not in a recognised format (yyyy/MM/dd, dd/MM/yyyy or yyyy-MM-dd).',
  },
  EDXML_BAD_NUMBER: {
    status: 400,
    vi: 'Trường số không hợp lệ.',
    en: 'A numeric field is not a valid number.',
  },
  EDXML_BAD_AGENCY_CODE: {
    status: 400,
    vi: 'Mã định danh cơ quan không đúng cấu trúc.',
    en: 'An agency identifier code is malformed.',
  },
  EDXML_NO_RECIPIENT: {
    status: 400,
    vi: 'Gói tin không có nơi nhận (To).',
    en: 'The packet has no recipient (To).',
  },
  EDXML_DUPLICATE_RECIPIENT: {
    status: 400,
    vi: 'Một cơ quan nhận được khai báo nhiều lần trong To.',
    en: 'The same recipient agency appears more than once in To.',
  },
  EDXML_ATTACHMENT_MISMATCH: {
    status: 400,
    vi: 'Danh mục tệp (Manifest) và các tệp đính kèm không khớp nhau.',
    en: 'The manifest references and the attachments do not match.',
  },
  EDXML_BAD_BUSINESS_TYPE: {
    status: 400,
    vi: 'Loại nghiệp vụ (BussinessDocType) phải là 0, 1, 2 hoặc 3, kèm các thông tin tương ứng.',
    en: 'The business type (BussinessDocType) must be 0, 1, 2 or 3, with its matching details.',
  },
  EDXML_BAD_PRIORITY: {
    status: 400,
    vi: 'Độ khẩn (Priority) phải từ 0 đến 4.',
    en: 'The priority must be between 0 and 4.',
  },
  EDXML_BAD_STEERING_TYPE: {
    status: 400,
    vi: 'Loại chỉ đạo (SteeringType) phải từ 0 đến 3.',
    en: 'The steering type must be between 0 and 3.',
  },
  EDXML_BAD_STATUS_CODE: {
    status: 400,
    vi: 'Mã trạng thái không hợp lệ (01–06, 13, 15, 16).',
    en: 'The status code is not valid (01–06, 13, 15, 16).',
  },
  EDXML_BAD_VALUE: {
    status: 400,
    vi: 'Giá trị của trường không hợp lệ.',
    en: 'A field has a value that is not allowed.',
  },
} as const satisfies Record<string, Text & { status: number }>;

export type EdxmlErrorCode = keyof typeof edxmlErrorTexts;

/** One problem found in a packet: a stable code, the field it concerns and a detail. */
export interface EdxmlIssue {
  code: EdxmlErrorCode;
  /** Dotted path of the field, e.g. `MessageHeader.From.OrganId`, `MessageHeader.To[1].OrganId`. */
  field: string | null;
  /** Extra facts: the limit, the value's length, the line of a parse error… never document content. */
  detail?: string;
}

/**
 * A codec error: an AppError (so the one HTTP error handler maps it) carrying the first issue's
 * code and field, its texts in both languages, and every issue found in `issues`.
 */
export class EdxmlError extends AppError {
  readonly field: string | null;
  readonly issues: EdxmlIssue[];
  constructor(issues: [EdxmlIssue, ...EdxmlIssue[]]) {
    const first = issues[0];
    const entry = edxmlErrorTexts[first.code];
    const detail = first.detail ? ` (${first.detail})` : '';
    const text: Text = {
      vi: `${entry.vi}${first.field ? ` Trường: ${first.field}${detail}.` : detail}`,
      en: `${entry.en}${first.field ? ` Field: ${first.field}${detail}.` : detail}`,
    };
    super(first.code, entry.status, text, { field: first.field, issues });
    this.name = 'EdxmlError';
    this.field = first.field;
    this.issues = issues;
  }
}

/** Creates a codec error for one issue. */
export function edxmlError(code: EdxmlErrorCode, field: string | null = null, detail?: string): EdxmlError {
  return new EdxmlError([{ code, field, ...(detail === undefined ? {} : { detail }) }]);
}
