/**
 * Reminders through notify: before the deadline (the regime's `reminderDays` working days) to
 * units that have not submitted (`report_deadline_reminder`), after it to units still missing
 * (`report_overdue`) — once per unit, period and kind (notify's dedupe key) — and "remind now"
 * from the list of late units by an ancestor. Each unit receives them at its reporting contact.
 */
import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/index.ts';
import { dayOfIsoDate } from '../../platform/calendar/index.ts';
import { actorAgencyId, isPlatformAdmin, type RequestContext } from '../../platform/context.ts';
import { todayOf, type ReportingDeps } from './deps.ts';
import { NoContact, SubmissionNotFound } from './errors.ts';
import { canDecideFor, canReadUnit, canReportFor } from './policies.ts';
import { periodLabel } from './periods.ts';
import * as repo from './repo.ts';
import type { RegimeService } from './service-regimes.ts';
import { rep, type PeriodRow } from './tables.ts';

type Kind = 'before' | 'overdue' | 'manual';

export function createReminderService(deps: ReportingDeps, regimes: RegimeService) {
  const { db } = deps;

  async function send(ctx: RequestContext, period: PeriodRow, title: string, unitId: string, kind: Kind) {
    const contact = await rep(db)
      .selectFrom('reporting_contacts')
      .selectAll()
      .where('agency_id', '=', unitId)
      .executeTakeFirst();
    if (!deps.notify || !contact) return false;
    const channels: ('email' | 'in_app')[] = [];
    if (contact.email) channels.push('email');
    if (contact.account_id) channels.push('in_app');
    const overdue = kind === 'overdue' || (kind === 'manual' && todayOf(deps) > period.due_on);
    await deps.notify.notify(ctx, {
      recipient: {
        ...(contact.email ? { email: contact.email } : {}),
        ...(contact.account_id ? { accountId: contact.account_id } : {}),
      },
      template: overdue ? 'report_overdue' : 'report_deadline_reminder',
      params: {
        reportName: title.slice(0, 300),
        periodName: { vi: periodLabel(period.key, 'vi'), en: periodLabel(period.key, 'en') },
        deadline: period.due_on,
      },
      channels,
      dedupeKey: `reporting:${period.id}:${unitId}:${kind === 'manual' ? `manual:${todayOf(deps)}` : kind}`,
    });
    return true;
  }

  const service = {
    /** Sets where a unit receives reminders (its own reporting staff, or its ancestors' administrators). */
    async setContact(
      ctx: RequestContext,
      unitId: string,
      contact: { email?: string | null; accountId?: string | null },
    ): Promise<void> {
      if (!canReportFor(ctx.actor, unitId) && !isPlatformAdmin(ctx.actor)) throw SubmissionNotFound();
      await db.transaction().execute(async (trx) => {
        await rep(trx)
          .insertInto('reporting_contacts')
          .values({ agency_id: unitId, email: contact.email ?? null, account_id: contact.accountId ?? null })
          .onConflict((oc) =>
            oc.column('agency_id').doUpdateSet({
              email: contact.email ?? null,
              account_id: contact.accountId ?? null,
              updated_at: new Date(),
            }),
          )
          .execute();
        await recordAudit(trx, ctx, {
          action: 'reporting.contact.set',
          subjectType: 'agency',
          subjectIds: [unitId],
          agencyId: unitId,
          details: { email: contact.email ? 'set' : 'none', account: contact.accountId ? 'set' : 'none' },
        });
      });
    },

    /**
     * The daily run: for every period not yet locked, reminds the units that have not submitted
     * when the deadline is within the regime's reminder days, and the late ones after it.
     */
    async run(ctx: RequestContext): Promise<{ reminded: number; overdue: number; noContact: number }> {
      await regimes.openCurrentPeriods(ctx);
      const today = todayOf(deps);
      const counts = { reminded: 0, overdue: 0, noContact: 0 };
      const periods = await sql<PeriodRow & { title: string; reminder_days: number }>`
        SELECT p.*, v.title, v.reminder_days FROM reporting_periods p
        JOIN reporting_regime_versions v ON v.id = p.version_id
        WHERE p.cutoff_start <= ${today} AND p.lock_on >= ${today}
        ORDER BY p.due_on LIMIT 500`.execute(db);
      for (const p of periods.rows) {
        const before = today <= p.due_on;
        const within =
          deps.calendar.workingDaysBetween(dayOfIsoDate(today), dayOfIsoDate(p.due_on)) <= p.reminder_days;
        if (before && !within) continue;
        const missing = await rep(db)
          .selectFrom('reporting_period_units')
          .select('agency_id')
          .where('period_id', '=', p.id)
          .where('submitted', '=', false)
          .limit(20_000)
          .execute();
        for (const u of missing) {
          const sent = await send(ctx, p, p.title, u.agency_id, before ? 'before' : 'overdue');
          if (!sent) counts.noContact += 1;
          else if (before) counts.reminded += 1;
          else counts.overdue += 1;
        }
      }
      deps.logger.info({ action: 'reporting.remind', ...counts }, 'reminders sent');
      return counts;
    },

    /** Reminds one unit now (an ancestor of it in the period: the list of late units). */
    async remindNow(
      ctx: RequestContext,
      input: { regime: string; period: string; unit: string },
    ): Promise<void> {
      const regime = await regimes.regimeOrThrow(input.regime);
      const period = await regimes.openPeriod(ctx, regime.id, input.period);
      const chain = (await repo.ancestorsOf(db, period.id, input.unit)).map((a) => a.ancestor_id);
      if (chain.length === 0 || !canReadUnit(ctx.actor, chain)) throw SubmissionNotFound();
      const agency = actorAgencyId(ctx.actor);
      if (
        ctx.actor.kind !== 'system' &&
        !(agency && chain.slice(1).includes(agency) && canDecideFor(ctx.actor, agency))
      )
        throw SubmissionNotFound();
      const version = (await repo.findVersion(db, period.version_id))!;
      if (!(await send(ctx, period, version.title, input.unit, 'manual'))) throw NoContact();
      await db.transaction().execute((trx) =>
        recordAudit(trx, ctx, {
          action: 'reporting.remind',
          subjectType: 'reporting_period',
          subjectIds: [period.id, input.unit],
          agencyId: input.unit,
          details: { regime: regime.code, period: period.key },
        }),
      );
    },
  };
  return service;
}
export type ReminderService = ReturnType<typeof createReminderService>;
