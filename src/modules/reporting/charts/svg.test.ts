import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barChart, lineChart, niceTicks } from './svg.ts';

describe('server-rendered SVG charts', () => {
  it('ticks at round numbers from zero past the maximum', () => {
    assert.deepEqual(niceTicks(0, 93), [0, 20, 40, 60, 80, 100]);
    assert.deepEqual(niceTicks(0, 1234.5), [0, 500, 1000, 1500]);
    assert.deepEqual(niceTicks(-3, 7), [-4, -2, 0, 2, 4, 6, 8]);
  });

  it('a bar chart is an image named by its title and description, with every value written as text', () => {
    const svg = barChart({
      id: 'c1',
      title: 'Hồ sơ tiếp nhận theo xã',
      desc: 'So sánh 3 xã',
      points: [
        { label: 'Xã Một', value: 1234.5, href: '/reports/dashboard?unit=1' },
        { label: 'Xã <Hai>', value: 20 },
        { label: 'Xã Ba', value: null },
      ],
      unit: 'hồ sơ',
      locale: 'vi',
    }).toString();
    // Its labels are links: a named group, not an image (axe: nested-interactive).
    assert.match(svg, /role="group"/);
    assert.match(svg, /aria-labelledby="c1-title c1-desc"/);
    assert.match(svg, /<title id="c1-title">Hồ sơ tiếp nhận theo xã<\/title>/);
    assert.match(svg, /1\.234,5 hồ sơ/); // Vietnamese number format beside the bar
    assert.match(svg, /—/); // nothing reported is written, not just left blank
    assert.match(svg, /Xã &lt;Hai&gt;/); // labels are escaped
    assert.match(svg, /<a href="\/reports\/dashboard\?unit=1">/); // drill-down
    assert.equal((svg.match(/<rect\s/g) ?? []).length, 2);
  });

  it('a line chart writes each period and value; English numbers use English grouping', () => {
    const svg = lineChart({
      id: 't',
      title: 'Trend',
      desc: 'Line',
      points: [
        { label: 'Q3/2025', value: 1500 },
        { label: 'Q4/2025', value: 2500.5 },
      ],
      locale: 'en',
    }).toString();
    assert.match(svg, /role="img"/); // no links: an image
    assert.match(svg, /<polyline points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/);
    assert.match(svg, /2,500\.5/);
    assert.match(svg, /Q3\/2025/);
  });
});
