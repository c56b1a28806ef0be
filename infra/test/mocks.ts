import * as pulumi from '@pulumi/pulumi';

/** A resource the program declared, with the inputs it gave it. */
export interface Declared {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Config for a test stack: the required keys, plus what the test adds. */
export const BASE_CONFIG: Record<string, string> = {
  'gcp:project': 'test-project',
  'social-pulse:repoUrl': 'https://github.com/example/social-pulse.git',
  // A fixed pin: the tests do not depend on the state of the checkout they run in.
  'social-pulse:commit': '0123456789abcdef0123456789abcdef01234567',
};

// The id the provider would give: the resource path for those the program refers to by id.
function idOf(args: pulumi.runtime.MockResourceArgs): string {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.type) {
    case 'gcp:compute/network:Network':
    case 'gcp:compute/subnetwork:Subnetwork':
      return `projects/test-project/${args.name}`;
    case 'gcp:secretmanager/secret:Secret':
      return `projects/test-project/secrets/${String(inputs['secretId'])}`;
    default:
      return `${args.name}-id`;
  }
}

// Outputs the provider would compute: the name Pulumi would generate, the account's e-mail.
function computed(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  const name = inputs['name'] ?? args.name;
  return args.type === 'gcp:serviceaccount/account:Account'
    ? { name, email: `${String(inputs['accountId'])}@test-project.iam.gserviceaccount.com` }
    : { name };
}

/**
 * Puts Pulumi in unit-test mode for the `social-pulse` project, stack `test`, with `config`
 * (keys as `namespace:key`; `secretKeys` among them are secrets). Returns the list that every
 * declared resource is appended to.
 */
export async function useMocks(config: Record<string, string>, secretKeys: string[] = []): Promise<Declared[]> {
  const declared: Declared[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.custom !== false) declared.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return { id: idOf(args), state: { ...(args.inputs as object), ...computed(args) } };
      },
      call(args) {
        return args.inputs as Record<string, unknown>;
      },
    },
    'social-pulse',
    'test',
    false,
  );
  pulumi.runtime.setAllConfig({ ...BASE_CONFIG, ...config }, secretKeys);
  return declared;
}

/** The value of an output, once the mocks have resolved it. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Waits until every resource registration the program started has reached the mocks. */
export async function settled(): Promise<void> {
  await pulumi.runtime.disconnect();
}

/** The resources of one type, e.g. `gcp:compute/firewall:Firewall`. */
export function ofType(declared: Declared[], type: string): Declared[] {
  return declared.filter((d) => d.type === type);
}

/** The one resource of a type; fails when there is not exactly one. */
export function single(declared: Declared[], type: string): Declared {
  const found = ofType(declared, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as Declared;
}
