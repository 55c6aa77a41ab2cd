import { z } from 'zod';
import { codeSchemes } from './codes.ts';
import { agencyKinds } from './types.ts';

const isoDate = z.iso.date().describe('yyyy-MM-dd');
const name = z.string().trim().min(1).max(300);
const ref = z.string().trim().min(1).max(120).describe('An agency id or one of its codes');
export const schemeSchema = z.enum(codeSchemes);
export const kindSchema = z.enum(agencyKinds);

export const agencySummarySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    shortName: z.string().nullable(),
    kind: z.string(),
    parentId: z.uuid().nullable(),
    active: z.boolean(),
    level: z.number().int(),
    validFrom: z.string(),
    validTo: z.string().nullable(),
  })
  .meta({ id: 'AgencySummary' });

const codeSchema = z.object({
  id: z.uuid(),
  scheme: schemeSchema,
  code: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  confirmed: z.boolean(),
  note: z.string().nullable(),
});

export const agencyDetailSchema = agencySummarySchema
  .extend({
    version: z.number().int(),
    names: z.array(
      z.object({
        name: z.string(),
        shortName: z.string().nullable(),
        validFrom: z.string(),
        validTo: z.string().nullable(),
      }),
    ),
    codes: z.array(codeSchema),
    parent: agencySummarySchema.nullable(),
    children: z.array(agencySummarySchema),
    events: z.array(
      z.object({
        id: z.uuid(),
        kind: z.string(),
        effectiveOn: z.string(),
        legalBasis: z.string().nullable(),
        note: z.string().nullable(),
        agencies: z.array(
          z.object({ agencyId: z.uuid(), name: z.string(), role: z.string(), isDefault: z.boolean() }),
        ),
      }),
    ),
    predecessors: z.array(agencySummarySchema),
    successors: z.array(agencySummarySchema),
  })
  .meta({ id: 'AgencyDetail' });

export const searchQuerySchema = z.object({
  q: z.string().max(200).optional(),
  kind: z.union([kindSchema, z.literal('')]).optional(),
  parentId: z.union([z.uuid(), z.literal('')]).optional(),
  status: z.enum(['active', 'closed', 'all']).default('all'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const searchResultSchema = z.object({
  items: z.array(
    agencySummarySchema.extend({
      codes: z.array(z.object({ scheme: schemeSchema, code: z.string(), confirmed: z.boolean() })).max(100),
    }),
  ),
  page: z.number().int(),
  hasNext: z.boolean(),
});

export const resolveQuerySchema = z.object({
  code: z.string().trim().min(1).max(120),
  at: isoDate.optional(),
});

export const resolutionSchema = z
  .object({
    heldBy: agencySummarySchema,
    responsible: agencySummarySchema,
    current: agencySummarySchema,
    chain: z.array(agencySummarySchema),
    code: z.object({
      scheme: schemeSchema,
      code: z.string(),
      validFrom: z.string(),
      validTo: z.string().nullable(),
      confirmed: z.boolean(),
    }),
  })
  .meta({ id: 'Resolution' });

export const createAgencySchema = z.object({
  name,
  shortName: z.string().trim().max(100).nullable().optional(),
  kind: kindSchema,
  parentId: z.uuid().nullable().optional(),
  validFrom: isoDate.optional(),
  codes: z
    .array(
      z.object({
        scheme: schemeSchema,
        code: z.string().trim().min(1).max(100),
        validFrom: isoDate.optional(),
        confirmed: z.boolean().optional(),
      }),
    )
    .max(20),
});

export const updateAgencySchema = z.object({
  version: z.number().int().min(1),
  name,
  shortName: z.string().trim().max(100).nullable(),
  kind: kindSchema,
  parentId: z.uuid().nullable(),
  effectiveOn: isoDate.optional(),
  legalBasis: z.string().trim().max(500).nullable().optional(),
});

export const addCodeSchema = z.object({
  scheme: schemeSchema,
  code: z.string().trim().min(1).max(100),
  validFrom: isoDate.optional(),
  validTo: isoDate.nullable().optional(),
  confirmed: z.boolean().optional(),
  note: z.string().trim().max(500).nullable().optional(),
});

export const closeCodeSchema = z.object({ validTo: isoDate });
export const closeAgencySchema = z.object({
  effectiveOn: isoDate,
  legalBasis: z.string().trim().min(1).max(500),
  successor: ref.nullable().optional(),
});

export const mergeSchema = z.object({
  predecessors: z.array(ref).min(1).max(100),
  successor: ref,
  effectiveOn: isoDate,
  legalBasis: z.string().trim().min(1).max(500),
  survivingCode: z.string().trim().max(120).nullable().optional(),
  note: z.string().trim().max(1000).nullable().optional(),
});

export const splitSchema = z.object({
  predecessor: ref,
  successors: z.array(ref).min(1).max(100),
  defaultSuccessor: ref,
  effectiveOn: isoDate,
  legalBasis: z.string().trim().min(1).max(500),
  note: z.string().trim().max(1000).nullable().optional(),
});

export const csvProblemSchema = z.object({
  line: z.number().int(),
  column: z.string().nullable(),
  code: z.string(),
  message: z.object({ vi: z.string(), en: z.string() }),
});
export const importReportSchema = z.object({
  imported: z.number().int(),
  problems: z.array(csvProblemSchema).max(1000),
});
export const idParams = z.object({ id: z.uuid() });
