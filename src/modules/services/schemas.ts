import { z } from 'zod';
import { agencyKinds } from '../directory/index.ts';
import { checkFeeRules } from './fees.ts';
import { formDefinitionSchema } from './form/definition.ts';

/** MaTTHC as in the national catalogue (`1.001193`), optionally with a local suffix (`1.001193.000.00.00.H26`). */
export const PROCEDURE_CODE = /^\d{1,2}\.\d{6}(\.[0-9A-Z.]{1,30})?$/;
export const procedureCodeSchema = z.string().trim().max(50).regex(PROCEDURE_CODE, 'SERVICES_BAD_CODE');

export const serviceLevels = ['toan_trinh', 'mot_phan', 'none'] as const;
export const resultTypes = ['paper', 'electronic', 'both'] as const;
export const channels = ['online', 'counter', 'post'] as const;
export const applicantKinds = ['citizen', 'business', 'organisation'] as const;
export const paperCopyKinds = [
  'original',
  'copy',
  'certified_copy',
  'original_or_copy',
  'electronic',
] as const;
export const feeKinds = ['le_phi', 'phi'] as const;

const shortText = (max: number) => z.string().trim().min(1).max(max);
const keySchema = z
  .string()
  .max(40)
  .regex(/^[a-z][a-zA-Z0-9_]{0,39}$/);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const paperSchema = z
  .object({
    key: keySchema,
    name: shortText(500),
    copyKind: z.enum(paperCopyKinds),
    count: z.number().int().min(1).max(20),
    requirement: z.enum(['required', 'conditional']),
    condition: z.string().trim().max(500).optional(),
    template: z
      .union([
        z.object({ kind: z.literal('generated') }).strict(),
        z
          .object({ kind: z.literal('stored'), sha256, fileName: shortText(200), mediaType: shortText(100) })
          .strict(),
      ])
      .optional(),
  })
  .strict();

/** A condition on a form field (dotted path outside repeatable groups), as a field's `showWhen`. */
const feeConditionSchema = z
  .object({
    field: z
      .string()
      .max(200)
      .regex(/^[a-z][a-zA-Z0-9_]{0,39}(\.[a-z][a-zA-Z0-9_]{0,39}){0,3}$/),
    equals: z.union([z.string().max(200), z.number(), z.boolean()]).optional(),
    in: z.array(z.string().max(200)).max(50).optional(),
    filled: z.boolean().optional(),
  })
  .strict();

export const feeSchema = z
  .object({
    kind: z.enum(feeKinds),
    name: shortText(300),
    /** VND, whole đồng (of one unit when `perUnit` is set). */
    amount: z.number().int().min(0).max(1_000_000_000_000),
    /** The catalogue's words; without a rule below, the agency decides and nothing is charged online. */
    condition: z.string().trim().max(500).optional(),
    /** Charged only when this holds for the submitted values. */
    when: feeConditionSchema.optional(),
    /** Not charged when this holds. */
    unless: feeConditionSchema.optional(),
    /** amount × (units − free), units from a number field, a select of numbers or a repeatable group. */
    perUnit: z
      .object({
        field: feeConditionSchema.shape.field,
        free: z.number().int().min(0).max(1000).optional(),
        max: z.number().int().min(1).max(1000).optional(),
      })
      .strict()
      .optional(),
    /** Charged only for dossiers filed through these channels. */
    channels: z
      .array(z.enum(['online', 'counter', 'post']))
      .min(1)
      .max(3)
      .optional(),
  })
  .strict();

export const legalDocumentSchema = z
  .object({
    number: shortText(100),
    title: shortText(500),
    issuedOn: z.iso.date().optional(),
  })
  .strict();

/** Everything a procedure version holds; the row of services_versions keeps it as jsonb. */
export const procedureContentSchema = z
  .object({
    code: procedureCodeSchema,
    /** False when the MaTTHC could not be checked against the national catalogue. */
    codeConfirmed: z.boolean(),
    name: shortText(500),
    sector: z.object({ code: shortText(50), name: shortText(200) }).strict(),
    applicants: z.array(z.enum(applicantKinds)).min(1).max(3),
    agencies: z
      .object({
        /** Kinds of directory agencies competent anywhere (e.g. every commune People's Committee). */
        kinds: z.array(z.enum(agencyKinds)).max(10),
        /** Specific directory agencies (ids). */
        agencyIds: z.array(z.uuid()).max(50),
        /** The competent agency in words, as the national catalogue writes it. */
        description: shortText(1000),
      })
      .strict(),
    where: shortText(1000),
    channels: z.array(z.enum(channels)).min(1).max(3),
    steps: z.array(shortText(1000)).max(30),
    papers: z.array(paperSchema).max(50),
    form: formDefinitionSchema,
    fees: z.array(feeSchema).max(30),
    feeNote: z.string().trim().max(1000).optional(),
    timeLimit: z
      .object({
        workingDays: z.number().int().min(0).max(365),
        hours: z.number().int().min(0).max(72).optional(),
        note: z.string().trim().max(500).optional(),
      })
      .strict(),
    level: z
      .object({
        /** Decree 42/2022: full-process, partial, or no online service. */
        decree42: z.enum(serviceLevels),
        /** Decree 43/2011 level kept for history (1–4). */
        legacy: z.number().int().min(1).max(4).nullable(),
      })
      .strict(),
    result: z.object({ type: z.enum(resultTypes), name: shortText(500) }).strict(),
    legalBasis: z.array(legalDocumentSchema).max(30),
    /** Facts not confirmed against the national catalogue, and other remarks. */
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const issue of checkFeeRules(c.fees, c.form))
      ctx.addIssue({ code: 'custom', message: issue.code, path: issue.path.split('.') });
  })
  .meta({ id: 'ProcedureContent' });
