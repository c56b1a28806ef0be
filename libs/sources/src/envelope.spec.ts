import { afterEach, describe, expect, it } from 'vitest';
import { emptyCursor } from './cursor.ts';
import { decodeRawPage, encodeRawPage } from './envelope.ts';
import { scrapeForTest } from './testing/scrape.ts';
import { json, startServer, type ReplayServer } from './testing/server.ts';
import { XSource } from './x/source.ts';

const servers: ReplayServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

const meta = (url: string) => ({ source: 'x' as const, query: 'q', queryKey: 'q', url, status: 200, fetched_at: '2026-11-24T00:00:00.000Z', run_id: 'r', headers: {} });

describe('the raw-zone envelope', () => {
  it('records the URL without a user name, a password or a token parameter', () => {
    const { text, page } = encodeRawPage(meta('http://me:hunter2@127.0.0.1:9/2/tweets?query=a&access_token=abc'), '{"data":[]}');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('abc');
    expect(page.meta.url).toBe('http://127.0.0.1:9/2/tweets?query=a&access_token=***');
    expect(decodeRawPage(text).meta.url).toBe(page.meta.url);
  });

  it('lands no password of a base URL that carried one (configurations refuse it; the page would not keep it either)', async () => {
    // A proxy that takes the URL's credentials (sent as basic auth) and answers like X.
    const srv = await startServer(() => json({ meta: { result_count: 0 } }));
    servers.push(srv);
    const base = srv.url.replace('http://', 'http://me:hunter2-url-pass@');
    const src = new XSource({ type: 'x', queries: ['#dataengineering'], enabled: true, baseUrl: base });
    const r = await scrapeForTest(src, emptyCursor(), { env: { X_BEARER_TOKEN: 'AAAAAAAAAAAAAAAAAAAAAenvelope' } });
    expect(r.landed.length, r.outcome.problems.join('; ')).toBeGreaterThan(0);
    for (const p of r.landed) {
      expect(p.rawText).not.toContain('hunter2-url-pass');
      expect(p.raw.meta.url.startsWith(`${srv.url}/2/tweets/search/recent?`)).toBe(true);
    }
  });
});
