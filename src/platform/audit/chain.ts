import { createHash, randomUUID } from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import type { AuditTables } from './tables.ts';
import type { Db, DbOrTx, Tx } from '../db/database.ts';
import { actorAgencyId, actorId, type RequestContext } from '../context.ts';

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** What a service says about a change. Never put personal data, secrets or document bodies here. */
export interface AuditInput {
  action: string;
  subjectType?: string;
  subjectIds?: string[];
  outcome?: AuditOutcome;
  /** Agency the change concerns; defaults to the actor's agency. */
  agencyId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: string;
  actorKind: string;
  actorId: string | null;
  agencyId: string | null;
  action: string;
  subjectType: string | null;
  subjectIds: string[];
  outcome: AuditOutcome;
  requestId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted, so the hash does not depend on how jsonb orders keys. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of an event: sha256 over the previous hash and the event's fields in a fixed order. */
export function eventHash(e: Omit<AuditEvent, 'hash'>): string {
  const body = canonicalJson([
    e.seq,
    e.id,
    e.occurredAt,
    e.actorKind,
    e.actorId,
    e.agencyId,
    e.action,
    e.subjectType,
    e.subjectIds,
    e.outcome,
    e.requestId,
    e.ip,
    e.details,
  ]);
  return createHash('sha256').update(e.prevHash).update('\n').update(body).digest('hex');
}

/** An event as written by a transaction, before the sealer numbers and chains it. */
export type RecordedAuditEvent = Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'>;

/** The row of an unsealed event: what `recordAudit` inserts. */
export type AuditEventRow = Insertable<AuditTables['audit_events']>;

/**
 * An event as a row to insert, for a statement that writes the change and its event together
 * (one round trip, atomic without a transaction). Most callers use `recordAudit`.
 */
export function auditEventRow(
  ctx: RequestContext,
  input: AuditInput,
): { event: RecordedAuditEvent; row: AuditEventRow } {
  const event: RecordedAuditEvent = {
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    actorKind: ctx.actor.kind,
    actorId: actorId(ctx.actor),
    agencyId: input.agencyId === undefined ? actorAgencyId(ctx.actor) : input.agencyId,
    action: input.action,
    subjectType: input.subjectType ?? null,
    subjectIds: input.subjectIds ?? [],
    outcome: input.outcome ?? 'success',
    requestId: ctx.requestId,
    ip: ctx.ip,
    details: input.details ?? {},
  };
  const row: AuditEventRow = {
    id: event.id,
    occurred_at: new Date(event.occurredAt),
    actor_kind: event.actorKind,
    actor_id: event.actorId,
    agency_id: event.agencyId,
    action: event.action,
    subject_type: event.subjectType,
    subject_ids: event.subjectIds,
    outcome: event.outcome,
    request_id: event.requestId,
    ip: event.ip,
    details: JSON.stringify(event.details) as unknown as Record<string, unknown>,
  };
  return { event, row };
}

/**
 * Writes one event inside the caller's transaction, unsealed: it commits or rolls back with the
 * change it describes, and takes no lock, so writers run in parallel. The sealer
 * (`sealAuditChain`, run by `startAuditSealer` and before every read of the chain) numbers and
 * hash-chains committed events shortly after.
 */
export async function recordAudit(
  trx: Tx,
  ctx: RequestContext,
  input: AuditInput,
): Promise<RecordedAuditEvent> {
  const { event, row } = auditEventRow(ctx, input);
  await trx.insertInto('audit_events').values(row).execute();
  return event;
}

/**
 * Records an event in its own transaction and seals it at once: for refusals and failures whose
 * change was rolled back, and for callers that need the chained event back.
 */
export async function recordAuditAlone(db: Db, ctx: RequestContext, input: AuditInput): Promise<AuditEvent> {
  const recorded = await db.transaction().execute((trx) => recordAudit(trx, ctx, input));
  await sealAuditChain(db);
  const row = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('id', '=', recorded.id)
    .executeTakeFirstOrThrow();
  return toAuditEvent(row);
}

/**
 * Chains every committed unsealed event, in the order they were written: locks the head, gives
 * each the next sequence number and its hash over the previous one, moves the head. Sealers in
 * several processes take turns on the head lock. Returns how many events it sealed.
 */
export async function sealAuditChain(db: Db, batchSize = 2000): Promise<number> {
  let sealed = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const head = await sql<{
        seq: string;
        hash: string;
      }>`SELECT seq, hash FROM audit_chain_head FOR UPDATE`.execute(trx);
      const current = head.rows[0];
      if (!current) throw new Error('audit chain head missing');
      const rows = await trx
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', 'is', null)
        .orderBy('pending_id')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) return 0;
      let seq = Number(current.seq);
      let prevHash = current.hash;
      const values: { pending_id: string; seq: string; prev_hash: string; hash: string }[] = [];
      for (const row of rows) {
        seq += 1;
        const base: Omit<AuditEvent, 'hash'> = { ...toAuditEvent({ ...row, seq: String(seq) }), prevHash };
        const hash = eventHash(base);
        values.push({ pending_id: String(row.pending_id), seq: String(seq), prev_hash: prevHash, hash });
        prevHash = hash;
      }
      await sql`UPDATE audit_events AS e SET seq = v.seq::bigint, prev_hash = v.prev_hash, hash = v.hash
        FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(pending_id bigint, seq bigint, prev_hash text, hash text)
        WHERE e.pending_id = v.pending_id AND e.seq IS NULL`.execute(trx);
      await trx
        .updateTable('audit_chain_head')
        .set({ seq: String(seq), hash: prevHash })
        .execute();
      return rows.length;
    });
    sealed += n;
    if (n < batchSize) return sealed;
  }
}

