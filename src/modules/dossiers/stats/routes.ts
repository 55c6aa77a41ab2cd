// The statistics and register API (JSON) and the exports (Excel, PDF): schema in → service → out.
import type { FastifyReply } from 'fastify';
import type { App } from '../../../platform/http/types.ts';
import type { Locale } from '../../../platform/i18n/index.ts';
import { registerPdf, registerWorkbook, statsPdf, statsWorkbook, XLSX_TYPE } from './exports.ts';
import { sm } from './messages.ts';
import { registerPageSchema, registerQuery, statsQuery, statsReportSchema } from './schemas.ts';
import type { StatsReport, StatsService } from './service.ts';

const tags = ['dossiers'];
const security = [{ sessionCookie: [] }];

/** The first column's header of a statistics table. */
export function groupHeader(r: StatsReport, l: Locale): string {
  switch (r.groupBy) {
    case 'agency':
      return sm.t('byAgency', l);
    case 'channel':
      return sm.t('byChannel', l);
    case 'month':
      return sm.t('byMonth', l);
    case 'procedure':
      return sm.t('byProcedure', l);
    case 'none':
      return '';
  }
}

/** Rows labelled for people: channels by name. */
export function labelled(r: StatsReport, l: Locale): StatsReport {
  if (r.groupBy !== 'channel') return r;
  return { ...r, rows: r.rows.map((x) => ({ ...x, label: sm.t(x.key as 'online', l) })) };
}

function download(reply: FastifyReply, type: string, name: string, body: Buffer) {
  return reply.type(type).header('content-disposition', `attachment; filename="${name}"`).send(body);
}

const fileStem = (period: { from: string; to: string }) => `${period.from}_${period.to}`;

/** API and downloads; the pages are in views.ts. */
export function registerStatsRoutes(app: App, service: StatsService, now: () => Date): void {
  app.get(
    '/api/v1/one-stop/stats',
    {
      schema: {
        tags,
        security,
        summary:
          'One-stop statistics of a period: received by channel, settled on time, in progress, average time, online and payment shares, satisfaction, QĐ 766 index groups',
        description:
          'Officers (one_stop_officer, unit_leader, admin) read their agency and the units below it; platform administrators every agency. Another agency answers 404.',
        querystring: statsQuery,
        response: { 200: statsReportSchema },
      },
    },
    async (request) => service.statistics(request.ctx, request.query),
  );
  app.get(
    '/api/v1/one-stop/register',
    {
      schema: {
        tags,
        security,
        summary: 'The register book (form 07, Sổ theo dõi hồ sơ) of an agency: one page of a period',
        querystring: registerQuery,
        response: { 200: registerPageSchema },
      },
    },
    async (request) => service.register(request.ctx, request.query),
  );

  for (const kind of ['xlsx', 'pdf'] as const) {
    app.get(
      `/one-stop/stats/export.${kind}`,
      { schema: { hide: true, querystring: statsQuery } },
      async (request, reply) => {
        const l = request.locale;
        const r = labelled(await service.statistics(request.ctx, request.query), l);
        const o = {
          agencyName: r.agency?.name ?? sm.t('allAgencies', l),
          firstHeader: groupHeader(r, l),
          locale: l,
        };
        const name = `thong-ke-${fileStem(r.period)}.${kind}`;
        return kind === 'xlsx'
          ? download(reply, XLSX_TYPE, name, await statsWorkbook(r, o))
          : download(reply, 'application/pdf', name, await statsPdf(r, o));
      },
    );
    app.get(
      `/one-stop/register/export.${kind}`,
      { schema: { hide: true, querystring: registerQuery } },
      async (request, reply) => {
        const l = request.locale;
        const r = await service.registerExport(request.ctx, request.query);
        const o = { agencyName: r.agency.name, period: r.period, entries: r.entries, locale: l };
        const name = `so-theo-doi-${fileStem(r.period)}.${kind}`;
        return kind === 'xlsx'
          ? download(reply, XLSX_TYPE, name, await registerWorkbook(o))
          : download(reply, 'application/pdf', name, await registerPdf({ ...o, now: now() }));
      },
    );
  }
}
