/**
 * The whole product as a user runs it: `pulse run` fills a warehouse from local fake
 * Mastodon and Hacker News servers (and labels posts with the project's tiny NLP models),
 * `pulse dashboard` serves it, Chromium shows it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildTinyModels } from '@social-pulse/nlp/testing';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import { algoliaHit, startFakeAlgolia, startFakeMastodon, statusRun, type ReplayServer } from '@social-pulse/sources/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../src/testing/browser.ts';

const PULSE = fileURLToPath(new URL('../../cli/bin/pulse.mjs', import.meta.url));
const servers: ReplayServer[] = [];
let dashboard: ChildProcess | undefined;
afterAll(async () => {
  dashboard?.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.close()));
});

describe('pulse run, then pulse dashboard, in Chromium', { timeout: 240_000 }, () => {
  it('shows what the run loaded', async () => {
    const t0 = Date.UTC(2026, 10, 10) / 1000;
    const mastodon = await startFakeMastodon(() => statusRun(30, 'mastodon.social'));
    const hn = await startFakeAlgolia(() => Array.from({ length: 40 }, (_, i) => algoliaHit(String(42000000 + i), t0 + i * 3600)));
    servers.push(mastodon, hn);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dash-pipeline-'));
    const config = path.join(dir, 'pulse.config.yaml');
    await writeFile(config, `lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
schedule: 1h
http: { retries: 2, backoffMs: 20 }
dashboard: { port: 0 }
sources:
  - type: mastodon
    instances: [${mastodon.url}]
    tags: [dataengineering]
  - type: hackernews
    baseUrl: ${hn.url}
    queries: ["data engineering"]
`);
    const models = path.join(dir, 'models');
    await buildTinyModels(models, { asDefaults: true });
    const env = { ...process.env, PULSE_LOG_LEVEL: 'warn', PULSE_MODELS_DIR: models };
    await promisify(execFile)(process.execPath, [PULSE, 'run', '--config', config], { env, timeout: 180_000 });

    // What the warehouse holds, read directly.
    const { db, conn } = await openDuckDB(path.join(dir, 'data/warehouse.duckdb'), { readOnly: true });
    const [truth] = await queryRows<{ n: bigint; first: Date; last: Date; m: bigint; h: bigint }>(
      conn,
      `SELECT count(*) AS n, min(created_at) AS first, max(created_at) AS last,
              count(*) FILTER (WHERE source = 'mastodon') AS m, count(*) FILTER (WHERE source = 'hackernews') AS h FROM posts`,
    );
    conn.closeSync();
    db.closeSync();
    expect(Number(truth!.m)).toBe(30);
    expect(Number(truth!.h)).toBe(40);

    dashboard = spawn(process.execPath, [PULSE, 'dashboard', '--config', config], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      dashboard!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /dashboard on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      dashboard!.on('exit', (code) => reject(new Error(`pulse dashboard exited with ${code}: ${out}`)));
    });

    const browser = await launchBrowser(url);
    try {
      const page = await browser.context.newPage();
      const end = new Date(truth!.last.getTime() + 1000).toISOString();
      await page.goto(`${url}/?period=30d&end=${encodeURIComponent(end)}`);
      await page.waitForSelector('#app[data-ready=true]');
      expect(await page.locator('[data-metric=posts] .value').getAttribute('data-value')).toBe('70');
      expect(await page.locator('[data-metric=sources] .value').getAttribute('data-value')).toBe('2');
      const volume = await page.locator('table[data-chart=volume] thead th').allTextContents();
      expect(volume.slice(1).sort()).toEqual(['hackernews', 'mastodon']);
      // The run just happened: both sources' tiles are fresh and say how many rows they added.
      const tiles = await page.locator('[data-tile]').evaluateAll((ts) => ts.map((t) => [t.getAttribute('data-tile'), t.getAttribute('data-freshness')]));
      expect(tiles).toEqual(expect.arrayContaining([['mastodon', 'fresh'], ['hackernews', 'fresh'], ['load', 'fresh']]));
      expect(await page.locator('[data-tile=hackernews] [data-rows]').getAttribute('data-rows')).toBe('40');
      expect(await page.locator('[data-panel=trending] article').count()).toBeGreaterThan(0);
      // Every post was labelled by the run's enrich step.
      const sentiment = await page.locator('table[data-chart=sentiment]').evaluate((t) => ({
        head: Array.from(t.querySelectorAll('thead th'), (th) => th.textContent ?? ''),
        sums: Array.from(t.querySelectorAll('tbody tr'), (tr) => Array.from(tr.children).slice(1).map((td) => Number(td.textContent))),
      }));
      const total = (name: string) => sentiment.sums.reduce((a, r) => a + (r[sentiment.head.indexOf(name) - 1] ?? 0), 0);
      expect(sentiment.head).not.toContain('not labelled');
      expect(['negative', 'neutral', 'positive'].map(total).reduce((a, b) => a + b, 0)).toBe(70);
      await page.selectOption('#f-source', 'hackernews');
      await page.click('form.filters button[type=submit]');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('source') === 'hackernews');
      await page.waitForSelector('#app[data-ready=true]');
      expect(await page.locator('[data-metric=posts] .value').getAttribute('data-value')).toBe('40');
    } finally {
      await browser.close();
    }
  });
});