/**
 * Seals the chain every `intervalMs` in the background (and once at start). `stop` waits for a
 * running pass, then seals what is left.
 */
export function startAuditSealer(
  db: Db,
  onError: (err: unknown) => void,
  intervalMs = 250,
): { stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    running = running.then(() => sealAuditChain(db)).catch(onError);
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void pass();
  }, intervalMs);
  timer.unref();
  void pass();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await sealAuditChain(db).catch(onError);
    },
  };
}

type AuditRow = {
  seq: string | null;
  id: string;
  occurred_at: Date;
  actor_kind: string;
  actor_id: string | null;
  agency_id: string | null;
  action: string;
  subject_type: string | null;
  subject_ids: string[];
  outcome: string;
  request_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string | null;
  hash: string | null;
};

/** A stored event; an unsealed one (not yet chained) has seq 0 and empty hashes. */
export function toAuditEvent(r: AuditRow): AuditEvent {
  return {
    seq: r.seq === null ? 0 : Number(r.seq),
    id: r.id,
    occurredAt: r.occurred_at.toISOString(),
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    agencyId: r.agency_id,
    action: r.action,
    subjectType: r.subject_type,
    subjectIds: r.subject_ids,
    outcome: r.outcome as AuditOutcome,
    requestId: r.request_id,
    ip: r.ip,
    details: r.details,
    prevHash: r.prev_hash ?? '',
    hash: r.hash ?? '',
  };
}

export type ChainBreak = {
  /** The sequence number of the first event that is wrong or missing. */
  seq: number;
  /** The id of the stored event at `seq`; null when that event is missing. */
  eventId: string | null;
  reason: 'hash_mismatch' | 'previous_hash_mismatch' | 'sequence_gap' | 'out_of_sequence' | 'head_mismatch';
};

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBreak: ChainBreak | null;
}

/**
 * Walks the whole chain in order; reports the first altered, inserted or deleted event.
 * It reads one snapshot (a read-only repeatable-read transaction), so events appended
 * while it runs are neither half-seen nor mistaken for tampering with the head.
 */
export async function verifyAuditChain(db: DbOrTx, batchSize = 5000): Promise<VerifyResult> {
  if (db.isTransaction) return walkChain(db, batchSize);
  await sealAuditChain(db);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => walkChain(trx, batchSize));
}

async function walkChain(db: DbOrTx, batchSize: number): Promise<VerifyResult> {
  let expectedSeq = 1;
  let previousHash = '0'.repeat(64);
  let checked = 0;
  let lastId: string | null = null;
  const broken = (b: ChainBreak): VerifyResult => ({ ok: false, checked, firstBreak: b });
  for (;;) {
    // The first batch has no lower bound, so a forged row numbered 0 or below is seen too.
    let query = db.selectFrom('audit_events').selectAll().where('seq', 'is not', null);
    if (checked > 0) query = query.where('seq', '>=', String(expectedSeq));
    const rows = await query.orderBy('seq').limit(batchSize).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const event = toAuditEvent(row);
      if (event.seq < expectedSeq)
        return broken({ seq: event.seq, eventId: event.id, reason: 'out_of_sequence' });
      if (event.seq > expectedSeq) return broken({ seq: expectedSeq, eventId: null, reason: 'sequence_gap' });
      if (event.prevHash !== previousHash)
        return broken({ seq: event.seq, eventId: event.id, reason: 'previous_hash_mismatch' });
      const { hash, ...rest } = event;
      if (eventHash(rest) !== hash)
        return broken({ seq: event.seq, eventId: event.id, reason: 'hash_mismatch' });
      previousHash = hash;
      lastId = event.id;
      expectedSeq += 1;
      checked += 1;
    }
  }
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).executeTakeFirst();
  const headSeq = head ? Number(head.seq) : -1;
  if (headSeq > checked || !head) {
    // The newest events were deleted: the head remembers more than the table holds.
    return broken({ seq: checked + 1, eventId: null, reason: 'head_mismatch' });
  }
  if (headSeq < checked) {
    // Events were appended behind the head's back: name the first one the head does not know.
    const extra = await db
      .selectFrom('audit_events')
      .select('id')
      .where('seq', '=', String(headSeq + 1))
      .executeTakeFirst();
    return broken({ seq: headSeq + 1, eventId: extra?.id ?? null, reason: 'head_mismatch' });
  }
  if (head.hash !== previousHash) return broken({ seq: checked, eventId: lastId, reason: 'head_mismatch' });
  return { ok: true, checked, firstBreak: null };
}
