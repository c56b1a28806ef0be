import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '@social-pulse/config';
import { GcsStore, LocalStore, mergePosts, nlpFiles, nlpShardOf, nlpShardProgress, parseNlpShard, readNlpRows, type LakeStore } from '@social-pulse/lake';
import { fakeGcsClient, startFakeGcs, type FakeGcs } from '@social-pulse/lake/testing';
import { postText, prepareText } from '@social-pulse/nlp';
import { withTinyModels, type TinyModels } from '@social-pulse/nlp/testing';
import type { StepContext } from '@social-pulse/pipeline';
import { createLogger, openDuckDB, queryRows, sqlStringList } from '@social-pulse/runtime';
import type { Post, PostNlp } from '@social-pulse/schema';
import { SHARD_ENV } from '@social-pulse/nlp';
import { enrich, type EnrichOptions } from '../src/enrich.ts';

let tiny: TinyModels;
let gcs: FakeGcs;
beforeAll(async () => {
  tiny = await withTinyModels();
  gcs = await startFakeGcs({ buckets: ['shard-bkt'] });
});
afterAll(() => gcs.close());

const post = (id: string, text: string, over: Partial<Post> = {}): Post => ({
  post_id: `mastodon:${id}`, source: 'mastodon', native_id: id, url: `https://mastodon.social/@a/${id}`,
  kind: 'post', parent_id: null, conversation_id: null, author_id: 'a', author_handle: 'a', author_name: 'A',
  author_followers: null, created_at: '2026-11-20T10:00:00.000Z', collected_at: '2026-11-21T00:00:00.000Z',
  lang: 'en', title: null, text, like_count: 1, repost_count: 0, reply_count: 0, quote_count: null,
  score: null, hashtags: [], mentions: [], links: [], queries: ['q'], extra: null, ...over,
});

const TEXTS = [
  'Streaming Kafka into Snowflake is great',
  'The Airflow scheduler outage was terrible',
  'dbt models on BigQuery are fine I guess',
  'Spark jobs keep failing on Kubernetes, awful week',
  'Loving the new Flink release, streaming done right',
  'Postgres replication lag again today',
  'Our Dagster migration went smoothly',
  'Iceberg tables on S3 are the future of the lakehouse',
];
/** 24 posts over two days and two posts/ files; every text three times (cross-posts, reposts). */
const BATCH_1 = TEXTS.flatMap((t, i) => [post(`${i}a`, `${t} @alice https://example.com/${i}`), post(`${i}b`, `${t} @bob https://example.org/${i}`, { created_at: '2026-11-21T09:00:00.000Z' })]);
const BATCH_2 = TEXTS.map((t, i) => post(`${i}c`, `${t} @carol https://example.net/${i}`, { created_at: '2026-11-22T09:00:00.000Z' }));
const IDS = [...BATCH_1, ...BATCH_2].map((p) => p.post_id);

/** The newest labels of every post, without the enrichment time (which differs by run). */
async function labels(lake: LakeStore): Promise<Record<string, Omit<PostNlp, 'enriched_at'>>> {
  const rows = await readNlpRows(lake, IDS);
  return Object.fromEntries(rows.map(({ enriched_at: _, ...r }) => [r.post_id, r]));
}

