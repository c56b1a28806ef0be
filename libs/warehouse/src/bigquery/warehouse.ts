import { createHash, randomBytes } from 'node:crypto';
import type { BigQuery, BigQueryOptions, Job, JobMetadata, TableMetadata } from '@google-cloud/bigquery';
import { createLogger, type Logger } from '@social-pulse/runtime';
import {
  bigQuerySchema,
  dqChecks,
  events as eventsTable,
  pipelineRuns,
  postNlp,
  posts,
  pulseState,
  WAREHOUSE_TABLES,
  type BigQueryField,
  type DqCheck,
  type EventRow,
  type PipelineRun,
  type ScalarType,
  type TableSchema,
} from '@social-pulse/schema';
import { loadDays, missingFields, MergingWarehouse, plainValue } from '../base.ts';
import type { DialectSql, LoadResult, Params, Warehouse } from '../types.ts';
import { SCHEMA_RELATIONS, VIEWS } from '../views.ts';
import { bigquery } from './client.ts';
import { dayIso, ROLLUPS, ROLLUPS_STATE_KEY, ROLLUPS_VERSION, UTC_DAY, type RollupDef } from '../rollups.ts';
import { bqIdent, mergeFromStage, rollupMerge, upsertRowsSql, type PartitionBounds } from './sql.ts';

/** The label of a rollup table that says which definition built it. */
const ROLLUPS_LABEL = 'pulse_rollups';
const ROLLUPS_LABEL_VALUE = `v${ROLLUPS_VERSION}`;
/**
 * The label (on pulse_state: updating a table's labels needs only bigquery.tables.update, which
 * the pipeline's dataEditor role has, while the dataset's need dataOwner, and Pulumi owns the
 * dataset's) of the schema the dataset was last brought up to: a hash of every table's
 * resource, every view's text and the rollups' version. With it current and every table and
 * view listed, opening the warehouse costs two API calls instead of two per table and view.
 */
const SCHEMA_LABEL = 'pulse_schema';

/** Staging tables disappear by themselves a day later if a crashed load leaves one behind. */
const STAGE_TTL_MS = 24 * 3600 * 1000;

const PARAM_TYPE: Record<ScalarType, string> = { string: 'STRING', int64: 'INT64', float64: 'FLOAT64', bool: 'BOOL', timestamp: 'TIMESTAMP' };

export interface BigQueryWarehouseOptions {
  project: string;
  dataset: string;
  /** Dataset location (e.g. EU); jobs run there. */
  location?: string;
  /** Client options; without them, application default credentials and the public endpoint. */
  client?: BigQueryOptions;
  log?: Logger;
}

/** The error BigQuery gave a job, with every message it listed. */
function jobError(what: string, meta: JobMetadata): Error | undefined {
  const status = meta.status;
  if (!status?.errorResult) return undefined;
  const more = (status.errors ?? []).map((e) => e.message).filter((m) => m && m !== status.errorResult?.message);
  return new Error(`BigQuery ${what} failed: ${status.errorResult.message}${more.length ? ` (${more.join('; ')})` : ''}`);
}

/** The staging schema: the table's, with REQUIRED relaxed, so a Parquet column written as optional loads; the MERGE enforces NOT NULL. */
function relaxed(fields: BigQueryField[]): BigQueryField[] {
  return fields.map((f) => ({ ...f, mode: f.mode === 'REQUIRED' ? 'NULLABLE' : f.mode, ...(f.fields ? { fields: relaxed(f.fields) } : {}) }));
}

/**
 * The whole UTC days from the one of `lo` to the one after `hi`: the partitions (DAY
 * partitioning) that hold every row of the stage. Whole days, so that the microseconds a
 * JavaScript Date drops can never push a row out of the bound.
 */
function dayBounds(column: string, lo: unknown, hi: unknown): PartitionBounds | undefined {
  if (typeof lo !== 'string' || typeof hi !== 'string') return undefined; // no value: the MERGE's REQUIRED column will say so
  const days = loadDays(lo, hi);
  return days && { column, ...days };
}

