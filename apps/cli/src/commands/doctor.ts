import { existsSync } from 'node:fs';
import { loadConfig } from '@social-pulse/config';
import { checkGcsLake, openLake } from '@social-pulse/lake';
import { configSecrets } from '@social-pulse/pipeline';
import { HttpClient, describeError, maskSecrets, newRunId, registerSecrets, silentLogger, userAgent, VERSION } from '@social-pulse/runtime';
import { createSources } from '@social-pulse/sources';
import { checkBigQuery, openWarehouse, WarehouseBusy } from '@social-pulse/warehouse';

type Check = { what: string; ok: boolean | 'warn'; detail: string };

/** `pulse doctor`: each check on one line, with what to fix; exit 1 when any failed. */
export async function doctorCommand(g: { config: string }, o: { offline?: boolean }): Promise<void> {
  const checks: Check[] = [];
  // A bad file throws with every problem named; whether the lake is writable is a check below, beside the others.
  const config = await loadConfig(g.config, { lakeAccess: 'read' });
  registerSecrets(configSecrets(config));
  checks.push({ what: 'configuration', ok: true, detail: `${config.file}: ${config.sources.length} sources` });

  // Cloud: credentials and the bucket first, so that a failure below says which part to fix.
  if (config.lakeLocation.kind === 'gcs') checks.push(...(await checkGcsLake(config.lakeLocation)));
  if (config.warehouseLocation.kind === 'bigquery') {
    checks.push(...(await checkBigQuery(config.warehouseLocation)));
    if (config.lakeLocation.kind !== 'gcs') {
      checks.push({ what: 'lake', ok: false, detail: `${config.warehouse} loads the lake's Parquet files from Cloud Storage: set lake: gs://BUCKET/prefix (the lakeUri output of \`pulumi up\`)` });
    }
  }

  try {
    const lake = await openLake(config.lakeLocation);
    const probe = `_state/doctor-${newRunId()}.txt`;
    await lake.write(probe, 'ok');
    await lake.delete(probe);
    checks.push({ what: 'lake', ok: true, detail: `${lake.uri} is writable` });
  } catch (e) {
    checks.push({ what: 'lake', ok: false, detail: `${config.lake}: ${describeError(e)}` });
  }

  // Read-only, like status: doctor must not create the warehouse, nor wait for a run's load
  // or keep one waiting (a DuckDB file admits one writer or readers).
  const where = config.warehouseLocation;
  if (where.kind === 'duckdb' && where.path !== ':memory:' && !existsSync(where.path)) {
    checks.push({ what: 'warehouse', ok: 'warn', detail: `${where.path} does not exist yet: \`pulse run\` (or \`pulse load\`) creates it; check warehouse: in ${config.file} if it should be there` });
  } else {
    try {
      const w = await openWarehouse(where, { readOnly: true });
      try {
        const [n] = await w.query<{ n: number }>('SELECT count(*) AS n FROM posts');
        checks.push({ what: 'warehouse', ok: true, detail: `${config.warehouse}: ${n?.n ?? 0} posts` });
      } finally {
        await w.close();
      }
    } catch (e) {
      // A run loading it is no fault of the set-up: said, not failed.
      if (e instanceof WarehouseBusy) checks.push({ what: 'warehouse', ok: 'warn', detail: `busy, not checked: ${describeError(e)}` });
      else checks.push({ what: 'warehouse', ok: false, detail: `${config.warehouse}: ${describeError(e)}` });
    }
  }

  const http = new HttpClient({ userAgent: userAgent(VERSION, config.contact), retries: 1, timeoutMs: 15_000 });
  for (const s of createSources(config)) {
    if (s.kind === 'skipped') {
      checks.push({ what: s.name, ok: 'warn', detail: `skipped: ${s.reason}` });
      continue;
    }
    if (o.offline || !s.source.check) {
      checks.push({ what: s.source.name, ok: true, detail: `configured (${s.source.queries().length} queries)${o.offline ? '; not called (--offline)' : ''}` });
      continue;
    }
    try {
      const detail = await s.source.check({ http, runId: 'doctor', now: () => new Date(), log: silentLogger, env: process.env });
      checks.push({ what: s.source.name, ok: true, detail });
    } catch (e) {
      checks.push({ what: s.source.name, ok: false, detail: describeError(e) });
    }
  }

  for (const c of checks) {
    const mark = c.ok === true ? 'ok  ' : c.ok === 'warn' ? 'warn' : 'FAIL';
    // A check's detail quotes what a server answered (and a source's run-time token is registered by now).
    process.stdout.write(`${mark}  ${c.what.padEnd(14)} ${maskSecrets(c.detail)}\n`);
  }
  process.exitCode = checks.some((c) => c.ok === false) ? 1 : 0;
}
