// The filing side: when the main dossier is received, each part goes to its agency — a dossier in
// that agency's queue on this instance, or a document through the axis to an agency hosted on
// another instance — and each part's progress comes back onto the one dossier. When every part is
// done, the main dossier is processed (9) and its result returned (10).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isoDateOfDay, localDay } from '../../../platform/calendar/index.ts';
import type { Tx } from '../../../platform/db/database.ts';
import { AppError } from '../../../platform/errors.ts';
import { defineJob, enqueue } from '../../../platform/jobs/index.ts';
import type { PacketArrived, StatusRecorded } from '../../exchange/index.ts';
import type { StatusChange } from '../observers.ts';
import { dossiersRepo, type DossierRow } from '../repo.ts';
import { changeStatus } from '../shared.ts';
import { noOfficials } from '../deps.ts';
import { createEngine } from '../workflow/engine.ts';
import { stepsRepo } from '../workflow/repo.ts';
import { inProgress } from '../statuses.ts';
import type { DossierStatus } from '../tables.ts';
import { fileLinkedDossier, interagencyContext } from './child.ts';
import { interagencyProcedureSchema } from './definition.ts';
import type { InteragencyDeps } from './deps.ts';
import {
  MAX_JSON_BYTES,
  PART_NOTATION,
  partDocumentId,
  partPacket,
  recallPacket,
  RESULT_FILE,
  resultMessageSchema,
  type PartMessage,
} from './packets.ts';
import { interagencyRepo, type PartRow } from './repo.ts';
import { resolvePartAgency } from './resolve.ts';
import { renderSummary } from './summary.ts';
import type { PartState } from './tables.ts';

/** The largest total of papers sent with one part through the axis. */
const MAX_PAPER_BYTES = 40 * 1024 * 1024;

const settled: readonly PartState[] = ['done', 'refused', 'stopped', 'failed'];

/** The part's state for a state of its dossier on this instance. */
function stateOfChild(status: DossierStatus): PartState | null {
  switch (status) {
    case 'received':
      return 'received';
    case 'processing':
    case 'awaiting_supplement':
    case 'awaiting_payment':
      return 'processing';
    case 'refused':
      return 'refused';
    case 'stopped':
    case 'withdrawn':
      return 'stopped';
    case 'result_ready':
    case 'delivered':
      return 'done';
    case 'draft':
    case 'submitted':
      return null;
  }
}

/** The part's state for a processing status of the remote agency (edxml.md §8). */
function stateOfStatus(code: string): PartState | null {
  switch (code) {
    case '02':
      return 'refused';
    case '03':
      return 'received';
    case '04':
    case '05':
    case '06':
      return 'processing';
    default:
      return null;
  }
}

export const vietnamDate = (at: Date) => isoDateOfDay(localDay(at));

