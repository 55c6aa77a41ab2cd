import { z } from 'zod';
import { defineJob, enqueue, type JobDefinition } from '../../platform/jobs/index.ts';
import type { ExchangeContext } from './deps.ts';
import type { Tx } from '../../platform/db/database.ts';
import { exchangeRepo, type DeliveryRow } from './repo.ts';
import type { PacketArrived } from './observers.ts';

const deliverPayload = z.object({ deliveryId: z.uuid() });
export type DeliverJob = JobDefinition<typeof deliverPayload>;

/** Local deliveries claimed and delivered in one transaction. */
const BATCH = 500;
/** A batch job gives its worker back after this long (it enqueues itself again when work is left). */
const BATCH_JOB_MS = 20_000;
const LOCAL_JOB_KEY = 'exchange-deliver-local';
/** The job key of a peer delivery's job (one job per delivery, kept by graphile-worker's key). */
export const PEER_JOB_KEY_PREFIX = 'exchange-deliver:';

/** How long a kick waits for other commits' kicks before queuing the batch job they share. */
const KICK_GATHER_MS = 20;

/** Thrown for a delivery whose route this instance cannot serve yet (another instance: federation). */
export class NoRouteYet extends Error {
  constructor(route: string) {
    super(`no transport for route ${route}`);
    this.name = 'NoRouteYet';
  }
}

/** What the sender needs from delivery: the peer job (one per peer delivery) and the local wake-up. */
export interface DeliveryQueue {
  /** The job of one delivery to a peer instance (federation), enqueued in the sending transaction. */
  peerJob: DeliverJob;
  /**
   * Wakes the local deliverer after a commit that left local deliveries pending: one batch job
   * (keyed, so concurrent senders share it) is queued after the commit. The promise settles when
   * it is queued; it never rejects (the sweeper is the safety net).
   */
  kick(): Promise<void>;
}

/**
 * Delivery of accepted packets. Local deliveries go in batches: one job claims up to 500 pending
 * rows (`FOR UPDATE SKIP LOCKED`, so workers never take the same row), takes each recipient
 * inbox's numbers with one counter update per agency, and marks them delivered with status 01 in
 * bulk — all in one transaction. A delivery to a peer instance keeps a job of its own (retried
 * with backoff while the peer is down). Unique keys make a second delivery impossible.
 */
