import { nlpShardProgress, openLake, type NlpShardProgress } from '@social-pulse/lake';
import { STEPS } from '@social-pulse/pipeline';
import { describeError, maskSecrets, maskSecretsDeep } from '@social-pulse/runtime';
import { describeFailedChecks, rowsOrNone, STATUS_SQL, type CheckStatusRow, type StepStatusRow } from '@social-pulse/warehouse';
import { openWarehouseToRead } from '../read-warehouse.ts';

interface SourceStatus {
  source: string;
  posts: number;
  newest_post: string | null;
  last_collected: string | null;
  last_run: { run_id: string; status: string; started_at: string; finished_at: string | null; rows_out: number; error: string | null } | null;
}

interface StepRow {
  step: string;
  source: string;
  run_id: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  rows_out: number;
  retries: number;
  error: string | null;
}

/** A row of STATUS_SQL.steps as a step's last run. */
const lastRunOf = (r: StepStatusRow): StepRow => ({
  step: r.step, source: r.source, run_id: r.run_id, status: r.last_status, started_at: r.last_run_at, finished_at: r.last_finished_at,
  rows_out: r.last_rows_out, retries: r.last_retries, error: r.last_error,
});
/** `pulse status` lists the checks in the order they ran (the shared query puts failures first). */
const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
const byCheckTime = (a: CheckStatusRow, b: CheckStatusRow) => cmp(a.checked_at, b.checked_at) || cmp(a.check_name, b.check_name) || cmp(a.source, b.source);
const STEP_ORDER: readonly string[] = STEPS;

/**
 * `pulse status`: what the warehouse holds per source, how the last run went (which step
 * failed and why, which steps it kept from running), each step's last run, and the
 * data-quality checks of the last load.
 */