export type ProcedureContent = z.infer<typeof procedureContentSchema>;
export type Paper = z.infer<typeof paperSchema>;
export type Fee = z.infer<typeof feeSchema>;

export const versionSummarySchema = z.object({
  id: z.uuid(),
  number: z.number().int(),
  state: z.enum(['draft', 'published', 'superseded']),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

export const versionSchema = versionSummarySchema
  .extend({ procedureId: z.uuid(), content: procedureContentSchema })
  .meta({ id: 'ProcedureVersion' });
export type ProcedureVersion = z.infer<typeof versionSchema>;

export const procedureSummarySchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    sector: z.object({ code: z.string(), name: z.string() }),
    serviceLevel: z.enum(serviceLevels),
    status: z.enum(['draft', 'published', 'unpublished']),
    ownerAgencyId: z.uuid().nullable(),
    currentVersionId: z.uuid().nullable(),
    latestNumber: z.number().int(),
    hasDraft: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ProcedureSummary' });
export type ProcedureSummary = z.infer<typeof procedureSummarySchema>;

export const createProcedureSchema = z.object({
  ownerAgencyId: z.uuid().nullable().optional(),
  content: procedureContentSchema,
});

export const updateDraftSchema = z.object({
  /** The number of the version the editor started from; another draft since then is a conflict. */
  baseNumber: z.number().int().min(1),
  content: procedureContentSchema,
});

export const searchQuerySchema = z.object({
  q: z.string().max(200).optional(),
  sector: z.string().max(50).optional(),
  agencyId: z.uuid().optional(),
  agencyKind: z.enum(agencyKinds).optional(),
  level: z.enum(serviceLevels).optional(),
  page: z.coerce.number().int().min(1).max(500).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export const searchHitSchema = z.object({
  code: z.string(),
  name: z.string(),
  sector: z.object({ code: z.string(), name: z.string() }),
  serviceLevel: z.enum(serviceLevels),
  versionId: z.uuid(),
  score: z.number(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;
export const searchResultSchema = z.object({
  items: z.array(searchHitSchema).max(100),
  page: z.number().int(),
  hasNext: z.boolean(),
});

export const sectorSchema = z.object({ code: z.string(), name: z.string(), count: z.number().int() });

export const linkedPartSchema = z
  .object({
    order: z.number().int().min(1).max(20),
    procedureCode: procedureCodeSchema,
    /** The agency kind that handles this part (e.g. commune People's Committee, commune police). */
    agencyKind: z.enum(agencyKinds),
    agencyDescription: shortText(500),
    workingDays: z.number().int().min(0).max(365),
    result: shortText(300),
  })
  .strict();
export const linkedSetContentSchema = z
  .object({
    code: z.string().trim().min(1).max(50),
    name: shortText(500),
    description: shortText(2000),
    workingDays: z.number().int().min(0).max(365),
    legalBasis: z.array(legalDocumentSchema).max(30),
    parts: z.array(linkedPartSchema).min(2).max(20),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .meta({ id: 'LinkedProcedureSet' });
export type LinkedSetContent = z.infer<typeof linkedSetContentSchema>;

export const templateUploadSchema = z.object({
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^/\\\0]+$/),
  mediaType: z.enum([
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/msword',
    'text/plain',
  ]),
  /** Base64 of the file, at most 2 MB once decoded. */
  contentBase64: z.base64().max(2_800_000),
});
export const templateRefSchema = z.object({
  sha256,
  bytes: z.number().int(),
  fileName: z.string(),
  mediaType: z.string(),
});

export const codeParams = z.object({ code: procedureCodeSchema });
export const idParams = z.object({ id: z.uuid() });
export const versionParams = z.object({ id: z.uuid(), number: z.coerce.number().int().min(1).max(100_000) });
