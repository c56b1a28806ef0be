import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { openDuckDB, sqlStringList } from '@social-pulse/runtime';

/**
 * A BigQuery REST server on 127.0.0.1 for tests (no BigQuery emulator can be had here).
 * It speaks the subset of API v2 that `@google-cloud/bigquery` uses for social-pulse —
 * datasets get/insert, tables get/insert/patch/delete, jobs insert/get for load and query
 * jobs, jobs.getQueryResults — records every call for tests to assert, and answers as
 * BigQuery does, with the work done by DuckDB: each dataset is a DuckDB schema, load jobs
 * read the Parquet files named by their gs:// URIs (through `readObject`), and query jobs
 * run after a small, strict rewrite of GoogleSQL's lexical differences (backtick paths,
 * `@name` parameters, typed from `queryParameters`). What the rewrite does not cover fails
 * the job with `invalidQuery`, as BigQuery fails a query it cannot run.
 */

export interface BqCall {
  method: string;
  /** Path after `/bigquery/v2`, e.g. `/projects/p/jobs`. */
  path: string;
  query: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface FakeBigQuery {
  /** `apiEndpoint` for the client (requests go to `{url}/bigquery/v2/...`). */
  url: string;
  calls: BqCall[];
  /** Job resources by id, as last answered. */
  jobs: Map<string, BqJob>;
  /** Table resources by `dataset.table`. */
  tables: Map<string, TableResource>;
  /** Run SQL on the engine behind the fake (DuckDB), e.g. to read a table's rows. */
  sql<T = Record<string, unknown>>(text: string): Promise<T[]>;
  close(): Promise<void>;
}

export interface FakeBigQueryOptions {
  project: string;
  /** The bytes of a `gs://bucket/name` object, for load jobs; undefined when there is none. */
  readObject: (bucket: string, name: string) => Buffer | undefined | Promise<Buffer | undefined>;
}

interface BqField {
  name: string;
  type: string;
  mode?: string;
  fields?: BqField[];
}

interface TableResource {
  tableReference: { projectId: string; datasetId: string; tableId: string };
  schema?: { fields: BqField[] };
  timePartitioning?: { type: string; field?: string };
  clustering?: { fields: string[] };
  expirationTime?: string;
  view?: { query: string; useLegacySql?: boolean };
  [k: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type BqJob = Record<string, any> & { jobReference: { projectId: string; jobId: string; location?: string } };

interface QueryParam {
  name: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue?: { value?: string | null; arrayValues?: { value: string }[] };
}

const DUCK_TYPE: Record<string, string> = {
  STRING: 'VARCHAR', INT64: 'BIGINT', INTEGER: 'BIGINT', FLOAT64: 'DOUBLE', FLOAT: 'DOUBLE', BOOL: 'BOOLEAN', BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMPTZ', DATE: 'DATE',
};

const q = (id: string) => `"${id.replaceAll('"', '""')}"`;
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

function duckType(f: BqField): string {
  const base = f.type === 'RECORD' || f.type === 'STRUCT' ? `STRUCT(${(f.fields ?? []).map((c) => `${q(c.name)} ${duckType(c)}`).join(', ')})` : DUCK_TYPE[f.type];
  if (!base) throw new BqError(400, 'invalid', `unsupported type ${f.type} for field ${f.name}`);
  return f.mode === 'REPEATED' ? `${base}[]` : base;
}

class BqError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The BigQuery schema field of a DuckDB result column. */
function bqField(name: string, t: DuckDBType): BqField {
  switch (t.typeId) {
    case DuckDBTypeId.LIST: {
      const inner = bqField(name, (t as unknown as { valueType: DuckDBType }).valueType);
      return { ...inner, mode: 'REPEATED' };
    }
    case DuckDBTypeId.STRUCT: {
      const s = t as unknown as { entryNames: readonly string[]; entryTypes: readonly DuckDBType[] };
      return { name, type: 'RECORD', mode: 'NULLABLE', fields: s.entryNames.map((n, i) => bqField(n, s.entryTypes[i]!)) };
    }
    case DuckDBTypeId.BOOLEAN:
      return { name, type: 'BOOLEAN', mode: 'NULLABLE' };
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER: case DuckDBTypeId.BIGINT: case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT: case DuckDBTypeId.UINTEGER: case DuckDBTypeId.UBIGINT:
      return { name, type: 'INTEGER', mode: 'NULLABLE' };
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: case DuckDBTypeId.DECIMAL:
      return { name, type: 'FLOAT', mode: 'NULLABLE' };
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_TZ: case DuckDBTypeId.TIMESTAMP_MS: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_NS:
      return { name, type: 'TIMESTAMP', mode: 'NULLABLE' };
    case DuckDBTypeId.DATE:
      return { name, type: 'DATE', mode: 'NULLABLE' };
    default:
      return { name, type: 'STRING', mode: 'NULLABLE' };
  }
}

/** A value in the `{f: [{v}]}` row encoding of the REST API. */
function cell(f: BqField, v: unknown, int64Timestamps: boolean): unknown {
  if (v === null || v === undefined) return f.mode === 'REPEATED' ? [] : null;
  if (f.mode === 'REPEATED') return (v as unknown[]).map((x) => ({ v: cell({ ...f, mode: 'NULLABLE' }, x, int64Timestamps) }));
  if (f.type === 'RECORD') {
    const o = v as Record<string, unknown>;
    return { f: (f.fields ?? []).map((c) => ({ v: cell(c, o[c.name], int64Timestamps) })) };
  }
  if (f.type === 'TIMESTAMP') {
    const micros = BigInt((v as Date).getTime()) * 1000n;
    return int64Timestamps ? String(micros) : String(Number(micros) / 1e6);
  }
  if (f.type === 'DATE' && v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

/** A typed SQL literal for a query parameter (DuckDB dialect). */
function paramLiteral(p: QueryParam): string {
  const t = p.parameterType.type;
  if (t === 'ARRAY') {
    const el = p.parameterType.arrayType?.type ?? 'STRING';
    const items = (p.parameterValue?.arrayValues ?? []).map((a) => scalarLiteral(el, a.value));
    return `CAST([${items.join(', ')}] AS ${DUCK_TYPE[el] ?? 'VARCHAR'}[])`;
  }
  return scalarLiteral(t, p.parameterValue?.value ?? null);
}

function scalarLiteral(type: string, raw: unknown): string {
  const duck = DUCK_TYPE[type];
  if (!duck) throw new BqError(400, 'invalidQuery', `unsupported parameter type ${type}`);
  if (raw === null || raw === undefined) return `CAST(NULL AS ${duck})`;
  const value = String(raw);
  if (type === 'INT64' && !/^-?\d+$/.test(value)) throw new BqError(400, 'invalidQuery', `invalid INT64 parameter value ${value}`);
  return `CAST(${lit(value)} AS ${duck})`;
}

/**
 * GoogleSQL → DuckDB, lexically: backtick paths (`project.dataset.table`,
 * `project.dataset`.table, `dataset.table`) become schema-qualified names, other backtick
 * identifiers double-quoted ones, `@name` the typed parameter. String literals are kept.
 */
function rewrite(sql: string, project: string, params: Map<string, string>): string {
  let out = '';
  for (let i = 0; i < sql.length; ) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : sql[j] === '\\' ? 2 : 1;
      if (c === '"') {
        // A GoogleSQL double-quoted string is a DuckDB single-quoted one.
        out += lit(sql.slice(i + 1, j).replaceAll('\\"', '"'));
      } else {
        out += sql.slice(i, j + 1);
      }
      i = j + 1;
    } else if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      if (end < 0) throw new BqError(400, 'invalidQuery', 'Syntax error: unclosed identifier');
      let parts = sql.slice(i + 1, end).split('.');
      i = end + 1;
      // `project.dataset`.table
      const tail = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i));
      if (tail && parts.length === 2) {
        parts = [...parts, tail[1]!];
        i += tail[0].length;
      }
      if (parts.length === 3) {
        if (parts[0] !== project) throw new BqError(404, 'notFound', `Not found: Project ${parts[0]}`);
        parts = parts.slice(1);
      }
      out += parts.map(q).join('.');
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i))!;
      const value = params.get(m[1]!);
      if (value === undefined) throw new BqError(400, 'invalidQuery', `Query parameter '${m[1]}' not found`);
      out += value;
      i += m[0].length;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Replaces each call `NAME(args)` (outside string literals) with `fn(top-level args, raw inner text)`. */
function rewriteCalls(sql: string, name: RegExp, fn: (args: string[], inner: string, after: string) => [string, number] | undefined): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = new RegExp(`^${name.source}\\s*\\(`, 'i').exec(sql.slice(i));
    if (m && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      let depth = 1;
      let j = i + m[0].length;
      const args: string[] = [];
      let start = j;
      for (; j < sql.length && depth > 0; j++) {
        const ch = sql[j];
        if (ch === "'") {
          j += 1;
          while (j < sql.length && sql[j] !== "'") j++;
        } else if (ch === '(') depth++;
        else if (ch === ')') depth--;
        else if (ch === ',' && depth === 1) {
          args.push(sql.slice(start, j).trim());
          start = j + 1;
        }
      }
      const inner = sql.slice(i + m[0].length, j - 1);
      args.push(sql.slice(start, j - 1).trim());
      const done = fn(args.map((a) => rewriteFunctions(a)), inner, sql.slice(j));
      if (done) {
        out += done[0];
        i = j + done[1];
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

/**
 * The GoogleSQL functions social-pulse's queries use that DuckDB spells otherwise.
 * Anything else is left alone, and DuckDB fails the job if it does not know it.
 */
function rewriteFunctions(sql: string): string {
  let out = rewriteCalls(sql, /TIMESTAMP_ADD/, (a) => [`(${a[0]} + ${a[1]})`, 0]);
  out = rewriteCalls(out, /TIMESTAMP_SUB/, (a) => [`(${a[0]} - ${a[1]})`, 0]);
  out = rewriteCalls(out, /TIMESTAMP/, (a) => [`CAST(${a[0]} AS TIMESTAMPTZ)`, 0]);
  // TIMESTAMP_TRUNC(x, DAY): midnight UTC of x (whatever DuckDB's time zone); other units through date_trunc.
  out = rewriteCalls(out, /TIMESTAMP_TRUNC/, (a) =>
    /^DAY$/i.test(a[1] ?? '')
      ? [`to_timestamp(CAST(floor(epoch(${a[0]}) / 86400) AS BIGINT) * 86400)`, 0]
      : /^[A-Z]+$/i.test(a[1] ?? '') ? [`date_trunc('${a[1]!.toLowerCase()}', ${a[0]})`, 0] : undefined);
  // `UNNEST(list) AS x` names the element x; DuckDB names the table x, and its column x too with x(x)
  // (a struct's fields then read as x.f).
  out = rewriteCalls(out, /UNNEST/, (_a, inner, after) => {
    // `WITH OFFSET AS o`: the element's 0-based position (DuckDB's ordinality is 1-based: same order).
    const o = /^\s+AS\s+([A-Za-z_]\w*)\s+WITH\s+OFFSET\s+AS\s+([A-Za-z_]\w*)/i.exec(after);
    if (o) return [`unnest(${rewriteFunctions(inner)}) WITH ORDINALITY AS ${o[1]}(${o[1]}, ${o[2]})`, o[0].length];
    const m = /^\s+AS\s+([A-Za-z_]\w*)\b(?!\s*\()/i.exec(after);
    return m ? [`unnest(${rewriteFunctions(inner)}) AS ${m[1]}(${m[1]})`, m[0].length] : undefined;
  });
  // An interval of a column's value: DuckDB wants it in parentheses.
  out = out.replace(/\bINTERVAL\s+([A-Za-z_]\w*)\s+(DAY|HOUR|MINUTE|SECOND)\b/gi, 'INTERVAL ($1) $2');
  // ARRAY_AGG(x [IGNORE NULLS] ORDER BY k DESC LIMIT 1)[OFFSET(0)]: the x of the greatest k.
  out = rewriteCalls(out, /ARRAY_AGG/, (_a, inner, after) => {
    // … ORDER BY k [DESC] LIMIT 1)[OFFSET(0)]: the x of the least (greatest) k; several keys compare as a row.
    const m = /^\s*([\s\S]+?)(\s+IGNORE NULLS)?\s+ORDER BY\s+([\s\S]+?)(\s+DESC)?\s+LIMIT 1\s*$/i.exec(inner);
    const off = /^\s*\[\s*(?:SAFE_)?OFFSET\s*\(\s*0\s*\)\s*\]/i.exec(after);
    if (!m || !off || /\b(ASC|DESC)\b/i.test(m[3]!)) return undefined;
    const x = rewriteFunctions(m[1]!);
    const keys = rewriteFunctions(m[3]!);
    const key = topLevel(keys, 0, (rest) => rest.startsWith(',')) >= 0 ? `row(${keys})` : keys;
    return [`${m[4] ? 'arg_max' : 'arg_min'}(${x}, ${key})${m[2] ? ` FILTER (WHERE ${x} IS NOT NULL)` : ''}`, off[0].length];
  });
  // a[OFFSET(i)], a[SAFE_OFFSET(i)]: 0-based; DuckDB's lists are 1-based (and NULL out of range, as SAFE_ is).
  out = rewriteCalls(out, /(?:SAFE_)?OFFSET/, (a, _inner, after) => (/^\s*\]/.test(after) ? [`(${a[0]}) + 1`, 0] : undefined));
  // FORMAT_TIMESTAMP(fmt, ts, 'UTC'): %E6S is seconds with microseconds (DuckDB %S.%f).
  out = rewriteCalls(out, /FORMAT_TIMESTAMP/, (a) => [`strftime(timezone(${a[2] ?? "'UTC'"}, ${a[1]}), ${(a[0] ?? '').replace(/%E6S/g, '%S.%f').replace(/%E3S/g, '%S.%g')})`, 0]);
  out = rewriteCalls(out, /FARM_FINGERPRINT/, (a) => [`CAST(hash(${a[0]}) >> 1 AS BIGINT)`, 0]);
  out = rewriteCalls(out, /GENERATE_ARRAY/, (a) => [`generate_series(${a[0]}, ${a[1]})`, 0]);
  out = rewriteCalls(out, /ARRAY_LENGTH/, (a) => [`len(${a[0]})`, 0]);
  out = rewriteCalls(out, /ARRAY_CONCAT/, (a) => [`list_concat(${a.join(', ')})`, 0]);
  out = rewriteCalls(out, /FORMAT/, (a) => [`printf(${a.join(', ')})`, 0]);
  // GoogleSQL's TIMESTAMP_DIFF counts whole units from the second to the first, as DuckDB's date_sub does (date_diff counts boundaries).
  out = rewriteCalls(out, /TIMESTAMP_DIFF/, (a) => [`date_sub('${(a[2] ?? '').toLowerCase()}', ${a[1]}, ${a[0]})`, 0]);
  // GoogleSQL's SAFE_DIVIDE: NULL where the divisor is 0 (DuckDB's `/` gives a DOUBLE, as GoogleSQL's does for INT64).
  out = rewriteCalls(out, /SAFE_DIVIDE/, (a) => [`(CASE WHEN (${a[1]}) = 0 THEN NULL ELSE (${a[0]}) / (${a[1]}) END)`, 0]);
  // TO_HEX(MD5(x)): DuckDB's md5 is the lower-case hex already.
  out = rewriteCalls(out, /TO_HEX/, (a) => (/^MD5\s*\(/i.test(a[0] ?? '') ? [a[0]!, 0] : undefined));
  // GoogleSQL's regular expressions replace every match, and extract the first group (NULL without a match).
  out = rewriteCalls(out, /REGEXP_REPLACE/, (a) => [`regexp_replace(${a[0]}, ${a[1]}, ${a[2]}, 'g')`, 0]);
  out = rewriteCalls(out, /REGEXP_CONTAINS/, (a) => [`regexp_matches(${a[0]}, ${a[1]})`, 0]);
  out = rewriteCalls(out, /REGEXP_EXTRACT/, (a) => [`CASE WHEN regexp_matches(${a[0]}, ${a[1]}) THEN regexp_extract(${a[0]}, ${a[1]}, ${/\((?!\?)/.test(a[1] ?? '') ? 1 : 0}) END`, 0]);
  // SAFE.JSON_VALUE(json, path): the scalar at path, NULL for text that is not JSON.
  out = rewriteCalls(out, /SAFE\.JSON_VALUE/, (a) => [`CASE WHEN json_valid(${a[0]}) THEN json_extract_string(${a[0]}, ${a[1]}) END`, 0]);
  return rawStrings(structSelects(out));
}

/** Top-level (depth 0, outside strings) positions in `sql` where `test` matches, from `from`. */
function topLevel(sql: string, from: number, test: (rest: string) => boolean): number {
  let depth = 0;
  for (let i = from; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'") {
      i++;
      while (i < sql.length && !(sql[i] === "'" && sql[i + 1] !== "'")) i += sql[i] === "'" ? 2 : 1;
    } else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && test(sql.slice(i))) return i;
  }
  return -1;
}

/** `SELECT AS STRUCT e1 AS a, e2 AS b FROM …`: one struct per row, as DuckDB's struct_pack(a := e1, b := e2). */
function structSelects(sql: string): string {
  for (let m = /SELECT\s+AS\s+STRUCT\s+/i.exec(sql); m; m = /SELECT\s+AS\s+STRUCT\s+/i.exec(sql)) {
    const start = m.index + m[0].length;
    const end = topLevel(sql, start, (rest) => /^\s+FROM\b/i.test(rest));
    if (end < 0) break;
    const items: string[] = [];
    for (let i = start; i <= end; ) {
      const comma = topLevel(sql.slice(0, end), i, (rest) => rest.startsWith(','));
      items.push(sql.slice(i, comma < 0 ? end : comma).trim());
      if (comma < 0) break;
      i = comma + 1;
    }
    const fields = items.map((item) => {
      const named = /^([\s\S]+?)\s+AS\s+([A-Za-z_]\w*)$/i.exec(item);
      return named ? `${named[2]} := ${named[1]}` : `${item.split('.').pop()} := ${item}`;
    });
    sql = `${sql.slice(0, m.index)}SELECT struct_pack(${fields.join(', ')})${sql.slice(end)}`;
  }
  return sql;
}

/** r'…' (a raw string: backslashes as written) is a plain DuckDB string, which never escapes. */
function rawStrings(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j;
    } else if ((c === 'r' || c === 'R') && sql[i + 1] === "'" && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) continue;
    else out += c;
  }
  return out;
}

