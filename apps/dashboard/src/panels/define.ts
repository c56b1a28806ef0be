/**
 * One definition per dashboard panel (issue 17). A panel is a folder, panels/<name>/: its
 * statements in both dialects, how its rows become its part of the API's JSON (index.ts,
 * server side) and its section of the page (render.ts, browser side); PANELS (index.ts) lists
 * them once, in the page's order. Everything else is derived from that list: LIMITS, the
 * queries loadDashboard starts and the timings it reports, the DashboardData type, the
 * page's sections and the statements the specs check.
 *
 * This file is imported by both sides: types only, nothing node-only at run time.
 */
import type { DialectSql, Params } from '@social-pulse/warehouse';
import type { Window } from '../filters.ts';
import type { PanelContext } from '../panels.ts';
import type { ViewFilters } from '../types.ts';

/** A row as Warehouse.query returns it (numbers and ISO strings on both backends). */
export type Row = Record<string, unknown>;

/** A panel's statement, in up to four variants of the same rows. */
export interface PanelSql {
  /** Posts with their labels (post_nlp): the reference, and what a topic or entity filter needs. */
  raw: DialectSql;
  /** Posts alone (postsOnly), for a panel that shows no label, when the view filters on none. */
  postsOnly?: DialectSql;
  /** The rollups, where they answer the view exactly (see rollupsAnswer in panels.ts). */
  rollups?: DialectSql;
  /** Another way through the rollups that the panel's load picks for some views (hashtags: the spans of long views). */
  spans?: DialectSql;
  /** Another still (links: views of a few weeks or more, counting only the links whose posts over all time can reach the answer). */
  bounded?: DialectSql;
}

export interface RunOptions {
  /**
   * The panel awaits this statement before it issues its next one (a table check, bounds): it
   * waits for a connection ahead of the page's other first statements (see loadDashboard).
   */
  gate?: boolean;
}

/** What a panel's load gets: the view, and ways to query the warehouse that are timed under a name. */
export interface LoadContext {
  readonly filters: ViewFilters;
  readonly win: Window;
  readonly ctx: PanelContext;
  readonly now: Date;
  /** The view filters on a topic or an entity: panels read their `raw` statement. */
  readonly labelled: boolean;
  /** The rollups answer this view and are built: panels read their `rollups` statement. */
  readonly rolled: boolean;
  /** The rollups' period parameters (rollupParams) where `rolled`, else none. */
  readonly rp: Params;
  /** Runs a statement with the view's parameters and `extra`; its time is reported under `timing`. */
  run(timing: string, sql: DialectSql, extra?: Params, opts?: RunOptions): Promise<Row[]>;
  /** Another panel's value for this view (started once; options reads topics' and entities'). */
  value<V>(panel: PanelDef<string, V>): Promise<V>;
  /** A value computed once per view and shared by the panels that ask for it by `key`. */
  once<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/** The context of one panel's load. */
export interface PanelLoad extends LoadContext {
  /** This panel's statement for the view (see statementFor), run under its name with { limit, ...extra, ...rp }. */
  query(extra?: Params): Promise<Row[]>;
}

export interface PanelDef<N extends string = string, V = unknown, L extends number | undefined = number | undefined> {
  /** Its key in the API's JSON and in timings; its section's data-panel on the page. */
  readonly name: N;
  /** How many rows it shows: bound as $limit / @limit. */
  readonly limit: L;
  readonly sql?: PanelSql;
  load(c: PanelLoad): Promise<V>;
}

/** The value a panel gives the API's JSON. */
export type PanelValue<P> = P extends PanelDef<string, infer V> ? V : never;

/** The variant of a panel's statement a view reads: the rollups where they answer, posts alone where no label is asked for, else posts with labels. */
export function statementFor(sql: PanelSql, view: { labelled: boolean; rolled: boolean }): DialectSql {
  if (view.rolled && sql.rollups) return sql.rollups;
  return !view.labelled && sql.postsOnly ? sql.postsOnly : sql.raw;
}

/**
 * A panel. With `map`, its load is "run its statement (statementFor), then map the rows";
 * with `load`, it queries as it needs (a table check first, bounds from another query…).
 */
export function definePanel<N extends string, V, S extends PanelSql, L extends number | undefined = undefined>(def: {
  name: N;
  limit?: L;
  sql: S;
  map(rows: Row[], c: PanelLoad): V;
}): PanelDef<N, V, L> & { readonly sql: S };
export function definePanel<N extends string, V, S extends PanelSql | undefined = undefined, L extends number | undefined = undefined>(def: {
  name: N;
  limit?: L;
  sql?: S;
  load(c: PanelLoad): Promise<V>;
}): PanelDef<N, V, L> & { readonly sql: S };
export function definePanel(def: {
  name: string;
  limit?: number;
  sql?: PanelSql;
  map?(rows: Row[], c: PanelLoad): unknown;
  load?(c: PanelLoad): Promise<unknown>;
}): PanelDef {
  const { map, load } = def;
  return {
    name: def.name,
    limit: def.limit,
    ...(def.sql ? { sql: def.sql } : {}),
    load: load ?? (async (c) => map!(await c.query(), c)),
  };
}
