import { z } from 'zod';
import { templateKeys } from './templates.ts';

export const channelSchema = z.enum(['email', 'sms', 'in_app']);
export const statusSchema = z.enum(['queued', 'sent', 'failed']);

/** Vietnamese mobile numbers: 0 or 84 (with or without +) followed by nine digits. */
export const vietnamesePhone = z
  .string()
  .max(20)
  .transform((v) => v.replace(/[\s.()-]/g, ''))
  .pipe(z.string().regex(/^(\+?84|0)[35789]\d{8}$/, 'a Vietnamese mobile number'));

/** What another module asks for: one notice to one person on one or more channels. */
export const notifyRequestSchema = z.object({
  recipient: z.object({
    accountId: z.uuid().optional(),
    email: z.email().max(254).optional(),
    phone: vietnamesePhone.optional(),
    locale: z.enum(['vi', 'en']).default('vi'),
  }),
  template: z.enum(templateKeys),
  params: z.record(z.string().max(50), z.unknown()).default({}),
  channels: z.array(channelSchema).min(1).max(3),
  /** The same key (per channel) writes and sends the notice once, however often it is asked. */
  dedupeKey: z.string().min(1).max(200).optional(),
});
export type NotifyRequest = z.input<typeof notifyRequestSchema>;

export const noticeSchema = z
  .object({
    id: z.uuid(),
    template: z.string().max(100),
    title: z.string().max(2000),
    body: z.string().max(20_000),
    createdAt: z.iso.datetime(),
    readAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Notice' });
export type NoticeView = z.infer<typeof noticeSchema>;

export const noticeListSchema = z.object({
  notices: z.array(noticeSchema).max(100),
  unread: z.number().int().min(0),
  nextBefore: z.uuid().nullable().describe('Pass as `before` to read the next page'),
});

export const noticeListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.uuid().optional(),
  unread: z.enum(['true', 'false']).optional(),
});

export const idParams = z.object({ id: z.uuid() });
export const unreadSchema = z.object({ unread: z.number().int().min(0) });
export const markedSchema = z.object({ marked: z.number().int().min(0) });

export const notificationAdminSchema = z
  .object({
    id: z.uuid(),
    channel: channelSchema,
    template: z.string().max(100),
    locale: z.enum(['vi', 'en']),
    recipient: z.string().max(300).describe('Masked address'),
    status: statusSchema,
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    lastErrorCode: z.string().max(100).nullable(),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'NotificationStatus' });
export type NotificationAdminView = z.infer<typeof notificationAdminSchema>;

/** A filter left on "all" arrives as an empty string from the page's form. */
const orAll = <T extends z.ZodType<string>>(schema: T) =>
  z
    .union([schema, z.literal('')])
    .optional()
    .transform((v) => (v === '' ? undefined : (v as z.infer<T> | undefined)));

export const adminListQuery = z.object({
  status: orAll(statusSchema),
  channel: orAll(channelSchema),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
