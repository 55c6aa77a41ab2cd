import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../platform/errors.ts';
import { format, formatDateTime, type Locale } from '../../../platform/i18n/index.ts';
import {
  button,
  errorSummary,
  form,
  input,
  linkButton,
  notice,
  select,
  summaryList,
  table,
  type FieldError,
} from '../../../platform/pages/components.ts';
import { html } from '../../../platform/pages/html.ts';
import { renderPage } from '../../../platform/pages/layout.ts';
import type { App } from '../../../platform/http/types.ts';
import type { IdentityRouteDeps } from '../routes.ts';
import type { AddressKind, AddressView } from '../service-profile.ts';
import { cm } from './citizen-messages.ts';
import { csrfField, requirePerson, setSessionCookie } from './session.ts';

const text = (max: number) => z.string().max(max).default('');
const registerForm = z.object({
  kind: z.enum(['citizen', 'business']).default('citizen'),
  fullName: text(200),
  email: text(254),
  phone: text(32),
  personalId: text(20),
  taxCode: text(20),
  password: text(200),
  ...csrfField,
});
const verifyForm = z.object({
  id: z.uuid(),
  code: text(20),
  action: z.enum(['verify', 'resend']).default('verify'),
  ...csrfField,
});
const addressForm = z.object({
  street: text(300),
  provinceCode: text(10),
  communeCode: text(10),
  oldProvinceCode: text(10),
  oldProvinceName: text(200),
  oldDistrictCode: text(10),
  oldDistrictName: text(200),
  oldCommuneCode: text(10),
  oldCommuneName: text(200),
  ...csrfField,
});
const kindParams = z.object({ kind: z.enum(['permanent', 'current']) });

