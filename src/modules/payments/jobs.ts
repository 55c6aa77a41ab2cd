import { z } from 'zod';
import { defineJob, type JobDefinition } from '../../platform/jobs/index.ts';

export const expiryPayload = z.object({ paymentId: z.uuid() });
export type ExpiryJob = JobDefinition<typeof expiryPayload>;

/**
 * The job that closes one payment when its time is up (after asking the gateway whether it was
 * paid after all). One job per payment, keyed by its id; running it twice changes nothing.
 */
export function createExpiryJob(expireOne: (paymentId: string) => Promise<unknown>): ExpiryJob {
  return defineJob({
    name: 'payments.expire',
    payload: expiryPayload,
    handle: async ({ paymentId }) => {
      await expireOne(paymentId);
    },
  });
}
