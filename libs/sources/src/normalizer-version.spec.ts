import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { SourceName } from './list.ts';
import { SOURCE_DEFINITIONS } from './definitions.ts';
import { normalizeRawPage } from './registry.ts';
import { fixturePages } from './testing/fixture-pages.ts';

/**
 * The normalizer version rule (CONTRIBUTING.md, "A source's paging and normalizer"): a
 * source's `normalizerVersion` changes whenever what its normalizer makes of a page changes,
 * because the lake writer takes a page from the scraper's sidecar when the sidecar's stamp
 * holds the running version, and would otherwise keep posts the running code no longer makes.
 *
 * The snapshot file records, per source, a hash of what the normalizer makes of every fixture
 * page and the version that made it. A hash that changes under the same version fails here,
 * even with `vitest -u`: raise the version in `<source>/index.ts`, then `vitest -u`
 * records the new pair.
 */
const SNAPSHOT = new URL('./__snapshots__/normalizer-versions.json', import.meta.url);

/** JSON with object keys sorted: the hash follows the values the lake keeps, not the order a normalizer set them in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

function outputHash(source: SourceName): string {
  const hash = createHash('sha256');
  for (const { page } of fixturePages(source)) hash.update(canonical(normalizeRawPage(page)) + '\n');
  return hash.digest('hex');
}

describe('normalizer versions', () => {
  it('change whenever what a normalizer makes of the fixture pages changes', async () => {
    const committed = JSON.parse(await readFile(SNAPSHOT, 'utf8').catch(() => '{}')) as Record<string, { version: number; hash: string }>;
    const now: Record<string, { version: number; hash: string }> = {};
    for (const d of SOURCE_DEFINITIONS) {
      now[d.name] = { version: d.normalizerVersion, hash: outputHash(d.name as SourceName) };
      const before = committed[d.name];
      if (!before) continue;
      expect(d.normalizerVersion, `${d.name}: normalizerVersion went down`).toBeGreaterThanOrEqual(before.version);
      if (before.version === d.normalizerVersion) {
        expect(
          now[d.name]!.hash,
          `${d.name}: the normalized output of its fixture pages changed, but its normalizerVersion (${d.normalizerVersion}) did not: ` +
            `raise it in libs/sources/src/${d.name}/index.ts, then run vitest -u`,
        ).toBe(before.hash);
      }
    }
    await expect(`${JSON.stringify(now, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/normalizer-versions.json');
  });

  it('are hashed over pages that exercise the normalizer: posts, rejections, page errors and a refresh', () => {
    for (const d of SOURCE_DEFINITIONS) {
      const out = fixturePages(d.name as SourceName).map((p) => normalizeRawPage(p.page));
      expect(out[0]!.posts.length, d.name).toBeGreaterThan(0);
      expect(out[1]!.posts.length, d.name).toBeGreaterThan(0);
      expect(out[2]!.rejected.length, d.name).toBe(1);
      expect(out[3]!.pageError, d.name).toBe('body is not JSON');
      // A refresh page: the post asked for and not returned is found deleted.
      expect(out[5]!.deleted, d.name).toEqual([`${d.name}:gone-1`]);
    }
  });
});
