import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { TABLES, bigQuerySchema } from '@social-pulse/schema';
import { placed, pulseComponent } from './component.ts';
import type { Located } from './component.ts';

export interface WarehouseArgs extends Located {
  /** The dataset id (letters, digits, underscores). */
  datasetId: pulumi.Input<string>;
  /** Refuse to delete the tables (and so the data) on `pulumi destroy` or a replacement. */
  deletionProtection: pulumi.Input<boolean>;
}

/** The BigQuery dataset and its tables, each declared from the one schema in libs/schema. */
export const Warehouse = pulseComponent('Warehouse', (args: WarehouseArgs, child) => {
  const dataset = child(gcp.bigquery.Dataset, 'dataset', {
    ...placed(args),
    datasetId: args.datasetId,
    description: 'social-pulse: posts, their NLP labels and pipeline runs',
    // The loader adds views (posts_enriched) that Pulumi does not know; when the data is
    // not protected, destroying the dataset takes them along instead of failing.
    deleteContentsOnDestroy: pulumi.output(args.deletionProtection).apply((protect) => !protect),
  });
  const tables = TABLES.map((table) =>
    child(gcp.bigquery.Table, table.name.replaceAll('_', '-'), {
      project: args.project,
      datasetId: dataset.datasetId,
      tableId: table.name,
      description: table.description,
      schema: JSON.stringify(bigQuerySchema(table)),
      timePartitioning: table.partitionBy === undefined ? undefined : { type: 'DAY', field: table.partitionBy },
      clusterings: table.clusterBy === undefined ? undefined : [...table.clusterBy],
      deletionProtection: args.deletionProtection,
      labels: args.labels,
    }),
  );
  return { datasetId: dataset.datasetId, tableIds: pulumi.all(tables.map((t) => t.tableId)) };
});
