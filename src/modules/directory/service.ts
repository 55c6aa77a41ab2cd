import type { RequestContext } from '../../platform/context.ts';
import { ValidationFailed } from '../../platform/errors.ts';
import { codeCandidates, type CodeScheme } from './codes.ts';
import { isIsoDate, today } from './dates.ts';
import { AgencyNotFound, CodeNotFound, CodeTaken, ParentInvalid, VersionConflict } from './errors.ts';
import { assertCanEditDirectory } from './policies.ts';
import {
  childrenOf,
  codesOf,
  eventsOf,
  findAgencies,
  findAgency,
  findCode,
  insertAgencies,
  insertCodes,
  insertNames,
  isAncestor,
  lockAgency,
  namesOf,
  overlappingCodes,
  searchAgencies,
} from './repo.ts';
import { isUuid, type Resolver } from './resolve.ts';
import { agencySearchText, searchWords } from './search.ts';
import { newId, refreshSearchText, requireCode, toSummary, type DirectoryStore } from './store.ts';
import type { DirDb } from './tables.ts';
import {
  agencyKinds,
  type AgencyDetail,
  type AgencySummary,
  type CreateAgencyInput,
  type SearchHit,
  type SearchQuery,
  type UpdateAgencyInput,
} from './types.ts';

const MAX_NAME = 300;

function requireDate(value: string | undefined, field: string, fallback = today()): string {
  const v = value ?? fallback;
  if (!isIsoDate(v)) throw ValidationFailed({ fields: [{ field, message: 'yyyy-MM-dd' }] });
  return v;
}

function requireName(name: string, field = 'name'): string {
  const v = name.trim();
  if (v === '' || v.length > MAX_NAME)
    throw ValidationFailed({ fields: [{ field, message: 'length 1..300' }] });
  return v;
}

function requireKind(kind: string): void {
  if (!(agencyKinds as readonly string[]).includes(kind))
    throw ValidationFailed({ fields: [{ field: 'kind', message: 'unknown kind' }] });
}

/** Refuses a code period that overlaps a period of the same (scheme, code) already held. */
async function assertCodeFree(trx: DirDb, scheme: CodeScheme, code: string, from: string, to: string | null) {
  const clash = await overlappingCodes(trx, [{ scheme, code }], from, to);
  if (clash[0]) throw CodeTaken({ scheme, code, heldBy: clash[0].agency_id, validFrom: clash[0].valid_from });
}

