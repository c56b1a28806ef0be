import type { DqCheck, EventRow, PipelineRun, Post, PostMetric, PostNlp } from '@social-pulse/schema';
import type { SourceName } from '@social-pulse/sources/specs';
import { makeMetric, makeNlp, makePost, makeRun } from './seed.ts';
import { seededRandom } from '@social-pulse/runtime';

/** Seeded, so that runs are the same on every machine and replayable. */
const prng = seededRandom;

const SUBJECTS: [string, string, PostNlp['entities'][number]['type'], string][] = [
  // [text fragment, entity, entity type, topic]
  ['DuckDB 1.5 reads our Parquet lake twice as fast', 'DuckDB', 'product', 'databases'],
  ['moving our DAGs from Airflow to Dagster', 'Dagster', 'product', 'orchestration'],
  ['Snowflake credits doubled this quarter', 'Snowflake', 'corporation', 'cloud costs'],
  ['Iceberg tables on object storage without a catalog server', 'Iceberg', 'product', 'lakehouse'],
  ['dbt tests caught a broken join before the board meeting', 'dbt', 'product', 'data quality'],
  ['Kafka consumer lag explained with one chart', 'Kafka', 'product', 'streaming'],
  ['BigQuery slots vs on-demand: what we pay', 'Google', 'corporation', 'cloud costs'],
  ['Databricks acquired another startup', 'Databricks', 'corporation', 'industry'],
  ['Polars replaced pandas in our nightly job', 'Polars', 'product', 'tooling'],
  ['hiring a senior data engineer, remote EU', 'Spotify', 'corporation', 'careers'],
];
const AUTHORS: [SourceName, string, string][] = [
  ['mastodon', 'hannes@fosstodon.org', 'Hannes'], ['mastodon', 'juliette@mastodon.social', 'Juliette'], ['mastodon', 'kai@hachyderm.io', 'Kai'],
  ['mastodon', 'mira@mastodon.social', 'Mira'], ['hackernews', 'pg_fan', 'pg_fan'], ['hackernews', 'lakehouse_larry', 'lakehouse_larry'],
  ['hackernews', 'tptacek2', 'tptacek2'], ['bluesky', 'ana.bsky.social', 'Ana'], ['bluesky', 'datadan.bsky.social', 'Dan'],
  ['reddit', 'u/etl_enjoyer', 'etl_enjoyer'], ['stackexchange', 'so-4411', 'Priya'],
];
const TAGS = ['dataengineering', 'duckdb', 'sql', 'python', 'analytics', 'opensource', 'lakehouse', 'dbt'];
/** Links by subject (index in SUBJECTS), so a story's title describes the link it shares. */
const SITES: Record<number, string> = {
  0: 'https://duckdb.org/2026/11/18/announcing-duckdb-150', 1: 'https://dagster.io/blog/migrating-from-airflow',
  3: 'https://iceberg.apache.org/docs/latest/', 4: 'https://www.getdbt.com/blog/data-tests', 8: 'https://pola.rs/posts/polars-1-0',
};

/**
 * Two months of plausible posts ending at `end` (more lately), with labels, run history, checks,
 * the count history of the last two days' posts (post_metrics: first fetch and refreshes) and
 * two events.
 */
