/**
 * What the fee request tests share: a dossier filed and accepted, the jobs run until a refund is
 * done, a harness with an agency, its officers and dossiers ready for a fee request.
 */
import type { RequestContext } from '../../src/platform/context.ts';
import { startWorker } from '../../src/platform/jobs/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { citizenCtx, minimalPdf, startDossiersHarness, type DossiersHarness } from './harness.ts';

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

/**
 * A harness with what most fee request tests act on: an agency and its procedure (10 working
 * days), its one-stop officer (`desk`) and a specialist, and `taken` for a dossier filed by
 * `applicant`, accepted, its first step taken by the specialist (who may then ask for fees).
 */
export async function startFeeRequestHarness() {
  const h = await startDossiersHarness();
  const agency = await h.makeAgency('commune');
  const procedure = await h.makeProcedure({ timeLimit: { workingDays: 10 } });
  const desk = await h.officialCtx(agency.id, ['one_stop_officer'], 'Lê Một Cửa');
  const specialist = await h.officialCtx(agency.id, ['specialist'], 'Trần Chuyên Viên');
  async function taken(applicant: RequestContext = citizenCtx(), applicantName = 'Phạm Thị Nghĩa Vụ') {
    const accepted = await acceptedDossier(h, {
      procedureCode: procedure.code,
      agencyId: agency.id,
      desk,
      applicant,
      applicantName,
    });
    return h.dossiers.service.take(specialist, accepted.id, { version: accepted.rowVersion });
  }
  return { h, agency, procedure, desk, specialist, taken };
}
