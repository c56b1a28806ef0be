import { parseDuration } from '@social-pulse/config';
import { openLake } from '@social-pulse/lake';
import { crashPoint, reportLine, type StepContext, type StepReport } from '@social-pulse/pipeline';
import { describeError } from '@social-pulse/runtime';
import { describeFailedChecks, openWarehouse, runQualityChecks, type LoadResult, type Warehouse } from '@social-pulse/warehouse';
import { detectAndAlert } from './events.ts';
import { loadMetricsFiles, loadNlpFiles, loadZoneFiles, POSTS } from './load-files.ts';
import { assignStories } from './stories.ts';

/**
 * The data-quality checks after a load: recorded in dq_checks, and every failure (or a check
 * that could not run) turned into report lines and an error, so none goes unnoticed.
 */
async function checkQuality(w: Warehouse, ctx: StepContext, partitions: LoadResult['partitions']): Promise<{ lines: string[]; problems: string[]; details: Record<string, unknown> }> {
  try {
    const checks = await runQualityChecks(w, {
      runId: ctx.runId,
      now: new Date(),
      sources: ctx.config.sources.filter((s) => s.enabled).map((s) => s.type),
      scheduleMs: parseDuration(ctx.config.schedule) ?? 3_600_000,
      // Only the days this load touched (none when it brought nothing), on both backends.
      ...(partitions !== undefined ? { partitions } : {}),
    });
    const failed = describeFailedChecks(checks);
    const passed = checks.filter((c) => c.status === 'pass').length;
    const skipped = checks.filter((c) => c.status === 'skipped').length;
    for (const f of failed) ctx.log.warn(`data quality: ${f}`);
    return {
      lines: [
        reportLine('quality', `${passed} checks passed, ${failed.length} failed${skipped ? `, ${skipped} skipped (not enough history)` : ''}`),
        ...failed.map((f) => reportLine('', f)),
      ],
      problems: failed.map((f) => `data quality: ${f}`),
      details: { checksPassed: passed, checksFailed: failed.length, checksSkipped: skipped },
    };
  } catch (e) {
    const why = `data-quality checks could not run: ${describeError(e)}`;
    ctx.log.error(why);
    return { lines: [reportLine('quality', why)], problems: [why], details: { checksFailed: null } };
  }
}

/**
 * The load step: MERGEs every posts/ Parquet file written since the last load into the
 * warehouse, then runs the data-quality checks. The watermark lives in the warehouse itself,
 * so a new, empty warehouse is filled from the whole lake, and a crash between MERGE and
 * watermark redoes an idempotent MERGE.
 */
export async function load(ctx: StepContext): Promise<Omit<StepReport, 'step' | 'startedAt' | 'finishedAt'>> {
  const lake = await openLake(ctx.config.lakeLocation);
  const w = await openWarehouse(ctx.config.warehouseLocation, { memoryLimit: ctx.config.memoryLimit });
  try {
    const r = await loadZoneFiles(lake, w, POSTS, () => crashPoint('load.merged', ctx.env));
    // After the posts, so that every label loaded has its post.
    const nlp = await loadNlpFiles(lake, w);
    const metrics = await loadMetricsFiles(lake, w);
    const stories = await assignStories(w, ctx, r.partitions);
    const dq = await checkQuality(w, ctx, r.partitions);
    // Events: spikes over the hours this load touched, and their alerts (see ./events.ts).
    const ev = await detectAndAlert(w, ctx.config, ctx.log, new Date(), {}, true);
    dq.lines.push(...ev.lines);
    dq.problems.push(...ev.problems);
    Object.assign(dq.details, ev.details);
    // Every query of the step (MERGEs, watermarks, checks), so that pipeline_runs says what the load cost.
    const billed = w.bytesBilled;
    return {
      status: dq.problems.length ? 'partial' : 'ok',
      rowsIn: r.rowsIn,
      rowsOut: r.inserted + r.updated,
      rowsRejected: 0,
      retries: 0,
      ...(dq.problems.length ? { error: dq.problems.slice(0, 5).join('; ') } : {}),
      details: { files: r.files, inserted: r.inserted, updated: r.updated, ...(billed !== undefined ? { bytesBilled: billed } : {}), nlpFiles: nlp.files, nlpInserted: nlp.inserted, nlpUpdated: nlp.updated, metricsFiles: metrics.files, metricsInserted: metrics.inserted, ...stories.details, ...dq.details },
      lines: [
        reportLine('load', `${r.files} Parquet files → ${w.uri}: ${r.inserted} posts inserted, ${r.updated} updated`),
        ...(nlp.files ? [reportLine('', `${nlp.files} nlp/ files → post_nlp: ${nlp.inserted} labels inserted, ${nlp.updated} updated`)] : []),
        ...(metrics.files ? [reportLine('', `${metrics.files} metrics/ files → post_metrics: ${metrics.inserted} observations inserted`)] : []),
        ...stories.lines,
        ...dq.lines,
        ...(billed !== undefined ? [reportLine('', `BigQuery billed ${(billed / 2 ** 20).toFixed(0)} MiB for this step`)] : []),
      ],
    };
  } finally {
    await w.close();
  }
}
