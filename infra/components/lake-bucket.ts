import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { LAKE } from '@social-pulse/schema';
import { LAKE_PREFIX, lakeUri } from '../names.ts';
import { placed, pulseComponent } from './component.ts';
import type { Located } from './component.ts';

export interface LakeBucketArgs extends Located {
  /** Days after which raw pages move to the colder storage class. */
  rawColdAfterDays: pulumi.Input<number>;
  /** The colder storage class for raw pages: NEARLINE or COLDLINE. */
  rawColdStorageClass: pulumi.Input<string>;
  /** Let `pulumi destroy` delete the bucket with the lake in it. */
  forceDestroy: pulumi.Input<boolean>;
  /** Days deleted objects stay recoverable (soft delete); 0 turns it off. */
  softDeleteDays: pulumi.Input<number>;
}

/** The Cloud Storage bucket of the Parquet lake: private, uniform access, raw pages aging to a colder class. */
export const LakeBucket = pulseComponent('LakeBucket', (args: LakeBucketArgs, child) => {
  const bucket = child(gcp.storage.Bucket, 'bucket', {
    ...placed(args),
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
  });
  return {
    bucketName: bucket.name,
    /** The lake URI that `pulse` is configured with. */
    lakeUri: bucket.name.apply(lakeUri),
  };
});
