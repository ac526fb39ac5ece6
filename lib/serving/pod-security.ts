/**
 * Pod Security Standards `restricted` building blocks shared by every pod the serving constructs emit.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */

/** UID/GID the serving containers run as (non-root). */
export const NON_ROOT_UID = 65532;

/** Pod-level security context: non-root, seccomp RuntimeDefault, fsGroup for writable volumes. */
export function restrictedPodSecurityContext(uid: number = NON_ROOT_UID): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context: no privilege escalation, all capabilities dropped, read-only root FS. */
export function restrictedContainerSecurityContext(uid: number = NON_ROOT_UID): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: uid,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Environment that keeps every serving process offline and silent: no hub downloads, no usage statistics. */
export const OFFLINE_ENV: ReadonlyArray<{ readonly name: string; readonly value: string }> = [
  { name: 'HF_HUB_OFFLINE', value: '1' },
  { name: 'TRANSFORMERS_OFFLINE', value: '1' },
  { name: 'HF_HUB_DISABLE_TELEMETRY', value: '1' },
  { name: 'VLLM_NO_USAGE_STATS', value: '1' },
  { name: 'DO_NOT_TRACK', value: '1' },
];
