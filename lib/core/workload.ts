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

/** An entry of a container's `env` list. */
export interface EnvVarEntry {
  /** Variable name. */
  readonly name: string;
  /** Literal value. */
  readonly value?: string;
  /** Secret or ConfigMap key reference. */
  readonly valueFrom?: Readonly<Record<string, unknown>>;
}

/** The container `env` entry that sets `name` from `source` (Secret and ConfigMap sources become `valueFrom`). */
export function envVar(name: string, source: EnvSource): EnvVarEntry {
  if ('value' in source) return { name, value: source.value };
  if ('secretKeyRef' in source) return { name, valueFrom: { secretKeyRef: { ...source.secretKeyRef } } };
  return { name, valueFrom: { configMapKeyRef: { ...source.configMapKeyRef } } };
}

/** Sets `name` in the container `env` list `env` (in place): any earlier entry of that name is replaced, the new one goes last. */
export function setEnvVar(env: Array<Record<string, unknown>>, name: string, source: EnvSource): void {
  for (let i = env.length - 1; i >= 0; i--) if (env[i].name === name) env.splice(i, 1);
  env.push({ ...envVar(name, source) });
}

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
