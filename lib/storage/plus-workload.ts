import * as kplus from 'cdk8s-plus-29';
import { Construct, IConstruct } from 'constructs';
import { EnvSource, IWorkload, NetworkEndpoint, ValidationError, isDns1123Label, markWorkload, renderValue } from '../core';

/** The workload kinds `PlusWorkload.of` accepts, for error messages. */
const ACCEPTED = 'a cdk8s-plus-29 workload: Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod';

/**
 * Adapts a cdk8s-plus-29 workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) to {@link IWorkload},
 * so that grants such as `bucket.grantRead(PlusWorkload.of(deployment))` or `vectorStore.grantRead(...)` work on
 * applications written with cdk8s-plus.
 *
 * - `endpoint.namespace` is the workload's `metadata.namespace` (set directly or through the chart's namespace);
 *   it is required, because the NetworkPolicies of a grant are namespaced.
 * - `endpoint.podSelector` is the `cdk8s.io/metadata.addr` label that cdk8s-plus puts on every pod of the workload
 *   (the workload's `spec.selector.matchLabels` unless it was created with `select: false`). It selects exactly the
 *   pods of this workload and nothing broader.
 * - `addEnv` adds the variable to every (non-init) container through `container.env.addVariable`, as a literal or
 *   a `secretKeyRef`/`configMapKeyRef`; a Secret value is never written. Containers added after a grant get the
 *   variables too: they are applied again when the app is validated, just before synthesis.
 *
 * The adapter is a child of the workload whose id is the workload's own id (so names derived from the grantee,
 * such as NetworkPolicy names, read like the workload). Create it with {@link PlusWorkload.of}; one adapter exists
 * per workload.
 *
 * @see https://cdk8s.io/docs/latest/plus/cdk8s-plus-29/workloads/
 */
export class PlusWorkload extends Construct implements IWorkload {
  /**
   * The adapter of `workload`, created on first use (the same instance on every call).
   *
   * Throws a `ValidationError` if `workload` is not a cdk8s-plus-29 workload or has no `metadata.namespace`.
   */
  public static of(workload: kplus.AbstractPod): PlusWorkload {
    const given: unknown = workload;
    if (!(given instanceof kplus.AbstractPod)) {
      throw ValidationError.invalidProp(given instanceof Construct ? given : 'PlusWorkload.of', {
        prop: 'workload',
        value: describe(given),
        allowed: ACCEPTED,
        fix: 'pass the cdk8s-plus-29 object itself; for anything else (a raw KubeDeployment, a CRD), implement IWorkload.',
      });
    }
    const existing = workload.node.tryFindChild(workload.node.id);
    if (existing instanceof PlusWorkload) return existing;
    return new PlusWorkload(workload, endpointOf(workload));
  }

  /** The wrapped cdk8s-plus workload. */
  public readonly workload: kplus.AbstractPod;
  /** Namespace and pod labels of the workload's pods. */
  public readonly endpoint: NetworkEndpoint;

  private readonly envVars = new Map<string, kplus.EnvValue>();
  private readonly sources = new Map<string, EnvSource>();
  private readonly secrets = new Map<string, kplus.ISecret>();
  private readonly configMaps = new Map<string, kplus.IConfigMap>();

  private constructor(workload: kplus.AbstractPod, endpoint: NetworkEndpoint) {
    super(workload, workload.node.id);
    this.workload = workload;
    this.endpoint = endpoint;
    markWorkload(this);
    // Containers added after a grant get the variables when the app is validated (before any synthesis).
    this.node.addValidation({ validate: () => this.applyAll() });
  }

  /** The environment variables granted so far, by name (as given to {@link addEnv}). */
  public get env(): Readonly<Record<string, EnvSource>> {
    return Object.fromEntries(this.sources);
  }

  /**
   * Adds an environment variable to every container of the workload (not to init containers), now and to
   * containers added later. Secret and ConfigMap sources become `valueFrom` references.
   *
   * Throws a `ValidationError` if a container already sets `name` to something else.
   */
  public addEnv(name: string, source: EnvSource): void {
    const previous = this.sources.get(name);
    if (previous !== undefined && JSON.stringify(previous) !== JSON.stringify(source)) {
      throw ValidationError.invalidProp(this.workload, {
        prop: `env.${name}`,
        value: source,
        allowed: `the value already granted (${renderValue(previous)})`,
        fix: 'give the grants distinct environment variable names (e.g. an envPrefix).',
      });
    }
    const value = this.toEnvValue(source);
    const conflicts = this.conflicts(name, value);
    if (conflicts.length > 0) throw new ValidationError(this.workload, conflicts[0]);
    this.fill(name, value);
    this.sources.set(name, source);
    this.envVars.set(name, value);
  }

