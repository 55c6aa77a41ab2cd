/**
 * Notice templates as data: each has an email subject, a text body (the HTML body is built from
 * it with the kernel's escaping `html` tag) and an SMS text, in Vietnamese first and English
 * second through the one i18n catalog. Parameters are checked by a zod schema when a notice is
 * asked for, stored as given, and rendered in the recipient's language when it is sent.
 */
import { z } from 'zod';
import {
  defineMessages,
  formatDate,
  formatDateTime,
  type Locale,
  type Messages,
  type Text,
} from '../../platform/i18n/index.ts';
import { html, type SafeHtml } from '../../platform/pages/html.ts';
import { toSmsText } from './sms-text.ts';

/** A parameter given in both languages (a status or procedure name), or as one string. */
const localized = (max: number) =>
  z.union([
    z.string().min(1).max(max),
    z.strictObject({ vi: z.string().min(1).max(max), en: z.string().min(1).max(max) }),
  ]);
/** A calendar date, shown as dd/MM/yyyy. */
const date = z.iso.date().transform((d) => formatDate(d));
const code = z.string().regex(/^[0-9A-Za-z]{4,12}$/, 'a code of 4 to 12 letters or digits');
const minutes = z.number().int().min(1).max(1440);
/** National dossier code, e.g. 000.00.01.H41-251103-0001 (the pattern is configurable, so loosely). */
const dossierCode = z.string().regex(/^[0-9A-Za-z.\-_/]{3,50}$/, 'a dossier code');

type Rendered = string | number | Text;
type ParamsSchema = z.ZodType<Record<string, Rendered>, Record<string, unknown>>;

interface Template {
  key: string;
  params: ParamsSchema;
  /** Parameters are secrets (codes): erased from the row once the notice is delivered. */
  sensitive: boolean;
  messages: Messages<'subject' | 'text' | 'sms'>;
}

function defineTemplate<K extends string>(
  key: K,
  o: { params: ParamsSchema; sensitive?: boolean; subject: Text; text: Text; sms: Text },
): Template & { key: K } {
  return {
    key,
    params: o.params,
    sensitive: o.sensitive ?? false,
    messages: defineMessages(`notify.template.${key}`, { subject: o.subject, text: o.text, sms: o.sms }),
  };
}

