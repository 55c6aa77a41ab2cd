/**
 * Charts rendered on the server as SVG, in the kernel's style: `role="img"` (`role="group"` when
 * its labels are drill-down links, which an image may not hold) with a `<title>` and
 * `<desc>` named by `aria-labelledby`, every value written as text beside its mark (colour is
 * never the only signal), axis ticks at round numbers, numbers formatted for the locale
 * (`1.234,5` in Vietnamese). Pure functions; escaping through the kernel's `html` tag.
 */
import { formatNumber, type Locale } from '../../../platform/i18n/index.ts';
import { html, type SafeHtml } from '../../../platform/pages/html.ts';

export interface ChartPoint {
  label: string;
  value: number | null;
  /** A link for drill-down (the bar's label becomes a link). */
  href?: string;
}

export interface ChartOptions {
  /** Unique id in the page (ids of title and description derive from it). */
  id: string;
  title: string;
  desc: string;
  points: readonly ChartPoint[];
  unit?: string;
  locale: Locale;
}

const WIDTH = 720;
const INK = '#1b1b1b';
const GRID = '#b1b4b6';
const BAR = '#1d70b8';
const LINE = '#00703c';

/** Round tick values from 0 (or the minimum below 0) to at least the maximum: 1, 2 or 5 × 10ⁿ steps. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const lo = Math.min(0, min);
  const hi = max <= lo ? lo + 1 : max;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag) || 1;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t < hi + step - 1e-9; t += step)
    ticks.push(Number(t.toFixed(10)));
  return ticks;
}

/** A number for people: rounded to 2 decimals, grouped for the locale. */
export function chartNumber(v: number, l: Locale): string {
  return formatNumber(Math.round(v * 100) / 100, l);
}

function frame(o: ChartOptions, height: number, body: SafeHtml): SafeHtml {
  // An image cannot hold links: a chart whose labels link down (drill-down) is a named group.
  const role = o.points.some((p) => p.href) ? 'group' : 'img';
  return html`<figure class="chart">
    <svg
      xmlns="http://www.w3.org/2000/svg"
      role="${role}"
      aria-labelledby="${o.id}-title ${o.id}-desc"
      viewBox="0 0 ${WIDTH} ${height}"
      width="100%"
      style="max-width:${WIDTH}px"
      font-family="Arial, sans-serif"
      font-size="13"
    >
      <title id="${o.id}-title">${o.title}</title>
      <desc id="${o.id}-desc">${o.desc}</desc>
      ${body}
    </svg>
  </figure>`;
}

/**
 * Horizontal bars, one per item (comparison across units): the label on the left (a link when
 * `href` is given), the bar, and the value written after it; "—" where nothing was reported.
 */
export function barChart(o: ChartOptions): SafeHtml {
  const labelW = 230;
  const valueW = 90;
  const top = 28;
  const rowH = 22;
  const plotW = WIDTH - labelW - valueW;
  const values = o.points.map((p) => p.value).filter((v): v is number => v !== null);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = ticks[0] ?? 0;
  const hi = ticks.at(-1) ?? 1;
  const x = (v: number) => labelW + ((v - lo) / (hi - lo || 1)) * plotW;
  const height = top + o.points.length * rowH + 12;
  const grid = ticks.map(
    (t) =>
      html`<line
          x1="${x(t)}"
          y1="${top - 6}"
          x2="${x(t)}"
          y2="${height - 10}"
          stroke="${GRID}"
          stroke-width="1"
        />
        <text x="${x(t)}" y="${top - 10}" text-anchor="middle" fill="${INK}"
          >${chartNumber(t, o.locale)}</text
        >`,
  );
  const rows = o.points.map((p, i) => {
    const y = top + i * rowH;
    const name = p.label.length > 34 ? `${p.label.slice(0, 33)}…` : p.label;
    const label = html`<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" fill="${INK}">${name}</text>`;
    const bar =
      p.value === null
        ? ''
        : html`<rect
            x="${Math.min(x(0), x(p.value))}"
            y="${y + 4}"
            width="${Math.max(1, Math.abs(x(p.value) - x(0)))}"
            height="${rowH - 8}"
            fill="${BAR}"
          />`;
    const value = html`<text x="${WIDTH - valueW + 6}" y="${y + 15}" fill="${INK}">
      ${p.value === null ? '—' : chartNumber(p.value, o.locale)}${o.unit && p.value !== null ? ` ${o.unit}` : ''}
    </text>`;
    return html`<g>${p.href ? html`<a href="${p.href}">${label}</a>` : label}${bar}${value}</g>`;
  });
  return frame(o, height, html`${grid}${rows}`);
}

/**
 * A line over periods (trend): points joined left to right, each with its value written above
 * it and its period below the axis; gaps where nothing was reported.
 */
export function lineChart(o: ChartOptions): SafeHtml {
  const left = 70;
  const right = 30;
  const top = 30;
  const bottom = 46;
  const height = 260;
  const plotH = height - top - bottom;
  const values = o.points.map((p) => p.value).filter((v): v is number => v !== null);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = ticks[0] ?? 0;
  const hi = ticks.at(-1) ?? 1;
  const n = o.points.length;
  const x = (i: number) =>
    left + (n <= 1 ? (WIDTH - left - right) / 2 : (i * (WIDTH - left - right)) / (n - 1));
  const y = (v: number) => top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;
  const axis = ticks.map(
    (t) =>
      html`<line
          x1="${left}"
          y1="${y(t)}"
          x2="${WIDTH - right}"
          y2="${y(t)}"
          stroke="${GRID}"
          stroke-width="1"
        />
        <text x="${left - 8}" y="${y(t) + 4}" text-anchor="end" fill="${INK}"
          >${chartNumber(t, o.locale)}</text
        >`,
  );
  const segments: string[] = [];
  let current: string[] = [];
  o.points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length > 1) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (current.length > 1) segments.push(current.join(' '));
  const lines = segments.map(
    (pts) => html`<polyline points="${pts}" fill="none" stroke="${LINE}" stroke-width="2.5" />`,
  );
  const marks = o.points.map(
    (p, i) =>
      html`<g>
        ${
          p.value === null
            ? html`<text x="${x(i)}" y="${top + plotH - 6}" text-anchor="middle" fill="${INK}">—</text>`
            : html`<circle cx="${x(i)}" cy="${y(p.value)}" r="4" fill="${LINE}" />
                <text x="${x(i)}" y="${y(p.value) - 9}" text-anchor="middle" fill="${INK}" font-weight="bold">
                  ${chartNumber(p.value, o.locale)}
                </text>`
        }
        <text x="${x(i)}" y="${height - bottom + 20}" text-anchor="middle" fill="${INK}">${p.label}</text>
      </g>`,
  );
  return frame(o, height, html`${axis}${lines}${marks}`);
}
