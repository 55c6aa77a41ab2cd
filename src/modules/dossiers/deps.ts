// What the dossiers module needs from the platform and the modules below it.
import type { Logger } from 'pino';
import type { BlobStore } from '../../platform/blobs/index.ts';
import type { WorkCalendar } from '../../platform/calendar/index.ts';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { FullDirectoryService } from '../directory/index.ts';
import type { AccountView, IdentityService } from '../identity/index.ts';
import type { NotifyService } from '../notify/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import type { PkiService } from '../pki/index.ts';
import type { ServicesService } from '../services/index.ts';
import type { MalwareScanner } from './files.ts';
import type { DossierObserver } from './observers.ts';

export type DossiersDirectory = Pick<FullDirectoryService, 'getAgency' | 'getAgencyDetail' | 'search'>;
export type DossiersPayments = Pick<PaymentsService, 'createPayment' | 'paymentsOf' | 'refund' | 'enabled'>;
export type DossiersNotify = Pick<NotifyService, 'notify'>;
export type DossiersCatalogue = Pick<ServicesService, 'getPublished' | 'getVersion'>;

/** An official as the back office needs them: name (form 06, NguoiXuLy), agency and roles. */
export interface OfficialInfo {
  id: string;
  fullName: string;
  agencyId: string | null;
  /** The official's unit within the agency (steps routed to a unit go to its officials). */
  unitId?: string | null;
  roles: readonly string[];
  active: boolean;
}

/** Officials of the identity module, read-only (names for form 06; who may be assigned a step). */
export interface DossiersOfficials {
  get(accountId: string): Promise<OfficialInfo | null>;
  ofAgency(agencyId: string): Promise<OfficialInfo[]>;
}

/** Nobody known: names show as the role's title and reassignment is refused. */
export const noOfficials: DossiersOfficials = {
  get: () => Promise.resolve(null),
  ofAgency: () => Promise.resolve([]),
};

/** Officials read through the identity module, as the platform's own system actor. */
export function officialsFromIdentity(
  identity: Pick<IdentityService, 'getAccount' | 'listAccounts'>,
): DossiersOfficials {
  const ctx = systemContext('dossiers');
  const info = (a: AccountView): OfficialInfo => ({
    id: a.id,
    fullName: a.fullName,
    agencyId: a.agencyId,
    unitId: a.unitId,
    roles: a.roles,
    active: a.status === 'active',
  });
  return {
    async get(accountId) {
      try {
        const a = await identity.getAccount(ctx, accountId);
        return a.kind === 'official' ? info(a) : null;
      } catch {
        return null; // unknown or removed account: shown by role title
      }
    },
    async ofAgency(agencyId) {
      const r = await identity.listAccounts(ctx, { agencyId, page: 1, pageSize: 100 });
      return r.accounts.filter((a) => a.kind === 'official').map(info);
    },
  };
}

/** Signing of results with the agency's certificate (keys stay in the pki module). */
export type DossiersSigner = Pick<PkiService, 'canSign' | 'signEdxml' | 'verifyEdxml'>;

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
  officials: DossiersOfficials;
  /** Null: results cannot be signed here (issuing a result answers 503 DOSSIER_SIGNING_UNAVAILABLE). */
  pki: DossiersSigner | null;
}
