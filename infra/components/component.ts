import * as pulumi from '@pulumi/pulumi';

/** What every component is given: the GCP project that owns its resources. */
export interface InProject {
  /** The GCP project of the component's resources. */
  project: pulumi.Input<string>;
}

/** Labels for a component's resources (billing and ownership). */
export type Labels = pulumi.Input<Record<string, pulumi.Input<string>>>;

/** A resource class of @pulumi/gcp: `new Resource(name, args, opts)`. */
type ResourceClass<A, R> = new (name: string, args: A, opts?: pulumi.CustomResourceOptions) => R;

/**
 * A component of the stack: its type is `social-pulse:infra:KIND`, and each of its resources is
 * named `NAME-SUFFIX` (so two components of one kind do not clash) and parented to it (so
 * `pulumi preview` shows the tree and options such as `dependsOn` of the component reach them).
 */
export abstract class PulseComponent extends pulumi.ComponentResource {
  readonly #prefix: string;

  protected constructor(kind: string, name: string, opts: pulumi.ComponentResourceOptions | undefined) {
    super(`social-pulse:infra:${kind}`, name, {}, opts);
    this.#prefix = name;
  }

  /** Declares the child resource `NAME-SUFFIX`; `opts` are added to `{ parent: this }`. */
  protected child<A, R>(Resource: ResourceClass<A, R>, suffix: string, args: A, opts?: pulumi.CustomResourceOptions): R {
    return new Resource(`${this.#prefix}-${suffix}`, args, { ...opts, parent: this });
  }
}
