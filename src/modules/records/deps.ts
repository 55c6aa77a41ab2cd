import type { Logger } from 'pino';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import {
  searchNormalise,
  type AgencyDetail,
  type AgencySummary,
  type SearchHit,
  type SearchQuery,
} from '../directory/index.ts';
import type { ExchangeService } from '../exchange/index.ts';
import type { PkiService } from '../pki/index.ts';
import { NotAtDesk } from './errors.ts';
import { canAtDesk, deskAgencyOf, type DeskAction } from './policies.ts';

/** What the records module reads from the directory. */
export interface RecordsDirectory {
  getAgency(id: string): Promise<AgencySummary | null>;
  getAgencyDetail(id: string): Promise<AgencyDetail | null>;
  search(query: SearchQuery): Promise<{ items: SearchHit[]; page: number; hasNext: boolean }>;
}

/** What the records module is built from (see createRecordsModule). */
export interface RecordsDeps {
  db: Db;
  logger: Logger;
  exchange: Pick<
    ExchangeService,
    'send' | 'inbox' | 'get' | 'attachment' | 'recordStatus' | 'recall' | 'recipients'
  >;
  pki: Pick<PkiService, 'signEdxml' | 'canSign'>;
  directory: RecordsDirectory;
  /** The clock (tests pass one to cross a year boundary). */
  now?: () => Date;
  /** Largest PDF attachment in bytes (default 10 MB); at most `maxAttachments` (default 5). */
  maxAttachmentBytes?: number;
  maxAttachments?: number;
}

export interface RecordsContext extends RecordsDeps {
  now: () => Date;
  maxAttachmentBytes: number;
  maxAttachments: number;
}

export function withDefaults(deps: RecordsDeps): RecordsContext {
  return {
    ...deps,
    now: deps.now ?? (() => new Date()),
    maxAttachmentBytes: deps.maxAttachmentBytes ?? 10 * 1024 * 1024,
    maxAttachments: deps.maxAttachments ?? 5,
  };
}

/** The agency of the actor's desk once `action` is allowed there; else 404. */
export function deskAgency(ctx: RequestContext, action: DeskAction): string {
  const agency = deskAgencyOf(ctx.actor);
  if (!agency || !canAtDesk(ctx.actor, agency, action)) throw NotAtDesk();
  return agency;
}

/** The date in Vietnam (UTC+7) as `yyyy-MM-dd`. */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** The words of a query, folded like the stored search text (at most 8). */
export function searchWords(q: string | undefined): string[] {
  return [
    ...new Set(
      searchNormalise(q ?? '')
        .split(' ')
        .filter((w) => w.length > 0),
    ),
  ].slice(0, 8);
}

/** The stored search text of a document: lower case, no diacritics. */
export function searchText(parts: readonly (string | null | undefined)[]): string {
  return searchNormalise(parts.filter(Boolean).join(' ')).slice(0, 2000);
}

/** The code an agency writes as its OrganId today: a QĐ20 code first, else any valid one. */
export function currentCode(agency: AgencyDetail, today: string): string | null {
  const valid = agency.codes.filter((c) => c.validFrom <= today && (c.validTo === null || c.validTo > today));
  const order = ['QD20', 'SHORT'];
  valid.sort((a, b) => {
    const ia = order.indexOf(a.scheme);
    const ib = order.indexOf(b.scheme);
    return (ia < 0 ? 9 : ia) - (ib < 0 ? 9 : ib);
  });
  return valid[0]?.code ?? null;
}