export function demoData(end: Date, count = 600): { posts: Post[]; nlp: PostNlp[]; runs: PipelineRun[]; checks: DqCheck[]; metrics: PostMetric[]; events: EventRow[] } {
  const r = prng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const posts: Post[] = [];
  const nlp: PostNlp[] = [];
  for (let i = 0; i < count; i++) {
    // More posts lately, and a burst about DuckDB in the last days.
    const ageH = Math.pow(r(), 1.4) * 60 * 24;
    const created = new Date(end.getTime() - ageH * 3_600_000 - 60_000);
    const k = ageH < 72 && r() < 0.35 ? 0 : Math.floor(r() * SUBJECTS.length);
    const s = SUBJECTS[k]!;
    const [source, handle, name] = pick(AUTHORS);
    const big = Math.floor(Math.exp(r() * 5));
    const story = source === 'hackernews' || source === 'reddit' || source === 'stackexchange';
    const link = SITES[k] !== undefined && r() < 0.5 ? SITES[k] : null;
    posts.push(makePost(`d${i}`, {
      source, author_id: handle, author_handle: handle, author_name: name, created_at: created.toISOString(),
      kind: source === 'stackexchange' ? 'question' : story ? 'story' : 'post',
      title: story ? s[0].replace(/^./, (c) => c.toUpperCase()) : null,
      text: story ? '' : `${s[0].replace(/^./, (c) => c.toUpperCase())}. ${pick(['Thoughts?', 'Details in the thread.', 'Numbers below.', 'Worth a read.'])}`,
      url: `https://example.org/${source}/${i}`, lang: r() < 0.85 ? 'en' : pick(['de', 'fr', 'es']),
      like_count: story ? null : big, repost_count: story ? null : Math.floor(big / 3), reply_count: Math.floor(big / 4),
      score: story ? big * 6 : null, hashtags: [...new Set(['dataengineering', pick(TAGS)])], links: link ? [link] : [],
    }));
    nlp.push(makeNlp(`${source}:d${i}`, {
      topics: [{ label: s[3], score: 0.9 }],
      entities: [{ type: s[2], text: s[1], score: 0.95 }],
      sentiment: pick(['positive', 'neutral', 'neutral', 'negative']),
    }));
  }
  const ago = (min: number) => new Date(end.getTime() - min * 60_000).toISOString();
  const runs: PipelineRun[] = [
    ...['mastodon', 'hackernews', 'bluesky', 'reddit', 'stackexchange'].map((source, k) =>
      makeRun({ run_id: 'demo-2', step: 'scrape', source, started_at: ago(42), finished_at: ago(40 - k), rows_out: 20 + k * 7 })),
    makeRun({ run_id: 'demo-1', step: 'scrape', source: 'x', started_at: ago(60 * 9), finished_at: ago(60 * 9 - 1), rows_out: 12 }),
    makeRun({ run_id: 'demo-2', step: 'scrape', source: 'x', started_at: ago(42), finished_at: ago(41), status: 'failed', error: 'HTTP 429: monthly cap reached' }),
    makeRun({ run_id: 'demo-2', step: 'lake-write', source: '*', started_at: ago(35), finished_at: ago(34), rows_out: 140 }),
    makeRun({ run_id: 'demo-2', step: 'enrich', source: '*', started_at: ago(34), finished_at: ago(31), rows_out: 140 }),
    makeRun({ run_id: 'demo-2', step: 'load', source: '*', started_at: ago(31), finished_at: ago(30), rows_out: 140 }),
  ];
  const check = (check_name: string, source: string, status: DqCheck['status'], observed: number, expected: string, message: string | null): DqCheck => ({
    run_id: 'demo-2', check_name, source, status, severity: status === 'fail' ? 'error' : 'warn', observed, expected, message, checked_at: ago(29),
  });
  const checks = [
    check('post_id_unique', '*', 'pass', 0, '= 0', null),
    check('required_not_null', '*', 'pass', 0, '= 0', null),
    check('freshness', 'x', 'fail', 9, '< 2 h', 'no successful scrape of x for 9 h'),
    check('volume_in_range', 'mastodon', 'pass', 31, '8..60 (median 24 of 12 runs)', null),
  ];
  // Each post of the last 48 h was observed when first fetched and at each hourly refresh since;
  // its counts grew along a curve of its own (some still rising fast, most levelling off).
  const metrics: PostMetric[] = [];
  for (const p of posts) {
    const created = Date.parse(p.created_at);
    if (end.getTime() - created > 48 * 3_600_000) continue;
    const rising = r() < 0.25;
    for (let t = created + 5 * 60_000; t < end.getTime(); t += 3_600_000) {
      const f = rising ? Math.pow((t - created) / (end.getTime() - created), 2) : 1 - Math.exp(-(t - created) / 7_200_000);
      const scale = (n: number | null) => (n === null ? null : Math.round(n * f));
      metrics.push(makeMetric(p.post_id, new Date(t).toISOString(), {
        like_count: scale(p.like_count), repost_count: scale(p.repost_count), reply_count: scale(p.reply_count), score: scale(p.score),
      }));
    }
  }
  const event = (kind: EventRow['kind'], key: string, startH: number, lastH: number, observed: number, expected: number, status: EventRow['status']): EventRow => ({
    event_id: `demo-${kind}-${key}`, kind, key, started_at: ago(startH * 60), last_seen_at: ago(lastH * 60), observed, expected,
    score: 2 * (Math.sqrt(observed) - Math.sqrt(expected)), status, detected_at: ago(startH * 60 - 30), updated_at: ago(lastH * 60 - 30),
    notified_at: ago(startH * 60 - 31), notify_attempts: 1, notify_error: null,
  });
  const events = [
    event('entity', 'product:duckdb', 40, 30, 14, 1.5, 'open'),
    event('hashtag', 'lakehouse', 24 * 12, 24 * 12 - 2, 12, 0.8, 'closed'),
  ];
  return { posts, nlp, runs, checks, metrics, events };
}
