import { postNlp, posts as postsTable, type Post } from '@social-pulse/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLUPS, ROLLUPS_VERSION } from '../rollups.ts';
import { emulatorClientOptions, parquetOf, sampleNlp, samplePost, startFakeBigQuery, type FakeBigQuery } from '../testing/index.ts';
import { BigQueryWarehouse } from './warehouse.ts';

/**
 * The BigQuery rollups, run by the fake (DuckDB behind GoogleSQL's spelling): after loads of
 * posts, late posts, newer states and labels, every rollup table holds exactly the rows the
 * DuckDB dialect's definition computes from the same posts and labels, so the two dialects
 * agree, and the MERGE of a load leaves the days it did not touch alone.
 */
const objects = new Map<string, Buffer>();
let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ project: 'pulse-test', readObject: (bucket, name) => objects.get(`gs://${bucket}/${name}`) });
});
afterAll(() => fake.close());

let files = 0;
async function gs(table: typeof postsTable | typeof postNlp, rows: object[]): Promise<string> {
  const uri = `gs://b/${table.name}-${files++}.parquet`;
  const { readFile } = await import('node:fs/promises');
  objects.set(uri, await readFile(await parquetOf(table, rows)));
  return uri;
}

const day = (d: number, h: number) => new Date(Date.UTC(2026, 10, d, h, d * 7 % 60)).toISOString();
function post(i: number, d: number, over: Partial<Post> = {}): Post {
  const source = (['x', 'mastodon', 'bluesky'] as const)[i % 3]!;
  return samplePost(String(i), {
    post_id: `${source}:${i}`, source, author_id: `a${i % 5}`, author_handle: `h${i % 5}`, created_at: day(d, i % 24), lang: i % 4 === 0 ? null : 'en',
    like_count: i % 7, hashtags: i % 2 ? ['sql', 'sql', 'dbt'] : ['rust'],
    links: i % 3 ? [`https://e.com/${i % 4}`] : [], extra: source === 'mastodon' ? JSON.stringify({ card_title: `Card ${i % 3}` }) : null, ...over,
  });
}

describe('BigQuery rollups', () => {
  it('equal, after several loads, what the DuckDB definition computes from the same posts and labels', async () => {
    const w = new BigQueryWarehouse({ project: 'pulse-test', dataset: 'rollups', client: emulatorClientOptions(fake.url) });
    await w.ensureSchema();
    // A new dataset's rollup tables are labelled built (the next open runs no query for them).
    expect(fake.tables.get('rollups.rollup_daily')?.labels).toEqual({ pulse_rollups: `v${ROLLUPS_VERSION}` });

    const first = Array.from({ length: 60 }, (_, i) => post(i, 10 + (i % 6), i === 0 ? { hashtags: ['rust', 'once'] } : {}));
    await w.loadPosts([await gs(postsTable, first)]);
    const nlp = (p: Post, i: number) => sampleNlp(p.post_id.split(':')[1]!, {
      post_id: p.post_id, created_at: p.created_at, sentiment: i % 3 ? 'positive' : 'negative',
      entities: i % 2 ? [{ type: 'product', text: 'DuckDB', score: 0.9 }, { type: 'product', text: 'duckdb', score: 0.8 }] : [{ type: 'corporation', text: 'Google', score: 0.9 }],
    });
    await w.loadNlp([await gs(postNlp, first.slice(0, 40).map(nlp))]);
    // Late posts for an old day, a newer state of some posts, labels for the rest.
    const late = Array.from({ length: 10 }, (_, i) => post(100 + i, 3));
    // Posts of September too: the monthly tiers then refresh two months that do not touch.
    late.push(...Array.from({ length: 3 }, (_, i) => post(200 + i, 3, { created_at: `2026-09-0${i + 1}T08:00:00.000Z` })));
    // Post 0 drops its tag 'once' (that author's only use of it: the span goes), post 1 'dbt'.
    const again = first.slice(0, 10).map((p, i) => ({ ...p, collected_at: '2026-11-22T00:00:00.000Z', like_count: 99, ...(i < 2 ? { hashtags: i ? ['sql'] : ['rust'] } : {}) }));
    await w.loadPosts([await gs(postsTable, [...late, ...again])]);
    await w.loadNlp([await gs(postNlp, [...first.slice(40), ...late].map(nlp))]);

    for (const r of ROLLUPS) {
      // author_key is each dialect's own fingerprint (AUTHOR_KEY): BigQuery's, as the fake computes
      // FARM_FINGERPRINT, of the same source and author_id; every other column equal.
      const keyed = r.table.fields.some((f) => f.name === 'author_key');
      if (keyed) {
        expect(await fake.sql(`SELECT count(*) AS n FROM rollups.${r.table.name} WHERE author_key IS DISTINCT FROM CAST(hash(source || ':' || author_id) >> 1 AS BIGINT)`), r.table.name).toEqual([{ n: 0n }]);
      }
      const cols = r.table.fields.filter((f) => f.name !== 'author_key').map((f) => `"${f.name}"`).join(', ');
      const have = await fake.sql(`SELECT ${cols} FROM rollups.${r.table.name} ORDER BY ALL`);
      const duck = r.duckdb('TRUE', 'TRUE').replaceAll(/FROM (posts|rollup_\w+) AS p/g, 'FROM rollups.$1 AS p').replaceAll('JOIN post_nlp AS n', 'JOIN rollups.post_nlp AS n');
      const want = await fake.sql(`SELECT ${cols} FROM (${duck}) ORDER BY ALL`);
      expect(have.length, r.table.name).toBeGreaterThan(0);
      expect(have, r.table.name).toEqual(want);
    }
    expect(await fake.sql(`SELECT count(*) AS n FROM rollups.rollup_hashtag_spans WHERE tag = 'once'`)).toEqual([{ n: 0n }]);
    const [{ n }] = await fake.sql<{ n: bigint }>(`SELECT sum(posts) AS n FROM rollups.rollup_daily`) as [{ n: bigint }];
    expect(Number(n)).toBe(73);
  });
});
