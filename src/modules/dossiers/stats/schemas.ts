// Request and response schemas of the statistics and register API (zod → OpenAPI).
import { z } from 'zod';
import { dossierChannels, dossierStatuses } from '../tables.ts';

const text = z.object({ vi: z.string(), en: z.string() });
const flag = z
  .enum(['1', 'true', 'on', '0', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'on');

export const periodQuery = {
  period: z
    .string()
    .max(7)
    .regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/)
    .optional()
    .describe('A month (2026-11), a quarter (2026-Q4) or a year (2026); default: this month'),
  from: z.iso.date().optional().describe('Start of a custom range (local date), with `to`'),
  to: z.iso.date().optional().describe('End of a custom range (inclusive), at most 3 years after `from`'),
};

export const statsQuery = z.object({
  ...periodQuery,
  agencyId: z.uuid().optional().describe('Default: the officer’s agency; administrators: every agency'),
  units: flag.describe('Count the units below the agency with it'),
  procedureCode: z.string().max(100).optional(),
  channel: z.enum(dossierChannels).optional(),
  groupBy: z.enum(['procedure', 'agency', 'channel', 'month', 'none']).optional(),
});

export const registerQuery = z.object({
  ...periodQuery,
  agencyId: z.uuid().optional().describe('Default: the officer’s agency'),
  procedureCode: z.string().max(100).optional(),
  channel: z.enum(dossierChannels).optional(),
  group: z.enum(['open', 'finished', 'closed']).optional(),
  timeliness: z.enum(['early', 'on_time', 'late', 'overdue']).optional(),
  q: z.string().max(100).optional().describe('A dossier code (exact) or part of the applicant’s name'),
  page: z.coerce.number().int().min(1).max(10_000).optional(),
  pageSize: z.coerce.number().int().min(1).max(200).optional(),
});

const periodSchema = z.object({
  kind: z.enum(['month', 'quarter', 'year', 'range']),
  from: z.string(),
  to: z.string(),
  label: text,
});

const share = z.number().nullable();
export const statsRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  received: z.object({
    online: z.number(),
    counter: z.number(),
    post: z.number(),
    nationalPortal: z.number(),
    total: z.number(),
  }),
  carriedOver: z.number(),
  finished: z.number(),
  early: z.number(),
  onTime: z.number(),
  late: z.number(),
  onTimeRate: share,
  refused: z.number(),
  withdrawn: z.number(),
  stopped: z.number(),
  inProgress: z.number(),
  averageProcessingDays: z.number().nullable(),
  onlineShare: share,
  onlinePaymentShare: share,
  digitisedShare: share,
  electronicResultShare: share,
  ratings: z.number(),
  averageRating: z.number().nullable(),
  satisfiedShare: share,
});

export const statsReportSchema = z.object({
  period: periodSchema,
  agency: z.object({ id: z.string(), name: z.string() }).nullable(),
  units: z.boolean(),
  groupBy: z.enum(['procedure', 'agency', 'channel', 'month', 'none']),
  rows: z.array(statsRowSchema),
  total: statsRowSchema,
  index: z.array(
    z.object({
      key: z.enum(['publicity', 'progress', 'digitisation', 'onlineServices', 'satisfaction']),
      max: z.number(),
      points: z.number().nullable(),
      basis: text,
    }),
  ),
});

export const registerPageSchema = z.object({
  agency: z.object({ id: z.string(), name: z.string() }),
  period: periodSchema,
  page: z.number(),
  pageSize: z.number(),
  hasNext: z.boolean(),
  entries: z.array(
    z.object({
      seq: z.number(),
      id: z.string(),
      code: z.string(),
      applicantName: z.string(),
      procedureCode: z.string(),
      procedureName: z.string(),
      channel: z.enum(dossierChannels),
      status: z.enum(dossierStatuses),
      statusName: text,
      receivedAt: z.string(),
      dueAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      returnedAt: z.string().nullable(),
      timeliness: z.enum(['early', 'on_time', 'late', 'in_time', 'overdue']).nullable(),
    }),
  ),
});
