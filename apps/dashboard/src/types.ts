/**
 * The JSON the API serves and the page renders, shared by the server and the browser code
 * (type-only imports on the client side). Timestamps are ISO-8601 strings in UTC; counts
 * are plain numbers.
 */
import type { DashboardPanels } from './panels/index.ts';

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

// Each panel's type is written next to its query (panels/<name>/index.ts); re-exported here
// for the page's code and the tests.
export type { Headline } from './panels/headline/index.ts';
export type { Series } from './panels/series.ts';
export type { PostCard } from './panels/ranked/index.ts';
export type { AuthorRow } from './panels/authors/index.ts';
export type { HashtagRow } from './panels/hashtags/index.ts';
export type { LinkRow } from './panels/links/index.ts';
export type { EntityRow } from './panels/entities/index.ts';
export type { StatusTile } from './panels/status/index.ts';
export type { QualityReport } from './panels/quality/index.ts';
export type { EventMark } from './panels/events/index.ts';
export type { FilterOptions } from './panels/options/index.ts';
export type { StoryRow } from './panels/stories/index.ts';

/**
 * The API's answer for one view: what the page is about, then each panel of PANELS under its
 * name (DashboardPanels, derived from the list), then the timings.
 */
/** A source as the page names and draws it (from its spec; the server sends the list). */
export interface PageSource {
  name: string;
  label: string;
  colour: string;
}

export type DashboardData = {
  generatedAt: string;
  warehouse: string;
  filters: ViewFilters;
  /** The sources of this build, in order: the source filter's choices and the charts' colours. */
  sources: PageSource[];
  window: { start: string; end: string; previousStart: string };
} & DashboardPanels & {
  /** Milliseconds each panel's query took (under the panel's name), for the curious and for the benchmark. */
  timings: Record<string, number>;
};