/** BigQuery's TIMESTAMP values, for plainValue: INT64 then comes back as a number and TIMESTAMP as an ISO string, as from DuckDB. */
const timestampOf = (v: object): Date | undefined => (v instanceof bigquery().BigQueryTimestamp ? new Date(v.value) : undefined);

/**
 * The cloud warehouse: a BigQuery dataset. Tables are declared from libs/schema; loads are
 * load jobs from the lake's Parquet files in Cloud Storage into a staging table, then one
 * MERGE on the primary key (no streaming inserts: they cost more, and rows in the
 * streaming buffer cannot be updated by the MERGE that follows). Credentials are Google's
 * application default credentials; nothing else is read.
 */
export class BigQueryWarehouse extends MergingWarehouse implements Warehouse {
  readonly kind = 'bigquery' as const;
  readonly uri: string;
  readonly bq: BigQuery;
  private readonly log: Logger;
  private billed = 0;

  constructor(private readonly opts: BigQueryWarehouseOptions) {
    super();
    this.uri = `bigquery://${opts.project}/${opts.dataset}`;
    this.bq = new (bigquery().BigQuery)({ projectId: opts.project, ...(opts.location ? { location: opts.location } : {}), ...opts.client });
    this.log = (opts.log ?? createLogger('bigquery')).child({ warehouse: this.uri });
  }

  /** Bytes billed by every query job this warehouse ran so far (load jobs are free). */
  get bytesBilled(): number {
    return this.billed;
  }

  private path(table: string): string {
    return `${this.opts.project}.${this.opts.dataset}.${table}`;
  }

  /** Table resource for `tables.insert`, from the schema declaration. */
  tableResource(table: TableSchema): TableMetadata {
    return {
      description: table.description,
      schema: { fields: bigQuerySchema(table) },
      // Partitioned by day on the time column and clustered on the columns the dashboard
      // filters by (source for posts): queries over "the last 7 days of mastodon" read only
      // those days' partitions and, within them, only the blocks of that source, so the
      // bytes billed grow with the window asked for rather than with the whole history.
      ...(table.partitionBy ? { timePartitioning: { type: 'DAY', field: table.partitionBy } } : {}),
      ...(table.clusterBy?.length ? { clustering: { fields: [...table.clusterBy] } } : {}),
    };
  }

  /** What this build's schema is, as the value of the dataset's SCHEMA_LABEL. */
  private schemaFingerprint(): string {
    const views = VIEWS.map((v) => [v.name, v.bigquery.replaceAll('{dataset}', bqIdent(`${this.opts.project}.${this.opts.dataset}`))]);
    const text = JSON.stringify({ tables: WAREHOUSE_TABLES.map((t) => this.tableResource(t)), views, rollups: ROLLUPS_VERSION });
    return createHash('sha256').update(text).digest('hex').slice(0, 16);
  }

  /** Whether the dataset has this build's schema: its label says so and no table or view is missing. */
  private async schemaIsCurrent(): Promise<boolean> {
    const dataset = this.bq.dataset(this.opts.dataset);
    const [meta] = await dataset.table(pulseState.name).getMetadata().catch((e: { code?: number }) => {
      if (e.code === 404) return [undefined];
      throw e;
    });
    if (meta?.labels?.[SCHEMA_LABEL] !== this.schemaFingerprint()) return false;
    const [tables] = await dataset.getTables();
    const have = new Set(tables.map((t) => t.id));
    return SCHEMA_RELATIONS.every((n) => have.has(n));
  }

