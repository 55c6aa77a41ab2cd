/**
 * The load client of bench/dossiers-submit.bench.ts, in a process of its own: autocannon runs
 * here (its own event loop, heap and HTTP agent), so the server's process does only the
 * server's work and its CPU time per request can be read from `process.cpuUsage()`.
 *
 * The parent forks this file (`loadApart`) and sends one load; the child answers with the figures
 * and exits. A load either hits one path, or takes each request's path and cookie in turn from a
 * JSON file of `[path, cookie]` pairs (each submission needs a draft of its own).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  connections: number;
  seconds: number;
  /** Seconds of warm-up, not counted (0: none; a submission load has no drafts to spare). */
  warmup: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** JSON file of `[path, cookie]` pairs, used in turn. */
  targetsFile?: string;
  /** Requests per second over all connections (a fixed offered load); unset: as fast as answered. */
  rate?: number;
}

export interface LoadFigures {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time of the load client's process (user + system), ms. */
  clientCpuMs: number;
}

async function run(spec: LoadSpec): Promise<LoadFigures> {
  const targets = spec.targetsFile
    ? (JSON.parse(readFileSync(spec.targetsFile, 'utf8')) as [string, string][])
    : null;
  let next = 0;
  const options: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.rate === undefined ? {} : { overallRate: spec.rate }),
    ...(targets
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => {
                const [path, cookie] = targets[next++ % targets.length] ?? ['/', ''];
                return { ...request, path, headers: { ...request.headers, cookie } };
              },
            },
          ],
        }
      : {}),
  };
  if (spec.warmup > 0) await autocannon({ ...options, duration: spec.warmup });
  process.send?.('measuring');
  const cpu = process.cpuUsage();
  const r = await autocannon({ ...options, duration: spec.seconds });
  const used = process.cpuUsage(cpu);
  return {
    requests: r.requests.total,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    clientCpuMs: (used.user + used.system) / 1000,
  };
}

/**
 * Runs one load in a child process and resolves with its figures; `measuring` is called when the
 * warm-up is over and the counted run starts (to start the server-side meters then).
 */
export function loadApart(spec: LoadSpec, measuring?: () => void): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let figures: LoadFigures | null = null;
    child.on('message', (m: LoadFigures | 'measuring') => {
      if (m === 'measuring') measuring?.();
      else figures = m;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      figures ? resolve(figures) : reject(new Error(`load client exited with ${code} before answering`)),
    );
    child.send(spec);
  });
}

// As the child: one load, answered over IPC.
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', (spec: LoadSpec) => {
    run(spec).then(
      (figures) => process.send?.(figures, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
