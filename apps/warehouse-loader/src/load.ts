import { openLake, postsFilesAfter } from '@social-pulse/lake';
import type { StepContext, StepReport } from '@social-pulse/pipeline';
import { openWarehouse } from '@social-pulse/warehouse';

/** Warehouse state key: the last posts/ file merged. */
export const POSTS_WATERMARK = 'loader.posts_through';

/**
 * The load step: MERGEs every posts/ Parquet file written since the last load into the
 * warehouse. The watermark lives in the warehouse itself, so a new, empty warehouse is
 * filled from the whole lake, and a crash between MERGE and watermark redoes an
 * idempotent MERGE.
 */
export async function load(ctx: StepContext): Promise<Omit<StepReport, 'step' | 'startedAt' | 'finishedAt'>> {
  const lake = await openLake(ctx.config.lakeLocation);
  const w = await openWarehouse(ctx.config.warehouseLocation);
  try {
    const after = await w.getState(POSTS_WATERMARK);
    const files = await postsFilesAfter(lake, after);
    const paths = await Promise.all(files.map((f) => lake.localPath(f.key)));
    const r = await w.loadPosts(paths);
    if (files.length) {
      const last = files.at(-1)!.key;
      await w.setState(POSTS_WATERMARK, last.slice(last.lastIndexOf('/') + 1));
    }
    return {
      status: 'ok',
      rowsIn: r.rowsIn,
      rowsOut: r.inserted + r.updated,
      rowsRejected: 0,
      retries: 0,
      details: { files: files.length, inserted: r.inserted, updated: r.updated },
      lines: [`load          ${files.length} Parquet files → ${w.uri}: ${r.inserted} posts inserted, ${r.updated} updated`],
    };
  } finally {
    await w.close();
  }
}
