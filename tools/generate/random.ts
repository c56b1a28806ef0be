/**
 * A seeded random source and the distributions the generator draws from. Everything the
 * generator writes is a function of the seed, so a benchmark re-run elsewhere sees the same
 * posts.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // sfc32, seeded through splitmix32 so that nearby seeds give unrelated streams.
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.float();
  }

  /** Uniform in [0, 1). */
  float(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Log-normal with the given median and log-space sigma: text lengths, follower counts. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /**
   * A heavy-tailed count (discrete Pareto / Lomax): most posts get nothing, a few get a lot.
   * `scale` sets the typical value, `alpha` the tail (smaller = heavier).
   */
  heavyTail(scale: number, alpha: number): number {
    return Math.floor(scale * (Math.pow(1 - this.float(), -1 / alpha) - 1));
  }
}

/**
 * Samples ranks 0..n-1 with P(k) ∝ 1/(k+1)^s (Zipf): authors, hashtags and words all follow
 * this in real feeds. The CDF is computed once; each draw is a binary search.
 */
export class Zipf {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    s: number,
  ) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, s);
      this.cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) this.cdf[k]! /= sum;
  }

  sample(r: Random): number {
    const u = r.float();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A categorical draw from `[value, weight]` pairs. */
export class Weighted<T> {
  private readonly values: T[];
  private readonly cdf: number[];

  constructor(pairs: ReadonlyArray<readonly [T, number]>) {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    let acc = 0;
    this.values = pairs.map(([v]) => v);
    this.cdf = pairs.map(([, w]) => (acc += w / total));
  }

  sample(r: Random): T {
    const u = r.float();
    const i = this.cdf.findIndex((c) => u < c);
    return this.values[i < 0 ? this.values.length - 1 : i]!;
  }
}
