/**
 * The one domain under which every label and annotation key of the library lives.
 */
export const LABEL_DOMAIN = 'sovereign-ai.dev';

/** Label and annotation keys used by the library (all under {@link LABEL_DOMAIN}). */
export const Labels = {
  /** The tenant (team) that owns an object. */
  TENANT: `${LABEL_DOMAIN}/tenant`,
  /** The model served by a pod. */
  MODEL: `${LABEL_DOMAIN}/model`,
  /** The role of a pod or object inside a construct (e.g. `model-server`, `gateway`, `vector-store`). */
  COMPONENT: `${LABEL_DOMAIN}/component`,
  /** The construct path an object was synthesized from (annotation; label values are too short for paths). */
  CONSTRUCT_PATH: `${LABEL_DOMAIN}/construct-path`,
  /** Marks objects that hold data (buckets, databases, Secrets, PVC-backed workloads) for residency rules. */
  DATA_BEARING: `${LABEL_DOMAIN}/data-bearing`,
  /** The jurisdiction that data-bearing objects must stay in. */
  JURISDICTION: `${LABEL_DOMAIN}/jurisdiction`,
  /** Names a policy rule suppression (annotation: `rule-id=reason; ...`). */
  SUPPRESSIONS: `${LABEL_DOMAIN}/suppressions`,
  /** Standard Kubernetes recommended labels. */
  APP_NAME: 'app.kubernetes.io/name',
  APP_INSTANCE: 'app.kubernetes.io/instance',
  APP_COMPONENT: 'app.kubernetes.io/component',
  APP_PART_OF: 'app.kubernetes.io/part-of',
  APP_MANAGED_BY: 'app.kubernetes.io/managed-by',
} as const;

/** The value of `app.kubernetes.io/managed-by` on every object the library emits. */
export const MANAGED_BY = 'sovereign-ai-platform';

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True if `key` is a valid Kubernetes label key (`[prefix/]name`). */
export function isValidLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) return false;
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return true;
}

/** True if `value` is a valid Kubernetes label value (empty, or up to 63 chars of `[A-Za-z0-9_.-]`, alphanumeric ends). */
export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME.test(value));
}
