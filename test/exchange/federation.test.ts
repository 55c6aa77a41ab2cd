/**
 * Federation (issue 3, item 8): two Liên thông instances, each with its own database, on
 * loopback, each registered as the other's peer. Agency A is hosted on node 1, agency B on node 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildPlatform, type Platform } from '../../src/main.ts';
import { contentDigest, loadNodeKey, signatureBase } from '../../src/modules/exchange/federation/signing.ts';
import { systemContext } from '../../src/platform/context.ts';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { TestApp } from '../support/app.ts';
import { clientToken } from '../support/auth.ts';
import { api } from '../support/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { testConfig } from '../support/config.ts';
import { agencyWithCodes, edoc, statusXml, uniqueCode } from './support.ts';
import { until } from '../support/until.ts';

interface Node extends TestApp {
  name: string;
  db: TestDatabase;
  dataDir: string;
  port: number;
  worker: WorkerHandle | null;
}

/** Starts (or restarts, on the same database, data directory and port) one instance and its worker. */
async function boot(n: Pick<Node, 'name' | 'db' | 'dataDir' | 'port'>): Promise<Node> {
  const config = testConfig({
    DATABASE_URL: n.db.url,
    DATA_DIR: n.dataDir,
    PORT: String(n.port),
    BASE_URL: `http://${n.name}`,
  });
  const logger = createLogger(config.logLevel);
  const platform: Platform = await buildPlatform({ config, logger, database: n.db.database });
  await platform.app.listen({ port: n.port, host: '127.0.0.1' });
  const address = platform.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const worker = await startWorker({ pool: n.db.database.pool, jobs: platform.jobs, concurrency: 2, logger });
  const node: Node = {
    ...n,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    platform,
    database: n.db.database,
    config,
    worker,
    async close() {
      await node.worker?.stop();
      node.worker = null;
      await platform.app.close();
    },
  };
  return node;
}

async function newNode(name: string): Promise<Node> {
  return boot({
    name,
    db: await createTestDatabase(),
    dataDir: mkdtempSync(path.join(tmpdir(), 'lt-fed-')),
    port: 0,
  });
}

const ctx = systemContext('test');

interface InboxBody {
  items: { packetId: string; documentId: string; kind: string }[];
}
interface PacketBody {
  id: string;
  trace: { organId: string | null }[];
  delivery: { status: string | null } | null;
}
interface RecipientsBody {
  recipients: {
    agencyId: string;
    state: string;
    status: string | null;
    route: string;
    peer: { attempts: number; lastError: string | null; failedReason: string | null } | null;
    timeline: { code: string }[];
  }[];
}

async function send(n: Node, token: string, xml: Buffer) {
  const r = await fetch(`${n.baseUrl}/api/v1/exchange/packets`, {
    method: 'POST',
    headers: {
      'content-type': 'application/xml',
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    },
    body: xml,
  });
  const body = (await r.json()) as { id: string; code?: string };
  assert.equal(r.status, 201, JSON.stringify(body));
  return body.id;
}

async function inboxItem(n: Node, token: string, documentId: string) {
  const r = await api<InboxBody>(n.baseUrl, 'GET', '/api/v1/exchange/inbox?limit=500', { token });
  return r.body.items.find((i) => i.documentId === documentId && i.kind === 'edoc');
}

async function recipients(n: Node, token: string, packetId: string) {
  const r = await api<RecipientsBody>(n.baseUrl, 'GET', `/api/v1/exchange/packets/${packetId}/recipients`, {
    token,
  });
  assert.equal(r.status, 200);
  return r.body.recipients;
}

