// What the dossiers module needs from the platform and the modules below it.
import type { Logger } from 'pino';
import type { BlobStore } from '../../platform/blobs/index.ts';
import type { WorkCalendar } from '../../platform/calendar/index.ts';
import type { Db } from '../../platform/db/database.ts';
import type { FullDirectoryService } from '../directory/index.ts';
import type { NotifyService } from '../notify/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import type { ServicesService } from '../services/index.ts';
import type { MalwareScanner } from './files.ts';
import type { DossierObserver } from './observers.ts';

export type DossiersDirectory = Pick<FullDirectoryService, 'getAgency' | 'getAgencyDetail' | 'search'>;
export type DossiersPayments = Pick<PaymentsService, 'createPayment' | 'paymentsOf' | 'enabled'>;
export type DossiersNotify = Pick<NotifyService, 'notify'>;
export type DossiersCatalogue = Pick<ServicesService, 'getPublished' | 'getVersion'>;

export interface DossiersOptions {
  /** Dossier code template (default `{agencyCode}-{yyMMdd}-{seq:4}`). */
  codePattern?: string;
  /** Largest paper accepted, in bytes (default 10 MB). */
  maxFileBytes?: number;
  /** Malware scanner for uploads (default: accepts every file). */
  scan?: MalwareScanner;
  /** Clock, for tests. */
  now?: () => Date;
}

export interface DossiersDeps {
  db: Db;
  logger: Logger;
  directory: DossiersDirectory;
  services: DossiersCatalogue;
  payments: DossiersPayments | null;
  notify: DossiersNotify;
  calendar: WorkCalendar;
  blobs: BlobStore;
  codePattern: string;
  maxFileBytes: number;
  scan: MalwareScanner;
  now: () => Date;
  /** Called inside every transaction that changes a dossier (registered with `observe`). */
  observers: DossierObserver[];
}