export async function statusCommand(g: { config: string }, o: { json?: boolean }): Promise<void> {
  const { config, w } = await openWarehouseToRead(g.config);
  try {
    const posts = await w.query<{ source: string; posts: number; newest: string; collected: string }>(
      `SELECT source, count(*) AS posts, max(created_at) AS newest, max(collected_at) AS collected FROM posts GROUP BY source`,
    );
    // The same status and quality queries as the dashboard's.
    const runs = (await w.query<StepStatusRow>(STATUS_SQL.steps)).map(lastRunOf);
    const lastRun = await w.query<StepRow>(
      `SELECT step, source, run_id, status, started_at, finished_at, rows_out, retries, error FROM pipeline_runs
       WHERE source = '*' AND run_id = (SELECT run_id FROM pipeline_runs WHERE source = '*' ORDER BY started_at DESC LIMIT 1)`,
    );
    // Read-only, status adds no table: a warehouse older than dq_checks gets it at the next load.
    const checks = (await rowsOrNone('dq_checks', w.query<CheckStatusRow>(STATUS_SQL.quality))).sort(byCheckTime);
    const configured = [...new Set([...config.sources.map((s) => s.type as string), ...posts.map((p) => p.source)])];
    const sources: SourceStatus[] = configured.map((source) => {
      const p = posts.find((x) => x.source === source);
      const r = runs.find((x) => x.step === 'scrape' && x.source === source);
      return {
        source,
        posts: p?.posts ?? 0,
        newest_post: p?.newest ?? null,
        last_collected: p?.collected ?? null,
        last_run: r ? { run_id: r.run_id, status: r.status, started_at: r.started_at, finished_at: r.finished_at, rows_out: r.rows_out, error: r.error } : null,
      };
    });
    const stepOf = ({ source: _, ...step }: StepRow) => step;
    const steps = runs.filter((r) => r.source === '*').map(stepOf);
    const ordered = [...lastRun].sort((a, b) => STEP_ORDER.indexOf(a.step) - STEP_ORDER.indexOf(b.step));
    const failedStep = ordered.find((r) => r.status === 'failed');
    const last_run = ordered.length
      ? {
          run_id: ordered[0]!.run_id,
          status: failedStep ? 'failed' : ordered.some((r) => r.status === 'running') ? 'running' : ordered.every((r) => r.status === 'ok') ? 'ok' : 'partial',
          failed_step: failedStep ? { step: failedStep.step, error: failedStep.error } : null,
          not_run: ordered.filter((r) => r.status === 'skipped' && r.error?.startsWith('not run:')).map((r) => r.step),
          steps: ordered.map(stepOf),
        }
      : null;
    const quality = {
      run_id: checks[0]?.run_id ?? null,
      checked_at: checks[0]?.checked_at ?? null,
      failed: checks.filter((c) => c.status === 'fail').length,
      checks,
    };
    // Sharded enrich (`pulse enrich --shard`) keeps its progress in the lake, not the warehouse.
    let shards: NlpShardProgress[] = [];
    let shardsError: string | null = null;
    try {
      shards = await nlpShardProgress(await openLake(config.lakeLocation));
    } catch (e) {
      shardsError = describeError(e);
    }
    const enrich_shards = shards.map((p) => ({ shard: `${p.shard.index}/${p.shard.count}`, posts_through: p.postsThrough, pending_posts_files: p.pendingPostsFiles, updated_at: p.updatedAt }));
    if (o.json) {
      process.stdout.write(
        `${JSON.stringify(maskSecretsDeep({ lake: config.lake, warehouse: config.warehouse, sources, last_run, steps, quality, enrich_shards, ...(shardsError ? { enrich_shards_error: shardsError } : {}) }), null, 2)}\n`,
      );
      return;
    }
    const lines = [`warehouse ${config.warehouse}`, '', 'source          posts  newest post            last scrape'];
    for (const s of sources) {
      const run = s.last_run ? `${s.last_run.status} at ${s.last_run.started_at} (+${s.last_run.rows_out})${s.last_run.error ? ` — ${s.last_run.error}` : ''}` : 'never';
      lines.push(`${s.source.padEnd(14)} ${String(s.posts).padStart(6)}  ${(s.newest_post ?? '-').padEnd(22)} ${run}`);
    }
    if (last_run) {
      lines.push('', `last run ${last_run.run_id}: ${last_run.status}`);
      if (last_run.failed_step) lines.push(`  failed step: ${last_run.failed_step.step} — ${last_run.failed_step.error ?? 'no reason recorded'}`);
      if (last_run.not_run.length) lines.push(`  not run: ${last_run.not_run.join(', ')} (they depend on ${last_run.failed_step?.step ?? 'a failed step'})`);
      for (const s of last_run.steps) {
        lines.push(`  ${s.step.padEnd(11)} ${s.status}${s.retries ? ` after ${s.retries} retries` : ''}${s.error && s.status !== 'skipped' ? ` — ${s.error}` : ''}`);
      }
    }
    lines.push('', 'step        last run');
    for (const s of steps) lines.push(`${s.step.padEnd(11)} ${s.status} at ${s.started_at} (${s.rows_out} rows)${s.error ? ` — ${s.error}` : ''}`);
    if (shardsError) lines.push('', `enrich shards: could not read the lake (${shardsError})`);
    else if (enrich_shards.length) {
      lines.push('', 'enrich shard  labelled through                              pending posts/ files  saved at');
      for (const p of enrich_shards) {
        lines.push(`${p.shard.padEnd(13)} ${(p.posts_through ?? 'nothing yet').padEnd(44)} ${String(p.pending_posts_files).padStart(20)}  ${p.updated_at ?? '-'}`);
      }
    }
    lines.push('');
    if (!checks.length) lines.push('data quality: no checks yet (they run after each load)');
    else {
      const failed = describeFailedChecks(checks);
      lines.push(`data quality (run ${quality.run_id}, ${quality.checked_at}): ${checks.length - failed.length} of ${checks.length} checks passed or skipped${failed.length ? `, ${failed.length} failed:` : ''}`);
      for (const f of failed) lines.push(`  ${f}`);
    }
    process.stdout.write(`${maskSecrets(lines.join('\n'))}\n`);
  } finally {
    await w.close();
  }
}
