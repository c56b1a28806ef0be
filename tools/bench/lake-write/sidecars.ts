/**
 * Turns a generated raw zone into a scraped one, for the lake-write benchmark's second row:
 * lands beside every raw page the sidecar the scraper would have landed with it, with the
 * scraper's own code (sidecarOf from libs/sources, landSidecar from libs/lake, what
 * RawZone.land runs). Prints the seconds spent making and writing the sidecars, which is the
 * scraper's added cost: the normalization itself is not counted there (the scraper normalizes
 * every page anyway, to count posts and rejections and to page), but it is measured and
 * printed beside it, as are the bytes added to raw/.
 *
 *   npx tsx tools/bench/lake-write/sidecars.ts LAKE_DIR
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { landSidecar, LocalStore } from '@social-pulse/lake';
import { RAW_PAGE_SUFFIX, RAW_SIDECAR_SUFFIX } from '@social-pulse/schema';
import { decodeRawPage, normalizeRawPage, sidecarOf } from '@social-pulse/sources';
import { rawFiles } from './pages.ts';

const [lake] = process.argv.slice(2);
if (!lake) throw new Error('usage: sidecars.ts LAKE_DIR');
const store = new LocalStore(lake);
const files = (await rawFiles(lake, RAW_PAGE_SUFFIX)).map((f) => path.relative(lake, f).split(path.sep).join('/'));
let normalizeNs = 0n;
let sidecarNs = 0n;
let pageBytes = 0;
let posts = 0;
for (const key of files) {
  const gz = await readFile(path.join(lake, key));
  pageBytes += gz.byteLength;
  const t0 = process.hrtime.bigint();
  // What the scraper has in hand when it lands a page: the page and its normalization.
  const page = decodeRawPage(gunzipSync(gz).toString('utf8'));
  const n = normalizeRawPage(page);
  const t1 = process.hrtime.bigint();
  const sidecar = sidecarOf(page, n);
  if (sidecar) await landSidecar(store, key, gz.byteLength, sidecar);
  sidecarNs += process.hrtime.bigint() - t1;
  normalizeNs += t1 - t0;
  posts += n.posts.length;
}
let sidecarBytes = 0;
for (const f of await rawFiles(lake, RAW_SIDECAR_SUFFIX)) {
  sidecarBytes += (await readFile(f)).byteLength;
}
process.stdout.write(`${JSON.stringify({ pages: files.length, posts, sidecarSeconds: Number(sidecarNs) / 1e9, normalizeSeconds: Number(normalizeNs) / 1e9, pageBytes, sidecarBytes })}\n`);
