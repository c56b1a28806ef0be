const SUFFIX = { '': 1, k: 1e3, m: 1e6 } as const;

/**
 * A count as people write it on a command line: `25000`, `25_000`, `100k`, `1m`, `2.5m`.
 * The one parser of `--posts` and every size list of the generator and the benchmarks.
 */
export function parseCount(text: string, name = 'posts'): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim().replace(/_/g, ''));
  const n = m ? Number(m[1]) * SUFFIX[m[2]!.toLowerCase() as keyof typeof SUFFIX] : NaN;
  // 2.5m is a count; 1.0005k is not.
  if (!Number.isSafeInteger(n)) throw new Error(`--${name} expects a whole number such as 25000, 100k or 1m, got "${text}"`);
  return n;
}
