import { seededRandom } from '@social-pulse/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { postView } from './bluesky/api.ts';
import { compileFastCheck, setFastChecks } from './fast-check.ts';
import { hit } from './hackernews/api.ts';
import { SOURCE_NAMES } from './list.ts';
import { status } from './mastodon/api.ts';
import { normalizeRawPage } from './registry.ts';
import { observationsOf } from './refresh.ts';
import { link } from './reddit/api.ts';
import { question } from './stackexchange/api.ts';
import { fixturePages } from './testing/fixture-pages.ts';
import type { RawPage } from './types.ts';
import { tweet } from './x/api.ts';

// What a field may become in a near-valid item: the wrong type, empty, out of range, not a date.
const REPLACEMENTS: unknown[] = [null, '', 'x', '2026-13-45T00:00:00Z', 'not a date', -1, 0, 1.5, 1e300, 2 ** 60, -0, true, false, [], {}, [null], ['x'], { name: 1 }];

/** A copy of `value` with about one change in `1 / rate` of its fields (at least one): replaced, removed, or a key added. */
function mutate(value: unknown, rnd: () => number, rate: number): unknown {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const out = v.map(walk);
      if (out.length && rnd() < rate) {
        changed = true;
        out.splice(Math.floor(rnd() * out.length), 1);
      }
      return out;
    }
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const r = rnd();
        if (r < rate / 3) {
          changed = true;
          continue;
        }
        if (r < rate) {
          changed = true;
          out[k] = REPLACEMENTS[Math.floor(rnd() * REPLACEMENTS.length)];
          continue;
        }
        out[k] = walk(x);
      }
      if (rnd() < rate / 4) {
        changed = true;
        out.unexpected_field = 'kept';
      }
      return out;
    }
    return v;
  };
  // A value with no field to change (a string body) comes back as it is.
  if (!value || typeof value !== 'object') return value;
  let out = walk(value);
  for (let tries = 0; !changed && tries < 100; tries++) out = walk(value);
  return out;
}

function bothWays(page: RawPage) {
  setFastChecks(true);
  const fast = normalizeRawPage(page);
  const fastObs = observationsOf(page, fast);
  setFastChecks(false);
  const zod = normalizeRawPage(page);
  const zodObs = observationsOf(page, zod);
  setFastChecks(true);
  return { fast: { ...fast, fastObs }, zod: { ...zod, fastObs: zodObs } };
}

afterEach(() => setFastChecks(true));

describe('fast checks of the item schemas', () => {
  it('compile for every source item schema (else every item would still go through zod)', () => {
    for (const schema of [status, hit, postView, link, tweet, question]) expect(compileFastCheck(schema)).toBeTypeOf('function');
  });

  it('give every fixture page the same posts, rejections (messages too) and observations as zod alone', () => {
    for (const source of SOURCE_NAMES) {
      for (const { page } of fixturePages(source)) {
        const { fast, zod } = bothWays(page);
        expect(fast).toEqual(zod);
      }
    }
  });

  it('give the same result as zod alone on randomized near-valid pages of every source', () => {
    const rnd = seededRandom(17);
    let rejectedSeen = 0;
    let postsSeen = 0;
    for (const source of SOURCE_NAMES) {
      for (const { page } of fixturePages(source)) {
        if (page.body === undefined) continue;
        for (let round = 0; round < 60; round++) {
          const body = mutate(page.body, rnd, [0.02, 0.08, 0.25][round % 3]!);
          const { fast, zod } = bothWays({ ...page, body });
          expect(fast).toEqual(zod);
          rejectedSeen += zod.rejected.length;
          postsSeen += zod.posts.length;
        }
      }
    }
    // The rounds reach both outcomes often: accepted items (the fast path) and rejections (zod's).
    expect(rejectedSeen).toBeGreaterThan(200);
    expect(postsSeen).toBeGreaterThan(1000);
  });

  it('accept a value only when zod parses it into an equal value', () => {
    const rnd = seededRandom(5);
    const schemas = [status, hit, postView, link, tweet, question];
    const samples = SOURCE_NAMES.flatMap((s) => fixturePages(s).map((p) => p.page.body));
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const schema = schemas[i % schemas.length]!;
      const check = compileFastCheck(schema)!;
      // Items of any source, near-valid or not: the check is asked of values of every shape.
      const items = JSON.stringify(samples[Math.floor(rnd() * samples.length)] ?? null).match(/\{[^{}]*\}/g) ?? [];
      const base = samples[Math.floor(rnd() * samples.length)];
      const candidates = [mutate(base, rnd, 0.05), ...items.slice(0, 3).map((t) => JSON.parse(t) as unknown)];
      const nested = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(nested) : v && typeof v === 'object' ? [v, ...Object.values(v).flatMap(nested)] : []);
      for (const c of candidates.flatMap(nested)) {
        if (!check(c)) continue;
        accepted += 1;
        const parsed = schema.safeParse(c);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(c);
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('leave out what they cannot read cheaply: transforms, defaults, rewriting checks, stripped keys', () => {
    expect(compileFastCheck(z.string().transform((s) => s.length))).toBeUndefined();
    expect(compileFastCheck(z.looseObject({ a: z.string().default('x') }))).toBeUndefined();
    expect(compileFastCheck(z.string().trim())).toBeUndefined();
    const stripping = compileFastCheck(z.object({ a: z.string() }))!;
    expect(stripping({ a: 'x' })).toBe(true);
    expect(stripping({ a: 'x', b: 1 })).toBe(false);
    const counts = compileFastCheck(z.number().int().nonnegative())!;
    expect([0, 3, -1, 1.5, Number.NaN, Infinity, 2 ** 60, '1'].map(counts)).toEqual([true, true, false, false, false, false, false, false]);
    const nullish = compileFastCheck(z.looseObject({ n: z.string().min(1).nullish() }))!;
    expect([{}, { n: null }, { n: undefined }, { n: 'a' }, { n: '' }, { n: 1 }, null, [], 'x'].map(nullish)).toEqual([true, true, true, true, false, false, false, false, false]);
  });
});
