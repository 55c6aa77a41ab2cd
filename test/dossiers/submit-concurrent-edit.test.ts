// Submission reads and checks the draft before it takes a number, and under the row lock reads it
// again only when its version moved. These tests make the applicant's own edit land between the
// two, in a fixed order (a third session holds the row until both calls are queued on it), and
// check the submission sees the edit: the draft's version moves with its papers as with its values.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import type { RequestContext } from '../../src/platform/context.ts';
import { citizenCtx, minimalPdf, startDossiersHarness, type DossiersHarness } from './harness.ts';

let h: DossiersHarness;
let agencyId: string;
let procedureCode: string;

async function filledDraft(): Promise<{ ctx: RequestContext; id: string; paperId: string }> {
  const ctx = citizenCtx();
  const d = await h.dossiers.service.createDraft(ctx, {
    procedureCode,
    agencyId,
    applicantName: 'Đỗ Thị Hồng Nhung',
  });
  await h.dossiers.service.saveValues(ctx, d.id, { childName: 'Đỗ Minh Châu', birthDate: '2026-02-03' });
  const paper = await h.dossiers.service.addPaper(ctx, d.id, {
    paperKey: 'giayChungSinh',
    fileName: 'chung-sinh.pdf',
    bytes: minimalPdf,
  });
  return { ctx, id: d.id, paperId: paper.id };
}

/** How many audit events and timeline entries say that the dossier was submitted. */
async function submittedTraces(id: string): Promise<{ audit: number; timeline: number }> {
  const { rows } = await h.db.database.pool.query<{ audit: number; timeline: number }>(
    `SELECT (SELECT count(*)::int FROM audit_events WHERE action = 'dossiers.submitted' AND $1::text = ANY(subject_ids)) AS audit,
            (SELECT count(*)::int FROM dossiers_events WHERE dossier_id = $1::uuid AND status = 'submitted') AS timeline`,
    [id],
  );
  return rows[0] ?? { audit: -1, timeline: -1 };
}

/** Waits until `n` sessions of the test database wait for a lock. */
async function lockWaiters(n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await h.db.database.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.n ?? 0) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never ${n} sessions waiting for a lock`);
}

/**
 * Holds the dossier's row while `edit` and then `submit` start (each waits for the row, in that
 * order), then lets them go: the edit commits before the submission locks the row.
 */
async function editThenSubmit<E, S>(
  id: string,
  edit: () => Promise<E>,
  submit: () => Promise<S>,
): Promise<[PromiseSettledResult<E>, PromiseSettledResult<S>]> {
  const holder: pg.PoolClient = await h.db.database.pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM dossiers_dossiers WHERE id = $1 FOR UPDATE', [id]);
    const edited = edit();
    edited.catch(() => undefined);
    await lockWaiters(1);
    const submitted = submit();
    submitted.catch(() => undefined);
    await lockWaiters(2);
    await holder.query('COMMIT');
    return await Promise.allSettled([edited, submitted]);
  } finally {
    holder.release();
  }
}

describe('dossiers: submission and the applicant’s own edit at the same moment', () => {
  before(async () => {
    h = await startDossiersHarness();
    agencyId = (await h.makeAgency('commune')).id;
    procedureCode = (await h.makeProcedure()).code;
  });
  after(() => h.close());

  it('moves a draft’s version when a paper is added or removed, as when its values change', async () => {
    const { ctx, id, paperId } = await filledDraft();
    const v1 = (await h.dossiers.service.get(ctx, id)).rowVersion;
    await h.dossiers.service.removePaper(ctx, id, paperId);
    const v2 = (await h.dossiers.service.get(ctx, id)).rowVersion;
    assert.ok(v2 > v1, 'removing a paper moves the version');
    await h.dossiers.service.addPaper(ctx, id, {
      paperKey: 'giayChungSinh',
      fileName: 'a.pdf',
      bytes: minimalPdf,
    });
    assert.ok((await h.dossiers.service.get(ctx, id)).rowVersion > v2, 'adding a paper moves the version');
  });

  it('refuses the submission when the required paper was removed after the first check', async () => {
    const { ctx, id, paperId } = await filledDraft();
    const [removed, submitted] = await editThenSubmit(
      id,
      () => h.dossiers.service.removePaper(ctx, id, paperId),
      () => h.dossiers.service.submit(ctx, id),
    );
    assert.equal(removed.status, 'fulfilled');
    if (submitted.status !== 'rejected') return assert.fail('submitted without its required paper');
    const error = submitted.reason as { code: string; details?: unknown };
    assert.equal(error.code, 'DOSSIER_INVALID');
    assert.deepEqual((error.details as { missingPapers: string[] }).missingPapers, ['giayChungSinh']);
    const after = await h.dossiers.service.get(ctx, id);
    assert.equal(after.status, 'draft');
    assert.equal(after.code, null);
    assert.deepEqual(await submittedTraces(id), { audit: 0, timeline: 0 });
  });

  it('files the values saved after the first check', async () => {
    const { ctx, id } = await filledDraft();
    const [saved, submitted] = await editThenSubmit(
      id,
      () => h.dossiers.service.saveValues(ctx, id, { childName: 'Đỗ Minh Khang', birthDate: '2026-02-04' }),
      () => h.dossiers.service.submit(ctx, id),
    );
    assert.equal(saved.status, 'fulfilled');
    if (submitted.status !== 'fulfilled') return assert.fail(String(submitted.reason));
    const { dossier } = submitted.value;
    assert.equal(dossier.status, 'submitted');
    assert.deepEqual(dossier.values, { childName: 'Đỗ Minh Khang', birthDate: '2026-02-04' });
    assert.deepEqual((await h.dossiers.service.get(ctx, id)).values, dossier.values);
    // The first try, made on the version checked before the edit, wrote nothing that stayed:
    // one audit event and one timeline entry tell of the submission.
    assert.deepEqual(await submittedTraces(id), { audit: 1, timeline: 1 });
  });

  it('answers 404 to another citizen submitting the draft, and leaves it a draft', async () => {
    const { ctx, id } = await filledDraft();
    await assert.rejects(h.dossiers.service.submit(citizenCtx(), id), /DOSSIER_NOT_FOUND/);
    await assert.rejects(h.dossiers.service.submit(citizenCtx(), 'not-a-uuid'), /DOSSIER_NOT_FOUND/);
    assert.equal((await h.dossiers.service.get(ctx, id)).status, 'draft');
  });
});