/** A request to a node's federation endpoint signed by `signer` (a PEM private key) as `node`. */
async function handOver(
  target: Node,
  o: {
    node: string;
    privateKey: string;
    body: Buffer;
    key: string;
    recipients: string;
    date?: string;
    path?: string;
  },
) {
  const path = o.path ?? '/api/v1/exchange/federation/packets';
  const parts = {
    method: 'POST',
    path,
    date: o.date ?? new Date().toUTCString(),
    digest: contentDigest(o.body),
    node: o.node,
    packetId: '00000000-0000-4000-8000-000000000001',
    idempotencyKey: o.key,
    recipients: o.recipients,
  };
  const r = await fetch(`${target.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/xml',
      accept: 'application/json',
      date: parts.date,
      'content-digest': parts.digest,
      'x-lienthong-node': parts.node,
      'x-lienthong-packet': parts.packetId,
      'idempotency-key': parts.idempotencyKey,
      'x-lienthong-recipients': parts.recipients,
      signature: `fed=:${sign(null, signatureBase(parts), o.privateKey).toString('base64')}:`,
    },
    body: o.body,
  });
  return {
    status: r.status,
    body: (await r.json()) as { packetId?: string; duplicate?: boolean; code?: string },
  };
}

describe('federation of two instances', () => {
  let n1: Node;
  let n2: Node;
  let a: { id: string; code: string };
  let b2: { id: string; code: string };
  let tokenA: string;
  let tokenB: string;
  let peer2On1: string;

  before(async () => {
    n1 = await newNode('tinh-a.lienthong.test');
    n2 = await newNode('quocgia.lienthong.test');
    // The directory is national: both instances know both agencies under the same codes.
    const codeA = uniqueCode();
    const codeB = uniqueCode();
    a = await agencyWithCodes(n1, { codes: [{ scheme: 'QD20', code: codeA }] });
    const b1 = await agencyWithCodes(n1, { codes: [{ scheme: 'QD20', code: codeB }] });
    const a2 = await agencyWithCodes(n2, { codes: [{ scheme: 'QD20', code: codeA }] });
    b2 = await agencyWithCodes(n2, { codes: [{ scheme: 'QD20', code: codeB }] });
    const node1 = await api<{ nodeId: string; publicKey: string }>(
      n1.baseUrl,
      'GET',
      '/api/v1/exchange/federation/node',
    );
    const node2 = await api<{ nodeId: string; publicKey: string }>(
      n2.baseUrl,
      'GET',
      '/api/v1/exchange/federation/node',
    );
    assert.equal(node1.body.nodeId, 'tinh-a.lienthong.test');
    const p2 = await n1.platform.exchange.service.peers.create(ctx, {
      name: 'Trục quốc gia',
      nodeId: node2.body.nodeId,
      baseUrl: n2.baseUrl,
      publicKey: node2.body.publicKey,
    });
    peer2On1 = p2.id;
    await n1.platform.exchange.service.peers.host(ctx, p2.id, b1.code);
    const p1 = await n2.platform.exchange.service.peers.create(ctx, {
      name: 'Trục tỉnh A',
      nodeId: node1.body.nodeId,
      baseUrl: n1.baseUrl,
      publicKey: node1.body.publicKey,
    });
    await n2.platform.exchange.service.peers.host(ctx, p1.id, a2.id);
    tokenA = await clientToken(n1, { agencyId: a.id });
    tokenB = await clientToken(n2, { agencyId: b2.id });
  });

  after(async () => {
    for (const n of [n1, n2]) {
      if (!n) continue;
      await n.close();
      await n.db.drop();
      rmSync(n.dataDir, { recursive: true, force: true });
    }
  });

  it('A on node 1 sends to B on node 2: B receives it with both hops; B registers it (03) and A sees 03', async () => {
    const doc = edoc(a.code, [b2.code]);
    const packetId = await send(n1, tokenA, doc.xml);
    const item = await until('B receives on node 2', () => inboxItem(n2, tokenB, doc.documentId));
    const got = await api<PacketBody>(n2.baseUrl, 'GET', `/api/v1/exchange/packets/${item.packetId}`, {
      token: tokenB,
    });
    const hops = got.body.trace.map((t) => t.organId);
    assert.ok(hops.includes('tinh-a.lienthong.test'), JSON.stringify(hops));
    assert.equal(hops.at(-1), 'quocgia.lienthong.test');
    assert.equal(got.body.delivery?.status, '01');
    // The sender's node shows the hand-over as arrived (01).
    const [handed] = await until('01 on node 1', async () => {
      const r = await recipients(n1, tokenA, packetId);
      return r[0]?.status === '01' ? r : null;
    });
    assert.equal(handed?.route, `peer:${peer2On1}`);

    await send(
      n2,
      tokenB,
      statusXml(b2.code, '03', { documentId: doc.documentId, senderCode: a.code, number: doc.number }),
    );
    const seen = await until('03 back on node 1', async () => {
      const r = await recipients(n1, tokenA, packetId);
      return r[0]?.status === '03' ? r[0] : null;
    });
    assert.deepEqual(
      seen.timeline.map((e) => e.code),
      ['01', '03'],
    );
    // The status packet itself reaches A's inbox on node 1.
    await until("the status packet in A's inbox", async () => {
      const r = await api<{ items: { kind: string; statusCode: string | null }[] }>(
        n1.baseUrl,
        'GET',
        '/api/v1/exchange/inbox?limit=500',
        { token: tokenA },
      );
      return r.body.items.some((i) => i.kind === 'status' && i.statusCode === '03');
    });
  });

  it('a recall (13) from A reaches B on node 2; B accepts it (15) and A sees the recall accepted', async () => {
    const doc = edoc(a.code, [b2.code]);
    const packetId = await send(n1, tokenA, doc.xml);
    const item = await until('B receives', () => inboxItem(n2, tokenB, doc.documentId));
    const target = { documentId: doc.documentId, senderCode: a.code, number: doc.number };
    await send(n1, tokenA, statusXml(a.code, '13', target));
    await until('recall requested on node 2', async () => {
      const r = await api<PacketBody & { delivery: { recallState: string | null } | null }>(
        n2.baseUrl,
        'GET',
        `/api/v1/exchange/packets/${item.packetId}`,
        { token: tokenB },
      );
      return r.body.delivery?.recallState === 'requested';
    });
    await send(n2, tokenB, statusXml(b2.code, '15', target));
    const seen = await until('15 on node 1', async () => {
      const r = await recipients(n1, tokenA, packetId);
      return r[0]?.timeline.some((e) => e.code === '15') ? r[0] : null;
    });
    assert.deepEqual(
      seen.timeline.map((e) => e.code),
      ['01', '13', '15'],
    );
  });

  it('node 2 down at send time: the delivery retries and completes once node 2 is back (node 1 restarted too)', async () => {
    await n2.close();
    const doc = edoc(a.code, [b2.code]);
    const packetId = await send(n1, tokenA, doc.xml);
    const failed = await until('a failed attempt', async () => {
      const r = await recipients(n1, tokenA, packetId);
      return r[0]?.peer && r[0].peer.attempts >= 1 ? r[0] : null;
    });
    assert.equal(failed.state, 'pending');
    assert.match(failed.peer?.lastError ?? '', /network/);
    // Both come back: node 1 from its durable rows and jobs, node 2 on the same database and port.
    await n1.close();
    n1 = await boot(n1);
    n2 = await boot(n2);
    await until('B receives after the restart', () => inboxItem(n2, tokenB, doc.documentId), 40_000);
    // Node 2 answered after its commit; node 1 records the hand-over as soon as it reads the answer.
    const done = await until('delivered on node 1', async () => {
      const r = await recipients(n1, tokenA, packetId);
      return r[0]?.state === 'delivered' ? r[0] : null;
    });
    assert.equal(done.status, '01');
  });

  it('a peer refusal that can never succeed marks the delivery failed, with the reason, for the sender', async () => {
    // C is hosted on node 2 according to node 1, but node 2 does not know C.
    const c1 = await agencyWithCodes(n1);
    await n1.platform.exchange.service.peers.host(ctx, peer2On1, c1.id);
    const packetId = await send(n1, tokenA, edoc(a.code, [c1.code]).xml);
    const failed = await until('failed', async () => {
      const r = await recipients(n1, tokenA, packetId);
      return r[0]?.peer?.failedReason ? r[0] : null;
    });
    assert.match(failed.peer?.failedReason ?? '', /^422 /);
    assert.equal(failed.state, 'pending');
  });

  it('refuses unknown nodes, bad signatures and stale dates (401 with codes)', async () => {
    const doc = edoc(a.code, [b2.code]);
    const stranger = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const base = { body: doc.xml, key: 'k-bad-1', recipients: b2.code, privateKey: stranger };
    const unknown = await handOver(n2, { ...base, node: 'la.test' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.code, 'FEDERATION_UNKNOWN_PEER');
    const forged = await handOver(n2, { ...base, node: 'tinh-a.lienthong.test' });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.code, 'FEDERATION_BAD_SIGNATURE');
    const own = readKey(n1);
    const stale = await handOver(n2, {
      ...base,
      privateKey: own,
      node: 'tinh-a.lienthong.test',
      date: new Date(Date.now() - 3_600_000).toUTCString(),
    });
    assert.equal(stale.status, 401);
    assert.equal(stale.body.code, 'FEDERATION_STALE_REQUEST');
    const { rows } = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM exchange_packets WHERE document_id = ${doc.documentId}`.execute(
      n2.database.db,
    );
    assert.equal(Number(rows[0]?.n), 0);
  });

  it('the same packet handed over twice (two requests, or one replayed) is one document', async () => {
    const doc = edoc(a.code, [b2.code]);
    const base = {
      body: doc.xml,
      recipients: b2.code,
      privateKey: readKey(n1),
      node: 'tinh-a.lienthong.test',
    };
    const first = await handOver(n2, { ...base, key: 'delivery-1' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const replay = await handOver(n2, { ...base, key: 'delivery-1' });
    const again = await handOver(n2, { ...base, key: 'delivery-2' });
    assert.deepEqual([replay.status, again.status], [200, 200]);
    assert.equal(replay.body.packetId, first.body.packetId);
    assert.equal(again.body.packetId, first.body.packetId);
    const { rows } = await sql<{ packets: string; deliveries: string }>`SELECT
      (SELECT count(*) FROM exchange_packets WHERE document_id = ${doc.documentId}) AS packets,
      (SELECT count(*) FROM exchange_deliveries d JOIN exchange_packets p ON p.id = d.packet_id
        WHERE p.document_id = ${doc.documentId}) AS deliveries`.execute(n2.database.db);
    assert.deepEqual([Number(rows[0]?.packets), Number(rows[0]?.deliveries)], [1, 1]);
    // A peer may not send in the name of an agency it does not host.
    const asB = edoc(b2.code, [a.code]);
    const refused = await handOver(n2, { ...base, body: asB.xml, recipients: a.code, key: 'delivery-3' });
    assert.equal(refused.status, 403);
    // Documents go to /packets, status packets to /statuses.
    const misplaced = await handOver(n2, {
      ...base,
      body: edoc(a.code, [b2.code]).xml,
      key: 'delivery-4',
      path: '/api/v1/exchange/federation/statuses',
    });
    assert.equal(misplaced.status, 422);
    assert.equal(misplaced.body.code, 'FEDERATION_WRONG_ENDPOINT');
  });
});

function readKey(n: Node): string {
  // The node's own signing key file (DATA_DIR/federation/node-key.pem).
  loadNodeKey(n.dataDir);
  return readFileSync(path.join(n.dataDir, 'federation', 'node-key.pem'), 'utf8');
}
