import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DuckDBInstance, DuckDBPreparedStatement, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { duckdbApi, openDuckDB, queryRows, sqlStringList, type DuckDBConnection } from '@social-pulse/runtime';
import { columnNames, duckdbAddColumn, dqChecks, events, pipelineRuns, DUCKDB_GAIN_TABLES, postMetrics, postNlp, posts, quoteIdent, rollupGainsDaily, rollupPostGains, rollupTopGainsDaily, WAREHOUSE_TABLES, type DqCheck, type EventRow, type PipelineRun, type TableSchema } from '@social-pulse/schema';
import { loadDays, missingFields, MergingWarehouse, plainValue } from '../base.ts';
import { dayIso, daysWhere, gainDaysDuckdb, monthsOf, monthsWhere, postGainsDuckdb, ROLLUPS, ROLLUPS_STATE_KEY, ROLLUPS_VERSION, UTC_DAY, withinDays, type RollupDef } from '../rollups.ts';
import type { DialectSql, LoadResult, Params, QueryOptions, Warehouse } from '../types.ts';
import { duckdbTableDdl, ROLLUP_DDL, schemaFingerprint, VIEW_DDL } from './ddl.ts';
import { SCHEMA_RELATIONS } from '../views.ts';
import { announceWriter, announcedWriters } from './writers.ts';

/** The tables the rollups' build fills: all of them present, or all rebuilt. */
const ROLLUP_RELATIONS: readonly string[] = [...ROLLUPS.map((r) => r.table.name), ...DUCKDB_GAIN_TABLES.map((t) => t.name)];

/**
 * How long a writer waits for the file. Readers of this project step aside for an announced
 * writer (see writers.ts), so this bounds only the wait for another writer or for a process
 * that does not announce itself (a DuckDB shell left open on the file).
 */
const WRITE_WAIT_MS = 30_000;
/** How long a reader (the dashboard) waits for writers before it says the warehouse is busy. */
const READ_WAIT_MS = 10_000;
/** At most this many queries run at once on one warehouse (each on its own connection). */
const READ_CONNECTIONS = 4;
/** Prepared statements kept per reader connection of a read-only warehouse (the dashboard's are about twenty). */
const PREPARED_PER_CONNECTION = 64;

/**
 * DuckDB threads of a warehouse opened read-only (the dashboard): its parallelism comes from
 * running up to READ_CONNECTIONS panels at once, so each statement gets the cores left over,
 * at least one. With DuckDB's default (every core for every statement) four panels at once
 * on two cores ran eight threads, and a 30-day page at 10M posts cost about 12% more CPU for
 * no gain in time (docs/BENCHMARKS.md, "Fewer threads, spans in last_day order, prepared
 * statements").
 */
export function readerThreads(cores = os.availableParallelism()): number {
  return Math.max(1, Math.floor(cores / READ_CONNECTIONS));
}

/** Callers waiting for a connection: the highest priority first, equal priorities in the order they came. */
export class Waiters<T> {
  private readonly queue: { priority: number; take: (x: T) => void }[] = [];

  wait(priority: number): Promise<T> {
    return new Promise((take) => {
      // After the last waiter of its priority or higher.
      const at = this.queue.findIndex((x) => x.priority < priority);
      this.queue.splice(at < 0 ? this.queue.length : at, 0, { priority, take });
    });
  }

  /** Hands `x` to the first waiter; false when none waits. */
  give(x: T): boolean {
    const next = this.queue.shift();
    next?.take(x);
    return next !== undefined;
  }
}

/** The warehouse file is being written by another process; reading it later will work. */
export class WarehouseBusy extends Error {
  override readonly name = 'WarehouseBusy';
}

/** pulse_state's key for the schema this warehouse was last brought up to (see schemaFingerprint). */
const SCHEMA_STATE_KEY = 'warehouse.schema';
const SCHEMA = schemaFingerprint(ROLLUPS_VERSION);

const isLockConflict = (e: unknown) => /Could not set lock|Conflicting lock/i.test((e as Error).message);

/** Who holds the file, from DuckDB's message ("Conflicting lock is held in /usr/bin/node (PID 123)"). */
function holderOf(e: unknown): string {
  const m = /held in (.+?) \(PID (\d+)\)/.exec((e as Error).message);
  return m ? `process ${m[2]} (${m[1]})` : 'another process';
}

