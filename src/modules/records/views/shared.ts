/** Pieces shared by the records pages: tabs, status and priority labels, downloads. */
import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import type { Actor } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { formatDate, formatDateTime, type Locale } from '../../../platform/i18n/index.ts';
import { tag } from '../../../platform/pages/components.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';
import { canAtDesk, deskAgencyOf } from '../policies.ts';
import { recordsMessages as m } from './messages.ts';
import { contentDisposition } from '../../../platform/http/download.ts';

type Key = Parameters<typeof m.t>[0];

/** The desk's own navigation: incoming, outgoing (for those who may read it), search. */
export function deskTabs(current: 'incoming' | 'outgoing' | 'search', l: Locale, actor: Actor): SafeHtml {
  const tab = (key: 'incoming' | 'outgoing' | 'search', href: string) =>
    current === key
      ? html`<a href="${href}" aria-current="page"><strong>${m.t(key, l)}</strong></a>`
      : html`<a href="${href}">${m.t(key, l)}</a>`;
  const outgoing = canAtDesk(actor, deskAgencyOf(actor) ?? '', 'readOutgoing');
  return html`<nav aria-label="${m.t('tabs', l)}">
    <p>
      ${tab('incoming', '/records/incoming')} ·
      ${outgoing ? html`${tab('outgoing', '/records/outgoing')} · ` : ''}${tab('search', '/records/search')}
    </p>
  </nav>`;
}

const tones: Record<string, 'grey' | 'green' | 'blue' | 'red' | 'yellow'> = {
  '01': 'yellow',
  '02': 'red',
  '03': 'blue',
  '04': 'blue',
  '05': 'blue',
  '06': 'green',
  '13': 'red',
  '15': 'grey',
  '16': 'yellow',
};

/** The name of a status code (01–06, 13, 15, 16). */
export function statusName(code: string | null, l: Locale): string {
  if (!code) return m.t('st_pending', l);
  return m.t(`st_${code}` as Key, l);
}

export function statusTag(code: string | null, l: Locale): SafeHtml {
  return tag(statusName(code, l), code ? (tones[code] ?? 'grey') : 'grey');
}

export function priorityName(p: number | null, l: Locale): string {
  return m.t(`pr_${p !== null && p >= 0 && p <= 4 ? p : 0}` as Key, l);
}

/** Urgent documents stand out; the text carries the meaning. */
export function priorityTag(p: number | null, l: Locale): SafeHtml | string {
  return p && p > 0 ? tag(priorityName(p, l), p >= 3 ? 'red' : 'yellow') : priorityName(p, l);
}

export function recallTag(state: string | null, l: Locale): SafeHtml | string {
  if (state === 'requested') return tag(m.t('recallRequested', l), 'red');
  if (state === 'accepted') return tag(m.t('recallAccepted', l), 'grey');
  if (state === 'refused') return tag(m.t('recallRefused', l), 'yellow');
  return '';
}

export const codeText = (number: string | number | null, notation: string | null) =>
  [number, notation].filter((x) => x !== null && x !== '').join('/') || '—';

export const dateOrDash = (d: string | Date | null | undefined) => (d ? formatDate(d) : '—');
export const dateTimeOrDash = (d: string | Date | null | undefined) => (d ? formatDateTime(d) : '—');

/** Sends an attachment as a download with a safe file name. */
export function sendDownload(
  reply: FastifyReply,
  file: { name: string; contentType: string; bytes: number; stream: Readable },
) {
  return reply
    .header('content-disposition', contentDisposition(file.name))
    .header('content-length', String(file.bytes))
    .header('x-content-type-options', 'nosniff')
    .type(file.contentType)
    .send(file.stream);
}

/** Human size: 1,2 MB. */
export function sizeText(bytes: number, l: Locale): string {
  const mb = bytes / (1024 * 1024);
  const fmt = new Intl.NumberFormat(l === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  return mb >= 1 ? `${fmt.format(mb)} MB` : `${fmt.format(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

/**
 * Runs a desk step, then redirects to `next` (post, redirect, get). A refusal of the domain
 * (a 4xx other than 404) comes back on the same page through `again`; anything else is thrown.
 */
export async function stepThenRedirect(
  reply: FastifyReply,
  next: string,
  run: () => Promise<unknown>,
  again: (refusal: AppError) => Promise<unknown>,
): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
    return again(error);
  }
  return reply.redirect(next, 303);
}
