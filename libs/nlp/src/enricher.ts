import type { NlpConfig } from '@social-pulse/config';
import { PulseError } from '@social-pulse/runtime';
import type { PostNlp } from '@social-pulse/schema';
import { encode } from './batching.ts';
import {
  loadModel,
  modelSpecs,
  quietLogger,
  resolveDevice,
  resolveModelsDir,
  threadCount,
  type LoadedModel,
  type ModelSpec,
  type NlpLogger,
  type RuntimeOptions,
} from './models.ts';
import { resolveModelVersions } from './fingerprint.ts';
import { planEnrichment, textHash, type EnrichItem, type EnrichmentPlan, type ExistingLabels, type ModelVersion, type PlanItem } from './plan.ts';
import { hasContent, postText, prepareText } from './prepare.ts';
import { modelEntities, type EntitiesRunner } from './tasks/entities.ts';
import { modelSentiment, type SentimentRunner } from './tasks/sentiment.ts';
import { classifierTopics, zeroShotTopics, type TopicsRunner } from './tasks/topics.ts';

export interface EnrichProgress {
  /** Posts labelled so far (a text shared by several posts counts for each). */
  done: number;
  total: number;
  elapsedMs: number;
  /** Posts per second so far. */
  rate: number;
  /** Estimated time left, or null before the first batch. */
  etaMs: number | null;
}

export interface EnricherOptions {
  log?: NlpLogger;
  /** Environment for PULSE_MODELS_DIR and HF_HUB_OFFLINE (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Clock for `enriched_at` (tests). */
  now?: () => Date;
  /** Labels of this many recent texts are remembered across `enrich` calls. Default 10,000. */
  cacheSize?: number;
  /** Sort texts by token length before batching (default true; the benchmark turns it off to measure it). */
  sortByLength?: boolean;
  /** Override `nlp.threads` (the benchmark compares thread counts). */
  threads?: number;
}

export interface EnricherStats {
  /** Distinct texts run through the models. */
  textsComputed: number;
  /** Posts answered (computed, shared with an identical text, or from the cache). */
  postsLabelled: number;
  /** Posts answered from labels computed by an earlier `enrich` call. */
  cacheHits: number;
}

export interface Enricher {
  /** The model version of each enabled task, as stored in `post_nlp.models`. */
  readonly models: readonly ModelVersion[];
  readonly device: 'cpu' | 'cuda';
  /** Label posts; the result is in the order of `items`. */
  enrich(items: readonly EnrichItem[], onProgress?: (p: EnrichProgress) => void): Promise<PostNlp[]>;
  /** `planEnrichment` with this enricher's configuration. */
  plan<T extends PlanItem>(posts: Iterable<T>, existing: ExistingLabels): EnrichmentPlan<T>;
  stats(): EnricherStats;
  /** Release the ONNX sessions. */
  close(): Promise<void>;
}

type Labels = Pick<PostNlp, 'topics' | 'entities' | 'sentiment' | 'sentiment_score'>;
const EMPTY: Labels = { topics: [], entities: [], sentiment: null, sentiment_score: null };

