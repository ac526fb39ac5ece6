import * as pulumi from '@pulumi/pulumi';

/** One resource registration seen by the mock monitor, in registration order. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly provider?: string;
}

/** Live `status` the mock provider reports for an object (keyed by `<kind>:<namespace>/<name>`). */
export type StatusFor = (inputs: Record<string, unknown>) => Record<string, unknown> | undefined;

/**
 * Installs Pulumi mocks that record every resource registration (the mocks are process-global: each jest test file
 * runs in its own worker). Returns the live list of registrations; `reset()` empties it between tests.
 */
export async function recordRegistrations(
  statusFor: StatusFor = () => undefined,
  project = 'sovereign-ai-test',
  stack = 'test',
): Promise<Registration[] & { reset(): void }> {
  const registrations: Registration[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        const status = args.type.startsWith('kubernetes:') && !args.type.startsWith('pulumi:') ? statusFor(args.inputs) : undefined;
        return { id: `${args.name}_id`, state: status ? { ...args.inputs, status } : args.inputs };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    project,
    stack,
    false,
  );
  return Object.assign(registrations, { reset: () => void registrations.splice(0, registrations.length) });
}

/** Resolves with the value of a Pulumi output (under mocks every value is known). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

/** Waits until every resource in `resources` is registered. */
export async function registered(resources: Iterable<pulumi.Resource>): Promise<void> {
  await Promise.all([...resources].map((r) => valueOf(r.urn)));
}
