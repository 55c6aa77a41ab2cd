import type { Readable } from 'node:stream';
import { recordAudit } from '../../platform/audit/index.ts';
import { isPlatformAdmin, type RequestContext } from '../../platform/context.ts';
import type { ExchangeContext } from './deps.ts';
import type { DeliveryQueue } from './delivery.ts';
import { buildStatus, writeEdxml } from './edxml/index.ts';
import { NoAgency, PacketNotFound, StatusNotPermitted } from './errors.ts';
import { canReadDelivery, canReadFor, canReportStatus, exchangeAgencyOf } from './policies.ts';
import { exchangeRepo, type DeliveryRow, type PacketRow, type StatusEventRow } from './repo.ts';
import { createSender, type SendResult } from './send.ts';
import { packetStream } from './original.ts';
import { federationRepo } from './federation/repo.ts';
import { isUuid } from '../../platform/ids.ts';

export type { SendResult } from './send.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Metadata of a packet as the API shows it. */
export function packetView(p: PacketRow, attachments: Awaited<ReturnType<typeof exchangeRepo.attachments>>) {
  const traces = (typeof p.traces === 'string' ? JSON.parse(p.traces) : p.traces) as {
    organId: string | null;
    timestamp: string | null;
  }[];
  return {
    id: p.id,
    kind: p.kind,
    businessType: p.business_type,
    statusCode: p.status_code,
    documentId: p.document_id,
    from: { agencyId: p.sender_agency_id, code: p.sender_code, name: p.sender_name },
    code: { number: p.code_number, notation: p.code_notation },
    subject: p.subject,
    typeName: p.type_name,
    promulgationDate: p.promulgation_date,
    dueDate: p.due_date,
    priority: p.priority,
    description: p.description,
    signature: { result: p.signature, algorithm: p.signature_algorithm, signerSubject: p.signer_subject },
    receivedAt: p.received_at.toISOString(),
    bytes: Number(p.original_bytes),
    trace: [...traces, { organId: p.hop_organ_id, timestamp: p.hop_at.toISOString() }],
    targetPacketId: p.target_packet_id,
    replacedBy: p.replaced_by,
    recallRequestedAt: iso(p.recall_requested_at),
    attachments: attachments.map((a) => ({
      n: a.n,
      name: a.name,
      description: a.description,
      contentType: a.declared_content_type,
      sniffedType: a.sniffed_type,
      zipped: a.zipped,
      bytes: Number(a.bytes),
      sha256: a.sha256,
    })),
  };
}
export type PacketView = ReturnType<typeof packetView>;

function deliveryView(d: DeliveryRow) {
  return {
    deliveryId: d.id,
    state: d.state,
    addressedCodes: d.addressed_codes,
    forwarded: d.addressee_agency_id !== d.recipient_agency_id,
    addresseeAgencyId: d.addressee_agency_id,
    route: d.route,
    deliveredAt: iso(d.delivered_at),
    acknowledgedAt: iso(d.acknowledged_at),
    withdrawnAt: iso(d.withdrawn_at),
    status: d.current_status,
    statusAt: iso(d.status_at),
    recallState: d.recall_state,
  };
}

const eventView = (e: StatusEventRow) => ({
  code: e.code,
  at: e.occurred_at.toISOString(),
  description: e.description,
  staff: e.staff,
  sourcePacketId: e.source_packet_id,
});

const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xml: 'application/xml',
  rtf: 'application/rtf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  tiff: 'image/tiff',
};

