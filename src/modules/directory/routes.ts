import type { App } from '../../platform/http/types.ts';
import type { FullDirectoryService } from './index.ts';

/** The directory's API and pages. */
export function registerDirectoryRoutes(_app: App, _service: FullDirectoryService): void {}
