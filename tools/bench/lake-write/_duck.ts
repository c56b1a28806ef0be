import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBConnection } from '@duckdb/node-api';
import { decodeRawPage, normalizeRawPage } from '@social-pulse/sources';
import { PostsMerge, openLake } from '@social-pulse/lake';
import type { Post } from '@social-pulse/schema';
const lakeDir = process.argv[2]!;
const files = (await readdir(path.join(lakeDir, 'raw'), { recursive: true, withFileTypes: true }))
  .filter((e) => e.isFile() && e.name.endsWith('.json.gz')).map((e) => path.join(e.parentPath, e.name)).sort();
const out = '/tmp/lw/phase-out'; await rm(out, { recursive: true, force: true });
const lake = await openLake({ kind: 'local', root: out } as never);
const merge = await PostsMerge.open(lake, '20261201T000000Z-x', { workDir: '/tmp/lw/phase-work' });
const times = new Map<string, number>();
const orig = DuckDBConnection.prototype.run;
DuckDBConnection.prototype.run = async function (sql: string, ...rest: unknown[]) {
  const t = performance.now();
  try { return await (orig as any).call(this, sql, ...rest); } finally {
    const k = sql.trim().replace(/\s+/g, ' ').slice(0, 60);
    times.set(k, (times.get(k) ?? 0) + performance.now() - t);
  }
} as never;
let batch: Post[] = [];
const T = { norm: 0, stage: 0, commit: 0 };
let t = performance.now();
const lap = (k: keyof typeof T) => { const n = performance.now(); T[k] += n - t; t = n; };
for (const f of files) {
  batch.push(...normalizeRawPage(decodeRawPage(gunzipSync(await readFile(f)).toString('utf8'))).posts); lap('norm');
  if (batch.length >= 100000) { await merge.stage(batch); batch = []; lap('stage'); }
}
await merge.stage(batch); lap('stage');
const r = await merge.commit(); lap('commit');
await merge.close();
console.log(T, r.rowsOut);
for (const [k, v] of [...times].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log((v / 1000).toFixed(2).padStart(8), k);
