/**
 * A synthetic, deterministic corpus shaped like the posts social-pulse collects: mostly
 * short posts, some paragraphs, a few long Reddit/Hacker News texts, with data-engineering
 * vocabulary, handles and links. Every text is distinct, so no result comes from a cache.
 */
import { seededRandom } from '@social-pulse/runtime';

export const TOPIC_WORDS = [
  'kafka', 'flink', 'streaming', 'airflow', 'dagster', 'dbt', 'snowflake', 'bigquery', 'duckdb', 'iceberg',
  'parquet', 'lakehouse', 'etl', 'elt', 'batch', 'nightly', 'schema', 'lineage', 'governance', 'postgres',
  'ml', 'llm', 'ai', 'cost', 'cloud', 'job', 'interview', 'tooling', 'warehouse', 'quality', 'tests',
];
export const OTHER_WORDS = [
  'our', 'the', 'team', 'moved', 'pipeline', 'pipelines', 'data', 'is', 'great', 'slow', 'broken', 'love',
  'today', 'with', 'and', 'from', 'to', 'we', 'just', 'new', 'really', 'code', 'runs', 'week', 'not',
  'London', 'Berlin', 'Ada', 'Lovelace', 'Google', 'Microsoft', 'Databricks', 'a', 'of', 'for', 'on',
];

/** Seeded, so that runs are the same on every machine and replayable. */
const prng = seededRandom;

export interface BenchPost {
  post_id: string;
  created_at: string;
  text: string;
}

/** Word count of a post: 60% short (8–25), 30% medium (25–60), 10% long (60–300). */
function wordCount(r: () => number): number {
  const u = r();
  if (u < 0.6) return 8 + Math.floor(r() * 18);
  if (u < 0.9) return 25 + Math.floor(r() * 36);
  return 60 + Math.floor(r() * 241);
}

export function corpus(n: number, seed = 42): BenchPost[] {
  const r = prng(seed);
  const pick = (xs: readonly string[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const words: string[] = [];
    const count = wordCount(r);
    for (let k = 0; k < count; k++) words.push(r() < 0.3 ? pick(TOPIC_WORDS) : pick(OTHER_WORDS));
    if (r() < 0.3) words.unshift('@someone');
    if (r() < 0.3) words.push('https://example.com/p/' + i);
    words.push(`#${i}`);
    return { post_id: `bench:${i}`, created_at: '2026-11-24T00:00:00.000Z', text: words.join(' ') };
  });
}

/** Mean words per post, for the report. */
export function meanWords(posts: readonly BenchPost[]): number {
  return posts.reduce((s, p) => s + p.text.split(' ').length, 0) / Math.max(1, posts.length);
}
