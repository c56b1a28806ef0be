import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import type { LanguageOptions, ZetaSQLClient } from '@fivetrandevelopers/zetasql';
import { BigQuery } from '@google-cloud/bigquery';
import { postNlp, posts, TABLES, WAREHOUSE_TABLES, type FieldType, type TableSchema } from '@social-pulse/schema';

import type { Params } from '../types.ts';
import type { BqCall } from './fake-bigquery.ts';

/**
 * GoogleSQL's reference analyzer (ZetaSQL), for tests: it resolves names, types and
 * functions as BigQuery's front end does, against a catalog built from libs/schema, without
 * BigQuery. It runs as the Linux binary of `@fivetrandevelopers/zetasql`, a gRPC server on a
 * loopback port, started here and killed by `close()`.
 */

const require = createRequire(import.meta.url);

/** A query parameter's type as BigQuery's REST API writes it (`queryParameters[].parameterType`). */
export interface BqParamType {
  type: string;
  arrayType?: BqParamType;
  structTypes?: { name?: string; type: BqParamType }[];
}

interface TypeProto {
  typeKind: string;
  arrayType?: { elementType: TypeProto };
  structType?: { field: { fieldName: string; fieldType: TypeProto }[] };
}

const SCALAR: Record<string, string> = {
  string: 'TYPE_STRING',
  int64: 'TYPE_INT64',
  float64: 'TYPE_DOUBLE',
  bool: 'TYPE_BOOL',
  timestamp: 'TYPE_TIMESTAMP',
  STRING: 'TYPE_STRING',
  INT64: 'TYPE_INT64',
  INTEGER: 'TYPE_INT64',
  FLOAT64: 'TYPE_DOUBLE',
  FLOAT: 'TYPE_DOUBLE',
  NUMERIC: 'TYPE_NUMERIC',
  BIGNUMERIC: 'TYPE_BIGNUMERIC',
  BOOL: 'TYPE_BOOL',
  BOOLEAN: 'TYPE_BOOL',
  TIMESTAMP: 'TYPE_TIMESTAMP',
  DATE: 'TYPE_DATE',
  DATETIME: 'TYPE_DATETIME',
  TIME: 'TYPE_TIME',
  BYTES: 'TYPE_BYTES',
  JSON: 'TYPE_JSON',
  GEOGRAPHY: 'TYPE_GEOGRAPHY',
};

function scalar(name: string): TypeProto {
  const kind = SCALAR[name];
  if (!kind) throw new Error(`no ZetaSQL type for ${name}`);
  return { typeKind: kind };
}

function fieldType(t: FieldType): TypeProto {
  if (typeof t === 'string') return scalar(t);
  const el = t.list;
  const element: TypeProto =
    typeof el === 'string' ? scalar(el) : { typeKind: 'TYPE_STRUCT', structType: { field: el.struct.map((f) => ({ fieldName: f.name, fieldType: fieldType(f.type) })) } };
  return { typeKind: 'TYPE_ARRAY', arrayType: { elementType: element } };
}

function paramType(t: BqParamType): TypeProto {
  if (t.type === 'ARRAY') return { typeKind: 'TYPE_ARRAY', arrayType: { elementType: paramType(t.arrayType!) } };
  if (t.type === 'STRUCT') return { typeKind: 'TYPE_STRUCT', structType: { field: (t.structTypes ?? []).map((f) => ({ fieldName: f.name ?? '', fieldType: paramType(f.type) })) } };
  return scalar(t.type);
}

/**
 * The types BigQuery gives the parameters of `BigQueryWarehouse.query`: the client's own
 * inference from each value, and STRING for a null (as the warehouse declares it).
 */
export function bigQueryParamTypes(params: Params = {}): Record<string, BqParamType> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === null ? { type: 'STRING' } : (BigQuery.getTypeDescriptorFromValue_(v) as BqParamType)]));
}

interface Column {
  name: string;
  type: TypeProto;
}
const columnsOf = (t: TableSchema): Column[] => t.fields.map((f) => ({ name: f.name, type: fieldType(f.type) }));

/** The warehouse's tables and views, as BigQuery would list their columns. */
function warehouseTables(): Map<string, Column[]> {
  const tables = new Map<string, Column[]>(WAREHOUSE_TABLES.map((t) => [t.name, columnsOf(t)]));
  // The posts_enriched view (views.ts): every column of posts, then the labels.
  const nlp = columnsOf(postNlp).filter((c) => c.name !== 'post_id' && c.name !== 'created_at');
  tables.set('posts_enriched', [...columnsOf(posts), ...nlp]);
  return tables;
}

const INFORMATION_SCHEMA_TABLES: Column[] = ['table_catalog', 'table_schema', 'table_name', 'table_type', 'is_insertable_into', 'is_typed', 'ddl'].map((name) => ({
  name,
  type: { typeKind: 'TYPE_STRING' },
}));

