import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorId, type RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import {
  buildNewEdoc,
  buildReplaceEdoc,
  buildUpdateEdoc,
  canonicalDocumentId,
  writeEdxml,
  type EdocInput,
  type EdxmlPacket,
} from '../exchange/index.ts';
import {
  currentCode,
  deskAgency,
  searchText,
  searchWords,
  vietnamDate,
  type RecordsContext,
} from './deps.ts';
import {
  AttachmentNotPdf,
  AttachmentTooLarge,
  NoAgencyCode,
  NoRecipients,
  RecordNotFound,
  RecordStepNotAllowed,
} from './errors.ts';
import { canAtDesk } from './policies.ts';
import { recordsRepo, type OutgoingRow } from './repo.ts';
import type { OutgoingRecipient } from './tables.ts';
import { isUuid } from '../../platform/ids.ts';

const PAGE_SIZE = 30;

/** What the clerk fills in to issue a document (the MessageHeader) and its PDF files. */
export interface ComposeInput {
  typeName: string;
  notation: string;
  subject: string;
  content?: string | null;
  signer: { competence?: string | null; position?: string | null; fullName?: string | null };
  place?: string | null;
  /** ISO date; its year chooses the outgoing register. */
  promulgationDate: string;
  priority: number;
  steeringType?: number | null;
  dueDate?: string | null;
  toPlaces?: string[];
  /** Agency ids picked from the directory. */
  recipients: string[];
  attachments: { name: string; content: Buffer }[];
  /** The outgoing document this one replaces (thay thế). */
  replacesId?: string | null;
  /** The clerk's name for StaffInfo. */
  staffName?: string | null;
}

export const recipientsOf = (row: OutgoingRow): OutgoingRecipient[] =>
  typeof row.recipients === 'string' ? (JSON.parse(row.recipients) as OutgoingRecipient[]) : row.recipients;

