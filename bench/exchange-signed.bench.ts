/**
 * Signed packets: the platform's accept rate for XML-DSig signed packets (10 KB of header text +
 * a 100 KB PDF, RSA-SHA256, signed by a certificate of the platform's CA) beside the raw
 * xml-crypto verification rate of the same packets on every core, measured in the same run.
 * Target (issue 3): the platform accepts signed packets at ≥ 0.8× the raw verification rate.
 *
 *   node bench/exchange-signed.bench.ts   (EXCHANGE_SIGNED_PACKETS=600 by default)
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { buildNewEdoc, writeEdxml } from '../src/modules/exchange/index.ts';
import { systemContext } from '../src/platform/context.ts';
import {
  benchClientToken,
  createBenchAgency,
  report,
  runBench,
  startBenchPlatform,
  type LoadResult,
  type Target,
} from './lib.ts';

const PACKETS = Number(process.env['EXCHANGE_SIGNED_PACKETS'] ?? 600);
const CONCURRENCY = 32;
const SENDER = '000.01.01.H91';
const RECIPIENT = '000.02.02.H91';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function main(): Promise<number> {
  const ctx = systemContext('bench');
  let senderId = '';
  const t = await startBenchPlatform({
    prepare: async (p) => {
      senderId = await createBenchAgency(p, SENDER);
      await createBenchAgency(p, RECIPIENT);
      await p.pki.service.issue(ctx, {
        holderKind: 'agency',
        agencyId: senderId,
        agencyCode: SENDER,
        agencyName: `Cơ quan ${SENDER}`,
        validDays: 30,
      });
    },
  });
  const token = await benchClientToken(t, senderId, 'Phần mềm thử tải (ký số)');

  const pdf = Buffer.concat([
    Buffer.from('%PDF-1.4\n'),
    Buffer.alloc(100 * 1024, 0x41),
    Buffer.from('\n%%EOF\n'),
  ]);
  const bodies: Buffer[] = [];
  for (let n = 0; n < PACKETS; n++) {
    const unsigned = Buffer.from(
      writeEdxml(
        buildNewEdoc({
          from: { organId: SENDER, organName: 'Sở thử tải' },
          to: [{ organId: RECIPIENT }],
          code: { number: String(n + 1), notation: 'KS-VP' },
          promulgationDate: '2026-03-02',
          documentType: { typeName: 'Công văn' },
          subject: `Thử tải ký số ${n + 1}`,
          content: 'Nội dung tóm tắt. '.repeat(25),
          toPlaces: Array.from({ length: 60 }, (_, i) => `Nơi nhận số ${i + 1} của văn bản thử tải`),
          attachments: [{ name: 'vb.pdf', content: pdf, contentType: 'application/pdf' }],
        }),
      ),
    );
    bodies.push(await t.platform.pki.service.signEdxml(ctx, senderId, unsigned));
  }

  // Baseline: xml-crypto alone, one thread per core, every packet queued at once.
  const cores = availableParallelism();
  const pool = new Piscina<Uint8Array, boolean>({
    filename: new URL('./support/xmlcrypto-verify.worker.ts', import.meta.url).href,
    minThreads: cores,
    maxThreads: cores,
  });
  await Promise.all(bodies.slice(0, cores * 2).map((b) => pool.run(b))); // warm the threads
  const rawStarted = performance.now();
  const rawResults = await Promise.all(bodies.map((b) => pool.run(b)));
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  await pool.destroy();
  const rawFailures = rawResults.filter((ok) => !ok).length;
  const raw: LoadResult = {
    label: `xml-crypto, ${cores} threads`,
    path: 'SignedXml.checkSignature',
    connections: cores,
    seconds: Math.round(rawSeconds),
    requests: PACKETS,
    rps: PACKETS / rawSeconds,
    p50: 0,
    p99: 0,
    errors: rawFailures,
  };

  // The platform: the same packets sent through the API, each verified (valid, trusted chain).
  const latencies: number[] = [];
  let errors = 0;
  let notValid = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let n = next++; n < PACKETS; n = next++) {
        const t0 = performance.now();
        const r = await fetch(`${t.baseUrl}/api/v1/exchange/packets`, {
          method: 'POST',
          headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}` },
          body: bodies[n],
        });
        const answer = (await r.json()) as { signature?: string };
        latencies.push(performance.now() - t0);
        if (r.status !== 201) errors++;
        else if (answer.signature !== 'valid') notValid++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const accept: LoadResult = {
    label: 'accept signed packet',
    path: 'POST /api/v1/exchange/packets',
    connections: CONCURRENCY,
    seconds: Math.round(seconds),
    requests: PACKETS,
    rps: PACKETS / seconds,
    p50: Math.round(percentile(latencies, 0.5)),
    p99: Math.round(percentile(latencies, 0.99)),
    errors: errors + notValid,
  };
  const ratio = accept.rps / raw.rps;
  const targets: Target[] = [
    {
      text: `signed packets accepted ≥ 0.8× raw xml-crypto verification on all cores (got ${ratio.toFixed(2)}×)`,
      met: ratio >= 0.8,
    },
    {
      text: `every packet accepted with a valid signature (refused ${errors}, not valid ${notValid})`,
      met: errors + notValid === 0,
    },
    { text: `xml-crypto verified every packet (failed ${rawFailures})`, met: rawFailures === 0 },
  ];
  const code = report(
    `Exchange: ${PACKETS} signed packets of ${Math.round((bodies[0]?.length ?? 0) / 1024)} KB (RSA-SHA256)`,
    raw,
    [accept],
    targets,
  );
  await t.close();
  return code;
}

runBench(main);
