import { sql } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import type { RequestContext } from '../../platform/context.ts';
import {
  codeCandidates,
  formatSchemeCode,
  schemePreference,
  type CodeRef,
  type CodeScheme,
} from './codes.ts';
import { csvProblem, parseDirectoryCsv, type CsvProblem, type CsvRow } from './csv.ts';
import { today } from './dates.ts';
import { assertCanEditDirectory } from './policies.ts';
import { insertAgencies, insertCodes, insertNames, type AgencyInsert, type CodeInsert } from './repo.ts';
import { isUuid } from './resolve.ts';
import { agencySearchText } from './search.ts';
import { newId, type DirectoryStore } from './store.ts';
import type { DirDb, NameRow } from './tables.ts';

const BATCH = 5000;

export interface ImportReport {
  imported: number;
  problems: CsvProblem[];
}

/** Existing code rows for (scheme, code) pairs, in one query per batch. */
async function existingCodes(db: DirDb, refs: readonly CodeRef[]) {
  const found: {
    scheme: string;
    code: string;
    agency_id: string;
    valid_from: string;
    valid_to: string | null;
  }[] = [];
  for (let i = 0; i < refs.length; i += 20_000) {
    const part = refs.slice(i, i + 20_000);
    const r = await sql<(typeof found)[number]>`SELECT c.scheme, c.code, c.agency_id, c.valid_from, c.valid_to
      FROM directory_codes c
      JOIN unnest(${part.map((p) => p.scheme)}::text[], ${part.map((p) => p.code)}::text[]) AS w(scheme, code)
        ON c.scheme = w.scheme AND c.code = w.code`.execute(db);
    found.push(...r.rows);
  }
  return found;
}

async function inBatches<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

