import { seededRandom } from '@social-pulse/runtime';
import { describe, expect, it } from 'vitest';
import { isoFromSeconds, isoTime } from './time.ts';

/** isoTime as it was before its fast path and its memo: what it must still give for every value. */
function reference(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const t = new Date(typeof value === 'number' ? value : Date.parse(value));
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

describe('isoTime', () => {
  it('gives what Date gives on the edges of the canonical form', () => {
    const cases = [
      '2026-11-20T10:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2026-02-29T00:00:00.000Z', // no such day: Date reads it as 1 March
      '1900-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z', // hour 24: the next day
      '2026-01-01T23:60:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '2026-00-01T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '2026-11-20T10:00:00.000z',
      '2026-11-20 10:00:00.000Z',
      '2026-11-20T10:00:00Z',
      '2026-11-20T10:00:00.000000Z',
      '2026-11-20T10:00:00.000+01:00',
      '+02026-11-20T10:00:00.000Z',
      '2026-1a-20T10:00:00.000Z',
      ' 2026-11-20T10:00:00.000Z',
      'Fri, 20 Nov 2026 10:00:00 GMT',
      '',
      'not a date',
    ];
    for (const s of cases) expect([s, isoTime(s)]).toEqual([s, reference(s)]);
    for (const v of [0, -0, 1, -1, 1.5, 1_767_225_600_000, 8.64e15, 8.64e15 + 1, -8.64e15, Number.NaN, Infinity, null, undefined, {}, ['2026-11-20T10:00:00.000Z']]) {
      expect([v, isoTime(v)]).toEqual([v, reference(v)]);
      // Twice in a row: the memo gives the same.
      expect([v, isoTime(v)]).toEqual([v, reference(v)]);
    }
  });

  it('gives what Date gives on 20,000 random near-canonical strings and epochs', () => {
    const random = seededRandom(20);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const digits = (n: number, max: number) => String(Math.floor(random() * max)).padStart(n, '0');
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      let s = `${digits(4, 10_000)}-${digits(2, 14)}-${digits(2, 33)}T${digits(2, 26)}:${digits(2, 62)}:${digits(2, 62)}.${digits(3, 1000)}Z`;
      // Now and then one character changed, dropped or added.
      const at = Math.floor(random() * s.length);
      const r = random();
      if (r < 0.1) s = s.slice(0, at) + pick(['-', ':', 'T', 'Z', '.', ' ', '1', 'x', '+']) + s.slice(at + 1);
      else if (r < 0.15) s = s.slice(0, at) + s.slice(at + 1);
      else if (r < 0.2) s = s.slice(0, at) + pick(['0', '9', ':', 'Z']) + s.slice(at);
      const want = reference(s);
      if (want === s) fast += 1;
      expect([s, isoTime(s)]).toEqual([s, want]);
      const ms = Math.floor((random() - 0.3) * 2e13);
      expect([ms, isoTime(ms)]).toEqual([ms, reference(ms)]);
      const seconds = random() < 0.5 ? Math.floor(random() * 1e11) : random() * 2e11 - 1e10;
      expect([seconds, isoFromSeconds(seconds)]).toEqual([seconds, seconds > 0 && seconds <= 99_999_999_999 ? reference(seconds * 1000) : undefined]);
    }
    // Enough of the strings were canonical, and enough were not, for the comparison to mean something.
    expect(fast).toBeGreaterThan(2_000);
    expect(fast).toBeLessThan(18_000);
  });
});
