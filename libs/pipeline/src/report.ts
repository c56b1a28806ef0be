import { maskSecretsDeep } from '@social-pulse/runtime';
import type { PipelineRun, RunStatus } from '@social-pulse/schema';
import type { StepName } from './steps.ts';

export { STEPS, type StepName } from './steps.ts';

/** What a step tells the orchestrator (over IPC) and the run history (pipeline_runs). */
export interface StepReport {
  step: StepName;
  status: RunStatus;
  rowsIn: number;
  rowsOut: number;
  rowsRejected: number;
  retries: number;
  /** Why it failed, or what was skipped; secret-free. */
  error?: string;
  /** Step-specific figures (JSON). */
  details?: Record<string, unknown>;
  /** Extra rows of pipeline_runs, e.g. one per source for the scrape step. */
  perSource?: Omit<PipelineRun, 'run_id' | 'step'>[];
  /**
   * Whether running the step again could help (default: yes, for a failed step). A step that
   * failed on bad configuration, or whose HTTP requests already spent their retries, says no.
   */
  retryable?: boolean;
  /** Attempts made by `pulse run` (1 when the first one did it). */
  attempts?: number;
  /** Set by the step when its own row of pipeline_runs holds this outcome. */
  recorded?: boolean;
  /** Lines for the person at the terminal. */
  lines: string[];
  startedAt: string;
  finishedAt: string;
}

/** The status of a whole made of parts: failed if all failed, partial if any was not ok. */
export function combineStatus(parts: RunStatus[]): RunStatus {
  const real = parts.filter((s) => s !== 'skipped');
  if (!parts.length) return 'ok';
  if (!real.length) return 'skipped';
  if (real.every((s) => s === 'failed')) return 'failed';
  return real.every((s) => s === 'ok') && real.length === parts.length ? 'ok' : 'partial';
}

/**
 * The report with every string in it (lines, error, details, per-source rows) masked: what a
 * report says is printed, recorded in the history and sent to the webhook. The process that
 * made it knows the tokens its sources obtained; the orchestrator masks again with what it knows.
 */
export function maskReport(r: StepReport): StepReport {
  return maskSecretsDeep(r);
}

/** Width of the label column of a report line (`lake-write    …`, continuation lines blank). */
const LABEL_WIDTH = 13;

/**
 * A line of a step's report for the person at the terminal: the label (a step, or a part of
 * one such as `quality`; empty for a continuation line) in a column of its own, then the text.
 */
export function reportLine(label: string, text: string): string {
  return `${label.padEnd(LABEL_WIDTH)} ${text}`;
}
