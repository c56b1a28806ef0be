import path from 'node:path';
import { loadConfig, type Config, type NlpConfig } from '@social-pulse/config';
import { listModels, nlpConfigRelativeTo, pullModels, resolveModelsDir, verifyModels } from '@social-pulse/nlp';

interface GlobalOpts {
  config: string;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The nlp section with its paths taken from the configuration file's folder. */
async function nlpOf(g: GlobalOpts): Promise<{ config: Config; nlp: NlpConfig }> {
  const config = await loadConfig(g.config);
  return { config, nlp: nlpConfigRelativeTo(config.nlp, path.dirname(path.resolve(config.file))) };
}

/** One line on where models come from: the offline folder, or the hub and its cache. */
function whereFrom(nlp: NlpConfig): string {
  const dir = resolveModelsDir(nlp, process.env);
  if (dir) return `models folder ${dir} (offline: nothing is downloaded${process.env.PULSE_MODELS_DIR?.trim() ? ', from PULSE_MODELS_DIR' : ''})`;
  return 'the Hugging Face hub, cached by transformers.js (set PULSE_MODELS_DIR or nlp.modelsDir to run offline)';
}

function disabled(nlp: NlpConfig): boolean {
  if (nlp.enabled) return false;
  out('nlp.enabled is false: the enrich step and its models are not used');
  return true;
}

/** `pulse models list`: the configured models and whether each is present with its files. */
export async function modelsListCommand(g: GlobalOpts, o: { json?: boolean }): Promise<void> {
  const { nlp } = await nlpOf(g);
  const models = await listModels(nlp, { env: process.env });
  const absent = models.filter((m) => !m.present);
  // Like verify: a configured model that is not there fails the command, for scripts too.
  if (nlp.enabled && absent.length) process.exitCode = 1;
  if (o.json) {
    out(JSON.stringify({ enabled: nlp.enabled, modelsDir: resolveModelsDir(nlp, process.env) ?? null, models }, null, 2));
    return;
  }
  if (disabled(nlp)) return;
  out(`models from ${whereFrom(nlp)}`);
  for (const m of models) {
    const state = m.present ? `present, ${mb(m.bytes)}` : `missing ${m.missing.join(', ')}`;
    out(`${m.task.padEnd(10)} ${m.id}@${m.revision} ${m.dtype}  ${state}${m.folder ? `  (${m.folder})` : ''}`);
  }
  if (absent.length) {
    out(
      `${absent.length} of ${models.length} configured models are missing: get them with \`pulse models pull\` ` +
        '(needs PULSE_MODELS_DIR or nlp.modelsDir and access to huggingface.co)',
    );
  }
}

/** `pulse models pull`: download the missing models into the models folder. */
export async function modelsPullCommand(g: GlobalOpts): Promise<void> {
  const { nlp } = await nlpOf(g);
  if (disabled(nlp)) return;
  const reported = new Set<string>();
  const results = await pullModels(nlp, {
    env: process.env,
    onProgress: (p) => {
      const key = `${p.model}/${p.file}`;
      if (p.total > 0 && p.loaded >= p.total && !reported.has(key)) {
        reported.add(key);
        out(`  ${key}  ${mb(p.total)}`);
      }
    },
  });
  let failed = false;
  for (const r of results) {
    const what = r.error ? `failed: ${r.error}` : r.pulled ? `pulled, ${mb(r.bytes)}` : r.present ? 'already present' : `incomplete: missing ${r.missing.join(', ')}`;
    if (r.error || !r.present) failed = true;
    out(`${r.task.padEnd(10)} ${r.id}@${r.revision} ${r.dtype}  ${what}`);
  }
  process.exitCode = failed ? 1 : 0;
}

/** `pulse models verify`: load each model and label one sample post. */
export async function modelsVerifyCommand(g: GlobalOpts): Promise<void> {
  const { nlp } = await nlpOf(g);
  if (disabled(nlp)) return;
  out(`models from ${whereFrom(nlp)}`);
  const results = await verifyModels(nlp, { env: process.env });
  for (const r of results) {
    out(`${r.task.padEnd(10)} ${r.id}  ${r.ok ? `ok in ${r.ms} ms: ${r.output}` : `FAILED: ${r.error}`}`);
    for (const w of r.warnings ?? []) out(`${''.padEnd(10)} warning: ${w}`);
  }
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}
