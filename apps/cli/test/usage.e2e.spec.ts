import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pulse, workspace } from './helpers.ts';

// Bad usage exits 2 (as a bad configuration does, and as the commands' own checks of option
// values do: --skip, --every, --since, --port...), never 1, which says that a step failed.
describe('usage errors', { timeout: 120_000 }, () => {
  it('a bad --log-format exits 2 naming the allowed values', async () => {
    const r = await pulse(['--log-format', 'xml', 'status']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: option '--log-format <format>' argument 'xml' is invalid. Allowed choices are text, json, pretty.");
  });

  it('a bad PULSE_LOG_FORMAT exits 2 naming the allowed values, as the option does', async () => {
    const r = await pulse(['status'], { PULSE_LOG_FORMAT: 'xml' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: PULSE_LOG_FORMAT 'xml' is invalid. Allowed choices are text, json, pretty.");
  });

  it('an unknown command, an unknown option, a stray argument and a missing value exit 2 with what was wrong', async () => {
    const cases: [string[], string][] = [
      [['bogus'], "error: unknown command 'bogus'"],
      [['status', '--bogus'], "error: unknown option '--bogus'"],
      [['status', 'extra'], "error: too many arguments for 'status'"],
      [['run', '--every'], "error: option '--every <duration>' argument missing"],
    ];
    for (const [args, message] of cases) {
      const r = await pulse(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain(message);
    }
  });

  it('--help and --version still exit 0', async () => {
    for (const args of [['--help'], ['status', '--help'], ['--version']]) {
      const r = await pulse(args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
    }
  });

  it('--every longer than a timer can wait (2^31-1 ms, about 24.8 days) exits 2 before anything runs', async () => {
    // It used to run back to back: Node fires a longer timer after 1 ms.
    const ws = await workspace('lake: ./data/lake\nwarehouse: duckdb:./data/warehouse.duckdb\nsources: []\n');
    const r = await pulse(['run', '--every', '30d', '--config', ws.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pulse: --every: "30d" is longer than a timer can wait: at most 24d (or 596h, 35791m), 2^31-1 ms');
    expect(existsSync(path.join(ws.dir, 'data'))).toBe(false);
  });
});
