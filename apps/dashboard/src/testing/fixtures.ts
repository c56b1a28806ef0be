import type { DqCheck, PipelineRun, Post, PostNlp } from '@social-pulse/schema';
import { makeNlp, makePost, makeRun } from './seed.ts';

/** The instant the known view ends at: `?period=7d&end=…` shows exactly the posts below. */
export const END = '2026-11-24T12:00:00.000Z';
const at = (hoursBeforeEnd: number) => new Date(Date.parse(END) - hoursBeforeEnd * 3_600_000).toISOString();
const minutesAgo = (m: number) => new Date(Date.parse(END) - m * 60_000).toISOString();

/** Hostile values in every field the page shows: all must come out as text. */
export const HOSTILE = {
  text: '<img src=x onerror=alert(1)>',
  handle: '<script>alert(2)</script>',
  name: '<img src=x onerror=alert(3)>',
  hashtag: '<b>bold</b>',
  link: 'javascript:alert(4)',
  url: 'javascript:alert(5)',
  entity: '<svg onload=alert(6)>',
  topic: '<i>topic</i>',
};

/**
 * A small warehouse with known numbers (period 7 days to END, and the 7 days before):
 * current: 6 posts, 5 authors, 2 sources, engagement 225; previous: 2 posts, 2 authors,
 * 2 sources, engagement 10.
 */
