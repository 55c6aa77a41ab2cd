/**
 * Runs every bench/*.bench.ts in sequence, each in its own process (a fresh database, no
 * shared JIT or memory), or only those whose name contains one of the arguments.
 *
 *   npm run bench                      all of them
 *   npm run bench -- directory http    names containing "directory" or "http"
 *
 * Exits non-zero when a benchmark fails (an error, or a missed target with BENCH_STRICT=1).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

function runOne(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${dir}${file}`], { stdio: 'inherit', env: process.env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  if (files.length === 0) {
    console.error(`bench: no benchmark matches ${filters.join(', ')}`);
    return 2;
  }
  const failed: string[] = [];
  for (const file of files) {
    const started = Date.now();
    console.log(`\n== ${file}`);
    const code = await runOne(file);
    console.log(
      `== ${file}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (code !== 0) failed.push(file);
  }
  console.log(
    `\nbench: ${files.length - failed.length} of ${files.length} succeeded${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
  );
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
