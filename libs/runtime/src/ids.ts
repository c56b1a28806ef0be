import { randomBytes } from 'node:crypto';

/**
 * A run id that sorts by time: `20261124T091058Z-3fa2c1`. Lake files are named from it, so
 * "every file newer than X" is a string comparison.
 */
export function newRunId(now: Date = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${ts}-${randomBytes(3).toString('hex')}`;
}

/**
 * A small seeded generator (mulberry32) of floats in [0, 1): for test schedules, demo data and
 * benchmark corpora that must be the same on every machine and replayable from their seed.
 * Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
