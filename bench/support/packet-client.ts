/**
 * The load generator of the axis benches, in a process of its own so that it does not share the
 * server's event loop (it still shares the machine's cores). The parent writes the packets to a
 * file, then asks for a run: POST each packet to `url` over `concurrency` keep-alive connections,
 * answering with every latency, the HTTP statuses and how many answers said `signature: valid`.
 *
 *   const client = startPacketClient();
 *   const run = await client.post({ url, token, file, sizes, concurrency: 32 });
 *   client.stop();
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LoadResult } from '../lib.ts';
import { cpuPer } from './cpu.ts';
import { profilePhase } from './profile.ts';

export interface PostRun {
  url: string;
  token: string;
  /** The packets, one after another; `sizes` cuts them. */
  file: string;
  sizes: number[];
  concurrency: number;
  /**
   * Packets per second offered on a fixed schedule (open loop), over at most `concurrency`
   * connections; each latency counts from the packet's scheduled time, so a server that falls
   * behind is not excused by the client waiting for it. Unset: each connection sends as soon as
   * its previous answer arrived (closed loop).
   */
  rate?: number;
}

export interface PostResult {
  /** Milliseconds from the first request to the last answer. */
  elapsedMs: number;
  /** Latency of each request in milliseconds, in the order they finished. */
  latencies: number[];
  statuses: Record<string, number>;
  /** Answers that said `"signature":"valid"`. */
  signatureValid: number;
  /** CPU the client process used for the run, in milliseconds. */
  clientCpuMs: number;
}

/** Writes the packets to one temporary file for the client; `remove` deletes it. */
function packetFile(bodies: Buffer[]): { file: string; sizes: number[]; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lienthong-packets-'));
  const file = path.join(dir, 'packets.bin');
  writeFileSync(file, Buffer.concat(bodies));
  return {
    file,
    sizes: bodies.map((b) => b.length),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/** A run as a row of the report: packets/s over the run, latency percentiles, answers other than `ok`. */
export function acceptRow(label: string, run: PostRun, result: PostResult, ok: string[]): LoadResult {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const seconds = result.elapsedMs / 1000;
  const good = ok.reduce((n, status) => n + (result.statuses[status] ?? 0), 0);
  return {
    label,
    path: 'POST /api/v1/exchange/packets',
    connections: run.concurrency,
    seconds: Math.round(seconds),
    requests: run.sizes.length,
    rps: run.sizes.length / seconds,
    p50: Math.round(percentile(sorted, 0.5)),
    p99: Math.round(percentile(sorted, 0.99)),
    errors: run.sizes.length - good,
  };
}

/**
 * Posts `bodies` to the axis from a client process, `concurrency` at a time: the run, what the
 * client saw, and the CPU the server and PostgreSQL spent per packet (`cpuPer`); the server is
 * profiled meanwhile when BENCH_PROFILE is set (`profilePhase(phase, …)`).
 */
export async function sendPackets(
  t: { baseUrl: string; config: { databaseUrl: string | undefined } },
  token: string,
  bodies: Buffer[],
  o: { concurrency: number; phase: string; rate?: number },
): Promise<{ run: PostRun; result: PostResult; cpu: Awaited<ReturnType<typeof cpuPer>> }> {
  const packets = packetFile(bodies);
  const client = startPacketClient();
  const run: PostRun = {
    url: `${t.baseUrl}/api/v1/exchange/packets`,
    token,
    file: packets.file,
    sizes: packets.sizes,
    concurrency: o.concurrency,
    ...(o.rate ? { rate: o.rate } : {}),
  };
  try {
    const cpu = await cpuPer(t.config.databaseUrl, bodies.length, () =>
      profilePhase(o.phase, () => client.post(run)),
    );
    return { run, result: cpu.value, cpu };
  } finally {
    client.stop();
    packets.remove();
  }
}

/** Starts the client process; `post` runs one load, `stop` ends the process. */
function startPacketClient(): { post(run: PostRun): Promise<PostResult>; stop(): void } {
  // No inherited --cpu-prof or inspector flags: the client is not what is measured.
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ['--child'], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    post(run) {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`packet client exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (result) => {
          child.off('exit', onExit);
          resolve(result as PostResult);
        });
        child.send(run);
      });
    },
    stop() {
      child.kill();
    },
  };
}

async function postAll(run: PostRun): Promise<PostResult> {
  const data = readFileSync(run.file);
  const bodies: Buffer[] = [];
  let offset = 0;
  for (const size of run.sizes) {
    bodies.push(data.subarray(offset, offset + size));
    offset += size;
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: run.concurrency });
  const target = new URL(run.url);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let signatureValid = 0;
  const postOne = (body: Buffer, t0 = performance.now()) =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/xml',
            'content-length': body.length,
            authorization: `Bearer ${run.token}`,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => {
            latencies.push(performance.now() - t0);
            const status = String(response.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (Buffer.concat(chunks).includes('"signature":"valid"')) signatureValid++;
            resolve();
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const rate = run.rate;
  if (rate)
    await Promise.all(
      bodies.map(async (body, n) => {
        const due = started + (n * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        await postOne(body, due);
      }),
    );
  else
    await Promise.all(
      Array.from({ length: run.concurrency }, async () => {
        for (let n = next++; n < bodies.length; n = next++) {
          const body = bodies[n];
          if (body) await postOne(body);
        }
      }),
    );
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return { elapsedMs, latencies, statuses, signatureValid, clientCpuMs: (cpu.user + cpu.system) / 1000 };
}

if (process.argv.includes('--child')) {
  process.on('message', (run: PostRun) => {
    postAll(run).then(
      (result) => process.send?.(result),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
