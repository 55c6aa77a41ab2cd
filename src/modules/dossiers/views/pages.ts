import type { App } from '../../../platform/http/types.ts';
import type { DossierService } from '../service.ts';

/** The citizen's and the officer's pages. */
export async function registerDossierPages(_app: App, _service: DossierService): Promise<void> {}
