import { buffer } from 'node:stream/consumers';
import type { ExchangeContext } from '../deps.ts';
import { exchangeRepo, type DeliveryRow } from '../repo.ts';
import { packetStream } from '../original.ts';
import { federationRepo } from './repo.ts';
import { contentDigest, H, COMPONENTS, type NodeKey } from './signing.ts';

/** Thrown for an attempt that may succeed later (peer down, 5xx, 401, 429): the job retries it. */
export class PeerUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerUnavailable';
  }
}

/**
 * 4xx answers that no retry can change: the delivery is marked failed with the peer's reason.
 * 409 is not one: a status may reach the sender's node a moment before that node has read the
 * peer's answer to the hand-over of the document (its delivery still pending); it is retried.
 */
const PERMANENT = new Set([400, 403, 404, 410, 413, 415, 422]);

export const FEDERATION_PATHS = {
  packets: '/api/v1/exchange/federation/packets',
  statuses: '/api/v1/exchange/federation/statuses',
} as const;

/**
 * Hands deliveries with a `peer:<id>` route to the peer instance: the packet as this node serves
 * it (our TraceHeader spliced in) is POSTed, signed, to the peer's federation endpoint. A 2xx
 * (the peer answers after its commit) makes the delivery `delivered` with status 01; errors throw
 * so the job queue retries with backoff; permanent refusals are recorded as failed.
 */
export function createPeerTransport(c: ExchangeContext, key: NodeKey, timeoutMs = 30_000) {
  const log = c.logger;

  async function markDelivered(d: DeliveryRow, remotePacketId: string | null): Promise<boolean> {
    return c.db.transaction().execute(async (trx) => {
      const locked = await exchangeRepo.delivery(trx, d.id, { lock: true });
      if (!locked || locked.state !== 'pending') return false;
      // Delivered with status 01 "arrived"; a delivery handed to a peer has no inbox number here.
      await exchangeRepo.markDelivered(trx, [{ id: locked.id, inboxSeq: null }], new Date());
      await federationRepo.recordAttempt(trx, {
        deliveryId: d.id,
        peerId: d.route.slice(5),
        error: null,
        remotePacketId,
      });
      return true;
    });
  }

  async function attempt(d: DeliveryRow, failure: { error: string; failedReason?: string }): Promise<void> {
    await c.db.transaction().execute(async (trx) => {
      await exchangeRepo.updateDelivery(trx, d.id, { attempts: d.attempts + 1, last_attempt_at: new Date() });
      await federationRepo.recordAttempt(trx, {
        deliveryId: d.id,
        peerId: d.route.slice(5),
        error: failure.error,
        ...(failure.failedReason ? { failedReason: failure.failedReason } : {}),
      });
    });
  }

  /** One attempt for a peer delivery: 'delivered', 'already' (or failed before), or throws to retry. */
  async function forward(deliveryId: string): Promise<'delivered' | 'already' | 'failed'> {
    const d = await exchangeRepo.delivery(c.db, deliveryId);
    if (!d || d.state !== 'pending' || !d.route.startsWith('peer:')) return 'already';
    const previous = await federationRepo.peerDelivery(c.db, d.id);
    if (previous?.failed_at) return 'already';
    const peer = await federationRepo.peer(c.db, d.route.slice(5));
    if (!peer) {
      await attempt(d, { error: 'peer removed', failedReason: 'FEDERATION_PEER_NOT_FOUND' });
      return 'failed';
    }
    if (peer.status !== 'active') {
      await attempt(d, { error: 'peer disabled' });
      throw new PeerUnavailable(`peer ${peer.node_id} is disabled`);
    }
    const packet = await exchangeRepo.packet(c.db, d.packet_id);
    if (!packet) throw new Error(`packet of delivery ${d.id} missing`);
    const body = await buffer(await packetStream(c.db, c.blobs, packet));
    const path = packet.kind === 'status' ? FEDERATION_PATHS.statuses : FEDERATION_PATHS.packets;
    const parts = {
      method: 'POST',
      path,
      date: new Date().toUTCString(),
      digest: contentDigest(body),
      node: c.nodeId,
      packetId: packet.id,
      idempotencyKey: d.id,
      recipients: d.addressed_codes.join(','),
    };
    let response: Response;
    try {
      response = await fetch(new URL(path, peer.base_url), {
        method: 'POST',
        headers: {
          'content-type': 'application/xml',
          accept: 'application/json',
          [H.date]: parts.date,
          [H.digest]: parts.digest,
          [H.node]: parts.node,
          [H.packet]: parts.packetId,
          [H.idempotency]: parts.idempotencyKey,
          [H.recipients]: parts.recipients,
          [H.signatureInput]: `fed=${COMPONENTS};keyid="${c.nodeId}";alg="ed25519"`,
          [H.signature]: key.sign(parts),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const message = `network: ${(error as Error).message}`.slice(0, 300);
      await attempt(d, { error: message });
      throw new PeerUnavailable(`peer ${peer.node_id}: ${message}`);
    }
    const answer = (await response.json().catch(() => ({}))) as { packetId?: string; code?: string };
    if (response.ok) {
      const made = await markDelivered(d, typeof answer.packetId === 'string' ? answer.packetId : null);
      log.info(
        { action: 'exchange.federation.forwarded', deliveryId: d.id, peer: peer.node_id },
        'handed to peer',
      );
      return made ? 'delivered' : 'already';
    }
    const reason = `${response.status} ${answer.code ?? ''}`.trim();
    if (PERMANENT.has(response.status)) {
      await attempt(d, { error: reason, failedReason: reason });
      log.warn(
        { action: 'exchange.federation.failed', deliveryId: d.id, peer: peer.node_id, reason },
        'peer refused',
      );
      return 'failed';
    }
    await attempt(d, { error: reason });
    throw new PeerUnavailable(`peer ${peer.node_id} answered ${reason}`);
  }

  return { forward };
}
