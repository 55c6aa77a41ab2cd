import type { App } from '../../../platform/http/types.ts';
import type { ServicesService } from '../service.ts';

/** The administrators' pages (list, create, edit, versions, publish). */
export function registerAdminPages(_app: App, _service: ServicesService): void {}
