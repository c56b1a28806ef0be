/**
 * Global setup of every test run: the run's temporary files go under one folder of its own,
 * removed when the run ends. Tests make their folders with `mkdtemp(join(tmpdir(), …))`, and
 * the pipeline processes the e2e tests start make theirs the same way (DuckDB spill files,
 * staged Parquet, browser profiles); without this, every `npm test` left a few hundred folders
 * (about 400 MB) in /tmp. `os.tmpdir()` reads TMPDIR on every call, and the test workers and
 * every process they start inherit it.
 *
 * PULSE_KEEP_TEST_TMP=1 keeps the folder (its path is printed) to look at after a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'pulse-test-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (process.env.PULSE_KEEP_TEST_TMP === '1') {
      process.stderr.write(`test files kept in ${root}\n`);
      return;
    }
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