/** Waits 25–100 ms: short, since an announced writer gets the file as soon as the reads under way end. */
const pause = () => sleep(25 + Math.random() * 75);

async function openWriter(file: string, memoryLimit: string | undefined, waitMs: number) {
  const withdraw = file === ':memory:' ? async () => undefined : await announceWriter(file);
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        return { ...(await openDuckDB(file, memoryLimit ? { memoryLimit } : {})), withdraw };
      } catch (e) {
        if (!isLockConflict(e)) throw new Error(`cannot open the DuckDB warehouse ${file}: ${(e as Error).message}`, { cause: e });
        if (Date.now() > deadline) {
          throw new Error(
            `cannot open the DuckDB warehouse ${file} for writing: ${holderOf(e)} has held it for more than ${waitMs / 1000} s (close a DuckDB shell or another program that has it open)`,
            { cause: e },
          );
        }
        await pause();
      }
    }
  } catch (e) {
    await withdraw();
    throw e;
  }
}

async function openReader(file: string, memoryLimit: string | undefined, waitMs: number) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const last = Date.now() > deadline;
    // After the deadline, one attempt whatever the markers say (a stale one must not lock readers out).
    const writers = file === ':memory:' || last ? [] : await announcedWriters(file);
    if (!writers.length) {
      try {
        return await openDuckDB(file, { readOnly: true, threads: readerThreads(), ...(memoryLimit ? { memoryLimit } : {}) });
      } catch (e) {
        if (!isLockConflict(e)) throw new Error(`cannot open the DuckDB warehouse ${file}: ${(e as Error).message}`, { cause: e });
        if (last) throw new WarehouseBusy(`the warehouse ${file} is being written by ${holderOf(e)}: try again in a moment`, { cause: e });
      }
    }
    await pause();
  }
}

/**
 * The embedded warehouse: one DuckDB file. Loads stage the Parquet files, keep the newest
 * state of each key, then update newer states and insert new keys in time order, inside one
 * transaction (a MERGE, written as the two statements it stands for).
 */
export class DuckDBWarehouse extends MergingWarehouse implements Warehouse {
  readonly kind = 'duckdb' as const;
  private constructor(
    readonly uri: string,
    private readonly db: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly withdraw: () => Promise<void>,
    private readonly readOnly = false,
  ) {
    super();
  }

  /**
   * `memoryLimit`: DuckDB's memory limit (default 80% of RAM); beyond it, it spills next to the file.
   * `waitMs`: how long to wait for other processes to let go of the file (readers wait for
   * writers and then throw WarehouseBusy; writers are let in first, see writers.ts).
   */
  static async open(path: string, opts: { readOnly?: boolean; memoryLimit?: string; waitMs?: number; deferCheckpoint?: boolean } = {}): Promise<DuckDBWarehouse> {
    if (opts.readOnly) {
      const { db, conn } = await openReader(path, opts.memoryLimit, opts.waitMs ?? READ_WAIT_MS);
      return new DuckDBWarehouse(path, db, conn, async () => undefined, true);
    }
    const { db, conn, withdraw } = await openWriter(path, opts.memoryLimit, opts.waitMs ?? WRITE_WAIT_MS);
    // See OpenOptions.deferCheckpoint (../open.ts).
    if (opts.deferCheckpoint) await conn.run('PRAGMA disable_checkpoint_on_shutdown');
    return new DuckDBWarehouse(path, db, conn, withdraw);
  }

