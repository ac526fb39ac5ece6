import { IConstruct, Construct } from 'constructs';
import { BucketAccess, EnvSource, IWorkload, ValidationError, isWorkload, renderValue } from '../core';

/** Keys of the S3 credentials Secret every bucket grant references (the same for every bucket backend). */
export const S3CredentialKeys = {
  /** The access key id. */
  ACCESS_KEY_ID: 'AWS_ACCESS_KEY_ID',
  /** The secret access key. */
  SECRET_ACCESS_KEY: 'AWS_SECRET_ACCESS_KEY',
} as const;

/**
 * A Secret the library references but never writes (no secret value is ever emitted). It must be provisioned out of
 * band in `namespace` before the referencing pods start, e.g. by External Secrets Operator, Sealed Secrets or your
 * vault's injector.
 */
export interface SecretRequirement {
  /** Namespace the Secret must exist in. */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly name: string;
  /** Keys the Secret must hold. */
  readonly keys: readonly string[];
  /** What the Secret is for. */
  readonly purpose: string;
}

/** Adds `req` to `list` unless an identical (namespace, name) entry exists. */
export function addRequirement(list: SecretRequirement[], req: SecretRequirement): void {
  if (!list.some((r) => r.namespace === req.namespace && r.name === req.name)) list.push(req);
}

/** A short, readable description of a non-workload value for error messages. */
function describe(x: unknown): string {
  if (x instanceof Construct) return `${x.constructor.name} at ${x.node.path}`;
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return `${(x as object).constructor?.name ?? 'Object'} with keys [${Object.keys(x as object).join(', ')}]`;
  return renderValue(x);
}

/** Throws unless `x` is a workload (marked with `markWorkload`). */
export function assertWorkload(scope: IConstruct, x: unknown): asserts x is IWorkload {
  if (!isWorkload(x)) {
    throw ValidationError.invalidProp(scope, {
      prop: 'grantee',
      value: describe(x),
      allowed: 'an IWorkload (something that runs pods: a model server, a service, a cdk8s-plus workload wrapped with PlusWorkload.of(...))',
      fix: 'granting to something that is not a workload is not possible; pass the workload whose pods need the access.',
    });
  }
}

/**
 * Checks a grant request of `access` for `workload` against the grants made so far: throws unless `workload` is a
 * workload, returns the existing grant if it has the same access, throws if it has another one (a workload gets
 * either read or read/write access to a `what`, not both), and returns undefined if there is none yet.
 */
export function existingGrant<G extends { readonly access: BucketAccess }>(
  scope: IConstruct, grants: ReadonlyMap<IWorkload, G>, workload: unknown, access: BucketAccess, what: string,
): G | undefined {
  assertWorkload(scope, workload);
  const existing = grants.get(workload);
  if (existing && existing.access !== access) {
    throw ValidationError.invalidProp(scope, {
      prop: 'access', value: access,
      allowed: `the access already granted to ${workload.node.path} ("${existing.access}")`,
      fix: `grant a workload either read or read/write access to ${what}, not both.`,
    });
  }
  return existing;
}

/** Which construct set each env var of each workload (to catch two grants writing the same variable). */
const ENV_OWNERS = new WeakMap<IWorkload, Map<string, string>>();

/**
 * Adds env vars to `workload`, recording `owner` (a construct path) as their setter. If another owner already set one
 * of the names, throws a `ValidationError` about `prefixProp` (the prop that disambiguates the names).
 */
export function addEnvOnce(
  scope: IConstruct,
  workload: IWorkload,
  env: ReadonlyArray<readonly [string, EnvSource]>,
  prefixProp: string,
  prefix: string,
): void {
  let owners = ENV_OWNERS.get(workload);
  if (!owners) {
    owners = new Map();
    ENV_OWNERS.set(workload, owners);
  }
  const owner = scope.node.path;
  for (const [name] of env) {
    const other = owners.get(name);
    if (other !== undefined && other !== owner) {
      throw ValidationError.invalidProp(scope, {
        prop: prefixProp,
        value: prefix,
        allowed: `a prefix whose environment variables are not already set on ${workload.node.path} (${name} is set by ${other})`,
        fix: `set a distinct ${prefixProp} (e.g. "${scope.node.id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_") on one of them.`,
      });
    }
  }
  for (const [name, source] of env) {
    owners.set(name, owner);
    workload.addEnv(name, source);
  }
}

/** Validates an env var name prefix (empty, or `[A-Z_][A-Z0-9_]*`). */
export function validateEnvPrefix(scope: IConstruct, prop: string, prefix: string): string {
  if (prefix !== '' && !/^[A-Z_][A-Z0-9_]*$/.test(prefix)) {
    throw ValidationError.invalidProp(scope, {
      prop, value: prefix, allowed: 'an empty string or uppercase letters, digits and underscores, not starting with a digit',
      fix: 'use e.g. "AUDIT_".',
    });
  }
  return prefix;
}