/** The outgoing side of the desk: compose, number, sign, send; follow, recall, update, replace. */
export function createOutgoingService(c: RecordsContext) {
  const { db, exchange, pki, directory, logger } = c;

  async function ownAgency(agencyId: string) {
    const agency = await directory.getAgencyDetail(agencyId);
    const code = agency ? currentCode(agency, vietnamDate(c.now())) : null;
    if (!agency || !code) throw NoAgencyCode();
    return { agency, code };
  }

  async function resolveRecipients(ids: readonly string[], ownId: string): Promise<OutgoingRecipient[]> {
    const out: OutgoingRecipient[] = [];
    const today = vietnamDate(c.now());
    for (const id of new Set(ids)) {
      const agency = isUuid(id) && id !== ownId ? await directory.getAgencyDetail(id) : null;
      const code = agency?.active ? currentCode(agency, today) : null;
      if (!agency || !code) throw NoRecipients({ agencyId: id.slice(0, 40) });
      out.push({ agencyId: agency.id, code, name: agency.name });
    }
    return out;
  }

  function checkAttachments(files: ComposeInput['attachments']) {
    if (files.length > c.maxAttachments) throw AttachmentTooLarge({ count: files.length });
    for (const f of files) {
      if (f.content.length > c.maxAttachmentBytes) throw AttachmentTooLarge({ name: f.name });
      // By content, never by name or declared type.
      if (f.content.subarray(0, 5).toString('latin1') !== '%PDF-') throw AttachmentNotPdf({ name: f.name });
    }
  }

  function edocInput(o: {
    from: { code: string; name: string };
    number: number;
    input: Omit<ComposeInput, 'recipients' | 'attachments' | 'replacesId'>;
    to: OutgoingRecipient[];
    attachments: ComposeInput['attachments'];
  }): EdocInput {
    const i = o.input;
    return {
      from: { organId: o.from.code, organName: o.from.name },
      to: o.to.map((r) => ({ organId: r.code, organName: r.name })),
      code: { number: String(o.number), notation: i.notation },
      promulgationDate: i.promulgationDate,
      place: i.place ?? null,
      documentType: { typeName: i.typeName },
      subject: i.subject,
      content: i.content ?? null,
      signer: i.signer,
      dueDate: i.dueDate ?? null,
      toPlaces: i.toPlaces ?? [],
      otherInfo: { priority: i.priority },
      steeringType: i.steeringType ?? null,
      staff: i.staffName ? { staff: i.staffName } : null,
      attachments: o.attachments.map((a) => ({
        name: a.name,
        content: a.content,
        contentType: 'application/pdf',
      })),
      at: c.now(),
    };
  }

  /** Signs with the agency's certificate (pki) and sends through the exchange, as the clerk. */
  async function signAndSend(ctx: RequestContext, agencyId: string, packet: EdxmlPacket) {
    const signed = await pki.signEdxml(ctx, agencyId, Buffer.from(writeEdxml(packet)));
    return exchange.send(ctx, signed);
  }

  function inputOf(row: OutgoingRow): Omit<ComposeInput, 'recipients' | 'attachments' | 'replacesId'> {
    return {
      typeName: row.type_name,
      notation: row.notation,
      subject: row.subject,
      content: row.content,
      signer: {
        competence: row.signer_competence,
        position: row.signer_position,
        fullName: row.signer_name,
      },
      place: row.place,
      promulgationDate: row.promulgation_date,
      priority: row.priority,
      steeringType: row.steering_type,
      dueDate: row.due_date,
      toPlaces: row.to_places,
    };
  }

  async function visible(
    ctx: RequestContext,
    id: string,
    action: 'readOutgoing' | 'recall' | 'updateRecipients',
  ) {
    const agencyId = deskAgency(ctx, action);
    const row = isUuid(id) ? await recordsRepo.outgoing(db, agencyId, id) : undefined;
    if (!row) throw RecordNotFound();
    return { agencyId, row };
  }

  return {
    /** What the compose page needs: the agency's code, whether it can sign, the document replaced. */
    async composeInfo(ctx: RequestContext, replacesId?: string) {
      const agencyId = deskAgency(ctx, 'compose');
      const { agency, code } = await ownAgency(agencyId);
      // Whether the desk can sign for the agency now (keys never leave pki).
      const hasCertificate = await pki.canSign(ctx, agencyId);
      const replaces = replacesId ? (await visible(ctx, replacesId, 'readOutgoing')).row : null;
      return { agencyName: agency.name, code, hasCertificate, replaces, today: vietnamDate(c.now()) };
    },

    /** Agencies matching `q` in the directory that the desk can send to. */
    async searchRecipients(ctx: RequestContext, q: string) {
      const agencyId = deskAgency(ctx, 'compose');
      if (searchWords(q).length === 0) return [];
      const found = await directory.search({ q, status: 'active', pageSize: 20 });
      return found.items
        .filter((a) => a.id !== agencyId && a.codes.length > 0)
        .map((a) => ({ agencyId: a.id, name: a.name, code: a.codes[0]?.code ?? '' }));
    },

    /** Agencies by id (the recipients already picked on the compose page). */
    async recipientsByIds(ctx: RequestContext, ids: readonly string[]) {
      const agencyId = deskAgency(ctx, 'compose');
      return resolveRecipients(ids, agencyId);
    },

    /**
     * Issues a document: checks everything that can be checked first (fields, PDFs, recipients,
     * the certificate — by signing a trial packet), then takes the next number of the year's
     * outgoing register (sổ văn bản đi) in a transaction, signs and sends. A send that fails
     * after numbering keeps its number visible in the register as "failed" (never reused).
     */
    async issue(ctx: RequestContext, input: ComposeInput): Promise<OutgoingRow> {
      const agencyId = deskAgency(ctx, 'compose');
      if (input.recipients.length === 0) throw NoRecipients();
      checkAttachments(input.attachments);
      const from = await ownAgency(agencyId);
      const to = await resolveRecipients(input.recipients, agencyId);
      const replaces = input.replacesId ? (await visible(ctx, input.replacesId, 'readOutgoing')).row : null;
      if (replaces && replaces.state !== 'sent') throw RecordStepNotAllowed({ state: replaces.state });
      const build = (number: number) => {
        const base = edocInput({
          from: { code: from.code, name: from.agency.name },
          number,
          input,
          to,
          attachments: input.attachments,
        });
        if (!replaces) return buildNewEdoc(base);
        return buildReplaceEdoc({
          ...base,
          target: replaces.document_id,
          replacements: [
            { documentId: replaces.document_id, organIds: recipientsOf(replaces).map((r) => r.code) },
          ],
        });
      };
      // Field errors (EdxmlError) and a missing certificate surface before a number is taken.
      await pki.signEdxml(ctx, agencyId, Buffer.from(writeEdxml(build(1))));

      const year = Number(input.promulgationDate.slice(0, 4));
      const id = randomUUID();
      let number = 0;
      await db.transaction().execute(async (trx) => {
        number = await recordsRepo.nextNumber(trx, agencyId, 'outgoing', year);
        const documentId =
          canonicalDocumentId(from.code, input.promulgationDate, String(number), input.notation) ?? '';
        await recordsRepo.insertOutgoing(trx, {
          id,
          agency_id: agencyId,
          year,
          number,
          notation: input.notation,
          document_id: documentId,
          state: 'numbered',
          failure: null,
          packet_id: null,
          type_name: input.typeName,
          subject: input.subject,
          content: input.content ?? null,
          signer_competence: input.signer.competence ?? null,
          signer_position: input.signer.position ?? null,
          signer_name: input.signer.fullName ?? null,
          place: input.place ?? null,
          promulgation_date: input.promulgationDate,
          priority: input.priority,
          steering_type: input.steeringType ?? null,
          due_date: input.dueDate ?? null,
          to_places: input.toPlaces ?? [],
          recipients: JSON.stringify(to),
          replaces_id: replaces?.id ?? null,
          replaced_by_id: null,
          recalled_at: null,
          recall_reason: null,
          search_text: searchText([
            input.subject,
            `${number}/${input.notation}`,
            input.typeName,
            ...to.map((r) => `${r.name} ${r.code}`),
          ]),
          created_by: actorId(ctx.actor),
        });
        await recordAudit(trx, ctx, {
          action: 'records.outgoing.numbered',
          subjectType: 'records_outgoing',
          subjectIds: [id],
          agencyId,
          details: { year, number, recipients: to.length },
        });
      });
      try {
        const sent = await signAndSend(ctx, agencyId, build(number));
        await db.transaction().execute(async (trx) => {
          await recordsRepo.updateOutgoing(trx, id, { state: 'sent', packet_id: sent.id });
          if (replaces) await recordsRepo.updateOutgoing(trx, replaces.id, { replaced_by_id: id });
          await recordAudit(trx, ctx, {
            action: 'records.outgoing.sent',
            subjectType: 'records_outgoing',
            subjectIds: [id, sent.id],
            agencyId,
            details: { year, number, signature: sent.signature, replaces: replaces?.id ?? null },
          });
        });
        logger.info(
          { action: 'records.outgoing.sent', outgoingId: id, packetId: sent.id },
          'document issued',
        );
      } catch (error) {
        const code = error instanceof AppError ? error.code : 'INTERNAL_ERROR';
        await recordsRepo.updateOutgoing(db, id, { state: 'failed', failure: code.slice(0, 300) });
        logger.warn({ action: 'records.outgoing.failed', outgoingId: id, code }, 'issued document not sent');
        throw error;
      }
      const row = await recordsRepo.outgoing(db, agencyId, id);
      if (!row) throw RecordNotFound();
      return row;
    },

    /** A page of the outgoing register, newest first. */
    async list(ctx: RequestContext, q: { q?: string | undefined; page?: number | undefined }) {
      const agencyId = deskAgency(ctx, 'readOutgoing');
      const page = Math.max(1, Math.min(q.page ?? 1, 10_000));
      const rows = await recordsRepo.listOutgoing(
        db,
        agencyId,
        searchWords(q.q),
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
      );
      return { items: rows.slice(0, PAGE_SIZE), page, hasNext: rows.length > PAGE_SIZE };
    },

    /** Outgoing documents matching `q` (for the search across both registers); none for a specialist. */
    async search(ctx: RequestContext, q: string, limit: number) {
      const agencyId = deskAgency(ctx, 'read');
      if (!canAtDesk(ctx.actor, agencyId, 'readOutgoing')) return [];
      return (await recordsRepo.listOutgoing(db, agencyId, searchWords(q), limit, 0)).slice(0, limit);
    },

    /** One outgoing document with its packet and each recipient's current status and timeline. */
    async get(ctx: RequestContext, id: string) {
      const { row } = await visible(ctx, id, 'readOutgoing');
      if (!row.packet_id) return { record: row, packet: null, recipients: [] };
      const [packet, followed] = await Promise.all([
        exchange.get(ctx, row.packet_id),
        exchange.recipients(ctx, row.packet_id),
      ]);
      return { record: row, packet, recipients: followed.recipients };
    },

    async attachment(ctx: RequestContext, id: string, n: number) {
      const { row } = await visible(ctx, id, 'readOutgoing');
      if (!row.packet_id) throw RecordNotFound();
      return exchange.attachment(ctx, row.packet_id, n);
    },

    /** Recalls (thu hồi) a sent document: status 13 to every recipient, each answers 15 or 16. */
    async recall(ctx: RequestContext, id: string, reason: string) {
      const { row } = await visible(ctx, id, 'recall');
      if (!row.packet_id || row.recalled_at) throw RecordStepNotAllowed({ state: row.state });
      await exchange.recall(ctx, row.packet_id, { reason });
      await db.transaction().execute(async (trx) => {
        await recordsRepo.updateOutgoing(trx, row.id, { recalled_at: c.now(), recall_reason: reason });
        await recordAudit(trx, ctx, {
          action: 'records.outgoing.recalled',
          subjectType: 'records_outgoing',
          subjectIds: [row.id, row.packet_id ?? ''],
          agencyId: row.agency_id,
        });
      });
    },

    /** Adds and removes recipients of a sent document with a signed update packet (cập nhật). */
    async updateRecipients(ctx: RequestContext, id: string, change: { add: string[]; remove: string[] }) {
      const { agencyId, row } = await visible(ctx, id, 'updateRecipients');
      if (!row.packet_id || row.recalled_at) throw RecordStepNotAllowed({ state: row.state });
      const current = recipientsOf(row);
      const added = (await resolveRecipients(change.add, agencyId)).filter(
        (a) => !current.some((r) => r.agencyId === a.agencyId),
      );
      const removed = current.filter((r) => change.remove.includes(r.agencyId));
      const next = [...current.filter((r) => !removed.includes(r)), ...added];
      if (added.length + removed.length === 0 || next.length === 0) throw NoRecipients();
      const from = await ownAgency(agencyId);
      const packet = buildUpdateEdoc({
        ...edocInput({
          from: { code: from.code, name: from.agency.name },
          number: row.number,
          input: inputOf(row),
          to: [...current, ...added],
          attachments: [],
        }),
        target: row.document_id,
        receivers: [
          ...added.map((r) => ({ receiverType: 1 as const, organId: r.code })),
          ...removed.map((r) => ({ receiverType: 0 as const, organId: r.code })),
        ],
      });
      const sent = await signAndSend(ctx, agencyId, packet);
      // The axis answers the very same update (same document, same change) as a duplicate.
      if (sent.duplicate) throw RecordStepNotAllowed({ reason: 'update already sent' });
      await db.transaction().execute(async (trx) => {
        await recordsRepo.updateOutgoing(trx, row.id, { recipients: JSON.stringify(next) });
        await recordAudit(trx, ctx, {
          action: 'records.outgoing.recipients_updated',
          subjectType: 'records_outgoing',
          subjectIds: [row.id, sent.id],
          agencyId,
          details: { added: added.length, removed: removed.length },
        });
      });
    },
  };
}

export type OutgoingService = ReturnType<typeof createOutgoingService>;