  async ensureSchema(): Promise<void> {
    // Every step opens the warehouse: when nothing changed, that is two API calls.
    if (await this.schemaIsCurrent()) return;
    const dataset = this.bq.dataset(this.opts.dataset);
    const [exists] = await dataset.exists();
    if (!exists) {
      await dataset.create(this.opts.location ? { location: this.opts.location } : {}).catch((e: { code?: number }) => {
        if (e.code !== 409) throw e;
      });
    }
    // Every table libs/schema declares, so a table added there is created here too.
    for (const table of WAREHOUSE_TABLES) {
      const t = dataset.table(table.name);
      const [has] = await t.exists();
      if (has) {
        await this.addMissingColumns(table);
        continue;
      }
      await dataset.createTable(table.name, this.tableResource(table)).catch((e: { code?: number }) => {
        if (e.code !== 409) throw e; // created meanwhile by another process
      });
      this.log.info({ table: table.name }, 'created BigQuery table');
    }
    for (const v of VIEWS) {
      const sql = v.bigquery.replaceAll('{dataset}', bqIdent(`${this.opts.project}.${this.opts.dataset}`));
      const view = dataset.table(v.name);
      const [has] = await view.exists();
      // Replaced only when its text changed: every step opens the warehouse.
      if (has && (await view.getMetadata())[0].view?.query === sql) continue;
      await this.run(`CREATE OR REPLACE VIEW ${bqIdent(this.path(v.name))} AS\n${sql}`, {}, `view ${v.name}`);
    }
    // A dataset with posts but no rollups (or older ones) gets them built whole, once. The
    // version is a label of each rollup table (read with a GET: opening costs no query job);
    // pulse_state tells the dashboard, which reads no table metadata.
    const stale: RollupDef[] = [];
    for (const r of ROLLUPS) {
      const [meta] = await dataset.table(r.table.name).getMetadata();
      if (meta.labels?.[ROLLUPS_LABEL] !== ROLLUPS_LABEL_VALUE) stale.push(r);
    }
    if (stale.length) {
      for (const r of stale) await this.run(rollupMerge(r, this.path(r.table.name)), {}, `rollup ${r.table.name} (build)`);
      await this.setState(ROLLUPS_STATE_KEY, ROLLUPS_VERSION);
      for (const r of stale) await dataset.table(r.table.name).setMetadata({ labels: { [ROLLUPS_LABEL]: ROLLUPS_LABEL_VALUE } });
      this.log.info({ tables: stale.map((r) => r.table.name) }, 'built rollups');
    }
    const state = dataset.table(pulseState.name);
    const [meta] = await state.getMetadata();
    await state.setMetadata({ labels: { ...(meta.labels ?? {}), [SCHEMA_LABEL]: this.schemaFingerprint() } });
  }

  /** Recomputes the rollups' rows of the UTC days given (all without `days`): one MERGE per rollup. */
  private async refreshRollups(days?: string[]): Promise<JobMetadata[]> {
    if (days && !days.length) return [];
    const metas: JobMetadata[] = [];
    for (const r of ROLLUPS) metas.push((await this.run(rollupMerge(r, this.path(r.table.name), days), {}, `rollup ${r.table.name}`)).meta);
    return metas;
  }

  /** A column added to libs/schema is added to an existing table (BigQuery only allows adding NULLABLE or REPEATED columns). */
  private async addMissingColumns(table: TableSchema): Promise<void> {
    const t = this.bq.dataset(this.opts.dataset).table(table.name);
    const [meta] = await t.getMetadata();
    const missing = bigQuerySchema({ ...table, fields: missingFields(table, (meta.schema?.fields ?? []).map((f: { name: string }) => f.name)) });
    if (!missing.length) return;
    const required = missing.filter((f) => f.mode === 'REQUIRED').map((f) => f.name);
    if (required.length) throw new Error(`${this.path(table.name)} lacks the REQUIRED columns ${required.join(', ')}; BigQuery cannot add them to an existing table`);
    await t.setMetadata({ schema: { fields: [...(meta.schema?.fields ?? []), ...missing] } });
    this.log.info({ table: table.name, columns: missing.map((f) => f.name) }, 'added columns to BigQuery table');
  }

  /** Runs a query job to the end; logs the bytes it processed (what BigQuery bills). */
  private async run(sql: string, params: Record<string, unknown> = {}, what = 'query', types?: Record<string, string>): Promise<{ rows: Record<string, unknown>[]; meta: JobMetadata }> {
    const [job] = await this.bq.createQueryJob({
      query: sql,
      useLegacySql: false,
      defaultDataset: { projectId: this.opts.project, datasetId: this.opts.dataset },
      ...(Object.keys(params).length ? { params, ...(types ? { types } : {}) } : {}),
      ...(this.opts.location ? { location: this.opts.location } : {}),
    });
    const [rows] = await job.getQueryResults({ wrapIntegers: { integerTypeCastFunction: (v: string) => BigInt(v) } });
    const [meta] = await job.getMetadata();
    const err = jobError(what, meta);
    if (err) throw err;
    const q = meta.statistics?.query;
    this.billed += Number(q?.totalBytesBilled ?? 0);
    this.log.info({ job: job.id, what, bytesProcessed: Number(q?.totalBytesProcessed ?? 0), bytesBilled: Number(q?.totalBytesBilled ?? 0) }, `BigQuery ${what}`);
    return { rows: rows.map((r) => plainValue(r, timestampOf) as Record<string, unknown>), meta };
  }

