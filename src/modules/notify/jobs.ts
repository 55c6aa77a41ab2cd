import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs/index.ts';
import { notifyRepo, type NotificationRow } from './repo.ts';
import { renderTemplate, templateOf } from './templates.ts';
import { DeliveryError, type NotifyTransports } from './transports.ts';

export const deliveryPayload = z.object({ notificationId: z.uuid() });
export type DeliveryJob = JobDefinition<typeof deliveryPayload>;

/**
 * The delivery job: renders the notice in the recipient's language, hands it to the transport
 * and records the outcome. A temporary failure throws, so the job queue retries with backoff;
 * a permanent one, or the last attempt, marks the notification failed. Logs carry ids, the
 * channel, the template and error codes, never addresses or texts.
 */
export function createDeliveryJob(deps: {
  db: Db;
  logger: Logger;
  transports: NotifyTransports;
  portalUrl: string;
}): DeliveryJob {
  const { db, logger, transports } = deps;

  async function send(row: NotificationRow): Promise<{ providerMessageId: string }> {
    const notice = renderTemplate(row.template, row.locale, row.params, { portalUrl: deps.portalUrl });
    if (row.channel === 'email' && row.email)
      return transports.email.send({
        to: row.email,
        subject: notice.subject,
        text: notice.text,
        html: notice.html,
        reference: row.id,
      });
    if (row.channel === 'sms' && row.phone)
      return transports.sms.send(row.phone, notice.sms, { reference: row.id });
    throw new DeliveryError('NO_ADDRESS', true);
  }

  return defineJob({
    name: 'notify.deliver',
    payload: deliveryPayload,
    async handle({ notificationId }, { attempt }) {
      const row = await notifyRepo.byId(db, notificationId);
      // Already delivered or given up (a re-run after a crash): nothing to do.
      if (!row || row.status !== 'queued') return;
      const line = {
        action: 'notify.deliver',
        notificationId,
        channel: row.channel,
        template: row.template,
        attempt,
      };
      let providerMessageId: string;
      try {
        ({ providerMessageId } = await send(row));
      } catch (error) {
        const failure = error instanceof DeliveryError ? error : new DeliveryError('UNEXPECTED', false);
        // Unknown errors are named, not printed: their text may quote an address.
        if (!(error instanceof DeliveryError))
          logger.error({ ...line, errorName: (error as Error).name }, 'unexpected delivery error');
        const final = failure.permanent || attempt >= row.max_attempts;
        await notifyRepo.recordFailure(db, notificationId, { code: failure.code, final });
        logger.warn(
          { ...line, code: failure.code, final },
          final ? 'notification failed' : 'delivery failed; will retry',
        );
        if (!final) throw failure;
        return;
      }
      await notifyRepo.markSent(db, notificationId, {
        providerMessageId,
        eraseParams: templateOf(row.template).sensitive,
      });
      logger.info(line, 'notification sent');
    },
  });
}
