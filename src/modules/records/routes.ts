import type { App } from '../../platform/http/types.ts';
import type { RecordsService } from './service.ts';
import { registerComposePages } from './views/compose.ts';
import { registerIncomingPages } from './views/incoming.ts';
import { registerOutgoingPages } from './views/outgoing.ts';

/** The records desk is pages only: agencies with software of their own use the exchange API. */
export async function registerRecordsRoutes(app: App, service: RecordsService): Promise<void> {
  registerIncomingPages(app, service);
  registerOutgoingPages(app, service);
  await registerComposePages(app, service);
}