  /** `fn` in one transaction on the writing connection: all of its statements, or none. */
  private async inTransaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const out = await fn();
      await this.conn.run('COMMIT');
      return out;
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * Every table of WAREHOUSE_TABLES, with the columns an older warehouse lacks added, then the
   * views. In one transaction: a process killed half-way leaves the schema as it was, never half of it.
   * Nothing at all when the warehouse already has this build's schema (schemaIsCurrent).
   */
  async ensureSchema(): Promise<void> {
    if (await this.schemaIsCurrent()) return;
    return this.inTransaction(async () => {
      for (const t of WAREHOUSE_TABLES) await this.conn.run(duckdbTableDdl(t));
      const cols = await queryRows<{ table_name: string; column_name: string }>(
        this.conn,
        'SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = current_schema()',
      );
      for (const t of WAREHOUSE_TABLES) {
        const missing = missingFields(t, cols.filter((c) => c.table_name === t.name).map((c) => c.column_name));
        for (const f of missing) await this.conn.run(duckdbAddColumn(t, f));
      }
      for (const ddl of VIEW_DDL) await this.conn.run(ddl);
      // A warehouse with posts but no rollups, older ones, or one of them missing (dropped by
      // hand) gets them built whole, once.
      const have = await this.relations();
      if ((await this.getState(ROLLUPS_STATE_KEY)) !== ROLLUPS_VERSION || !ROLLUP_RELATIONS.every((t) => have.has(t))) {
        // Tables of an older definition are replaced, not altered.
        for (const t of [...ROLLUPS.map((r) => r.table), ...DUCKDB_GAIN_TABLES]) await this.conn.run(`DROP TABLE IF EXISTS ${quoteIdent(t.name)}`);
        for (const ddl of ROLLUP_DDL) await this.conn.run(ddl);
        await this.refreshRollups();
        await this.refreshGains(false);
        await this.setState(ROLLUPS_STATE_KEY, ROLLUPS_VERSION);
      }
      await this.setState(SCHEMA_STATE_KEY, SCHEMA);
    });
  }

  /**
   * Whether this warehouse already has this build's schema: its recorded fingerprint matches
   * and none of its tables is missing. Reads only (no WAL): an idle step's open and close cost
   * a few catalog reads instead of rewriting every view and checkpointing.
   */
  private async schemaIsCurrent(): Promise<boolean> {
    const have = await this.relations();
    if (![...SCHEMA_RELATIONS, ...ROLLUP_RELATIONS].every((t) => have.has(t))) return false;
    // The rollups' own version too: a warehouse whose rollups were dropped or are older rebuilds them.
    return (await this.getState(SCHEMA_STATE_KEY)) === SCHEMA && (await this.getState(ROLLUPS_STATE_KEY)) === ROLLUPS_VERSION;
  }

  /** The names of the tables and views this warehouse has. */
  private async relations(): Promise<Set<string>> {
    const rows = await queryRows<{ name: string }>(
      this.conn,
      `SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = current_schema()
       UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = current_schema()`,
    );
    return new Set(rows.map((r) => r.name));
  }

