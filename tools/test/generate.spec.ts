import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRawPage, normalizeRawPage } from '@social-pulse/sources';
import type { Post } from '@social-pulse/schema';
import { generate } from '../generate/generate.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function lake(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'pulse-gen-'));
  dirs.push(d);
  return d;
}

async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

const end = new Date('2026-11-24T00:00:00Z');
const base = { posts: 3000, seed: 11, sources: ['mastodon', 'hackernews', 'bluesky', 'x', 'reddit', 'stackexchange'], days: 30, end, runId: '20261124T000000Z-gen11' };

describe('tools/generate', () => {
  it('writes raw pages that the real normalizers read without a single rejection, one post per generated post', async () => {
    const root = await lake();
    const stats = await generate({ ...base, lake: root });
    const posts: Post[] = [];
    for (const f of await files(root)) {
      const n = normalizeRawPage(decodeRawPage(gunzipSync(await readFile(f)).toString('utf8')));
      expect(n.pageError).toBeUndefined();
      expect(n.rejected).toEqual([]);
      posts.push(...n.posts);
    }
    expect(posts.length).toBe(stats.items);
    const ids = new Set(posts.map((p) => p.post_id));
    // Repeats (the same status on a second instance) collapse onto their post_id.
    expect(ids.size).toBe(stats.posts);
    expect(stats.repeats).toBeGreaterThan(0);
    for (const p of posts) {
      expect(Date.parse(p.created_at)).toBeLessThan(end.getTime());
      expect(Date.parse(p.created_at)).toBeGreaterThan(end.getTime() - 31 * 86_400_000);
    }
  });

  it('draws heavy-tailed engagement and authors, several languages and cross-posted texts', async () => {
    const root = await lake();
    const stats = await generate({ ...base, lake: root });
    const posts: Post[] = [];
    for (const f of await files(root)) posts.push(...normalizeRawPage(decodeRawPage(gunzipSync(await readFile(f)).toString('utf8'))).posts);
    const likes = posts.filter((p) => p.source === 'mastodon').map((p) => p.like_count ?? 0).sort((a, b) => a - b);
    const median = likes[Math.floor(likes.length / 2)]!;
    expect(likes.at(-1)!).toBeGreaterThan(20 * Math.max(1, median));
    const byAuthor = new Map<string, number>();
    for (const p of posts) byAuthor.set(p.author_handle, (byAuthor.get(p.author_handle) ?? 0) + 1);
    const top = Math.max(...byAuthor.values());
    expect(top).toBeGreaterThan((10 * posts.length) / byAuthor.size);
    expect(new Set(posts.map((p) => p.lang).filter(Boolean)).size).toBeGreaterThanOrEqual(5);
    expect(stats.crossPosts).toBeGreaterThan(0);
    const texts = new Map<string, Set<string>>();
    for (const p of posts.filter((q) => q.source === 'mastodon')) texts.set(p.text, (texts.get(p.text) ?? new Set()).add(p.post_id));
    expect([...texts.values()].some((s) => s.size > 1)).toBe(true);
  });

  it('is deterministic for a seed and different for another', async () => {
    const digest = async (seed: number) => {
      const root = await lake();
      await generate({ ...base, posts: 500, seed, lake: root });
      const h = createHash('sha256');
      for (const f of await files(root)) h.update(path.relative(root, f)).update(gunzipSync(await readFile(f)));
      return h.digest('hex');
    };
    expect(await digest(3)).toBe(await digest(3));
    expect(await digest(3)).not.toBe(await digest(4));
  });

  it('refuses a source it has no shape for', async () => {
    await expect(generate({ ...base, sources: ['myspace'], lake: await lake() })).rejects.toThrow(/no generator for source "myspace"/);
  });
});