  /** Applies every recorded variable to every container that lacks it; returns one message per conflict. */
  private applyAll(): string[] {
    const errors: string[] = [];
    for (const [name, value] of this.envVars) errors.push(...this.conflicts(name, value));
    if (errors.length > 0) return errors;
    for (const [name, value] of this.envVars) this.fill(name, value);
    return [];
  }

  /** One message for each container that already sets `name` to another value. */
  private conflicts(name: string, value: kplus.EnvValue): string[] {
    const errors: string[] = [];
    for (const container of this.workload.containers) {
      const current = container.env.variables[name];
      if (current !== undefined && !sameEnvValue(current, value)) {
        errors.push(
          `invalid env.${name}: ${renderValue(render(value))}. Allowed: a variable container ${renderValue(container.name)} does not already set ` +
          `(it sets ${renderValue(render(current))}). Fix: remove ${name} from the container or rename the granted variable (e.g. with an envPrefix).`,
        );
      }
    }
    return errors;
  }

  /** Sets `name` on every container that does not have it yet. */
  private fill(name: string, value: kplus.EnvValue): void {
    for (const container of this.workload.containers) {
      if (container.env.variables[name] === undefined) container.env.addVariable(name, value);
    }
  }

  private toEnvValue(source: EnvSource): kplus.EnvValue {
    if ('value' in source) return kplus.EnvValue.fromValue(source.value);
    if ('secretKeyRef' in source) {
      const { name, key } = source.secretKeyRef;
      let secret = this.secrets.get(name);
      if (!secret) {
        secret = kplus.Secret.fromSecretName(this, `Secret-${name}`, name);
        this.secrets.set(name, secret);
      }
      return kplus.EnvValue.fromSecretValue({ secret, key });
    }
    const { name, key } = source.configMapKeyRef;
    let configMap = this.configMaps.get(name);
    if (!configMap) {
      configMap = kplus.ConfigMap.fromConfigMapName(this, `ConfigMap-${name}`, name);
      this.configMaps.set(name, configMap);
    }
    return kplus.EnvValue.fromConfigMap(configMap, key);
  }
}

/** The endpoint of a cdk8s-plus workload; throws (before anything is attached to it) without a valid namespace. */
function endpointOf(workload: kplus.AbstractPod): NetworkEndpoint {
  const namespace = workload.metadata.namespace;
  if (namespace === undefined || !isDns1123Label(namespace)) {
    throw ValidationError.invalidProp(workload, {
      prop: 'metadata.namespace',
      value: namespace,
      allowed: 'a namespace name (a DNS-1123 label) set on the workload or on its chart',
      fix: 'set metadata: { namespace: "..." } on the workload or namespace on its Chart; grants create namespaced NetworkPolicies, and the default namespace is not used.',
    });
  }
  // cdk8s-plus labels the pods of every workload (and every Pod) with their address, whatever `select` says,
  // and offers no way to remove the label.
  const address = workload.podMetadata.getLabel(kplus.Pod.ADDRESS_LABEL) as string;
  return { namespace, podSelector: { [kplus.Pod.ADDRESS_LABEL]: address } };
}

/** The Kubernetes shape of an env value (`value` or `valueFrom`), without undefined fields. */
function render(v: kplus.EnvValue): unknown {
  return JSON.parse(JSON.stringify({ value: v.value, valueFrom: v.valueFrom }));
}

function sameEnvValue(a: kplus.EnvValue, b: kplus.EnvValue): boolean {
  return a === b || JSON.stringify(render(a)) === JSON.stringify(render(b));
}

/** A short, readable description of a value that is not a cdk8s-plus workload. */
function describe(x: unknown): string {
  if (x instanceof Construct) return `${x.constructor.name} at ${(x as IConstruct).node.path}`;
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return `${(x as object).constructor?.name ?? 'Object'} with keys [${Object.keys(x as object).join(', ')}]`;
  return renderValue(x);
}
