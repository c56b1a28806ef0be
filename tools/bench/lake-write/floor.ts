/**
 * The floor of the lake-write benchmark: what any JavaScript normalizer must at least do.
 * Every raw page of a lake is read, gunzipped and `JSON.parse`d in this one process, in the
 * order `pulse write` reads them, and nothing else. Prints the seconds that took (measured
 * inside the process, so Node's start-up is not counted: the strictest floor) and the pages.
 *
 *   npx tsx tools/bench/lake-write/floor.ts LAKE_DIR
 */
import { RAW_PAGE_SUFFIX } from '@social-pulse/schema';
import { floorWork, rawFiles } from './pages.ts';

const [lake] = process.argv.slice(2);
if (!lake) throw new Error('usage: floor.ts LAKE_DIR');
const files = await rawFiles(lake, RAW_PAGE_SUFFIX);
const { seconds, parsed } = await floorWork(files);
process.stdout.write(`${JSON.stringify({ seconds, pages: files.length, parsed })}\n`);
