/**
 * The due-date engine (issue 5): due dates per second from the working-day calendar — receipt
 * instants spread over two years (weekends, Tết, swapped days off, make-up Saturdays, receipts
 * after the cut-off) and time limits of 1–30 working days or 1–16 working hours — beside a
 * baseline that adds calendar days with plain Date arithmetic in the same loop.
 * Target: ≥ 100,000 due dates per second.
 *
 *   node bench/calendar-due.bench.ts   (BENCH_SECONDS, BENCH_STRICT=1)
 */
import { createWorkCalendar } from '../src/platform/calendar/index.ts';
import { benchSeconds, runBench } from './lib.ts';

const calendar = createWorkCalendar();
const N = 200_000;
const start = Date.parse('2025-01-01T00:00:00+07:00');
const span = 2 * 365 * 86_400_000;
// Inputs drawn once, so every loop pays only for what it measures.
const received = Array.from({ length: N }, (_, i) => new Date(start + ((i * 7_919_993_311) % span)));
const days = Array.from({ length: N }, (_, i) => 1 + (i % 30));
const hours = Array.from({ length: N }, (_, i) => 1 + (i % 16));

interface Rate {
  label: string;
  perSecond: number;
  checksum: number;
}

/** Runs `one(i)` over the inputs for `seconds` (after a warm-up second); due dates per second. */
function rate(label: string, seconds: number, one: (i: number) => Date): Rate {
  let checksum = 0;
  const loop = (ms: number) => {
    let n = 0;
    const until = performance.now() + ms;
    while (performance.now() < until) {
      for (let k = 0; k < 10_000; k++, n++) checksum = (checksum + one(n % N).getTime()) % 1_000_003;
    }
    return n;
  };
  loop(1000);
  const t0 = performance.now();
  const n = loop(seconds * 1000);
  return { label, perSecond: n / ((performance.now() - t0) / 1000), checksum };
}

runBench(() => {
  const seconds = Math.max(1, Math.min(benchSeconds, 10));
  const baseline = rate('+ N calendar days (Date arithmetic)', seconds, (i) => {
    return new Date((received[i] as Date).getTime() + (days[i] as number) * 86_400_000);
  });
  const dueDays = rate('due after N working days (cut-off 17:00)', seconds, (i) =>
    calendar.dueAfterWorkingDays(received[i] as Date, days[i] as number),
  );
  const dueCutoff = rate('due after N working days (cut-off 16:00)', seconds, (i) =>
    calendar.dueAfterWorkingDays(received[i] as Date, days[i] as number, { cutoffMinutes: 16 * 60 }),
  );
  const dueHours = rate('due after N working hours', seconds, (i) =>
    calendar.addWorkingHours(received[i] as Date, hours[i] as number),
  );
  const rows = [baseline, dueDays, dueCutoff, dueHours];
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const width = Math.max(...rows.map((r) => r.label.length));
  console.log(`\nDue-date engine (${seconds} s each, one thread; baseline: ${baseline.label})`);
  console.log(`${''.padEnd(width)}  ${'due dates/s'.padStart(12)}  vs baseline`);
  for (const r of rows)
    console.log(
      `${r.label.padEnd(width)}  ${fmt(r.perSecond).padStart(12)}  ${(r.perSecond / baseline.perSecond).toFixed(2).padStart(10)}×`,
    );
  const targets = [dueDays, dueCutoff, dueHours].map((r) => ({
    text: `${r.label}: ≥ 100,000 due dates/s (got ${fmt(r.perSecond)})`,
    met: r.perSecond >= 100_000,
  }));
  for (const t of targets) console.log(`${t.met ? 'MET   ' : 'MISSED'} ${t.text}`);
  const missed = targets.some((t) => !t.met);
  return Promise.resolve(missed && process.env['BENCH_STRICT'] === '1' ? 1 : 0);
});
