import type { Logger } from 'pino';
import type { BlobStore } from '../../platform/blobs/index.ts';
import type { WorkCalendar } from '../../platform/calendar/index.ts';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { DirectoryService } from '../directory/index.ts';
import type { PkiService } from '../pki/index.ts';
import type { ExchangeObserver } from './observers.ts';

/** What the exchange module is built from (see createExchangeModule). */
export interface ExchangeDeps {
  db: Db;
  logger: Logger;
  config: Config;
  directory: DirectoryService;
  pki: PkiService;
  blobs: BlobStore;
  /** Largest packet accepted, in bytes (default 50 MB). */
  maxPacketBytes?: number;
  /** Largest decoded attachment (default: maxPacketBytes). */
  maxAttachmentBytes?: number;
  /** OrganId written in this instance's TraceHeader (default: the host of BASE_URL). */
  nodeId?: string;
  /** Re-enqueues deliveries left pending by a crashed worker (defaults: every 30 s, after 60 s). */
  sweep?: { everyMs: number; staleMs: number } | false;
  calendar?: WorkCalendar;
}

/** Deps with defaults applied. */
export interface ExchangeContext extends ExchangeDeps {
  maxPacketBytes: number;
  nodeId: string;
  /** Called inside the transactions that deliver packets and record statuses (`observe`). */
  observers: ExchangeObserver[];
}

export function withDefaults(deps: ExchangeDeps): ExchangeContext {
  return {
    ...deps,
    maxPacketBytes: deps.maxPacketBytes ?? 50 * 1024 * 1024,
    nodeId: (deps.nodeId ?? new URL(deps.config.baseUrl).host).slice(0, 64),
    observers: [],
  };
}
