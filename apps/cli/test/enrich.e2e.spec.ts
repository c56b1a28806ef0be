import { createReadStream } from 'node:fs';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '@social-pulse/runtime';
import { algoliaHit, startFakeAlgolia, type HitJson, type ReplayServer } from '@social-pulse/sources/testing';
import { pulse, tinyModelsDir, workspace } from './helpers.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

async function enriched(dir: string) {
  const { db, conn } = await openDuckDB(path.join(dir, 'data/warehouse.duckdb'), { readOnly: true });
  try {
    return await queryRows<{ post_id: string; sentiment: string | null; topics: { label: string }[] | null; entities: { type: string; text: string }[] | null; text_hash: string | null }>(
      conn,
      'SELECT post_id, sentiment, topics, entities, text_hash FROM posts_enriched ORDER BY post_id',
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const t0 = Date.UTC(2026, 10, 10) / 1000;
const HITS: HitJson[] = [
  algoliaHit('41000001', t0 + 60, { title: 'Data engineering: streaming Kafka into Snowflake is great' }),
  // A repost of the same story text: labelled once, stored for both.
  algoliaHit('41000002', t0 + 120, { title: 'Data engineering: streaming Kafka into Snowflake is great' }),
  algoliaHit('41000003', t0 + 180, { title: 'Data engineering: our Airflow scheduler outage was terrible' }),
  ...Array.from({ length: 20 }, (_, i) => algoliaHit(String(41000100 + i), t0 + 300 + i * 60)),
];

const config = (algolia: string, extra = '') => `
lake: ./data/lake
warehouse: duckdb:./data/warehouse.duckdb
since: 2026-11-01
http: { retries: 1, backoffMs: 20 }
retry: { steps: 0 }
sources:
  - type: hackernews
    baseUrl: ${algolia}
    queries: ["data engineering"]
${extra}`;

describe('pulse run with NLP, on tiny models from PULSE_MODELS_DIR', { timeout: 180_000 }, () => {
  it('labels every post, loads post_nlp, and labels nothing again on the next run', async () => {
    const hn = await startFakeAlgolia(() => HITS);
    servers.push(hn);
    const ws = await workspace(config(hn.url));
    const first = await pulse(['run', '--config', ws.config]);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/enrich\s+23 posts read, 0 already labelled; 23 labelled \(22 distinct texts computed at [\d.]+ posts\/s on cpu\)/);
    expect(first.stdout).toMatch(/1 nlp\/ files → post_nlp: 23 labels inserted, 0 updated/);
    const rows = await enriched(ws.dir);
    expect(rows).toHaveLength(23);
    for (const r of rows) {
      expect(r.text_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.sentiment).toMatch(/^(negative|neutral|positive)$/);
    }
    const kafka = rows.find((r) => r.post_id === 'hackernews:41000001')!;
    expect(kafka.sentiment).toBe('positive');
    expect(kafka.topics!.map((t) => t.label)).toContain('streaming');
    expect(kafka.entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'product', text: 'Kafka' })]));
    expect(rows.find((r) => r.post_id === 'hackernews:41000002')!.text_hash).toBe(kafka.text_hash);
    expect(rows.find((r) => r.post_id === 'hackernews:41000003')!.sentiment).toBe('negative');

    const again = await pulse(['enrich', '--config', ws.config]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/enrich\s+no new posts/);

    // A new setting is a new model version: every post is relabelled, and load updates them.
    await writeFile(ws.config, config(hn.url, 'nlp:\n  topics:\n    threshold: 0.9\n'));
    const relabel = await pulse(['run', '--config', ws.config]);
    expect(relabel.code).toBe(0);
    expect(relabel.stdout).toMatch(/enrich\s+23 posts read, 0 already labelled; 23 labelled/);
    expect(relabel.stdout).toMatch(/models or settings changed since the last run: every post is relabelled/);
    expect(relabel.stdout).toMatch(/1 nlp\/ files → post_nlp: 0 labels inserted, 23 updated/);
  });

  it('pulse enrich --shard: two shards, one killed and run again, one from Cloud Batch variables, load the labels of one unsharded run', async () => {
    const hn = await startFakeAlgolia(() => HITS);
    servers.push(hn);
    const single = await workspace(config(hn.url));
    expect((await pulse(['run', '--config', single.config])).code).toBe(0);

    const ws = await workspace(config(hn.url));
    expect((await pulse(['run', '--skip', 'enrich', '--config', ws.config])).code).toBe(0);
    const bad = await pulse(['enrich', '--shard', '3/2', '--config', ws.config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--shard: 3\/2 is not a shard: need 1 ≤ I ≤ N/);
    const noBatch = await pulse(['enrich', '--shard', 'auto', '--config', ws.config], { BATCH_TASK_INDEX: undefined, BATCH_TASK_COUNT: undefined });
    expect(noBatch.code).toBe(2);
    expect(noBatch.stderr).toMatch(/--shard auto: expected BATCH_TASK_INDEX and BATCH_TASK_COUNT/);

    // Killed (SIGKILL) right after writing its labels, before saving its progress.
    const killed = await pulse(['enrich', '--shard', '1/2', '--config', ws.config], { PULSE_TEST_CRASH_AT: 'enrich.written' });
    expect(killed.code).toBe(1);
    expect(killed.stdout).toMatch(/killed by SIGKILL/);
    const batch = await pulse(['enrich', '--shard', 'auto', '--config', ws.config], { BATCH_TASK_INDEX: '1', BATCH_TASK_COUNT: '2' });
    expect(batch.code).toBe(0);
    expect(batch.stdout).toMatch(/enrich\s+shard 2\/2: 23 posts read, \d+ in this shard, 0 already labelled/);
    const partway = await pulse(['status', '--config', ws.config]);
    expect(partway.stdout).toMatch(/enrich shard\s+labelled through\s+pending posts\/ files\s+saved at/);
    expect(partway.stdout).toMatch(/\n2\/2\s+part-\S+\.parquet\s+0\s+20\d\d-/);
    expect(partway.stdout).not.toMatch(/\n1\/2 /);
    const rerun = await pulse(['enrich', '--shard', '1/2', '--config', ws.config]);
    expect(rerun.code).toBe(0);
    // What the killed run wrote is kept: nothing left to compute.
    const m = /shard 1\/2: 23 posts read, (\d+) in this shard, (\d+) already labelled; 0 labelled/.exec(rerun.stdout);
    expect(m?.[1]).toBe(m?.[2]);
    const load = await pulse(['load', '--config', ws.config]);
    expect(load.stdout).toMatch(/nlp\/ files → post_nlp: 23 labels inserted, 0 updated/);
    expect(await enriched(ws.dir)).toEqual(await enriched(single.dir));

    // Each step run alone records its row of the history, the killed one too (by pulse, for it).
    const { db, conn } = await openDuckDB(path.join(ws.dir, 'data/warehouse.duckdb'), { readOnly: true });
    const history = await queryRows<{ step: string; status: string; finished: boolean }>(
      conn,
      `SELECT step, status, finished_at IS NOT NULL AS finished FROM pipeline_runs WHERE source = '*' ORDER BY started_at`,
    ).finally(() => (conn.closeSync(), db.closeSync()));
    expect(history.map((h) => [h.step, h.status, h.finished])).toEqual([
      ['scrape', 'ok', true], ['lake-write', 'ok', true], ['load', 'ok', true],
      ['enrich', 'failed', true], ['enrich', 'ok', true], ['enrich', 'ok', true], ['load', 'ok', true],
    ]);

    const st = JSON.parse((await pulse(['status', '--json', '--config', ws.config])).stdout);
    expect(st.enrich_shards.map((s: { shard: string; pending_posts_files: number }) => [s.shard, s.pending_posts_files])).toEqual([['1/2', 0], ['2/2', 0]]);
  }, 600_000);

  it('when the models cannot be had, enrich fails saying how to fix it, and load still loads the posts', async () => {
    const hn = await startFakeAlgolia(() => HITS);
    servers.push(hn);
    const ws = await workspace(config(hn.url));
    const empty = await mkdtemp(path.join(os.tmpdir(), 'pulse-no-models-'));
    const r = await pulse(['run', '--config', ws.config], { PULSE_MODELS_DIR: empty });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/enrich: failed: the NLP models could not be loaded: model Xenova\/distilbert-base-uncased-mnli \(topics\) is not in /);
    expect(r.stdout).toMatch(/pulse models pull/);
    expect(r.stdout).toMatch(/`pulse run --skip enrich`/);
    expect(r.stdout).toMatch(/load\s+1 Parquet files → .*: 23 posts inserted/);
    const rows = await enriched(ws.dir);
    expect(rows).toHaveLength(23);
    expect(rows.every((x) => x.sentiment === null)).toBe(true);

    // With the models back, the next run labels them all.
    const fixed = await pulse(['run', '--config', ws.config]);
    expect(fixed.code).toBe(0);
    expect((await enriched(ws.dir)).every((x) => x.sentiment !== null)).toBe(true);
  });

  it('pulse models pull downloads the missing models from the hub (HF_ENDPOINT) into PULSE_MODELS_DIR', async () => {
    const source = await tinyModelsDir();
    // A stand-in for the Hugging Face hub on loopback: /{org}/{name}/resolve/{revision}/{file}.
    const hub = createServer((req, res) => {
      const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
      const file = m ? path.join(source, m[1]!, m[3]!) : '';
      void (file ? stat(file).catch(() => null) : Promise.resolve(null)).then((s) => {
        if (!s?.isFile()) return void res.writeHead(404).end('Entry not found');
        res.writeHead(200, { 'content-length': s.size, 'content-type': 'application/octet-stream' });
        if (req.method === 'HEAD') res.end();
        else createReadStream(file).pipe(res);
      });
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    try {
      const ws = await workspace('sources: []\n');
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-pulled-'));
      const env = { PULSE_MODELS_DIR: dir, HF_ENDPOINT: `http://127.0.0.1:${(hub.address() as AddressInfo).port}` };
      const pulled = await pulse(['models', 'pull', '--config', ws.config], env);
      expect(pulled.code).toBe(0);
      expect(pulled.stdout).toMatch(/topics\s+Xenova\/distilbert-base-uncased-mnli@main q8\s+pulled, [\d.]+ MB/);
      expect(pulled.stdout).toMatch(/sentiment\s+Xenova\/twitter-roberta-base-sentiment-latest@main q8\s+pulled/);
      const again = await pulse(['models', 'pull', '--config', ws.config], env);
      expect(again.stdout.match(/already present/g)).toHaveLength(3);
      expect((await pulse(['models', 'verify', '--config', ws.config], { PULSE_MODELS_DIR: dir })).code).toBe(0);
      const nowhere = await pulse(['models', 'pull', '--config', ws.config], { PULSE_MODELS_DIR: '' });
      expect(nowhere.code).toBe(1);
      expect(nowhere.stderr).toMatch(/pulse models pull needs a models directory: set PULSE_MODELS_DIR or nlp.modelsDir/);
    } finally {
      await new Promise<void>((resolve) => hub.close(() => resolve()));
    }
  });

  it('pulse models list and verify say what is present and whether it runs', async () => {
    const ws = await workspace('sources: []\n');
    const listed = await pulse(['models', 'list', '--config', ws.config]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`models from models folder ${await tinyModelsDir()} (offline: nothing is downloaded, from PULSE_MODELS_DIR)`);
    expect(listed.stdout).toMatch(/topics\s+Xenova\/distilbert-base-uncased-mnli@main q8\s+present, [\d.]+ MB/);
    expect(listed.stdout).toMatch(/entities\s+Xenova\/bert-base-NER@main q8\s+present/);
    expect(listed.stdout).toMatch(/sentiment\s+Xenova\/twitter-roberta-base-sentiment-latest@main q8\s+present/);

    const verified = await pulse(['models', 'verify', '--config', ws.config]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/sentiment\s+Xenova\/twitter-roberta-base-sentiment-latest\s+ok in \d+ ms: positive/);
    expect(verified.stdout).toMatch(/entities\s+Xenova\/bert-base-NER\s+ok in \d+ ms: .*Airflow \(product\)/);

    const empty = await mkdtemp(path.join(os.tmpdir(), 'pulse-no-models-'));
    const missing = await pulse(['models', 'list', '--config', ws.config], { PULSE_MODELS_DIR: empty });
    expect(missing.stdout).toMatch(/topics\s+Xenova\/distilbert-base-uncased-mnli@main q8\s+missing config\.json, tokenizer\.json/);
    expect(missing.stdout).toMatch(/pulse models pull/);
    // Missing models are a failure for scripts too (verify says the same).
    expect(missing.stdout).toMatch(/3 of 3 configured models are missing/);
    expect(missing.code).toBe(1);
    expect((await pulse(['models', 'list', '--json', '--config', ws.config], { PULSE_MODELS_DIR: empty })).code).toBe(1);
    const failing = await pulse(['models', 'verify', '--config', ws.config], { PULSE_MODELS_DIR: empty });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/topics\s+Xenova\/distilbert-base-uncased-mnli\s+FAILED: model .* is not in/);
  });
});