const list = [
  defineTemplate('account_verification', {
    params: z.strictObject({ code, minutes }),
    sensitive: true,
    subject: { vi: 'Mã xác thực tài khoản Liên thông', en: 'Your Liên thông verification code' },
    text: {
      vi: 'Mã xác thực tài khoản của bạn là: {code}\n\nMã có hiệu lực trong {minutes} phút. Không cung cấp mã này cho bất kỳ ai, kể cả người tự xưng là cán bộ.\n\nNếu bạn không đăng ký tài khoản, hãy bỏ qua thư này.',
      en: 'Your account verification code is: {code}\n\nThe code is valid for {minutes} minutes. Never give it to anyone, even someone who says they are an official.\n\nIf you did not register an account, ignore this message.',
    },
    sms: {
      vi: 'Mã xác thực Liên thông của bạn là {code}, hiệu lực {minutes} phút. Không cung cấp mã này cho bất kỳ ai.',
      en: 'Your Lien thong verification code is {code}, valid for {minutes} minutes. Never share this code.',
    },
  }),
  defineTemplate('password_reset', {
    params: z.strictObject({ code, minutes }),
    sensitive: true,
    subject: { vi: 'Đặt lại mật khẩu tài khoản Liên thông', en: 'Reset your Liên thông password' },
    text: {
      vi: 'Mã đặt lại mật khẩu của bạn là: {code}\n\nMã có hiệu lực trong {minutes} phút. Không cung cấp mã này cho bất kỳ ai.\n\nNếu bạn không yêu cầu đặt lại mật khẩu, hãy bỏ qua thư này; mật khẩu hiện tại vẫn được giữ nguyên.',
      en: 'Your password reset code is: {code}\n\nThe code is valid for {minutes} minutes. Never give it to anyone.\n\nIf you did not ask to reset your password, ignore this message; your current password stays as it is.',
    },
    sms: {
      vi: 'Mã đặt lại mật khẩu Liên thông: {code}, hiệu lực {minutes} phút. Không cung cấp mã này cho bất kỳ ai.',
      en: 'Lien thong password reset code: {code}, valid for {minutes} minutes. Never share this code.',
    },
  }),
  defineTemplate('dossier_received', {
    params: z.strictObject({ dossierCode, procedureName: localized(300), dueDate: date }),
    subject: { vi: 'Hồ sơ {dossierCode} đã được tiếp nhận', en: 'Dossier {dossierCode} has been received' },
    text: {
      vi: 'Hồ sơ {dossierCode} ({procedureName}) đã được tiếp nhận.\n\nNgày hẹn trả kết quả: {dueDate}.\n\nTheo dõi tình trạng hồ sơ tại {portalUrl}.',
      en: 'Dossier {dossierCode} ({procedureName}) has been received.\n\nResult expected on: {dueDate}.\n\nFollow the dossier at {portalUrl}.',
    },
    sms: {
      vi: 'Hồ sơ {dossierCode} đã được tiếp nhận, hẹn trả {dueDate}. Tra cứu: {portalUrl}',
      en: 'Dossier {dossierCode} received, result due {dueDate}. Follow it at {portalUrl}',
    },
  }),
  defineTemplate('dossier_status_changed', {
    params: z.strictObject({ dossierCode, statusName: localized(60) }),
    subject: { vi: 'Hồ sơ {dossierCode}: {statusName}', en: 'Dossier {dossierCode}: {statusName}' },
    text: {
      vi: 'Trạng thái hồ sơ {dossierCode} đã chuyển sang: {statusName}.\n\nXem chi tiết tại {portalUrl}.',
      en: 'The status of dossier {dossierCode} is now: {statusName}.\n\nSee the details at {portalUrl}.',
    },
    sms: {
      vi: 'Hồ sơ {dossierCode}: {statusName}. Chi tiết tại {portalUrl}',
      en: 'Dossier {dossierCode}: {statusName}. Details at {portalUrl}',
    },
  }),
  // To officials: a processing step they hold (or may take from their queue) falls due.
  defineTemplate('dossier_step_due', {
    params: z.strictObject({
      dossierCode,
      stepName: localized(100),
      dueAt: z.iso.datetime({ offset: true }).transform((d) => formatDateTime(d)),
      state: z
        .enum(['due_soon', 'overdue'])
        .transform((s) =>
          s === 'overdue' ? { vi: 'đã quá hạn', en: 'is overdue' } : { vi: 'sắp đến hạn', en: 'is due soon' },
        ),
    }),
    subject: {
      vi: 'Hồ sơ {dossierCode}: bước {stepName} {state}',
      en: 'Dossier {dossierCode}: step {stepName} {state}',
    },
    text: {
      vi: 'Bước xử lý "{stepName}" của hồ sơ {dossierCode} {state} (hạn xử lý: {dueAt}).\n\nXem hồ sơ và xử lý tại {portalUrl}.',
      en: 'The processing step "{stepName}" of dossier {dossierCode} {state} (due {dueAt}).\n\nOpen the dossier at {portalUrl}.',
    },
    sms: {
      vi: 'Hồ sơ {dossierCode}: bước {stepName} {state}, hạn {dueAt}.',
      en: 'Dossier {dossierCode}: step {stepName} {state}, due {dueAt}.',
    },
  }),
  defineTemplate('supplement_requested', {
    params: z.strictObject({ dossierCode, reason: z.string().min(1).max(2000) }),
    subject: {
      vi: 'Hồ sơ {dossierCode} cần bổ sung, hoàn thiện',
      en: 'Dossier {dossierCode} needs to be completed',
    },
    text: {
      vi: 'Cơ quan giải quyết yêu cầu bổ sung, hoàn thiện hồ sơ {dossierCode}.\n\nNội dung cần bổ sung: {reason}\n\nVui lòng đăng nhập {portalUrl} để nộp bổ sung trực tuyến.',
      en: 'The competent agency asks you to complete dossier {dossierCode}.\n\nWhat is needed: {reason}\n\nSign in at {portalUrl} to add the papers online.',
    },
    sms: {
      vi: 'Hồ sơ {dossierCode} cần bổ sung, hoàn thiện. Xem yêu cầu và nộp bổ sung tại {portalUrl}',
      en: 'Dossier {dossierCode} needs more papers. See the request and add them at {portalUrl}',
    },
  }),
  defineTemplate('result_ready', {
    params: z.strictObject({ dossierCode }),
    subject: {
      vi: 'Đã có kết quả giải quyết hồ sơ {dossierCode}',
      en: 'The result of dossier {dossierCode} is ready',
    },
    text: {
      vi: 'Hồ sơ {dossierCode} đã có kết quả giải quyết. Bạn có thể tải kết quả trực tuyến hoặc nhận theo hình thức đã đăng ký.\n\nXem tại {portalUrl}.',
      en: 'Dossier {dossierCode} has its result. You can download it online or receive it the way you chose.\n\nSee it at {portalUrl}.',
    },
    sms: {
      vi: 'Hồ sơ {dossierCode} đã có kết quả giải quyết. Xem và tải kết quả tại {portalUrl}',
      en: 'The result of dossier {dossierCode} is ready. See and download it at {portalUrl}',
    },
  }),
  defineTemplate('report_deadline_reminder', {
    params: z.strictObject({ reportName: localized(300), periodName: localized(40), deadline: date }),
    subject: {
      vi: 'Nhắc hạn gửi báo cáo: {reportName} ({periodName})',
      en: 'Report due soon: {reportName} ({periodName})',
    },
    text: {
      vi: 'Báo cáo “{reportName}” kỳ {periodName} cần được gửi trước hết ngày {deadline}.\n\nNhập và gửi báo cáo tại {portalUrl}.',
      en: 'The report “{reportName}” for {periodName} must be sent by the end of {deadline}.\n\nFill in and send it at {portalUrl}.',
    },
    sms: {
      vi: 'Nhắc hạn: báo cáo kỳ {periodName} cần gửi trước hết ngày {deadline}. Chi tiết tại {portalUrl}',
      en: 'Reminder: the report for {periodName} is due by {deadline}. Details at {portalUrl}',
    },
  }),
  defineTemplate('report_overdue', {
    params: z.strictObject({ reportName: localized(300), periodName: localized(40), deadline: date }),
    subject: {
      vi: 'Báo cáo quá hạn: {reportName} ({periodName})',
      en: 'Report overdue: {reportName} ({periodName})',
    },
    text: {
      vi: 'Báo cáo “{reportName}” kỳ {periodName} đã quá hạn gửi (hạn {deadline}). Đề nghị đơn vị khẩn trương hoàn thành và gửi báo cáo.\n\nGửi báo cáo tại {portalUrl}.',
      en: 'The report “{reportName}” for {periodName} is overdue (it was due on {deadline}). Please complete and send it without delay.\n\nSend it at {portalUrl}.',
    },
    sms: {
      vi: 'Báo cáo kỳ {periodName} đã quá hạn gửi (hạn {deadline}). Đề nghị gửi ngay tại {portalUrl}',
      en: 'The report for {periodName} is overdue (due {deadline}). Please send it now at {portalUrl}',
    },
  }),
] as const;

