import type { App } from '../../platform/http/types.ts';
import type { DossierService } from './service.ts';

/** The dossiers API (JSON, in OpenAPI under the tag `dossiers`). */
export function registerDossierRoutes(_app: App, _service: DossierService): void {}
