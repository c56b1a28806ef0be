/**
 * Run first by the root `npm test`: the dashboard's browser tests need a Chromium, and
 * without one they would fail only after every other project's tests. Stops at once with the
 * line that fixes it; prints where the browser was found otherwise.
 */
import { findChromium } from '../src/testing/find-browser.ts';

const found = findChromium();
if (found.path === null) {
  process.stderr.write(`${found.problem}\n`);
  process.exit(1);
}
process.stdout.write(`browser tests: Chromium at ${found.path} (from ${found.from})\n`);
