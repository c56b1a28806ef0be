import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { TABLES, bigQuerySchema } from '@social-pulse/schema';

export interface WarehouseArgs {
  /** The GCP project that owns the dataset. */
  project: pulumi.Input<string>;
  /** The dataset id (letters, digits, underscores). */
  datasetId: pulumi.Input<string>;
  /** Dataset location: US, EU or a region; keep it with the bucket. */
  location: pulumi.Input<string>;
  /** Refuse to delete the tables (and so the data) on `pulumi destroy` or a replacement. */
  deletionProtection: pulumi.Input<boolean>;
  /** Labels for the dataset and the tables. */
  labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The BigQuery dataset and its tables, each declared from the one schema in libs/schema. */
export class Warehouse extends pulumi.ComponentResource {
  public readonly datasetId: pulumi.Output<string>;
  public readonly tableIds: pulumi.Output<string[]>;

  constructor(name: string, args: WarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('social-pulse:infra:Warehouse', name, {}, opts);
    const dataset = new gcp.bigquery.Dataset(
      `${name}-dataset`,
      {
        project: args.project,
        datasetId: args.datasetId,
        location: args.location,
        description: 'social-pulse: posts, their NLP labels and pipeline runs',
        // The loader adds views (posts_enriched) that Pulumi does not know; when the data is
        // not protected, destroying the dataset takes them along instead of failing.
        deleteContentsOnDestroy: pulumi.output(args.deletionProtection).apply((protect) => !protect),
        labels: args.labels,
      },
      { parent: this },
    );
    const tables = TABLES.map(
      (table) =>
        new gcp.bigquery.Table(
          `${name}-${table.name.replaceAll('_', '-')}`,
          {
            project: args.project,
            datasetId: dataset.datasetId,
            tableId: table.name,
            description: table.description,
            schema: JSON.stringify(bigQuerySchema(table)),
            timePartitioning: table.partitionBy === undefined ? undefined : { type: 'DAY', field: table.partitionBy },
            clusterings: table.clusterBy === undefined ? undefined : [...table.clusterBy],
            deletionProtection: args.deletionProtection,
            labels: args.labels,
          },
          { parent: this },
        ),
    );
    this.datasetId = dataset.datasetId;
    this.tableIds = pulumi.all(tables.map((t) => t.tableId));
    this.registerOutputs({ datasetId: this.datasetId, tableIds: this.tableIds });
  }
}
