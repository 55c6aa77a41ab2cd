/** What the fee request tests share: a dossier filed and accepted, the jobs run until a refund is done. */
import type { RequestContext } from '../../src/platform/context.ts';
import { startWorker } from '../../src/platform/jobs/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { minimalPdf, type DossiersHarness } from './harness.ts';

/** A dossier of the harness's small procedure filed by `applicant` and accepted by `desk`. */
export async function acceptedDossier(
  h: DossiersHarness,
  o: {
    procedureCode: string;
    agencyId: string;
    desk: RequestContext;
    applicant: RequestContext;
    applicantName: string;
  },
) {
  const s = h.dossiers.service;
  const d = await s.createDraft(o.applicant, {
    procedureCode: o.procedureCode,
    agencyId: o.agencyId,
    applicantName: o.applicantName,
  });
  await s.saveValues(o.applicant, d.id, { childName: 'Phạm An', birthDate: '2026-01-15' });
  await s.addPaper(o.applicant, d.id, { paperKey: 'giayChungSinh', fileName: 'cs.pdf', bytes: minimalPdf });
  const { dossier } = await s.submit(o.applicant, d.id);
  return s.accept(o.desk, d.id, { version: dossier.rowVersion });
}

/** Runs the dossiers jobs until `done` holds or 10 s pass (refunds are jobs after the paying commit). */
export async function runJobsUntil(h: DossiersHarness, done: () => Promise<boolean>): Promise<void> {
  const worker = await startWorker({
    pool: h.db.database.pool,
    jobs: h.dossiers.jobs,
    concurrency: 1,
    logger: createLogger('silent'),
  });
  try {
    for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await worker.stop();
  }
}
