import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../../platform/audit/index.ts';
import { isPlatformAdmin, type RequestContext } from '../../../platform/context.ts';
import { Forbidden, Unauthenticated } from '../../../platform/errors.ts';
import type { ExchangeContext } from '../deps.ts';
import { AgencyNotFound, PeerExists, PeerNotFound } from './errors.ts';
import { federationRepo, type PeerRow } from './repo.ts';
import { parsePublicKey, type NodeKey } from './signing.ts';
import { UUID_PATTERN as UUID } from '../../../platform/ids.ts';

export interface PeerInput {
  name: string;
  nodeId: string;
  baseUrl: string;
  publicKey: string;
  status?: 'active' | 'disabled' | undefined;
}

function peerView(p: PeerRow, agencies: { id: string; name: string | null }[]) {
  return {
    id: p.id,
    name: p.name,
    nodeId: p.node_id,
    baseUrl: p.base_url,
    publicKey: p.public_key,
    status: p.status,
    agencies,
    updatedAt: p.updated_at.toISOString(),
  };
}
export type PeerView = ReturnType<typeof peerView>;

/** The peers registry, managed by platform administrators (everyone else: 403). */
export function createPeerService(c: ExchangeContext, key: NodeKey) {
  const { db } = c;

  function admin(ctx: RequestContext) {
    if (isPlatformAdmin(ctx.actor)) return;
    throw ctx.actor.kind === 'anonymous' ? Unauthenticated() : Forbidden();
  }

  async function view(p: PeerRow): Promise<PeerView> {
    const ids = await federationRepo.agenciesOf(db, p.id);
    const agencies = [];
    for (const id of ids) {
      const a = await c.directory.getAgency(id);
      agencies.push({ id, name: a?.name ?? null });
    }
    return peerView(p, agencies);
  }

  async function get(ctx: RequestContext, id: string): Promise<PeerView> {
    admin(ctx);
    const p = UUID.test(id) ? await federationRepo.peer(db, id) : undefined;
    if (!p) throw PeerNotFound();
    return view(p);
  }

  return {
    /** This node: its id (TraceHeader OrganId) and the public key peers register for it. */
    node: () => ({ nodeId: c.nodeId, publicKey: key.publicKeyPem }),

    async list(ctx: RequestContext): Promise<PeerView[]> {
      admin(ctx);
      const peers = await federationRepo.peers(db);
      return Promise.all(peers.map(view));
    },

    get,

    async create(ctx: RequestContext, input: PeerInput): Promise<PeerView> {
      admin(ctx);
      parsePublicKey(input.publicKey);
      if (await federationRepo.peerByNode(db, input.nodeId)) throw PeerExists();
      const id = randomUUID();
      await db.transaction().execute(async (trx) => {
        await federationRepo.insertPeer(trx, {
          id,
          name: input.name,
          node_id: input.nodeId,
          base_url: input.baseUrl.replace(/\/$/, ''),
          public_key: input.publicKey.trim(),
          status: input.status ?? 'active',
        });
        await recordAudit(trx, ctx, {
          action: 'exchange.peer.created',
          subjectType: 'exchange_peer',
          subjectIds: [id],
          details: { nodeId: input.nodeId, baseUrl: input.baseUrl },
        });
      });
      return get(ctx, id);
    },

    async update(
      ctx: RequestContext,
      id: string,
      input: Partial<Omit<PeerInput, 'nodeId'>>,
    ): Promise<PeerView> {
      const before = await get(ctx, id);
      if (input.publicKey) parsePublicKey(input.publicKey);
      await db.transaction().execute(async (trx) => {
        await federationRepo.updatePeer(trx, before.id, {
          ...(input.name ? { name: input.name } : {}),
          ...(input.baseUrl ? { base_url: input.baseUrl.replace(/\/$/, '') } : {}),
          ...(input.publicKey ? { public_key: input.publicKey.trim() } : {}),
          ...(input.status ? { status: input.status } : {}),
        });
        await recordAudit(trx, ctx, {
          action: 'exchange.peer.updated',
          subjectType: 'exchange_peer',
          subjectIds: [before.id],
          details: { fields: Object.keys(input) },
        });
      });
      return get(ctx, id);
    },

    /** Marks an agency (directory id or any of its codes) as hosted on the peer. */
    async host(ctx: RequestContext, peerId: string, agency: string): Promise<PeerView> {
      const peer = await get(ctx, peerId);
      const agencyId = UUID.test(agency)
        ? (await c.directory.getAgency(agency))?.id
        : (await c.directory.resolveCode(agency))?.current.id;
      if (!agencyId) throw AgencyNotFound();
      await db.transaction().execute(async (trx) => {
        await federationRepo.hostAgency(trx, peer.id, agencyId);
        await recordAudit(trx, ctx, {
          action: 'exchange.peer.agency_hosted',
          subjectType: 'exchange_peer',
          subjectIds: [peer.id, agencyId],
          agencyId,
        });
      });
      return get(ctx, peerId);
    },

    async unhost(ctx: RequestContext, peerId: string, agencyId: string): Promise<PeerView> {
      const peer = await get(ctx, peerId);
      if (!UUID.test(agencyId)) throw AgencyNotFound();
      await db.transaction().execute(async (trx) => {
        if (!(await federationRepo.unhostAgency(trx, peer.id, agencyId))) throw AgencyNotFound();
        await recordAudit(trx, ctx, {
          action: 'exchange.peer.agency_unhosted',
          subjectType: 'exchange_peer',
          subjectIds: [peer.id, agencyId],
          agencyId,
        });
      });
      return get(ctx, peerId);
    },
  };
}
export type PeerService = ReturnType<typeof createPeerService>;
