import { afterEach, describe, expect, it } from 'vitest';
import { emptyCursor } from '../cursor.ts';
import { encodeRawPage } from '../envelope.ts';
import { startFakeStackexchange } from '../testing/fake-stackexchange.ts';
import { awkwardQuestions, seRun, type QuestionJson } from '../testing/fixtures-stackexchange.ts';
import { scrapeForTest, testContext } from '../testing/scrape.ts';
import type { ReplayServer } from '../testing/server.ts';
import type { RawMeta } from '../types.ts';
import { normalizeStackexchange } from './normalize.ts';
import { StackexchangeSource } from './source.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const t0 = Date.UTC(2026, 10, 1) / 1000;
const meta: RawMeta = {
  source: 'stackexchange', query: 'data-engineering', queryKey: 'stackoverflow [data-engineering]',
  url: 'https://api.stackexchange.com/2.3/questions?site=stackoverflow&tagged=data-engineering', status: 200,
  fetched_at: '2026-11-21T00:00:00.000Z', run_id: 'r', headers: {},
};
const normalize = (body: unknown) => normalizeStackexchange(encodeRawPage(meta, JSON.stringify(body)).page);

async function fake(questions: () => QuestionJson[], extra: Partial<Parameters<typeof startFakeStackexchange>[0]> = {}) {
  const srv = await startFakeStackexchange({ questions, ...extra });
  servers.push(srv);
  return { srv, src: new StackexchangeSource({ type: 'stackexchange', tags: ['data-engineering'], site: 'stackoverflow', enabled: true, baseUrl: srv.url }) };
}

describe('Stack Exchange normalization', () => {
  const { posts, rejected } = normalize({ items: awkwardQuestions(t0), has_more: false, quota_max: 300, quota_remaining: 290 });
  it('turns HTML bodies and encoded titles into text, with score, answers and views', () => {
    expect(posts[0]).toMatchObject({
      post_id: 'stackexchange:stackoverflow:78000001',
      kind: 'question',
      url: 'https://stackoverflow.com/questions/78000001/question-78000001',
      title: "Why doesn't Spark's coalesce reduce files & partitions? 😕",
      score: 15,
      reply_count: 3,
      hashtags: ['data-engineering', 'apache-spark'],
      links: ['https://spark.apache.org/docs/latest/'],
      author_handle: 'Kim Lee',
      author_id: 'stackoverflow:8000001',
    });
    expect(posts[0]!.text).toContain('spark.write.parquet("s3://b/x")');
    expect(JSON.parse(posts[0]!.extra!)).toMatchObject({ view_count: 1500, is_answered: true, accepted_answer_id: 78000050, author_reputation: 1234 });
  });

  it('keeps a deleted owner and Cyrillic text, and records a closed question', () => {
    expect(posts[1]).toMatchObject({ author_handle: 'user123&co', author_id: 'user123&co', text: 'Нужен пример DAG — спасибо!', score: -1, reply_count: 0 });
    expect(JSON.parse(posts[2]!.extra!)).toMatchObject({ closed_reason: 'Opinion-based' });
    expect(rejected).toEqual([]);
  });

  it('flags an error wrapper and reports a low quota', () => {
    expect(normalize({ error_id: 502, error_name: 'throttle_violation', error_message: 'too many requests from this IP' }).pageError).toBe(
      'API error 502 throttle_violation: too many requests from this IP',
    );
    expect(normalize({ items: [], has_more: false, quota_max: 300, quota_remaining: 12 }).warnings).toEqual([
      'quota low: 12 of 300 requests left today (set STACKEXCHANGE_KEY for 10,000)',
    ]);
  });
});

describe('Stack Exchange source', () => {
  it('walks past page 25 in todate slices, then fetches only what is new', async () => {
    const qs = seRun(2700, t0);
    const { srv, src } = await fake(() => qs);
    const first = await scrapeForTest(src, emptyCursor(), { since: new Date(t0 * 1000) });
    expect(first.outcome.problems).toEqual([]);
    expect(first.outcome).toMatchObject({ items: 2700, stoppedBy: 'caught-up' });
    expect(new Set(first.ids).size).toBe(2700);
    expect(srv.requests.some((u) => u.searchParams.get('todate'))).toBe(true);
    expect(srv.requests.every((u) => Number(u.searchParams.get('page')) <= 25 && u.searchParams.get('filter') === 'withbody')).toBe(true);
    qs.push(...seRun(2, t0 + 500_000, 80_000_000));
    const second = await scrapeForTest(src, first.outcome.cursor, { since: new Date(t0 * 1000) });
    expect(second.outcome.items).toBe(2);
  });

  it('honours the backoff field before the next call, and sends the key as a bearer token', async () => {
    const { srv, src } = await fake(() => seRun(150, t0), { backoffAt: { n: 0, seconds: 1 }, key: 'k3y((' });
    const started = Date.now();
    const r = await scrapeForTest(src, emptyCursor(), { env: { STACKEXCHANGE_KEY: 'k3y((' } });
    expect(r.outcome).toMatchObject({ items: 150, stoppedBy: 'caught-up' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(srv.requests.every((u) => !u.searchParams.has('key'))).toBe(true);
    await expect(src.check(testContext({ STACKEXCHANGE_KEY: 'k3y((' }))).resolves.toMatch(/quota 9990 of 10000 requests left today \(with key\)/);
    const bad = await scrapeForTest(src, emptyCursor(), { env: { STACKEXCHANGE_KEY: 'wrong' } });
    expect(bad.outcome.problems[0]).toMatch(/HTTP 400: .*key_invalid/);
  });
});