  protected async merge(table: TableSchema, files: string[], versionCol: string): Promise<LoadResult> {
    if (!files.length) return { rowsIn: 0, inserted: 0, updated: 0, partitions: null };
    const cols = columnNames(table);
    const key = table.primaryKey.map(quoteIdent);
    const list = cols.map(quoteIdent).join(', ');
    const on = key.map((k) => `t.${k} = s.${k}`).join(' AND ');
    // New rows are inserted in the order of the table's time column: then each row group
    // spans a short period and DuckDB's zone maps skip the row groups outside a query's
    // period. (A MERGE inserts them in the window's hash order, measured: every row group
    // then spans the whole load, and every period query reads the whole table.)
    const order = table.partitionBy ? ` ORDER BY s.${quoteIdent(table.partitionBy)}` : '';
    const part = table.partitionBy ? quoteIdent(table.partitionBy) : undefined;
    const keyNames = new Set(table.primaryKey);
    const set = cols.filter((c) => !keyNames.has(c)).map((c) => `${quoteIdent(c)} = s.${quoteIdent(c)}`).join(', ');
    return this.inTransaction(async () => {
      await this.conn.run(`CREATE OR REPLACE TEMP TABLE stage AS
        SELECT ${list} FROM read_parquet(${sqlStringList(files)}, hive_partitioning = false, union_by_name = true)
        QUALIFY row_number() OVER (PARTITION BY ${key.join(', ')} ORDER BY ${quoteIdent(versionCol)} DESC) = 1`);
      const t = quoteIdent(table.name);
      const v = quoteIdent(versionCol);
      const rolled = table === posts || table === postNlp;
      // The stage's rows that win: new keys, and newer states of loaded ones (with the day a
      // post had: a newer state may move it to another day, whose rollup rows then lose it).
      // One join with the table; the UPDATE and INSERT below read this instead.
      await this.conn.run(`CREATE OR REPLACE TEMP TABLE won AS
        SELECT s.*, t.${key[0]} IS NULL AS _fresh${rolled ? ', t.created_at AS _was' : ''}
        FROM stage AS s LEFT JOIN ${t} AS t ON ${on}
        WHERE t.${key[0]} IS NULL OR s.${v} > t.${v}`);
      const [c] = await queryRows<{ n: bigint; fresh: bigint; changed: bigint; lo: Date | null; hi: Date | null }>(
        this.conn,
        `SELECT (SELECT count(*) FROM stage) AS n,${part ? ` (SELECT min(${part}) FROM stage) AS lo, (SELECT max(${part}) FROM stage) AS hi,` : ''}
                count(*) FILTER (WHERE _fresh) AS fresh, count(*) FILTER (WHERE NOT _fresh) AS changed
         FROM won`,
      );
      const left = rolled ? await queryRows<{ day: Date }>(this.conn, `SELECT DISTINCT ${UTC_DAY.duckdb('_was')} AS day FROM won WHERE NOT _fresh AND _was <> created_at`) : [];
      // The MERGE, as an UPDATE of newer states and an ordered INSERT of new keys.
      await this.conn.run(`UPDATE ${t} AS t SET ${set} FROM won AS s WHERE ${on} AND NOT s._fresh`);
      await this.conn.run(`INSERT INTO ${t} (${list})
        SELECT ${cols.map((c) => `s.${quoteIdent(c)}`).join(', ')} FROM won AS s WHERE s._fresh${order}`);
      // The rollups of the days these posts (or labels) fall in, in the same transaction.
      if (rolled) await this.refreshRollups([...new Set([...(await this.stageDays()), ...left.map((r) => dayIso(r.day))])].sort());
      // Rising now's gains: those of the posts observed, recomputed; a loaded post's day, source
      // and language copied to its gains row (a row may come before its post: see postGainsDuckdb).
      if (table === postMetrics) await this.refreshGains(true);
      if (table === posts) {
        // The gains rows whose post's day, source or language this load sets or changes (one read
        // of the table; then updated by rowid), and the days they leave and come to.
        const g = quoteIdent(rollupPostGains.name);
        await this.conn.run(`CREATE OR REPLACE TEMP TABLE gains_moved AS
          SELECT g.rowid AS rid, g.created_at AS was, w.created_at, w.source, COALESCE(w.lang, '') AS lang FROM ${g} AS g JOIN won AS w USING (post_id)
          WHERE g.created_at IS DISTINCT FROM w.created_at OR g.source <> w.source OR g.lang <> COALESCE(w.lang, '')`);
        const days = await this.gainDays('SELECT unnest([was, created_at]) AS created_at FROM gains_moved');
        await this.conn.run(`UPDATE ${g} AS g SET created_at = m.created_at, source = m.source, lang = m.lang FROM gains_moved AS m WHERE g.rowid = m.rid`);
        await this.conn.run('DROP TABLE gains_moved');
        await this.refreshGainDays(days);
      }
      await this.conn.run('DROP TABLE won');
      await this.conn.run('DROP TABLE stage');
      // The days the stage's rows fall in (as BigQuery's load reports them): what the checks and
      // stories after the load read, instead of the whole table. None when the files held no row.
      const days = part ? (Number(c!.n) ? loadDays(c!.lo, c!.hi) : null) : undefined;
      return { rowsIn: Number(c!.n), inserted: Number(c!.fresh), updated: Number(c!.changed), ...(days !== undefined ? { partitions: days } : {}) };
    });
  }

  /** The UTC days of the stage's rows (posts and post_nlp both carry created_at). */
  private async stageDays(): Promise<string[]> {
    const rows = await queryRows<{ day: Date }>(this.conn, `SELECT DISTINCT ${UTC_DAY.duckdb('created_at')} AS day FROM stage ORDER BY 1`);
    return rows.map((r) => dayIso(r.day));
  }

