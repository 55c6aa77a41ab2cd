import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { openDatabase, type Database } from '../db/database.ts';
import type { RequestContext } from '../context.ts';
import {
  eventHash,
  recordAudit,
  recordAuditAlone,
  sealAuditChain,
  verifyAuditChain,
  type AuditEvent,
} from './chain.ts';

const agencyId = '0b8f7a52-4c39-4d36-9a57-3f1d2b6c1a01';

function officialCtx(requestId = `req-${randomUUID()}`): RequestContext {
  return {
    actor: { kind: 'official', accountId: 'acc-1', agencyId, roles: ['admin'], sessionId: null },
    requestId,
    ip: '192.0.2.10',
    locale: 'vi',
  };
}

/** Appends `count` events, each in its own transaction. */
async function appendEvents(database: Database, count: number): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for (let i = 0; i < count; i++)
    events.push(
      await recordAuditAlone(database.db, officialCtx(), {
        action: 'directory.agency.rename',
        subjectType: 'agency',
        subjectIds: [`agency-${i + 1}`],
        details: { from: `Sở ${i}`, to: `Sở ${i + 1}` },
      }),
    );
  return events;
}

/** Runs `tamper`, verifies, then puts the events and the head back as they were. */
async function verifyTampered(
  database: Database,
  tamper: string,
  params: unknown[] = [],
  batchSize?: number,
): Promise<Awaited<ReturnType<typeof verifyAuditChain>>> {
  await database.pool.query('CREATE TABLE tamper_backup AS SELECT * FROM audit_events');
  await database.pool.query('CREATE TABLE tamper_head AS SELECT * FROM audit_chain_head');
  try {
    await database.pool.query(tamper, params);
    return await verifyAuditChain(database.db, batchSize);
  } finally {
    await database.pool.query(`DELETE FROM audit_events; INSERT INTO audit_events SELECT * FROM tamper_backup;
      DELETE FROM audit_chain_head; INSERT INTO audit_chain_head SELECT * FROM tamper_head;
      DROP TABLE tamper_backup; DROP TABLE tamper_head`);
  }
}

async function storedSeqs(database: Database): Promise<number[]> {
  const rows = await database.db.selectFrom('audit_events').select('seq').orderBy('seq').execute();
  return rows.map((r) => Number(r.seq));
}