export function knownData(): { posts: Post[]; nlp: PostNlp[]; runs: PipelineRun[]; checks: DqCheck[] } {
  const posts: Post[] = [
    makePost('m1', {
      source: 'mastodon', author_id: 'alice', author_handle: 'alice@mastodon.social', author_name: 'Alice', created_at: at(26),
      text: 'DuckDB 1.5 makes Parquet merges fast', like_count: 10, repost_count: 5, reply_count: 1, quote_count: null,
      hashtags: ['duckdb', 'dataengineering'], links: ['https://duckdb.org/2026/11/release'], url: 'https://mastodon.social/@alice/1',
      extra: JSON.stringify({ card_title: 'DuckDB 1.5 released' }),
    }),
    makePost('m2', {
      source: 'mastodon', author_id: 'bob', author_handle: 'bob@fosstodon.org', author_name: 'Bob', created_at: at(100),
      text: 'Airflow or Dagster for a small team?', like_count: 2, repost_count: 0, reply_count: 4, hashtags: ['dataengineering', 'airflow'],
      url: 'https://fosstodon.org/@bob/2',
    }),
    makePost('m3', {
      source: 'mastodon', author_id: 'alice', author_handle: 'alice@mastodon.social', author_name: 'Alice', created_at: at(147),
      text: 'Ein Beitrag über Spark', lang: 'de', like_count: 2, repost_count: 0, reply_count: 0, hashtags: ['spark'],
      url: 'https://mastodon.social/@alice/3',
    }),
    makePost('h1', {
      source: 'hackernews', kind: 'story', author_id: 'carol', author_handle: 'carol', author_name: 'carol', created_at: at(45), lang: null,
      title: 'Show HN: A Parquet lake in TypeScript', text: '', score: 120, reply_count: 30, links: ['https://github.com/example/lake'],
      url: 'https://news.ycombinator.com/item?id=1',
    }),
    makePost('h2', {
      source: 'hackernews', kind: 'story', author_id: 'dave', author_handle: 'dave', author_name: 'dave', created_at: at(120), lang: null,
      title: 'Snowflake raises prices', text: '', score: 40, reply_count: 10, links: ['https://www.example.com/snowflake-prices'],
      url: 'https://news.ycombinator.com/item?id=2',
    }),
    makePost('x1', {
      source: 'mastodon', author_id: 'mallory', author_handle: HOSTILE.handle, author_name: HOSTILE.name, created_at: at(25),
      text: HOSTILE.text, like_count: 1, repost_count: 0, reply_count: 0, hashtags: [HOSTILE.hashtag], links: [HOSTILE.link], url: HOSTILE.url,
    }),
    // The previous period.
    makePost('p1', { source: 'mastodon', author_id: 'erin', author_handle: 'erin@mastodon.social', author_name: 'Erin', created_at: at(24 * 9), like_count: 3 }),
    makePost('p2', { source: 'hackernews', kind: 'story', author_id: 'carol', author_handle: 'carol', author_name: 'carol', created_at: at(24 * 12), title: 'Old story', text: '', score: 7, lang: null }),
    // Outside both periods.
    makePost('o1', { source: 'mastodon', created_at: at(24 * 30), like_count: 1000 }),
  ];
  const e = (type: PostNlp['entities'][number]['type'], text: string) => ({ type, text, score: 0.9 });
  const t = (label: string) => ({ label, score: 0.8 });
  const nlp: PostNlp[] = [
    makeNlp('mastodon:m1', { topics: [t('databases')], entities: [e('product', 'DuckDB'), e('corporation', 'DuckDB Labs')], sentiment: 'positive' }),
    makeNlp('mastodon:m2', { topics: [t('orchestration')], entities: [e('product', 'Airflow'), e('product', 'Dagster')], sentiment: 'neutral' }),
    makeNlp('mastodon:m3', { topics: [t('big data')], entities: [e('product', 'Spark')], sentiment: 'negative' }),
    makeNlp('hackernews:h1', { topics: [t('databases')], entities: [e('corporation', 'GitHub'), e('person', 'Carol')], sentiment: 'positive' }),
    makeNlp('hackernews:h2', { topics: [t('cloud')], entities: [e('corporation', 'Snowflake')], sentiment: 'negative' }),
    makeNlp('mastodon:x1', { topics: [t(HOSTILE.topic)], entities: [e('product', HOSTILE.entity)], sentiment: 'neutral' }),
    makeNlp('mastodon:p1', { topics: [t('databases')], entities: [e('product', 'DuckDB')] }),
    makeNlp('hackernews:p2', { topics: [t('cloud')], entities: [e('corporation', 'Snowflake')] }),
  ];
  const runs: PipelineRun[] = [
    makeRun({ run_id: 'r1', step: 'scrape', source: 'hackernews', started_at: minutesAgo(301), finished_at: minutesAgo(300), rows_out: 2 }),
    makeRun({ run_id: 'r1', step: 'scrape', source: 'mastodon', started_at: minutesAgo(301), finished_at: minutesAgo(300), rows_out: 3 }),
    makeRun({ run_id: 'r2', step: 'scrape', source: 'mastodon', started_at: minutesAgo(31), finished_at: minutesAgo(30), rows_out: 4 }),
    makeRun({ run_id: 'r2', step: 'scrape', source: 'hackernews', started_at: minutesAgo(31), finished_at: minutesAgo(30), status: 'failed', error: 'HTTP 503 from hn.algolia.com' }),
    makeRun({ run_id: 'r2', step: 'load', source: '*', started_at: minutesAgo(21), finished_at: minutesAgo(20), rows_out: 6 }),
  ];
  const check = (check_name: string, source: string, status: DqCheck['status'], observed: number, expected: string, message: string | null): DqCheck => ({
    run_id: 'r2', check_name, source, status, severity: status === 'fail' ? 'error' : 'warn', observed, expected, message, checked_at: minutesAgo(19),
  });
  const checks: DqCheck[] = [
    check('post_id_unique', '*', 'pass', 0, '= 0', null),
    check('counts_not_negative', 'mastodon', 'fail', 2, '= 0', '2 posts with a negative like_count'),
    // An older run's result, not shown: the panel shows the latest run's checks.
    { ...check('post_id_unique', '*', 'fail', 9, '= 0', 'old'), run_id: 'r1', checked_at: minutesAgo(299) },
  ];
  return { posts, nlp, runs, checks };
}
