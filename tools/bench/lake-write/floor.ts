/**
 * The floor of the lake-write benchmark: what any JavaScript normalizer must at least do.
 * Every raw page of a lake is read, gunzipped and `JSON.parse`d in this one process, in the
 * order `pulse write` reads them, and nothing else. Prints the seconds that took (measured
 * inside the process, so Node's start-up is not counted: the strictest floor) and the pages.
 *
 *   npx tsx tools/bench/lake-write/floor.ts LAKE_DIR
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

const [lake] = process.argv.slice(2);
if (!lake) throw new Error('usage: floor.ts LAKE_DIR');
const files = (await readdir(path.join(lake, 'raw'), { recursive: true, withFileTypes: true }))
  .filter((e) => e.isFile() && e.name.endsWith('.json.gz'))
  .map((e) => path.join(e.parentPath, e.name))
  .sort();
const started = process.hrtime.bigint();
let items = 0;
for (const f of files) {
  const doc = JSON.parse(gunzipSync(await readFile(f)).toString('utf8')) as { body?: unknown };
  // Touch the result so the parse cannot be skipped.
  if (doc.body && typeof doc.body === 'object') items += 1;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ seconds, pages: files.length, parsed: items })}\n`);
