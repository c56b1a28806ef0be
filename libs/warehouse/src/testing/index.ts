export { startFakeBigQuery, type BqCall, type FakeBigQuery, type FakeBigQueryOptions } from './fake-bigquery.ts';
export { emulatorClientOptions } from '../bigquery/client.ts';
export { samplePost, sampleNlp, parquetOf } from './rows.ts';
export { startZetaSql, bigQueryParamTypes, type ZetaSql, type BqParamType, type AnalyzeProblem } from './zetasql.ts';
