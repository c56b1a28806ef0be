import { createHash } from 'node:crypto';
import type { NlpConfig } from '@social-pulse/config';
import { modelSpecs, taskNamed, TASKS, type AnyNlpTask } from './tasks/index.ts';
import { postText, prepareText } from './prepare.ts';

/**
 * Incremental labelling. A post's labels are identified by the hash of its prepared text
 * and the versions of the models (and of the settings that change their output: topic
 * labels, threshold, dictionary, token limit) and of the model files themselves (see
 * fingerprint.ts). A post is labelled again only when that hash changes: new text, or a
 * changed model id, revision, dtype, setting or model file.
 */

export interface ModelVersion {
  /** The task's name (tasks/index.ts). */
  task: string;
  model: string;
}

const short = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 8);

/**
 * What labelled a post, per task, as far as the configuration tells:
 * `<id>@<revision> <dtype> #<settings hash>`. `resolveModelVersions` (fingerprint.ts) adds
 * the fingerprint of the model's files, without loading any model; that is the version stored.
 */
export function modelVersions(config: NlpConfig, tasks: readonly AnyNlpTask[] = TASKS): ModelVersion[] {
  return modelSpecs(config, tasks).map((spec) => {
    const settings = taskNamed(spec.task, tasks).settings(config);
    const hash = short({ settings, maxTokens: config.maxTokens, maxChars: config.maxChars });
    return { task: spec.task, model: `${spec.id}@${spec.revision} ${spec.dtype} #${hash}` };
  });
}

/** sha256 (hex) of the prepared text and the model versions. */
export function textHash(prepared: string, models: readonly ModelVersion[]): string {
  const h = createHash('sha256').update(prepared);
  for (const m of models) h.update(`\u0000${m.task}=${m.model}`);
  return h.digest('hex');
}

export interface EnrichItem {
  post_id: string;
  /** The post's creation time (ISO), copied into its labels. */
  created_at: string;
  text: string;
  /** Reddit, Hacker News and Stack Exchange titles are labelled with the text. */
  title?: string | null;
}

/** What planning needs of a post: its text, not its time. */
export type PlanItem = Omit<EnrichItem, 'created_at'>;

export interface EnrichmentPlan<T extends PlanItem> {
  /** Posts whose labels must be computed: new, edited, or labelled by other models. */
  todo: T[];
  /**
   * Posts whose text and models match labels already stored for another post (a
   * cross-post): copy that post's labels (`from`) instead of computing them again.
   */
  copies: { post: T; from: string }[];
  /** Posts already labelled for this text with these models. */
  upToDate: number;
}

export type ExistingLabels = Iterable<{ post_id: string; text_hash: string }> | ReadonlyMap<string, string>;

/**
 * The labels already stored, indexed both ways: what `planEnrichment` compares with. Build it
 * once (`labelIndex`) and keep it current with `recordLabels` when labelling in windows, so
 * that each window's plan costs that window's posts, not a copy of every label.
 */
export interface LabelIndex {
  /** post_id → the text_hash of its newest labels. */
  readonly byPost: Map<string, string>;
  /** text_hash → a post whose newest labels have it (the one to copy from). */
  readonly byHash: Map<string, string>;
}

export function labelIndex(existing: ExistingLabels): LabelIndex {
  const byPost = new Map<string, string>();
  if (existing instanceof Map) for (const [id, hash] of existing) byPost.set(id, hash);
  else for (const row of existing as Iterable<{ post_id: string; text_hash: string }>) byPost.set(row.post_id, row.text_hash);
  const byHash = new Map<string, string>();
  for (const [id, hash] of byPost) if (!byHash.has(hash)) byHash.set(hash, id);
  return { byPost, byHash };
}

/** Labels just written: later plans see them as stored (and as sources to copy from). */
export function recordLabels(index: LabelIndex, rows: Iterable<{ post_id: string; text_hash: string }>): void {
  for (const { post_id, text_hash } of rows) {
    const before = index.byPost.get(post_id);
    // The post no longer carries its old labels: it is no source for that hash any more.
    if (before !== undefined && before !== text_hash && index.byHash.get(before) === post_id) index.byHash.delete(before);
    index.byPost.set(post_id, text_hash);
    if (!index.byHash.has(text_hash)) index.byHash.set(text_hash, post_id);
  }
}

const isLabelIndex = (x: unknown): x is LabelIndex =>
  typeof x === 'object' && x !== null && !(x instanceof Map) && (x as LabelIndex).byPost instanceof Map && (x as LabelIndex).byHash instanceof Map;

/**
 * Decide which posts need labelling, given the labels already stored (`post_id` →
 * `text_hash`, e.g. from the lake's nlp/ files or the warehouse's post_nlp table, or a
 * `LabelIndex` of them). A post listed twice counts once (the last one).
 */
export function planEnrichment<T extends PlanItem>(
  posts: Iterable<T>,
  existing: ExistingLabels | LabelIndex,
  config: NlpConfig,
  /** The versions to label with (`resolveModelVersions`, with the files' fingerprints); by default those of the configuration alone. */
  models: readonly ModelVersion[] = modelVersions(config),
): EnrichmentPlan<T> {
  const { byPost: stored, byHash } = isLabelIndex(existing) ? existing : labelIndex(existing);

  const latest = new Map<string, T>();
  for (const p of posts) {
    latest.delete(p.post_id);
    latest.set(p.post_id, p);
  }
  const plan: EnrichmentPlan<T> = { todo: [], copies: [], upToDate: 0 };
  for (const post of latest.values()) {
    const hash = textHash(prepareText(postText(post), { maxChars: config.maxChars }), models);
    if (stored.get(post.post_id) === hash) plan.upToDate++;
    else if (byHash.has(hash)) plan.copies.push({ post, from: byHash.get(hash)! });
    else plan.todo.push(post);
  }
  return plan;
}
