import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's Chromium; browser tests need it (`apt-get install chromium`). */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** True when a browser is available; CI requires one (see .ci/run). */
export function browserAvailable(): boolean {
  return existsSync(chromiumPath);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe on the current page; returns serious and critical violations (a test asserts none). */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  // evaluate() runs through the DevTools protocol, so the page's CSP stays in force for the page itself.
  await page.evaluate(axeSource);
  const json = await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    JSON.stringify(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }))))`);
  const violations = JSON.parse(String(json)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Pages under test may run with JavaScript off (as a visitor without it would see them); axe
 * needs script, so this checks the same address in a second context that carries the same
 * cookies. Returns the serious and critical violations as readable lines (a test asserts none).
 */
export async function a11yProblemsOfNoScriptPage(
  browser: Browser,
  page: Page,
  locale = 'vi-VN',
): Promise<string[]> {
  const context = await browser.newContext({ locale });
  try {
    await context.addCookies(await page.context().cookies());
    const checker = await context.newPage();
    await checker.goto(page.url());
    const violations = await seriousA11yViolations(checker);
    return violations.map(
      (v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  } finally {
    await context.close();
  }
}

/** True when CI demands the browser tests (`.ci/run` sets LT_REQUIRE_BROWSER=1). */
export const browserRequired = process.env['LT_REQUIRE_BROWSER'] === '1';

/**
 * The `skip` option of a browser suite: a reason to skip when Chromium is missing on a
 * developer's machine, and `false` when it is there or CI requires it (then the suite fails).
 */
export const browserSkip: string | false =
  !browserAvailable() && !browserRequired
    ? `no Chromium at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH; LT_REQUIRE_BROWSER=1 makes this a failure`
    : false;