  /**
   * Recomputes the rows of rollup_post_gains (see postGainsDuckdb) of the posts in the load's
   * `stage` table, or every row; the caller holds the transaction. Rows go in in created_at
   * order (appended by each load, mostly its latest posts'), so that a view's scan of the table
   * skips the row groups of other periods.
   *
   * A load reads the table once for its posts' rows (their days, their first observation, and
   * the rows to delete by rowid), and post_metrics only from the earliest observation those posts
   * can have: a post observed before has a row whose first_at is its earliest (every load of
   * observations keeps it), a post never observed has only the stage's. That bound goes into the
   * statement as a constant, which DuckDB's zone maps prune by (post_metrics is in observed_at
   * order): at 10M posts and 20M observations, a run's 13,500 observations read 16,508 rows
   * instead of scanning the 20M post_ids (9 ms against about 1 s).
   */
  private async refreshGains(fromStage: boolean): Promise<void> {
    const t = quoteIdent(rollupPostGains.name);
    const cols = columnNames(rollupPostGains).map(quoteIdent).join(', ');
    if (!fromStage) {
      await this.conn.run(`DELETE FROM ${t}`);
      await this.conn.run(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM (${postGainsDuckdb('TRUE')}) ORDER BY created_at`);
      await this.refreshGainDays();
      return;
    }
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE gains_old AS SELECT rowid AS rid, created_at, first_at FROM ${t} WHERE post_id IN (SELECT post_id FROM stage)`);
    // As text (with its offset, to the microsecond), to be written into the statement.
    const [b] = await queryRows<{ lo: string | null }>(this.conn, `SELECT CAST(least((SELECT min(first_at) FROM gains_old), (SELECT min(observed_at) FROM stage)) AS VARCHAR) AS lo`);
    if (b?.lo && !/^[0-9 :.+-]+$/.test(b.lo)) throw new Error(`unexpected timestamp text: ${b.lo}`);
    const lo = b?.lo ? ` AND x.observed_at >= TIMESTAMPTZ '${b.lo}'` : '';
    const before = await this.gainDays('SELECT created_at FROM gains_old');
    await this.conn.run(`DELETE FROM ${t} WHERE rowid IN (SELECT rid FROM gains_old)`);
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE gains_new AS ${postGainsDuckdb(`x.post_id IN (SELECT post_id FROM stage)${lo}`)}`);
    await this.conn.run(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM gains_new ORDER BY created_at`);
    const after = await this.gainDays('SELECT created_at FROM gains_new');
    await this.conn.run('DROP TABLE gains_old');
    await this.conn.run('DROP TABLE gains_new');
    await this.refreshGainDays([...new Set([...before, ...after])].sort());
  }

  /** The UTC days of the instants `sql` selects (one column, created_at), nulls left out. */
  private async gainDays(sql: string): Promise<string[]> {
    const rows = await queryRows<{ day: Date }>(this.conn, `SELECT DISTINCT ${UTC_DAY.duckdb('created_at')} AS day FROM (${sql}) AS d WHERE created_at IS NOT NULL`);
    return rows.map((r) => dayIso(r.day)).sort();
  }

