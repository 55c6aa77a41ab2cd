/**
 * The inbound pull: first the filed dossiers kept as problems are tried again, then the national
 * portal's listing (LayDanhSachHoSoMC) is read page by page from the stored cursor
 * (NgayNop, MaHoSo), each dossier imported once, and the cursor advanced past every dossier
 * handled. The first pull starts `firstPullDays` back.
 */
import type { Logger } from 'pino';
import type { PortalClient } from './client.ts';
import { importFiledDossier, type ImportDeps } from './import.ts';
import { portalTime, type FiledItem } from './protocol.ts';
import { syncRepo } from './repo.ts';

export interface PullReport {
  imported: number;
  already: number;
  problems: number;
  /** Listed items we could not read. */
  unreadable: number;
}

const MAX_PAGES = 50;

export function createPuller(
  deps: ImportDeps & { client: PortalClient; logger: Logger; firstPullDays: number },
) {
  async function pull(): Promise<PullReport> {
    const report: PullReport = { imported: 0, already: 0, problems: 0, unreadable: 0 };
    const count = async (item: FiledItem) => {
      const outcome = await importFiledDossier(deps, item);
      if (outcome.kind === 'imported') report.imported += 1;
      else if (outcome.kind === 'already') report.already += 1;
      else report.problems += 1;
    };
    for (const p of await syncRepo.problems(deps.db, 50)) await count(p.item as FiledItem);
    const start = new Date(deps.now().getTime() - deps.firstPullDays * 86_400_000);
    let cursor = (await syncRepo.cursor(deps.db)) ?? { ngayNop: portalTime(start), maHoSo: '' };
    for (let page = 0; page < MAX_PAGES; page++) {
      const listed = await deps.client.listFiled(cursor.ngayNop, cursor.maHoSo);
      report.unreadable += listed.skipped;
      for (const item of listed.items) await count(item);
      if (!listed.last) break;
      cursor = { ngayNop: listed.last.NgayNop, maHoSo: listed.last.MaHoSo };
      await syncRepo.setCursor(deps.db, cursor.ngayNop, cursor.maHoSo);
      if (!listed.full) break;
    }
    if (report.imported || report.problems || report.unreadable)
      deps.logger.info(
        { action: 'dossiers.sync.pulled', ...report },
        'dossiers pulled from the national portal',
      );
    return report;
  }
  return { pull };
}
