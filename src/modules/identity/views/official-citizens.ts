import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import {
  button,
  errorSummary,
  form,
  input,
  notice,
  summaryList,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { App } from '../../../platform/http/types.ts';
import type { IdentityRouteDeps } from '../routes.ts';
import { cm } from './citizen-messages.ts';
import { csrfField, requirePerson } from './session.ts';

/** Officials: find a citizen by number, read the profile, reveal the number (all access-logged). */
export function registerOfficialCitizenPages(app: App, deps: IdentityRouteDeps): void {
  const { service } = deps;

  const lookupPage = (
    request: Parameters<typeof renderPage>[0],
    reply: Parameters<typeof renderPage>[1],
    error?: string,
    status?: number,
  ) => {
    const l = request.locale;
    const body = html`<h1>${cm.t('citizensTitle', l)}</h1>
      ${notice(cm.t('lookupNotice', l))}
      ${error ? errorSummary([{ field: 'personalId', message: error }], l) : ''}
      ${form({
        action: '/admin/citizens',
        csrfToken: reply.generateCsrf(),
        body: html`${input({ name: 'personalId', label: cm.t('personalId', l), inputmode: 'numeric', maxLength: 20, width: 'medium', error })}
        ${button(cm.t('lookup', l))}`,
      })}`;
    return reply.send(
      renderPage(request, reply, { title: cm.t('citizensTitle', l), body, ...(status ? { status } : {}) }),
    );
  };

  app.get('/admin/citizens', { schema: { hide: true } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    service.assertMayReadCitizens(request.ctx);
    return lookupPage(request, reply);
  });

  app.post(
    '/admin/citizens',
    { schema: { hide: true, body: z.object({ personalId: z.string().max(20).default(''), ...csrfField }) } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      try {
        const found = await service.lookupByPersonalId(request.ctx, request.body.personalId);
        return reply.redirect(`/admin/citizens/${found.accountId}`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 404) throw error;
        return lookupPage(request, reply, cm.t('notFound', request.locale), 404);
      }
    },
  );

  const profilePage = async (
    request: Parameters<typeof renderPage>[0],
    reply: Parameters<typeof renderPage>[1],
    id: string,
    reveal = false,
  ) => {
    const l = request.locale;
    const p = await service.citizenProfile(request.ctx, id, { reveal });
    const revealed = p.personalId;
    const body = html`<h1>${p.fullName}</h1>
      ${notice(cm.t('lookupNotice', l))}
      ${summaryList([
        [cm.t('accountType', l), p.kind === 'citizen' ? cm.t('typeCitizen', l) : cm.t('typeBusiness', l)],
        [cm.t('personalId', l), revealed ?? p.personalIdMasked ?? '—'],
        [cm.t('taxCode', l), p.taxCode ?? '—'],
        [cm.t('email', l), p.email ?? '—'],
        [cm.t('phone', l), p.phone ?? '—'],
        ...p.addresses.map(
          (a) => [cm.t(a.kind, l), `${a.street}, ${a.commune.name}, ${a.province.name}`] as [string, string],
        ),
      ])}
      ${
        p.personalIdMasked && !revealed
          ? form({
              action: `/admin/citizens/${p.accountId}/reveal`,
              csrfToken: reply.generateCsrf(),
              body: button(cm.t('reveal', l), { variant: 'secondary' }),
            })
          : ''
      }`;
    return reply.send(renderPage(request, reply, { title: p.fullName, body }));
  };

  app.get(
    '/admin/citizens/:id',
    { schema: { hide: true, params: z.object({ id: z.uuid() }) } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      return profilePage(request, reply, request.params.id);
    },
  );

  app.post(
    '/admin/citizens/:id/reveal',
    { schema: { hide: true, params: z.object({ id: z.uuid() }), body: z.object(csrfField).optional() } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      return profilePage(request, reply, request.params.id, true);
    },
  );
}
