import {
  EnvSource, FsGroupChangePolicy, NON_ROOT_UID, envVar, restrictedContainerSecurityContext, restrictedPodSecurityContext,
  setEnvVar,
} from '../../lib/core';

describe('restricted security contexts', () => {
  test('pod defaults: non-root 65532, fsGroup, seccomp RuntimeDefault', () => {
    expect(NON_ROOT_UID).toBe(65532);
    expect(restrictedPodSecurityContext()).toStrictEqual({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' },
    });
  });
  test('pod with a uid and fsGroupChangePolicy', () => {
    expect(restrictedPodSecurityContext(1000, { fsGroupChangePolicy: FsGroupChangePolicy.ON_ROOT_MISMATCH })).toStrictEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
  test('container defaults: no escalation, not privileged, read-only root, all capabilities dropped', () => {
    expect(restrictedContainerSecurityContext()).toStrictEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65532,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
  });
  test('container with a uid and runAsGroup', () => {
    expect(restrictedContainerSecurityContext(1000, { runAsGroup: 1000 })).toStrictEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000,
      runAsGroup: 1000, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
  });
  test('each call returns a fresh object', () => {
    expect(restrictedPodSecurityContext()).not.toBe(restrictedPodSecurityContext());
    expect(restrictedContainerSecurityContext().capabilities).not.toBe(restrictedContainerSecurityContext().capabilities);
  });
});

describe('env helpers', () => {
  const secret: EnvSource = { secretKeyRef: { name: 's', key: 'k' } };
  test('envVar renders literal, Secret and ConfigMap sources', () => {
    expect(envVar('A', { value: '1' })).toStrictEqual({ name: 'A', value: '1' });
    expect(envVar('B', secret)).toStrictEqual({ name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } });
    expect(envVar('C', { configMapKeyRef: { name: 'c', key: 'k' } })).toStrictEqual({ name: 'C', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } });
  });
  test('setEnvVar replaces an existing entry and appends it last', () => {
    const env: Array<Record<string, unknown>> = [{ name: 'A', value: '1' }, { name: 'B', value: '2' }];
    setEnvVar(env, 'A', secret);
    setEnvVar(env, 'C', { value: '3' });
    expect(env).toStrictEqual([
      { name: 'B', value: '2' },
      { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'C', value: '3' },
    ]);
  });
});
