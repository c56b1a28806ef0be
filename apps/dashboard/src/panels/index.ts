/**
 * Every panel of the dashboard, once, in the page's order (see define.ts). Adding a panel:
 * CONTRIBUTING.md, "Adding a dashboard panel".
 */
import type { DialectSql } from '@social-pulse/warehouse';
import { SHARED_STATEMENTS } from '../sql.ts';
import type { PanelValue } from './define.ts';
import { authors } from './authors/index.ts';
import { entities } from './entities/index.ts';
import { events } from './events/index.ts';
import { hashtags } from './hashtags/index.ts';
import { headline } from './headline/index.ts';
import { links } from './links/index.ts';
import { options } from './options/index.ts';
import { quality } from './quality/index.ts';
import { topPosts, trending } from './ranked/index.ts';
import { sentiment } from './sentiment/index.ts';
import { status } from './status/index.ts';
import { stories } from './stories/index.ts';
import { topics } from './topics/index.ts';
import { volume } from './volume/index.ts';

export const PANELS = [
  headline,
  status,
  volume,
  sentiment,
  topics,
  trending,
  topPosts,
  stories,
  authors,
  hashtags,
  links,
  entities,
  events,
  quality,
  // Drawn by the filter bar's menus, not as a section.
  options,
] as const;

export type Panel = (typeof PANELS)[number];
export type PanelName = Panel['name'];

/** Each panel's part of the API's JSON, under its name. */
export type DashboardPanels = { [P in Panel as P['name']]: PanelValue<P> };

type Limited = Extract<Panel, { limit: number }>;
/** How many rows the list panels show. */
export const LIMITS = Object.fromEntries(PANELS.flatMap((p) => (p.limit === undefined ? [] : [[p.name, p.limit]]))) as { [P in Limited as P['name']]: number };

/**
 * Every statement the panels can send, named `<panel>.<variant>` (raw, postsOnly, rollups) and
 * by name for the shared ones: what the SQL specs check (both dialects, ZetaSQL).
 */
export const STATEMENTS: [name: string, sql: DialectSql][] = [
  ...PANELS.flatMap((p) => Object.entries(p.sql ?? {}).map(([variant, sql]): [string, DialectSql] => [`${p.name}.${variant}`, sql])),
  ...Object.entries(SHARED_STATEMENTS),
];
