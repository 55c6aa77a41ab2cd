import { createHash } from 'node:crypto';
import type { RequestContext } from '../../platform/context.ts';
import type { AgencySummary } from '../directory/index.ts';
import type { ExchangeContext } from './deps.ts';
import type { EdxmlPacket, StatusCode } from './edxml/index.ts';
import { NoAgency, SenderMismatch, TargetNotFound, UnknownRecipient, UnknownSender } from './errors.ts';
import { canReportStatus, canSendAs, exchangeAgencyOf } from './policies.ts';
import { exchangeRepo, type DeliveryRow, type PacketRow } from './repo.ts';

/** One recipient agency of a packet, with the codes that named it. */
export interface RecipientPlan {
  agencyId: string;
  /** The agency the codes were held by (the predecessor when the packet is forwarded). */
  addresseeAgencyId: string;
  codes: string[];
}

/** What a packet does besides being delivered. */
export type Effect =
  | { kind: 'none' }
  | { kind: 'revoke'; target: PacketRow }
  | { kind: 'update'; target: PacketRow; add: RecipientPlan[]; remove: string[] }
  | { kind: 'replace'; targets: PacketRow[] }
  | {
      kind: 'status';
      code: StatusCode;
      by: 'sender' | 'recipient';
      deliveries: DeliveryRow[];
      target: PacketRow;
    };

export interface PacketPlan {
  sender: AgencySummary;
  senderCode: string;
  dedupeKey: string;
  documentId: string;
  recipients: RecipientPlan[];
  effect: Effect;
}

/**
 * Checks who sends and works out where a packet goes, reading the directory and the stored
 * documents only: sender against the actor, every `To` resolved (aliases merged, closed codes
 * forwarded to the successor), the target of a revoke, update, replace or status packet.
 */
