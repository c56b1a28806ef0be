import { describe, expect, it } from 'vitest';
import { dayOf } from './lake-layout.ts';

describe('dayOf', () => {
  it('gives the UTC day of any time, the one it remembers or another, and throws on a non-time without forgetting', () => {
    const times = ['2026-11-23T23:59:59.999Z', '2026-11-23T23:59:59.999Z', '2026-11-24T01:00:00+02:00', '2024-02-29T12:00:00Z', '2026-11-24T01:00:00+02:00', '2026-02-30T00:00:00.000Z'];
    for (const t of times) expect(dayOf(t)).toBe(new Date(t).toISOString().slice(0, 10));
    expect(dayOf(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01');
    expect(dayOf('2026-02-30T00:00:00.000Z')).toBe('2026-03-02');
    expect(() => dayOf('not a time')).toThrow(RangeError);
    expect(dayOf('2026-02-30T00:00:00.000Z')).toBe('2026-03-02');
    expect(() => dayOf('not a time')).toThrow(RangeError);
    expect(() => dayOf('')).toThrow(RangeError);
  });
});
