import type { RequestContext } from '../../platform/context.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import { codeCandidates } from './codes.ts';
import { isIsoDate } from './dates.ts';
import { AgencyClosed, AgencyNotFound, EventInvalid } from './errors.ts';
import { assertCanEditDirectory } from './policies.ts';
import { codesOf, insertCodes, insertEvents, lockAgency, type EventLinkInsert } from './repo.ts';
import { newId, type DirectoryStore } from './store.ts';
import type { AgencyService } from './service.ts';
import type { DirDb } from './tables.ts';
import type { MergeInput, SplitInput } from './types.ts';

function requireDate(value: string, field: string): string {
  if (!isIsoDate(value)) throw ValidationFailed({ fields: [{ field, message: 'yyyy-MM-dd' }] });
  return value;
}

function requireLegalBasis(value: string): string {
  const v = value.trim();
  if (v === '' || v.length > 500)
    throw ValidationFailed({ fields: [{ field: 'legalBasis', message: 'length 1..500' }] });
  return v;
}

/**
 * Closes an agency on `on` (exclusive end): its open codes and name end the same day.
 * The agency must be in force on `on`.
 */
async function closeAgencyRow(trx: DirDb, agencyId: string, on: string): Promise<void> {
  const row = await lockAgency(trx, agencyId);
  if (!row) throw AgencyNotFound({ agencyId });
  if (row.valid_from >= on || (row.valid_to !== null && row.valid_to <= on))
    throw AgencyClosed({ agencyId, name: row.name, on });
  await trx
    .updateTable('directory_agencies')
    .set({ valid_to: on, version: row.version + 1, updated_at: new Date() })
    .where('id', '=', agencyId)
    .execute();
  for (const table of ['directory_codes', 'directory_agency_names'] as const)
    await trx
      .updateTable(table)
      .set({ valid_to: on })
      .where('agency_id', '=', agencyId)
      .where('valid_from', '<', on)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', on)]))
      .execute();
}

