/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core), over a
 * DuckDB warehouse seeded with known posts, some of them hostile.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBWarehouse } from '@social-pulse/warehouse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WarehouseAccess } from '../src/access.ts';
import { buildServer } from '../src/server.ts';
import { launchBrowser } from '../src/testing/browser.ts';
import { END, HOSTILE, knownData } from '../src/testing/fixtures.ts';
import { seedWarehouse } from '../src/testing/seed.ts';

let base: string;
let app: ReturnType<typeof buildServer>;
let access: WarehouseAccess;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const dialogs: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dash-browser-'));
  const file = path.join(dir, 'warehouse.duckdb');
  const w = await DuckDBWarehouse.open(file);
  await seedWarehouse(w, knownData());
  await w.close();
  access = WarehouseAccess.of({ kind: 'duckdb', path: file });
  app = buildServer({ access, context: { scheduleSeconds: 3600, configuredSources: ['mastodon', 'hackernews'] }, now: () => new Date(END), allowedHosts: ['127.0.0.1'] });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser(base);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await access?.close();
});
beforeEach(async () => {
  dialogs.length = 0;
  problems.length = 0;
  page = await browser.context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
});

async function open(query: string): Promise<void> {
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('#app[data-ready=true]');
}
const texts = (sel: string) => page.locator(sel).allTextContents();
const rows = async (table: string) =>
  page.locator(`table[data-table=${table}] tbody tr`).evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (td) => (td.textContent ?? '').trim())));
const chartRows = async (id: string) =>
  page.locator(`table[data-chart=${id}]`).evaluate((t) => ({
    head: Array.from(t.querySelectorAll('thead th'), (th) => th.textContent),
    rows: Array.from(t.querySelectorAll('tbody tr'), (tr) => Array.from(tr.children, (td) => td.textContent)),
  }));
const headlineValue = async (metric: string) => page.locator(`[data-metric=${metric}] .value`).getAttribute('data-value');

