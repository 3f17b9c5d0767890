import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runCli, runShell, scratchDir } from '../../../test/helpers/cli.ts';

/**
 * The HTML report in a real browser: Debian's Chromium, headless, with every
 * request that is not the report file itself blocked and recorded (the report must
 * need no network). Skips where /usr/bin/chromium is missing (scripts/test-tools.mjs
 * installs it).
 */
const CHROMIUM = '/usr/bin/chromium';
const skip = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;
const dir = scratchDir('quality-html');
const END = '2026-11-08T00:00:00Z';

describe('quality-scan HTML report in headless Chromium', { skip }, () => {
  let context: import('playwright-core').BrowserContext;
  let profileDir: string;
  const blocked: string[] = [];

  before(async () => {
    fs.writeFileSync(
      path.join(dir, 'checks.yaml'),
      `checks:
  - { id: future, kind: future_ts, skew: 1d }
  - { id: dups, kind: duplicates }
  - { id: ooo, kind: out_of_order, severity: warn }
  - { id: bots, kind: burst }
  - { id: items, kind: null_rate_max, column: item_id, max: 0.01 }
  - { id: duration-drift, kind: drift, column: duration_ms, method: psi, threshold: 0.1 }
  - { id: action-drift, kind: drift, column: action, method: js_distance }
  - { id: item-drift, kind: drift, column: item_id, method: wasserstein_norm }
`,
    );
    const r = await runShell(
      [
        `recdata gen events --events 60000 --days 7 --seed 5 -o ref.arrow`,
        `recdata gen events --events 60000 --days 7 --seed 6 --anomalies default -o today.arrow`,
        `recdata quality-scan --checks checks.yaml --reference ref.arrow --now ${END} --format html -o report.html today.arrow`,
      ].join(' && '),
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const { chromium } = await import('playwright-core');
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recdata-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 1000 },
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') && url.endsWith('/report.html')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
  });

  after(async () => {
    await context?.close();
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  });

  it('renders the heatmaps and lists the failing checks, with no request leaving the file, and saves a screenshot', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(path.join(dir, 'report.html')).href);
    assert.equal(await page.textContent('#verdict'), 'FAILED');
    // Heatmaps: one cell per (row, partition), drawn with a size, most with a colour.
    for (const id of ['heatmap-drift', 'heatmap-null-rate']) {
      const svg = page.locator(`#${id}`);
      const rows = Number(await svg.getAttribute('data-rows'));
      const cols = Number(await svg.getAttribute('data-cols'));
      assert.ok(rows >= 1 && cols >= 7, `${id}: ${rows} x ${cols}`);
      assert.equal(await page.locator(`#${id} rect.cell`).count(), rows * cols);
      const box = await svg.boundingBox();
      assert.ok(box && box.width > 200 && box.height > 50, `${id} has a size on the page`);
      const fills = await page.$$eval(`#${id} rect.cell`, (cells) => cells.map((c) => getComputedStyle(c).fill));
      assert.ok(new Set(fills).size > 2, `${id} draws values in several colours`);
    }
    assert.deepEqual(await page.$$eval('#heatmap-drift text.row-label', (t) => t.map((x) => x.textContent)), ['duration_ms (psi)', 'action (js_distance)', 'item_id (wasserstein_norm)']);
    // Failing checks: the error ones and the warning, none of the passing ones.
    const failing = await page.$$eval('#failing-checks tbody tr', (rows) => rows.map((r) => [r.getAttribute('data-id'), r.getAttribute('data-status')]));
    assert.deepEqual(failing.slice(0, 4), [
      ['future', 'fail'],
      ['dups', 'fail'],
      ['bots', 'fail'],
      ['item-drift', 'fail'],
    ]);
    assert.ok(failing.some(([id, status]) => id === 'ooo' && status === 'warn'));
    assert.ok(!failing.some(([id]) => id === 'items'));
    assert.equal(await page.textContent('#count-failed'), String(failing.filter(([, s]) => s === 'fail').length));
    // Worst rows of each temporal check.
    assert.ok((await page.locator('table.worst[data-check="dups"] tbody tr').count()) > 0);
    // The status filter (inline script) works.
    await page.click('.filters button[data-filter="pass"]');
    const visible = await page.$$eval('#all-checks tbody tr', (rows) => rows.filter((r) => (r as HTMLElement).offsetParent !== null).map((r) => r.getAttribute('data-status')));
    assert.ok(visible.length > 0 && visible.every((s) => s === 'pass'));
    await page.click('.filters button[data-filter="all"]');
    const shot = path.join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(fs.statSync(shot).size > 10_000);
    assert.deepEqual(errors, []);
    assert.deepEqual(blocked, [], 'the report asks for nothing outside itself');
    await page.close();
  });

  it('opens an empty-input report that says so', async () => {
    const r = await runCli(['quality-scan', '--format', 'html', '-o', path.join(dir, 'empty.html')], { input: (await runCli(['gen', 'events', '--events', '0'])).stdout });
    assert.equal(r.code, 0, r.stderr);
    const page = await context.newPage();
    await page.route('**/*', (route) => (route.request().url().endsWith('/empty.html') ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(path.join(dir, 'empty.html')).href);
    assert.match((await page.textContent('#empty-input')) ?? '', /The input is empty/);
    await page.close();
  });
});