/** Turns the service's field problems and duplicate errors into messages next to the fields. */
export function fieldErrors(error: unknown, locale: Locale): FieldError[] | null {
  if (!(error instanceof AppError)) return null;
  const byCode: Record<string, string> = {
    IDENTITY_CONTACT_TAKEN: 'email',
    IDENTITY_PERSONAL_ID_TAKEN: 'personalId',
    IDENTITY_TAX_CODE_TAKEN: 'taxCode',
  };
  const field = byCode[error.code];
  if (field) return [{ field, message: format(error.text, locale) }];
  if (error.code !== 'IDENTITY_INPUT_INVALID') return null;
  const fields = (error.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
  return Object.entries(fields).map(([f, rule]) => ({ field: f, message: cm.t(rule as 'required', locale) }));
}

const errorOf = (errors: FieldError[], field: string) => errors.find((e) => e.field === field)?.message;

/** Registration, verification, profile and addresses, and the access log of a citizen or business. */
export function registerCitizenPages(app: App, deps: IdentityRouteDeps): void {
  const { service, config } = deps;
  const rateLimit = { max: config.loginRateLimit, timeWindow: '1 minute' };

  const registerPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<z.infer<typeof registerForm>>,
    errors: FieldError[] = [],
    status?: number,
  ) => {
    const l = request.locale;
    const kind = values.kind ?? 'citizen';
    const body = html`<h1>${cm.t('registerTitle', l)}</h1>
      <p class="lead">${cm.t('registerLead', l)}</p>
      ${errorSummary(errors, l)}
      ${form({
        action: '/register',
        csrfToken: reply.generateCsrf(),
        body: html`${select({
          name: 'kind',
          label: cm.t('accountType', l),
          value: kind,
          options: [
            { value: 'citizen', label: cm.t('typeCitizen', l) },
            { value: 'business', label: cm.t('typeBusiness', l) },
          ],
        })}
        ${input({ name: 'fullName', label: cm.t('fullName', l), value: values.fullName ?? '', autocomplete: 'name', maxLength: 200, error: errorOf(errors, 'fullName') })}
        ${input({ name: 'email', label: cm.t('email', l), type: 'email', value: values.email ?? '', autocomplete: 'email', maxLength: 254, hint: cm.t('contactHint', l), error: errorOf(errors, 'email') })}
        ${input({ name: 'phone', label: cm.t('phone', l), type: 'tel', value: values.phone ?? '', autocomplete: 'tel', maxLength: 32, width: 'medium', error: errorOf(errors, 'phone') })}
        ${input({ name: 'personalId', label: cm.t('personalId', l), value: values.personalId ?? '', inputmode: 'numeric', maxLength: 20, width: 'medium', hint: cm.t('personalIdHint', l), error: errorOf(errors, 'personalId') })}
        ${input({ name: 'taxCode', label: cm.t('taxCode', l), value: values.taxCode ?? '', maxLength: 20, width: 'medium', hint: cm.t('taxCodeHint', l), error: errorOf(errors, 'taxCode') })}
        ${input({ name: 'password', label: cm.t('password', l), type: 'password', autocomplete: 'new-password', maxLength: 200, width: 'medium', hint: cm.t('passwordHint', l), error: errorOf(errors, 'password') })}
        ${button(cm.t('register', l))}`,
      })}
      <p><a href="/login">${cm.t('haveAccount', l)}</a></p>`;
    return reply.send(
      renderPage(request, reply, { title: cm.t('registerTitle', l), body, ...(status ? { status } : {}) }),
    );
  };

  const verifyPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { id: string; errors?: FieldError[]; status?: number; info?: string },
  ) => {
    const l = request.locale;
    const destination = await service.registrationDestination(o.id);
    if (!destination) {
      const body = html`<h1>${cm.t('verifyTitle', l)}</h1>
        ${notice(format({ vi: 'Mã xác thực đã hết hạn hoặc đã nhập sai quá số lần cho phép. Hãy đăng ký lại.', en: 'The code has expired or was entered wrongly too many times. Register again.' }, l), 'warning')}
        ${linkButton(cm.t('registerTitle', l), '/register', 'primary')}`;
      return reply.send(renderPage(request, reply, { title: cm.t('verifyTitle', l), body, status: 410 }));
    }
    const errors = o.errors ?? [];
    const body = html`<h1>${cm.t('verifyTitle', l)}</h1>
      <p class="lead">${cm.t('verifyLead', l, { destination })}</p>
      ${o.info ? notice(o.info, 'success') : ''} ${errorSummary(errors, l)}
      ${form({
        action: '/register/verify',
        csrfToken: reply.generateCsrf(),
        body: html`<input type="hidden" name="id" value="${o.id}" />
          ${input({ name: 'code', label: cm.t('code', l), autocomplete: 'one-time-code', inputmode: 'numeric', maxLength: 6, width: 'short', error: errorOf(errors, 'code') })}
          ${button(cm.t('verify', l), { name: 'action', value: 'verify' })}
          ${button(cm.t('resend', l), { name: 'action', value: 'resend', variant: 'secondary' })}`,
      })}`;
    return reply.send(
      renderPage(request, reply, {
        title: cm.t('verifyTitle', l),
        body,
        ...(o.status ? { status: o.status } : {}),
      }),
    );
  };

  app.get('/register', { schema: { hide: true } }, (request, reply) => {
    if (request.ctx.actor.kind !== 'anonymous') return reply.redirect('/account', 303);
    return registerPage(request, reply, {});
  });

  app.post(
    '/register',
    { config: { rateLimit }, schema: { hide: true, body: registerForm } },
    async (request, reply) => {
      const b = request.body;
      try {
        const r = await service.register(request.ctx, {
          kind: b.kind,
          fullName: b.fullName,
          email: b.email,
          phone: b.phone,
          password: b.password,
          ...(b.kind === 'citizen' ? { personalId: b.personalId } : { taxCode: b.taxCode }),
        });
        return reply.redirect(`/register/verify?id=${r.registrationId}`, 303);
      } catch (error) {
        const errors = fieldErrors(error, request.locale);
        if (!errors) throw error;
        const status = error instanceof AppError ? error.status : 400;
        return registerPage(request, reply, { ...b, password: '' }, errors, status);
      }
    },
  );

  app.get(
    '/register/verify',
    { schema: { hide: true, querystring: z.object({ id: z.uuid() }) } },
    (request, reply) => verifyPage(request, reply, { id: request.query.id }),
  );

  app.post(
    '/register/verify',
    { config: { rateLimit }, schema: { hide: true, body: verifyForm } },
    async (request, reply) => {
      const { id, code, action } = request.body;
      const l = request.locale;
      try {
        if (action === 'resend') {
          await service.resendCode(request.ctx, id);
          return verifyPage(request, reply, { id, info: cm.t('codeResent', l) });
        }
        const { accountId } = await service.verifyRegistration(request.ctx, { registrationId: id, code });
        const session = await service.signInVerified(request.ctx, accountId, {
          userAgent: request.headers['user-agent'] ?? null,
          method: 'registration_code',
        });
        setSessionCookie(reply, config, session.sessionToken, session.expiresAt);
        return reply.redirect('/account/profile', 303);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'IDENTITY_CODE_WRONG') {
          const left = (error.details as { attemptsLeft?: number } | undefined)?.attemptsLeft ?? 0;
          return verifyPage(request, reply, {
            id,
            status: 400,
            errors: [{ field: 'code', message: cm.t('attemptsLeft', l, { n: left }) }],
          });
        }
        if (error.code === 'IDENTITY_REGISTRATION_EXPIRED') return verifyPage(request, reply, { id });
        const errors = fieldErrors(error, l);
        if (!errors) throw error;
        return verifyPage(request, reply, {
          id,
          status: error.status,
          errors: errors.map((e) => ({ ...e, field: 'code' })),
        });
      }
    },
  );

  const addressRows = (a: AddressView | undefined, l: Locale) => {
    if (!a) return cm.t('notGiven', l);
    const oldParts = a.old
      ? [a.old.commune.name, a.old.district.name, a.old.province.name].filter(Boolean).join(', ')
      : '';
    return html`${a.street}, ${a.commune.name}, ${a.province.name} <br /><small
        >${cm.t('mappingVersion', l, { version: a.mappingVersion })}</small
      >
      ${oldParts ? html`<br /><small>${cm.t('oldAddress', l)}: ${oldParts}</small>` : ''}`;
  };

  app.get(
    '/account/profile',
    { schema: { hide: true, querystring: z.object({ saved: z.string().max(5).optional() }) } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      if (request.ctx.actor.kind !== 'citizen') return reply.redirect('/account', 303);
      const l = request.locale;
      const p = await service.myProfile(request.ctx);
      const address = (k: AddressKind) => p.addresses.find((a) => a.kind === k);
      const body = html`<h1>${cm.t('profileTitle', l)}</h1>
        ${request.query.saved ? notice(cm.t('saved', l), 'success') : ''}
        ${summaryList([
          [cm.t('fullName', l), p.fullName],
          [cm.t('accountType', l), p.kind === 'citizen' ? cm.t('typeCitizen', l) : cm.t('typeBusiness', l)],
          [cm.t('email', l), p.email ?? '—'],
          [cm.t('phone', l), p.phone ?? '—'],
          ...(p.kind === 'citizen'
            ? ([
                [
                  cm.t('personalId', l),
                  p.personalIdMasked
                    ? html`${p.personalIdMasked}
                      (${p.personalIdVerified ? cm.t('personalIdVerified', l) : cm.t('personalIdDeclared', l)})`
                    : '—',
                ],
              ] as [string, ReturnType<typeof html> | string][])
            : ([[cm.t('taxCode', l), p.taxCode ?? '—']] as [string, string][])),
        ])}
        <h2>${cm.t('addresses', l)}</h2>
        ${summaryList([
          [
            cm.t('permanent', l),
            html`${addressRows(address('permanent'), l)}
              <a href="/account/profile/address/permanent">${cm.t('edit', l)}</a>`,
          ],
          [
            cm.t('current', l),
            html`${addressRows(address('current'), l)}
              <a href="/account/profile/address/current">${cm.t('edit', l)}</a>`,
          ],
        ])}
        <p><a href="/account/access-log">${cm.t('accessLogTitle', l)}</a></p>`;
      return reply.send(renderPage(request, reply, { title: cm.t('profileTitle', l), body }));
    },
  );

  const addressPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    kind: AddressKind,
    values: Partial<z.infer<typeof addressForm>>,
    errors: FieldError[] = [],
    status?: number,
  ) => {
    const l = request.locale;
    const provinces = await service.provinces();
    const communes = values.provinceCode ? await service.communes(values.provinceCode) : [];
    const title = cm.t(kind, l);
    const body = html`<h1>${title}</h1>
      ${errorSummary(errors, l)}
      ${form({
        action: `/account/profile/address/${kind}`,
        method: 'get',
        csrfToken: '',
        label: cm.t('chooseProvince', l),
        body: html`${select({ name: 'province', label: cm.t('province', l), value: values.provinceCode ?? '', includeEmpty: cm.t('chooseProvince', l), options: provinces.map((p) => ({ value: p.code, label: p.name })) })}
        ${button(cm.t('showCommunes', l), { variant: 'secondary' })}`,
      })}
      ${
        values.provinceCode
          ? form({
              action: `/account/profile/address/${kind}`,
              csrfToken: reply.generateCsrf(),
              body: html`<input type="hidden" name="provinceCode" value="${values.provinceCode}" />
                ${select({ name: 'communeCode', label: cm.t('commune', l), value: values.communeCode ?? '', includeEmpty: cm.t('chooseCommune', l), options: communes.map((c) => ({ value: c.code, label: c.name })), error: errorOf(errors, 'communeCode') ?? errorOf(errors, 'provinceCode') })}
                ${input({ name: 'street', label: cm.t('street', l), value: values.street ?? '', maxLength: 300, error: errorOf(errors, 'street') })}
                <fieldset class="field">
                  <legend>${cm.t('oldAddress', l)}</legend>
                  ${input({ name: 'oldProvinceName', label: cm.t('oldProvince', l), value: values.oldProvinceName ?? '', maxLength: 200, width: 'medium' })}
                  ${input({ name: 'oldProvinceCode', label: `${cm.t('oldProvince', l)} — ${cm.t('oldCode', l)}`, value: values.oldProvinceCode ?? '', maxLength: 2, width: 'short', error: errorOf(errors, 'oldProvinceCode') })}
                  ${input({ name: 'oldDistrictName', label: cm.t('oldDistrict', l), value: values.oldDistrictName ?? '', maxLength: 200, width: 'medium' })}
                  ${input({ name: 'oldDistrictCode', label: `${cm.t('oldDistrict', l)} — ${cm.t('oldCode', l)}`, value: values.oldDistrictCode ?? '', maxLength: 3, width: 'short', error: errorOf(errors, 'oldDistrictCode') })}
                  ${input({ name: 'oldCommuneName', label: cm.t('oldCommune', l), value: values.oldCommuneName ?? '', maxLength: 200, width: 'medium' })}
                  ${input({ name: 'oldCommuneCode', label: `${cm.t('oldCommune', l)} — ${cm.t('oldCode', l)}`, value: values.oldCommuneCode ?? '', maxLength: 5, width: 'short', error: errorOf(errors, 'oldCommuneCode') })}
                </fieldset>
                ${button(cm.t('save', l))}`,
            })
          : ''
      }`;
    return reply.send(renderPage(request, reply, { title, body, ...(status ? { status } : {}) }));
  };

  app.get(
    '/account/profile/address/:kind',
    {
      schema: {
        hide: true,
        params: kindParams,
        querystring: z.object({ province: z.string().max(10).optional() }),
      },
    },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      if (request.ctx.actor.kind !== 'citizen') return reply.redirect('/account', 303);
      const current = (await service.myProfile(request.ctx)).addresses.find(
        (a) => a.kind === request.params.kind,
      );
      const province = request.query.province ?? current?.province.code;
      return addressPage(request, reply, request.params.kind, {
        provinceCode: province ?? '',
        ...(current && current.province.code === province
          ? {
              communeCode: current.commune.code,
              street: current.street,
              oldProvinceName: current.old?.province.name ?? '',
              oldProvinceCode: current.old?.province.code ?? '',
              oldDistrictName: current.old?.district.name ?? '',
              oldDistrictCode: current.old?.district.code ?? '',
              oldCommuneName: current.old?.commune.name ?? '',
              oldCommuneCode: current.old?.commune.code ?? '',
            }
          : {}),
      });
    },
  );

  app.post(
    '/account/profile/address/:kind',
    { schema: { hide: true, params: kindParams, body: addressForm } },
    async (request, reply) => {
      if (!requirePerson(request, reply)) return reply;
      try {
        await service.setMyAddress(request.ctx, request.params.kind, request.body);
        return reply.redirect('/account/profile?saved=1', 303);
      } catch (error) {
        const errors = fieldErrors(error, request.locale);
        if (!errors) throw error;
        return addressPage(request, reply, request.params.kind, request.body, errors, 400);
      }
    },
  );

  app.get('/account/access-log', { schema: { hide: true } }, async (request, reply) => {
    if (!requirePerson(request, reply)) return reply;
    if (request.ctx.actor.kind !== 'citizen') return reply.redirect('/account', 303);
    const l = request.locale;
    const entries = await service.myAccessLog(request.ctx);
    const body = html`<h1>${cm.t('accessLogTitle', l)}</h1>
      <p class="lead">${cm.t('accessLogLead', l)}</p>
      ${table({
        caption: cm.t('accessLogTitle', l),
        headers: [cm.t('when', l), cm.t('who', l), cm.t('agency', l), cm.t('what', l), cm.t('requestId', l)],
        rows: entries.map((e) => [
          formatDateTime(e.at),
          e.accessorName,
          e.agencyName ?? '—',
          cm.t(`what_${e.what}`, l),
          html`<code>${e.requestId}</code>`,
        ]),
        empty: cm.t('accessLogEmpty', l),
      })}`;
    return reply.send(renderPage(request, reply, { title: cm.t('accessLogTitle', l), body }));
  });
}
