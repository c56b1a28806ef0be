import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { LAKE } from '@social-pulse/schema';
import { LAKE_PREFIX, lakeUri } from '../names.ts';

export interface LakeBucketArgs {
  /** The GCP project that owns the bucket. */
  project: pulumi.Input<string>;
  /** Bucket location: a region such as us-central1, or US / EU. */
  location: pulumi.Input<string>;
  /** Days after which raw pages move to the colder storage class. */
  rawColdAfterDays: pulumi.Input<number>;
  /** The colder storage class for raw pages: NEARLINE or COLDLINE. */
  rawColdStorageClass: pulumi.Input<string>;
  /** Let `pulumi destroy` delete the bucket with the lake in it. */
  forceDestroy: pulumi.Input<boolean>;
  /** Days deleted objects stay recoverable (soft delete); 0 turns it off. */
  softDeleteDays: pulumi.Input<number>;
  /** Labels for the bucket. */
  labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The Cloud Storage bucket of the Parquet lake: private, uniform access, raw pages aging to a colder class. */
export class LakeBucket extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  /** The lake URI that `pulse` is configured with. */
  public readonly lakeUri: pulumi.Output<string>;

  constructor(name: string, args: LakeBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('social-pulse:infra:LakeBucket', name, {}, opts);
    const bucket = new gcp.storage.Bucket(
      `${name}-bucket`,
      {
        project: args.project,
        location: args.location,
        storageClass: 'STANDARD',
        uniformBucketLevelAccess: true,
        publicAccessPrevention: 'enforced',
        // Lake files are immutable: each is written once under a new name (a compaction writes
        // new files and deletes the old ones) and never overwritten, so object versions would
        // only keep deleted files around and bill for them.
        versioning: { enabled: false },
        // Soft delete is the one undo for a mistaken delete (`gcloud storage rm -r`, a bad
        // prefix): raw pages cannot be scraped again once the networks stop serving them. Its
        // cost is small here: what the pipeline deletes is a compaction's replaced files and
        // the staging of loads, billed for the retention on top. 7 days, the shortest nonzero
        // retention, is the default; 0 turns it off for a lake that can be rebuilt.
        softDeletePolicy: { retentionDurationSeconds: pulumi.output(args.softDeleteDays).apply((days) => days * 24 * 60 * 60) },
        forceDestroy: args.forceDestroy,
        lifecycleRules: [
          {
            // Raw pages are read again only to rebuild posts/, so they can live in a colder class.
            action: { type: 'SetStorageClass', storageClass: args.rawColdStorageClass },
            condition: { age: args.rawColdAfterDays, matchesPrefixes: [`${LAKE_PREFIX}/${LAKE.raw}/`], matchesStorageClasses: ['STANDARD'] },
          },
        ],
        labels: args.labels,
      },
      { parent: this },
    );
    this.bucketName = bucket.name;
    this.lakeUri = bucket.name.apply(lakeUri);
    this.registerOutputs({ bucketName: this.bucketName, lakeUri: this.lakeUri });
  }
}
