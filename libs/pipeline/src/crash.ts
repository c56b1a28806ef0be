import { closeSync, openSync } from 'node:fs';
import path from 'node:path';

const hits = new Map<string, number>();

/**
 * A named point inside a step where the fault-injection tests may kill the process, to prove
 * that a crash there loses and duplicates nothing. Inert unless `PULSE_TEST_CRASH_AT` is set
 * (only tests set it): a comma-separated list of `point` or `point#n` (the n-th time the
 * point is reached in this process). With `PULSE_TEST_CRASH_DIR` set, each point kills only
 * once across processes (a marker file remembers it), so the run after the crash goes on.
 */
export function crashPoint(name: string, env: NodeJS.ProcessEnv = process.env): void {
  const spec = env.PULSE_TEST_CRASH_AT;
  if (!spec) return;
  const n = (hits.get(name) ?? 0) + 1;
  hits.set(name, n);
  for (const entry of spec.split(',')) {
    const [point, nth = '1'] = entry.trim().split('#');
    if (point !== name || Number(nth) !== n) continue;
    if (env.PULSE_TEST_CRASH_DIR) {
      try {
        // 'wx': exactly one process wins the marker, and only that one dies.
        closeSync(openSync(path.join(env.PULSE_TEST_CRASH_DIR, `${entry.trim().replace(/[^\w.#-]/g, '_')}.crashed`), 'wx'));
      } catch {
        return;
      }
    }
    process.kill(process.pid, 'SIGKILL');
  }
}
