/**
 * Takes the README's screenshots (docs/screenshots/*.png) of the dashboard over a demo
 * warehouse, in Chromium:
 *
 *   npx tsx apps/dashboard/scripts/screenshots.ts [--out docs/screenshots]
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBWarehouse } from '@social-pulse/warehouse';
import { WarehouseAccess } from '../src/access.ts';
import { buildServer } from '../src/server.ts';
import { launchBrowser } from '../src/testing/browser.ts';
import { demoData } from '../src/testing/demo.ts';
import { seedWarehouse } from '../src/testing/seed.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const i = process.argv.indexOf('--out');
const out = path.resolve(i >= 0 ? process.argv[i + 1]! : path.join(ROOT, 'docs/screenshots'));
const END = new Date('2026-11-24T12:00:00Z');

const dir = await mkdtemp(path.join(os.tmpdir(), 'dash-shots-'));
const file = path.join(dir, 'warehouse.duckdb');
const w = await DuckDBWarehouse.open(file);
await seedWarehouse(w, demoData(END));
await w.close();
const access = WarehouseAccess.of({ kind: 'duckdb', path: file });
const context = { scheduleSeconds: 3600, configuredSources: ['mastodon', 'hackernews', 'bluesky', 'reddit', 'x', 'stackexchange'] };
const app = buildServer({ access, context, now: () => END, allowedHosts: ['127.0.0.1'] });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await launchBrowser(base, { width: 1440, height: 900 });
try {
  await mkdir(out, { recursive: true });
  const page = await browser.context.newPage();
  /** `selector`: one element; 'viewport': what the window shows; none: the whole page. */
  const shot = async (query: string, name: string, selector?: string) => {
    await page.goto(`${base}/${query}`);
    await page.waitForSelector('#app[data-ready=true]');
    await page.waitForTimeout(300);
    const target = path.join(out, name);
    if (selector === 'viewport') await page.screenshot({ path: target });
    else if (selector) await page.locator(selector).screenshot({ path: target });
    else await page.screenshot({ path: target, fullPage: true });
    process.stdout.write(`${target}\n`);
  };
  await shot('?period=30d', 'dashboard.png');
  await shot('?period=30d', 'dashboard-top.png', 'viewport');
  await shot('?period=7d', 'dashboard-trending.png', '.posts-grid');
  await shot('?period=30d&entity=DuckDB&lang=en', 'dashboard-filtered.png', 'main');
  await shot('?period=30d', 'dashboard-events.png', '[data-panel=events]');
  await shot('?period=7d', 'dashboard-volume-events.png', '[data-panel=volume]');
  // The Stories panel with its first story opened to its posts.
  await page.goto(`${base}/?period=30d`);
  await page.waitForSelector('#app[data-ready=true]');
  await page.locator('[data-panel=stories] details').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await page.waitForTimeout(300);
  await page.locator('[data-panel=stories]').screenshot({ path: path.join(out, 'dashboard-stories.png') });
  process.stdout.write(`${path.join(out, 'dashboard-stories.png')}\n`);
} finally {
  await browser.close();
  await app.close();
  await access.close();
  await rm(dir, { recursive: true, force: true });
}
