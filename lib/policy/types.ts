/**
 * Core types of the policy engine: manifests in, findings out. Rules are pure functions of the synthesized
 * objects (plain JSON manifests, with the construct path of each object where it is known).
 */

/** How bad a finding is. Only `ERROR` findings fail synth and make `sovereign-ai check` exit 1. */
export enum Severity {
  /** A violation: synth fails, the CLI exits 1. */
  ERROR = 'error',
  /** Advice: listed in the report, never fails anything. */
  WARNING = 'warning',
}

/** A plain Kubernetes manifest (one object). */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** One object given to the rules: the manifest plus where it came from. */
export interface PolicyObject {
  /** The manifest as synthesized (or as read from a file). */
  readonly manifest: Manifest;
  /** The construct path the object was synthesized from. @default - unknown (manifests read from files) */
  readonly constructPath?: string;
  /** The file the object was read from (CLI, plugin). @default - none */
  readonly source?: string;
}

/** Identifies a Kubernetes object in a finding. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** @default - cluster-scoped or namespace not set */
  readonly namespace?: string;
  readonly name: string;
}

/** One rule violation, as reported. */
export interface Finding {
  /** Stable rule id, e.g. `pss-restricted/run-as-non-root`. */
  readonly ruleId: string;
  readonly severity: Severity;
  /** The object that violates the rule. */
  readonly object: ObjectRef;
  /** JSON path inside the object of the offending field, e.g. `spec.template.spec.containers[0].securityContext`. */
  readonly path: string;
  /** What is wrong (exact text, part of the contract). */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** The construct path of the object. @default - unknown */
  readonly constructPath?: string;
  /** The file the object was read from. @default - none */
  readonly source?: string;
}

/** A violation returned by a rule; the engine turns it into a {@link Finding}. */
export interface Violation {
  /** The object in violation (one of `context.objects`). */
  readonly object: PolicyObject;
  /** JSON path of the offending field. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** A fix specific to this violation. @default - the rule's fix */
  readonly fix?: string;
}

/** Options the rules read (resolved: every field set). */
export interface RuleOptions {
  /** Registry hosts (optionally with a path prefix) images may come from. @default - not checked */
  readonly approvedRegistries?: readonly string[];
  /** CIDRs that count as inside the platform for NetworkPolicy ipBlocks. @see https://kubernetes.io/docs/concepts/services-networking/network-policies/ */
  readonly internalCidrs: readonly string[];
  /** Services (`namespace/name`) declared as ingress: allowed to be NodePort/LoadBalancer. @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types */
  readonly ingressServices: readonly string[];
}

/** What a rule sees: every object of the set and the options. */
export interface RuleContext {
  readonly objects: readonly PolicyObject[];
  readonly options: RuleOptions;
}

/** A rule: a pure function over the whole object set. */
export interface Rule {
  /** Stable id `<pack>/<name>`. */
  readonly id: string;
  /** One line: what the rule requires. */
  readonly description: string;
  readonly severity: Severity;
  /** The default fix sentence. */
  readonly fix: string;
  /** Returns the violations (none when compliant). Must not mutate the objects. */
  check(context: RuleContext): readonly Violation[];
}

/** A named group of rules. */
export class RulePack {
  constructor(
    /** Pack name (`pss-baseline`, `pss-restricted`, `sovereignty`, `reliability`). */
    public readonly name: string,
    /** The rules of the pack, in report order. */
    public readonly rules: readonly Rule[],
  ) {}
}

/** Reference of a manifest, for findings. */
export function objectRef(m: Manifest): ObjectRef {
  const ns = m.metadata?.namespace;
  return {
    apiVersion: String(m.apiVersion ?? ''),
    kind: String(m.kind ?? ''),
    ...(ns ? { namespace: ns } : {}),
    name: String(m.metadata?.name ?? ''),
  };
}

/** `Kind namespace/name` (or `Kind name` when cluster-scoped). */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
