import { systemContext } from '../../../platform/context.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { FromPeer, SendResult } from '../send.ts';
import { BadSignature, StaleRequest, UnknownPeer } from './errors.ts';
import { federationRepo } from './repo.ts';
import { contentDigest, H, MAX_SKEW_MS, verifySignature } from './signing.ts';

type Headers = Record<string, string | string[] | undefined>;
type Send = (ctx: ReturnType<typeof systemContext>, body: Buffer, fromPeer: FromPeer) => Promise<SendResult>;

const header = (h: Headers, name: string): string => {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (!s || s.length > 2000) throw BadSignature({ missing: name });
  return s;
};

/**
 * Packets and statuses handed over by peers: the request's signature is checked against the
 * registered peer's public key (date within the allowed skew, body digest, fixed components),
 * then the packet is accepted into this instance's exchange like any other — same checks,
 * duplicates, successors, statuses — as a delivery to the agency hosted here; the answer comes
 * after the commit. A replayed request (same delivery id) answers the first packet's id.
 */
export function createInbound(db: Db, send: Send) {
  return async function receive(
    path: string,
    headers: Headers,
    body: Buffer,
  ): Promise<{ packetId: string; duplicate: boolean }> {
    const node = header(headers, H.node);
    const date = header(headers, H.date);
    const at = Date.parse(date);
    if (!Number.isFinite(at) || Math.abs(Date.now() - at) > MAX_SKEW_MS) throw StaleRequest();
    const peer = await federationRepo.peerByNode(db, node);
    if (!peer || peer.status !== 'active') throw UnknownPeer();
    const digest = header(headers, H.digest);
    const parts = {
      method: 'POST',
      path,
      date,
      digest,
      node,
      packetId: header(headers, H.packet),
      idempotencyKey: header(headers, H.idempotency),
      recipients: header(headers, H.recipients),
    };
    if (
      digest !== contentDigest(body) ||
      !verifySignature(peer.public_key, parts, header(headers, H.signature))
    )
      throw BadSignature();
    const key = parts.idempotencyKey.slice(0, 100);
    const seen = await federationRepo.inbound(db, peer.id, key);
    if (seen) return { packetId: seen, duplicate: true };
    const recipientCodes = parts.recipients
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .slice(0, 20);
    const result = await send(systemContext(`peer:${peer.node_id}`), body, {
      peerId: peer.id,
      recipientCodes,
      kind: path.endsWith('/statuses') ? 'status' : 'edoc',
    });
    await federationRepo.recordInbound(db, peer.id, key, result.id);
    return { packetId: result.id, duplicate: result.duplicate };
  };
}
