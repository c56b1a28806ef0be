import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeSidecar, RawZone, rawFilesAfter, readMetrics, type LocalStore, type SidecarInput } from '@social-pulse/lake';
import { registerSecrets } from '@social-pulse/runtime';
import { RAW_PAGE_SUFFIX, RAW_SIDECAR_SUFFIX, rawSidecarKey } from '@social-pulse/schema';
import { encodeRawPage, normalizeRawPage, normalizerStamp, sidecarOf, SOURCE_NAMES, type RawPage } from '@social-pulse/sources';
import { fixturePages, mastodonStatus, statusRun } from '@social-pulse/sources/testing';
import { normalizePage, sidecarPage } from '../src/normalize-page.ts';
import { writeLake } from '../src/write.ts';
import { lakePostRows, lakeWriterWorkspace } from './helpers.ts';

/**
 * Issue 17: a page is normalized once. The scraper lands each page's normalized posts beside
 * it (a sidecar); the lake writer takes them from there when the sidecar is the running
 * normalizer's, and must make exactly the lake it makes from the pages themselves.
 */


const RUN = '20261124T000000Z-aaaaaa';
// Registered for this file's process only (vitest isolates test files): a credential a server could echo.
const SECRET = 's3cr3t-value-9f2c';
registerSecrets([SECRET]);

const setup = () => lakeWriterWorkspace('pulse-sidecar-');

/** Every fixture page of every source, as the scraper has them: the raw-zone text, the page and its normalization. */
const FIXTURES = SOURCE_NAMES.flatMap((s) => fixturePages(s)).map(({ page, text }) => ({ page, text, n: normalizeRawPage(page) }));

/** Lands pages as the scraper does: with their sidecars (`sidecars`), or as older scrapers did, without. */
async function land(store: LocalStore, runId: string, pages: { page: RawPage; text: string }[], sidecars: boolean) {
  const raw = new RawZone(store, runId);
  const keys: string[] = [];
  for (const { page, text } of pages) {
    const sidecar = sidecars ? sidecarOf(page, normalizeRawPage(page)) : undefined;
    keys.push(await raw.land(page.meta.source, page.meta.fetched_at, text, sidecar ? { sidecar } : {}));
  }
  return keys;
}


const mastodonPage = (statuses: unknown[], fetchedAt = '2026-11-24T00:00:05.000Z') =>
  encodeRawPage(
    {
      source: 'mastodon',
      query: '#dataengineering',
      queryKey: 'https://example.social #dataengineering',
      url: 'https://example.social/api/v1/timelines/tag/dataengineering?limit=40',
      status: 200,
      fetched_at: fetchedAt,
      run_id: RUN,
      headers: {},
    },
    JSON.stringify(statuses),
  );