describe('the dashboard in Chromium', () => {
  it('shows every panel with the expected numbers', async () => {
    await open('?period=7d');
    expect(await headlineValue('posts')).toBe('6');
    expect(await headlineValue('authors')).toBe('5');
    expect(await headlineValue('sources')).toBe('2');
    expect(await headlineValue('engagement')).toBe('225');
    expect(await texts('[data-metric] .change')).toEqual([
      '+200% vs previous 7 days (2)', '+150% vs previous 7 days (2)', '±0% vs previous 7 days (2)', '+2,150% vs previous 7 days (10)',
    ]);

    // Charts: drawn by Chart.js, and the same numbers in the table beside each.
    const charted = await page.evaluate(`Array.from(document.querySelectorAll('canvas'), (c) => window.Chart.getChart(c)?.data.datasets.map((d) => d.label + '=' + d.data.reduce((a, b) => a + b, 0)).join(','))`);
    expect(charted).toEqual(['mastodon=4,hackernews=2', 'negative=2,neutral=2,positive=2', `databases=2,${HOSTILE.topic}=1,big data=1,cloud=1,orchestration=1`]);
    const volume = await chartRows('volume');
    expect(volume.head).toEqual(['day', 'mastodon', 'hackernews']);
    expect(volume.rows.map((r) => r.join(' '))).toEqual([
      '2026-11-17 0 0', '2026-11-18 1 0', '2026-11-19 0 1', '2026-11-20 1 0', '2026-11-21 0 0', '2026-11-22 0 1', '2026-11-23 2 0', '2026-11-24 0 0',
    ]);

    const trending = page.locator('[data-panel=trending] article');
    expect(await trending.evaluateAll((as) => as.map((a) => a.getAttribute('data-post-id')))).toEqual([
      'mastodon:m1', 'hackernews:h1', 'mastodon:x1', 'mastodon:m2', 'hackernews:h2', 'mastodon:m3',
    ]);
    const first = trending.first();
    expect(await first.locator('.post-text').textContent()).toBe('DuckDB 1.5 makes Parquet merges fast');
    expect(await first.locator('.author').textContent()).toBe('Alice');
    expect(await first.locator('.handle').textContent()).toBe('@alice@mastodon.social');
    expect(await first.locator('time').textContent()).toBe('2026-11-23 10:00 UTC');
    expect(await first.locator('.count').allTextContents()).toEqual(['10 likes', '5 reposts', '1 replies', 'velocity 0.00636']);
    expect(await first.locator('.chip').allTextContents()).toEqual(['databases', 'DuckDB (product)', 'DuckDB Labs (corporation)', '#duckdb', '#dataengineering', 'positive']);
    expect(await page.locator('[data-panel=top-posts] article').evaluateAll((as) => as.map((a) => a.getAttribute('data-post-id')))).toEqual([
      'mastodon:m1', 'hackernews:h1', 'mastodon:m2', 'hackernews:h2', 'mastodon:m3', 'mastodon:x1',
    ]);

    expect(await rows('authors')).toEqual([
      ['Alice (@alice@mastodon.social)', 'mastodon', '2', '18'],
      ['carol (@carol)', 'hackernews', '1', '150'],
      ['Bob (@bob@fosstodon.org)', 'mastodon', '1', '6'],
      ['dave (@dave)', 'hackernews', '1', '50'],
      [`${HOSTILE.name} (@${HOSTILE.handle})`, 'mastodon', '1', '1'],
    ]);
    expect(await rows('hashtags')).toEqual([['#dataengineering', '2', '2'], [`#${HOSTILE.hashtag}`, '1', '1'], ['#airflow', '1', '1'], ['#duckdb', '1', '1'], ['#spark', '1', '1']]);
    expect(await rows('links')).toEqual([
      ['DuckDB 1.5 released', 'duckdb.org', '1'],
      ['Show HN: A Parquet lake in TypeScript', 'github.com', '1'],
      ['Snowflake raises prices', 'example.com', '1'],
      [HOSTILE.link, '', '1'],
    ]);
    const links = await page.locator('a.shared-link').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]));
    expect(links).toEqual([
      ['https://duckdb.org/2026/11/release', 'noopener noreferrer', '_blank'],
      ['https://github.com/example/lake', 'noopener noreferrer', '_blank'],
      ['https://www.example.com/snowflake-prices', 'noopener noreferrer', '_blank'],
    ]);
    expect((await rows('entities')).slice(0, 2)).toEqual([[HOSTILE.entity, 'product', '1', '0', 'new'], ['Airflow', 'product', '1', '0', 'new']]);
    expect(await rows('entities')).toContainEqual(['DuckDB', 'product', '1', '1', '±0%']);

    const tiles = await page.locator('[data-tile]').evaluateAll((ts) => ts.map((t) => [t.getAttribute('data-tile'), t.getAttribute('data-freshness'), t.querySelector('.tile-age')?.textContent]));
    expect(tiles).toEqual([['hackernews', 'stale', '5 h ago'], ['mastodon', 'fresh', '30 min ago'], ['load', 'fresh', '20 min ago']]);
    expect(await page.locator('[data-tile=hackernews]').textContent()).toContain('last run: failed — HTTP 503 from hn.algolia.com');
    expect(await page.locator('[data-tile=hackernews]').evaluate((t) => getComputedStyle(t).borderLeftColor)).toBe('rgb(185, 28, 28)');
    expect(await rows('quality')).toEqual([
      ['counts_not_negative', 'mastodon', 'fail', 'error', '2', '= 0', '2 posts with a negative like_count'],
      ['post_id_unique', '*', 'pass', 'warn', '0', '= 0', ''],
    ]);
    expect(problems).toEqual([]);
  });

  it('renders hostile posts as text: no element, no dialog, no javascript: link', async () => {
    await open('?period=7d');
    await page.waitForTimeout(300); // give an injected onerror every chance to fire
    const card = page.locator('[data-panel=trending] article[data-post-id="mastodon:x1"]');
    expect(await card.locator('.post-text').textContent()).toBe(HOSTILE.text);
    expect(await card.locator('.author').textContent()).toBe(HOSTILE.name);
    expect(await card.locator('.handle').textContent()).toBe(`@${HOSTILE.handle}`);
    expect(await card.locator('.chip').allTextContents()).toEqual([HOSTILE.topic, `${HOSTILE.entity} (product)`, `#${HOSTILE.hashtag}`, 'neutral']);
    // The post's own URL is javascript: — shown, but not as a link.
    expect(await card.locator('footer a').count()).toBe(0);
    expect(await card.locator('footer .not-a-link').textContent()).toBe('open original ↗');
    expect(await page.locator('#app').evaluate((app) => app.querySelectorAll('img, script, svg, iframe, b, i, object, embed').length)).toBe(0);
    const hrefs = await page.locator('#app a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.filter((h) => !/^(https?:\/\/|\/export\.html)/.test(h))).toEqual([]);
    expect(await page.locator('table[data-table=links] .not-a-link').textContent()).toBe(HOSTILE.link);
    expect(dialogs).toEqual([]);
    // No request for the `x` image the text names.
    expect(browser.outside.filter((r) => r.url.endsWith('/x'))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('applies filters, keeps them in the URL, and restores a shared view', async () => {
    await open('');
    await page.selectOption('#f-source', 'hackernews');
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector('#app[data-ready=true]');
    expect(new URL(page.url()).searchParams.get('source')).toBe('hackernews');
    expect(await headlineValue('posts')).toBe('2');
    expect(await page.locator('[data-panel=trending] article .source').allTextContents()).toEqual(['hackernews', 'hackernews']);

    // A topic chip filters on that topic, on top of the source.
    await page.locator('[data-panel=trending] button.chip.topic', { hasText: 'databases' }).click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('topic') === 'databases');
    await page.waitForSelector('#app[data-ready=true]');
    expect(await headlineValue('posts')).toBe('1');

    await page.selectOption('#f-source', '');
    await page.fill('#f-q', 'parquet');
    await page.selectOption('#f-period', '30d');
    await page.click('form.filters button[type=submit]');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'parquet');
    await page.waitForSelector('#app[data-ready=true]');
    const params = Object.fromEntries(new URL(page.url()).searchParams);
    expect(params).toEqual({ period: '30d', topic: 'databases', q: 'parquet' });
    expect(await headlineValue('posts')).toBe('2');
    expect(await page.locator('.top .window').textContent()).toContain('compared with the 30 days before');

    // Back restores the previous view; a copied URL opens the same view.
    await page.goBack();
    await page.waitForSelector('#app[data-ready=true]');
    expect(await headlineValue('posts')).toBe('1');
    const shared = page.url();
    const other = await browser.context.newPage();
    await other.goto(shared);
    await other.waitForSelector('#app[data-ready=true]');
    expect(await other.locator('[data-metric=posts] .value').getAttribute('data-value')).toBe('1');
    expect(await other.locator('#f-topic').inputValue()).toBe('databases');
    await other.close();

    // Entity and language filters, from the form; a bad URL value is reported, not run.
    await open('?entity=snowflake');
    expect(await headlineValue('posts')).toBe('1');
    await open('?lang=de');
    expect(await headlineValue('posts')).toBe('1');
    await page.goto(`${base}/?period=forever`);
    await page.waitForSelector('#app[data-ready=error]');
    expect(await page.locator('[role=alert]').textContent()).toContain('period: expected a period such as 24h, 7d or 30d');
    expect(dialogs).toEqual([]);
  });

  it('follows a post link to the original in a new tab, without opener or referrer', async () => {
    await open('?period=7d');
    const link = page.locator('[data-panel=trending] article[data-post-id="mastodon:m1"] a.post-link');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe('https://mastodon.social/@alice/1');
    expect(await popup.evaluate('window.opener')).toBeNull();
    const visit = browser.outside.find((r) => r.url === 'https://mastodon.social/@alice/1');
    expect(visit?.referer).toBeUndefined();
    await popup.close();
  });

  it('exports a static report that works from a file, with no server and no network', async () => {
    const res = await app.inject({ url: '/export.html?period=7d', headers: { host: '127.0.0.1' } });
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'dash-export-')), 'report.html');
    await writeFile(file, res.body);
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#app[data-ready=true]');
    expect(await headlineValue('posts')).toBe('6');
    expect(await page.evaluate('document.querySelectorAll("canvas").length')).toBe(3);
    expect(await page.evaluate('Array.from(document.querySelectorAll("canvas")).every((c) => window.Chart.getChart(c))')).toBe(true);
    expect(await page.locator('article[data-post-id="mastodon:x1"] .post-text').first().textContent()).toBe(HOSTILE.text);
    expect(await page.locator('#f-source').isDisabled()).toBe(true);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
