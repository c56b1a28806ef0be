import { describe, expect, it } from 'vitest';
import { encodeRawPage } from '../envelope.ts';
import type { RawMeta } from '../types.ts';
import { algoliaHit, awkwardHits } from '../testing/fixtures.ts';
import { normalizeHackernews } from './normalize.ts';

const meta: RawMeta = {
  source: 'hackernews',
  query: 'data engineering',
  queryKey: 'data engineering [story]',
  url: 'https://hn.algolia.com/api/v1/search_by_date?query=data+engineering',
  status: 200,
  fetched_at: '2026-11-21T00:00:00.000Z',
  run_id: 'r1',
  headers: {},
};
const page = (hits: unknown[]) => ({ hits, nbHits: hits.length, page: 0, nbPages: 1, hitsPerPage: 100 });
const normalize = (body: unknown) => normalizeHackernews(encodeRawPage(meta, JSON.stringify(body)).page);

describe('Hacker News normalization', () => {
  const t0 = Date.UTC(2026, 10, 20) / 1000;
  const { posts } = normalize(page(awkwardHits(t0)));

  it('decodes story_text HTML and entities, keeps points as score', () => {
    const ask = posts[0]!;
    expect(ask).toMatchObject({
      post_id: 'hackernews:40000001',
      url: 'https://news.ycombinator.com/item?id=40000001',
      kind: 'question',
      title: 'Ask HN: How do you test data engineering pipelines & dbt models?',
      text: "I'm building pipelines with Spark.\n\nHow do you test them? See https://example.org/x 😅",
      score: 42,
      reply_count: 17,
      author_handle: 'pat',
      created_at: new Date((t0 + 10) * 1000).toISOString(),
      links: ['https://example.org/x'],
      queries: ['data engineering'],
    });
  });

  it('leaves absent counts null and keeps non-Latin titles', () => {
    expect(posts[1]).toMatchObject({ score: null, reply_count: null, title: 'Show HN: A DuckDB extension for data engineering — 日本語 too' });
    expect(posts[1]!.links).toEqual(['https://blog.example.com/40000002']);
  });

  it('rejects a malformed hit and keeps the others', () => {
    const out = normalize(page([{ objectID: '1', author: 'x' }, algoliaHit('2', t0)]));
    expect(out.posts.map((p) => p.native_id)).toEqual(['2']);
    expect(out.rejected).toEqual([{ item: '1', reason: 'created_at_i: Invalid input: expected number, received undefined' }]);
  });

  it('flags a body that is not a search response', () => {
    expect(normalize({ message: 'Rate limit', status: 429 }).pageError).toMatch(/^not a search response: hits/);
  });
});
