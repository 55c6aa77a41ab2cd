// The receiving side: a part that reached an agency hosted here through the axis becomes a dossier
// in that agency's queue; its progress goes back to the filing agency as status packets (03 → 04 →
// 05 → 06, or 02) and its outcome and result as a reply document.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../../platform/db/database.ts';
import { AppError } from '../../../platform/errors.ts';
import { defineJob, enqueue } from '../../../platform/jobs/index.ts';
import type { PacketArrived, StatusRecorded } from '../../exchange/index.ts';
import { dossiersRepo, type DossierRow } from '../repo.ts';
import { changeStatus } from '../shared.ts';
import { statusNames } from '../statuses.ts';
import type { DossierStatus } from '../tables.ts';
import { fileLinkedDossier, interagencyContext, type PartPaper } from './child.ts';
import type { InteragencyDeps } from './deps.ts';
import { vietnamDate } from './origin.ts';
import {
  MAX_JSON_BYTES,
  PART_FILE,
  partMessageSchema,
  partStatusPacket,
  resultPacket,
  type OriginalDocument,
  type ResultMessage,
} from './packets.ts';
import { interagencyRepo, type InboundRow } from './repo.ts';
import { resolvePartAgency } from './resolve.ts';

const mediaOf: Record<string, PartPaper['mediaType']> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/** The statuses to have reported for a dossier state, and the outcome to reply with (if final). */
function progressOf(status: DossierStatus | null): {
  codes: string[];
  outcome: ResultMessage['outcome'] | null;
} {
  switch (status) {
    case null:
    case 'refused':
      return { codes: ['02'], outcome: 'refused' };
    case 'draft':
    case 'submitted':
      return { codes: [], outcome: null };
    case 'received':
      return { codes: ['03'], outcome: null };
    case 'processing':
    case 'awaiting_supplement':
    case 'awaiting_payment':
      return { codes: ['03', '04', '05'], outcome: null };
    case 'result_ready':
    case 'delivered':
      return { codes: ['03', '04', '05', '06'], outcome: 'done' };
    case 'stopped':
    case 'withdrawn':
      return { codes: ['03', '04', '05', '06'], outcome: 'stopped' };
  }
}

/** States in which a received part's dossier is still being handled here. */
const open: readonly DossierStatus[] = [
  'submitted',
  'received',
  'processing',
  'awaiting_supplement',
  'awaiting_payment',
];