/** Creating, reading, editing and searching agencies and their codes. */
export function createAgencyService(store: DirectoryStore, resolver: Resolver) {
  const { db } = store;

  async function parentLevel(trx: DirDb, parentId: string | null | undefined): Promise<number> {
    if (!parentId) return 0;
    const parent = isUuid(parentId) ? await findAgency(trx, parentId) : undefined;
    if (!parent) throw ParentInvalid();
    return parent.level;
  }

  return {
    /** Creates an agency with its codes (platform administrators and the platform only). */
    async createAgency(ctx: RequestContext, input: CreateAgencyInput): Promise<AgencySummary> {
      assertCanEditDirectory(ctx.actor);
      const name = requireName(input.name);
      const shortName = input.shortName?.trim() || null;
      requireKind(input.kind);
      const validFrom = requireDate(input.validFrom, 'validFrom');
      const codes = input.codes.map((c, i) => ({
        scheme: c.scheme,
        code: requireCode(c.scheme, c.code),
        validFrom: requireDate(c.validFrom, `codes.${i}.validFrom`, validFrom),
        confirmed: c.confirmed ?? true,
      }));
      const id = newId();
      const row = await store.write(
        ctx,
        async (trx) => {
          const level = Math.min(10, (await parentLevel(trx, input.parentId)) + 1);
          for (const c of codes) await assertCodeFree(trx, c.scheme, c.code, c.validFrom, null);
          const agency = {
            id,
            kind: input.kind,
            parent_id: input.parentId ?? null,
            level,
            name,
            short_name: shortName,
            valid_from: validFrom,
            valid_to: null,
            search_text: agencySearchText(
              [name, shortName],
              codes.map((c) => c.code),
            ),
          };
          await insertAgencies(trx, [agency]);
          await insertNames(trx, [
            { agency_id: id, name, short_name: shortName, valid_from: validFrom, valid_to: null },
          ]);
          await insertCodes(
            trx,
            codes.map((c) => ({
              id: newId(),
              agency_id: id,
              scheme: c.scheme,
              code: c.code,
              valid_from: c.validFrom,
              valid_to: null,
              confirmed: c.confirmed,
              note: null,
            })),
          );
          return (await findAgency(trx, id))!;
        },
        (r) => ({
          action: 'directory.agency.create',
          subjectType: 'agency',
          subjectIds: [r.id],
          agencyId: r.id,
          details: { kind: r.kind, codes: codes.map((c) => `${c.scheme}:${c.code}`) },
        }),
      );
      return toSummary(row);
    },

    /** Everything the agency page shows: names, codes, hierarchy and events. */
    async getAgencyDetail(id: string): Promise<AgencyDetail | null> {
      if (!isUuid(id)) return null;
      const row = await findAgency(db, id);
      if (!row) return null;
      const [names, codes, children, events, parentRow] = await Promise.all([
        namesOf(db, id),
        codesOf(db, [id]),
        childrenOf(db, id, 500),
        eventsOf(db, id),
        row.parent_id ? findAgency(db, row.parent_id) : Promise.resolve(undefined),
      ]);
      const related = (role: string) =>
        events.flatMap((e) => {
          const mine = e.agencies.find((l) => l.agency_id === id);
          if (!mine) return [];
          const wanted = mine.role === 'predecessor' && role === 'successor' ? 'successor' : null;
          const wantedP = mine.role === 'successor' && role === 'predecessor' ? 'predecessor' : null;
          const r = wanted ?? wantedP;
          return r
            ? e.agencies.filter((l) => l.role === r && l.agency_id !== id).map((l) => l.agency_id)
            : [];
        });
      const [preds, succs] = await Promise.all([
        findAgencies(db, [...new Set(related('predecessor'))]),
        findAgencies(db, [...new Set(related('successor'))]),
      ]);
      return {
        ...toSummary(row),
        version: row.version,
        names: names.map((n) => ({
          name: n.name,
          shortName: n.short_name,
          validFrom: n.valid_from,
          validTo: n.valid_to,
        })),
        codes: codes.map((c) => ({
          id: c.id,
          scheme: c.scheme as CodeScheme,
          code: c.code,
          validFrom: c.valid_from,
          validTo: c.valid_to,
          confirmed: c.confirmed,
          note: c.note,
        })),
        parent: parentRow ? toSummary(parentRow) : null,
        children: children.map((c) => toSummary(c)),
        events: events.map((e) => ({
          id: e.id,
          kind: e.kind,
          effectiveOn: e.effective_on,
          legalBasis: e.legal_basis,
          note: e.note,
          agencies: e.agencies.map((l) => ({
            agencyId: l.agency_id,
            name: l.name,
            role: l.role,
            isDefault: l.is_default,
          })),
        })),
        predecessors: preds.map((a) => toSummary(a)),
        successors: succs.map((a) => toSummary(a)),
      };
    },

    /**
     * Edits an agency's name, kind and parent. `version` must be the one the editor saw,
     * otherwise DIRECTORY_VERSION_CONFLICT. A new name is recorded from `effectiveOn` with a
     * rename event; the former name stays in the history.
     */
    async updateAgency(ctx: RequestContext, id: string, input: UpdateAgencyInput): Promise<AgencySummary> {
      assertCanEditDirectory(ctx.actor);
      const name = requireName(input.name);
      const shortName = input.shortName?.trim() || null;
      requireKind(input.kind);
      const effectiveOn = requireDate(input.effectiveOn, 'effectiveOn');
      if (!isUuid(id)) throw AgencyNotFound();
      const row = await store.write(
        ctx,
        async (trx) => {
          const current = await lockAgency(trx, id);
          if (!current) throw AgencyNotFound();
          if (current.version !== input.version)
            throw VersionConflict({ currentVersion: current.version, yourVersion: input.version });
          let level = current.level;
          if (input.parentId !== current.parent_id) {
            if (input.parentId === id || (input.parentId && (await isAncestor(trx, id, input.parentId))))
              throw ParentInvalid();
            level = Math.min(10, (await parentLevel(trx, input.parentId)) + 1);
          }
          const renamed = name !== current.name || shortName !== current.short_name;
          if (renamed) {
            const open = (await namesOf(trx, id)).find((n) => n.valid_to === null);
            if (open && open.valid_from < effectiveOn) {
              await trx
                .updateTable('directory_agency_names')
                .set({ valid_to: effectiveOn })
                .where('agency_id', '=', id)
                .where('valid_from', '=', open.valid_from)
                .execute();
              await insertNames(trx, [
                { agency_id: id, name, short_name: shortName, valid_from: effectiveOn, valid_to: null },
              ]);
              const eventId = newId();
              await trx
                .insertInto('directory_events')
                .values({
                  id: eventId,
                  kind: 'rename',
                  effective_on: effectiveOn,
                  legal_basis: input.legalBasis ?? null,
                  note: null,
                })
                .execute();
              await trx
                .insertInto('directory_event_agencies')
                .values({ event_id: eventId, agency_id: id, role: 'subject', is_default: false })
                .execute();
            } else if (open) {
              // A correction of the name in force since that same day: no new period.
              await trx
                .updateTable('directory_agency_names')
                .set({ name, short_name: shortName })
                .where('agency_id', '=', id)
                .where('valid_from', '=', open.valid_from)
                .execute();
            }
          }
          await trx
            .updateTable('directory_agencies')
            .set({
              name,
              short_name: shortName,
              kind: input.kind,
              parent_id: input.parentId,
              level,
              version: current.version + 1,
              updated_at: new Date(),
            })
            .where('id', '=', id)
            .execute();
          await refreshSearchText(trx, [id]);
          return { row: (await findAgency(trx, id))!, renamed };
        },
        (r) => ({
          action: 'directory.agency.update',
          subjectType: 'agency',
          subjectIds: [id],
          agencyId: id,
          details: { version: r.row.version, renamed: r.renamed },
        }),
      );
      return toSummary(row.row);
    },

    /** Adds an identifier code to an agency from `validFrom` (periods of one code never overlap). */
    async addCode(
      ctx: RequestContext,
      agencyId: string,
      input: {
        scheme: CodeScheme;
        code: string;
        validFrom?: string;
        validTo?: string | null;
        confirmed?: boolean;
        note?: string | null;
      },
    ) {
      assertCanEditDirectory(ctx.actor);
      const code = requireCode(input.scheme, input.code);
      const validFrom = requireDate(input.validFrom, 'validFrom');
      const validTo = input.validTo ? requireDate(input.validTo, 'validTo') : null;
      if (validTo !== null && validTo <= validFrom)
        throw ValidationFailed({ fields: [{ field: 'validTo', message: 'after validFrom' }] });
      if (!isUuid(agencyId)) throw AgencyNotFound();
      const id = newId();
      return store.write(
        ctx,
        async (trx) => {
          if (!(await lockAgency(trx, agencyId))) throw AgencyNotFound();
          await assertCodeFree(trx, input.scheme, code, validFrom, validTo);
          await insertCodes(trx, [
            {
              id,
              agency_id: agencyId,
              scheme: input.scheme,
              code,
              valid_from: validFrom,
              valid_to: validTo,
              confirmed: input.confirmed ?? true,
              note: input.note?.trim() || null,
            },
          ]);
          await refreshSearchText(trx, [agencyId]);
          return { id, scheme: input.scheme, code, validFrom, validTo };
        },
        () => ({
          action: 'directory.code.add',
          subjectType: 'agency',
          subjectIds: [agencyId, id],
          agencyId,
          details: { scheme: input.scheme, code, validFrom, validTo },
        }),
      );
    },

    /** Ends a code's validity on `validTo` (exclusive); the code keeps resolving for earlier dates. */
    async closeCode(ctx: RequestContext, codeId: string, validToInput: string) {
      assertCanEditDirectory(ctx.actor);
      const validTo = requireDate(validToInput, 'validTo');
      if (!isUuid(codeId)) throw CodeNotFound();
      return store.write(
        ctx,
        async (trx) => {
          const code = await findCode(trx, codeId);
          if (!code) throw CodeNotFound();
          if (validTo <= code.valid_from || (code.valid_to !== null && code.valid_to <= validTo))
            throw ValidationFailed({ fields: [{ field: 'validTo', message: 'inside the code period' }] });
          await trx
            .updateTable('directory_codes')
            .set({ valid_to: validTo })
            .where('id', '=', codeId)
            .execute();
          return code;
        },
        (code) => ({
          action: 'directory.code.close',
          subjectType: 'agency',
          subjectIds: [code.agency_id, codeId],
          agencyId: code.agency_id,
          details: { scheme: code.scheme, code: code.code, validTo },
        }),
      );
    },

    /** Diacritics-insensitive search by name words or code prefix, filtered and paginated. */
    async search(query: SearchQuery): Promise<{ items: SearchHit[]; page: number; hasNext: boolean }> {
      const page = Math.max(1, Math.min(10_000, query.page ?? 1));
      const pageSize = Math.max(1, Math.min(100, query.pageSize ?? 20));
      const day = today();
      const rows = await searchAgencies(db, {
        words: searchWords(query.q ?? ''),
        kind: query.kind || undefined,
        parentId: query.parentId && isUuid(query.parentId) ? query.parentId : undefined,
        status: query.status ?? 'all',
        today: day,
        offset: (page - 1) * pageSize,
        limit: pageSize + 1,
      });
      const shown = rows.slice(0, pageSize);
      const codes = await codesOf(
        db,
        shown.map((r) => r.id),
      );
      const items = shown.map((r) => ({
        ...toSummary(r, day),
        codes: codes
          .filter(
            (c) => c.agency_id === r.id && c.valid_from <= day && (c.valid_to === null || c.valid_to > day),
          )
          .map((c) => ({ scheme: c.scheme as CodeScheme, code: c.code, confirmed: c.confirmed })),
      }));
      return { items, page, hasNext: rows.length > pageSize };
    },

    /** The agency named by `ref`: an id, or a code held on `at`. */
    async findByRef(ref: string, at: string): Promise<AgencySummary | null> {
      const value = ref.trim();
      if (isUuid(value)) return resolver.getAgency(value);
      if (codeCandidates(value).length === 0) return null;
      const r = await resolver.resolve(value, at);
      return r ? r.heldBy : null;
    },
  };
}
export type AgencyService = ReturnType<typeof createAgencyService>;
