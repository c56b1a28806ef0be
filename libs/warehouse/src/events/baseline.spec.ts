import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR, judgeHour, MIN_HISTORY_HOURS, spikeRuns } from './baseline.ts';
import { seededRandom } from '@social-pulse/runtime';
import { poissonSeries, seasonalRate } from './synthetic.ts';

const WEEKS = 6;
const HOURS = WEEKS * 168;

/** Spiking hours over many seeded series of one shape: the false alarms of that shape. */
function falseAlarms(series: number, rate: (h: number) => number, seed: number): { alarms: number; hours: number } {
  const rand = seededRandom(seed);
  let alarms = 0;
  for (let k = 0; k < series; k++) alarms += spikeRuns(poissonSeries(HOURS, rate, rand)).length;
  return { alarms, hours: series * (HOURS - MIN_HISTORY_HOURS) };
}

describe('event detector on synthetic series', () => {
  it('a planted spike in a flat hashtag series is one event, at the planted hours, with its figures', () => {
    const series = poissonSeries(HOURS, () => 10, seededRandom(1));
    const at = 4 * 168 + 30;
    series[at] = (series[at] ?? 0) + 60;
    series[at + 1] = (series[at + 1] ?? 0) + 40;
    const runs = spikeRuns(series);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.startHour).toBe(at);
    expect(runs[0]!.lastHour).toBe(at + 1);
    expect(runs[0]!.peak.hour).toBe(at);
    expect(runs[0]!.peak.expected).toBeGreaterThan(7);
    expect(runs[0]!.peak.expected).toBeLessThan(13);
    expect(runs[0]!.peak.score).toBeGreaterThan(DEFAULT_DETECTOR.threshold);
  });

  it('a spike that ends and comes back after more than closeAfter quiet hours is a second event; a shorter lull is the same one', () => {
    const series = new Array<number>(HOURS).fill(3);
    const at = 3 * 168 + 5;
    series[at] = 40;
    series[at + 2] = 40; // one quiet hour between: the same event
    series[at + 8] = 40; // five quiet hours later: a new one
    const runs = spikeRuns(series);
    expect(runs.map((r) => [r.startHour, r.lastHour])).toEqual([[at, at + 2], [at + 8, at + 8]]);
  });

  it('judges nothing before two weeks of history (no baseline yet)', () => {
    const series = new Array<number>(HOURS).fill(0);
    series[300] = 500;
    expect(judgeHour(series, 300)).toBeUndefined();
    expect(spikeRuns(series)).toEqual([]);
  });

  it('a key that is usually absent needs minCount posts; a busy one needs minRatio times its usual', () => {
    const quiet = new Array<number>(HOURS).fill(0);
    quiet[500] = DEFAULT_DETECTOR.minCount - 1;
    expect(spikeRuns(quiet)).toEqual([]);
    // 2√n ≥ threshold: 7 posts where there are usually none.
    quiet[500] = 6;
    expect(spikeRuns(quiet)).toEqual([]);
    quiet[500] = 7;
    expect(spikeRuns(quiet)).toHaveLength(1);
    const busy = new Array<number>(HOURS).fill(1000);
    busy[500] = 1900; // score ≈ 24, but not twice the usual
    expect(spikeRuns(busy)).toEqual([]);
    busy[500] = 2000;
    expect(spikeRuns(busy)).toHaveLength(1);
  });

  it('spikes at the same hour two weeks running are each an event (the baseline ignores one outlier); the third week they are the habit', () => {
    const series = new Array<number>(HOURS).fill(10);
    series[3 * 168 + 12] = 200;
    series[4 * 168 + 12] = 200;
    series[5 * 168 + 12] = 200;
    // The third week running it is the weekly median: a weekly habit, no longer an event.
    expect(spikeRuns(series).map((r) => r.startHour)).toEqual([3 * 168 + 12, 4 * 168 + 12]);
  });

  // False alarms: every series below has no event in it; each alarm is a false one.
  it.each([
    ['flat, 0.2 posts/h', 0.2],
    ['flat, 2 posts/h', 2],
    ['flat, 20 posts/h', 20],
    ['flat, 300 posts/h', 300],
  ])('no false alarms on %s series (200 series × 4 weeks judged)', (_name, rate) => {
    const r = falseAlarms(200, () => rate, 7);
    expect(r.alarms, `${r.alarms} alarms in ${r.hours} hours`).toBe(0);
  });

  it('no false alarms on daily- and weekly-seasonal series (busy afternoons, quiet nights and weekends; 100 series × 4 weeks judged per shape)', () => {
    const shapes = [
      { base: 20, dailyAmplitude: 0.8, weekendFactor: 0.25 },
      { base: 4, dailyAmplitude: 0.9, weekendFactor: 0.1 },
      { base: 100, dailyAmplitude: 0.5, weekendFactor: 3 },
    ];
    for (const [i, shape] of shapes.entries()) {
      const r = falseAlarms(100, (h) => seasonalRate(h, shape), 11 + i);
      expect(r.alarms, `${JSON.stringify(shape)}: ${r.alarms} alarms in ${r.hours} hours`).toBe(0);
    }
  });

  // On weekdays. A weekend spike of a series with busy weekdays is judged against the weekday
  // level (the larger baseline wins), so it must be larger to count: the price of no false
  // alarm on Monday mornings.
  it('finds planted weekday spikes of 3× the usual rate + 15 in seasonal series (recall), at their hours', () => {
    const rand = seededRandom(99);
    let found = 0;
    const planted = 100;
    for (let k = 0; k < planted; k++) {
      const shape = { base: 15, dailyAmplitude: 0.7, weekendFactor: 0.3 };
      const series = poissonSeries(HOURS, (h) => seasonalRate(h, shape), rand);
      const at = (2 + Math.floor(rand() * 3)) * 168 + Math.floor(rand() * 5) * 24 + 8 + Math.floor(rand() * 12);
      series[at] = Math.max(series[at]!, Math.round(3 * seasonalRate(at, shape)) + 15);
      const runs = spikeRuns(series);
      if (runs.length === 1 && runs[0]!.startHour === at) found++;
    }
    expect(found / planted).toBeGreaterThan(0.9);
  });
});
