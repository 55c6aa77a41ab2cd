/**
 * Federation of Liên thông instances (issue 3, item 8): peers, routing of recipients hosted on a
 * peer, the signed peer-to-peer protocol, and the transport handing deliveries to peers. Used by
 * the exchange module only (createExchangeModule). See ../README.md "Federation".
 */
import type { App } from '../../../platform/http/types.ts';
import type { ExchangeContext } from '../deps.ts';
import type { FromPeer, SendResult } from '../send.ts';
import type { RequestContext } from '../../../platform/context.ts';
import { createInbound } from './inbound.ts';
import { registerFederationRoutes } from './routes.ts';
import { createPeerService } from './service.ts';
import { loadNodeKey } from './signing.ts';
import { createPeerTransport } from './transport.ts';
import { registerPeersPage } from './views/peers.ts';

export { federationRepo } from './repo.ts';
export type { PeerService, PeerView } from './service.ts';

type Send = (ctx: RequestContext, body: Buffer, fromPeer: FromPeer) => Promise<SendResult>;

export function createFederation(c: ExchangeContext) {
  const key = loadNodeKey(c.config.dataDir);
  const peers = createPeerService(c, key);
  const transport = createPeerTransport(c, key);
  return {
    peers,
    transport,
    async register(app: App, send: Send): Promise<void> {
      await registerFederationRoutes(app, peers, createInbound(c.db, send), {
        maxPacketBytes: c.maxPacketBytes,
      });
      registerPeersPage(app, peers);
    },
  };
}
export type Federation = ReturnType<typeof createFederation>;
