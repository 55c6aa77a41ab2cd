// What travels on the axis for a part handled on another instance: an edXML document (business type
// 0, new) from the filing agency to the part's agency, carrying a JSON description of the part and
// the papers as attachments; the processing statuses (03, 04, 05, 06 — or 02) back as status
// packets; and the result as a reply document carrying a JSON outcome and the result PDF.
import { z } from 'zod';
import {
  buildNewEdoc,
  buildStatus,
  canonicalDocumentId,
  writeEdxml,
  type AttachmentInput,
} from '../../exchange/index.ts';

/** Attachment names that mark the packets of this protocol. */
export const PART_FILE = 'lienthong-phan.json';
export const RESULT_FILE = 'lienthong-ketqua.json';
/** Notation (ký hiệu) of the documents that carry parts and results. */
export const PART_NOTATION = 'LTHS';
export const RESULT_NOTATION = 'LTKQ';
/** Largest JSON description read from a packet. */
export const MAX_JSON_BYTES = 256 * 1024;

const iso = z.iso.datetime({ offset: true });

export const partMessageSchema = z
  .object({
    type: z.literal('lienthong.part'),
    version: z.literal(1),
    partId: z.uuid(),
    order: z.number().int().min(1).max(20),
    parentCode: z.string().min(1).max(100),
    procedureCode: z.string().min(1).max(50),
    procedureName: z.string().min(1).max(500),
    applicantName: z.string().min(1).max(200),
    values: z.record(z.string().max(100), z.unknown()),
    workingDays: z.number().int().min(0).max(365),
    dueAt: iso,
    papers: z
      .array(z.object({ attachment: z.string().min(1).max(200), key: z.string().min(1).max(40) }))
      .max(100),
  })
  .strict();
export type PartMessage = z.infer<typeof partMessageSchema>;

export const resultMessageSchema = z
  .object({
    type: z.literal('lienthong.result'),
    version: z.literal(1),
    partId: z.uuid(),
    documentId: z.string().min(1).max(255),
    outcome: z.enum(['done', 'refused', 'stopped']),
    dossierCode: z.string().max(100).nullable(),
    finishedAt: iso,
    note: z.string().max(1000).nullable(),
    result: z.string().max(200).nullable(),
  })
  .strict();
export type ResultMessage = z.infer<typeof resultMessageSchema>;

/** The DocumentId the part's document will have (known before it is sent, to match statuses early). */
export function partDocumentId(fromCode: string, date: string, number: string): string {
  return canonicalDocumentId(fromCode, date, number, PART_NOTATION) ?? '';
}

/** The document that hands a part to an agency on another instance. */
export function partPacket(o: {
  fromCode: string;
  fromName: string;
  toCode: string;
  toName: string;
  number: string;
  date: string;
  message: PartMessage;
  papers: AttachmentInput[];
}): Buffer {
  const packet = buildNewEdoc({
    from: { organId: o.fromCode, organName: o.fromName.slice(0, 300) },
    to: [{ organId: o.toCode, organName: o.toName.slice(0, 300) }],
    code: { number: o.number, notation: PART_NOTATION },
    promulgationDate: o.date,
    documentType: { typeName: 'Hồ sơ liên thông', type: '1' },
    subject: `Liên thông hồ sơ ${o.message.parentCode}: ${o.message.procedureName}`.slice(0, 500),
    dueDate: o.message.dueAt.slice(0, 10),
    reason: 'Văn bản điện tử mới',
    attachments: [
      {
        name: PART_FILE,
        content: Buffer.from(JSON.stringify(o.message)),
        contentType: 'application/json',
        description: 'Mô tả phần hồ sơ liên thông',
      },
      ...o.papers,
    ],
  });
  return Buffer.from(writeEdxml(packet));
}

/** The document that carried a part, as the answers about it name it. */
export interface OriginalDocument {
  senderCode: string;
  number: string | null;
  notation: string | null;
  date: string | null;
  documentId: string;
}

const responseFor = (o: OriginalDocument) => ({
  organId: o.senderCode,
  code: [o.number, o.notation].filter(Boolean).join('/'),
  promulgationDate: o.date,
  documentId: o.documentId,
});

/** A processing status about the part's document, from the agency that handles it. */
export function partStatusPacket(o: {
  fromCode: string;
  code: string;
  original: OriginalDocument;
  description: string | null;
}): Buffer {
  return Buffer.from(
    writeEdxml(
      buildStatus({
        code: o.code,
        from: { organId: o.fromCode },
        responseFor: { ...responseFor(o.original), promulgationDate: o.original.date ?? '' },
        description: o.description,
      }),
    ),
  );
}

/** The filing agency recalls a part it sent (status 13): the main dossier was withdrawn or stopped. */
export function recallPacket(o: { fromCode: string; original: OriginalDocument; reason: string }): Buffer {
  return Buffer.from(
    writeEdxml(
      buildStatus({
        code: '13',
        from: { organId: o.fromCode },
        responseFor: { ...responseFor(o.original), promulgationDate: o.original.date ?? '' },
        description: o.reason.slice(0, 1000),
      }),
    ),
  );
}

/** The reply that carries the part's outcome and result back to the filing agency. */
export function resultPacket(o: {
  fromCode: string;
  fromName: string;
  toCode: string;
  number: string;
  date: string;
  original: OriginalDocument;
  message: ResultMessage;
  resultPdf: Buffer | null;
}): Buffer {
  const attachments: AttachmentInput[] = [
    {
      name: RESULT_FILE,
      content: Buffer.from(JSON.stringify(o.message)),
      contentType: 'application/json',
      description: 'Kết quả phần hồ sơ liên thông',
    },
  ];
  if (o.resultPdf)
    attachments.push({ name: 'ket-qua.pdf', content: o.resultPdf, contentType: 'application/pdf' });
  const packet = buildNewEdoc({
    from: { organId: o.fromCode, organName: o.fromName.slice(0, 300) },
    to: [{ organId: o.toCode }],
    code: { number: o.number, notation: RESULT_NOTATION },
    promulgationDate: o.date,
    documentType: { typeName: 'Kết quả hồ sơ liên thông', type: '1' },
    subject: `Kết quả liên thông: ${o.message.result ?? o.message.outcome}`.slice(0, 500),
    responseFor: [responseFor(o.original)],
    attachments,
  });
  return Buffer.from(writeEdxml(packet));
}