/** Merges, splits and closures: dated events with legal basis, predecessors and successors. */
export function createReorgService(store: DirectoryStore, agencies: AgencyService) {
  async function agencyIdOf(ref: string, at: string, field: string): Promise<string> {
    const found = await agencies.findByRef(ref, at);
    if (!found) throw EventInvalid({ field, ref: ref.slice(0, 120), reason: 'unknown agency' });
    return found.id;
  }

  return {
    /**
     * Merges predecessors into a successor on `effectiveOn`: each predecessor other than the
     * successor is closed, its codes end, and `survivingCode` (if one of theirs) moves to
     * the successor. Traffic to the closed codes then resolves to the successor.
     */
    async recordMerge(ctx: RequestContext, input: MergeInput) {
      assertCanEditDirectory(ctx.actor);
      const on = requireDate(input.effectiveOn, 'effectiveOn');
      const legalBasis = requireLegalBasis(input.legalBasis);
      const successorId = await agencyIdOf(input.successor, on, 'successor');
      const predecessorIds = [
        ...new Set(await Promise.all(input.predecessors.map((p) => agencyIdOf(p, on, 'predecessors')))),
      ];
      const closing = predecessorIds.filter((id) => id !== successorId);
      if (closing.length === 0 || predecessorIds.length > 100)
        throw EventInvalid({
          field: 'predecessors',
          reason: 'at least one predecessor other than the successor',
        });
      const surviving = input.survivingCode?.trim() ? codeCandidates(input.survivingCode) : [];
      if (input.survivingCode?.trim() && surviving.length === 0)
        throw EventInvalid({ field: 'survivingCode', reason: 'not a code' });
      const eventId = newId();
      return store.write(
        ctx,
        async (trx) => {
          const successor = await lockAgency(trx, successorId);
          if (
            !successor ||
            successor.valid_from > on ||
            (successor.valid_to !== null && successor.valid_to <= on)
          )
            throw AgencyClosed({ agencyId: successorId, on });
          const moved: string[] = [];
          if (surviving.length > 0) {
            const codes = (await codesOf(trx, closing)).filter(
              (c) =>
                c.valid_from < on &&
                (c.valid_to === null || c.valid_to > on) &&
                surviving.some((s) => s.scheme === c.scheme && s.code === c.code),
            );
            if (codes.length === 0)
              throw EventInvalid({
                field: 'survivingCode',
                reason: 'not a code of a predecessor on that date',
              });
            for (const id of closing) await closeAgencyRow(trx, id, on);
            await insertCodes(
              trx,
              codes.map((c) => ({
                ...c,
                id: newId(),
                agency_id: successorId,
                valid_from: on,
                valid_to: null,
              })),
            );
            moved.push(...codes.map((c) => `${c.scheme}:${c.code}`));
          } else {
            for (const id of closing) await closeAgencyRow(trx, id, on);
          }
          const links: EventLinkInsert[] = [
            ...predecessorIds.map((id) => ({
              event_id: eventId,
              agency_id: id,
              role: 'predecessor' as const,
              is_default: false,
            })),
            { event_id: eventId, agency_id: successorId, role: 'successor', is_default: true },
          ];
          await insertEvents(
            trx,
            [
              {
                id: eventId,
                kind: 'merge',
                effective_on: on,
                legal_basis: legalBasis,
                note: input.note?.trim() || null,
              },
            ],
            links,
          );
          return { eventId, closed: closing, moved };
        },
        (r) => ({
          action: 'directory.event.merge',
          subjectType: 'agency',
          subjectIds: [eventId, successorId, ...r.closed],
          agencyId: successorId,
          details: { effectiveOn: on, legalBasis, movedCodes: r.moved },
        }),
      );
    },

    /** Splits a predecessor into successors on `effectiveOn`; the default one takes its traffic. */
    async recordSplit(ctx: RequestContext, input: SplitInput) {
      assertCanEditDirectory(ctx.actor);
      const on = requireDate(input.effectiveOn, 'effectiveOn');
      const legalBasis = requireLegalBasis(input.legalBasis);
      const predecessorId = await agencyIdOf(input.predecessor, on, 'predecessor');
      const successorIds = [
        ...new Set(await Promise.all(input.successors.map((s) => agencyIdOf(s, on, 'successors')))),
      ];
      const defaultId = await agencyIdOf(input.defaultSuccessor, on, 'defaultSuccessor');
      if (successorIds.length < 1 || successorIds.length > 100 || successorIds.includes(predecessorId))
        throw EventInvalid({
          field: 'successors',
          reason: 'one or more successors other than the predecessor',
        });
      if (!successorIds.includes(defaultId))
        throw EventInvalid({ field: 'defaultSuccessor', reason: 'must be one of the successors' });
      const eventId = newId();
      return store.write(
        ctx,
        async (trx) => {
          await closeAgencyRow(trx, predecessorId, on);
          await insertEvents(
            trx,
            [
              {
                id: eventId,
                kind: 'split',
                effective_on: on,
                legal_basis: legalBasis,
                note: input.note?.trim() || null,
              },
            ],
            [
              { event_id: eventId, agency_id: predecessorId, role: 'predecessor', is_default: false },
              ...successorIds.map((id) => ({
                event_id: eventId,
                agency_id: id,
                role: 'successor' as const,
                is_default: id === defaultId,
              })),
            ],
          );
          return { eventId };
        },
        () => ({
          action: 'directory.event.split',
          subjectType: 'agency',
          subjectIds: [eventId, predecessorId, ...successorIds],
          agencyId: predecessorId,
          details: { effectiveOn: on, legalBasis, defaultSuccessor: defaultId },
        }),
      );
    },

    /** Closes an agency on `effectiveOn`, optionally naming the successor that takes its traffic. */
    async closeAgency(
      ctx: RequestContext,
      agencyId: string,
      input: { effectiveOn: string; legalBasis: string; successor?: string | null },
    ) {
      assertCanEditDirectory(ctx.actor);
      const on = requireDate(input.effectiveOn, 'effectiveOn');
      const legalBasis = requireLegalBasis(input.legalBasis);
      const successorId = input.successor?.trim() ? await agencyIdOf(input.successor, on, 'successor') : null;
      if (successorId === agencyId) throw EventInvalid({ field: 'successor', reason: 'the agency itself' });
      const eventId = newId();
      return store.write(
        ctx,
        async (trx) => {
          await closeAgencyRow(trx, agencyId, on);
          await insertEvents(
            trx,
            [{ id: eventId, kind: 'close', effective_on: on, legal_basis: legalBasis, note: null }],
            [
              { event_id: eventId, agency_id: agencyId, role: 'predecessor', is_default: false },
              ...(successorId
                ? [
                    {
                      event_id: eventId,
                      agency_id: successorId,
                      role: 'successor' as const,
                      is_default: true,
                    },
                  ]
                : []),
            ],
          );
          return { eventId };
        },
        () => ({
          action: 'directory.agency.close',
          subjectType: 'agency',
          subjectIds: [eventId, agencyId, ...(successorId ? [successorId] : [])],
          agencyId,
          details: { effectiveOn: on, legalBasis },
        }),
      );
    },
  };
}
export type ReorgService = ReturnType<typeof createReorgService>;
