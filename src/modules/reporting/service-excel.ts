/**
 * The Excel channel as a service: a template for a unit the actor may read, and an upload that
 * is refused as a whole with a line-by-line report (every problem named by its cell) or saved
 * through `submissions.save` with channel "excel".
 */
import { format } from '../../platform/i18n/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import { actorAgencyId } from '../../platform/context.ts';
import type { ReportingDeps } from './deps.ts';
import { ExcelInvalid, ExcelMismatch, SubmissionNotFound } from './errors.ts';
import { buildTemplate, checkTemplate, readTemplate } from './excel.ts';
import { periodLabel } from './periods.ts';
import type { Submission } from './schemas.ts';
import type { SubmissionService } from './service-submissions.ts';

export function createExcelService(deps: ReportingDeps, submissions: SubmissionService) {
  return {
    /** The template of a regime × period × unit (the unit or its ancestors), filled with the latest values. */
    async template(
      ctx: RequestContext,
      input: { regime: string; period: string; unit?: string | undefined },
    ): Promise<{ filename: string; bytes: Buffer }> {
      const unitId = input.unit ?? actorAgencyId(ctx.actor);
      if (!unitId) throw SubmissionNotFound();
      const cur = await submissions.current(ctx, input.regime, input.period, unitId);
      const unit = await deps.directory.getAgency(unitId);
      const version = await submissions.versionOf(cur.period.version_id);
      const bytes = await buildTemplate({
        meta: {
          regime: cur.regime.code,
          regimeVersionId: cur.period.version_id,
          regimeVersion: version,
          periodId: cur.period.id,
          periodKey: cur.period.key,
          unitId,
        },
        definition: cur.definition,
        unitName: unit?.name ?? unitId,
        periodLabel: periodLabel(cur.period.key, ctx.locale),
        dueOn: cur.period.due_on,
        ...(cur.submission ? { values: cur.submission.values } : {}),
        locale: ctx.locale,
      });
      const safe = `${cur.regime.code}-${cur.period.key}-${unit?.shortName ?? unitId.slice(0, 8)}`.replace(
        /[^A-Za-z0-9._-]/g,
        '_',
      );
      return { filename: `${safe}.xlsx`, bytes };
    },

    /**
     * Reads a filled template and saves it (draft or submit). Any problem refuses the whole file
     * with `REPORTING_EXCEL_INVALID` and `details.problems[{ cell, field, message, messages }]`;
     * nothing is saved. A template of another version, period or unit than `expect` is refused.
     */
    async upload(
      ctx: RequestContext,
      file: Buffer,
      o: { submit: boolean; expect?: { regime?: string; period?: string; unit?: string } },
    ): Promise<Submission> {
      const read = await readTemplate(file);
      const { meta } = read;
      if (
        (o.expect?.regime !== undefined && o.expect.regime !== meta.regime) ||
        (o.expect?.period !== undefined && o.expect.period !== meta.periodKey) ||
        (o.expect?.unit !== undefined && o.expect.unit !== meta.unitId)
      )
        throw ExcelMismatch();
      const cur = await submissions.current(ctx, meta.regime, meta.periodKey, meta.unitId);
      if (cur.period.id !== meta.periodId || cur.period.version_id !== meta.regimeVersionId)
        throw ExcelMismatch();
      const { values, problems } = checkTemplate(read, cur.definition, { complete: o.submit });
      if (problems.length > 0)
        throw ExcelInvalid({
          problems: problems.slice(0, 500).map((p) => ({
            cell: p.cell,
            field: p.field,
            message: format(p.message, ctx.locale),
            messages: p.message,
          })),
        });
      return submissions.save(ctx, {
        regime: meta.regime,
        period: meta.periodKey,
        agencyId: meta.unitId,
        values,
        submit: o.submit,
        channel: 'excel',
      });
    },
  };
}
export type ExcelService = ReturnType<typeof createExcelService>;
