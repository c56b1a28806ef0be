import { nlpShardProgress, openLake, type NlpShardProgress } from '@social-pulse/lake';
import { STEPS } from '@social-pulse/pipeline';
import { describeError, maskSecrets, maskSecretsDeep } from '@social-pulse/runtime';
import { describeFailedChecks } from '@social-pulse/warehouse';
import { openWarehouseToRead, rowsOrNone } from '../read-warehouse.ts';

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
  started_at: Date;
  finished_at: Date | null;
  rows_out: bigint;
  retries: bigint;
  error: string | null;
}

interface CheckRow {
  run_id: string;
  check_name: string;
  source: string;
  status: 'pass' | 'fail' | 'skipped';
  severity: 'error' | 'warn';
  observed: number | null;
  expected: string | null;
  message: string | null;
  checked_at: Date;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));
const STEP_ORDER: readonly string[] = STEPS;

/**
 * `pulse status`: what the warehouse holds per source, how the last run went (which step
 * failed and why, which steps it kept from running), each step's last run, and the
 * data-quality checks of the last load.
 */
export async function statusCommand(g: { config: string }, o: { json?: boolean }): Promise<void> {
  const { config, w } = await openWarehouseToRead(g.config);
  try {
    const posts = await w.query<{ source: string; posts: bigint; newest: Date; collected: Date }>(
      `SELECT source, count(*) AS posts, max(created_at) AS newest, max(collected_at) AS collected FROM posts GROUP BY source`,
    );
    const runs = await w.query<StepRow>(
      `SELECT step, source, run_id, status, started_at, finished_at, rows_out, retries, error FROM pipeline_runs
       WHERE TRUE -- BigQuery wants a WHERE, GROUP BY or HAVING beside QUALIFY
       QUALIFY row_number() OVER (PARTITION BY step, source ORDER BY started_at DESC) = 1 ORDER BY step, source`,
    );
    const lastRun = await w.query<StepRow>(
      `SELECT step, source, run_id, status, started_at, finished_at, rows_out, retries, error FROM pipeline_runs
       WHERE source = '*' AND run_id = (SELECT run_id FROM pipeline_runs WHERE source = '*' ORDER BY started_at DESC LIMIT 1)`,
    );
    // Read-only, status adds no table: a warehouse older than dq_checks gets it at the next load.
    const checks = await rowsOrNone(
      'dq_checks',
      w.query<CheckRow>(
        `SELECT run_id, check_name, source, status, severity, observed, expected, message, checked_at FROM dq_checks
       WHERE run_id = (SELECT run_id FROM dq_checks ORDER BY checked_at DESC LIMIT 1) ORDER BY checked_at, check_name, source`,
      ),
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
    const stepOf = (r: StepRow) => ({
      step: r.step, run_id: r.run_id, status: r.status, started_at: iso(r.started_at), finished_at: iso(r.finished_at),
      rows_out: Number(r.rows_out), retries: Number(r.retries), error: r.error,
    });
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
      checked_at: iso(checks[0]?.checked_at),
      failed: checks.filter((c) => c.status === 'fail').length,
      checks: checks.map((c) => ({ ...c, observed: c.observed == null ? null : Number(c.observed), checked_at: iso(c.checked_at) })),
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
