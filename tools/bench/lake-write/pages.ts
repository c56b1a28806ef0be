/** What the lake-write benchmark's scripts share: the raw zone's files, and the floor's own work over them. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The paths of a lake's raw/ files whose names end with `suffix` (RAW_PAGE_SUFFIX or RAW_SIDECAR_SUFFIX), in the order `pulse write` reads them. */
export async function rawFiles(lake: string, suffix: string): Promise<string[]> {
  return (await readdir(path.join(lake, 'raw'), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * The floor: every page read, gunzipped and `JSON.parse`d, and nothing else. Returns the seconds
 * it took and how many pages had a body (touching the result, so that the parse cannot be skipped).
 */
export async function floorWork(pages: readonly string[]): Promise<{ seconds: number; parsed: number }> {
  const started = process.hrtime.bigint();
  let parsed = 0;
  for (const f of pages) {
    const doc = JSON.parse(gunzipSync(await readFile(f)).toString('utf8')) as { body?: unknown };
    if (doc.body && typeof doc.body === 'object') parsed += 1;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, parsed };
}
