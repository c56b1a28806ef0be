import { LAKE, RAW_PAGE_SUFFIX, rawSidecarKey } from '@social-pulse/schema';
import { SOURCE_NAMES } from '@social-pulse/sources/specs';
import { z } from 'zod';
import { StateError, StateStore, type StateSchema } from './state.ts';
import type { LakeObject, LakeStore } from './store/store.ts';

/**
 * The lake's zones as readers see them: files written in an order their names keep, read
 * "everything after X" by a step that keeps X (its watermark) in a state document or in the
 * warehouse. One zone object per folder gives the files after a watermark, the watermark after
 * reading them, and why a watermark cannot be right.
 */
export interface LakeZone {
  readonly name: ZoneName;
  /** What a watermark holds for a file, and what orders the zone: its name (raw/: `<run_id>-<seq>`). */
  order(key: string): string;
  /** The zone's files written after the watermark `after` (every file without one), oldest first. */
  filesAfter(store: LakeStore, after: string | undefined): Promise<ZoneFile[]>;
  /** The watermark after reading `files` (some of filesAfter's, in its order): the last one's; undefined for none. */
  watermark(files: readonly LakeObject[]): string | undefined;
  /** Why `after` cannot be a watermark of this zone (undefined when it can). */
  watermarkProblem(store: LakeStore, after: string, now: Date): Promise<string | undefined>;
}

export type ZoneName = 'raw' | 'posts' | 'nlp' | 'metrics';

/** A file of a zone; in raw/, with the sidecar that landed beside the page, found by the same listing. */
export interface ZoneFile extends LakeObject {
  sidecar?: LakeObject;
}

const fileName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

/** The `<run_id>-<seq>` part of a raw key: the order in which pages were landed. */
export function rawOrder(key: string): string {
  return fileName(key).replace(/\.json\.gz$/, '');
}

/** How far ahead of this host's clock another host's may be before a run id counts as "from the future". */
const CLOCK_SKEW_MS = 3_600_000;

/**
 * Why a watermark named after a run id (`20261124T101500Z-…`, `part-20261124T…`) cannot be
 * right, or undefined: one later than now was written by a clock running ahead, and every
 * name written since sorts before it, so nothing new would ever be read after it.
 */
export function watermarkFromFuture(watermark: string, now: Date): string | undefined {
  const t = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(watermark);
  const at = t ? Date.UTC(Number(t[1]), Number(t[2]) - 1, Number(t[3]), Number(t[4]), Number(t[5]), Number(t[6])) : NaN;
  return at > now.getTime() + CLOCK_SKEW_MS
    ? `${watermark} is later than now (${now.toISOString()}): it was written by a clock running ahead, and what was written since sorts before it, so none of it would be read`
    : undefined;
}

interface ZoneSpec {
  name: ZoneName;
  /** How the zone's data files end (other objects in its folder are not its files). */
  suffix: string;
  order(key: string): string;
  /** The key of a file's companion in the same folder (raw/: its sidecar), attached as `sidecar` when listed. */
  companion?(key: string): string;
  /** Lists what can hold the files after `after` (a superset is fine: the zone filters). */
  list(store: LakeStore, after: string | undefined): Promise<LakeObject[]>;
  watermarkProblem?(store: LakeStore, after: string, now: Date): Promise<string | undefined>;
}

function zone(spec: ZoneSpec): LakeZone {
  const { name, suffix, order } = spec;
  return {
    name,
    order,
    async filesAfter(store, after) {
      const listed = await spec.list(store, after);
      let files: ZoneFile[] = listed.filter((f) => f.key.endsWith(suffix) && (!after || order(f.key) > after));
      if (spec.companion) {
        const byKey = new Map(listed.map((f) => [f.key, f]));
        files = files.map((f) => {
          const sidecar = byKey.get(spec.companion!(f.key));
          return sidecar ? { ...f, sidecar } : f;
        });
      }
      return files.sort((a, b) => (order(a.key) < order(b.key) ? -1 : order(a.key) > order(b.key) ? 1 : 0));
    },
    watermark: (files) => (files.length ? order(files.at(-1)!.key) : undefined),
    watermarkProblem: spec.watermarkProblem ?? (async (_store, after, now) => watermarkFromFuture(after, now)),
  };
}

