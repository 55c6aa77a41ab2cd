/**
 * Summarises a .cpuprofile: self time by function (with its file and line) and by file, as
 * shares of the samples. `node bench/support/dossiers-profile.ts profile.cpuprofile [rows]`.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: dossiers-profile.ts <file.cpuprofile> [rows]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
const rows = Number(rowsArg ?? 40);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const hits = new Map<number, number>();
for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const total = profile.samples.length;
const short = (url: string) =>
  url.replace(/^file:\/\/.*?\/(node_modules|src|bench|test)\//, '$1/').replace(/^node:/, 'node:') ||
  '(native)';
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, n] of hits) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = short(url);
  const key = `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + n);
  const pkg = where.startsWith('node_modules/')
    ? where
        .split('/')
        .slice(0, where.split('/')[1]?.startsWith('@') ? 3 : 2)
        .join('/')
    : where;
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + n);
}
const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
console.log(`${total} samples`);
console.log('\nself time by function:');
for (const [k, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, rows))
  console.log(`${pct(n)}  ${k}`);
console.log('\nself time by file / package:');
for (const [k, n] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${pct(n)}  ${k}`);

// Inclusive time of the functions whose "name  file" matches the third argument (a regular expression).
const pattern = process.argv[4];
if (pattern) {
  const re = new RegExp(pattern);
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, n] of hits) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (!node) break;
      const key = `${node.callFrame.functionName || '(anonymous)'}  ${short(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
      if (re.test(key) && !seen.has(key)) {
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + n);
      }
    }
  }
  console.log(`\ninclusive time of /${pattern}/:`);
  for (const [k, n] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(`${pct(n)}  ${k}`);
}
