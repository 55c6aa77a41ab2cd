import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineJob, enqueue, type JobDefinition } from '../../platform/jobs/index.ts';
import type { ExchangeContext } from './deps.ts';
import type { Tx } from '../../platform/db/database.ts';
import { exchangeRepo, type DeliveryRow } from './repo.ts';
import type { PacketArrived } from './observers.ts';

const deliverPayload = z.object({ deliveryId: z.uuid() });
export type DeliverJob = JobDefinition<typeof deliverPayload>;

/** Thrown for a delivery whose route this instance cannot serve yet (another instance: federation). */
export class NoRouteYet extends Error {
  constructor(route: string) {
    super(`no transport for route ${route}`);
    this.name = 'NoRouteYet';
  }
}

/**
 * Makes a locked pending delivery `delivered` and records status 01 "arrived": a local one with
 * its inbox number, one handed to a peer instance (federation) without.
 */
export async function markArrived(trx: Tx, d: DeliveryRow, inboxSeq: string | null): Promise<void> {
  const now = new Date();
  await exchangeRepo.updateDelivery(trx, d.id, {
    state: 'delivered',
    delivered_at: now,
    inbox_seq: inboxSeq,
    attempts: d.attempts + 1,
    last_attempt_at: now,
    current_status: d.current_status ?? '01',
    status_at: d.status_at ?? now,
  });
  await exchangeRepo.insertEvent(trx, {
    id: randomUUID(),
    delivery_id: d.id,
    code: '01',
    description: null,
    staff: null,
    occurred_at: now,
    source_packet_id: null,
  });
}

/**
 * Delivery of accepted packets. A job per delivery, idempotent by delivery id: the row is locked,
 * a delivery already made is left alone, and a local one takes the next number of the
 * recipient's inbox and records status 01 "arrived" in the same transaction.
 */
export function createDelivery(
  c: ExchangeContext,
  peers?: { forward(deliveryId: string): Promise<'delivered' | 'already' | 'failed'> },
) {
  const log = c.logger;

  /** Tells the observers (`observe`) that a packet reached a local inbox, in the delivering transaction. */
  async function notifyArrived(trx: Tx, d: DeliveryRow): Promise<void> {
    const p = await exchangeRepo.packet(trx, d.packet_id);
    if (!p) return;
    const attachments = (await exchangeRepo.attachments(trx, p.id)).map((a) => ({
      n: a.n,
      name: a.name,
      sniffedType: a.sniffed_type,
      bytes: Number(a.bytes),
      sha256: a.sha256,
    }));
    const event: PacketArrived = {
      packetId: p.id,
      deliveryId: d.id,
      kind: p.kind,
      businessType: p.business_type,
      documentId: p.document_id,
      senderAgencyId: p.sender_agency_id,
      senderCode: p.sender_code,
      recipientAgencyId: d.recipient_agency_id,
      addressedCodes: d.addressed_codes,
      codeNumber: p.code_number,
      codeNotation: p.code_notation,
      promulgationDate: p.promulgation_date,
      subject: p.subject,
      attachments,
    };
    for (const o of c.observers) if (o.packetArrived) await o.packetArrived(trx, event);
  }

  async function deliver(deliveryId: string): Promise<'delivered' | 'already'> {
    // Federation: a `peer:<id>` route is handed to the peer transport (federation/transport.ts),
    // which throws to be retried with backoff while the peer is unreachable.
    const routed = await exchangeRepo.delivery(c.db, deliveryId);
    if (routed && routed.route !== 'local') {
      if (!peers) throw new NoRouteYet(routed.route);
      return (await peers.forward(deliveryId)) === 'delivered' ? 'delivered' : 'already';
    }
    return c.db.transaction().execute(async (trx) => {
      const d = await exchangeRepo.delivery(trx, deliveryId, { lock: true });
      if (!d || d.state !== 'pending') return 'already';
      // Seam for federation: a peer route is handed to the peer transport (issue 3, item 8).
      if (d.route !== 'local') throw new NoRouteYet(d.route);
      await markArrived(trx, d, await exchangeRepo.nextInboxSeq(trx, d.recipient_agency_id));
      if (c.observers.length > 0) await notifyArrived(trx, d);
      return 'delivered';
    });
  }

  const job: DeliverJob = defineJob({
    name: 'exchange.deliver',
    payload: deliverPayload,
    async handle({ deliveryId }) {
      const outcome = await deliver(deliveryId);
      if (outcome === 'delivered') log.debug({ action: 'exchange.delivered', deliveryId }, 'delivered');
    },
  });

  /** Re-enqueues deliveries still pending long after their last attempt (a worker died holding them). */
  async function sweep(staleMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await c.db.transaction().execute(async (trx) => {
        const claimed = await exchangeRepo.claimStalePending(trx, staleMs, 500);
        for (const id of claimed)
          await enqueue(trx, job, { deliveryId: id }, { jobKey: `exchange-deliver:${id}` });
        return claimed;
      });
      total += ids.length;
      if (ids.length < 500) break;
    }
    if (total > 0) log.warn({ action: 'exchange.sweep', requeued: total }, 'stale deliveries re-enqueued');
    return total;
  }

  let timer: NodeJS.Timeout | null = null;
  return {
    job,
    deliver,
    sweep,
    startSweeper() {
      const o = c.sweep === undefined ? { everyMs: 30_000, staleMs: 60_000 } : c.sweep;
      if (!o || timer) return;
      timer = setInterval(() => {
        sweep(o.staleMs).catch((error: unknown) =>
          log.error({ err: error, action: 'exchange.sweep' }, 'sweep failed'),
        );
      }, o.everyMs);
      timer.unref();
    },
    stopSweeper() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