  private async waitJob(job: Job, what: string): Promise<JobMetadata> {
    await job.promise().catch((e: Error) => {
      throw new Error(`BigQuery ${what} failed: ${e.message}`, { cause: e });
    });
    const [meta] = await job.getMetadata();
    const err = jobError(what, meta);
    if (err) throw err;
    return meta;
  }

  protected async merge(table: TableSchema, uris: string[], versionCol: string): Promise<LoadResult> {
    if (!uris.length) return { rowsIn: 0, inserted: 0, updated: 0, partitions: null };
    const local = uris.filter((u) => !u.startsWith('gs://'));
    if (local.length) {
      throw new Error(`BigQuery loads Parquet from Cloud Storage; ${local[0]} is a local file. Set lake: gs://BUCKET/prefix (or PULSE_LAKE) to load ${this.uri}.`);
    }
    const dataset = this.bq.dataset(this.opts.dataset);
    const stageName = `_pulse_stage_${table.name}_${Date.now()}_${randomBytes(4).toString('hex')}`;
    const stageFields = relaxed(bigQuerySchema(table));
    await dataset.createTable(stageName, { schema: { fields: stageFields }, expirationTime: String(Date.now() + STAGE_TTL_MS) });
    try {
      const [job] = await this.bq.createJob({
        configuration: {
          load: {
            sourceUris: uris,
            sourceFormat: 'PARQUET',
            // DuckDB writes lists as Parquet LIST groups; inference maps them onto REPEATED columns.
            parquetOptions: { enableListInference: true },
            destinationTable: { projectId: this.opts.project, datasetId: this.opts.dataset, tableId: stageName },
            schema: { fields: stageFields },
            createDisposition: 'CREATE_NEVER',
            writeDisposition: 'WRITE_EMPTY',
          },
        },
        ...(this.opts.location ? { location: this.opts.location } : {}),
      });
      const load = await this.waitJob(job, `load of ${uris.length} files into ${stageName}`);
      this.log.info({ job: job.id, files: uris.length, inputBytes: Number(load.statistics?.load?.inputFileBytes ?? 0), rows: Number(load.statistics?.load?.outputRows ?? 0) }, 'BigQuery load job');
      const stage = this.path(stageName);
      // A cheap look at the stage alone (it holds only what is new): its rows, and the days
      // of the partition column they fall in, which bound the MERGE's read of the target.
      const part = table.partitionBy;
      const counted = await this.run(
        `SELECT ${distinctKeys(table, bqIdent(stage))} AS n${part ? `, MIN(${bqIdent(part)}) AS lo, MAX(${bqIdent(part)}) AS hi` : ''} FROM ${bqIdent(stage)}`,
        {},
        `count of ${stageName}`,
      );
      const rowsIn = Number(counted.rows[0]?.n ?? 0);
      const billedBy = (...m: JobMetadata[]) => m.reduce((sum, x) => sum + Number(x.statistics?.query?.totalBytesBilled ?? 0), 0);
      if (!rowsIn) return { rowsIn: 0, inserted: 0, updated: 0, bytesBilled: billedBy(counted.meta), partitions: null };
      const bounds = part ? dayBounds(part, counted.rows[0]?.lo, counted.rows[0]?.hi) : undefined;
      const { meta } = await this.run(mergeFromStage(table, this.path(table.name), stage, versionCol, bounds), {}, `merge into ${table.name}`);
      const dml = meta.statistics?.query?.dmlStats;
      // The rollups of the days these posts (or labels) fall in, read from the stage alone.
      const rolled: JobMetadata[] = [];
      if (table === posts || table === postNlp) {
        const days = await this.run(`SELECT DISTINCT ${UTC_DAY.bigquery('created_at')} AS day FROM ${bqIdent(stage)}`, {}, `days of ${stageName}`);
        rolled.push(days.meta, ...(await this.refreshRollups(days.rows.map((d) => dayIso(d.day)))));
      }
      return {
        rowsIn,
        inserted: Number(dml?.insertedRowCount ?? 0),
        updated: Number(dml?.updatedRowCount ?? 0),
        bytesBilled: billedBy(counted.meta, meta, ...rolled),
        // Without a bound (a table not partitioned), checks read the whole table.
        ...(bounds ? { partitions: { from: bounds.from, to: bounds.to } } : {}),
      };
    } finally {
      await dataset.table(stageName).delete({ ignoreNotFound: true }).catch((e: Error) => this.log.warn(`could not drop ${stageName} (it expires in a day): ${e.message}`));
    }
  }

