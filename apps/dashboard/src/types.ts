/**
 * The JSON the API serves and the page renders, shared by the server and the browser code
 * (type-only imports on the client side). Timestamps are ISO-8601 strings in UTC; counts
 * are plain numbers.
 */

export interface ViewFilters {
  period: string;
  /** End of the period (ISO instant); the period is [end - period, end). */
  end: string;
  source: string;
  topic: string;
  entity: string;
  lang: string;
  q: string;
}

export interface Headline {
  posts: number;
  authors: number;
  sources: number;
  engagement: number;
}

export interface Series {
  /** Bucket start instants (ISO), one per hour or per day across the whole period. */
  buckets: string[];
  /** Bucket size in seconds (3600 or 86400). */
  bucketSeconds: number;
  series: { name: string; values: number[] }[];
}

export interface PostCard {
  postId: string;
  source: string;
  url: string;
  authorHandle: string;
  authorName: string;
  createdAt: string;
  title: string | null;
  text: string;
  likes: number | null;
  reposts: number | null;
  replies: number | null;
  quotes: number | null;
  score: number | null;
  /** likes + reposts + replies + quotes + score (missing counts are 0). */
  engagement: number;
  /** engagement divided by the mean engagement of the post's source in the view. */
  normalized: number;
  /** Rising now: gain per hour / its source's mean gain; posts observed once: normalized / (age in hours + 2)^1.8 */
  velocity: number;
  /** Engagement gained per hour between the last two observations (null when observed once; absent outside Rising now). */
  gainPerHour?: number | null;
  /** The count curve: observations (epoch seconds, engagement), oldest first (Rising now only). */
  spark?: { t: number; e: number }[];
  topics: string[];
  entities: { type: string; text: string }[];
  sentiment: string | null;
  hashtags: string[];
}

export interface AuthorRow {
  source: string;
  handle: string;
  name: string;
  posts: number;
  engagement: number;
  normalized: number;
}

export interface HashtagRow {
  tag: string;
  posts: number;
  authors: number;
}

export interface LinkRow {
  url: string;
  domain: string;
  title: string | null;
  posts: number;
  authors: number;
}

export interface EntityRow {
  type: 'product' | 'corporation';
  text: string;
  posts: number;
  previous: number;
}

export interface StatusTile {
  /** A source name, or a step (lake-write, enrich, load) for steps over all sources. */
  name: string;
  kind: 'source' | 'step';
  lastStatus: string | null;
  lastRunAt: string | null;
  lastError: string | null;
  lastSuccessAt: string | null;
  /** Seconds since the last success, at the time of the request. */
  ageSeconds: number | null;
  rowsAdded: number | null;
  /** fresh: within 2× schedule; stale: older, or never succeeded. */
  freshness: 'fresh' | 'stale';
}

/** The checks of the latest run that ran data-quality checks (table dq_checks). */
export interface QualityReport {
  runId: string;
  checkedAt: string;
  checks: {
    check: string;
    source: string;
    status: string;
    severity: string;
    observed: number | null;
    expected: string | null;
    message: string | null;
  }[];
}

/** A spike the event detector found (a row of events). */
export interface EventMark {
  id: string;
  kind: string;
  key: string;
  startedAt: string;
  lastSeenAt: string;
  observed: number;
  expected: number;
  score: number;
  status: string;
}

export interface FilterOptions {
  sources: string[];
  languages: string[];
  topics: string[];
  entities: string[];
}

/** A story across networks (see sql.ts STORIES): its figures over the posts in the view. */
export interface StoryRow {
  storyId: string;
  title: string | null;
  canonicalUrl: string | null;
  /** Posts of the story in the view, and the networks they are on. */
  posts: number;
  sources: string[];
  /** Over all its posts, whatever the view. */
  totalPosts: number;
  allSources: string[];
  firstSeen: string | null;
  lastSeen: string | null;
  /** Sum of its posts' normalized engagement (E / mean E of the source in the view), and of their velocities. */
  normalized: number;
  velocity: number;
  items: { postId: string; source: string; url: string; authorHandle: string; createdAt: string | null; title: string; engagement: number }[];
}

/** A source as the page names and draws it (from its spec; the server sends the list). */
export interface PageSource {
  name: string;
  label: string;
  colour: string;
}

export interface DashboardData {
  generatedAt: string;
  warehouse: string;
  filters: ViewFilters;
  /** The sources of this build, in order: the source filter's choices and the charts' colours. */
  sources: PageSource[];
  window: { start: string; end: string; previousStart: string };
  headline: { current: Headline; previous: Headline };
  volume: Series;
  sentiment: Series;
  topics: Series;
  trending: PostCard[];
  topPosts: PostCard[];
  authors: AuthorRow[];
  hashtags: HashtagRow[];
  links: LinkRow[];
  entities: EntityRow[];
  /** Empty when the warehouse has no stories tables yet. */
  stories: StoryRow[];
  status: { scheduleSeconds: number; tiles: StatusTile[] };
  quality: QualityReport | null;
  /** Events overlapping the period, strongest first (empty for a warehouse without the events table). */
  events: EventMark[];
  options: FilterOptions;
  /** Milliseconds each panel's query took, for the curious and for the benchmark. */
  timings: Record<string, number>;
}