/** Every label row ever written (not only the newest): what tells "labelled twice" apart. */
async function allRows(lake: LakeStore): Promise<{ post_id: string; n: number }[]> {
  const files = await nlpFiles(lake);
  const paths = await Promise.all(files.map((f) => lake.localPath(f.key)));
  const { db, conn } = await openDuckDB(':memory:');
  try {
    const rows = await queryRows<{ post_id: string; n: bigint }>(
      conn,
      `SELECT post_id, count(*) AS n FROM read_parquet(${sqlStringList(paths)}, hive_partitioning = false) GROUP BY post_id ORDER BY post_id`,
    );
    return rows.map((r) => ({ post_id: r.post_id, n: Number(r.n) }));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

let prefixes = 0;
const backends: [string, () => Promise<LakeStore>][] = [
  ['a local lake', async () => new LocalStore(path.join(await mkdtemp(path.join(os.tmpdir(), 'pulse-shard-')), 'lake'))],
  [
    'a Cloud Storage lake',
    async () =>
      new GcsStore({ storage: fakeGcsClient(gcs.url), bucket: 'shard-bkt', prefix: `lake${prefixes++}`, cacheDir: await mkdtemp(path.join(os.tmpdir(), 'pulse-shard-cache-')) }),
  ],
];

let runs = 0;
async function stepper(lake: LakeStore) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-shard-ws-'));
  const file = path.join(dir, 'pulse.config.yaml');
  await writeFile(file, '# written by the test\n');
  const config = resolveConfig(
    {
      lake: './lake', warehouse: 'duckdb:./wh.duckdb', sources: [],
      nlp: { modelsDir: tiny.dir, threads: 1, topics: { model: tiny.ids.nli }, entities: { model: tiny.ids.ner }, sentiment: { model: tiny.ids.sentiment } },
    },
    file,
    { env: {} },
  );
  return (shard?: string, opts: Omit<EnrichOptions, 'lake'> & { env?: NodeJS.ProcessEnv; store?: LakeStore } = {}) => {
    const ctx: StepContext = {
      config, runId: `20261124T1000${String(runs++).padStart(2, '0')}Z-abcdef`, log: createLogger('enrich'),
      env: { ...(shard ? { [SHARD_ENV]: shard } : {}), ...opts.env }, signal: new AbortController().signal,
    };
    return enrich(ctx, { lake: opts.store ?? lake, ...(opts.chunkPosts ? { chunkPosts: opts.chunkPosts } : {}) });
  };
}

/** A store that dies right after its `n`th nlp/ upload has completed, like a process killed there. */
function killedAfterUpload(store: LakeStore, n: number): LakeStore {
  let uploads = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'upload') {
        return async (key: string, local: string, o?: object) => {
          const generation = await target.upload(key, local, o);
          if (key.startsWith('nlp/') && ++uploads === n) throw new Error('killed');
          return generation;
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('shards', () => {
  it('are parsed from I/N or from Cloud Batch, and refuse nonsense clearly', () => {
    expect(parseNlpShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseNlpShard('auto', { BATCH_TASK_INDEX: '0', BATCH_TASK_COUNT: '3' })).toEqual({ index: 1, count: 3 });
    expect(() => parseNlpShard('auto', {})).toThrow(/BATCH_TASK_INDEX and BATCH_TASK_COUNT/);
    expect(() => parseNlpShard('0/4')).toThrow(/need 1 ≤ I ≤ N/);
    expect(() => parseNlpShard('5/4')).toThrow(/need 1 ≤ I ≤ N/);
    expect(() => parseNlpShard('two')).toThrow(/expected I\/N/);
  });

  it('split this test data over every shard (else the tests below prove little)', () => {
    const of = (n: number) => new Set(TEXTS.map((t) => nlpShardOf(prepareText(postText({ text: `${t} @x https://x.y/z`, title: null })), n)));
    expect(of(3).size).toBe(3);
    // Identical prepared texts (other handle, other link) land together.
    expect(nlpShardOf(prepareText(BATCH_1[0]!.text), 3)).toBe(nlpShardOf(prepareText(BATCH_1[1]!.text), 3));
  });
});

describe.each(backends)('pulse enrich --shard I/N on %s', (_name, open) => {
  let expected: Record<string, Omit<PostNlp, 'enriched_at'>>;
  let textsComputed: number;

  beforeAll(async () => {
    const lake = await open();
    const step = await stepper(lake);
    await mergePosts(lake, BATCH_1, 'r1');
    await mergePosts(lake, BATCH_2, 'r2');
    const one = await step();
    textsComputed = one.details!.textsComputed as number;
    expected = await labels(lake);
    expect(Object.keys(expected)).toHaveLength(IDS.length);
    expect(textsComputed).toBe(TEXTS.length);
  }, 120_000);

  it('run one after another, give the labels of one unsharded run, each text computed in one shard only', { timeout: 120_000 }, async () => {
    const lake = await open();
    const step = await stepper(lake);
    await mergePosts(lake, BATCH_1, 'r1');
    await mergePosts(lake, BATCH_2, 'r2');
    const reports = [];
    for (const s of ['3/3', '1/3', '2/3']) reports.push(await step(s));
    expect(await labels(lake)).toEqual(expected);
    // Each distinct text computed once over all shards, each post labelled once.
    expect(reports.reduce((n, r) => n + (r.details!.textsComputed as number), 0)).toBe(textsComputed);
    expect(reports.reduce((n, r) => n + (r.details!.inShard as number), 0)).toBe(IDS.length);
    expect((await allRows(lake)).every((r) => r.n === 1)).toBe(true);
    expect(reports[0]!.lines[0]).toMatch(/^enrich        shard 3\/3: 24 posts read, \d+ in this shard, 0 already labelled/);
    expect((await nlpFiles(lake)).every((f) => /\/part-20261124T\d+Z-abcdef-shard-[123]-of-3-\d{6}\.parquet$/.test(f.key))).toBe(true);

    // Run again, in another order: nothing to do, nothing written.
    const files = (await nlpFiles(lake)).length;
    for (const s of ['2/3', '3/3', '1/3']) expect(await step(s)).toMatchObject({ rowsOut: 0, lines: [`enrich        shard ${s}: no new posts`] });
    expect((await nlpFiles(lake)).length).toBe(files);

    // Each shard's progress is its own.
    const progress = await nlpShardProgress(lake);
    expect(progress.map((p) => [`${p.shard.index}/${p.shard.count}`, p.pendingPostsFiles])).toEqual([['1/3', 0], ['2/3', 0], ['3/3', 0]]);
    expect(progress.every((p) => p.postsThrough && p.updatedAt)).toBe(true);

    // New posts: a shard that has not run yet shows them as pending; an edited post moves to its new text's shard.
    await mergePosts(lake, [post('0a', 'Postgres replication lag again today, still', { collected_at: '2026-11-23T00:00:00.000Z' })], 'r3');
    expect((await nlpShardProgress(lake)).map((p) => p.pendingPostsFiles)).toEqual([1, 1, 1]);
    for (const s of ['1/3', '2/3', '3/3']) await step(s);
    const relabelled = await labels(lake);
    expect(relabelled['mastodon:0a']!.text_hash).not.toBe(expected['mastodon:0a']!.text_hash);
    const byUnsharded = await open();
    const single = await stepper(byUnsharded);
    await mergePosts(byUnsharded, BATCH_1, 'r1');
    await mergePosts(byUnsharded, BATCH_2, 'r2');
    await single();
    await mergePosts(byUnsharded, [post('0a', 'Postgres replication lag again today, still', { collected_at: '2026-11-23T00:00:00.000Z' })], 'r3');
    await single();
    expect(relabelled).toEqual(await labels(byUnsharded));
  });

  it('run concurrently, give the same labels', { timeout: 120_000 }, async () => {
    const lake = await open();
    const step = await stepper(lake);
    await mergePosts(lake, BATCH_1, 'r1');
    await mergePosts(lake, BATCH_2, 'r2');
    const reports = await Promise.all(['1/4', '2/4', '3/4', '4/4'].map((s) => step(s)));
    expect(reports.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await labels(lake)).toEqual(expected);
    expect(reports.reduce((n, r) => n + (r.details!.textsComputed as number), 0)).toBe(textsComputed);
    expect((await allRows(lake)).every((r) => r.n === 1)).toBe(true);
  });

  it('one killed mid-way and run again resumes: same labels, nothing labelled twice', { timeout: 120_000 }, async () => {
    const lake = await open();
    const step = await stepper(lake);
    await mergePosts(lake, BATCH_1, 'r1');
    await mergePosts(lake, BATCH_2, 'r2');
    // Small chunks, so the shard writes several files; it dies after the first.
    const killed = await step('2/2', { chunkPosts: 2, store: killedAfterUpload(lake, 1) }).catch((e: unknown) => e);
    expect(killed).toMatchObject({ message: 'killed' });
    const partial = (await allRows(lake)).length;
    expect(partial).toBeGreaterThan(0);
    // Its progress was not saved: it is read again from the start.
    expect(await nlpShardProgress(lake)).toEqual([]);
    await step('1/2');
    const again = await step('2/2', { chunkPosts: 2 });
    expect(again.details).toMatchObject({ upToDate: partial });
    expect(await labels(lake)).toEqual(expected);
    expect((await allRows(lake)).every((r) => r.n === 1)).toBe(true);
  });
});
