import type { App } from '../../../platform/http/types.ts';
import type { DossierService } from '../service.ts';
import { registerFilingPages } from './filing.ts';
import { registerFollowPages } from './follow.ts';
import { registerOneStopPages } from './one-stop.ts';
import { registerBackofficePages } from './one-stop-lists.ts';
import { registerPublicPages } from './public.ts';
import type { DossierPageSection } from './sections.ts';

/** The citizen's, the public's and the one-stop officer's pages. */
export async function registerDossierPages(
  app: App,
  service: DossierService,
  sections: readonly DossierPageSection[] = [],
): Promise<void> {
  await registerFilingPages(app, service);
  await registerFollowPages(app, service, sections);
  await registerOneStopPages(app, service, sections);
  await registerBackofficePages(app, service);
  registerPublicPages(app, service);
}
