import { IConstruct } from 'constructs';

/**
 * Where a set of pods lives on the network: their namespace and the labels that select them.
 * NetworkPolicies are built from endpoints, never from IP addresses of pods.
 */
export interface NetworkEndpoint {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels that select exactly these pods (non-empty). */
  readonly podSelector: Readonly<Record<string, string>>;
}

/** The value of an environment variable: a literal, or a reference to a key of a Secret or ConfigMap. */
export type EnvSource =
  | { readonly value: string }
  | { readonly secretKeyRef: { readonly name: string; readonly key: string } }
  | { readonly configMapKeyRef: { readonly name: string; readonly key: string } };

const WORKLOAD = Symbol.for('sovereign-ai-platform.IWorkload');

/**
 * Something that runs pods and can be granted access: a model server, a RAG service, a cdk8s-plus workload
 * wrapped with `PlusWorkload.of(...)`. Grants (`bucket.grantRead(workload)`) add environment variables that
 * reference Secrets and an explicit NetworkPolicy edge from the workload's pods to the resource.
 */
export interface IWorkload extends IConstruct {
  /** The pods of this workload on the network. */
  readonly endpoint: NetworkEndpoint;
  /** Adds an environment variable to every main container of the workload. */
  addEnv(name: string, source: EnvSource): void;
}

/** Marks a class instance as an {@link IWorkload} so that {@link isWorkload} can recognise it at run time. */
export function markWorkload(instance: IWorkload): void {
  Object.defineProperty(instance, WORKLOAD, { value: true, enumerable: false });
}

/** True if `x` was marked as a workload with {@link markWorkload}. */
export function isWorkload(x: unknown): x is IWorkload {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[WORKLOAD] === true;
}
