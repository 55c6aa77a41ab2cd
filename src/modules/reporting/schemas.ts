/** zod schemas of the reporting module: the regime definition, API bodies and answers. */
import { z } from 'zod';
import { frequencies } from './periods.ts';

const id = z.uuid();
const isoDate = z.iso.date();

export const valueTypes = ['number', 'percentage', 'text', 'choice'] as const;
export const aggregations = ['sum', 'average', 'weighted_average', 'min', 'max', 'none'] as const;
export const channels = ['system', 'edoc', 'email', 'post', 'fax', 'direct'] as const;
export const regimeKinds = ['periodic', 'thematic', 'ad_hoc'] as const;

export const indicatorSchema = z.object({
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter')
    .describe('Stable code used in rules and APIs, e.g. "received"'),
  name: z.string().min(1).max(300),
  unit: z.string().max(50).default(''),
  type: z.enum(valueTypes),
  options: z.array(z.string().min(1).max(100)).max(50).default([]),
  aggregation: z.enum(aggregations).default('sum'),
  weightCode: z
    .string()
    .max(40)
    .nullable()
    .default(null)
    .describe('For weighted_average: the weight indicator'),
  required: z.boolean().default(false),
  min: z.number().nullable().default(null),
  max: z.number().nullable().default(null),
});
export type IndicatorInput = z.input<typeof indicatorSchema>;
export type Indicator = z.output<typeof indicatorSchema>;

export const ruleSchema = z.object({
  expression: z.string().min(1).max(500).describe('e.g. "on_time + late <= received"'),
  message: z.string().max(300).default(''),
});
export type Rule = z.output<typeof ruleSchema>;

/** Who reports: resolved through the directory into effective-dated assignments. */
export const reporterScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all_provinces') }),
  z.object({ kind: z.literal('all_ministries') }),
  z.object({ kind: z.literal('all_communes') }),
  z.object({ kind: z.literal('communes_of'), provinceIds: z.array(id).min(1).max(100) }),
  z.object({ kind: z.literal('explicit'), agencyIds: z.array(id).min(1).max(5000) }),
]);
export type ReporterScope = z.infer<typeof reporterScopeSchema>;

/** A regime version: the nine elements of Decree 09 plus indicators and rules. */
export const regimeDefinitionSchema = z.object({
  title: z.string().min(1).max(500),
  kind: z.enum(regimeKinds).default('periodic'),
  legalBasis: z.string().max(500).default(''),
  content: z.string().max(5000).default('').describe('Required content (element 2)'),
  reporterScope: reporterScopeSchema,
  channels: z.array(z.enum(channels)).min(1).max(6).default(['system']),
  frequency: z.enum(frequencies),
  cutoffStartDay: z.number().int().min(1).max(28).default(15).describe('15 = Decree 09 window 15 → 14'),
  deadlineDays: z.number().int().min(0).max(60).default(2).describe('Working days after the cut-off end'),
  lockDays: z.number().int().min(0).max(365).default(10).describe('Working days after the deadline'),
  reminderDays: z
    .number()
    .int()
    .min(0)
    .max(30)
    .default(2)
    .describe('Remind units that have not submitted this many working days before the deadline'),
  instructions: z.string().max(20_000).default(''),
  validFrom: isoDate.default('2025-01-01'),
  indicators: z.array(indicatorSchema).min(1).max(500),
  rules: z.array(ruleSchema).max(100).default([]),
});
export type RegimeDefinitionInput = z.input<typeof regimeDefinitionSchema>;
export type RegimeDefinition = z.output<typeof regimeDefinitionSchema>;

export const createRegimeSchema = regimeDefinitionSchema.extend({
  code: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  recipientAgencyId: id,
});
export type CreateRegimeInput = z.input<typeof createRegimeSchema>;

export const regimeVersionSchema = z
  .object({
    id,
    regimeId: id,
    code: z.string().max(64),
    recipientAgencyId: id,
    version: z.number().int(),
    status: z.enum(['draft', 'published', 'retired']),
    publishedAt: z.string().max(40).nullable(),
    definition: regimeDefinitionSchema,
  })
  .meta({ id: 'ReportingRegimeVersion' });
export type RegimeVersion = z.infer<typeof regimeVersionSchema>;

export const assignBodySchema = z.object({
  agencyIds: z.array(id).max(5000).optional().describe('Explicit units; default: the regime scope'),
  validFrom: isoDate,
  validTo: isoDate.nullable().default(null),
});

export const periodSchema = z
  .object({
    id,
    regimeId: id,
    versionId: id,
    key: z.string().max(20),
    cutoffStart: isoDate,
    cutoffEnd: isoDate,
    dueOn: isoDate,
    lockOn: isoDate,
    expected: z.number().int(),
  })
  .meta({ id: 'ReportingPeriod' });
export type Period = z.infer<typeof periodSchema>;

export const valueSchema = z.union([z.number(), z.string().max(2000), z.null()]);
export const valuesSchema = z
  .record(z.string().max(40), valueSchema)
  .refine((v) => Object.keys(v).length <= 500, {
    message: 'at most 500 values',
  });
export type Values = z.infer<typeof valuesSchema>;

export const submitBodySchema = z.object({
  regime: z.string().max(64).describe('Regime code'),
  period: z.string().max(20).describe('Period key, e.g. 2025-M11'),
  agencyId: id.optional().describe('Reporting unit; default the caller’s agency'),
  values: valuesSchema,
  submit: z.boolean().default(true).describe('false saves a draft'),
});

export const submissionSchema = z
  .object({
    id,
    periodId: id,
    regimeCode: z.string().max(64),
    periodKey: z.string().max(20),
    agencyId: id,
    version: z.number().int(),
    status: z.enum(['draft', 'submitted', 'returned', 'approved']),
    superseded: z.boolean(),
    approvalLevel: z.number().int(),
    approvalLevels: z.number().int(),
    submittedAt: z.string().max(40).nullable(),
    late: z.boolean().nullable(),
    contentHash: z.string().max(64).nullable(),
    signatureState: z.enum(['signed', 'hash_only']).nullable(),
    certificateSerial: z.string().max(100).nullable(),
    values: valuesSchema,
  })
  .meta({ id: 'ReportingSubmission' });
export type Submission = z.infer<typeof submissionSchema>;

export const decisionBodySchema = z.object({ comment: z.string().max(2000).default('') });

export const aggregateRowSchema = z.object({
  code: z.string().max(40),
  value: z.number().nullable(),
  count: z.number().int(),
});
export const unitSummarySchema = z.object({
  unitId: id,
  expected: z.number().int(),
  submitted: z.number().int(),
  onTime: z.number().int(),
  late: z.number().int(),
  approved: z.number().int(),
  values: z.array(aggregateRowSchema).max(500),
});
export type UnitSummary = z.infer<typeof unitSummarySchema>;

export const idParams = z.object({ id });
