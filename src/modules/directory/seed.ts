import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RequestContext } from '../../platform/context.ts';
import {
  insertAgencies,
  insertCodes,
  insertEvents,
  insertNames,
  type AgencyInsert,
  type CodeInsert,
  type EventInsert,
  type EventLinkInsert,
} from './repo.ts';
import { agencySearchText } from './search.ts';
import type { DirectoryStore } from './store.ts';
import type { NameRow } from './tables.ts';

/**
 * Reference data of seed/*.json (see seed/SOURCES.md): ministries, the 63 provinces before
 * 2025, the 34 of 2025 and the communes listed under seed/communes/. Ids are derived from
 * the codes, so seeding again inserts nothing (every insert skips existing ids).
 */

/** Start of validity of the seeded codes: the date of QĐ 20/2020/QĐ-TTg (earlier use unknown). */
export const SEED_ORIGIN = '2020-07-22';
/** The date the 34 provincial units and the two-tier local government began. */
export const REFORM_DATE = '2025-07-01';

const seedDir = new URL('./seed/', import.meta.url);

const ministrySchema = z.object({
  shortCode: z.string().nullable(),
  qd20: z.string(),
  name: z.string(),
  shortName: z.string(),
  kind: z.enum(['ministry', 'ministry_level', 'government_agency', 'unit']),
  status: z.enum(['active', 'closed']),
  closedOn: z.string().optional(),
  successors: z.array(z.string()).optional(),
  formerNames: z.array(z.string()).optional(),
  renamedOn: z.string().optional(),
  parent: z.string().optional(),
  level: z.number().optional(),
  legalBasis: z.string(),
  confirmed: z.boolean(),
  note: z.string(),
});
const preSchema = z.object({
  code: z.string(),
  qd20: z.string(),
  name: z.string(),
  shortName: z.string(),
  adminCode: z.string(),
  successor: z.string(),
  keepsCode: z.boolean(),
  mergedOn: z.string().nullish(),
  confirmed: z.boolean(),
  note: z.string(),
});
const newSchema = z.object({
  code: z.string(),
  name: z.string(),
  shortName: z.string(),
  adminCode: z.string(),
  formedFrom: z.array(z.string()),
  validFrom: z.string(),
  legalBasis: z.string(),
  confirmed: z.boolean(),
});
const communeSchema = z.object({
  code: z.string(),
  name: z.string(),
  type: z.string(),
  confirmed: z.boolean(),
});

function load<S extends z.ZodType>(file: string, schema: S): z.infer<S>[] {
  return z.array(schema).parse(JSON.parse(readFileSync(new URL(file, seedDir), 'utf8')));
}

