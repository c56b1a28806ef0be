import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { TABLES, bigQuerySchema } from '@social-pulse/schema';
import { PulseComponent } from './component.ts';
import type { InProject, Labels } from './component.ts';

export interface WarehouseArgs extends InProject {
  /** The dataset id (letters, digits, underscores). */
  datasetId: pulumi.Input<string>;
  /** Dataset location: US, EU or a region; keep it with the bucket. */
  location: pulumi.Input<string>;
  /** Refuse to delete the tables (and so the data) on `pulumi destroy` or a replacement. */
  deletionProtection: pulumi.Input<boolean>;
  /** Labels for the dataset and the tables. */
  labels: Labels;
}

/** The BigQuery dataset and its tables, each declared from the one schema in libs/schema. */
export class Warehouse extends PulseComponent {
  public readonly datasetId: pulumi.Output<string>;
  public readonly tableIds: pulumi.Output<string[]>;

  constructor(name: string, args: WarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('Warehouse', name, opts);
    const dataset = this.child(gcp.bigquery.Dataset, 'dataset', {
      project: args.project,
      datasetId: args.datasetId,
      location: args.location,
      description: 'social-pulse: posts, their NLP labels and pipeline runs',
      // The loader adds views (posts_enriched) that Pulumi does not know; when the data is
      // not protected, destroying the dataset takes them along instead of failing.
      deleteContentsOnDestroy: pulumi.output(args.deletionProtection).apply((protect) => !protect),
      labels: args.labels,
    });
    const tables = TABLES.map((table) =>
      this.child(gcp.bigquery.Table, table.name.replaceAll('_', '-'), {
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
    this.datasetId = dataset.datasetId;
    this.tableIds = pulumi.all(tables.map((t) => t.tableId));
    this.registerOutputs({ datasetId: this.datasetId, tableIds: this.tableIds });
  }
}
