import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/index.ts';
import { actorId, type RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { deskAgency, searchText, searchWords, vietnamDate, type RecordsContext } from './deps.ts';
import { RecordNotFound, RecordStepNotAllowed } from './errors.ts';
import { seesOnlyAssigned, type DeskAction } from './policies.ts';
import { recordsRepo, type IncomingRow } from './repo.ts';
import { isUuid } from '../../platform/ids.ts';

const ASSIGNED = ['04', '05', '06'] as const;
const PAGE_SIZE = 30;

export interface IncomingQuery {
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  sender?: string | undefined;
  status?: string | undefined;
  priority?: number | undefined;
  page?: number | undefined;
}

type PacketWithDelivery = Awaited<ReturnType<RecordsContext['exchange']['get']>>;

export type StepCode = '02' | '03' | '04' | '05' | '06' | '15' | '16';

/** The incoming side of the desk: the register of arrived documents and the steps on each. */
export function createIncomingService(c: RecordsContext) {
  const { db, exchange, logger } = c;

  /**
   * Reads the agency's exchange inbox after the desk's cursor into the register's index, as the
   * actor (the exchange decides who reads the inbox). A specialist alone does not read it: they
   * see only documents already assigned, which the desk brought into the index to assign them.
   */
  async function sync(ctx: RequestContext, agencyId: string): Promise<number> {
    if (seesOnlyAssigned(ctx.actor)) return 0;
    let added = 0;
    for (let round = 0; round < 10; round++) {
      const after = await recordsRepo.cursor(db, agencyId);
      const page = await exchange.inbox(ctx, { after, limit: 200 });
      if (page.items.length === 0) break;
      for (const item of page.items) {
        if (item.kind === 'status') {
          if (item.statusCode === '13')
            await recordsRepo.recallRequested(db, agencyId, item.from.agencyId, item.documentId);
          continue;
        }
        const view = await exchange.get(ctx, item.packetId);
        if (item.businessType === 0 || item.businessType === 3) {
          await recordsRepo.insertIncoming(db, incomingRow(agencyId, item.cursor, view));
          added++;
          if (item.businessType === 3 && view.targetPacketId) {
            const [old] = await recordsRepo.incomingByPacket(db, agencyId, [view.targetPacketId]);
            if (old) await recordsRepo.updateIncoming(db, old.id, { replaced_by_packet_id: view.id });
          }
        } else if (view.targetPacketId) {
          // A revoke asks for a recall; an update may have withdrawn the document from us.
          const [target] = await recordsRepo.incomingByPacket(db, agencyId, [view.targetPacketId]);
          if (target) await refresh(ctx, target);
        }
      }
      await recordsRepo.advanceCursor(db, agencyId, page.nextCursor);
      if (page.items.length < 200) break;
    }
    if (added > 0) logger.info({ action: 'records.sync', agencyId, added }, 'inbox read');
    return added;
  }

  function incomingRow(agencyId: string, cursor: string, v: PacketWithDelivery) {
    const delivery = v.delivery;
    const codeText = [v.code.number, v.code.notation].filter(Boolean).join('/');
    return {
      id: randomUUID(),
      agency_id: agencyId,
      packet_id: v.id,
      inbox_seq: cursor,
      business_type: v.businessType === 3 ? 3 : 0,
      document_id: v.documentId,
      sender_agency_id: v.from.agencyId,
      sender_code: v.from.code,
      sender_name: v.from.name,
      code_number: v.code.number,
      code_notation: v.code.notation,
      subject: v.subject,
      type_name: v.typeName,
      promulgation_date: v.promulgationDate,
      due_date: v.dueDate,
      priority: v.priority !== null && v.priority >= 0 && v.priority <= 4 ? v.priority : null,
      received_at: new Date(delivery?.deliveredAt ?? v.receivedAt),
      search_text: searchText([v.subject, codeText, v.code.number, v.from.name, v.from.code, v.typeName]),
      replaces_packet_id: v.businessType === 3 ? v.targetPacketId : null,
      recall_state: v.recallRequestedAt ? ('requested' as const) : null,
      reg_year: null,
      reg_number: null,
      registered_at: null,
      registered_by: null,
      rejected_reason: null,
      assignee_kind: null,
      assignee_name: null,
      assignment_note: null,
    };
  }

  /** Brings the row's mirror of the exchange delivery up to date; returns the packet's view. */
  async function refresh(ctx: RequestContext, row: IncomingRow) {
    const view = await exchange.get(ctx, row.packet_id);
    const d = view.delivery;
    if (d) {
      const status = d.status && d.status !== '01' ? d.status : row.status;
      const withdrawn = d.state === 'withdrawn';
      if (status !== row.status || d.recallState !== row.recall_state || withdrawn !== row.withdrawn) {
        await recordsRepo.updateIncoming(db, row.id, {
          status,
          recall_state: d.recallState ?? row.recall_state,
          withdrawn,
        });
        Object.assign(row, { status, recall_state: d.recallState ?? row.recall_state, withdrawn });
      }
    }
    return view;
  }

  /** The row if the actor may see it at the desk; else 404. */
  async function visible(ctx: RequestContext, id: string, action: DeskAction) {
    const agencyId = deskAgency(ctx, action);
    const row = isUuid(id) ? await recordsRepo.incoming(db, agencyId, id) : undefined;
    if (!row) throw RecordNotFound();
    if (seesOnlyAssigned(ctx.actor) && !(ASSIGNED as readonly string[]).includes(row.status))
      throw RecordNotFound();
    return { agencyId, row };
  }

  /**
   * One step on an incoming document: the status goes to the sender through the exchange first,
   * sent by the actor themselves (the exchange checks that their role may report it, refuses a
   * step out of order, and answers a repeat as a duplicate), then the desk's own
   * record — the register number for 03 — is written in one transaction with the audit event.
   */
  async function step(
    ctx: RequestContext,
    id: string,
    action: DeskAction,
    code: StepCode,
    o: {
      note?: string | null;
      check?: (row: IncomingRow) => boolean;
      write: (trx: Tx, row: IncomingRow) => Promise<Record<string, unknown>>;
    },
  ): Promise<IncomingRow> {
    const { agencyId, row } = await visible(ctx, id, action);
    await refresh(ctx, row);
    // A withdrawn or recalled document leaves the desk's work; only the recall answer remains.
    const closed = row.withdrawn || (row.recall_state === 'accepted' && action !== 'answerRecall');
    if (closed || (o.check && !o.check(row))) throw RecordStepNotAllowed({ status: row.status });
    await exchange.recordStatus(ctx, row.packet_id, code, { description: o.note ?? null });
    await db.transaction().execute(async (trx) => {
      const locked = await recordsRepo.incoming(trx, agencyId, row.id, { lock: true });
      if (!locked) throw RecordNotFound();
      const details = await o.write(trx, locked);
      await recordsRepo.insertEvent(trx, {
        id: randomUUID(),
        incoming_id: row.id,
        code,
        note: o.note ?? null,
        actor_id: actorId(ctx.actor),
      });
      await recordAudit(trx, ctx, {
        action: `records.incoming.${action}`,
        subjectType: 'records_incoming',
        subjectIds: [row.id, row.packet_id],
        agencyId,
        details: { status: code, ...details },
      });
    });
    logger.info({ action: `records.incoming.${action}`, incomingId: row.id, status: code }, 'step recorded');
    const updated = await recordsRepo.incoming(db, agencyId, row.id);
    if (!updated) throw RecordNotFound();
    return updated;
  }

  const setStatus =
    (code: string, extra: Record<string, unknown> = {}) =>
    async (trx: Tx, row: IncomingRow) => {
      await recordsRepo.updateIncoming(trx, row.id, { status: code, ...extra });
      return {};
    };

  return {
    sync: (ctx: RequestContext) => sync(ctx, deskAgency(ctx, 'read')),

    /** A page of the incoming register (after reading the inbox), newest first. */
    async list(ctx: RequestContext, q: IncomingQuery) {
      const agencyId = deskAgency(ctx, 'read');
      await sync(ctx, agencyId);
      const page = Math.max(1, Math.min(q.page ?? 1, 10_000));
      const rows = await recordsRepo.listIncoming(
        db,
        agencyId,
        {
          words: searchWords(q.q),
          from: q.from,
          to: q.to,
          sender: q.sender && isUuid(q.sender) ? q.sender : undefined,
          status: q.status,
          priority: q.priority,
          statuses: seesOnlyAssigned(ctx.actor) ? ASSIGNED : undefined,
        },
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
      );
      return { items: rows.slice(0, PAGE_SIZE), page, hasNext: rows.length > PAGE_SIZE };
    },

    /** The senders in the agency's register, for the filter. */
    senders: (ctx: RequestContext) => recordsRepo.senders(db, deskAgency(ctx, 'read')),

    /** One incoming document: the desk's record, the packet's metadata and attachments, the timeline. */
    async get(ctx: RequestContext, id: string) {
      const { row } = await visible(ctx, id, 'read');
      const packet = await refresh(ctx, row);
      const events = await recordsRepo.events(db, row.id);
      const [replaces] = row.replaces_packet_id
        ? await recordsRepo.incomingByPacket(db, row.agency_id, [row.replaces_packet_id])
        : [];
      const [replacedBy] = row.replaced_by_packet_id
        ? await recordsRepo.incomingByPacket(db, row.agency_id, [row.replaced_by_packet_id])
        : [];
      return { record: row, packet, events, replaces: replaces ?? null, replacedBy: replacedBy ?? null };
    },

    /** An attachment's bytes (any desk member who may see the document). */
    async attachment(ctx: RequestContext, id: string, n: number) {
      const { row } = await visible(ctx, id, 'read');
      return exchange.attachment(ctx, row.packet_id, n);
    },

    /** Registers (03): the next number of this year's incoming register (sổ văn bản đến). */
    register(ctx: RequestContext, id: string, o: { note?: string | null } = {}) {
      return step(ctx, id, 'register', '03', {
        note: o.note ?? null,
        check: (row) => row.status === '01' || row.status === '03',
        write: async (trx, row) => {
          if (row.reg_number !== null) return { number: row.reg_number, year: row.reg_year };
          const at = c.now();
          const year = Number(vietnamDate(at).slice(0, 4));
          const number = await recordsRepo.nextNumber(trx, row.agency_id, 'incoming', year);
          await recordsRepo.updateIncoming(trx, row.id, {
            status: '03',
            reg_year: year,
            reg_number: number,
            registered_at: at,
            registered_by: actorId(ctx.actor),
          });
          return { number, year };
        },
      });
    },

    /** Refuses to take the document in (02), with the reason sent to the sender. */
    reject(ctx: RequestContext, id: string, reason: string) {
      return step(ctx, id, 'reject', '02', {
        note: reason,
        check: (row) => row.status === '01',
        write: setStatus('02', { rejected_reason: reason }),
      });
    },

    /** Hands the document to a unit or a person (04). */
    assign(
      ctx: RequestContext,
      id: string,
      a: { kind: 'unit' | 'person'; name: string; note?: string | null },
    ) {
      const note = [a.name, a.note].filter(Boolean).join(' — ').slice(0, 1000);
      return step(ctx, id, 'assign', '04', {
        note,
        check: (row) => row.status === '03',
        write: setStatus('04', {
          assignee_kind: a.kind,
          assignee_name: a.name,
          assignment_note: a.note ?? null,
        }),
      });
    },

    /** Processing started (05) or finished (06). */
    progress(ctx: RequestContext, id: string, code: '05' | '06', note?: string | null) {
      return step(ctx, id, 'process', code, {
        note: note ?? null,
        check: (row) => row.status === (code === '05' ? '04' : '05'),
        write: setStatus(code),
      });
    },

    /** Answers the sender's recall: 15 accepted (the document is withdrawn from work) or 16 refused. */
    answerRecall(ctx: RequestContext, id: string, accept: boolean, note?: string | null) {
      return step(ctx, id, 'answerRecall', accept ? '15' : '16', {
        note: note ?? null,
        check: (row) => row.recall_state === 'requested',
        write: async (trx, row) => {
          await recordsRepo.updateIncoming(trx, row.id, { recall_state: accept ? 'accepted' : 'refused' });
          return {};
        },
      });
    },

    /** Incoming documents matching `q` (for the search across both registers). */
    async search(ctx: RequestContext, q: string, limit: number) {
      const agencyId = deskAgency(ctx, 'read');
      await sync(ctx, agencyId);
      const rows = await recordsRepo.listIncoming(
        db,
        agencyId,
        { words: searchWords(q), statuses: seesOnlyAssigned(ctx.actor) ? ASSIGNED : undefined },
        limit,
        0,
      );
      return rows.slice(0, limit);
    },
  };
}

export type IncomingService = ReturnType<typeof createIncomingService>;
