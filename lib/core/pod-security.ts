import type { PodSecurityContext, SecurityContext } from '../imports/k8s';

/**
 * Pod Security Standards `restricted` building blocks shared by every pod the library emits.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */

/** UID/GID containers run as unless a construct needs the image's own user (non-root). */
export const NON_ROOT_UID = 65532;

/**
 * How the kubelet changes the ownership of a pod's volumes to its `fsGroup`.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#configure-volume-permission-and-ownership-change-policy-for-pods
 */
export enum FsGroupChangePolicy {
  /** Change ownership on every mount (the Kubernetes default). */
  ALWAYS = 'Always',
  /** Change ownership only when the volume root does not match (faster for large data volumes). */
  ON_ROOT_MISMATCH = 'OnRootMismatch',
}

/** Options of {@link restrictedPodSecurityContext}. */
export interface RestrictedPodSecurityOptions {
  /** `fsGroupChangePolicy` of the pod. @default - not set (Kubernetes: Always) */
  readonly fsGroupChangePolicy?: FsGroupChangePolicy;
}

/** Options of {@link restrictedContainerSecurityContext}. */
export interface RestrictedContainerSecurityOptions {
  /**
   * GID the container runs as (`runAsGroup`).
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
   * @default - not set (the pod's runAsGroup applies)
   */
  readonly runAsGroup?: number;
}

/** Pod-level security context: non-root, seccomp RuntimeDefault, fsGroup for writable volumes. */
export function restrictedPodSecurityContext(uid: number = NON_ROOT_UID, options: RestrictedPodSecurityOptions = {}): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    ...(options.fsGroupChangePolicy !== undefined ? { fsGroupChangePolicy: options.fsGroupChangePolicy } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context: no privilege escalation, all capabilities dropped, read-only root FS. */
export function restrictedContainerSecurityContext(
  uid: number = NON_ROOT_UID, options: RestrictedContainerSecurityOptions = {},
): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: uid,
    ...(options.runAsGroup !== undefined ? { runAsGroup: options.runAsGroup } : {}),
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