describe('audit chain', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(() => t.drop());

  it('verifies an empty chain and a chain of recorded events', async () => {
    assert.deepEqual(await verifyAuditChain(t.database.db), { ok: true, checked: 0, firstBreak: null });
    const events = await appendEvents(t.database, 4);
    assert.deepEqual(
      events.map((e) => e.seq),
      [1, 2, 3, 4],
    );
    assert.equal(events[1]?.prevHash, events[0]?.hash);
    assert.equal(events[0]?.agencyId, agencyId, 'defaults to the actor agency');
    assert.deepEqual(await verifyAuditChain(t.database.db), { ok: true, checked: 4, firstBreak: null });
  });

  it('keeps verifying when details hold values jsonb reshapes (dates, undefined, key order)', async () => {
    await t.database.db.transaction().execute((trx) =>
      recordAudit(trx, officialCtx(), {
        action: 'identity.account.create',
        details: {
          z: 1,
          a: { y: [1, 'hai', null], b: undefined },
          at: new Date('2026-01-02T03:04:05.678Z'),
          ratio: 0.1 + 0.2,
          text: 'Bộ Tài chính "quote" \\ slash',
        },
      }),
    );
    assert.equal((await verifyAuditChain(t.database.db)).ok, true);
  });

  it('chains concurrent transactions with consecutive numbers once sealed', async () => {
    const wide = openDatabase(t.url, 20);
    try {
      const perTransaction = 3;
      const transactions = 20;
      await Promise.all(
        Array.from({ length: transactions }, (_, i) =>
          wide.db.transaction().execute(async (trx) => {
            const ctx = officialCtx(`tx-${i}`);
            for (let k = 0; k < perTransaction; k++) {
              await recordAudit(trx, ctx, { action: 'test.concurrent', details: { i, k } });
              await sleep(Math.random() * 3);
            }
          }),
        ),
      );
      assert.equal(await sealAuditChain(wide.db), transactions * perTransaction);
      const rows = await wide.db.selectFrom('audit_events').select(['seq']).orderBy('seq').execute();
      assert.deepEqual(
        rows.map((r) => Number(r.seq)),
        Array.from({ length: transactions * perTransaction }, (_, i) => i + 1),
      );
      assert.deepEqual(await verifyAuditChain(wide.db), {
        ok: true,
        checked: transactions * perTransaction,
        firstBreak: null,
      });
    } finally {
      await wide.close();
    }
  });

  it('lets a transaction commit while another one that wrote an event is still open', async () => {
    const wide = openDatabase(t.url, 4);
    try {
      let releaseSlow!: () => void;
      const slowMayCommit = new Promise<void>((resolve) => (releaseSlow = resolve));
      let slowWrote!: () => void;
      const slowHasWritten = new Promise<void>((resolve) => (slowWrote = resolve));
      const slow = wide.db.transaction().execute(async (trx) => {
        await recordAudit(trx, officialCtx('slow'), { action: 'test.slow' });
        slowWrote();
        await slowMayCommit;
      });
      await slowHasWritten;
      // With a lock held by the open transaction this would wait for it; it must not.
      const fast = wide.db
        .transaction()
        .execute((trx) => recordAudit(trx, officialCtx('fast'), { action: 'test.fast' }));
      const first = await Promise.race([fast.then(() => 'fast'), sleep(3000).then(() => 'blocked')]);
      assert.equal(first, 'fast');
      // Only committed events are chained: the open transaction's event waits for its commit.
      assert.equal(await sealAuditChain(wide.db), 1);
      releaseSlow();
      await slow;
      assert.equal(await sealAuditChain(wide.db), 1);
      const rows = await wide.db
        .selectFrom('audit_events')
        .select(['seq', 'action'])
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        rows.map((r) => [Number(r.seq), r.action]),
        [
          [1, 'test.fast'],
          [2, 'test.slow'],
        ],
      );
      assert.equal((await verifyAuditChain(wide.db)).ok, true);
    } finally {
      await wide.close();
    }
  });

  it('leaves neither an event nor a gap when the transaction rolls back', async () => {
    await appendEvents(t.database, 2);
    await assert.rejects(
      t.database.db.transaction().execute(async (trx) => {
        await recordAudit(trx, officialCtx(), { action: 'test.rolled_back' });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.deepEqual(await storedSeqs(t.database), [1, 2]);
    const next = await recordAuditAlone(t.database.db, officialCtx(), { action: 'test.after' });
    assert.equal(next.seq, 3);
    const actions = await t.database.db.selectFrom('audit_events').select('action').execute();
    assert.ok(!actions.some((a) => a.action === 'test.rolled_back'));
    assert.equal((await verifyAuditChain(t.database.db)).ok, true);
  });

  it('names the event whose row was changed with SQL', async () => {
    const events = await appendEvents(t.database, 5);
    await t.database.pool.query(`UPDATE audit_events SET action = 'x' WHERE seq = 3`);
    assert.deepEqual(await verifyAuditChain(t.database.db), {
      ok: false,
      checked: 2,
      firstBreak: { seq: 3, eventId: events[2]?.id, reason: 'hash_mismatch' },
    });
  });

  it('detects a changed detail, outcome or time, even across batches', async () => {
    const changes = [
      `UPDATE audit_events SET details = jsonb_set(details, '{to}', '"Sở khác"') WHERE seq = 4`,
      `UPDATE audit_events SET outcome = 'failure' WHERE seq = 4`,
      `UPDATE audit_events SET occurred_at = occurred_at + interval '1 second' WHERE seq = 4`,
      `UPDATE audit_events SET agency_id = NULL WHERE seq = 4`,
    ];
    await appendEvents(t.database, 5);
    for (const change of changes) {
      const result = await verifyTampered(t.database, change, [], 2);
      assert.equal(result.firstBreak?.seq, 4, change);
      assert.equal(result.firstBreak?.reason, 'hash_mismatch', change);
    }
    assert.equal((await verifyAuditChain(t.database.db)).ok, true, 'restored after each change');
  });

  it('detects a rewritten row whose hash was recomputed: the next event no longer links to it', async () => {
    const events = await appendEvents(t.database, 5);
    const third = events[2];
    assert.ok(third);
    const forged = { ...third, action: 'x' };
    const { hash: _old, ...rest } = forged;
    await t.database.pool.query(`UPDATE audit_events SET action = 'x', hash = $1 WHERE seq = 3`, [
      eventHash(rest),
    ]);
    assert.deepEqual((await verifyAuditChain(t.database.db)).firstBreak, {
      seq: 4,
      eventId: events[3]?.id,
      reason: 'previous_hash_mismatch',
    });
  });

  it('names a deleted middle event as a gap', async () => {
    await appendEvents(t.database, 5);
    await t.database.pool.query('DELETE FROM audit_events WHERE seq = 3');
    assert.deepEqual(await verifyAuditChain(t.database.db), {
      ok: false,
      checked: 2,
      firstBreak: { seq: 3, eventId: null, reason: 'sequence_gap' },
    });
  });

  it('detects a deleted middle event even when the later ones are renumbered', async () => {
    const events = await appendEvents(t.database, 5);
    await t.database.pool.query('DELETE FROM audit_events WHERE seq = 3');
    await t.database.pool.query('UPDATE audit_events SET seq = seq - 1 WHERE seq > 3');
    const result = await verifyAuditChain(t.database.db);
    assert.equal(result.ok, false);
    assert.equal(result.firstBreak?.seq, 3);
    assert.equal(result.firstBreak?.eventId, events[3]?.id);
    assert.equal(result.firstBreak?.reason, 'previous_hash_mismatch');
  });

  it('detects the deletion of the newest event through the head', async () => {
    await appendEvents(t.database, 5);
    await t.database.pool.query('DELETE FROM audit_events WHERE seq = 5');
    assert.deepEqual(await verifyAuditChain(t.database.db), {
      ok: false,
      checked: 4,
      firstBreak: { seq: 5, eventId: null, reason: 'head_mismatch' },
    });
  });

  it('detects forged rows: a made-up hash, a well-hashed row behind the head, a row numbered 0', async () => {
    const events = await appendEvents(t.database, 3);
    const last = events[2];
    assert.ok(last);
    const forgedId = randomUUID();
    const insertForged = (seq: number, prevHash: string, hash: string) =>
      `INSERT INTO audit_events (seq, id, occurred_at, actor_kind, actor_id, agency_id, action, outcome, prev_hash, hash)
       VALUES (${seq}, '${forgedId}', now(), 'official', 'acc-1', '${agencyId}', 'identity.role.grant', 'success',
       '${prevHash}', '${hash}')`;

    // 1. A row with a made-up hash, with the head moved to it.
    const madeUp = 'f'.repeat(64);
    const badHash = await verifyTampered(
      t.database,
      `${insertForged(4, last.hash, madeUp)}; UPDATE audit_chain_head SET seq = 4, hash = '${madeUp}'`,
    );
    assert.deepEqual(badHash.firstBreak, { seq: 4, eventId: forgedId, reason: 'hash_mismatch' });

    // 2. A row hashed exactly as recordAudit would, but written behind the head's back.
    const fields: Omit<AuditEvent, 'hash'> = {
      ...last,
      seq: 4,
      id: forgedId,
      action: 'identity.role.grant',
      prevHash: last.hash,
    };
    const behindHead = await verifyTampered(
      t.database,
      `INSERT INTO audit_events (seq, id, occurred_at, actor_kind, actor_id, agency_id, action, subject_type,
         subject_ids, outcome, request_id, ip, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        fields.seq,
        fields.id,
        fields.occurredAt,
        fields.actorKind,
        fields.actorId,
        fields.agencyId,
        fields.action,
        fields.subjectType,
        fields.subjectIds,
        fields.outcome,
        fields.requestId,
        fields.ip,
        JSON.stringify(fields.details),
        fields.prevHash,
        eventHash(fields),
      ],
    );
    assert.deepEqual(behindHead.firstBreak, { seq: 4, eventId: forgedId, reason: 'head_mismatch' });

    // 3. A row numbered below the start of the chain.
    const early = await verifyTampered(t.database, insertForged(0, '0'.repeat(64), 'a'.repeat(64)));
    assert.deepEqual(early.firstBreak, { seq: 0, eventId: forgedId, reason: 'out_of_sequence' });
    assert.equal((await verifyAuditChain(t.database.db)).ok, true);
  });
  it('stays intact while events are appended during verification (one snapshot)', async () => {
    await appendEvents(t.database, 10);
    const writer = openDatabase(t.url, 4);
    let writing = true;
    // Several writers commit continuously, so a walk that read the events and the head at
    // different moments would see a head ahead of the events it walked.
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) await appendEvents(writer, 1);
    });
    try {
      for (let i = 0; i < 25; i++) {
        const result = await verifyAuditChain(t.database.db, i % 2 === 0 ? 1 : 5000);
        assert.equal(result.firstBreak, null, `walk ${i}: ${JSON.stringify(result.firstBreak)}`);
        assert.ok(result.checked >= 10);
      }
    } finally {
      writing = false;
      await Promise.all(writers);
      await writer.close();
    }
    assert.ok((await storedSeqs(t.database)).length > 30, 'events were appended during the walks');
    assert.equal((await verifyAuditChain(t.database.db)).ok, true);
  });
});