/**
 * Raw files of the days that can hold pages landed after `after`: only the `dt=` partitions
 * that can hold them are listed, so that the cost of an incremental run does not grow with the
 * raw zone. A page's `dt` is the day it was fetched, which is never before the day its run
 * started, and a run id begins with its start time (`20261124T…`). (One day of margin is kept
 * for clocks that step back.)
 */
async function listRawFrom(store: LakeStore, after: string | undefined): Promise<LakeObject[]> {
  const m = after ? /^(\d{4})(\d{2})(\d{2})T/.exec(after) : null;
  if (!m) return store.list(`${LAKE.raw}/`);
  const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 86_400_000).toISOString().slice(0, 10);
  return (await Promise.all(SOURCE_NAMES.map((s) => store.list(`${LAKE.raw}/source=${s}/`, { startAfter: `${LAKE.raw}/source=${s}/dt=${from}` })))).flat();
}

/** Pages only: a sidecar (`.posts.ndjson.gz`) is not a page, and comes with its page (ZoneFile.sidecar). */
const RAW = RAW_PAGE_SUFFIX;

/**
 * Why `after` cannot be a watermark of the raw zone (undefined when it can): a watermark later
 * than now (see watermarkFromFuture), or one past every raw page, which names no page at all.
 * Either way every page landed since sorts before it and would never be merged.
 */
export async function rawWatermarkProblem(store: LakeStore, after: string, now: Date): Promise<string | undefined> {
  const future = watermarkFromFuture(after, now);
  if (future) return future;
  if ((await listRawFrom(store, after)).some((f) => f.key.endsWith(RAW) && rawOrder(f.key) >= after)) return undefined;
  // Past every page: say where the raw zone really ends (a full listing, on this error path only).
  const newest = (await store.list(`${LAKE.raw}/`)).filter((f) => f.key.endsWith(RAW)).map((f) => rawOrder(f.key)).sort().at(-1);
  return `${after} names no raw page, and no raw page is newer (${newest ? `the newest is ${newest}` : 'raw/ is empty'}): pages landed later may sort before it and would never be merged`;
}

/** A Parquet zone: append-only files whose names sort in the order they were written (run ids do). */
const parquetZone = (name: 'posts' | 'nlp' | 'metrics') => zone({ name, suffix: '.parquet', order: fileName, list: (store) => store.list(`${LAKE[name]}/`) });

/** The lake's zones (see LAKE in libs/schema for their folders). */
export const LAKE_ZONES: Readonly<Record<ZoneName, LakeZone>> = {
  raw: zone({ name: 'raw', suffix: RAW, order: rawOrder, companion: rawSidecarKey, list: listRawFrom, watermarkProblem: rawWatermarkProblem }),
  posts: parquetZone('posts'),
  nlp: parquetZone('nlp'),
  metrics: parquetZone('metrics'),
};

/** Raw pages landed after `after` (a rawOrder value), oldest first, across all sources, each with its sidecar if one landed. */
export const rawFilesAfter = (store: LakeStore, after: string | undefined) => LAKE_ZONES.raw.filesAfter(store, after);
/** posts/ files whose name sorts after `after` (the loader's and the enricher's watermark). */
export const postsFilesAfter = (store: LakeStore, after: string | undefined) => LAKE_ZONES.posts.filesAfter(store, after);
/** nlp/ files whose name sorts after `after` (the warehouse loader's watermark). */
export const nlpFilesAfter = (store: LakeStore, after: string | undefined) => LAKE_ZONES.nlp.filesAfter(store, after);
/** metrics/ files whose name sorts after `after` (the warehouse loader's watermark). */
export const metricsFilesAfter = (store: LakeStore, after: string | undefined) => LAKE_ZONES.metrics.filesAfter(store, after);
/** Every nlp/ Parquet file, in the order written. */
export const nlpFiles = (store: LakeStore) => nlpFilesAfter(store, undefined);
/** Every metrics/ Parquet file, in the order written. */
export const metricsFiles = (store: LakeStore) => metricsFilesAfter(store, undefined);