/** The exchange service: send, inbox, sent, fetch, acknowledge, per-recipient statuses. */
export function createExchangeService(c: ExchangeContext, queue: DeliveryQueue) {
  const { db } = c;
  const sender = createSender(c, queue);

  function agencyOf(ctx: RequestContext, asked?: string): string {
    const agency = asked ?? exchangeAgencyOf(ctx.actor);
    if (!agency) throw NoAgency();
    if (!canReadFor(ctx.actor, agency)) throw PacketNotFound();
    return agency;
  }

  /** The packet if `ctx` sent it or received it; else 404 (another agency's packet is invisible). */
  async function access(ctx: RequestContext, id: string) {
    const packet = isUuid(id) ? await exchangeRepo.packet(db, id) : undefined;
    if (!packet) throw PacketNotFound();
    if (canReadFor(ctx.actor, packet.sender_agency_id))
      return { packet, role: 'sender' as const, delivery: null };
    const agency = exchangeAgencyOf(ctx.actor);
    const delivery = agency ? await exchangeRepo.deliveryFor(db, id, agency) : undefined;
    if (delivery?.delivered_at && canReadDelivery(ctx.actor, agency ?? '', delivery.current_status))
      return { packet, role: 'recipient' as const, delivery };
    throw PacketNotFound();
  }

  /** Sends a status packet about `packet` from `fromCode` (what a records desk does through the axis). */
  function sendStatus(
    ctx: RequestContext,
    packet: PacketRow,
    fromCode: string,
    code: string,
    description: string | null,
  ) {
    const status = buildStatus({
      code,
      from: { organId: fromCode },
      responseFor: {
        organId: packet.sender_code,
        code: [packet.code_number, packet.code_notation].filter(Boolean).join('/'),
        promulgationDate: packet.promulgation_date ?? '',
        documentId: packet.document_id,
      },
      description,
    });
    return sender.send(ctx, Buffer.from(writeEdxml(status)));
  }

  return {
    /**
     * The recipient records a processing status (02–06) or answers a recall (15, 16): a status
     * packet goes back to the sender, through the same checks as one sent over the API. Who may
     * report which status is the exchange's policy (`canReportStatus`): clerks and admins all of
     * them, a unit leader 04–06, a specialist 05–06 (once the document is assigned); others 403.
     */
    async recordStatus(
      ctx: RequestContext,
      packetId: string,
      code: '02' | '03' | '04' | '05' | '06' | '15' | '16',
      o: { description?: string | null } = {},
    ): Promise<SendResult> {
      const { packet, delivery } = await access(ctx, packetId);
      const fromCode = delivery?.addressed_codes[0];
      if (!delivery || !fromCode) throw PacketNotFound();
      if (!canReportStatus(ctx.actor, delivery.recipient_agency_id, code))
        throw StatusNotPermitted({ status: code });
      return sendStatus(ctx, packet, fromCode, code, o.description ?? null);
    },

    /** The sender recalls a document (status 13 to every recipient); each answers 15 or 16. */
    async recall(
      ctx: RequestContext,
      packetId: string,
      o: { reason?: string | null } = {},
    ): Promise<SendResult> {
      const { packet, role } = await access(ctx, packetId);
      if (role !== 'sender') throw PacketNotFound();
      return sendStatus(ctx, packet, packet.sender_code, '13', o.reason ?? null);
    },

    send: (ctx: RequestContext, source: Readable | Buffer): Promise<SendResult> => sender.send(ctx, source),

    /** Packets delivered to the actor's agency after `after` (an inbox number), oldest first. */
    async inbox(ctx: RequestContext, o: { after?: string; limit?: number; agencyId?: string }) {
      const agency = agencyOf(ctx, o.agencyId);
      const limit = Math.min(Math.max(o.limit ?? 100, 1), 500);
      const deliveries = await exchangeRepo.inbox(db, agency, o.after ?? '0', limit);
      const packets = new Map(
        (
          await exchangeRepo.packets(
            db,
            deliveries.map((d) => d.packet_id),
          )
        ).map((p) => [p.id, p]),
      );
      const items = deliveries.flatMap((d) => {
        const p = packets.get(d.packet_id);
        if (!p) return [];
        return [
          {
            cursor: String(d.inbox_seq),
            packetId: p.id,
            kind: p.kind,
            businessType: p.business_type,
            statusCode: p.status_code,
            documentId: p.document_id,
            from: { agencyId: p.sender_agency_id, code: p.sender_code, name: p.sender_name },
            subject: p.subject,
            ...deliveryView(d),
          },
        ];
      });
      const last = items[items.length - 1];
      return { items, nextCursor: last ? last.cursor : (o.after ?? '0') };
    },

    /** Packets the actor's agency sent after `after`, oldest first, with their recipients' states. */
    async sent(ctx: RequestContext, o: { after?: string; limit?: number; agencyId?: string }) {
      const agency = agencyOf(ctx, o.agencyId);
      const limit = Math.min(Math.max(o.limit ?? 100, 1), 500);
      const packets = await exchangeRepo.sent(db, agency, o.after ?? '0', limit);
      const deliveries = await exchangeRepo.deliveriesOf(
        db,
        packets.map((p) => p.id),
      );
      const items = packets.map((p) => ({
        cursor: String(p.seq),
        packetId: p.id,
        kind: p.kind,
        businessType: p.business_type,
        statusCode: p.status_code,
        documentId: p.document_id,
        subject: p.subject,
        receivedAt: p.received_at.toISOString(),
        recipients: deliveries
          .filter((d) => d.packet_id === p.id)
          .map((d) => ({ agencyId: d.recipient_agency_id, state: d.state, status: d.current_status })),
      }));
      const last = items[items.length - 1];
      return { items, nextCursor: last ? last.cursor : (o.after ?? '0') };
    },

    /** Metadata of one packet (sender or recipient), with the recipient's own delivery. */
    async get(ctx: RequestContext, id: string) {
      const { packet, delivery } = await access(ctx, id);
      const view = packetView(packet, await exchangeRepo.attachments(db, id));
      return { ...view, delivery: delivery ? deliveryView(delivery) : null };
    },

    /** The packet as delivered: received bytes with this hop's TraceHeader (signed ones unchanged). */
    async edxml(ctx: RequestContext, id: string, o: { original?: boolean } = {}): Promise<Readable> {
      const { packet } = await access(ctx, id);
      return packetStream(db, c.blobs, packet, { asReceived: o.original === true });
    },

    /** One attachment's decoded bytes, with a content type from what the bytes are. */
    async attachment(ctx: RequestContext, id: string, n: number) {
      await access(ctx, id);
      const a = (await exchangeRepo.attachments(db, id)).find((x) => x.n === n);
      if (!a) throw PacketNotFound();
      return {
        name: a.name ?? `attachment-${n}`,
        contentType: MIME[a.sniffed_type] ?? 'application/octet-stream',
        bytes: Number(a.bytes),
        stream: c.blobs.open(a.sha256),
      };
    },

    /** The recipient acknowledges receipt (transport level, idempotent). */
    async acknowledge(ctx: RequestContext, id: string) {
      const { delivery } = await access(ctx, id);
      // The sender has nothing to acknowledge; a specialist reads an assigned copy, not the inbox.
      if (!delivery || !canReadFor(ctx.actor, delivery.recipient_agency_id)) throw PacketNotFound();
      if (delivery.acknowledged_at) return { acknowledgedAt: delivery.acknowledged_at.toISOString() };
      const now = new Date();
      await db.transaction().execute(async (trx) => {
        await exchangeRepo.updateDelivery(trx, delivery.id, { acknowledged_at: now });
        await recordAudit(trx, ctx, {
          action: 'exchange.packet.acknowledged',
          subjectType: 'exchange_packet',
          subjectIds: [id, delivery.id],
          agencyId: delivery.recipient_agency_id,
        });
      });
      return { acknowledgedAt: now.toISOString() };
    },

    /** Each recipient's current status and timeline, for the sender. */
    async recipients(ctx: RequestContext, id: string) {
      const { packet, role } = await access(ctx, id);
      if (role !== 'sender' && !isPlatformAdmin(ctx.actor)) throw PacketNotFound();
      const deliveries = await exchangeRepo.deliveriesOf(db, [packet.id]);
      const events = await exchangeRepo.events(
        db,
        deliveries.map((d) => d.id),
      );
      // Federation: how the hand-over to a peer instance went (attempts, a permanent refusal).
      const handOvers = await federationRepo.peerDeliveries(
        db,
        deliveries.map((d) => d.id),
      );
      const recipients = [];
      for (const d of deliveries) {
        const h = handOvers.find((x) => x.delivery_id === d.id);
        const agency = await c.directory.getAgency(d.recipient_agency_id);
        const addressee =
          d.addressee_agency_id === d.recipient_agency_id
            ? agency
            : await c.directory.getAgency(d.addressee_agency_id);
        recipients.push({
          agencyId: d.recipient_agency_id,
          name: agency?.name ?? null,
          addresseeName: addressee?.name ?? null,
          ...deliveryView(d),
          peer: h
            ? {
                peerId: h.peer_id,
                attempts: h.attempts,
                lastError: h.last_error,
                failedAt: iso(h.failed_at),
                failedReason: h.failed_reason,
              }
            : null,
          timeline: events.filter((e) => e.delivery_id === d.id).map(eventView),
        });
      }
      return { packetId: packet.id, recipients };
    },
  };
}

export type ExchangeService = ReturnType<typeof createExchangeService>;