export function createDelivery(
  c: ExchangeContext,
  peers?: { forward(deliveryId: string): Promise<'delivered' | 'already' | 'failed'> },
) {
  const log = c.logger;

  /** Tells the observers (`observe`) that packets reached local inboxes, in the delivering transaction. */
  async function notifyArrived(trx: Tx, rows: DeliveryRow[]): Promise<void> {
    const packetIds = [...new Set(rows.map((d) => d.packet_id))];
    const packets = new Map((await exchangeRepo.packets(trx, packetIds)).map((p) => [p.id, p]));
    const attachments = Map.groupBy(await exchangeRepo.attachmentsOf(trx, packetIds), (a) => a.packet_id);
    for (const d of rows) {
      const p = packets.get(d.packet_id);
      if (!p) continue;
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
        attachments: (attachments.get(p.id) ?? []).map((a) => ({
          n: a.n,
          name: a.name,
          sniffedType: a.sniffed_type,
          bytes: Number(a.bytes),
          sha256: a.sha256,
        })),
      };
      for (const o of c.observers) if (o.packetArrived) await o.packetArrived(trx, event);
    }
  }

  /**
   * Delivers locked pending local deliveries: each recipient agency's inbox numbers are taken
   * with one counter update (agencies in a fixed order, so two batches never deadlock; the
   * counter row stays locked until commit, so numbers commit in order and a cursor never skips a
   * late commit), then every row becomes `delivered` with status 01, in bulk.
   */
  async function deliverLocal(trx: Tx, rows: DeliveryRow[]): Promise<void> {
    if (rows.length === 0) return;
    const byAgency = new Map<string, DeliveryRow[]>();
    for (const d of rows) {
      const list = byAgency.get(d.recipient_agency_id);
      if (list) list.push(d);
      else byAgency.set(d.recipient_agency_id, [d]);
    }
    const numbered: { id: string; inboxSeq: string }[] = [];
    for (const agencyId of [...byAgency.keys()].sort()) {
      const mine = byAgency.get(agencyId) ?? [];
      const last = BigInt(await exchangeRepo.takeInboxSeqs(trx, agencyId, mine.length));
      const first = last - BigInt(mine.length) + 1n;
      mine.forEach((d, i) => numbered.push({ id: d.id, inboxSeq: String(first + BigInt(i)) }));
    }
    await exchangeRepo.markDelivered(trx, numbered, new Date());
    if (c.observers.length > 0) await notifyArrived(trx, rows);
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
      if (d.route !== 'local') throw new NoRouteYet(d.route);
      await deliverLocal(trx, [d]);
      return 'delivered';
    });
  }

  /**
   * One batch: claims up to `limit` local pending deliveries and delivers them in one
   * transaction. If the batch fails (an observer refused one packet), each delivery is tried on
   * its own so one bad delivery does not hold the others; the failing ones wait (backoff).
   */
  async function deliverBatch(limit = BATCH): Promise<number> {
    let claimed: DeliveryRow[] = [];
    try {
      return await c.db.transaction().execute(async (trx) => {
        claimed = await exchangeRepo.claimLocalPending(trx, limit);
        await deliverLocal(trx, claimed);
        return claimed.length;
      });
    } catch (error) {
      if (claimed.length <= 1) {
        if (claimed[0]) await exchangeRepo.recordFailedAttempt(c.db, claimed[0].id);
        throw error;
      }
      log.warn({ err: error, action: 'exchange.deliver_batch', deliveries: claimed.length }, 'batch failed');
      let delivered = 0;
      for (const d of claimed) {
        try {
          if ((await deliver(d.id)) === 'delivered') delivered++;
        } catch (one: unknown) {
          await exchangeRepo.recordFailedAttempt(c.db, d.id);
          log.error({ err: one, action: 'exchange.deliver', deliveryId: d.id }, 'delivery failed');
        }
      }
      return delivered;
    }
  }

  const job: DeliverJob = defineJob({
    name: 'exchange.deliver',
    payload: deliverPayload,
    async handle({ deliveryId }) {
      const outcome = await deliver(deliveryId);
      if (outcome === 'delivered') log.debug({ action: 'exchange.delivered', deliveryId }, 'delivered');
    },
  });

  // The local deliverer: a keyed job that drains the pending local deliveries in batches.
  const localJob = defineJob({
    name: 'exchange.deliver-local',
    payload: z.object({}),
    async handle() {
      const started = Date.now();
      for (;;) {
        const n = await deliverBatch();
        if (n > 0) log.debug({ action: 'exchange.delivered', deliveries: n }, 'batch delivered');
        if (n < BATCH) return;
        if (Date.now() - started > BATCH_JOB_MS) {
          void kick();
          return;
        }
      }
    },
  });

  // Kicks coalesce: the kicks of KICK_GATHER_MS share one enqueue, and while one enqueue is in
  // flight later kicks share the next, which starts after it — so every kick is followed by an
  // enqueue that began after the kicker's commit (one add_job for many packets under load).
  let dirty = false;
  let running: Promise<void> | null = null;
  function kick(): Promise<void> {
    dirty = true;
    running ??= (async () => {
      try {
        while (dirty) {
          await new Promise((resolve) => setTimeout(resolve, KICK_GATHER_MS));
          dirty = false;
          await enqueue(c.db, localJob, {}, { jobKey: LOCAL_JOB_KEY }).catch((error: unknown) =>
            log.error({ err: error, action: 'exchange.kick' }, 'could not queue local delivery'),
          );
        }
      } finally {
        running = null;
      }
    })();
    return running;
  }

  /**
   * Deliveries still pending long after they were written or last tried (a worker died, a kick
   * was lost): peer deliveries get their job again, local ones a batch job. Returns how many.
   */
  async function sweep(staleMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await c.db.transaction().execute(async (trx) => {
        const claimed = await exchangeRepo.claimStalePeerPending(trx, staleMs, 500);
        for (const id of claimed)
          await enqueue(trx, job, { deliveryId: id }, { jobKey: `${PEER_JOB_KEY_PREFIX}${id}` });
        return claimed;
      });
      total += ids.length;
      if (ids.length < 500) break;
    }
    const local = await exchangeRepo.countStaleLocalPending(c.db, staleMs);
    if (local > 0) await kick();
    total += local;
    if (total > 0) log.warn({ action: 'exchange.sweep', requeued: total }, 'stale deliveries re-enqueued');
    return total;
  }

  let timer: NodeJS.Timeout | null = null;
  return {
    job,
    localJob,
    queue: { peerJob: job, kick } satisfies DeliveryQueue,
    deliver,
    deliverBatch,
    sweep,
    startSweeper() {
      const o = c.sweep === undefined ? { everyMs: 30_000, staleMs: 60_000 } : c.sweep;
      if (!o || timer) return;
      // Deliveries a stopped process left pending are taken now, not after the first sweep.
      void kick();
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
