import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { RAW_PAGE_SUFFIX, RAW_SIDECAR_SUFFIX, rawSidecarKey } from '@social-pulse/schema';
import { RawZone } from './raw.ts';
import { decodeSidecar, encodeSidecar, type SidecarInput } from './sidecar.ts';
import { LocalStore } from './store/local.ts';
import { LAKE_ZONES, rawFilesAfter, rawOrder, rawWatermarkProblem } from './zone.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function open() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-sidecar-'));
  dirs.push(dir);
  return new LocalStore(dir);
}

const input = (posts: object[]): SidecarInput => ({ stamp: 'mastodon@1+s1', posts, rejected: [{ item: '7', reason: 'no id' }], observations: [] });

describe('raw page sidecars', () => {
  it('are named beside their page, with a suffix no page has', () => {
    const page = 'raw/source=mastodon/dt=2026-11-24/20261124T000000Z-abc-000003.json.gz';
    expect(rawSidecarKey(page)).toBe('raw/source=mastodon/dt=2026-11-24/20261124T000000Z-abc-000003.posts.ndjson.gz');
    expect(rawSidecarKey(page).endsWith(RAW_PAGE_SUFFIX)).toBe(false);
    expect(() => rawSidecarKey(rawSidecarKey(page))).toThrow(/not a raw page key/);
  });

  it('are left out of the raw zone by every lister and watermark, and paired with their page', async () => {
    const store = await open();
    const raw = new RawZone(store, '20261124T000000Z-abc');
    const k1 = await raw.land('mastodon', '2026-11-24T01:00:00.000Z', '{"a":1}', { sidecar: input([{ post_id: 'mastodon:1' }]) });
    const k2 = await raw.land('mastodon', '2026-11-24T01:00:01.000Z', '{"b":2}');
    expect((await store.list('raw/')).map((f) => f.key)).toEqual([k1, rawSidecarKey(k1), k2]);
    const files = await rawFilesAfter(store, undefined);
    expect(files.map((f) => [f.key, f.sidecar?.key])).toEqual([
      [k1, rawSidecarKey(k1)],
      [k2, undefined],
    ]);
    expect(LAKE_ZONES.raw.watermark(files)).toBe(rawOrder(k2));
    expect((await rawFilesAfter(store, rawOrder(k1))).map((f) => f.key)).toEqual([k2]);
    expect(await rawWatermarkProblem(store, rawOrder(k2), new Date('2026-11-24T02:00:00Z'))).toBeUndefined();
    // A watermark past the last page is refused even when a sidecar sorts after it.
    const lone = await raw.land('mastodon', '2026-11-24T01:00:02.000Z', '{"c":3}', { sidecar: input([]), afterSidecar: () => { throw new Error('killed'); } }).catch(() => undefined);
    expect(lone).toBeUndefined();
    expect((await store.list('raw/')).at(-1)!.key.endsWith(RAW_SIDECAR_SUFFIX)).toBe(true);
    expect((await rawFilesAfter(store, rawOrder(k2)))).toEqual([]);
    expect(await rawWatermarkProblem(store, `${rawOrder(k2)}z`, new Date('2026-11-24T02:00:00Z'))).toMatch(/names no raw page.*the newest is 20261124T000000Z-abc-000001\b/);
  });

  it('record the size of their page, and are read back as they were written; a sidecar cut short or not one is refused', () => {
    const posts = [{ post_id: 'mastodon:1', text: 'a\nb' }, { post_id: 'mastodon:2', text: 'ü' }];
    const text = encodeSidecar(input(posts), 1234);
    const s = decodeSidecar(gzipSync(text))!;
    expect(s.header).toEqual({ stamp: 'mastodon@1+s1', pageBytes: 1234, posts: 2, rejected: [{ item: '7', reason: 'no id' }], observations: [] });
    expect(Buffer.from(s.lines).toString('utf8')).toBe(posts.map((p) => JSON.stringify(p)).join('\n') + '\n');
    expect(decodeSidecar(gzipSync(text.slice(0, -1)))).toBeUndefined();
    expect(decodeSidecar(gzipSync(text.split('\n').slice(0, 2).join('\n') + '\n'))).toBeUndefined();
    expect(decodeSidecar(gzipSync('{"stamp":1}\n'))).toBeUndefined();
    expect(decodeSidecar(Buffer.from('not gzip'))).toBeUndefined();
    expect(decodeSidecar(gzipSync(encodeSidecar(input([]), 1)))!.header.posts).toBe(0);
  });
});
