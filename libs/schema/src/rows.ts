import type { RowOf } from './types.ts';
import type { postMetrics } from './tables.ts';
import type { dqChecks, events, EventKind, EventStatus, pipelineRuns, postNlp, posts, stories, storyPosts, DqSeverity, DqStatus, EntityType, PostKind, Sentiment, RunStatus } from './tables.ts';

type Narrow<Row, Over> = Omit<Row, keyof Over> & Over;

/**
 * A normalized post, as every source emits it and the lake stores it. `source` is a source's
 * name (libs/sources' `SourceName` for this build's; a test's own source has another).
 */
export type Post = Narrow<RowOf<typeof posts>, { kind: PostKind }>;

export type PostNlp = Narrow<
  RowOf<typeof postNlp>,
  { entities: { type: EntityType; text: string; score: number }[]; sentiment: Sentiment | null }
>;

export type PipelineRun = Narrow<RowOf<typeof pipelineRuns>, { status: RunStatus }>;

/** One data-quality check result (a row of dq_checks). */
export type DqCheck = Narrow<RowOf<typeof dqChecks>, { status: DqStatus; severity: DqSeverity }>;

/** One observation of a post's counts (a row of post_metrics). */
export type PostMetric = RowOf<typeof postMetrics>;
/** A story across networks (a row of stories). */
export type Story = RowOf<typeof stories>;

/** A post's membership of a story (a row of story_posts). */
export type StoryPost = RowOf<typeof storyPosts>;

/** One spike (a row of events). */
export type EventRow = Narrow<RowOf<typeof events>, { kind: EventKind; status: EventStatus }>;
