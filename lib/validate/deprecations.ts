/*
 * Built-in Kubernetes API versions that were deprecated and then removed (they are absent from the OpenAPI spec
 * of the versions that no longer serve them, so the spec alone cannot say "removed, use X instead").
 * @see https://kubernetes.io/docs/reference/using-api/deprecation-guide/
 */

/** A deprecated built-in group/version. */
export interface CoreDeprecation {
  /** `group/version` (or `v1`-style for the core group). */
  readonly apiVersion: string;
  /** Kubernetes minor version that stopped serving it (`1.25`); undefined = deprecated but still served. */
  readonly removedIn?: string;
  /** What to use instead. */
  readonly replacement: string;
}

/**
 * Built-in group/versions removed from Kubernetes, with the version that stopped serving them and the replacement.
 * @see https://kubernetes.io/docs/reference/using-api/deprecation-guide/
 */
export const CORE_DEPRECATIONS: readonly CoreDeprecation[] = [
  { apiVersion: 'extensions/v1beta1', removedIn: '1.22', replacement: 'apps/v1 (workloads) or networking.k8s.io/v1 (Ingress, NetworkPolicy)' },
  { apiVersion: 'apps/v1beta1', removedIn: '1.16', replacement: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', removedIn: '1.16', replacement: 'apps/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', removedIn: '1.22', replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'authentication.k8s.io/v1beta1', removedIn: '1.22', replacement: 'authentication.k8s.io/v1' },
  { apiVersion: 'authorization.k8s.io/v1beta1', removedIn: '1.22', replacement: 'authorization.k8s.io/v1' },
  { apiVersion: 'certificates.k8s.io/v1beta1', removedIn: '1.22', replacement: 'certificates.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', removedIn: '1.22', replacement: 'coordination.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', removedIn: '1.22', replacement: 'scheduling.k8s.io/v1' },
  { apiVersion: 'batch/v1beta1', removedIn: '1.25', replacement: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', removedIn: '1.25', replacement: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', removedIn: '1.25', replacement: 'events.k8s.io/v1' },
  { apiVersion: 'node.k8s.io/v1beta1', removedIn: '1.25', replacement: 'node.k8s.io/v1' },
  { apiVersion: 'policy/v1beta1', removedIn: '1.25', replacement: 'policy/v1 (PodDisruptionBudget; PodSecurityPolicy is gone: use Pod Security Admission)' },
  { apiVersion: 'autoscaling/v2beta1', removedIn: '1.25', replacement: 'autoscaling/v2' },
  { apiVersion: 'autoscaling/v2beta2', removedIn: '1.26', replacement: 'autoscaling/v2' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', removedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', removedIn: '1.27', replacement: 'storage.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', removedIn: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', removedIn: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'resource.k8s.io/v1alpha3', replacement: 'resource.k8s.io/v1' },
  { apiVersion: 'resource.k8s.io/v1beta1', replacement: 'resource.k8s.io/v1' },
  { apiVersion: 'resource.k8s.io/v1beta2', replacement: 'resource.k8s.io/v1' },
];

/** Numeric comparison of `major.minor` versions. */
export function compareMinor(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/** The deprecation entry of a built-in apiVersion, if any. */
export function coreDeprecation(apiVersion: string): CoreDeprecation | undefined {
  return CORE_DEPRECATIONS.find((d) => d.apiVersion === apiVersion);
}
