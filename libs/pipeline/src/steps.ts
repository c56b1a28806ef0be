/**
 * The pipeline's steps, in the order `pulse run` runs them: each is its own app (run in its
 * own process, see forkStep), and `needs` names the steps whose failure keeps it from running.
 * Adding a step is one entry here (and its app's `stepMain`).
 */
export const STEP_DEFS = [
  { name: 'scrape', app: '@social-pulse/scraper', needs: [] },
  { name: 'lake-write', app: '@social-pulse/lake-writer', needs: ['scrape'] },
  { name: 'enrich', app: '@social-pulse/nlp-enricher', needs: ['lake-write'] },
  // Loading posts does not need their labels: a failed enrich (no models, say) still lets load
  // run, and the next successful enrich adds the labels.
  // load opens the warehouse anyway: it records its own history, with the rows pulse run hands it.
  { name: 'load', app: '@social-pulse/warehouse-loader', needs: ['lake-write'], recordsHistory: true },
] as const satisfies readonly StepDef<string>[];

export interface StepDef<N extends string> {
  name: N;
  /** The workspace package of the step's app (its entry point is `src/main.ts`). */
  app: string;
  /** Steps this one depends on: when one of them fails (or is not run), this one is not run. */
  needs: readonly N[];
  /**
   * Whether, under `pulse run`, the step's process records its own rows of the history and
   * those the run has not written yet (HistoryHandoff): set for a step that opens the warehouse
   * anyway, so that `pulse` itself need not load DuckDB for them. Other steps' rows are written
   * by `pulse` (a step with nothing to do then never loads it).
   */
  recordsHistory?: boolean;
}

export type StepName = (typeof STEP_DEFS)[number]['name'];

/** The step names, in the order they run. */
export const STEPS: readonly StepName[] = STEP_DEFS.map((s) => s.name);

/** The definition of a step. */
export function stepDef(step: StepName): StepDef<StepName> {
  return STEP_DEFS.find((s) => s.name === step)! as StepDef<StepName>;
}
