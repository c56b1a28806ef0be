import { loadConfig } from '@social-pulse/config';
import { openWarehouse } from '@social-pulse/warehouse';

interface SourceStatus {
  source: string;
  posts: number;
  newest_post: string | null;
  last_collected: string | null;
  last_run: { run_id: string; status: string; started_at: string; finished_at: string | null; rows_out: number; error: string | null } | null;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));

/** `pulse status`: what the warehouse holds per source and how the last runs went. */
export async function statusCommand(g: { config: string }, o: { json?: boolean }): Promise<void> {
  const config = await loadConfig(g.config);
  const w = await openWarehouse(config.warehouseLocation);
  try {
    const posts = await w.query<{ source: string; posts: bigint; newest: Date; collected: Date }>(
      `SELECT source, count(*) AS posts, max(created_at) AS newest, max(collected_at) AS collected FROM posts GROUP BY source`,
    );
    const runs = await w.query<{ step: string; source: string; run_id: string; status: string; started_at: Date; finished_at: Date | null; rows_out: bigint; error: string | null }>(
      `SELECT step, source, run_id, status, started_at, finished_at, rows_out, error FROM pipeline_runs
       QUALIFY row_number() OVER (PARTITION BY step, source ORDER BY started_at DESC) = 1 ORDER BY step, source`,
    );
    const configured = [...new Set([...config.sources.map((s) => s.type as string), ...posts.map((p) => p.source)])];
    const sources: SourceStatus[] = configured.map((source) => {
      const p = posts.find((x) => x.source === source);
      const r = runs.find((x) => x.step === 'scrape' && x.source === source);
      return {
        source,
        posts: Number(p?.posts ?? 0),
        newest_post: iso(p?.newest),
        last_collected: iso(p?.collected),
        last_run: r
          ? { run_id: r.run_id, status: r.status, started_at: iso(r.started_at)!, finished_at: iso(r.finished_at), rows_out: Number(r.rows_out), error: r.error }
          : null,
      };
    });
    const steps = runs
      .filter((r) => r.source === '*')
      .map((r) => ({ step: r.step, run_id: r.run_id, status: r.status, started_at: iso(r.started_at), finished_at: iso(r.finished_at), rows_out: Number(r.rows_out), error: r.error }));
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ lake: config.lake, warehouse: config.warehouse, sources, steps }, null, 2)}\n`);
      return;
    }
    const lines = [`warehouse ${config.warehouse}`, '', 'source          posts  newest post            last scrape'];
    for (const s of sources) {
      const run = s.last_run ? `${s.last_run.status} at ${s.last_run.started_at} (+${s.last_run.rows_out})${s.last_run.error ? ` — ${s.last_run.error}` : ''}` : 'never';
      lines.push(`${s.source.padEnd(14)} ${String(s.posts).padStart(6)}  ${(s.newest_post ?? '-').padEnd(22)} ${run}`);
    }
    lines.push('', 'step        last run');
    for (const s of steps) lines.push(`${s.step.padEnd(11)} ${s.status} at ${s.started_at} (${s.rows_out} rows)${s.error ? ` — ${s.error}` : ''}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await w.close();
  }
}