/** A stable uuid for a seed key (name-based, like a version-5 uuid). */
export function seedId(key: string): string {
  const h = createHash('sha1').update(`lienthong:directory:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

interface SeedData {
  agencies: AgencyInsert[];
  names: NameRow[];
  codes: CodeInsert[];
  events: EventInsert[];
  links: EventLinkInsert[];
}

/** Builds every seed row in memory (pure apart from reading the JSON files). */
export function buildSeed(): SeedData {
  const out: SeedData = { agencies: [], names: [], codes: [], events: [], links: [] };
  const codeRow = (
    agencyId: string,
    scheme: string,
    code: string,
    from: string,
    to: string | null,
    confirmed: boolean,
    note: string | null,
  ) =>
    out.codes.push({
      id: seedId(`code:${scheme}:${code}:${from}`),
      agency_id: agencyId,
      scheme,
      code,
      valid_from: from,
      valid_to: to,
      confirmed,
      note,
    });
  const agency = (a: Omit<AgencyInsert, 'search_text'>, formerNames: string[], codes: string[]) =>
    out.agencies.push({ ...a, search_text: agencySearchText([a.name, a.short_name, ...formerNames], codes) });
  const event = (
    key: string,
    kind: string,
    on: string,
    legalBasis: string,
    preds: string[],
    succs: string[],
  ) => {
    const id = seedId(`event:${key}`);
    out.events.push({ id, kind, effective_on: on, legal_basis: legalBasis, note: null });
    for (const p of preds)
      out.links.push({
        event_id: id,
        agency_id: p,
        role: kind === 'rename' ? 'subject' : 'predecessor',
        is_default: false,
      });
    succs.forEach((s, i) =>
      out.links.push({ event_id: id, agency_id: s, role: 'successor', is_default: i === 0 }),
    );
  };

  // Ministries and ministry-level agencies (G codes under QD20 and SHORT).
  const ministries = load('ministries.json', ministrySchema);
  const mId = (m: z.infer<typeof ministrySchema>) => seedId(`ministry:${m.qd20}`);
  const byShort = new Map(ministries.filter((m) => m.shortCode).map((m) => [m.shortCode!, mId(m)]));
  for (const m of ministries) {
    const id = mId(m);
    const to = m.status === 'closed' ? (m.closedOn ?? REFORM_DATE) : null;
    const former = m.formerNames ?? [];
    const codes = [m.qd20, ...(m.shortCode ? [m.shortCode] : [])];
    const parentId = m.parent ? (byShort.get(m.parent) ?? null) : null;
    agency(
      {
        id,
        kind: m.kind,
        parent_id: parentId,
        level: m.level ?? 1,
        name: m.name,
        short_name: m.shortName || null,
        valid_from: SEED_ORIGIN,
        valid_to: to,
      },
      former,
      codes,
    );
    let from = SEED_ORIGIN;
    for (const f of former) {
      const until = m.renamedOn ?? REFORM_DATE;
      out.names.push({ agency_id: id, name: f, short_name: null, valid_from: from, valid_to: until });
      from = until;
    }
    out.names.push({
      agency_id: id,
      name: m.name,
      short_name: m.shortName || null,
      valid_from: from,
      valid_to: to,
    });
    if (former.length > 0) event(`rename:${m.qd20}`, 'rename', from, m.legalBasis, [id], []);
    codeRow(id, 'QD20', m.qd20, SEED_ORIGIN, to, m.confirmed, m.note);
    if (m.shortCode) codeRow(id, 'SHORT', m.shortCode, SEED_ORIGIN, to, m.confirmed, m.note);
  }
  // Closed ministries: one merge per successor (several closed into one), a split for one
  // into several (the first successor listed is the default), a bare close otherwise.
  const closed = ministries.filter((m) => m.status === 'closed');
  const merges = new Map<string, typeof closed>();
  for (const m of closed) {
    const succ = m.successors ?? [];
    const on = m.closedOn ?? REFORM_DATE;
    if (succ.length === 1) merges.set(`${succ[0]}|${on}`, [...(merges.get(`${succ[0]}|${on}`) ?? []), m]);
    else if (succ.length > 1)
      event(
        `split:${m.qd20}`,
        'split',
        on,
        m.legalBasis,
        [mId(m)],
        succ.map((s) => byShort.get(s)).filter((s): s is string => !!s),
      );
    else event(`close:${m.qd20}`, 'close', on, m.legalBasis, [mId(m)], []);
  }
  for (const [key, group] of merges) {
    const [succ, on] = key.split('|') as [string, string];
    const succId = byShort.get(succ);
    if (!succId) continue;
    event(`merge:${key}`, 'merge', on, group[0]!.legalBasis, [...group.map(mId), succId], [succId]);
  }

  // Provinces: the 63 of before 2025; the one whose name was kept is the 2025 unit.
  const pre = load('provinces-pre2025.json', preSchema);
  const units = load('provinces-2025.json', newSchema);
  const unitByCode = new Map(units.map((u) => [u.code, u]));
  const pId = (code: string) => seedId(`province:${code}`);
  for (const p of pre) {
    const id = pId(p.code);
    const unit = p.keepsCode ? unitByCode.get(p.code) : undefined;
    const to = unit ? null : (p.mergedOn ?? REFORM_DATE);
    const name = unit?.name ?? p.name;
    const shortName = unit?.shortName ?? p.shortName;
    const adminCodes = [p.adminCode, ...(unit && unit.adminCode !== p.adminCode ? [unit.adminCode] : [])];
    agency(
      {
        id,
        kind: 'province_ubnd',
        parent_id: null,
        level: 1,
        name,
        short_name: shortName,
        valid_from: SEED_ORIGIN,
        valid_to: to,
      },
      [p.name],
      [p.qd20, p.code, ...adminCodes],
    );
    if (unit && unit.name !== p.name) {
      out.names.push({
        agency_id: id,
        name: p.name,
        short_name: p.shortName,
        valid_from: SEED_ORIGIN,
        valid_to: unit.validFrom,
      });
      out.names.push({
        agency_id: id,
        name,
        short_name: shortName,
        valid_from: unit.validFrom,
        valid_to: null,
      });
    } else
      out.names.push({ agency_id: id, name, short_name: shortName, valid_from: SEED_ORIGIN, valid_to: to });
    codeRow(id, 'QD20', p.qd20, SEED_ORIGIN, to, p.confirmed, p.note);
    codeRow(id, 'SHORT', p.code, SEED_ORIGIN, to, p.confirmed, p.note);
    if (unit && unit.adminCode !== p.adminCode) {
      codeRow(id, 'ADMIN_UNIT', p.adminCode, SEED_ORIGIN, unit.validFrom, true, 'QĐ 124/2004/QĐ-TTg');
      codeRow(id, 'ADMIN_UNIT', unit.adminCode, unit.validFrom, null, true, 'CV 915/CTK-CSCL');
    } else codeRow(id, 'ADMIN_UNIT', p.adminCode, SEED_ORIGIN, to, true, 'QĐ 124/2004/QĐ-TTg');
  }
  for (const u of units)
    if (u.formedFrom.length > 1)
      event(`merge:${u.code}:${u.validFrom}`, 'merge', u.validFrom, u.legalBasis, u.formedFrom.map(pId), [
        pId(u.code),
      ]);

  // Communes of 2025 under their province.
  const files = readdirSync(new URL('communes/', seedDir)).filter((f) => /^\d{2}\.json$/.test(f));
  for (const file of files) {
    const unit = units.find((u) => u.adminCode === file.slice(0, 2));
    if (!unit) throw new Error(`seed: no 2025 province with admin code ${file.slice(0, 2)}`);
    for (const c of load(`communes/${file}`, communeSchema)) {
      const id = seedId(`commune:${c.code}`);
      agency(
        {
          id,
          kind: 'commune',
          parent_id: pId(unit.code),
          level: 2,
          name: c.name,
          short_name: null,
          valid_from: unit.validFrom,
          valid_to: null,
        },
        [],
        [c.code],
      );
      out.names.push({
        agency_id: id,
        name: c.name,
        short_name: null,
        valid_from: unit.validFrom,
        valid_to: null,
      });
      codeRow(id, 'ADMIN_UNIT', c.code, unit.validFrom, null, c.confirmed, 'CV 1027/CTK-CSCL');
    }
  }
  return out;
}

/** Loads the reference data; idempotent (a second run inserts nothing and writes no audit event). */
export async function seedDirectory(
  store: DirectoryStore,
  ctx: RequestContext,
): Promise<Record<string, number>> {
  const data = buildSeed();
  const ids = data.agencies.map((a) => a.id);
  const present = await store.db
    .selectFrom('directory_agencies')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', 'in', ids)
    .executeTakeFirstOrThrow();
  if (Number(present.n) === ids.length) return { agencies: 0, names: 0, codes: 0, events: 0 };
  return store.write(
    ctx,
    async (trx) => {
      // Parents (ministries, provinces) come first in the array; the FK is checked per statement.
      const agencies = await insertAgencies(trx, data.agencies, true);
      const names = await insertNames(trx, data.names, true);
      const codes = await insertCodes(trx, data.codes, true);
      const events = await insertEvents(trx, data.events, data.links, true);
      return { agencies, names, codes, events };
    },
    (counts) => ({ action: 'directory.seed', subjectType: 'directory', agencyId: null, details: counts }),
  );
}
