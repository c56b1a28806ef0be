import { describe, expect, it } from 'vitest';
import { batchFull } from '../src/write.ts';

/** The batch sizes staged over `pages` pages of `perPage` posts each. */
function batches(pages: number, perPage: number): number[] {
  const out: number[] = [];
  let batch = 0;
  for (let taken = 1; taken <= pages; taken++) {
    batch += perPage;
    if (batchFull(batch, taken * perPage, taken, pages - taken)) {
      out.push(batch);
      batch = 0;
    }
  }
  if (batch) out.push(batch);
  return out;
}

describe('batchFull', () => {
  it('cuts at 100,000 posts, then halves toward the end, down to 10,000', () => {
    const sizes = batches(17_000, 60);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(17_000 * 60);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100_020);
    expect(sizes.slice(0, 9).every((n) => n >= 100_000)).toBe(true);
    // The tail: each batch at most the rest after it (plus a page) or 10,000, none below 10,000 but the last.
    const tail = sizes.slice(9);
    expect(tail.length).toBeGreaterThan(2);
    for (let i = 0; i < tail.length - 1; i++) {
      expect(tail[i]!).toBeGreaterThanOrEqual(10_000);
      expect(tail[i]!).toBeLessThanOrEqual(Math.max(10_020, tail.slice(i + 1).reduce((a, b) => a + b, 0) + 60));
    }
    expect(sizes.at(-1)!).toBeLessThanOrEqual(10_020);
  });

  it('leaves a small run in one batch, and never cuts an empty batch', () => {
    expect(batches(100, 60)).toEqual([6_000]);
    expect(batchFull(0, 0, 0, 10)).toBe(false);
    expect(batchFull(0, 100_000, 1_000, 0)).toBe(false);
  });
});