export function createPlanner(c: ExchangeContext) {
  const { db, directory } = c;

  async function resolveRecipients(codes: string[]): Promise<RecipientPlan[]> {
    const byAgency = new Map<string, RecipientPlan>();
    for (const code of codes) {
      const r = await directory.resolveCode(code);
      if (!r) throw UnknownRecipient({ code });
      const plan = byAgency.get(r.current.id);
      if (plan) {
        if (!plan.codes.includes(code)) plan.codes.push(code);
      } else
        byAgency.set(r.current.id, { agencyId: r.current.id, addresseeAgencyId: r.heldBy.id, codes: [code] });
    }
    return [...byAgency.values()];
  }

  /** The sending agency of `code`, if the actor may send this packet as it (`may`, by default `canSendAs`). */
  async function senderOf(
    ctx: RequestContext,
    code: string,
    may: (actor: RequestContext['actor'], agencyId: string) => boolean = canSendAs,
  ): Promise<AgencySummary> {
    const actorAgency = exchangeAgencyOf(ctx.actor);
    if (ctx.actor.kind !== 'system' && !actorAgency) throw NoAgency();
    const r = await directory.resolveCode(code);
    if (!r) throw actorAgency ? SenderMismatch({ code }) : UnknownSender({ code });
    // A successor may still write its predecessor's code: either agency of the chain is the sender.
    const sender = actorAgency && r.heldBy.id === actorAgency ? r.heldBy : r.current;
    if (!may(ctx.actor, sender.id)) throw SenderMismatch({ code });
    return sender;
  }

  /** Deliveries of document `documentId` received by `agencyId`: by DocumentId, then by agency. */
  async function deliveriesReceivedBy(documentId: string, agencyId: string) {
    const documents = await exchangeRepo.documentsById(db, documentId);
    const deliveries = await exchangeRepo.deliveriesOf(
      db,
      documents.map((d) => d.id),
    );
    const direct = deliveries.filter((d) => d.recipient_agency_id === agencyId);
    if (direct.length > 0) return { documents, deliveries: direct };
    // Sent to a predecessor before a merge: the successor answers for it (reform-2025 §2.3).
    const forwarded: DeliveryRow[] = [];
    for (const d of deliveries) {
      for (const code of d.addressed_codes) {
        const r = await directory.resolveCode(code);
        if (r?.current.id === agencyId) {
          forwarded.push(d);
          break;
        }
      }
    }
    return { documents, deliveries: forwarded };
  }

  async function planStatus(ctx: RequestContext, packet: EdxmlPacket): Promise<PacketPlan> {
    const status = packet.status;
    const code = status?.statusCode;
    const documentId = status?.responseFor?.documentId;
    const fromCode = status?.from?.organId;
    if (!status || !code || !documentId || !fromCode) throw TargetNotFound();
    // A status is reported by role: a leader's assignment, a specialist's progress (policies.ts).
    const sender = await senderOf(ctx, fromCode, (actor, agencyId) => canReportStatus(actor, agencyId, code));
    const base = { sender, senderCode: fromCode, documentId, dedupeKey: `status:${code}:${documentId}` };
    if (code === '13') {
      const [target] = await exchangeRepo.documentsById(db, documentId, sender.id);
      if (!target) throw TargetNotFound({ documentId });
      const deliveries = (await exchangeRepo.deliveriesOf(db, [target.id])).filter(
        (d) => d.state !== 'withdrawn',
      );
      return {
        ...base,
        recipients: deliveries.map((d) => ({
          agencyId: d.recipient_agency_id,
          addresseeAgencyId: d.recipient_agency_id,
          codes: d.addressed_codes.slice(0, 1),
        })),
        effect: { kind: 'status', code, by: 'sender', deliveries, target },
      };
    }
    const { documents, deliveries } = await deliveriesReceivedBy(documentId, sender.id);
    const first = deliveries[0];
    const target = documents.find((d) => d.id === first?.packet_id);
    if (!first || !target) throw TargetNotFound({ documentId });
    return {
      ...base,
      recipients: [
        {
          agencyId: target.sender_agency_id,
          addresseeAgencyId: target.sender_agency_id,
          codes: [target.sender_code],
        },
      ],
      effect: { kind: 'status', code, by: 'recipient', deliveries: [first], target },
    };
  }

  async function ownDocument(senderId: string, documentId: string | null | undefined): Promise<PacketRow> {
    const [target] = documentId ? await exchangeRepo.documentsById(db, documentId, senderId) : [];
    if (!target) throw TargetNotFound({ documentId });
    return target;
  }

  async function planEdoc(ctx: RequestContext, packet: EdxmlPacket): Promise<PacketPlan> {
    const header = packet.header;
    const fromCode = header?.from?.organId;
    if (!header || !fromCode || !header.documentId) throw UnknownSender();
    const sender = await senderOf(ctx, fromCode);
    const businessType = packet.business?.docType ?? 0;
    const recipients = await resolveRecipients(header.to.flatMap((t) => (t.organId ? [t.organId] : [])));
    const base = {
      sender,
      senderCode: fromCode,
      documentId: header.documentId,
      dedupeKey: edocDedupeKey(packet, businessType, header.documentId),
      recipients,
    };
    const business = packet.business;
    switch (businessType) {
      case 1:
        return {
          ...base,
          effect: { kind: 'revoke', target: await ownDocument(sender.id, business?.documentId) },
        };
      case 2: {
        const target = await ownDocument(sender.id, business?.documentId);
        const receivers = business?.documentInfo?.receivers ?? [];
        const codesOf = (type: 0 | 1) =>
          receivers.flatMap((r) => (r.receiverType === type && r.organId ? [r.organId] : []));
        const add = await resolveRecipients(codesOf(1));
        const remove = (await resolveRecipients(codesOf(0))).map((r) => r.agencyId);
        return { ...base, effect: { kind: 'update', target, add, remove } };
      }
      case 3: {
        const ids = new Set(
          business?.replacements.flatMap((r) => (r.documentId ? [r.documentId] : [])) ?? [],
        );
        if (business?.documentId && business.documentId !== header.documentId) ids.add(business.documentId);
        const targets: PacketRow[] = [];
        for (const id of ids) targets.push(await ownDocument(sender.id, id));
        if (targets.length === 0) throw TargetNotFound();
        return { ...base, effect: { kind: 'replace', targets } };
      }
      case 0:
        return { ...base, effect: { kind: 'none' } };
    }
  }

  return {
    plan(ctx: RequestContext, packet: EdxmlPacket): Promise<PacketPlan> {
      return packet.kind === 'status' ? planStatus(ctx, packet) : planEdoc(ctx, packet);
    },
  };
}

/**
 * The duplicate key of an edoc: sender + business type + DocumentId. An update (type 2) carries the
 * DocumentId of the document it changes, so several different updates of one document are told
 * apart by what they change (the ReceiverList) and by the sender's own TraceHeader time; the same
 * update sent again is still one.
 */
function edocDedupeKey(packet: EdxmlPacket, businessType: number, documentId: string): string {
  const key = `edoc:${businessType}:${documentId}`;
  if (businessType !== 2) return key;
  const receivers = (packet.business?.documentInfo?.receivers ?? [])
    .map((r) => `${r.receiverType ?? ''}:${r.organId ?? ''}`)
    .sort()
    .join('|');
  const sentAt = packet.traces[0]?.timestamp ?? '';
  const change = createHash('sha256').update(`${receivers}\n${sentAt}`).digest('hex').slice(0, 32);
  return `${key}:${change}`;
}
