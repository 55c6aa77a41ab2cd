/** The edXML (QCVN 102:2016) codec: tolerant streaming reader, validation, canonical writer, builders. */
export { readEdxml, DEFAULT_MAX_PACKET_BYTES } from './reader.ts';
export type { ReadEdxmlOptions, AttachmentSink, AttachmentStartMeta, AttachmentWritable } from './reader.ts';
export { writeEdxml } from './writer.ts';
export { validateEdxml, EDXML_LIMITS } from './validate.ts';
export {
  buildNewEdoc,
  buildRevokeEdoc,
  buildUpdateEdoc,
  buildReplaceEdoc,
  buildStatus,
  type EdocInput,
  type StatusInput,
  type AttachmentInput,
  type OrganizationInput,
} from './builders.ts';
export { EdxmlError, edxmlError, edxmlErrorTexts, type EdxmlErrorCode, type EdxmlIssue } from './errors.ts';
export { sniffBytes, describeBytes } from './attachments.ts';
export {
  parseEdxmlDate,
  parseEdxmlTimestamp,
  formatEdxmlDate,
  formatEdxmlTimestamp,
  isoAtUtc7,
  isAgencyCode,
  normalizeAgencyCode,
  canonicalDocumentId,
} from './values.ts';
export * from './types.ts';
