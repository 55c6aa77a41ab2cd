import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../context.ts';
import type { Locale, Text } from '../i18n/index.ts';
import { format } from '../i18n/index.ts';
import { breadcrumbs, type Crumb } from './components.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { layoutMessages as m } from './messages.ts';

/** An entry of the main navigation, shown to the actors `visible` accepts. */
export interface NavItem {
  href: string;
  label: Text;
  visible(actor: Actor): boolean;
}

const navigation: NavItem[] = [];

/** Modules add their navigation entries once, from the composition root. */
export function addNavigation(...items: NavItem[]): void {
  for (const item of items) if (!navigation.some((n) => n.href === item.href)) navigation.push(item);
}

export interface PageOptions {
  title: string;
  body: HtmlValue;
  crumbs?: Crumb[];
  /** Name shown in the header for a signed-in actor. */
  status?: number;
}

function languageSwitch(request: FastifyRequest, locale: Locale): SafeHtml {
  const other: Locale = locale === 'vi' ? 'en' : 'vi';
  const url = new URL(request.url, 'http://x');
  url.searchParams.set('lang', other);
  return html`<a
    class="lang-switch"
    href="${url.pathname + url.search}"
    lang="${other}"
    hreflang="${other}"
    aria-label="${m.t('switchLanguageLabel', locale)}"
    >${m.t('switchLanguage', locale)}</a
  >`;
}

function accountArea(request: FastifyRequest, reply: FastifyReply, locale: Locale): SafeHtml {
  const actor = request.ctx.actor;
  if (actor.kind === 'official' || actor.kind === 'citizen') {
    return html`<form class="signout" method="post" action="/logout">
      <input type="hidden" name="_csrf" value="${reply.generateCsrf()}" />
      <a href="/account">${m.t('signedInAs', locale, { name: request.displayName ?? '' })}</a>
      <button type="submit" class="link-button">${m.t('signOut', locale)}</button>
    </form>`;
  }
  return html`<a href="/login">${m.t('signIn', locale)}</a>`;
}

/** Renders a full page in the shared layout, in the request's language. */
export function renderPage(request: FastifyRequest, reply: FastifyReply, o: PageOptions): string {
  const locale = request.locale;
  const actor = request.ctx.actor;
  const nav = navigation.filter((n) => n.visible(actor));
  const current = request.url.split('?')[0] ?? '/';
  reply.type('text/html; charset=utf-8');
  if (o.status) reply.code(o.status);
  const page = html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title} — ${m.t('appName', locale)}</title>
        <link rel="stylesheet" href="/assets/style.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">${m.t('skipToContent', locale)}</a>
        <header class="header">
          <div class="container header-inner">
            <a class="brand" href="/"
              ><span class="brand-name">${m.t('appName', locale)}</span>
              <span class="brand-tagline">${m.t('tagline', locale)}</span></a
            >
            <div class="header-tools">
              ${languageSwitch(request, locale)} ${accountArea(request, reply, locale)}
            </div>
          </div>
          ${
            nav.length > 0
              ? html`<nav class="nav" aria-label="${m.t('mainNavigation', locale)}">
                  <ul class="container">
                    ${nav.map(
                      (n) =>
                        html`<li>
                          <a
                            href="${n.href}"
                            ${current === n.href || current.startsWith(`${n.href}/`) ? html`aria-current="page"` : ''}
                            >${format(n.label, locale)}</a
                          >
                        </li>`,
                    )}
                  </ul>
                </nav>`
              : ''
          }
        </header>
        <div class="container">
          ${breadcrumbs(o.crumbs ?? [], locale)}
          <main id="main" tabindex="-1">${o.body}</main>
        </div>
        <footer class="footer">
          <div class="container">
            <p>${m.t('footer', locale)}</p>
            <p><a href="/docs">${m.t('apiDocs', locale)}</a></p>
          </div>
        </footer>
      </body>
    </html>`;
  return page.value;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Display name of the signed-in person, set by the identity module (never logged). */
    displayName?: string;
  }
}