/**
 * A step's place in a zone: its state document (`_state/<name>.json`), whose `field` holds
 * the watermark, checked when read (a document of the wrong shape names the file and `recover`).
 */
export class ZoneCursor<S extends object> {
  private constructor(
    private readonly store: LakeStore,
    readonly zone: LakeZone,
    private readonly state: StateStore,
    private readonly opts: ZoneCursorOptions<S>,
    /** The state document as read (empty when there was none). */
    readonly doc: S,
  ) {}

  static async open<S extends object>(store: LakeStore, zone: LakeZone, opts: ZoneCursorOptions<S>): Promise<ZoneCursor<S>> {
    const state = new StateStore(store);
    const doc = await state.read<S>(opts.name, {} as S, { schema: opts.schema, recover: opts.recover });
    return new ZoneCursor(store, zone, state, opts, doc);
  }

  /** The watermark read. */
  get after(): string | undefined {
    const v = this.doc[this.opts.field];
    return typeof v === 'string' ? v : undefined;
  }

  /** Fails with a StateError (the file, the problem, `recover`) when the watermark cannot be right. */
  async check(now = new Date()): Promise<void> {
    const after = this.after;
    const problem = after ? await this.zone.watermarkProblem(this.store, after, now) : undefined;
    if (problem) throw new StateError(this.state.url(this.opts.name), `${String(this.opts.field)} ${problem}`, this.opts.recover);
  }

  /** The zone's files after the watermark, or every file (`fromStart`). */
  filesAfter(fromStart = false): Promise<ZoneFile[]> {
    return this.zone.filesAfter(this.store, fromStart ? undefined : this.after);
  }

  /** Replaces the state document (atomically, see StateStore). */
  save(doc: S): Promise<void> {
    return this.state.write(this.opts.name, doc);
  }
}

export interface ZoneCursorOptions<S> {
  /** The state document's name (`_state/<name>.json`). */
  name: string;
  /** Its field that holds the watermark. */
  field: keyof S;
  schema: StateSchema<S>;
  /** What the user can do about a document that cannot be used. */
  recover: string;
}

/** `_state/lake-writer.json`: the last raw page merged into posts/ (its rawOrder). */
export const lakeWriterState = z.looseObject({ rawThrough: z.string().min(1).optional() });
export type LakeWriterState = z.infer<typeof lakeWriterState>;

/**
 * The lake writer's input: its cursor in raw/ and the pages landed after it. With none, the
 * watermark is checked too (one that no page can follow would make every run read nothing and
 * say ok). The step reads it, and `pulse run` before starting the step's process, to tell an
 * idle lake-write without starting one.
 */
export async function lakeWriterInput(store: LakeStore): Promise<{ cursor: ZoneCursor<LakeWriterState>; files: ZoneFile[] }> {
  const cursor = await ZoneCursor.open<LakeWriterState>(store, LAKE_ZONES.raw, {
    name: 'lake-writer',
    field: 'rawThrough',
    schema: lakeWriterState,
    // Deleting the watermark is always safe: the merge is idempotent, so merging every raw page again duplicates nothing.
    recover: 'delete it; the next lake-write merges every raw page again (the merge is idempotent: nothing is duplicated)',
  });
  const files = await cursor.filesAfter();
  if (!files.length) await cursor.check();
  return { cursor, files };
}