async function loadAll(specs: ModelSpec[], runtime: RuntimeOptions, auto: boolean, log: NlpLogger): Promise<LoadedModel[]> {
  const loaded: LoadedModel[] = [];
  const failures: Error[] = [];
  // Every model is tried, so that one error names all that are broken, not only the first.
  for (const spec of specs) {
    try {
      loaded.push(await loadModel(spec, runtime));
    } catch (err) {
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  if (!failures.length) return loaded;
  await Promise.all(loaded.map((m) => m.dispose()));
  const e = failures.length === 1 ? failures[0]! : allFailures(failures);
  if (!(auto && runtime.device === 'cuda')) throw e;
  // The provider is installed but CUDA would not start (no GPU, driver mismatch): say so once.
  log.warn(`nlp: device auto: CUDA failed to start (${e.message.split('\n')[0]}), using the CPU`);
  return loadAll(specs, { ...runtime, device: 'cpu' }, false, log);
}

/** One error for several models: what is wrong with each, and each distinct piece of advice once. */
function allFailures(failures: Error[]): PulseError {
  const split = failures.map((f) => {
    const [what, ...advice] = f.message.replace(/\.$/, '').split(/\.\s+(?=[A-Z`])/);
    return { what: what!, advice: advice.join('. ') };
  });
  const advice = [...new Set(split.map((s) => s.advice).filter(Boolean))];
  return new PulseError(
    `${split.map((s) => s.what).join('; ')}${advice.length ? `. ${advice.join('. ')}.` : ''}`,
    1,
    { cause: failures[0] },
  );
}

/**
 * Load the configured models once and return an enricher that labels posts in batches.
 * Identical texts are computed once and fanned out to every post that has them.
 */
export async function createEnricher(config: NlpConfig, opts: EnricherOptions = {}): Promise<Enricher> {
  const log = opts.log ?? quietLogger;
  const environment = opts.env ?? process.env;
  const now = opts.now ?? (() => new Date());
  const cacheSize = opts.cacheSize ?? 10_000;
  const sorted = opts.sortByLength ?? true;
  const specs = modelSpecs(config);
  const device = specs.length ? resolveDevice(config.device, log) : 'cpu';
  const runtime: RuntimeOptions = {
    modelsDir: resolveModelsDir(config, environment),
    device,
    threads: threadCount(opts.threads ?? config.threads),
    offline: environment.HF_HUB_OFFLINE === '1',
  };
  const loaded = await loadAll(specs, runtime, config.device === 'auto', log);
  // After loading: a hub model's files are in the cache only once it has been downloaded.
  let models: ModelVersion[];
  try {
    models = await resolveModelVersions(config, environment);
  } catch (err) {
    await Promise.all(loaded.map((m) => m.dispose()));
    throw err;
  }
  const byTask = new Map(loaded.map((m) => [m.spec.task, m]));
  let topics: TopicsRunner | undefined;
  let entities: EntitiesRunner | undefined;
  let sentiment: SentimentRunner | undefined;
  try {
    const t = byTask.get('topics');
    if (t) topics = config.topics.mode === 'zero-shot' ? zeroShotTopics(t, config.topics, config.maxTokens) : classifierTopics(t, config.topics, config.maxTokens);
    const e = byTask.get('entities');
    if (e) entities = modelEntities(e, config.entities, config.maxTokens, log);
    const s = byTask.get('sentiment');
    if (s) sentiment = modelSentiment(s, config.maxTokens);
  } catch (err) {
    await Promise.all(loaded.map((m) => m.dispose()));
    throw err;
  }
  const usedDevice = loaded[0]?.device ?? device;
  log.info(
    `nlp: ${loaded.length ? loaded.map((m) => `${m.spec.task}=${m.spec.id}`).join(', ') : 'no task enabled'} on ${usedDevice} ` +
      `(${runtime.threads} threads, ${config.dtype}${runtime.modelsDir ? `, from ${runtime.modelsDir}` : ''})`,
  );

  const cache = new Map<string, Labels>();
  const stats: EnricherStats = { textsComputed: 0, postsLabelled: 0, cacheHits: 0 };
  const batchOpts = { batchSize: config.batchSize, sorted };
  // A tokenizer to order texts by length before cutting them into chunks.
  const lengthModel = loaded[0];

  // One task after the other: ONNX Runtime's Node binding runs a session on the main
  // thread, so running them "concurrently" would only interleave them.
  async function label(texts: string[]): Promise<Labels[]> {
    const tp = topics ? await topics.run(texts, batchOpts) : null;
    const en = entities ? await entities.run(texts, batchOpts) : null;
    const se = sentiment ? await sentiment.run(texts, batchOpts) : null;
    return texts.map((_, i) => ({
      topics: tp?.[i] ?? [],
      entities: en?.[i] ?? [],
      sentiment: se?.[i]?.sentiment ?? null,
      sentiment_score: se?.[i]?.score ?? null,
    }));
  }

  function remember(hash: string, labels: Labels) {
    cache.delete(hash);
    cache.set(hash, labels);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  }

  return {
    models,
    device: usedDevice,
    plan: (posts, existing) => planEnrichment(posts, existing, config, models),
    stats: () => ({ ...stats }),
    async close() {
      await Promise.all(loaded.map((m) => m.dispose()));
    },

    async enrich(items, onProgress) {
      const started = Date.now();
      const enrichedAt = now().toISOString();
      const prepared = items.map((it) => prepareText(postText(it), { maxChars: config.maxChars }));
      const hashes = prepared.map((p) => textHash(p, models));
      // Distinct texts still to compute, and how many posts each answers.
      const results = new Map<string, Labels>();
      const pending = new Map<string, { text: string; posts: number }>();
      let done = 0;
      hashes.forEach((h, i) => {
        const cached = cache.get(h);
        if (cached) {
          results.set(h, cached);
          stats.cacheHits++;
          done++;
        } else if (!hasContent(prepared[i]!) || !loaded.length) {
          results.set(h, EMPTY);
          done++;
        } else {
          const p = pending.get(h);
          if (p) p.posts++;
          else pending.set(h, { text: prepared[i]!, posts: 1 });
        }
      });
      const total = items.length;
      const report = () => {
        if (!onProgress) return;
        const elapsedMs = Date.now() - started;
        const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
        onProgress({ done, total, elapsedMs, rate, etaMs: rate > 0 ? ((total - done) / rate) * 1000 : null });
      };
      report();

      // Chunks of similar length (each task batches within a chunk), with progress after each.
      const work = [...pending.entries()];
      if (sorted && lengthModel && work.length > 1) {
        const lengths = encode(lengthModel.tokenizer, work.map(([, w]) => w.text), lengthModel.maxLength).map((e) => e.ids.length);
        const order = work.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
        const reordered = order.map((i) => work[i]!);
        work.splice(0, work.length, ...reordered);
      }
      for (let i = 0; i < work.length; i += config.batchSize) {
        const chunk = work.slice(i, i + config.batchSize);
        const labels = await label(chunk.map(([, w]) => w.text));
        chunk.forEach(([hash, w], k) => {
          results.set(hash, labels[k]!);
          remember(hash, labels[k]!);
          done += w.posts;
        });
        stats.textsComputed += chunk.length;
        report();
      }
      stats.postsLabelled += items.length;

      return items.map((it, i) => {
        const l = results.get(hashes[i]!)!;
        return {
          post_id: it.post_id,
          created_at: it.created_at,
          text_hash: hashes[i]!,
          models: models.map((m) => ({ ...m })),
          topics: l.topics.map((t) => ({ ...t })),
          entities: l.entities.map((e) => ({ ...e })),
          sentiment: l.sentiment,
          sentiment_score: l.sentiment_score,
          enriched_at: enrichedAt,
        };
      });
    },
  };
}
