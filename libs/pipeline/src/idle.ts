import { reportLine, type StepReport } from './report.ts';
import type { StepName } from './steps.ts';

/** A step's report without its name and times. */
export type StepOutcome = Omit<StepReport, 'step' | 'startedAt' | 'finishedAt'>;

const done = (details: Record<string, unknown>, line: string): StepOutcome => ({ status: 'ok', rowsIn: 0, rowsOut: 0, rowsRejected: 0, retries: 0, details, lines: [line] });

/**
 * What a step with nothing new in its input reports: the step itself when it finds nothing,
 * and `pulse run` when it finds so before starting the step's process (PipelineHooks.idle),
 * so that both say the same. Steps without an entry always run (scrape asks its sources;
 * load also checks quality and counts events).
 */
const IDLE = {
  'lake-write': (prefix) =>
    done(
      { observations: 0, rawPages: 0, fromSidecars: 0, malformedPages: 0, rewrittenRows: 0, filesWritten: 0, partitions: 0, movedPosts: 0 },
      reportLine('lake-write', `${prefix}0 raw pages → 0 posts, 0 new; 0 rows rewritten in 0 Parquet files`),
    ),
  enrich: (prefix) => done({ postsFiles: 0 }, reportLine('enrich', `${prefix}no new posts`)),
} satisfies Partial<Record<StepName, (prefix: string) => StepOutcome>>;

/** The steps that have an idle report. */
export type IdleStep = keyof typeof IDLE;

/** Whether `pulse run` may tell that `step` has nothing to do without starting it. */
export const hasIdleReport = (step: StepName): step is IdleStep => Object.hasOwn(IDLE, step);

/** The report of `step` with nothing new to read; `prefix` starts its line (a shard's `shard 1/3: `). */
export function idleReport(step: IdleStep, prefix = ''): StepOutcome {
  return IDLE[step](prefix);
}
