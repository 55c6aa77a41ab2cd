import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql, type Insertable } from 'kysely';
import { auditEventRow, recordAudit, type AuditInput } from '../../platform/audit/index.ts';
import { actorId, type RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { addJobSql, enqueue } from '../../platform/jobs/index.ts';
import type { ExchangeContext } from './deps.ts';
import { PEER_JOB_KEY_PREFIX, type DeliveryQueue } from './delivery.ts';
import type { EdxmlPacket } from './edxml/index.ts';
import { SenderMismatch, SignatureInvalid, StatusNotAllowed } from './errors.ts';
import { stagePacket, type LandedPacket, type StagedPacket } from './intake.ts';
import { createPlanner, type Effect, type PacketPlan, type RecipientPlan } from './plan.ts';
import { exchangeRepo, type NewDelivery } from './repo.ts';
import type { ExchangeTables } from './tables.ts';
import { decideStatus } from './statuses.ts';
import { traceHeaderXml } from './trace.ts';
import { federationRepo } from './federation/repo.ts';
import { NotHostedHere, WrongEndpoint } from './federation/errors.ts';

/** The answer to a send: the packet's id, and whether it was a duplicate of one already accepted. */
export interface SendResult {
  id: string;
  duplicate: boolean;
  kind: 'edoc' | 'status';
  documentId: string;
  signature: 'valid' | 'untrusted' | 'none';
  recipients: { agencyId: string; addressedCodes: string[]; forwarded: boolean }[];
}

/**
 * A packet handed over by a peer instance (federation, see federation/inbound.ts): only the
 * recipients named by the peer's delivery are served, they must be hosted here, and the sender
 * must be an agency the peer hosts.
 */
export interface FromPeer {
  peerId: string;
  recipientCodes: string[];
  /** What the peer's endpoint takes: edocs (`/federation/packets`) or status packets (`/statuses`). */
  kind: 'edoc' | 'status';
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

/** Accepting packets: stream, check, plan, land the blobs, then one transaction, then the answer. */
export function createSender(c: ExchangeContext, queue: DeliveryQueue) {
  const planner = createPlanner(c);
  const log = c.logger;

  /** Delivery rows for recipients of a packet (routed by the insert: local, or a peer instance). */
  function deliveryRows(
    packetId: string,
    recipients: RecipientPlan[],
    addedBy: string | null,
  ): NewDelivery[] {
    return recipients.map((r) => ({
      id: randomUUID(),
      packet_id: packetId,
      recipient_agency_id: r.agencyId,
      addressee_agency_id: r.addresseeAgencyId,
      addressed_codes: r.codes.slice(0, 20),
      added_by_packet_id: addedBy,
    }));
  }

  /**
   * Local deliveries are taken in batches by the local deliverer, woken after the commit
   * (`queue.kick`); a delivery to a peer has its own job, retried while the peer is down.
   */
  async function enqueuePeerJobs(trx: Tx, routes: { id: string; route: string }[]) {
    for (const row of routes)
      if (row.route !== 'local')
        await enqueue(
          trx,
          queue.peerJob,
          { deliveryId: row.id },
          { jobKey: `${PEER_JOB_KEY_PREFIX}${row.id}` },
        );
  }

  async function newDeliveries(
    trx: Tx,
    packetId: string,
    recipients: RecipientPlan[],
    addedBy: string | null,
  ) {
    await enqueuePeerJobs(
      trx,
      await exchangeRepo.insertDeliveries(trx, deliveryRows(packetId, recipients, addedBy)),
    );
  }

  async function applyStatus(
    trx: Tx,
    effect: Extract<Effect, { kind: 'status' }>,
    source: { packetId: string; description: string | null; staff: string | null; at: Date },
  ) {
    const locked = await exchangeRepo.deliveriesOf(trx, [effect.target.id], { lock: true });
    const wanted = new Set(effect.deliveries.map((d) => d.id));
    const deliveries = locked.filter((d) => wanted.has(d.id));
    const events = await exchangeRepo.events(
      trx,
      deliveries.map((d) => d.id),
    );
    for (const d of deliveries) {
      const decision = decideStatus(
        {
          state: d.state,
          currentStatus: d.current_status,
          recallState: d.recall_state,
          recorded: new Set(events.filter((e) => e.delivery_id === d.id).map((e) => e.code)),
        },
        effect.code,
        effect.by,
      );
      if (decision.outcome === 'refuse') {
        // A recall reaches every recipient it can; one recipient's state does not stop it.
        if (effect.by === 'sender') continue;
        throw StatusNotAllowed({ status: effect.code, current: d.current_status, reason: decision.reason });
      }
      if (decision.outcome === 'repeat') continue;
      // Reported times have whole seconds: never before the step they follow.
      const floor = d.status_at ?? d.delivered_at;
      const at = floor && floor > source.at ? floor : source.at;
      await exchangeRepo.insertEvent(trx, {
        id: randomUUID(),
        delivery_id: d.id,
        code: effect.code,
        description: source.description,
        staff: source.staff,
        occurred_at: at,
        source_packet_id: source.packetId,
      });
      await exchangeRepo.updateDelivery(trx, d.id, {
        current_status: decision.currentStatus,
        recall_state: decision.recallState,
        ...(decision.currentStatus !== d.current_status ? { status_at: at } : {}),
      });
      for (const o of c.observers)
        if (o.statusRecorded)
          await o.statusRecorded(trx, {
            packetId: effect.target.id,
            documentId: effect.target.document_id,
            deliveryId: d.id,
            recipientAgencyId: d.recipient_agency_id,
            code: effect.code,
            description: source.description,
            at,
          });
    }
    if (effect.code === '13')
      await exchangeRepo.updatePacket(trx, effect.target.id, { recall_requested_at: new Date() });
  }

  async function applyEffect(trx: Tx, packetId: string, packet: EdxmlPacket, effect: Effect) {
    const staff = packet.business?.staffInfo?.staff ?? packet.status?.staffInfo?.staff ?? null;
    switch (effect.kind) {
      case 'none':
        return;
      case 'revoke': {
        const deliveries = await exchangeRepo.deliveriesOf(trx, [effect.target.id]);
        await applyStatus(
          trx,
          { kind: 'status', code: '13', by: 'sender', deliveries, target: effect.target },
          { packetId, description: packet.business?.reason ?? null, staff, at: new Date() },
        );
        return;
      }
      case 'update': {
        const existing = await exchangeRepo.deliveriesOf(trx, [effect.target.id], { lock: true });
        const fresh: RecipientPlan[] = [];
        for (const add of effect.add) {
          const had = existing.find((d) => d.recipient_agency_id === add.agencyId);
          if (!had) fresh.push(add);
          else if (had.state === 'withdrawn')
            await exchangeRepo.updateDelivery(trx, had.id, {
              state: had.delivered_at ? 'delivered' : 'pending',
              withdrawn_at: null,
            });
        }
        await newDeliveries(trx, effect.target.id, fresh, packetId);
        for (const d of existing)
          if (effect.remove.includes(d.recipient_agency_id) && d.state !== 'withdrawn')
            await exchangeRepo.updateDelivery(trx, d.id, { state: 'withdrawn', withdrawn_at: new Date() });
        return;
      }
      case 'replace':
        for (const target of effect.targets)
          await exchangeRepo.updatePacket(trx, target.id, { replaced_by: packetId });
        return;
      case 'status': {
        const reported = packet.status?.timestamp ? new Date(packet.status.timestamp) : new Date();
        const at = reported.getTime() > Date.now() + 5 * 60_000 ? new Date() : reported;
        await applyStatus(trx, effect, {
          packetId,
          description: packet.status?.description ?? null,
          staff,
          at,
        });
        return;
      }
    }
  }

  async function commit(
    ctx: RequestContext,
    staged: StagedPacket,
    plan: PacketPlan,
    signature: {
      result: 'valid' | 'untrusted' | 'none';
      algorithm: string | null;
      signerSubject: string | null;
    },
    landed: LandedPacket,
  ): Promise<string> {
    const attachments = landed.attachments;
    const { packet } = staged;
    const id = randomUUID();
    const hopAt = new Date();
    // A signed packet is delivered as received: its signature covers the TraceHeaderList.
    const insertion = signature.result === 'none' ? staged.trace : null;
    const header = packet.header;
    const target =
      plan.effect.kind === 'status' || plan.effect.kind === 'revoke' || plan.effect.kind === 'update'
        ? plan.effect.target.id
        : plan.effect.kind === 'replace'
          ? (plan.effect.targets[0]?.id ?? null)
          : null;
    const row: Insertable<ExchangeTables['exchange_packets']> = {
      id,
      kind: packet.kind,
      business_type: packet.kind === 'edoc' ? (packet.business?.docType ?? 0) : null,
      status_code: packet.status?.statusCode ?? null,
      sender_agency_id: plan.sender.id,
      sender_code: plan.senderCode,
      sender_name: (header?.from?.organName ?? packet.status?.from?.organName ?? null)?.slice(0, 300) ?? null,
      document_id: plan.documentId,
      dedupe_key: plan.dedupeKey.slice(0, 300),
      target_packet_id: target,
      code_number: header?.code.number ?? null,
      code_notation: header?.code.notation ?? null,
      subject: header?.subject ?? null,
      type_name: header?.documentType.typeName ?? null,
      promulgation_date: header?.promulgationInfo.date ?? null,
      due_date: header?.dueDate ?? null,
      priority: header?.otherInfo?.priority ?? null,
      description: packet.status?.description ?? packet.business?.reason?.slice(0, 1000) ?? null,
      signature: signature.result,
      signature_algorithm: signature.algorithm?.slice(0, 200) ?? null,
      signer_subject: signature.signerSubject?.slice(0, 1000) ?? null,
      original_sha256: landed.original.sha256,
      original_bytes: landed.original.bytes,
      hop_organ_id: c.nodeId,
      hop_at: hopAt,
      trace_offset: insertion?.offset ?? null,
      trace_xml: insertion ? traceHeaderXml(insertion, c.nodeId, hopAt) : null,
      traces: JSON.stringify(packet.traces),
      sent_by_kind: ctx.actor.kind,
      sent_by: actorId(ctx.actor),
    };
    const attachmentRows = packet.attachments.map((a, n) => ({
      packet_id: id,
      n,
      content_id: a.contentId,
      name: a.name,
      description: a.description?.slice(0, 1000) ?? null,
      declared_content_type: a.declaredContentType,
      sniffed_type: a.sniffedType,
      zipped: a.zipped,
      inner_name: a.innerName?.slice(0, 500) ?? null,
      bytes: a.bytes,
      sha256: attachments[n]?.sha256 ?? a.sha256,
    }));
    const deliveries = deliveryRows(id, plan.recipients, null);
    const audit: AuditInput = {
      action: 'exchange.packet.accepted',
      subjectType: 'exchange_packet',
      subjectIds: [id],
      agencyId: plan.sender.id,
      details: {
        kind: packet.kind,
        businessType: packet.business?.docType ?? null,
        statusCode: packet.status?.statusCode ?? null,
        recipients: plan.recipients.length,
        signature: signature.result,
        bytes: staged.bytes,
      },
    };
    // A new document (the common case): one statement, atomic on its own — no BEGIN/COMMIT round trips.
    if (newDocument(plan)) {
      await exchangeRepo.acceptNew(
        c.db,
        row,
        attachmentRows,
        deliveries,
        landed.packed,
        auditEventRow(ctx, audit).row,
        (deliveryId) =>
          addJobSql(queue.peerJob, sql`json_build_object('deliveryId', ${deliveryId})`, {
            jobKey: sql`${PEER_JOB_KEY_PREFIX}::text || ${deliveryId}`,
          }),
      );
      return id;
    }
    await c.db.transaction().execute(async (trx) => {
      const routes = await exchangeRepo.insertAccepted(trx, row, attachmentRows, deliveries, landed.packed);
      await enqueuePeerJobs(trx, routes);
      await applyEffect(trx, id, packet, plan.effect);
      await recordAudit(trx, ctx, audit);
    });
    return id;
  }

  function result(
    plan: PacketPlan,
    packet: EdxmlPacket,
    id: string,
    duplicate: boolean,
    sig: SendResult['signature'],
  ): SendResult {
    return {
      id,
      duplicate,
      kind: packet.kind,
      documentId: plan.documentId,
      signature: sig,
      recipients: plan.recipients.map((r) => ({
        agencyId: r.agencyId,
        addressedCodes: r.codes,
        forwarded: r.addresseeAgencyId !== r.agencyId,
      })),
    };
  }

  /** A new document to at least one recipient: accepted by `acceptNew`'s single statement. */
  const newDocument = (plan: PacketPlan) => plan.effect.kind === 'none' && plan.recipients.length > 0;

  /**
   * Accepts a packet: answers only once the packet, its deliveries, their jobs and the audit
   * event are committed together ("acknowledged" means durable). The same packet sent again
   * answers the first one's id with `duplicate: true`.
   */
  async function send(
    ctx: RequestContext,
    source: Readable | Buffer,
    fromPeer?: FromPeer,
  ): Promise<SendResult> {
    const staged = await stagePacket(c.blobs, source, {
      maxBytes: c.maxPacketBytes,
      ...(c.maxAttachmentBytes ? { maxAttachmentBytes: c.maxAttachmentBytes } : {}),
    });
    const { packet } = staged;
    try {
      if (fromPeer && packet.kind !== fromPeer.kind) throw WrongEndpoint({ kind: packet.kind });
      const planned = await planner.plan(ctx, packet);
      const plan = fromPeer ? await peerPlan(planned, fromPeer) : planned;
      // A new unsigned document from a client is written without asking first: its insert meets
      // the (sender, DocumentId) unique key when it is a duplicate, answered below like a race.
      // Signed packets and peers' ones ask first: a duplicate is then neither verified nor landed.
      const asksFirst = fromPeer !== undefined || packet.signature.present || !newDocument(plan);
      const existing = asksFirst
        ? await exchangeRepo.findByDedupe(c.db, plan.sender.id, plan.dedupeKey)
        : undefined;
      if (existing) {
        await staged.discard();
        if (fromPeer) {
          await addMissingDeliveries(existing.id, plan.recipients);
          void queue.kick();
        }
        return result(plan, packet, existing.id, true, existing.signature);
      }
      let signature: {
        result: 'valid' | 'untrusted' | 'none';
        algorithm: string | null;
        signerSubject: string | null;
      } = { result: 'none', algorithm: null, signerSubject: null };
      if (packet.signature.present) {
        const verified = await c.pki.verifyEdxml(await staged.originalBytes());
        if (verified.result === 'invalid') throw SignatureInvalid({ reason: verified.reason ?? null });
        if (verified.result !== 'none') signature = verified as typeof signature;
      }
      const landed = await staged.land();
      try {
        const id = await commit(ctx, staged, plan, signature, landed);
        void queue.kick();
        log.info(
          { action: 'exchange.accepted', packetId: id, recipients: plan.recipients.length },
          'packet accepted',
        );
        return result(plan, packet, id, false, signature.result);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const raced = await exchangeRepo.findByDedupe(c.db, plan.sender.id, plan.dedupeKey);
        if (!raced) throw error;
        return result(plan, packet, raced.id, true, raced.signature);
      }
    } catch (error) {
      await staged.discard();
      throw error;
    }
  }

  /** Federation: a peer's packet serves only the recipients of its delivery, hosted here. */
  async function peerPlan(plan: PacketPlan, from: FromPeer): Promise<PacketPlan> {
    if ((await federationRepo.hostOf(c.db, plan.sender.id)) !== from.peerId)
      throw SenderMismatch({ code: plan.senderCode });
    const recipients = plan.recipients.filter((r) =>
      r.codes.some((code) => from.recipientCodes.includes(code)),
    );
    const routes = await federationRepo.routesOf(
      c.db,
      recipients.map((r) => r.agencyId),
    );
    if (recipients.length === 0 || routes.size > 0) throw NotHostedHere();
    return { ...plan, recipients };
  }

  /** Federation: the same document handed over again for another recipient hosted here. */
  async function addMissingDeliveries(packetId: string, recipients: RecipientPlan[]) {
    await c.db
      .transaction()
      .execute(async (trx) => {
        const had = new Set(
          (await exchangeRepo.deliveriesOf(trx, [packetId])).map((d) => d.recipient_agency_id),
        );
        await newDeliveries(
          trx,
          packetId,
          recipients.filter((r) => !had.has(r.agencyId)),
          null,
        );
      })
      .catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error; // raced with the same hand-over: already there
      });
  }

  return { send };
}
