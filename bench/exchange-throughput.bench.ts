/**
 * Throughput of the axis beside the hello-world baseline of the same run: unsigned packets
 * (10 KB of header text + a 100 KB PDF) sent concurrently through the API, then delivered by the
 * workers; then packets offered on a fixed schedule (open loop, workers delivering meanwhile) at
 * the issue's 500/s and at half the closed loop's rate, each latency counted from its scheduled
 * time; and one 50 MB packet streamed in, with the server's peak RSS growth.
 *
 * The client that sends the packets runs in a child process (bench/support/packet-client.ts).
 *
 * Before the figures, EXCHANGE_BENCH_WARMUP packets (600 by default) are sent and not counted: the
 * server's code is compiled and its heap grown, as in a server that has been running.
 *
 *   node bench/exchange-throughput.bench.ts   (EXCHANGE_BENCH_PACKETS=2000 by default)
 *   BENCH_PROFILE=/tmp/prof …                 CPU profiles of the server during accept and deliver
 */
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { buildNewEdoc, writeEdxml } from '../src/modules/exchange/index.ts';
import { startWorker } from '../src/platform/jobs/index.ts';
import {
  benchClientToken,
  createBenchAgency,
  HELLO_PATH,
  measure,
  report,
  runBench,
  startBenchPlatform,
  type LoadResult,
  type Target,
} from './lib.ts';
import { acceptRow, sendPackets } from './support/packet-client.ts';
import { cpuPer } from './support/cpu.ts';
import { profilePhase } from './support/profile.ts';
import { startMeter } from './support/dossiers-meter.ts';

const PACKETS = Number(process.env['EXCHANGE_BENCH_PACKETS'] ?? 2000);
const WARMUP = Number(process.env['EXCHANGE_BENCH_WARMUP'] ?? 600);
const CONCURRENCY = 32;