export type TemplateKey = (typeof list)[number]['key'];
export const templateKeys = list.map((t) => t.key) as [TemplateKey, ...TemplateKey[]];
const templates = new Map<string, Template>(list.map((t) => [t.key, t]));

/** The template of `key`; throws for an unknown key (keys come from code, not from people). */
export function templateOf(key: string): Template {
  const t = templates.get(key);
  if (!t) throw new Error(`notify: unknown template ${key}`);
  return t;
}

const mail = defineMessages('notify.mail', {
  footer: {
    vi: 'Thư này được gửi tự động từ hệ thống Liên thông; vui lòng không trả lời thư này.',
    en: 'This message was sent automatically by Liên thông; please do not reply to it.',
  },
});

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
  sms: string;
  /** The in-app notice: the subject as title, the text without the mail footer. */
  title: string;
  body: string;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Renders a template in `locale`; parameters are checked again (they were stored as given). */
export function renderTemplate(
  key: string,
  locale: Locale,
  params: unknown,
  context: { portalUrl: string },
): RenderedNotice {
  const t = templateOf(key);
  const parsed = t.params.parse(params);
  const values: Record<string, string> = { portalUrl: context.portalUrl };
  for (const [name, value] of Object.entries(parsed))
    values[name] = typeof value === 'object' ? value[locale] : String(value);
  // Header lines never carry a line break, whatever a parameter holds.
  const subject = fill(t.messages.t('subject', locale), values).replace(/[\r\n]+/g, ' ');
  const body = fill(t.messages.t('text', locale), values);
  const footer = mail.t('footer', locale);
  return {
    subject,
    text: `${body}\n\n--\n${footer}\n`,
    html: mailHtml(locale, subject, body, footer).value,
    sms: toSmsText(fill(t.messages.t('sms', locale), values)),
    title: subject,
    body,
  };
}

function mailHtml(locale: Locale, subject: string, body: string, footer: string): SafeHtml {
  const paragraphs = body.split(/\n{2,}/);
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <title>${subject}</title>
      </head>
      <body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c">
        <h1 style="font-size: 20px">${subject}</h1>
        ${paragraphs.map((p) => html`<p>${p}</p>`)}
        <hr />
        <p style="font-size: 14px; color: #505a5f">${footer}</p>
      </body>
    </html> `;
}

/** Checks parameters for a template; returns the zod issues' paths (never their values). */
export function checkTemplateParams(
  key: string,
  params: unknown,
): { ok: true } | { ok: false; fields: string[] } {
  const result = templateOf(key).params.safeParse(params);
  if (result.success) return { ok: true };
  return { ok: false, fields: result.error.issues.map((i) => i.path.join('.') || '(params)') };
}
