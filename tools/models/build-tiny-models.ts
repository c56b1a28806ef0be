/**
 * Build the tiny test models (see @social-pulse/nlp/testing) into a folder, for trying the
 * NLP step offline or running the benchmark:
 *
 *   npx tsx tools/models/build-tiny-models.ts [--out .pulse-models] [--as-defaults]
 *   PULSE_MODELS_DIR=.pulse-models npx pulse enrich   # with nlp.topics.model: pulse-tiny/nli-topics, …
 *
 * `--as-defaults` also writes them under the default models' ids (Xenova/bert-base-NER, …), so
 * that a configuration without an `nlp:` section runs on them: a smoke test, not real labels.
 *
 * The folder is gitignored: model files are never committed. The builder itself lives in
 * libs/nlp (libs may not import tools/, and the lib's tests need it); this is its CLI.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildTinyModels, TINY_MODEL_IDS } from '@social-pulse/nlp/testing';

export const DEFAULT_OUT = '.pulse-models';

/** Parse `--out DIR` (default `.pulse-models`) and `--as-defaults`, build, and return the folder and model ids. */
export async function buildTinyModelsCli(argv: readonly string[], cwd = process.cwd()) {
  let out = DEFAULT_OUT;
  let asDefaults = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--out' && argv[i + 1]) out = argv[++i]!;
    else if (a === '--as-defaults') asDefaults = true;
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '--help' || a === '-h') return { help: true as const };
    else throw new Error(`unknown argument ${a} (usage: build-tiny-models [--out DIR] [--as-defaults])`);
  }
  const dir = path.resolve(cwd, out);
  const built = await buildTinyModels(dir, { asDefaults });
  return { help: false as const, dir: built.dir, ids: [...Object.values(TINY_MODEL_IDS), ...built.defaults] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const r = await buildTinyModelsCli(process.argv.slice(2));
    if (r.help) {
      console.log('usage: npx tsx tools/models/build-tiny-models.ts [--out DIR] [--as-defaults]   (default .pulse-models)');
    } else {
      console.log(`tiny models written to ${r.dir}:`);
      for (const id of r.ids) console.log(`  ${id}`);
      console.log(`use them with PULSE_MODELS_DIR=${r.dir} and nlp.<task>.model set to one of the ids above`);
    }
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
