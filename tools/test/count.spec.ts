import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSizes } from '../bench/lib.ts';
import { parseCount } from '../generate/count.ts';

const MAIN = fileURLToPath(new URL('../generate/main.ts', import.meta.url));

describe('counts on the command line (--posts 1m, as the README and BENCHMARKS write them)', () => {
  it('reads plain numbers, underscores and k/m suffixes', () => {
    expect(parseCount('25000')).toBe(25_000);
    expect(parseCount('25_000')).toBe(25_000);
    expect(parseCount('100k')).toBe(100_000);
    expect(parseCount('1m')).toBe(1_000_000);
    expect(parseCount('10M')).toBe(10_000_000);
    expect(parseCount('2.5m')).toBe(2_500_000);
    expect(parseSizes('100k,1m', [])).toEqual([100_000, 1_000_000]);
  });

  it('refuses what is not a whole count, naming the option', () => {
    expect(() => parseCount('1.0005k')).toThrow('--posts expects a whole number such as 25000, 100k or 1m, got "1.0005k"');
    expect(() => parseCount('lots', 'increment')).toThrow(/^--increment expects a whole number/);
    expect(() => parseCount('-5')).toThrow(/--posts/);
    expect(() => parseCount('1g')).toThrow(/--posts/);
  });

  it('tools/generate takes --posts 1.5k and says so in --help', { timeout: 120_000 }, async () => {
    const run = promisify(execFile);
    const help = await run(process.execPath, ['--import', 'tsx', MAIN, '--help']);
    expect(help.stdout).toMatch(/--posts N .*100k, 1m/);
    const lake = await mkdtemp(path.join(os.tmpdir(), 'pulse-gen-count-'));
    try {
      const r = await run(process.execPath, ['--import', 'tsx', MAIN, '--lake', lake, '--posts', '1.5k', '--sources', 'hackernews', '--end', '2026-11-24T00:00:00Z']);
      expect(r.stdout).toMatch(/^generated 1500 posts /);
    } finally {
      await rm(lake, { recursive: true, force: true });
    }
  });
});
