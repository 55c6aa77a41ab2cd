// What the inter-agency part of dossiers needs from the platform and the modules below it.
import type { Logger } from 'pino';
import type { BlobStore } from '../../../platform/blobs/index.ts';
import type { WorkCalendar } from '../../../platform/calendar/index.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { FullDirectoryService } from '../../directory/index.ts';
import type { ExchangeService } from '../../exchange/index.ts';
import type { PkiService } from '../../pki/index.ts';
import type { ServicesService } from '../../services/index.ts';
import type { DossiersNotify } from '../deps.ts';
import type { DossierObserver } from '../observers.ts';

export type InteragencyDirectory = Pick<
  FullDirectoryService,
  'getAgency' | 'getAgencyDetail' | 'search' | 'resolveCode'
>;
export type InteragencyCatalogue = Pick<
  ServicesService,
  'getPublished' | 'exists' | 'createProcedure' | 'publish'
>;
export interface InteragencyExchange {
  send: ExchangeService['send'];
  /** The peer instance hosting an agency, or null when it is hosted here. */
  hostOf(agencyId: string): Promise<string | null>;
}

export interface InteragencyDeps {
  db: Db;
  logger: Logger;
  directory: InteragencyDirectory;
  services: InteragencyCatalogue;
  exchange: InteragencyExchange;
  pki: Pick<PkiService, 'signEdxml'>;
  notify: DossiersNotify;
  calendar: WorkCalendar;
  blobs: BlobStore;
  /**
   * The dossiers module's observers, told when a part's dossier is created here (as a submission
   * is). Empty until the dossiers module exposes its list (see WIRING.md).
   */
  dossierObservers: DossierObserver[];
  /** Dossier code template of this instance (default the national one). */
  codePattern: string;
  now: () => Date;
}
