/**
 * Synthetic data for demos and benchmarks: commune agencies under every province (through the
 * directory's CSV import, clearly named "Xã Mẫu 001 (dữ liệu tổng hợp)"), and submissions for
 * every expected unit of a period, written in bulk (hash only, channel "api") and aggregated by a
 * rebuild. Values are deterministic per unit, indicator and period, within each indicator's range,
 * and satisfy the regime's rules.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/index.ts';
import { dayOfIsoDate, instantAt, isoDateOfDay, localDay } from '../../platform/calendar/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { ReportingDeps } from './deps.ts';
import { evaluateRule, parseRule, type ParsedRule } from './expressions.ts';
import { validOn } from './hierarchy.ts';
import { rebuildPeriod } from './repo-aggregates.ts';
import * as repo from './repo.ts';
import type { Indicator, Rule } from './schemas.ts';
import type { RegimeService } from './service-regimes.ts';
import { canonicalContent } from './signing.ts';
import { checkValues } from './validation.ts';
import { rep } from './tables.ts';

/** The number of commune-level units after 01/07/2025 (reform-2025.md §1). */
export const NATIONAL_COMMUNES = 3321;
export const SYNTHETIC_MARK = '(dữ liệu tổng hợp)';

function prng(seedText: string) {
  let a = createHash('sha256').update(seedText).digest().readUInt32LE(0);
  return () => {
    // mulberry32
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Plausible values for one unit: numbers within range, choices among options; rules repaired. */
export function syntheticValues(
  indicators: readonly Indicator[],
  rules: readonly Rule[],
  seed: string,
): Map<string, number | string> {
  const rnd = prng(seed);
  const values = new Map<string, number | string>();
  for (const ind of indicators) {
    if (ind.type === 'text') values.set(ind.code, 'Số liệu tổng hợp');
    else if (ind.type === 'choice')
      values.set(ind.code, ind.options[Math.floor(rnd() * ind.options.length)] ?? '');
    else {
      const min = ind.min ?? 0;
      const max = ind.max ?? (ind.type === 'percentage' ? 100 : min + 1000);
      const v = min + rnd() * (max - min);
      values.set(ind.code, ind.type === 'percentage' ? Math.round(v * 10) / 10 : Math.round(v));
    }
  }
  const parsed: ParsedRule[] = [];
  for (const r of rules) {
    try {
      parsed.push(parseRule(r.expression));
    } catch {
      // a rule that does not parse was refused when the regime was saved
    }
  }
  const numbers = () => {
    const m = new Map<string, number>();
    for (const [k, v] of values) if (typeof v === 'number') m.set(k, v);
    return m;
  };
  // Shrink the left side of "≤ / <" rules until they hold (e.g. on_time + late <= received).
  for (let round = 0; round < 12; round++) {
    const broken = parsed.filter((p) => evaluateRule(p, numbers()) === false);
    if (broken.length === 0) break;
    for (const p of broken)
      for (const t of p.op === '<=' || p.op === '<' ? p.left : p.right)
        if (t.code && t.sign === 1 && typeof values.get(t.code) === 'number')
          values.set(t.code, Math.floor((values.get(t.code) as number) / 2));
  }
  return values;
}

/** The synthetic-data generator (system and platform administrators through the CLI). */
export function createGenerator(deps: ReportingDeps, regimes: RegimeService) {
  const { db, directory } = deps;
  const today = () => isoDateOfDay(localDay(deps.now()));

  async function listValid(q: { kind: 'province_ubnd' | 'commune'; parentId?: string }) {
    const out: { id: string; name: string }[] = [];
    for (let page = 1; page <= 200; page++) {
      const r = await directory.search({ ...q, status: 'all', page, pageSize: 100 });
      for (const a of r.items) if (validOn(a, today())) out.push({ id: a.id, name: a.name });
      if (!r.hasNext) break;
    }
    return out;
  }

  return {
    /**
     * Creates synthetic communes so that the provinces (all, or one) hold their share of the
     * country's 3,321 communes (or `perProvince` each). Existing communes count towards the
     * share; a second run adds nothing. Returns the number created.
     */
    async ensureSyntheticUnits(
      ctx: RequestContext,
      o: { provinceId?: string | undefined; perProvince?: number | undefined } = {},
    ): Promise<number> {
      const provinces = (await listValid({ kind: 'province_ubnd' })).sort((a, b) => a.id.localeCompare(b.id));
      const existing = new Map<string, { id: string; name: string }[]>();
      for (const p of provinces) existing.set(p.id, await listValid({ kind: 'commune', parentId: p.id }));
      // Provinces with more real communes than an even share keep them; the rest share what is left.
      const even = Math.floor(NATIONAL_COMMUNES / provinces.length);
      const big = provinces.filter((p) => existing.get(p.id)!.length >= even);
      const small = provinces.filter((p) => existing.get(p.id)!.length < even);
      const left = NATIONAL_COMMUNES - big.reduce((n, p) => n + existing.get(p.id)!.length, 0);
      const share = (i: number) =>
        o.perProvince ?? Math.floor(left / small.length) + (i < left % small.length ? 1 : 0);
      const lines = ['name,kind,parent,codes,valid_from'];
      for (const [i, p] of (o.perProvince ? provinces : small).entries()) {
        if (o.provinceId && p.id !== o.provinceId) continue;
        const communes = existing.get(p.id)!;
        const synthetic = communes.filter((c) => c.name.includes(SYNTHETIC_MARK)).length;
        for (let k = communes.length; k < share(i); k++) {
          const n = String(synthetic + (k - communes.length) + 1).padStart(3, '0');
          lines.push(
            `Xã Mẫu ${n} ${SYNTHETIC_MARK},commune,${p.id},LOCAL:SYN-${p.id.slice(0, 8)}-${n},2025-07-01`,
          );
        }
      }
      if (lines.length === 1) return 0;
      const report = await directory.importCsv(ctx, `${lines.join('\n')}\n`);
      if (report.problems.length > 0)
        throw new Error(`synthetic units refused: ${JSON.stringify(report.problems.slice(0, 3))}`);
      return report.imported;
    },

    /**
     * Submits synthetic values for every expected unit of the period that has not submitted
     * (all, or those under `underUnitId`), in bulk, then rebuilds the period's aggregates.
     * Returns the number of submissions written and of values.
     */
    async generateSubmissions(
      ctx: RequestContext,
      o: {
        regime: string;
        period: string;
        underUnitId?: string | undefined;
        /** Units left without a submission (e.g. for a benchmark to submit them one by one). */
        exceptUnits?: readonly string[];
      },
    ): Promise<{ submissions: number; values: number }> {
      const regime = await regimes.regimeOrThrow(o.regime);
      const period = await regimes.openPeriod(ctx, regime.id, o.period);
      const version = (await repo.findVersion(db, period.version_id))!;
      const def = repo.toDefinition(version, await repo.indicatorsOf(db, version.id));
      const pending = await sql<{ agency_id: string }>`SELECT u.agency_id FROM reporting_period_units u
        WHERE u.period_id = ${period.id} AND NOT u.submitted
          AND NOT EXISTS (SELECT 1 FROM reporting_submissions s WHERE s.period_id = u.period_id AND s.agency_id = u.agency_id)
          AND (${o.underUnitId ?? null}::uuid IS NULL OR EXISTS (SELECT 1 FROM reporting_closure c
            WHERE c.period_id = u.period_id AND c.unit_id = u.agency_id AND c.ancestor_id = ${o.underUnitId ?? null}::uuid))
        ORDER BY u.agency_id`.execute(db);
      const now = deps.now();
      const late = deps.calendar.timeliness(now, instantAt(dayOfIsoDate(period.due_on), 0)) === 'late';
      const subs: { id: string; agency: string; hash: string }[] = [];
      const vSub: string[] = [];
      const vCode: string[] = [];
      const vNum: (number | null)[] = [];
      const vTxt: (string | null)[] = [];
      const except = new Set(o.exceptUnits ?? []);
      for (const { agency_id } of pending.rows) {
        if (except.has(agency_id)) continue;
        const values = syntheticValues(
          def.indicators,
          def.rules,
          `${regime.code}:${period.key}:${agency_id}`,
        );
        // The same checks as a person's submission: a unit whose values cannot satisfy them is skipped.
        if (
          checkValues(def.indicators, def.rules, Object.fromEntries(values), { complete: true }).errors
            .length > 0
        )
          continue;
        const id = randomUUID();
        const canonical = canonicalContent({
          regime: regime.code,
          regimeVersion: version.version,
          period: period.key,
          unit: agency_id,
          version: 1,
          values,
        });
        subs.push({ id, agency: agency_id, hash: createHash('sha256').update(canonical).digest('hex') });
        for (const [code, v] of values) {
          vSub.push(id);
          vCode.push(code);
          vNum.push(typeof v === 'number' ? v : null);
          vTxt.push(typeof v === 'string' ? v : null);
        }
      }
      await db.transaction().execute(async (trx) => {
        const CHUNK = 2000;
        for (let i = 0; i < subs.length; i += CHUNK) {
          const part = subs.slice(i, i + CHUNK);
          await sql`INSERT INTO reporting_submissions (id, period_id, agency_id, version, status, channel,
              submitted_at, late, content_hash, signature_state, signer_kind, signer_id)
            SELECT s, ${period.id}::uuid, a, 1, 'submitted', 'api', ${now}, ${late}, h, 'hash_only', 'system', 'generator'
            FROM unnest(${part.map((p) => p.id)}::uuid[], ${part.map((p) => p.agency)}::uuid[], ${part.map((p) => p.hash)}::text[]) AS t(s, a, h)`.execute(
            trx,
          );
        }
        const VCHUNK = 50_000;
        for (let i = 0; i < vSub.length; i += VCHUNK)
          await sql`INSERT INTO reporting_values (submission_id, code, num, txt)
            SELECT * FROM unnest(${vSub.slice(i, i + VCHUNK)}::uuid[], ${vCode.slice(i, i + VCHUNK)}::text[],
              ${vNum.slice(i, i + VCHUNK)}::numeric[], ${vTxt.slice(i, i + VCHUNK)}::text[])`.execute(trx);
        await sql`UPDATE reporting_period_units SET submitted = true, late = ${late}
          WHERE period_id = ${period.id} AND agency_id = ANY(${subs.map((s) => s.agency)}::uuid[])`.execute(
          trx,
        );
        await rebuildPeriod(trx, period.id, period.version_id);
        await recordAudit(trx, ctx, {
          action: 'reporting.generate',
          subjectType: 'reporting_period',
          subjectIds: [period.id],
          agencyId: regime.recipient_agency_id,
          details: { regime: regime.code, period: period.key, submissions: subs.length, synthetic: true },
        });
      });
      // A bulk load changes the tables' statistics by orders of magnitude: refresh them now
      // rather than wait for autovacuum, so that reads keep their index plans.
      await sql`ANALYZE reporting_submissions, reporting_values, reporting_period_units, reporting_closure,
        reporting_completeness, reporting_aggregates`.execute(db);
      regimes.figuresChanged(period.id);
      deps.logger.info(
        { action: 'reporting.generate', periodId: period.id, submissions: subs.length },
        'synthetic submissions written',
      );
      return { submissions: subs.length, values: vSub.length };
    },

    /** Rebuilds a period (used by the generator's callers and the benchmark). */
    async rebuild(periodId: string) {
      const period = await repo.periodById(db, periodId);
      if (!period) return;
      await rep(db)
        .transaction()
        .execute((trx) => rebuildPeriod(trx, period.id, period.version_id));
      regimes.figuresChanged(period.id);
    },
  };
}
export type Generator = ReturnType<typeof createGenerator>;