/** CSV import (all or nothing, checked line by line) and export of the directory. */
export function createCsvService(store: DirectoryStore) {
  const { db } = store;

  /** Checks rows against the directory: ids, code periods, parents. Returns agency ids by line. */
  async function checkAgainstDirectory(rows: CsvRow[], day: string) {
    const problems: CsvProblem[] = [];
    const ids = rows.map((r) => r.id).filter((id): id is string => id !== null);
    for (let i = 0; i < ids.length; i += 20_000) {
      const taken = await db
        .selectFrom('directory_agencies')
        .select('id')
        .where('id', 'in', ids.slice(i, i + 20_000))
        .execute();
      const takenSet = new Set(taken.map((t) => t.id));
      for (const r of rows)
        if (r.id && takenSet.has(r.id))
          problems.push(csvProblem(r.line, 'id', 'DIRECTORY_CSV_DUPLICATE_ID', r.id));
    }
    const existing = await existingCodes(
      db,
      rows.flatMap((r) => r.codes),
    );
    const byKey = new Map<string, typeof existing>();
    for (const e of existing)
      byKey.set(`${e.scheme}:${e.code}`, [...(byKey.get(`${e.scheme}:${e.code}`) ?? []), e]);
    // Codes of rows in the file, to find parents named by code.
    const fileCodes = new Map<string, CsvRow>();
    for (const r of rows) for (const c of r.codes) fileCodes.set(formatSchemeCode(c), r);
    const parentRefs = new Map<string, CodeRef[]>();
    for (const r of rows) {
      for (const c of r.codes) {
        const clash = (byKey.get(formatSchemeCode(c)) ?? []).find(
          (e) =>
            (e.valid_to === null || e.valid_to > r.validFrom) &&
            (r.validTo === null || e.valid_from < r.validTo),
        );
        if (clash)
          problems.push(csvProblem(r.line, 'codes', 'DIRECTORY_CSV_CODE_TAKEN', formatSchemeCode(c)));
      }
      if (r.parent && !isUuid(r.parent)) parentRefs.set(r.parent, codeCandidates(r.parent));
    }
    // Parents not in the file: codes held today in the directory.
    const outside = [...parentRefs.entries()].filter(
      ([, cands]) => !cands.some((c) => fileCodes.has(formatSchemeCode(c))),
    );
    const held = await existingCodes(
      db,
      outside.flatMap(([, c]) => c),
    );
    const heldNow = new Map(
      held
        .filter((h) => h.valid_from <= day && (h.valid_to === null || h.valid_to > day))
        .map((h) => [`${h.scheme}:${h.code}`, h.agency_id]),
    );
    const parentIdsByUuid = rows.map((r) => r.parent).filter((p): p is string => p !== null && isUuid(p));
    const knownParents = new Map<string, number>();
    for (let i = 0; i < parentIdsByUuid.length; i += 20_000) {
      const found = await db
        .selectFrom('directory_agencies')
        .select(['id', 'level'])
        .where('id', 'in', parentIdsByUuid.slice(i, i + 20_000))
        .execute();
      for (const f of found) knownParents.set(f.id, f.level);
    }
    return { problems, fileCodes, heldNow, parentRefs, knownParents };
  }

  return {
    /**
     * Imports agencies from CSV text. Nothing is written unless every line is valid; the
     * answer lists each problem with its line, column and stable code. One audit event.
     */
    async importCsv(ctx: RequestContext, text: string): Promise<ImportReport> {
      assertCanEditDirectory(ctx.actor);
      const day = today();
      const parsed = parseDirectoryCsv(text, day);
      if (parsed.problems.length > 0) return { imported: 0, problems: parsed.problems.slice(0, 1000) };
      const rows = parsed.rows;
      const check = await checkAgainstDirectory(rows, day);
      const problems = check.problems;
      const ids = new Map<CsvRow, string>(rows.map((r) => [r, r.id ?? newId()]));
      const parentOf = new Map<CsvRow, { id: string; row: CsvRow | null; level: number } | null>();
      const levelOf = (start: CsvRow): number | null => {
        // Walk up in-file parents; a cycle or a missing parent gives null.
        let depth = 1;
        let row: CsvRow | null = start;
        const seen = new Set<CsvRow>();
        while (row) {
          if (seen.has(row)) return null;
          seen.add(row);
          const p = parentOf.get(row);
          if (!p) return depth;
          if (!p.row) return depth + p.level;
          depth += 1;
          row = p.row;
        }
        return depth;
      };
      const rowById = new Map(rows.filter((r) => r.id).map((r) => [r.id!, r]));
      for (const r of rows) {
        if (!r.parent) {
          parentOf.set(r, null);
          continue;
        }
        if (isUuid(r.parent)) {
          const inFile = rowById.get(r.parent);
          const level = check.knownParents.get(r.parent);
          if (inFile) parentOf.set(r, { id: r.parent, row: inFile, level: 0 });
          else if (level !== undefined) parentOf.set(r, { id: r.parent, row: null, level });
          else problems.push(csvProblem(r.line, 'parent', 'DIRECTORY_CSV_BAD_PARENT', r.parent));
          continue;
        }
        const cands = check.parentRefs.get(r.parent) ?? [];
        const inFile = cands.map((c) => check.fileCodes.get(formatSchemeCode(c))).find((x) => x);
        const outside = cands.map((c) => check.heldNow.get(formatSchemeCode(c))).find((x) => x);
        if (inFile) parentOf.set(r, { id: ids.get(inFile)!, row: inFile, level: 0 });
        else if (outside) parentOf.set(r, { id: outside, row: null, level: 1 });
        else problems.push(csvProblem(r.line, 'parent', 'DIRECTORY_CSV_BAD_PARENT', r.parent));
      }
      // Levels of parents outside the file (named by code) come from the database.
      const outsideIds = [...new Set([...parentOf.values()].filter((p) => p && !p.row).map((p) => p!.id))];
      for (let i = 0; i < outsideIds.length; i += 20_000) {
        const found = await db
          .selectFrom('directory_agencies')
          .select(['id', 'level'])
          .where('id', 'in', outsideIds.slice(i, i + 20_000))
          .execute();
        const levels = new Map(found.map((f) => [f.id, f.level]));
        for (const [row, p] of parentOf)
          if (p && !p.row) parentOf.set(row, { ...p, level: levels.get(p.id) ?? p.level });
      }
      const agencies: AgencyInsert[] = [];
      const names: NameRow[] = [];
      const codes: CodeInsert[] = [];
      for (const r of rows) {
        if (!parentOf.has(r)) continue;
        const level = levelOf(r);
        if (level === null) {
          problems.push(csvProblem(r.line, 'parent', 'DIRECTORY_CSV_PARENT_CYCLE'));
          continue;
        }
        const id = ids.get(r)!;
        agencies.push({
          id,
          kind: r.kind,
          parent_id: parentOf.get(r)?.id ?? null,
          level: Math.min(10, level),
          name: r.name,
          short_name: r.shortName,
          valid_from: r.validFrom,
          valid_to: r.validTo,
          search_text: agencySearchText(
            [r.name, r.shortName],
            r.codes.map((c) => c.code),
          ),
        });
        names.push({
          agency_id: id,
          name: r.name,
          short_name: r.shortName,
          valid_from: r.validFrom,
          valid_to: r.validTo,
        });
        for (const c of r.codes)
          codes.push({
            id: newId(),
            agency_id: id,
            scheme: c.scheme,
            code: c.code,
            valid_from: r.validFrom,
            valid_to: r.validTo,
            confirmed: true,
            note: null,
          });
      }
      if (problems.length > 0) {
        problems.sort((a, b) => a.line - b.line);
        return { imported: 0, problems: problems.slice(0, 1000) };
      }
      await store.write(
        ctx,
        async (trx) => {
          await sql`SET CONSTRAINTS ALL DEFERRED`.execute(trx);
          await inBatches(agencies, (b) => insertAgencies(trx, b));
          await inBatches(names, (b) => insertNames(trx, b));
          await inBatches(codes, (b) => insertCodes(trx, b));
          return agencies.length;
        },
        (count) => ({
          action: 'directory.import',
          subjectType: 'directory',
          agencyId: null,
          details: { agencies: count, codes: codes.length },
        }),
      );
      return { imported: agencies.length, problems: [] };
    },

    /** The whole directory as CSV in the import format (codes held at the end of each agency's life). */
    async exportCsv(): Promise<string> {
      const agencies = await db
        .selectFrom('directory_agencies')
        .select(['id', 'name', 'short_name', 'kind', 'parent_id', 'valid_from', 'valid_to'])
        .orderBy('level')
        .orderBy('name')
        .orderBy('id')
        .execute();
      const codes = await db
        .selectFrom('directory_codes as c')
        .innerJoin('directory_agencies as a', 'a.id', 'c.agency_id')
        .select(['c.agency_id', 'c.scheme', 'c.code'])
        .where((eb) => eb.or([eb('c.valid_to', 'is', null), eb('c.valid_to', '=', eb.ref('a.valid_to'))]))
        .orderBy('c.agency_id')
        .orderBy('c.code')
        .execute();
      const codesOf = new Map<string, { scheme: CodeScheme; code: string }[]>();
      for (const c of codes)
        codesOf.set(c.agency_id, [
          ...(codesOf.get(c.agency_id) ?? []),
          { scheme: c.scheme as CodeScheme, code: c.code },
        ]);
      const rank = (s: CodeScheme) => schemePreference.indexOf(s);
      const sorted = (id: string) =>
        [...(codesOf.get(id) ?? [])].sort(
          (a, b) => rank(a.scheme) - rank(b.scheme) || a.code.localeCompare(b.code),
        );
      const parentRef = (id: string | null) => {
        if (!id) return '';
        const first = sorted(id)[0];
        return first ? formatSchemeCode(first) : id;
      };
      const records = agencies.map((a) => [
        a.id,
        a.name,
        a.short_name ?? '',
        a.kind,
        parentRef(a.parent_id),
        sorted(a.id).map(formatSchemeCode).join('|'),
        a.valid_from,
        a.valid_to ?? '',
      ]);
      return stringify([
        ['id', 'name', 'short_name', 'kind', 'parent', 'codes', 'valid_from', 'valid_to'],
        ...records,
      ]);
    },
  };
}
export type CsvService = ReturnType<typeof createCsvService>;
