import { json, startServer, type FaultPlan, type ReplayServer } from './server.ts';

export type HitJson = Record<string, unknown> & { objectID: string; created_at_i: number; _tags?: string[] };

const CEILING = 1000;

function matchesNumeric(h: HitJson, filters: string): boolean {
  return filters
    .split(',')
    .filter(Boolean)
    .every((f) => {
      const m = /^(\w+)\s*(<=|>=|<|>|=)\s*(\d+)$/.exec(f.trim());
      if (!m) throw new Error(`invalid numericFilters: ${f}`);
      const v = Number(h[m[1]!]);
      const n = Number(m[3]);
      return m[2] === '<' ? v < n : m[2] === '<=' ? v <= n : m[2] === '>' ? v > n : m[2] === '>=' ? v >= n : v === n;
    });
}

/** Algolia's `tags`: comma-separated terms are ANDed, a parenthesized group `(a,b)` is ORed. */
function matchesTags(h: HitJson, tags: string | null): boolean {
  if (!tags) return true;
  const terms = tags.match(/\([^)]*\)|[^,]+/g) ?? [];
  return terms.every((term) => term.replace(/^\(|\)$/g, '').split(',').some((t) => (h._tags ?? []).includes(t.trim())));
}

/**
 * Speaks Algolia's HN `GET /api/v1/search_by_date`: query (words anywhere in title or text),
 * `tags` (one tag or `(a,b)`), `numericFilters`, `hitsPerPage`, `page`, newest first, and
 * the 1,000-hit ceiling (nbPages never reaches past it; nbHits tells the true count).
 */
export async function startFakeAlgolia(hits: () => HitJson[], faults?: FaultPlan): Promise<ReplayServer> {
  return startServer((url) => {
    // `/api/v1/search` (by relevance) filters the same way; the refresh asks it by `story_<id>` tags.
    if (url.pathname !== '/api/v1/search_by_date' && url.pathname !== '/api/v1/search') return json({ message: 'Not Found', status: 404 }, 404);
    const p = url.searchParams;
    const words = (p.get('query') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const hpp = Math.min(Number(p.get('hitsPerPage') ?? 20), 1000);
    const page = Number(p.get('page') ?? 0);
    let matched: HitJson[];
    try {
      matched = hits()
        .filter((h) => {
          const hay = `${h.title ?? ''} ${h.story_text ?? ''} ${h.comment_text ?? ''} ${h.url ?? ''}`.toLowerCase();
          return words.every((w) => hay.includes(w));
        })
        .filter((h) => matchesTags(h, p.get('tags')))
        .filter((h) => matchesNumeric(h, p.get('numericFilters') ?? ''))
        .sort((a, b) => b.created_at_i - a.created_at_i || Number(b.objectID) - Number(a.objectID));
    } catch (e) {
      return json({ message: (e as Error).message, status: 400 }, 400);
    }
    const reachable = matched.slice(0, CEILING);
    const nbPages = Math.ceil(reachable.length / hpp);
    return json({
      hits: reachable.slice(page * hpp, (page + 1) * hpp),
      nbHits: matched.length,
      page,
      nbPages,
      hitsPerPage: hpp,
      exhaustiveNbHits: true,
      query: p.get('query') ?? '',
      params: url.search.slice(1),
      processingTimeMS: 1,
    });
  }, faults);
}