/** Staging tables of a load (`_pulse_stage_<table>_<ms>_<hex>`) have their table's columns. */
const STAGE = /_pulse_stage_(\w+?)_\d+_[0-9a-f]{8}/g;

export interface AnalyzeProblem {
  sql: string;
  error: string;
}

export interface ZetaSql {
  /** Analyses one statement against the catalog; rejects with ZetaSQL's message (and the statement) when it does not resolve. */
  analyze(sql: string, params?: Record<string, BqParamType>): Promise<void>;
  /** Analyses every query job a fake BigQuery received, with the parameter types the client sent; returns the problems. */
  analyzeJobs(calls: readonly BqCall[]): Promise<{ analysed: number; problems: AnalyzeProblem[] }>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Starts the analyzer. `project` and `dataset` are those the statements name: tables resolve
 * as `posts`, `` `project.dataset`.posts `` and `` `project.dataset.posts` ``.
 */
export async function startZetaSql(opts: { project: string; dataset: string }): Promise<ZetaSql> {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the ZetaSQL server of @fivetrandevelopers/zetasql runs here on linux x64 only, not ${process.platform} ${process.arch}`);
  // Loaded here, not at import: the fake BigQuery's users need none of gRPC.
  const pkg = require('@fivetrandevelopers/zetasql') as { ZetaSQLClient: typeof ZetaSQLClient; LanguageOptions: typeof LanguageOptions };
  const binary = path.join(path.dirname(require.resolve('@fivetrandevelopers/zetasql')), 'zetasql', 'remote_server.so');
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['127.0.0.1', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  const exited = once(child, 'exit');
  const close = async () => {
    (pkg.ZetaSQLClient as unknown as { API?: { close?: () => void } }).API?.close?.();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    // Listening once it says so; the client then connects to that port on loopback.
    await new Promise<void>((resolve, reject) => {
      const check = () => (/Server listening on/.test(output) ? resolve() : undefined);
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', (code, signal) => reject(new Error(`ZetaSQL server exited (${code ?? signal}) before listening: ${output.trim()}`)));
      child.once('error', reject);
      check();
    });
    // The client's default host is `localhost`, which may resolve to ::1 where the server is not.
    (pkg.ZetaSQLClient as unknown as { HOST: string }).HOST = '127.0.0.1';
    pkg.ZetaSQLClient.init(port);
    const client = pkg.ZetaSQLClient.getInstance();
    const language = { ...(await new pkg.LanguageOptions().enableMaximumLanguageFeatures()).serialize(), productMode: 'PRODUCT_EXTERNAL' };

    const tables = warehouseTables();
    const simpleTable = (name: string, columns: Column[]) => ({ name, column: columns });
    const catalogFor = (sql: string) => {
      const all = new Map(tables);
      for (const m of sql.matchAll(STAGE)) {
        const base = [...TABLES].find((t) => m[0].startsWith(`_pulse_stage_${t.name}_`) && /^_\d+_[0-9a-f]{8}$/.test(m[0].slice(`_pulse_stage_${t.name}`.length)));
        if (base) all.set(m[0], columnsOf(base));
      }
      const list = [...all];
      const qualified = `${opts.project}.${opts.dataset}`;
      return {
        name: 'bigquery',
        table: [...list.map(([n, c]) => simpleTable(n, c)), ...list.map(([n, c]) => simpleTable(`${qualified}.${n}`, c))],
        catalog: [
          { name: qualified, table: list.map(([n, c]) => simpleTable(n, c)) },
          { name: opts.dataset, table: list.map(([n, c]) => simpleTable(n, c)) },
          { name: 'INFORMATION_SCHEMA', table: [simpleTable('TABLES', INFORMATION_SCHEMA_TABLES)] },
        ],
        builtinFunctionOptions: { languageOptions: language },
      };
    };

    const analyze = async (sql: string, params: Record<string, BqParamType> = {}) => {
      try {
        await client.analyze({
          simpleCatalog: catalogFor(sql),
          sqlStatement: sql,
          options: {
            languageOptions: language,
            queryParameters: Object.entries(params).map(([name, t]) => ({ name, type: paramType(t) })),
            errorMessageMode: 'ERROR_MESSAGE_ONE_LINE',
          },
        } as never);
      } catch (e) {
        const err = e as { details?: string; message: string };
        throw new Error(`ZetaSQL: ${err.details ?? err.message}\n${sql}`);
      }
    };

    return {
      analyze,
      async analyzeJobs(calls) {
        const problems: AnalyzeProblem[] = [];
        let analysed = 0;
        for (const c of calls) {
          const q = c.method === 'POST' && /\/jobs$/.test(c.path) ? c.body?.configuration?.query : undefined;
          if (!q) continue;
          const params = Object.fromEntries(((q.queryParameters ?? []) as { name: string; parameterType: BqParamType }[]).map((p) => [p.name, p.parameterType]));
          analysed++;
          await analyze(String(q.query), params).catch((e: Error) => problems.push({ sql: String(q.query), error: e.message.split('\n')[0]! }));
        }
        return { analysed, problems };
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
