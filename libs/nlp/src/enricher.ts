import type { NlpConfig } from '@social-pulse/config';
import type { PostNlp } from '@social-pulse/schema';
import { createLabeller, emptyLabels, type Labeller, type LabellerOptions, type Labels } from './labeller.ts';
import { planEnrichment, textHash, type EnrichItem, type EnrichmentPlan, type ExistingLabels, type ModelVersion, type PlanItem } from './plan.ts';
import { hasContent, postText, prepareText } from './prepare.ts';
import { TASKS } from './tasks/index.ts';

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

export interface EnricherOptions extends LabellerOptions {
  /** Clock for `enriched_at` (tests). */
  now?: () => Date;
  /** Labels of this many recent texts are remembered across `enrich` calls. Default 10,000. */
  cacheSize?: number;
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

/**
 * Load the configured models once and return an enricher that labels posts in batches.
 * Identical texts are computed once and fanned out to every post that has them.
 */
export async function createEnricher(config: NlpConfig, opts: EnricherOptions = {}): Promise<Enricher> {
  return enricherOver(await createLabeller(config, opts), config, opts);
}

/**
 * Posts → labels over any labeller (one thread, or the worker pool): the plan, the text
 * hashes, a cache of recent texts' labels, identical texts computed once and fanned out to
 * every post that has them, progress in posts, and the post_nlp rows.
 */
export function enricherOver(labeller: Labeller, config: NlpConfig, opts: EnricherOptions = {}): Enricher {
  const now = opts.now ?? (() => new Date());
  const cacheSize = opts.cacheSize ?? 10_000;
  const { models } = labeller;
  const empty = emptyLabels(opts.tasks ?? TASKS);
  const cache = new Map<string, Labels>();
  const stats: EnricherStats = { textsComputed: 0, postsLabelled: 0, cacheHits: 0 };

  function remember(hash: string, labels: Labels) {
    cache.delete(hash);
    cache.set(hash, labels);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  }

  return {
    models,
    device: labeller.device,
    plan: (posts, existing) => planEnrichment(posts, existing, config, models),
    stats: () => ({ ...stats }),
    close: () => labeller.close(),

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
        } else if (!hasContent(prepared[i]!) || !models.length) {
          results.set(h, empty);
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

      const work = [...pending.entries()];
      await labeller.label(
        work.map(([, w]) => w.text),
        ({ indices, labels }) => {
          indices.forEach((k, j) => {
            const [hash, w] = work[k]!;
            results.set(hash, labels[j]!);
            remember(hash, labels[j]!);
            done += w.posts;
          });
          stats.textsComputed += indices.length;
          report();
        },
      );
      stats.postsLabelled += items.length;

      return items.map((it, i) => ({
        post_id: it.post_id,
        created_at: it.created_at,
        text_hash: hashes[i]!,
        models: models.map((m) => ({ ...m })),
        // A copy per post: rows sharing a text must not share objects.
        ...structuredClone(results.get(hashes[i]!)!),
        enriched_at: enrichedAt,
      })) as PostNlp[];
    },
  };
}
