/**
 * Synthetic hourly series for the detector's tests and benchmark: Poisson counts around a
 * rate that may follow a daily and weekly cycle, from a seeded generator (the same series on
 * every run, so a test's verdict never depends on luck).
 */

/** mulberry32: a small seeded generator, uniform in [0, 1) (libs/runtime's one definition). */
export { seededRandom as seeded } from '@social-pulse/runtime';

/** A Poisson draw (Knuth's product method below 30, a rounded normal above). */
export function poisson(lambda: number, rand: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

/** The rate of hour `h` (hour 0 is a Monday, 00:00 UTC) of a series with a daily and a weekly cycle. */
export function seasonalRate(h: number, o: { base: number; dailyAmplitude?: number; weekendFactor?: number }): number {
  const hourOfDay = h % 24;
  const day = Math.floor(h / 24) % 7;
  // Busiest mid-afternoon, quietest at night.
  const daily = 1 + (o.dailyAmplitude ?? 0) * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI);
  const weekly = day >= 5 ? (o.weekendFactor ?? 1) : 1;
  return o.base * daily * weekly;
}

export function poissonSeries(hours: number, rate: (h: number) => number, rand: () => number): number[] {
  return Array.from({ length: hours }, (_, h) => poisson(rate(h), rand));
}
