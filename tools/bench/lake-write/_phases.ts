import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeRawPage, normalizeRawPage } from '@social-pulse/sources';
import { PostsMerge, openLake } from '@social-pulse/lake';
import type { Post } from '@social-pulse/schema';
const lakeDir = process.argv[2]!;
const files = (await readdir(path.join(lakeDir, 'raw'), { recursive: true, withFileTypes: true }))
  .filter((e) => e.isFile() && e.name.endsWith('.json.gz')).map((e) => path.join(e.parentPath, e.name)).sort();
const out = '/tmp/lw/phase-out'; await rm(out, { recursive: true, force: true });
const lake = await openLake({ kind: 'local', root: out } as never);
const merge = await PostsMerge.open(lake, '20261201T000000Z-x', { workDir: '/tmp/lw/phase-work' });
const T = { read: 0, parse: 0, norm: 0, stage: 0, commit: 0 };
let t = performance.now();
const lap = (k: keyof typeof T) => { const n = performance.now(); T[k] += n - t; t = n; };
let batch: Post[] = [];
for (const f of files) {
  const txt = gunzipSync(await readFile(f)).toString('utf8'); lap('read');
  const p = decodeRawPage(txt); lap('parse');
  batch.push(...normalizeRawPage(p).posts); lap('norm');
  if (batch.length >= 100000) { await merge.stage(batch); batch = []; lap('stage'); }
}
await merge.stage(batch); lap('stage');
const r = await merge.commit(); lap('commit');
await merge.close();
console.log(Object.fromEntries(Object.entries(T).map(([k, v]) => [k, (v / 1000).toFixed(2)])), r.rowsOut, r.filesWritten.length);