export async function startFakeBigQuery(opts: FakeBigQueryOptions): Promise<FakeBigQuery> {
  const { db, conn } = await openDuckDB(':memory:');
  const work = await mkdtemp(path.join(os.tmpdir(), 'fake-bq-'));
  const calls: BqCall[] = [];
  const jobs = new Map<string, BqJob>();
  const results = new Map<string, { schema: { fields: BqField[] }; rows: unknown[][] }>();
  const tables = new Map<string, TableResource>();
  const datasets = new Map<string, Record<string, unknown>>();
  // One engine, one statement at a time, like a session.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = chain.then(f, f);
    chain = next.catch(() => undefined);
    return next;
  };

  const tableKey = (ds: string, t: string) => `${ds}.${t}`;

  async function createTable(ds: string, body: TableResource): Promise<TableResource> {
    if (!datasets.has(ds)) throw new BqError(404, 'notFound', `Not found: Dataset ${opts.project}:${ds}`);
    const id = body.tableReference?.tableId;
    if (!id || !/^[A-Za-z0-9_]{1,1024}$/.test(id)) throw new BqError(400, 'invalid', `Invalid table ID "${id}"`);
    if (tables.has(tableKey(ds, id))) throw new BqError(409, 'duplicate', `Already Exists: Table ${opts.project}:${ds}.${id}`);
    const fields = body.schema?.fields ?? [];
    if (!body.view) {
      if (!fields.length) throw new BqError(400, 'invalid', 'Schema has no fields');
      const byName = new Map(fields.map((f) => [f.name, f]));
      const tp = body.timePartitioning;
      if (tp) {
        if (!['DAY', 'HOUR', 'MONTH', 'YEAR'].includes(tp.type)) throw new BqError(400, 'invalid', `Invalid time partitioning type ${tp.type}`);
        const f = tp.field ? byName.get(tp.field) : undefined;
        if (tp.field && (!f || !['TIMESTAMP', 'DATE', 'DATETIME'].includes(f.type) || f.mode === 'REPEATED')) {
          throw new BqError(400, 'invalid', `The field specified for time partitioning can only be of type TIMESTAMP, DATE or DATETIME. The type found is: ${f?.type ?? 'none'}.`);
        }
      }
      for (const c of body.clustering?.fields ?? []) {
        const f = byName.get(c);
        if (!f || f.mode === 'REPEATED' || f.type === 'RECORD') throw new BqError(400, 'invalid', `Clustering field ${c} is not a top-level, non-repeated column`);
      }
      if ((body.clustering?.fields.length ?? 0) > 4) throw new BqError(400, 'invalid', 'Too many clustering fields: at most 4');
      await conn.run(`CREATE TABLE ${q(ds)}.${q(id)} (${fields.map((f) => `${q(f.name)} ${duckType(f)}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`).join(', ')})`);
    }
    const res: TableResource = { kind: 'bigquery#table', id: `${opts.project}:${ds}.${id}`, type: body.view ? 'VIEW' : 'TABLE', creationTime: String(Date.now()), ...body };
    tables.set(tableKey(ds, id), res);
    return res;
  }

  function newJob(body: BqJob, location: string | undefined): BqJob {
    const jobId = body.jobReference?.jobId ?? `job_${randomBytes(8).toString('hex')}`;
    return {
      kind: 'bigquery#job',
      id: `${opts.project}:${location ?? 'US'}.${jobId}`,
      jobReference: { projectId: opts.project, jobId, location: location ?? 'US' },
      configuration: body.configuration,
      statistics: { creationTime: String(Date.now()), startTime: String(Date.now()) },
      status: { state: 'RUNNING' },
    };
  }

  const finish = (job: BqJob, err?: BqError) => {
    job.statistics.endTime = String(Date.now());
    job.status = err ? { state: 'DONE', errorResult: { reason: err.reason, message: err.message }, errors: [{ reason: err.reason, message: err.message }] } : { state: 'DONE' };
  };

  async function runLoad(job: BqJob): Promise<void> {
    const load = job.configuration.load;
    const dest = load.destinationTable as { projectId: string; datasetId: string; tableId: string };
    if (load.sourceFormat !== 'PARQUET') throw new BqError(400, 'invalid', `the fake loads PARQUET only, got ${load.sourceFormat}`);
    const key = tableKey(dest.datasetId, dest.tableId);
    let table = tables.get(key);
    if (!table) {
      if (load.createDisposition === 'CREATE_NEVER') throw new BqError(404, 'notFound', `Not found: Table ${opts.project}:${key}`);
      table = await createTable(dest.datasetId, { tableReference: dest, schema: load.schema });
    }
    const files: string[] = [];
    let bytes = 0;
    for (const uri of load.sourceUris as string[]) {
      const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
      if (!m) throw new BqError(400, 'invalid', `Source URI must be a Google Cloud Storage location: ${uri}`);
      const data = await opts.readObject(m[1]!, m[2]!);
      if (!data) throw new BqError(404, 'notFound', `Not found: URI ${uri}`);
      const f = path.join(work, `${randomBytes(6).toString('hex')}.parquet`);
      await writeFile(f, data);
      files.push(f);
      bytes += data.length;
    }
    const fields = table.schema?.fields ?? [];
    // Without list inference BigQuery reads a Parquet LIST as a record of `list.element`, which no REPEATED column accepts.
    if (fields.some((f) => f.mode === 'REPEATED') && !load.parquetOptions?.enableListInference) {
      throw new BqError(400, 'invalid', 'Provided Schema does not match Table: a REPEATED field would be read as RECORD list.element; set parquetOptions.enableListInference');
    }
    const [row] = (await conn.runAndReadAll(`SELECT count(*) AS n FROM ${q(dest.datasetId)}.${q(dest.tableId)}`)).getRowObjectsJS() as { n: bigint }[];
    if (load.writeDisposition === 'WRITE_EMPTY' && row!.n > 0n) throw new BqError(409, 'duplicate', `Already Exists: Table ${key} is not empty`);
    if (load.writeDisposition === 'WRITE_TRUNCATE') await conn.run(`DELETE FROM ${q(dest.datasetId)}.${q(dest.tableId)}`);
    const cols = fields.map((f) => q(f.name)).join(', ');
    const r = await conn.run(`INSERT INTO ${q(dest.datasetId)}.${q(dest.tableId)} (${cols}) SELECT ${cols} FROM read_parquet(${sqlStringList(files)}, union_by_name = true)`);
    job.statistics.load = { inputFiles: String(files.length), inputFileBytes: String(bytes), outputRows: String(r.rowsChanged), outputBytes: String(bytes) };
  }

  async function runQuery(job: BqJob): Promise<void> {
    const cfg = job.configuration.query;
    if (cfg.useLegacySql !== false) throw new BqError(400, 'invalidQuery', 'the fake runs GoogleSQL only (useLegacySql: false)');
    const params = new Map<string, string>(((cfg.queryParameters ?? []) as QueryParam[]).map((p) => [p.name, paramLiteral(p)]));
    const sql = rewriteFunctions(rewrite(String(cfg.query), opts.project, params));
    const ds = cfg.defaultDataset?.datasetId as string | undefined;
    await conn.run(ds ? `SET search_path = ${lit(ds)}` : `SET search_path = 'main'`);
    const kind = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
    const stats: Record<string, unknown> = { statementType: kind === 'CREATE' ? 'CREATE_VIEW' : kind };
    if (kind === 'MERGE') {
      const target = /^\s*MERGE\s+(?:INTO\s+)?("(?:[^"]|"")+"(?:\."(?:[^"]|"")+")?|[A-Za-z_]\w*)/i.exec(sql)?.[1];
      const count = async () => Number(((await conn.runAndReadAll(`SELECT count(*) AS n FROM ${target}`)).getRowObjectsJS()[0] as { n: bigint }).n);
      const before = await count();
      const r = await conn.run(sql);
      const inserted = (await count()) - before;
      stats.dmlStats = { insertedRowCount: String(inserted), updatedRowCount: String(r.rowsChanged - inserted), deletedRowCount: '0' };
      stats.numDmlAffectedRows = String(r.rowsChanged);
      results.set(job.jobReference.jobId, { schema: { fields: [] }, rows: [] });
    } else if (kind === 'UPDATE' || kind === 'DELETE' || kind === 'INSERT') {
      const r = await conn.run(sql);
      stats.numDmlAffectedRows = String(r.rowsChanged);
      results.set(job.jobReference.jobId, { schema: { fields: [] }, rows: [] });
    } else if (kind === 'CREATE' || kind === 'DROP') {
      await conn.run(sql);
      const view = /VIEW\s+"([^"]+)"\."([^"]+)"/i.exec(sql);
      if (view && kind === 'CREATE') {
        const text = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+\S+\s+AS\s+([\s\S]*)$/i.exec(String(cfg.query))?.[1] ?? '';
        tables.set(tableKey(view[1]!, view[2]!), { tableReference: { projectId: opts.project, datasetId: view[1]!, tableId: view[2]! }, type: 'VIEW', view: { query: text, useLegacySql: false } });
      }
      results.set(job.jobReference.jobId, { schema: { fields: [] }, rows: [] });
    } else if (kind === 'SELECT' || kind === 'WITH') {
      const reader = await conn.runAndReadAll(sql);
      const fields = reader.columnNames().map((n, i) => bqField(n, reader.columnTypes()[i]!));
      results.set(job.jobReference.jobId, { schema: { fields }, rows: reader.getRowsJS() });
    } else {
      throw new BqError(400, 'invalidQuery', `the fake does not run ${kind} statements`);
    }
    // A stand-in for the bytes BigQuery would scan: the query text's tables are not measured.
    const processed = 1024 * (sql.length + 1);
    stats.totalBytesProcessed = String(processed);
    stats.totalBytesBilled = String(Math.max(10 * 1024 * 1024, processed));
    job.statistics.query = stats;
    job.statistics.totalBytesProcessed = String(processed);
  }

  async function insertJob(body: BqJob): Promise<BqJob> {
    const job = newJob(body, body.jobReference?.location);
    if (jobs.has(job.jobReference.jobId)) throw new BqError(409, 'duplicate', `Already Exists: Job ${job.id}`);
    jobs.set(job.jobReference.jobId, job);
    try {
      if (body.configuration?.load) await runLoad(job);
      else if (body.configuration?.query) await runQuery(job);
      else throw new BqError(400, 'invalid', 'the fake runs load and query jobs only');
      finish(job);
    } catch (e) {
      finish(job, e instanceof BqError ? e : new BqError(400, 'invalidQuery', (e as Error).message));
    }
    return job;
  }

  async function route(method: string, p: string, query: Record<string, string>, body: BqJob & TableResource): Promise<[number, unknown]> {
    const P = opts.project;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^/projects/${P}/datasets$`).exec(p)) && method === 'POST') {
      const id = body.datasetReference?.datasetId as string;
      if (datasets.has(id)) throw new BqError(409, 'duplicate', `Already Exists: Dataset ${P}:${id}`);
      await conn.run(`CREATE SCHEMA ${q(id)}`);
      const res = { kind: 'bigquery#dataset', id: `${P}:${id}`, datasetReference: { projectId: P, datasetId: id }, location: body.location ?? 'US' };
      datasets.set(id, res);
      return [200, res];
    }
    if ((m = new RegExp(`^/projects/${P}/datasets/([^/]+)$`).exec(p)) && method === 'GET') {
      const ds = datasets.get(decodeURIComponent(m[1]!));
      if (!ds) throw new BqError(404, 'notFound', `Not found: Dataset ${P}:${m[1]}`);
      return [200, ds];
    }
    if ((m = new RegExp(`^/projects/${P}/datasets/([^/]+)/tables$`).exec(p)) && method === 'POST') {
      return [200, await createTable(decodeURIComponent(m[1]!), body)];
    }
    if ((m = new RegExp(`^/projects/${P}/datasets/([^/]+)/tables$`).exec(p)) && method === 'GET') {
      const ds = decodeURIComponent(m[1]!);
      if (!datasets.has(ds)) throw new BqError(404, 'notFound', `Not found: Dataset ${P}:${ds}`);
      const list = [...tables.values()].filter((t) => t.tableReference?.datasetId === ds);
      return [200, { kind: 'bigquery#tableList', totalItems: list.length, tables: list.map((t) => ({ kind: 'bigquery#table', id: `${P}:${ds}.${t.tableReference.tableId}`, tableReference: t.tableReference, type: t.view ? 'VIEW' : 'TABLE' })) }];
    }
    if ((m = new RegExp(`^/projects/${P}/datasets/([^/]+)/tables/([^/]+)$`).exec(p))) {
      const [ds, id] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      const t = tables.get(tableKey(ds, id));
      if (!t) throw new BqError(404, 'notFound', `Not found: Table ${P}:${ds}.${id}`);
      if (method === 'GET') return [200, t];
      if (method === 'DELETE') {
        await conn.run(t.view ? `DROP VIEW ${q(ds)}.${q(id)}` : `DROP TABLE ${q(ds)}.${q(id)}`);
        tables.delete(tableKey(ds, id));
        return [204, undefined];
      }
      if (method === 'PATCH' || method === 'PUT') {
        const have = new Set((t.schema?.fields ?? []).map((f) => f.name));
        for (const f of body.schema?.fields ?? []) {
          if (have.has(f.name)) continue;
          if (f.mode === 'REQUIRED') throw new BqError(400, 'invalid', `Provided Schema does not match Table ${P}:${ds}.${id}. Cannot add required fields to an existing schema. (field: ${f.name})`);
          // As in BigQuery, a REPEATED column added to a table reads as empty in the rows it had.
          await conn.run(`ALTER TABLE ${q(ds)}.${q(id)} ADD COLUMN ${q(f.name)} ${duckType(f)}${f.mode === 'REPEATED' ? ' DEFAULT []' : ''}`);
        }
        Object.assign(t, body);
        return [200, t];
      }
    }
    if (new RegExp(`^/projects/${P}/jobs$`).test(p) && method === 'POST') return [200, await insertJob(body)];
    if ((m = new RegExp(`^/projects/${P}/jobs/([^/]+)$`).exec(p)) && method === 'GET') {
      const job = jobs.get(decodeURIComponent(m[1]!));
      if (!job) throw new BqError(404, 'notFound', `Not found: Job ${P}:${m[1]}`);
      return [200, job];
    }
    if ((m = new RegExp(`^/projects/${P}/queries/([^/]+)$`).exec(p)) && method === 'GET') {
      const job = jobs.get(decodeURIComponent(m[1]!));
      if (!job) throw new BqError(404, 'notFound', `Not found: Job ${P}:${m[1]}`);
      if (job.status.errorResult) throw new BqError(400, job.status.errorResult.reason, job.status.errorResult.message);
      const r = results.get(job.jobReference.jobId) ?? { schema: { fields: [] }, rows: [] };
      const int64 = query['formatOptions.useInt64Timestamp'] === 'true';
      const start = Number(query.pageToken ?? query.startIndex ?? 0);
      const max = Number(query.maxResults ?? 10_000);
      const page = r.rows.slice(start, start + max);
      return [200, {
        kind: 'bigquery#getQueryResultsResponse',
        jobReference: job.jobReference,
        jobComplete: true,
        schema: r.schema,
        totalRows: String(r.rows.length),
        ...(r.schema.fields.length ? { rows: page.map((row) => ({ f: r.schema.fields.map((f, i) => ({ v: cell(f, row[i], int64) })) })) } : {}),
        ...(start + max < r.rows.length ? { pageToken: String(start + max) } : {}),
        totalBytesProcessed: job.statistics.totalBytesProcessed,
        ...(job.statistics.query?.numDmlAffectedRows ? { numDmlAffectedRows: job.statistics.query.numDmlAffectedRows } : {}),
      }];
    }
    throw new BqError(400, 'invalid', `the fake does not implement ${method} ${p}`);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = url.pathname.replace(/^\/bigquery\/v2/, '');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : {};
      const query = Object.fromEntries(url.searchParams);
      calls.push({ method: req.method ?? 'GET', path: p, query, body });
      serial(() => route(req.method ?? 'GET', p, query, body)).then(
        ([status, out]) => {
          res.writeHead(status, out === undefined ? {} : { 'content-type': 'application/json; charset=UTF-8' });
          res.end(out === undefined ? '' : JSON.stringify(out));
        },
        (e: unknown) => {
          const err = e instanceof BqError ? e : new BqError(500, 'internalError', (e as Error).message);
          res.writeHead(err.status, { 'content-type': 'application/json; charset=UTF-8' });
          res.end(JSON.stringify({ error: { code: err.status, message: err.message, errors: [{ message: err.message, domain: 'global', reason: err.reason }], status: err.reason } }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    jobs,
    tables,
    sql: <T>(text: string) => serial(async () => (await conn.runAndReadAll(text)).getRowObjectsJS() as T[]),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      conn.closeSync();
      db.closeSync();
      await rm(work, { recursive: true, force: true });
    },
  };
}
