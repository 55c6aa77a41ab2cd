// Schemas of the inter-agency API (zod: the types and the OpenAPI document).
import { z } from 'zod';
import { dossierStatuses } from '../tables.ts';
import { interagencyProcedureSchema } from './definition.ts';
import { partStates } from './tables.ts';

const text = z.object({ vi: z.string(), en: z.string() });
const timeliness = z.enum(['early', 'on_time', 'late']).nullable();

export const partSchema = z
  .object({
    order: z.number().int(),
    procedureCode: z.string(),
    procedureName: z.string(),
    agencyName: z.string().nullable(),
    agencyCode: z.string().nullable(),
    route: z.enum(['local', 'remote']).nullable(),
    state: z.enum(partStates),
    stateName: text,
    remoteStatus: z.string().nullable(),
    workingDays: z.number().int(),
    after: z.array(z.number().int()),
    startedAt: z.string().nullable(),
    dueAt: z.string(),
    finishedAt: z.string().nullable(),
    timeliness,
    overdue: z.boolean(),
    childDossierId: z.uuid().nullable(),
    childDossierCode: z.string().nullable(),
    hasResult: z.boolean(),
    note: z.string().nullable(),
    timeline: z.array(
      z.object({
        state: z.string(),
        code: z.string().nullable(),
        note: z.string().nullable(),
        at: z.string(),
      }),
    ),
  })
  .meta({ id: 'InteragencyPart' });

export const interagencySchema = z
  .object({
    dossier: z.object({
      id: z.uuid(),
      code: z.string().nullable(),
      procedureName: z.string(),
      agencyName: z.string(),
      status: z.enum(dossierStatuses),
    }),
    scope: z.enum(['all', 'own']),
    dueAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    timeliness,
    lateParts: z.array(z.number().int()),
    parts: z.array(partSchema),
  })
  .meta({ id: 'InteragencyDossier' });

export const idParams = z.object({ id: z.uuid() });
export const procedureListSchema = z.object({ items: z.array(interagencyProcedureSchema) });
export { interagencyProcedureSchema };