export function createOrigin(deps: InteragencyDeps) {
  const { db, logger } = deps;

  const dispatchJob = defineJob({
    name: 'dossiers.interagency.dispatch',
    payload: z.object({ partId: z.uuid() }),
    handle: ({ partId }) => dispatchRemote(partId),
  });
  const recallJob = defineJob({
    name: 'dossiers.interagency.recall',
    payload: z.object({ partId: z.uuid() }),
    handle: ({ partId }) => recallRemote(partId),
  });
  const completeJob = defineJob({
    name: 'dossiers.interagency.complete',
    payload: z.object({ dossierId: z.uuid() }),
    handle: ({ dossierId }) => complete(dossierId),
  });

  /** The main dossier was received: one part row per part, the first parts started. */
  async function onReceived(trx: Tx, dossier: DossierRow, at: Date): Promise<void> {
    const def = await interagencyRepo.procedureFor(trx, dossier.procedure_code);
    if (!def) return;
    if ((await interagencyRepo.partsOf(trx, dossier.id)).length > 0) return;
    const parsed = interagencyProcedureSchema.safeParse(def.definition);
    if (!parsed.success) {
      // A definition stored by an older version: the dossier is received; its parts wait for a fix.
      logger.error(
        { action: 'interagency.bad_definition', code: def.code },
        'inter-agency definition unreadable',
      );
      return;
    }
    const procedure = parsed.data;
    // Due dates along the plan: a part waiting for others starts when their allotted time ends.
    const due = new Map<number, Date>();
    const rows: PartRow[] = [];
    for (const p of [...procedure.parts].sort((a, b) => a.order - b.order)) {
      const start = p.after.reduce(
        (latest, o) => {
          const d = due.get(o);
          return d && d > latest ? d : latest;
        },
        p.after.length > 0 ? new Date(0) : at,
      );
      const dueAt = deps.calendar.dueAfterWorkingDays(start, p.workingDays);
      due.set(p.order, dueAt);
      const agency = await resolvePartAgency(deps.directory, dossier.agency_id, p.agency, at);
      const remote = agency ? (await deps.exchange.hostOf(agency.id)) !== null : false;
      rows.push({
        id: randomUUID(),
        dossier_id: dossier.id,
        ord: p.order,
        after_ords: p.after,
        procedure_code: p.procedureCode,
        procedure_name: p.procedureName,
        agency_id: agency?.id ?? null,
        agency_name: agency?.name ?? null,
        agency_code: agency?.code ?? null,
        route: agency ? (remote ? 'remote' : 'local') : null,
        working_days: p.workingDays,
        state: agency ? 'waiting' : 'failed',
        due_at: dueAt,
        started_at: null,
        child_dossier_id: null,
        code_number: null,
        promulgation_date: null,
        document_id: null,
        packet_id: null,
        remote_status: null,
        remote_status_at: null,
        result_sha256: null,
        finished_at: null,
        note: agency ? null : `Không tìm thấy cơ quan có thẩm quyền (${p.agencyDescription})`.slice(0, 1000),
        created_at: at,
        updated_at: at,
      });
    }
    await interagencyRepo.insertParts(trx, rows);
    for (const r of rows) await interagencyRepo.addEvent(trx, { partId: r.id, state: r.state, note: r.note });
    for (const r of rows)
      if (r.state === 'waiting' && r.after_ords.length === 0) await start(trx, dossier, r);
  }

  /** Hands one part to its agency. */
  async function start(trx: Tx, dossier: DossierRow, part: PartRow): Promise<void> {
    const now = deps.now();
    if (!part.agency_id || !part.agency_name || !part.agency_code) return;
    if (part.route === 'local') {
      const papers = await dossiersRepo.papers(trx, dossier.id);
      const child = await fileLinkedDossier(deps, trx, {
        procedureCode: part.procedure_code,
        agency: { id: part.agency_id, name: part.agency_name, code: part.agency_code },
        applicantAccountId: dossier.applicant_account_id,
        applicantName: dossier.applicant_name,
        values: dossier.form_values,
        dueAt: part.due_at,
        papers: papers.map((p) => ({
          key: p.paper_key,
          fileName: p.file_name,
          mediaType: p.media_type,
          sha256: p.sha256,
          bytes: p.bytes,
        })),
        note: `Liên thông từ hồ sơ ${dossier.code ?? ''}`,
      });
      if (!child) {
        await setState(trx, part, 'failed', { note: 'Thủ tục chưa được công bố tại cơ quan nhận' });
        return;
      }
      await setState(trx, part, 'sent', {
        note: child.code,
        set: { started_at: now, child_dossier_id: child.id },
      });
      return;
    }
    const date = vietnamDate(now);
    const number = `${dossier.code ?? dossier.id}.${part.ord}`.slice(0, 50);
    await setState(trx, part, 'sent', {
      set: {
        started_at: now,
        code_number: number,
        promulgation_date: date,
        document_id: partDocumentId(dossier.agency_code, date, number),
      },
    });
    await enqueue(trx, dispatchJob, { partId: part.id }, { jobKey: `interagency-dispatch:${part.id}` });
  }

  async function setState(
    trx: Tx,
    part: PartRow,
    state: PartState,
    o: {
      note?: string | null;
      code?: string | null;
      at?: Date;
      set?: Parameters<typeof interagencyRepo.updatePart>[2];
    } = {},
  ): Promise<PartRow> {
    const updated = await interagencyRepo.updatePart(trx, part.id, { ...o.set, state });
    await interagencyRepo.addEvent(trx, {
      partId: part.id,
      state,
      code: o.code ?? null,
      note: o.note ?? null,
      ...(o.at ? { at: o.at } : {}),
    });
    return updated;
  }

  /**
   * Parts of one dossier change under its row lock, taken first: two agencies finishing at once
   * wait for each other instead of deadlocking on the parts' rows. Returns the part as it is now.
   */
  async function lockPart(trx: Tx, part: PartRow): Promise<PartRow | undefined> {
    await dossiersRepo.byId(trx, part.dossier_id, true);
    return interagencyRepo.part(trx, part.id, true);
  }

  /** After a part settles: start the parts that waited for it; complete the whole when all are done. */
  async function afterSettled(trx: Tx, dossierId: string): Promise<void> {
    const parts = await interagencyRepo.partsOf(trx, dossierId, true);
    const done = new Set(parts.filter((p) => p.state === 'done').map((p) => p.ord));
    const dossier = await dossiersRepo.byId(trx, dossierId);
    if (!dossier) return;
    for (const p of parts)
      if (p.state === 'waiting' && p.after_ords.every((o) => done.has(o))) await start(trx, dossier, p);
    if (parts.every((p) => p.state === 'done'))
      await enqueue(trx, completeJob, { dossierId }, { jobKey: `interagency-complete:${dossierId}` });
  }

  /**
   * The main dossier was withdrawn or stopped: the parts still running stop too — a dossier here is
   * stopped at its agency, a document sent through the axis is recalled (13).
   */
  async function onMainClosed(trx: Tx, dossier: DossierRow, status: DossierStatus): Promise<void> {
    const parts = await interagencyRepo.partsOf(trx, dossier.id, true);
    const reason = `Hồ sơ liên thông ${dossier.code ?? ''} ${status === 'withdrawn' ? 'đã được rút' : 'đã dừng xử lý'}`;
    const observed = { notify: deps.notify, observers: deps.dossierObservers };
    for (const part of parts) {
      if (settled.includes(part.state)) continue;
      const child = part.child_dossier_id
        ? await dossiersRepo.byId(trx, part.child_dossier_id, true)
        : undefined;
      if (child && stateOfChild(child.status) !== 'done' && stateOfChild(child.status) !== 'stopped')
        await changeStatus(observed, trx, interagencyContext, child, 'stopped', {
          note: reason,
          notice: 'none',
        });
      const now = await interagencyRepo.part(trx, part.id, true);
      if (now && !settled.includes(now.state)) await setState(trx, now, 'stopped', { note: reason });
      if (part.route === 'remote' && part.state !== 'waiting')
        await enqueue(trx, recallJob, { partId: part.id }, { jobKey: `interagency-recall:${part.id}` });
    }
  }

  /** The job that recalls a remote part (status 13 from the filing agency), once it was sent. */
  async function recallRemote(partId: string): Promise<void> {
    const part = await interagencyRepo.part(db, partId);
    const dossier = part ? await dossiersRepo.byId(db, part.dossier_id) : undefined;
    if (!part?.packet_id || !part.document_id || !dossier) return;
    try {
      await deps.exchange.send(
        interagencyContext,
        recallPacket({
          fromCode: dossier.agency_code,
          original: {
            senderCode: dossier.agency_code,
            number: part.code_number,
            notation: PART_NOTATION,
            date: part.promulgation_date,
            documentId: part.document_id,
          },
          reason: part.note ?? 'Thu hồi phần hồ sơ liên thông',
        }),
      );
    } catch (error) {
      if (!(error instanceof AppError && error.status >= 400 && error.status < 500)) throw error;
      logger.warn({ action: 'interagency.recall_refused', partId, code: error.code }, 'recall refused');
    }
  }

  /** A part's dossier on this instance changed state. */
  async function onChildChanged(trx: Tx, found: PartRow, change: StatusChange): Promise<void> {
    const state = stateOfChild(change.status);
    if (!state) return;
    const part = await lockPart(trx, found);
    if (!part || settled.includes(part.state) || state === part.state) return;
    const child = change.dossier;
    if (state === 'done') {
      await setState(trx, part, 'done', {
        at: change.at,
        set: { finished_at: child.finished_at ?? change.at, result_sha256: child.result_sha256 },
      });
      await afterSettled(trx, part.dossier_id);
      return;
    }
    await setState(trx, part, state, { note: change.note, at: change.at });
  }

  /** A processing status of the remote agency came back through the axis. */
  async function onStatus(trx: Tx, e: StatusRecorded): Promise<void> {
    const found = await interagencyRepo.partByDocument(trx, e.documentId);
    const part = found ? await lockPart(trx, found) : undefined;
    if (!part || part.agency_id !== e.recipientAgencyId) return;
    const state = stateOfStatus(e.code);
    const set = { remote_status: e.code, remote_status_at: e.at, packet_id: part.packet_id ?? e.packetId };
    if (!state || settled.includes(part.state)) {
      await interagencyRepo.updatePart(trx, part.id, set);
      await interagencyRepo.addEvent(trx, {
        partId: part.id,
        state: part.state,
        code: e.code,
        note: e.description,
        at: e.at,
      });
      return;
    }
    await setState(trx, part, state, { code: e.code, note: e.description, at: e.at, set });
    if (state === 'refused') await afterSettled(trx, part.dossier_id);
  }

  /** A reply with a part's result reached the filing agency. */
  async function onReply(trx: Tx, e: PacketArrived): Promise<void> {
    const json = e.attachments.find((a) => a.name === RESULT_FILE);
    if (!json || json.bytes > MAX_JSON_BYTES || e.kind !== 'edoc') return;
    let message;
    try {
      message = resultMessageSchema.parse(JSON.parse((await deps.blobs.read(json.sha256)).toString('utf8')));
    } catch {
      logger.warn(
        { action: 'interagency.reply_unreadable', packetId: e.packetId },
        'result description refused',
      );
      return;
    }
    const found = await interagencyRepo.part(trx, message.partId);
    const part = found ? await lockPart(trx, found) : undefined;
    // Only the agency the part was sent to may answer it, about the document it was sent.
    if (!part || part.document_id !== message.documentId || part.agency_id !== e.senderAgencyId) return;
    if (settled.includes(part.state)) return;
    const now = deps.now();
    const reported = new Date(message.finishedAt);
    const finishedAt = reported > now ? now : reported;
    const pdf = e.attachments.find((a) => a.sniffedType === 'pdf' && a.name !== RESULT_FILE);
    const state: PartState = message.outcome === 'done' ? 'done' : message.outcome;
    await setState(trx, part, state, {
      note: [message.dossierCode, message.note].filter(Boolean).join(' — ') || null,
      at: now,
      set: { finished_at: finishedAt, result_sha256: pdf?.sha256 ?? null },
    });
    await afterSettled(trx, part.dossier_id);
  }

  async function signed(agencyId: string, xml: Buffer): Promise<Buffer> {
    try {
      return await deps.pki.signEdxml(interagencyContext, agencyId, xml);
    } catch (error) {
      // An agency without a certificate sends unsigned, as the axis accepts.
      if (error instanceof AppError && error.code === 'NO_SIGNING_CERTIFICATE') return xml;
      throw error;
    }
  }

  /** The job that sends a remote part through the axis (idempotent: the DocumentId is fixed). */
  async function dispatchRemote(partId: string): Promise<void> {
    const part = await interagencyRepo.part(db, partId);
    if (!part || part.route !== 'remote' || part.packet_id || part.state !== 'sent') return;
    const dossier = await dossiersRepo.byId(db, part.dossier_id);
    if (!dossier || !part.agency_code || !part.code_number || !part.promulgation_date) return;
    const papers = await dossiersRepo.papers(db, dossier.id);
    let total = 0;
    const attachments = [];
    const listed: PartMessage['papers'] = [];
    for (const p of papers) {
      total += p.bytes;
      if (total > MAX_PAPER_BYTES) break;
      const name = `${String(listed.length + 1).padStart(2, '0')}-${p.file_name}`.slice(0, 200);
      attachments.push({ name, content: await deps.blobs.read(p.sha256), contentType: p.media_type });
      listed.push({ attachment: name, key: p.paper_key });
    }
    const xml = partPacket({
      fromCode: dossier.agency_code,
      fromName: dossier.agency_name,
      toCode: part.agency_code,
      toName: part.agency_name ?? '',
      number: part.code_number,
      date: part.promulgation_date,
      message: {
        type: 'lienthong.part',
        version: 1,
        partId: part.id,
        order: part.ord,
        parentCode: dossier.code ?? dossier.id,
        procedureCode: part.procedure_code,
        procedureName: part.procedure_name,
        applicantName: dossier.applicant_name,
        values: dossier.form_values,
        workingDays: part.working_days,
        dueAt: part.due_at.toISOString(),
        papers: listed,
      },
      papers: attachments,
    });
    let sent;
    try {
      sent = await deps.exchange.send(interagencyContext, await signed(dossier.agency_id, xml));
    } catch (error) {
      if (error instanceof AppError && error.status >= 400 && error.status < 500) {
        await db.transaction().execute(async (trx) => {
          const locked = await interagencyRepo.part(trx, partId, true);
          if (locked?.state === 'sent' && !locked.packet_id)
            await setState(trx, locked, 'failed', { note: `${error.code}` });
        });
        logger.warn(
          { action: 'interagency.dispatch_refused', partId, code: error.code },
          'part refused by the axis',
        );
        return;
      }
      throw error;
    }
    await db.transaction().execute(async (trx) => {
      const locked = await interagencyRepo.part(trx, partId, true);
      if (!locked || locked.packet_id) return;
      await interagencyRepo.updatePart(trx, partId, { packet_id: sent.id, document_id: sent.documentId });
      await interagencyRepo.addEvent(trx, {
        partId,
        state: locked.state,
        note: 'Đã gửi qua trục liên thông',
      });
    });
    logger.info(
      { action: 'interagency.dispatched', partId, packetId: sent.id },
      'part sent through the axis',
    );
  }

  const engine = createEngine({
    calendar: deps.calendar,
    officials: noOfficials,
    observers: deps.dossierObservers,
    now: deps.now,
    directory: deps.directory,
  });

  /** The job that completes the main dossier once every part is done: 9 then 10, with a summary PDF. */
  async function complete(dossierId: string): Promise<void> {
    const dossier = await dossiersRepo.byId(db, dossierId);
    const parts = await interagencyRepo.partsOf(db, dossierId);
    if (!dossier || !inProgress.includes(dossier.status) || !parts.every((p) => p.state === 'done')) return;
    const finished = parts.reduce(
      (latest, p) => (p.finished_at && p.finished_at > latest ? p.finished_at : latest),
      new Date(0),
    );
    const pdf = await renderSummary(dossier, parts, deps.calendar);
    const blob = await deps.blobs.put(pdf);
    await db.transaction().execute(async (trx) => {
      const row = await dossiersRepo.byId(trx, dossierId, true);
      if (!row || !inProgress.includes(row.status)) return;
      const observed = { notify: deps.notify, observers: deps.dossierObservers };
      // A step the main dossier's own workflow opened at acceptance ends with it (form 06, the
      // national portal's progress), so it leaves the desk's work lists.
      const open = await stepsRepo.open(trx, row.id);
      if (open)
        await engine.close(
          trx,
          interagencyContext,
          row,
          open,
          'finished',
          'Các phần liên thông đã giải quyết xong',
        );
      const ready = await changeStatus(observed, trx, interagencyContext, row, 'result_ready', {
        notice: 'none',
        note: 'Các phần liên thông đã giải quyết xong',
        set: { result_sha256: blob.sha256, finished_at: finished },
      });
      await changeStatus(observed, trx, interagencyContext, ready, 'delivered', { notice: 'result' });
    });
    logger.info({ action: 'interagency.completed', dossierId }, 'inter-agency dossier completed');
  }

  return {
    dispatchJob,
    recallJob,
    completeJob,
    onReceived,
    onMainClosed,
    onChildChanged,
    onStatus,
    onReply,
    complete,
    dispatchRemote,
  };
}