  /** Insert-or-replace rows of a small table by DML, with typed parameters. */
  private async upsert(table: TableSchema, rows: Record<string, unknown>[], what: string): Promise<void> {
    if (!rows.length) return;
    const params: Record<string, unknown> = {};
    const types: Record<string, string> = {};
    rows.forEach((row, i) => {
      for (const f of table.fields) {
        if (typeof f.type !== 'string') throw new Error(`${table.name}.${f.name}: only scalar columns can be upserted by parameters`);
        const v = row[f.name] ?? null;
        // The client sends a TIMESTAMP parameter's value only when given a timestamp object, never a bare string.
        params[`r${i}_${f.name}`] = f.type === 'timestamp' && v !== null ? bigquery().BigQuery.timestamp(new Date(v as string)) : v;
        types[`r${i}_${f.name}`] = PARAM_TYPE[f.type];
      }
    });
    await this.run(upsertRowsSql(table, this.path(table.name), rows.length), params, what, types);
  }

  recordRun(run: PipelineRun): Promise<void> {
    return this.upsert(pipelineRuns, [run as unknown as Record<string, unknown>], 'record run');
  }

  recordChecks(checks: DqCheck[]): Promise<void> {
    return this.upsert(dqChecks, checks as unknown as Record<string, unknown>[], 'record checks');
  }

  /** In batches: one MERGE per 100 events keeps the statement and its parameters well within BigQuery's limits. */
  async recordEvents(rows: EventRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 100) {
      await this.upsert(eventsTable, rows.slice(i, i + 100) as unknown as Record<string, unknown>[], 'record events');
    }
  }

  async getState(key: string): Promise<string | undefined> {
    const { rows } = await this.run(`SELECT \`value\` FROM ${bqIdent(this.path(pulseState.name))} WHERE \`key\` = @key`, { key }, 'get state');
    return rows[0]?.value as string | undefined;
  }

  setState(key: string, value: string): Promise<void> {
    return this.upsert(pulseState, [{ key, value, updated_at: new Date().toISOString() }], 'set state');
  }

  async query<T = Record<string, unknown>>(sql: DialectSql | string, params?: Params): Promise<T[]> {
    const text = typeof sql === 'string' ? sql : sql.bigquery;
    // Nulls carry no type of their own; BigQuery needs one.
    const types = params && Object.fromEntries(Object.entries(params).filter(([, v]) => v === null).map(([k]) => [k, 'STRING']));
    const { rows } = await this.run(text, params ?? {}, 'query', types && Object.keys(types).length ? types : undefined);
    return rows as T[];
  }

  async close(): Promise<void> {
    // The client holds no connection to release.
  }
}

/**
 * The distinct keys of a stage: `COUNT(DISTINCT k)` for one key column; BigQuery's COUNT
 * DISTINCT takes one expression, so a composite key (post_metrics) counts a DISTINCT subquery.
 */
function distinctKeys(table: TableSchema, stage: string): string {
  const keys = table.primaryKey.map(bqIdent);
  return keys.length === 1 ? `COUNT(DISTINCT ${keys[0]})` : `(SELECT COUNT(*) FROM (SELECT DISTINCT ${keys.join(', ')} FROM ${stage}))`;
}
