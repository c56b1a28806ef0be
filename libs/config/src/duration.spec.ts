import { describe, expect, it } from 'vitest';
import { everyProblem, parseDuration, TIMER_MAX_MS } from './duration.ts';

describe('the interval of pulse run --every', () => {
  it('is at most the longest a Node timer waits (2^31-1 ms): 24d, 596h, 35791m and 3w pass; a minute more does not', () => {
    for (const ok of ['1m', '30m', '1h', '24d', '596h', '35791m', '3w', ' 2d ']) expect(everyProblem(ok), ok).toBeNull();
    for (const ms of ['24d', '596h', '35791m']) expect(parseDuration(ms)!).toBeLessThanOrEqual(TIMER_MAX_MS);
    for (const tooLong of ['25d', '597h', '35792m', '4w', '30d', '99999999999999w']) {
      expect(everyProblem(tooLong), tooLong).toBe(`"${tooLong}" is longer than a timer can wait: at most 24d (or 596h, 35791m), 2^31-1 ms`);
    }
  });

  it('is a duration of at least a minute', () => {
    expect(everyProblem('0m')).toBe('"0m" is no interval: at least 1m');
    expect(everyProblem('30x')).toBe('expected a duration such as 30m or 1h, got "30x"');
    expect(everyProblem('1.5h')).toBe('expected a duration such as 30m or 1h, got "1.5h"');
  });

  it('a timer of more than 2^31-1 ms would fire at once: the bound is Node’s, not ours', async () => {
    const { setTimeout: sleep } = await import('node:timers/promises');
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      // It settles at once, not after 30 days.
      await sleep(parseDuration('30d')!);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toContain('TimeoutOverflowWarning');
  });
});
