import * as pulumi from '@pulumi/pulumi';

/** What every component is given: the GCP project that owns its resources. */
export interface InProject {
  /** The GCP project of the component's resources. */
  project: pulumi.Input<string>;
}

/** Labels for a component's resources (billing and ownership). */
export type Labels = pulumi.Input<Record<string, pulumi.Input<string>>>;

/** A component that keeps data in one location: the lake bucket, the dataset. */
export interface Located extends InProject {
  /** Where the data lives: a region such as us-central1, or US / EU; keep the bucket and the dataset together. */
  location: pulumi.Input<string>;
  /** Labels for the component's resources. */
  labels: Labels;
}

/** Where a located component's data resource (the bucket, the dataset) lives, and its labels. */
export function placed({ project, location, labels }: Located): Located {
  return { project, location, labels };
}

/** A resource class of @pulumi/gcp: `new Resource(name, args, opts)`. */
type ResourceClass<A, R> = new (name: string, args: A, opts?: pulumi.CustomResourceOptions) => R;

/** Declares a resource of the component: named `NAME-SUFFIX`, parented to it; `opts` are added to `{ parent }`. */
export type Child = <A, R>(Resource: ResourceClass<A, R>, suffix: string, args: A, opts?: pulumi.CustomResourceOptions) => R;

/** A component class: `new Component(name, args, opts)` has the outputs `build` returned as properties. */
export type ComponentClass<Args, O extends object> = new (name: string, args: Args, opts?: pulumi.ComponentResourceOptions) => pulumi.ComponentResource & Readonly<O>;

/**
 * A component of the stack, of type `social-pulse:infra:KIND`. `build` declares its resources
 * through `child`, which names each `NAME-SUFFIX` (two components of one kind do not clash) and
 * parents it to the component (`pulumi preview` shows the tree, and the component's options
 * such as `dependsOn` reach them); the outputs it returns become the component's properties
 * and its registered outputs.
 */
export function pulseComponent<Args, O extends object>(kind: string, build: (args: Args, child: Child) => O): ComponentClass<Args, O> {
  class Component extends pulumi.ComponentResource {
    constructor(name: string, args: Args, opts?: pulumi.ComponentResourceOptions) {
      super(`social-pulse:infra:${kind}`, name, {}, opts);
      const child: Child = (Resource, suffix, childArgs, childOpts) => new Resource(`${name}-${suffix}`, childArgs, { ...childOpts, parent: this });
      const outputs = build(args, child);
      Object.assign(this, outputs);
      this.registerOutputs(outputs);
    }
  }
  return Component as unknown as ComponentClass<Args, O>;
}
