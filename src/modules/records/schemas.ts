/** zod schemas of the records pages: queries and form bodies, every string bounded. */
import { z } from 'zod';

const text = (max: number) => z.string().max(max).optional().default('');
const ids = z
  .union([z.string().max(40), z.array(z.string().max(40)).max(200)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x) => x !== ''));
const dateOrEmpty = z.union([z.literal(''), z.iso.date()]).optional();

export const incomingListQuery = z.object({
  q: z.string().max(200).optional(),
  from: dateOrEmpty,
  to: dateOrEmpty,
  sender: z.union([z.literal(''), z.uuid()]).optional(),
  status: z.enum(['', '01', '02', '03', '04', '05', '06']).optional(),
  priority: z.enum(['', '0', '1', '2', '3', '4']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).optional(),
});
export type IncomingListQuery = z.infer<typeof incomingListQuery>;

export const idParams = z.object({ id: z.string().max(40) });
export const attachmentParams = z.object({
  id: z.string().max(40),
  n: z.coerce.number().int().min(0).max(99),
});
export const doneQuery = z.object({
  done: z
    .enum(['register', 'reject', 'assign', 'processing', 'done', 'recall', 'sent', 'recalled', 'updated'])
    .optional(),
  find: z.string().max(200).optional(),
});

const csrf = z.string().max(200).optional();
export const noteBody = z.object({ _csrf: csrf, note: text(1000) });
export const reasonBody = z.object({ _csrf: csrf, reason: text(1000) });
export const assignBody = z.object({
  _csrf: csrf,
  kind: z.enum(['unit', 'person']).optional().default('unit'),
  name: text(200),
  assignNote: text(1000),
});
export const recallAnswerBody = z.object({
  _csrf: csrf,
  answer: z.enum(['accept', 'refuse']),
  recallNote: text(1000),
});

export const searchQuery = z.object({ q: z.string().max(200).optional() });
export const outgoingListQuery = z.object({
  q: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(10_000).optional(),
});

/** The compose page: the recipients picked so far, a directory search, a replaced document. */
export const composeQuery = z.object({
  to: ids,
  find: z.string().max(200).optional(),
  replaces: z.union([z.literal(''), z.uuid()]).optional(),
});

export const competences = ['', 'KT', 'TL', 'TM', 'Q'] as const;

const uploaded = z.object({
  field: z.string().max(100),
  filename: z.string().max(200),
  contentType: z.string().max(255),
  data: z.instanceof(Buffer),
});

/** The compose form: a browser posts it as multipart (file input); scripts may post base64. */
export const composeBody = z.object({
  _csrf: csrf,
  typeName: text(200),
  notation: text(100),
  subject: text(500),
  content: text(500),
  competence: z.enum(competences).optional().default(''),
  signerHead: text(150),
  signerPosition: text(200),
  signerName: text(200),
  place: text(150),
  promulgationDate: text(10),
  priority: z.enum(['0', '1', '2', '3', '4']).optional().default('0'),
  steeringType: z.enum(['', '0', '1', '2', '3']).optional().default(''),
  dueDate: text(10),
  toPlaces: text(4000),
  to: ids,
  replaces: z.union([z.literal(''), z.uuid()]).optional(),
  /** A PDF as base64 (for clients without multipart); a browser sends `files`. */
  pdfBase64: z.string().max(15_000_000).optional(),
  pdfName: z.string().max(200).optional(),
  files: z.array(uploaded).max(10).optional().default([]),
});
export type ComposeBody = z.infer<typeof composeBody>;

export const recallBody = z.object({ _csrf: csrf, reason: text(1000) });
export const updateRecipientsBody = z.object({ _csrf: csrf, add: ids, remove: ids });
