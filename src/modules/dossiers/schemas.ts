// zod schemas of the dossiers API: what comes in and what goes out (no hashes, no blob addresses).
import { z } from 'zod';
import { dossierChannels, dossierStatuses, eventKinds, returnMethods, timelinessValues } from './tables.ts';

const text = z.object({ vi: z.string().max(200), en: z.string().max(200) });
const isoTime = z.iso.datetime().nullable();

export const idParams = z.object({ id: z.uuid() });

export const dossierSchema = z
  .object({
    id: z.uuid(),
    code: z.string().max(100).nullable().describe('MaHoSo; null while a draft'),
    status: z.enum(dossierStatuses),
    nationalStatus: z
      .number()
      .int()
      .min(1)
      .max(10)
      .nullable()
      .describe('TrangThaiHoSo of the national portal'),
    statusName: text,
    procedureCode: z.string().max(100),
    procedureName: z.string().max(500),
    versionId: z.uuid(),
    agencyId: z.uuid(),
    agencyName: z.string().max(300),
    applicantName: z.string().max(200),
    values: z.record(z.string(), z.unknown()),
    feeTotal: z.number().int().min(0),
    feePaid: z.boolean(),
    submittedAt: isoTime,
    dueAt: isoTime,
    finishedAt: isoTime,
    createdAt: z.iso.datetime(),
    supplementNote: z.string().max(2000).nullable(),
    hasResult: z.boolean(),
    rating: z.number().int().min(1).max(5).nullable(),
    feedback: z.string().max(2000).nullable(),
    rowVersion: z
      .number()
      .int()
      .min(1)
      .describe('Send back with every officer action; a stale one answers 409'),
    channel: z.enum(dossierChannels),
    receivedAt: isoTime.describe('NgayTiepNhan'),
    originalDueAt: isoTime.describe('Due date at acceptance'),
    extendedDueAt: isoTime.describe('Due date after an extension (form 04)'),
    resultReference: z.string().max(100).nullable().describe('Number of the result in the agency’s register'),
    resultSigned: z.boolean(),
    returnMethod: z.enum(returnMethods).nullable().describe('HinhThuc'),
    deliveredAt: isoTime,
    timeliness: z.enum(timelinessValues).nullable(),
    refusalReason: z.string().max(2000).nullable(),
    stopReason: z.string().max(2000).nullable(),
    archivedAt: isoTime,
  })
  .meta({ id: 'Dossier' });

export const timelineEntrySchema = z.object({
  kind: z.enum(eventKinds),
  status: z.enum(dossierStatuses),
  nationalStatus: z.number().int().nullable(),
  statusName: text,
  note: z.string().max(2000).nullable(),
  at: z.iso.datetime(),
});

export const paperSchema = z.object({
  id: z.uuid(),
  paperKey: z.string().max(40),
  purpose: z.enum(['paper', 'supplement']),
  fileName: z.string().max(200),
  mediaType: z.string().max(50),
  bytes: z.number().int(),
  uploadedAt: z.iso.datetime(),
});

export const dossierDetailSchema = z
  .object({
    dossier: dossierSchema,
    timeline: z.array(timelineEntrySchema).max(500),
    papers: z.array(paperSchema).max(200),
  })
  .meta({ id: 'DossierDetail' });

export const dossierListSchema = z.object({ items: z.array(dossierSchema).max(200) });

export const createDraftBody = z.object({
  procedureCode: z.string().min(1).max(100),
  agencyId: z.uuid(),
  applicantName: z.string().trim().min(1).max(200),
});

export const valuesBody = z.object({ values: z.record(z.string().max(40), z.unknown()) });

export const submitAnswer = z.object({
  dossier: dossierSchema,
  lookupSecret: z.string().max(40).describe('Printed on the receipt; shown once'),
});

export const reasonBody = z.object({ reason: z.string().max(2000).default('') });

export const lookupBody = z.object({ code: z.string().min(1).max(100), secret: z.string().min(1).max(40) });

export const lookupSchema = z
  .object({
    code: z.string().max(100),
    procedureName: z.string().max(500),
    agencyName: z.string().max(300),
    status: z.enum(dossierStatuses),
    nationalStatus: z.number().int().nullable(),
    statusName: text,
    submittedAt: isoTime,
    dueAt: isoTime,
  })
  .meta({ id: 'DossierLookup' });

export const statsQuery = z.object({
  agencyId: z.uuid().optional(),
  procedureCode: z.string().max(100).optional(),
});

export const statsSchema = z
  .object({
    items: z
      .array(
        z.object({
          agencyId: z.uuid(),
          agencyName: z.string().max(300),
          procedureCode: z.string().max(100),
          procedureName: z.string().max(500),
          received: z.number().int(),
          completed: z.number().int(),
          onTime: z.number().int(),
          onTimeRate: z.number().min(0).max(1).nullable(),
          averageRating: z.number().min(1).max(5).nullable(),
          ratings: z.number().int(),
        }),
      )
      .max(500),
  })
  .meta({ id: 'DossierStatistics' });

export const feedbackBody = z.object({
  rating: z.coerce.number().int().min(1).max(5),
  comment: z.string().max(2000).default(''),
});
