/** What the reporting services are built from, named once. */
import type { Logger } from 'pino';
import type { WorkCalendar } from '../../platform/calendar/index.ts';
import { localDay, isoDateOfDay } from '../../platform/calendar/index.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/database.ts';
import type { NotifyService } from '../notify/index.ts';
import type { ReportingDirectory } from './hierarchy.ts';

/** The part of the pki service reporting uses: sign bytes as an agency (XML-DSig), verify them. */
export interface ReportingSigner {
  signEdxml(ctx: RequestContext, agencyId: string, xmlBytes: Buffer): Promise<Buffer>;
  verifyEdxml(xmlBytes: Buffer): Promise<{ result: string; signerSubject: string | null; reason?: string }>;
}

export interface ReportingDeps {
  db: Db;
  logger: Logger;
  directory: ReportingDirectory;
  /** Null when the instance runs without pki: submissions then record their hash only. */
  pki: ReportingSigner | null;
  calendar: WorkCalendar;
  /** Reminders go through notify; null when the instance runs without it (no reminders). */
  notify: NotifyService | null;
  /** The clock (tests pass a fixed one). */
  now: () => Date;
}

/** Today's date in Vietnam (yyyy-MM-dd) by the deps' clock. */
export function todayOf(deps: Pick<ReportingDeps, 'now'>): string {
  return isoDateOfDay(localDay(deps.now()));
}