describe('sidecars', () => {
  it("hold, byte for byte, the post lines the writer makes of their page, and the same counts, rejections, page error and observations", async () => {
    const { store } = await setup();
    const keys = await land(store, RUN, FIXTURES, true);
    const files = await rawFilesAfter(store, undefined);
    expect(files.map((f) => f.key)).toEqual(keys);
    for (const f of files) {
      expect(f.sidecar?.key).toBe(rawSidecarKey(f.key));
      const fromPage = normalizePage(await store.read(f.key));
      const fromSidecar = sidecarPage(await store.read(f.sidecar!.key), { source: f.key.split('/')[1]!.slice('source='.length), pageBytes: f.size });
      expect(fromSidecar).toBeDefined();
      expect(Buffer.from(fromSidecar!.lines).equals(Buffer.from(fromPage.lines))).toBe(true);
      expect(fromSidecar).toEqual(fromPage);
    }
  });

  it('make the same lake and the same report as the pages alone, on worker threads or inline', async () => {
    const results = [];
    for (const [sidecars, threads] of [[false, '0'], [true, '0'], [true, '2']] as const) {
      const { dir, store, ctx } = await setup();
      await land(store, RUN, FIXTURES, sidecars);
      const report = await writeLake(ctx(RUN, { PULSE_LAKE_WRITE_THREADS: threads }));
      results.push({ report, rows: await lakePostRows(dir), metrics: await readMetrics(store) });
    }
    const [plain, inline, threaded] = results;
    // What the fixtures hold: posts of every source, rejected items, malformed pages, a deletion.
    expect(plain!.report.status).toBe('partial');
    expect(plain!.report.rowsRejected).toBeGreaterThan(SOURCE_NAMES.length);
    expect(plain!.rows.length).toBeGreaterThan(30);
    expect(plain!.metrics.some((m) => m.deleted)).toBe(true);
    expect(plain!.report.details).toMatchObject({ rawPages: FIXTURES.length, fromSidecars: 0 });
    for (const r of [inline!, threaded!]) {
      expect(r.report.details).toMatchObject({ rawPages: FIXTURES.length, fromSidecars: FIXTURES.length });
      expect({ ...r.report, details: { ...r.report.details, fromSidecars: 0 } }).toEqual(plain!.report);
      expect(r.rows).toEqual(plain!.rows);
      expect(r.metrics).toEqual(plain!.metrics);
    }
  });

  it("are ignored when stamped by another normalizer version, or when they describe another page: the page is normalized", async () => {
    const { dir, store, ctx } = await setup();
    const good = mastodonPage(statusRun(3, 'example.social'));
    const raw = new RawZone(store, RUN);
    const keys = [await raw.land('mastodon', good.page.meta.fetched_at, good.text), await raw.land('mastodon', good.page.meta.fetched_at, good.text)];
    const truth = sidecarOf(good.page, normalizeRawPage(good.page))!;
    // What an older normalizer (or another page) would have said: other text for the same posts.
    const stale = (stamp: string): SidecarInput => ({ ...truth, stamp, posts: truth.posts.map((p) => ({ ...p, text: 'STALE' })) });
    const size = (await store.stat(keys[0]!))!.size;
    await store.write(rawSidecarKey(keys[0]!), gzipSync(encodeSidecar(stale('mastodon@0+s1'), size)));
    await store.write(rawSidecarKey(keys[1]!), gzipSync(encodeSidecar(stale(normalizerStamp('mastodon')!), size + 1)));
    const report = await writeLake(ctx(RUN));
    expect(report.details).toMatchObject({ rawPages: 2, fromSidecars: 0 });
    const rows = (await lakePostRows(dir)) as { text: string }[];
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.text !== 'STALE')).toBe(true);
    // The same sidecar with the running stamp and the page's size is taken (so the two above were refused for their stamp and size).
    expect(sidecarPage(gzipSync(encodeSidecar(stale(normalizerStamp('mastodon')!), size)), { source: 'mastodon', pageBytes: size })).toBeDefined();
  });

  it('cannot leak a secret: masked as they land, not landed for a page that held one, and masked again by the writer', async () => {
    const { dir, store, ctx } = await setup();
    // Named by an HTML entity, the secret is not in the page as landed, but it is in the post the normalizer makes of it.
    const hidden = mastodonPage([mastodonStatus('109000000000000201', 'example.social', { content: `<p>token &#115;${SECRET.slice(1)} here</p>` })]);
    // Echoed as it is: the page is scrubbed as it lands, and its sidecar (made from the page as fetched) is not landed.
    const echoed = mastodonPage([mastodonStatus('109000000000000202', 'example.social', { content: `<p>token ${SECRET} here</p>` })]);
    const keys = await land(store, RUN, [hidden, echoed], true);
    expect(await store.exists(rawSidecarKey(keys[0]!))).toBe(true);
    expect(await store.exists(rawSidecarKey(keys[1]!))).toBe(false);
    const landed = gunzipSync(await store.read(rawSidecarKey(keys[0]!))).toString('utf8');
    expect(landed).not.toContain(SECRET);
    expect(landed).toContain('token *** here');
    // A sidecar written by a process that did not know the secret (landed here by hand, unscrubbed): the writer masks it.
    const third = mastodonPage([mastodonStatus('109000000000000203', 'example.social')]);
    const [key] = await land(store, '20261124T000001Z-bbbbbb', [third], false);
    const s = sidecarOf(third.page, normalizeRawPage(third.page))!;
    const leaky = { ...s, posts: s.posts.map((p) => ({ ...p, text: `leaked ${SECRET}` })) };
    await store.write(rawSidecarKey(key!), gzipSync(encodeSidecar(leaky, (await store.stat(key!))!.size)));
    const report = await writeLake(ctx(RUN));
    expect(report.details).toMatchObject({ rawPages: 3, fromSidecars: 2 });
    const rows = (await lakePostRows(dir)) as { post_id: string; text: string }[];
    expect(rows.map((r) => r.text)).toEqual(['token *** here', 'token *** here', 'leaked ***']);
    for (const f of await readdir(path.join(dir, 'lake/posts'), { recursive: true })) {
      if (f.endsWith('.parquet')) expect((await readFile(path.join(dir, 'lake/posts', f))).includes(SECRET)).toBe(false);
    }
  });

  it('survive a scrape killed between a sidecar and its page: the lone sidecar is never read, and the next run lands and merges as usual', async () => {
    const { dir, store, ctx } = await setup();
    const pages = [mastodonPage(statusRun(4, 'example.social')), mastodonPage(statusRun(4, 'example.social', 109000000000003000n))];
    const killed = new RawZone(store, RUN);
    const first = sidecarOf(pages[0]!.page, normalizeRawPage(pages[0]!.page))!;
    await killed.land('mastodon', pages[0]!.page.meta.fetched_at, pages[0]!.text, { sidecar: first });
    const dies = () => {
      throw new Error('killed');
    };
    await expect(killed.land('mastodon', pages[1]!.page.meta.fetched_at, pages[1]!.text, { sidecar: sidecarOf(pages[1]!.page, normalizeRawPage(pages[1]!.page))!, afterSidecar: dies })).rejects.toThrow('killed');
    const rawDir = path.join(dir, 'lake/raw');
    const names = (await readdir(rawDir, { recursive: true })).filter((f) => f.endsWith('.gz')).map((f) => path.basename(f)).sort();
    // The page that was being landed is not there; its sidecar is.
    expect(names).toEqual([`${RUN}-000000${RAW_PAGE_SUFFIX}`, `${RUN}-000000${RAW_SIDECAR_SUFFIX}`, `${RUN}-000001${RAW_SIDECAR_SUFFIX}`]);
    expect((await rawFilesAfter(store, undefined)).map((f) => path.basename(f.key))).toEqual([`${RUN}-000000${RAW_PAGE_SUFFIX}`]);
    const a = await writeLake(ctx(RUN));
    expect(a).toMatchObject({ status: 'ok', rowsIn: 4, details: { rawPages: 1, fromSidecars: 1 } });
    // The retried scrape lands under names of its own (a new run, or `-a2`): its pages are merged, the lone sidecar stays unread.
    await land(store, `${RUN}-a2`, [pages[1]!], true);
    const b = await writeLake(ctx(`${RUN}-a2`));
    expect(b).toMatchObject({ status: 'ok', rowsIn: 4, rowsOut: 4, details: { rawPages: 1, fromSidecars: 1 } });
    expect(await lakePostRows(dir)).toHaveLength(8);
  });
});
