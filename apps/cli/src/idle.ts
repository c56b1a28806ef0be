import path from 'node:path';
import type { Config } from '@social-pulse/config';
import { lakeWriterInput, openLake, type LakeStore } from '@social-pulse/lake';
import { enrichInput, nlpConfigRelativeTo, SHARD_ENV } from '@social-pulse/nlp';
import { hasIdleReport, type IdleStep, type StepName } from '@social-pulse/pipeline';

type Probe = (open: () => Promise<LakeStore>, config: Config, env: NodeJS.ProcessEnv) => Promise<boolean>;

/**
 * How `pulse run` tells that a step has nothing new, reading its input as the step does
 * (the same functions), so that an idle run starts neither step's process. A setting that the
 * step must check itself, even with nothing to do, lets it run.
 */
const PROBES: Record<IdleStep, Probe> = {
  'lake-write': async (open, _config, env) => {
    // A bad thread count is refused by the step even when there is nothing to do.
    if (env.PULSE_LAKE_WRITE_THREADS !== undefined) return false;
    return (await lakeWriterInput(await open())).files.length === 0;
  },
  enrich: async (open, config, env) => {
    // A shard's settings are checked by the step.
    if (env[SHARD_ENV] !== undefined) return false;
    const nlp = nlpConfigRelativeTo(config.nlp, path.dirname(path.resolve(config.file)));
    return nlp.enabled && (await enrichInput(await open(), nlp, env)).files.length === 0;
  },
};

/**
 * `PipelineHooks.idle`: whether lake-write or enrich surely has nothing new to read. Any
 * error is "not sure" (the orchestrator runs the step, which reports it). The lake is opened
 * once, on first use.
 */
export function idleProbe(config: Config, env: NodeJS.ProcessEnv = process.env): (step: StepName) => Promise<boolean> {
  let lake: Promise<LakeStore> | undefined;
  const open = () => (lake ??= openLake(config.lakeLocation));
  return async (step) => hasIdleReport(step) && PROBES[step](open, config, env);
}