export function createReceiver(deps: InteragencyDeps) {
  const { db, logger } = deps;

  const reportJob = defineJob({
    name: 'dossiers.interagency.report',
    payload: z.object({ inboundId: z.uuid() }),
    handle: ({ inboundId }) => report(inboundId),
  });

  const schedule = (trx: Tx, inboundId: string) =>
    enqueue(trx, reportJob, { inboundId }, { jobKey: `interagency-report:${inboundId}` });

  /** A part arrived for an agency hosted here: a dossier in its queue (once per packet). */
  async function onPartArrived(trx: Tx, e: PacketArrived): Promise<void> {
    const json = e.attachments.find((a) => a.name === PART_FILE);
    if (!json || e.kind !== 'edoc' || json.bytes > MAX_JSON_BYTES) return;
    let message;
    try {
      message = partMessageSchema.parse(JSON.parse((await deps.blobs.read(json.sha256)).toString('utf8')));
    } catch {
      // Not ours to refuse: the document stays in the agency's inbox for its clerk.
      logger.warn(
        { action: 'interagency.part_unreadable', packetId: e.packetId },
        'part description refused',
      );
      return;
    }
    const recipientCode = e.addressedCodes[0] ?? '';
    const inbound = await interagencyRepo.insertInbound(trx, {
      id: randomUUID(),
      packet_id: e.packetId,
      document_id: e.documentId.slice(0, 255),
      sender_code: e.senderCode.slice(0, 64),
      recipient_agency_id: e.recipientAgencyId,
      recipient_code: recipientCode.slice(0, 64),
      code_number: e.codeNumber,
      code_notation: e.codeNotation,
      promulgation_date: e.promulgationDate,
      origin_part_id: message.partId,
    });
    if (!inbound) return;
    const agency = await resolvePartAgency(
      deps.directory,
      e.recipientAgencyId,
      { code: recipientCode },
      deps.now(),
    );
    const papers: PartPaper[] = [];
    for (const p of message.papers) {
      const a = e.attachments.find((x) => x.name === p.attachment);
      const mediaType = a ? mediaOf[a.sniffedType] : undefined;
      if (a && mediaType && a.bytes > 0)
        papers.push({ key: p.key, fileName: p.attachment, mediaType, sha256: a.sha256, bytes: a.bytes });
    }
    const child = agency
      ? await fileLinkedDossier(deps, trx, {
          procedureCode: message.procedureCode,
          agency,
          applicantAccountId: null,
          applicantName: message.applicantName,
          values: message.values,
          dueAt: new Date(message.dueAt),
          papers,
          note: `Liên thông từ hồ sơ ${message.parentCode} (${e.senderCode})`,
        })
      : null;
    if (child) await interagencyRepo.updateInbound(trx, inbound.id, { child_dossier_id: child.id });
    else {
      await interagencyRepo.updateInbound(trx, inbound.id, {
        error: 'Thủ tục chưa được công bố tại cơ quan nhận',
      });
      await schedule(trx, inbound.id);
    }
  }

  /**
   * The filing agency recalled the part (13): its dossier here stops, the statuses and a `stopped`
   * reply go back as usual, then the recall is accepted (15).
   */
  async function onRecall(trx: Tx, e: StatusRecorded): Promise<void> {
    if (e.code !== '13') return;
    const inbound = await interagencyRepo.inboundByPacket(trx, e.packetId);
    if (!inbound || inbound.recall_requested_at) return;
    await interagencyRepo.updateInbound(trx, inbound.id, { recall_requested_at: e.at });
    const child = inbound.child_dossier_id
      ? await dossiersRepo.byId(trx, inbound.child_dossier_id, true)
      : undefined;
    if (child && open.includes(child.status))
      await changeStatus(
        { notify: deps.notify, observers: deps.dossierObservers },
        trx,
        interagencyContext,
        child,
        'stopped',
        {
          note: (e.description ?? 'Cơ quan gửi đã thu hồi phần hồ sơ liên thông').slice(0, 2000),
          notice: 'none',
        },
      );
    await schedule(trx, inbound.id);
  }

  /** The dossier made from a received part changed state: report it back (after the commit). */
  async function onChildChanged(trx: Tx, inbound: InboundRow): Promise<void> {
    await schedule(trx, inbound.id);
  }

  async function send(agencyId: string, xml: Buffer) {
    let bytes = xml;
    try {
      bytes = await deps.pki.signEdxml(interagencyContext, agencyId, xml);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'NO_SIGNING_CERTIFICATE')) throw error;
    }
    return deps.exchange.send(interagencyContext, bytes);
  }

  /** The job: sends the statuses not yet reported, in order, then the reply once final (idempotent). */
  async function report(inboundId: string): Promise<void> {
    // One report at a time per part (a job may be added while another runs): the statuses must
    // reach the axis in order, so the row stays locked while they are sent (each send commits on
    // its own connection).
    await db.transaction().execute(async (trx) => {
      const inbound = await interagencyRepo.inbound(trx, inboundId, true);
      if (inbound) await reportLocked(trx, inbound);
    });
  }

  async function reportLocked(trx: Tx, inbound: InboundRow): Promise<void> {
    const inboundId = inbound.id;
    const child = inbound.child_dossier_id
      ? await dossiersRepo.byId(trx, inbound.child_dossier_id)
      : undefined;
    const { codes, outcome } = progressOf(child?.status ?? null);
    const original = {
      senderCode: inbound.sender_code,
      number: inbound.code_number,
      notation: inbound.code_notation,
      date: inbound.promulgation_date,
      documentId: inbound.document_id,
    };
    const reported = [...inbound.reported];
    for (const code of codes) {
      if (reported.includes(code)) continue;
      const description = child ? statusNames[child.status].vi : inbound.error;
      try {
        await deps.exchange.send(
          interagencyContext,
          partStatusPacket({ fromCode: inbound.recipient_code, code, original, description }),
        );
      } catch (error) {
        // A status the axis will never take (e.g. 02 after 03) is skipped; anything else retries.
        if (!(error instanceof AppError && error.code === 'EXCHANGE_STATUS_NOT_ALLOWED')) throw error;
        logger.warn({ action: 'interagency.status_skipped', inboundId, code }, 'status not allowed');
      }
      reported.push(code);
      await interagencyRepo.updateInbound(trx, inboundId, { reported });
    }
    if (outcome && !inbound.reply_packet_id) await reply(trx, inbound, child ?? null, outcome, original);
    if (inbound.recall_requested_at && !inbound.recall_answered_at && outcome) {
      await deps.exchange.send(
        interagencyContext,
        partStatusPacket({ fromCode: inbound.recipient_code, code: '15', original, description: null }),
      );
      await interagencyRepo.updateInbound(trx, inboundId, { recall_answered_at: deps.now() });
    }
  }

  async function reply(
    trx: Tx,
    inbound: InboundRow,
    child: DossierRow | null,
    outcome: ResultMessage['outcome'],
    original: OriginalDocument,
  ): Promise<void> {
    const inboundId = inbound.id;
    const now = deps.now();
    const pdf = child?.result_sha256 ? await deps.blobs.read(child.result_sha256) : null;
    const agency = await deps.directory.getAgency(inbound.recipient_agency_id);
    const xml = resultPacket({
      fromCode: inbound.recipient_code,
      fromName: agency?.name ?? inbound.recipient_code,
      toCode: inbound.sender_code,
      number: `${child?.code ?? inbound.id}.KQ`.slice(0, 50),
      date: vietnamDate(now),
      original,
      message: {
        type: 'lienthong.result',
        version: 1,
        partId: inbound.origin_part_id,
        documentId: inbound.document_id,
        outcome,
        dossierCode: child?.code ?? null,
        finishedAt: (child?.finished_at ?? now).toISOString(),
        note: child ? null : inbound.error,
        result: child ? statusNames[child.status].vi : null,
      },
      resultPdf: pdf,
    });
    const sent = await send(inbound.recipient_agency_id, xml);
    await interagencyRepo.updateInbound(trx, inboundId, { reply_packet_id: sent.id });
    logger.info({ action: 'interagency.replied', inboundId, packetId: sent.id }, 'part result sent back');
  }

  return { reportJob, onPartArrived, onChildChanged, onRecall, report };
}
