import { LABEL_DOMAIN } from '../core';

/** Label and annotation keys read by the policy packs (all under the library's label domain). */
export const PolicyLabels = {
  /**
   * Annotation on a Service: `"true"` declares it an ingress of the platform, so it may be `NodePort` or
   * `LoadBalancer` (rule `sovereignty/service-exposure`).
   */
  INGRESS: `${LABEL_DOMAIN}/ingress`,
  /** Pod label marking model servers (`sovereign-ai.dev/component: model-server`). */
  COMPONENT: `${LABEL_DOMAIN}/component`,
  /** The value of {@link PolicyLabels.COMPONENT} on model servers. */
  MODEL_SERVER: 'model-server',
  /** Annotation carrying object-level suppressions: `rule-id=reason; other-rule=reason`. */
  SUPPRESSIONS: `${LABEL_DOMAIN}/suppressions`,
  /** Annotation carrying the construct path of an object (read by the CLI and the plugin). */
  CONSTRUCT_PATH: `${LABEL_DOMAIN}/construct-path`,
} as const;