async function main(): Promise<number> {
  let senderId = '';
  const t = await startBenchPlatform({
    prepare: async (p) => {
      senderId = await createBenchAgency(p, '000.01.01.H90');
      await createBenchAgency(p, '000.02.02.H90');
    },
  });
  const token = await benchClientToken(t, senderId, 'Phần mềm thử tải');
  const hello = await measure(t, 'hello world', HELLO_PATH);

  const pdf = Buffer.concat([
    Buffer.from('%PDF-1.4\n'),
    Buffer.alloc(100 * 1024, 0x41),
    Buffer.from('\n%%EOF\n'),
  ]);
  const packetOf = (n: number) =>
    Buffer.from(
      writeEdxml(
        buildNewEdoc({
          from: { organId: '000.01.01.H90', organName: 'Sở thử tải' },
          to: [{ organId: '000.02.02.H90' }],
          code: { number: String(n + 1), notation: 'TT-VP' },
          promulgationDate: '2026-03-02',
          documentType: { typeName: 'Công văn' },
          subject: `Thử tải ${n + 1}`,
          content: 'Nội dung tóm tắt. '.repeat(25),
          toPlaces: Array.from({ length: 60 }, (_, i) => `Nơi nhận số ${i + 1} của văn bản thử tải`),
          attachments: [{ name: 'vb.pdf', content: pdf, contentType: 'application/pdf' }],
        }),
      ),
    );
  // Warm-up, not counted: the server's code compiled and its heap grown as in a running server.
  if (WARMUP > 0)
    await sendPackets(
      t,
      token,
      Array.from({ length: WARMUP }, (_, n) => packetOf(1_000_000 + n)),
      {
        concurrency: CONCURRENCY,
        phase: 'warmup',
      },
    );
  const bodies = Array.from({ length: PACKETS }, (_, n) => packetOf(n));
  // The client runs in a process of its own: it does not take the server's event loop.
  const meter = startMeter(null);
  const {
    run,
    result: sent,
    cpu: acceptCpu,
  } = await sendPackets(t, token, bodies, { concurrency: CONCURRENCY, phase: 'accept' });
  const statements = meter.stop();
  const accept = acceptRow('accept packet', run, sent, ['201']);
  const acceptSeconds = sent.elapsedMs / 1000;
  const errors = accept.errors;

  // Delivery: the workers drain the queue the accepted packets left.
  const worker = await startWorker({
    pool: t.database.pool,
    jobs: t.platform.jobs,
    concurrency: 8,
    logger: t.platform.app.log as never,
  });
  const deliverStarted = performance.now();
  const deliverCpu = await cpuPer(t.config.databaseUrl, PACKETS, () =>
    profilePhase('deliver', async () => {
      for (;;) {
        const r = await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM exchange_deliveries WHERE state = 'pending'`.execute(t.database.db);
        if (Number(r.rows[0]?.n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );
  const deliverSeconds = (performance.now() - deliverStarted) / 1000;
  // Open loop, with the workers delivering meanwhile: packets offered on a schedule, each
  // latency counted from its scheduled time — at the issue's 500/s, and at half of what the
  // closed loop above reached (the latency a deployment sees below saturation).
  const paced: LoadResult[] = [];
  let offset = PACKETS + 2;
  for (const rate of [500, Math.max(1, Math.round(accept.rps / 2))]) {
    const count = Math.min(PACKETS, Math.max(200, rate * 4));
    const pacedBodies = Array.from({ length: count }, (_, n) => packetOf(offset + n));
    offset += count;
    const { run: pacedRun, result } = await sendPackets(t, token, pacedBodies, {
      concurrency: 64,
      phase: `paced-${rate}`,
      rate,
    });
    paced.push({ ...acceptRow(`paced ${rate}/s`, pacedRun, result, ['201']), connections: 64 });
  }
  await worker.stop();
  const delivered: LoadResult = {
    ...accept,
    label: 'deliver (worker)',
    path: 'exchange.deliver',
    rps: PACKETS / deliverSeconds,
    seconds: Math.round(deliverSeconds),
    p50: 0,
    p99: 0,
    errors: 0,
  };
  const both: LoadResult = {
    ...accept,
    label: 'accept + deliver',
    path: 'end to end',
    rps: PACKETS / (acceptSeconds + deliverSeconds),
  };

  // One 50 MB packet, streamed: the server's peak RSS growth while it is accepted.
  const big = packetOf(PACKETS + 1).toString('utf8');
  const [head, tail] = big.split(
    /(?<=<edXML:ContentTransferEncoded[^>]*>)[A-Za-z0-9+/=\s]+(?=<\/edXML:ContentTransferEncoded>)/,
  );
  const line = `${Buffer.alloc(57 * 1024 * 16, 0x41).toString('base64')}\n`;
  const lines = Math.floor((48 * 1024 * 1024) / line.length);
  function* body() {
    yield Buffer.from(`${head ?? ''}JVBERi0xLjQK`);
    for (let i = 0; i < lines; i++) yield Buffer.from(line);
    yield Buffer.from(tail ?? '');
  }
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const bigStarted = performance.now();
  const bigResponse = await fetch(`${t.baseUrl}/api/v1/exchange/packets`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
    body: Readable.toWeb(Readable.from(body())) as ReadableStream,
    duplex: 'half',
  });
  const bigAnswer = (await bigResponse.json()) as { code?: string };
  clearInterval(sampler);
  const growthMb = (rssPeak - rssBefore) / 1024 / 1024;
  console.log(
    `\n50 MB packet: HTTP ${bigResponse.status}${bigAnswer.code ? ` ${bigAnswer.code}` : ''} in ${((performance.now() - bigStarted) / 1000).toFixed(1)} s; peak RSS growth ${growthMb.toFixed(0)} MB (client and server share this process)`,
  );

  console.log(
    `CPU per packet: accept ${acceptCpu.text} (client ${(sent.clientCpuMs / PACKETS).toFixed(2)} ms); deliver ${deliverCpu.text}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  // Each statement is a round trip (the pg driver does not pipeline): what an accepted packet costs.
  console.log(`statements per accepted packet: ${(statements.statements / PACKETS).toFixed(1)}`);
  for (const [text, n] of [...statements.byText].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`  ${(n / PACKETS).toFixed(2).padStart(5)}  ${text}`);
  const targets: Target[] = [
    { text: `accept + deliver ≥ 500 packets/s (got ${both.rps.toFixed(0)})`, met: both.rps >= 500 },
    {
      text: `accept p99 < 50 ms at 500 packets/s offered (got ${paced[0]?.p99} ms, ${paced[0]?.rps.toFixed(0)}/s answered)`,
      met: (paced[0]?.p99 ?? Infinity) < 50 && (paced[0]?.rps ?? 0) >= 490,
    },
    {
      text: `no errors (got ${errors + paced.reduce((n, r) => n + r.errors, 0)})`,
      met: errors + paced.reduce((n, r) => n + r.errors, 0) === 0,
    },
    {
      text: `50 MB packet accepted with peak RSS growth < 150 MB (got ${growthMb.toFixed(0)} MB, HTTP ${bigResponse.status})`,
      met: bigResponse.status === 201 && growthMb < 150,
    },
  ];
  const code = report(
    `Exchange: ${PACKETS} unsigned packets of ${Math.round((bodies[0]?.length ?? 0) / 1024)} KB`,
    hello,
    [accept, delivered, both, ...paced],
    targets,
  );
  await t.close();
  return code;
}

runBench(main);