  /**
   * Recomputes rollup_gains_daily and rollup_top_gains_daily (see gainDaysDuckdb) for the UTC
   * days given, from rollup_post_gains (every day without `days`); the caller holds the transaction.
   */
  private async refreshGainDays(days?: string[]): Promise<void> {
    if (days && !days.length) return;
    const lit = (iso: string) => `TIMESTAMPTZ '${dayIso(iso)}'`;
    const sql = gainDaysDuckdb(days ? withinDays(days, 'g.created_at', lit, UTC_DAY.duckdb('g.created_at')) : 'TRUE');
    for (const [table, select] of [[rollupGainsDaily, sql.sums], [rollupTopGainsDaily, sql.tops]] as const) {
      const t = quoteIdent(table.name);
      const cols = columnNames(table).map(quoteIdent).join(', ');
      await this.conn.run(`DELETE FROM ${t}${days ? ` WHERE "day" IN (${days.map(lit).join(', ')})` : ''}`);
      await this.conn.run(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM (${select}) ORDER BY "day"`);
    }
  }

  /**
   * Recomputes the rollup rows of the given UTC days (all of them without `days`) from posts
   * and post_nlp; the caller holds the transaction. Rows are inserted in day order, so that
   * the dashboard's period scans skip other days' row groups.
   */
  private async refreshRollups(days?: string[]): Promise<void> {
    if (days && !days.length) return;
    const lit = (iso: string) => `TIMESTAMPTZ '${dayIso(iso)}'`;
    const pw = days ? daysWhere(days, 'p', lit, UTC_DAY.duckdb('p.created_at')) : 'TRUE';
    const nw = days ? daysWhere(days, 'n', lit, UTC_DAY.duckdb('p.created_at')) : 'TRUE';
    const months = days && monthsOf(days);
    for (const r of ROLLUPS) {
      if (r.spansOf) {
        await this.refreshSpans(r, days);
        continue;
      }
      const t = quoteIdent(r.table.name);
      const cols = columnNames(r.table).map(quoteIdent).join(', ');
      // A span table's keys on those days before this daily table's refresh (a key may leave them).
      if (days) for (const s of ROLLUPS.filter((x) => x.spansOf?.daily === r.table.name)) {
        const key = s.spansOf!.key.map(quoteIdent).join(', ');
        await this.conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(`before_${s.table.name}`)} AS SELECT ${key}, CAST(sum(posts) AS BIGINT) AS posts FROM ${t} WHERE "day" IN (${days.map(lit).join(', ')}) GROUP BY ALL`);
      }
      // A monthly tier: the whole months of those days, summed from the daily rows just refreshed.
      // An hourly tier: the hours of those days, from posts as its daily table.
      const keys = r.monthlyOf ? months : days;
      const sql = r.monthlyOf ? r.duckdb(months ? monthsWhere(months, lit, 'duckdb') : 'TRUE', 'TRUE') : r.duckdb(pw, nw);
      const stale = !keys ? '' : r.hourlyOf ? withinDays(keys, '"day"', lit, UTC_DAY.duckdb('"day"')) : `"day" IN (${keys.map(lit).join(', ')})`;
      await this.conn.run(`DELETE FROM ${t}${stale ? ` WHERE ${stale}` : ''}`);
      await this.conn.run(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM (${sql}) ORDER BY "day"`);
    }
  }

  /**
   * A span table (RollupDef.spansOf): the keys the days may have changed, those with a daily row
   * on them before or after the daily table's refresh (refreshRollups kept the former, with their
   * posts on those days), every key without `days`. (BigQuery, which keeps no such list between
   * its MERGEs, recomputes the superset spanKeys gives from the daily rows.)
   *
   * Each such key's new span comes from its old span and those days alone, without reading its
   * other daily rows: posts = old − those days' posts before + after; the first day is the old
   * one when that is not among the days (its row is still there), else the days' earliest when
   * that is no later than the old one; the last day likewise. A key for which neither holds (its
   * first or last day lost its only row) is recomputed from all its daily rows; a key left with
   * no post goes. The same rows as the definition (the rollup specs compare them after edits
   * that shrink and remove spans); measured at 10M posts, a 20-post load spent seconds reading
   * the daily rows of every still-active key.
   *
   * Rows go in in last_day order: the dashboard reads the spans that reach a view (last_day at
   * its start or later), so each row group's range of last_day lets a scan skip the spans that
   * ended before (a 30-day view at 10M: a fifth of the table). A load's refreshed keys end on
   * its days, mostly the latest, so appending them keeps that order.
   */
  private async refreshSpans(r: RollupDef, days?: string[]): Promise<void> {
    const t = quoteIdent(r.table.name);
    const cols = columnNames(r.table).map(quoteIdent).join(', ');
    if (!days) {
      await this.conn.run(`DELETE FROM ${t}`);
      await this.conn.run(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM (${r.duckdb('TRUE', 'TRUE')}) ORDER BY last_day`);
      return;
    }
    const lit = (iso: string) => `TIMESTAMPTZ '${dayIso(iso)}'`;
    const inDays = days.map(lit).join(', ');
    const key = r.spansOf!.key.map(quoteIdent);
    const keyList = key.join(', ');
    const daily = quoteIdent(r.spansOf!.daily);
    const before = quoteIdent(`before_${r.table.name}`);
    const on = (a: string, b: string) => key.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE span_next AS
      WITH now_ AS (SELECT ${keyList}, CAST(sum(posts) AS BIGINT) AS posts, min("day") AS lo, max("day") AS hi FROM ${daily} WHERE "day" IN (${inDays}) GROUP BY ALL),
      d AS (SELECT ${key.map((c) => `COALESCE(a.${c}, b.${c}) AS ${c}`).join(', ')}, COALESCE(a.posts, 0) AS after_posts, a.lo, a.hi, COALESCE(b.posts, 0) AS before_posts
            FROM now_ AS a FULL OUTER JOIN ${before} AS b ON ${on('a', 'b')})
      SELECT ${key.map((c) => `d.${c}`).join(', ')},
             COALESCE(s.posts, 0) - d.before_posts + d.after_posts AS posts,
             CASE WHEN s.first_day IS NULL THEN (CASE WHEN d.before_posts = 0 THEN d.lo END)
                  WHEN s.first_day NOT IN (${inDays}) THEN least(s.first_day, COALESCE(d.lo, s.first_day))
                  WHEN d.lo <= s.first_day THEN d.lo END AS first_day,
             CASE WHEN s.last_day IS NULL THEN (CASE WHEN d.before_posts = 0 THEN d.hi END)
                  WHEN s.last_day NOT IN (${inDays}) THEN greatest(s.last_day, COALESCE(d.hi, s.last_day))
                  WHEN d.hi >= s.last_day THEN d.hi END AS last_day
      FROM d LEFT JOIN ${t} AS s ON ${on('s', 'd')}`);
    await this.conn.run(`DROP TABLE ${before}`);
    await this.conn.run(`DELETE FROM ${t} AS s WHERE EXISTS (SELECT 1 FROM span_next AS k WHERE ${on('k', 's')})`);
    await this.conn.run(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM span_next WHERE posts > 0 AND first_day IS NOT NULL AND last_day IS NOT NULL ORDER BY last_day`);
    // The keys whose first or last day cannot be told from the days alone: from all their daily
    // rows (one that has none left gives no row).
    const [redo] = await queryRows<{ n: bigint }>(this.conn, `SELECT count(*) AS n FROM span_next WHERE first_day IS NULL OR last_day IS NULL`);
    if (Number(redo!.n)) {
      await this.conn.run(`INSERT INTO ${t} (${cols}) SELECT ${cols} FROM (${r.duckdb(`EXISTS (SELECT 1 FROM span_next AS k WHERE (k.first_day IS NULL OR k.last_day IS NULL) AND ${on('k', 'p')})`, 'TRUE')}) ORDER BY last_day`);
    }
    await this.conn.run('DROP TABLE span_next');
  }

  private async upsert(table: TableSchema, row: Record<string, unknown>): Promise<void> {
    const cols = columnNames(table);
    await this.conn.run(
      `INSERT OR REPLACE INTO ${quoteIdent(table.name)} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map((c) => `$${c}`).join(', ')})`,
      Object.fromEntries(cols.map((c) => [c, row[c] ?? null])) as never,
    );
  }

  recordRun(run: PipelineRun): Promise<void> {
    return this.upsert(pipelineRuns, run);
  }

  /** Rows of a small table, all or none. */
  private async upsertAll(table: TableSchema, rows: object[]): Promise<void> {
    if (rows.length) await this.inTransaction(async () => {
      for (const r of rows) await this.upsert(table, r as Record<string, unknown>);
    });
  }

  recordChecks(checks: DqCheck[]): Promise<void> {
    return this.upsertAll(dqChecks, checks);
  }

  recordEvents(rows: EventRow[]): Promise<void> {
    return this.upsertAll(events, rows);
  }

  async getState(key: string): Promise<string | undefined> {
    const rows = await queryRows<{ value: string }>(this.conn, `SELECT "value" FROM pulse_state WHERE "key" = $key`, { key });
    return rows[0]?.value;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.conn.run(`INSERT OR REPLACE INTO pulse_state VALUES ($key, $value, now())`, { key, value });
  }

  /** Whether a transaction opened by query('BEGIN …') is open on `conn`. */
  private explicitTx = false;

  /** Connections for concurrent reads (the dashboard's panels), beside `conn`, which writes. */
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting = new Waiters<DuckDBConnection>();
  private readers = 0;
  /** close() was called: connections that come back after it are closed, not kept. */
  private closed = false;

  private async reader(priority = 0): Promise<DuckDBConnection> {
    const c = this.idle.pop();
    if (c) return c;
    if (this.readers < READ_CONNECTIONS) {
      this.readers++;
      return this.db.connect();
    }
    return this.waiting.wait(priority);
  }

  private release(c: DuckDBConnection): void {
    if (this.waiting.give(c)) return;
    if (this.closed) {
      // A query that outlived close() (a page whose other panel failed first): its connection
      // and statements go when it ends (before, such a connection stayed open until collected).
      this.dropPrepared(c);
      c.closeSync();
    } else this.idle.push(c);
  }

  /**
   * Queries issued at the same time run at the same time, each on a connection of its own
   * (DuckDB runs one statement at a time per connection); a query is never run inside a
   * transaction a load holds open on the writing connection. At most READ_CONNECTIONS run at
   * once; the others wait for a connection, those of higher `opts.priority` first.
   */
  async query<T = Record<string, unknown>>(sql: DialectSql | string, params?: Params, opts: QueryOptions = {}): Promise<T[]> {
    // An explicit transaction (BEGIN … COMMIT or ROLLBACK sent through query, as the stories and
    // events steps do) runs on the writing connection, so that it holds every statement up to its
    // end, getState/setState included (their watermark moves with the rows, or not at all).
    const verb = /^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.exec(typeof sql === 'string' ? sql : sql.duckdb)?.[1]?.toUpperCase();
    if (verb === 'BEGIN' || this.explicitTx) {
      try {
        const rows = await this.queryOn<T>(this.conn, sql, params);
        if (verb === 'BEGIN') this.explicitTx = true;
        else if (verb) this.explicitTx = false;
        return rows;
      } catch (e) {
        // A failed COMMIT leaves the caller's ROLLBACK to come here too; a ROLLBACK ends it whatever it says.
        if (verb === 'ROLLBACK') this.explicitTx = false;
        throw e;
      }
    }
    const c = await this.reader(opts.priority);
    try {
      return await this.queryOn<T>(c, sql, params);
    } finally {
      this.release(c);
    }
  }

  /** Rows as plain values (numbers, ISO strings), as BigQueryWarehouse.query returns them. */
  private async queryOn<T>(conn: DuckDBConnection, sql: DialectSql | string, params?: Params): Promise<T[]> {
    return (await this.queryJs(conn, sql, params)).map((r) => plainValue(r) as T);
  }

  private async queryJs(conn: DuckDBConnection, sql: DialectSql | string, params?: Params): Promise<unknown[]> {
    const text = typeof sql === 'string' ? sql : sql.duckdb;
    if (!params) return queryRows(conn, text);
    // DuckDB infers no type for a null or a JS array: a null is a VARCHAR, a list a VARCHAR[].
    const types: Record<string, DuckDBType> = {};
    const values: Record<string, DuckDBValue> = {};
    for (const [k, v] of Object.entries(params)) {
      if (v === null) types[k] = duckdbApi().VARCHAR;
      values[k] = Array.isArray(v) ? duckdbApi().listValue(v) : v;
    }
    const statement = this.readOnly ? await this.preparedOn(conn, text) : undefined;
    if (!statement) return (await conn.runAndReadAll(text, values, types)).getRowObjectsJS();
    statement.clearBindings();
    statement.bind(values, types);
    return (await statement.runAndReadAll()).getRowObjectsJS();
  }

  /**
   * Statements prepared on each reader connection of a read-only warehouse, by text: the
   * dashboard runs the same score of statements on every page with other parameters, and
   * preparing them anew (parsing, binding, planning) cost about 8% of a 30-day page's CPU at
   * 10M posts. DuckDB still applies the bound values to its scans (zone maps), and a read-only
   * file's schema cannot change under it. At most PREPARED_PER_CONNECTION per connection, the
   * oldest dropped first; all destroyed on close.
   */
  private readonly prepared = new Map<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();

  private async preparedOn(conn: DuckDBConnection, text: string): Promise<DuckDBPreparedStatement> {
    let cache = this.prepared.get(conn);
    if (!cache) this.prepared.set(conn, (cache = new Map()));
    let statement = cache.get(text);
    if (statement) {
      // Most recently used last.
      cache.delete(text);
    } else {
      statement = await conn.prepare(text);
      if (cache.size >= PREPARED_PER_CONNECTION) {
        const [oldest, dropped] = cache.entries().next().value!;
        cache.delete(oldest);
        dropped.destroySync();
      }
    }
    cache.set(text, statement);
    return statement;
  }

  /** Destroys the statements prepared on `c` (none may be running: `c` is idle or its query ended). */
  private dropPrepared(c: DuckDBConnection): void {
    for (const statement of this.prepared.get(c)?.values() ?? []) statement.destroySync();
    this.prepared.delete(c);
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      // A connection still running a query, and its statements, go when it ends (release).
      this.dropPrepared(this.conn);
      for (const c of this.idle.splice(0)) {
        this.dropPrepared(c);
        c.closeSync();
      }
      this.conn.closeSync();
      this.db.closeSync();
    } finally {
      // Only once the file is closed: readers that see no writer open it at once.
      await this.withdraw();
    }
  }
}
