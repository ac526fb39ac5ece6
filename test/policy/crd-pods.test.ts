import { PodSecurityPack, PolicyEngine, podViews } from '../../lib/policy';
import { container, DIGEST, objects, podSpec } from './fixtures';

const pss = (m: Record<string, any>) => new PolicyEngine({ packs: [PodSecurityPack.restricted()] }).run(objects([m]))
  .findings.map((f) => `${f.ruleId} ${f.path}: ${f.message}`);

describe('pod specs embedded in custom resources', () => {
  test('LLMInferenceService: template, worker, prefill.template and prefill.worker are checked', () => {
    const bad = { ...podSpec(), hostIPC: true };
    const llm = {
      apiVersion: 'serving.kserve.io/v1alpha2', kind: 'LLMInferenceService', metadata: { name: 'llm', namespace: 'ai' },
      spec: { model: { uri: 's3://models/x' }, template: bad, worker: bad, prefill: { template: bad, worker: podSpec() } },
    };
    expect(podViews({ manifest: llm as any }).map((v) => v.path)).toEqual(['spec.template', 'spec.worker', 'spec.prefill.template', 'spec.prefill.worker']);
    expect(pss(llm)).toEqual([
      'pss-baseline/host-namespaces spec.template.hostIPC: host namespaces (hostIPC=true)',
      'pss-baseline/host-namespaces spec.worker.hostIPC: host namespaces (hostIPC=true)',
      'pss-baseline/host-namespaces spec.prefill.template.hostIPC: host namespaces (hostIPC=true)',
    ]);
  });

  test('InferenceService: predictor model container and PodSpec fields', () => {
    const isvc = {
      apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'i', namespace: 'ai' },
      spec: { predictor: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        model: { modelFormat: { name: 'huggingface' }, storageUri: 's3://m/x', securityContext: { privileged: true } } } },
    };
    expect(pss(isvc)).toEqual([
      'pss-baseline/privileged spec.predictor.model.securityContext.privileged: privileged (container "kserve-container" must not set securityContext.privileged=true)',
      'pss-restricted/allow-privilege-escalation spec.predictor.model.securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation != false (container "kserve-container" must set securityContext.allowPrivilegeEscalation=false)',
      'pss-restricted/capabilities spec.predictor.model.securityContext.capabilities.drop: unrestricted capabilities (container "kserve-container" must set securityContext.capabilities.drop=["ALL"])',
    ]);
  });

  test('MinIO Tenant: pool security contexts map to their fields', () => {
    const tenant = {
      apiVersion: 'minio.min.io/v2', kind: 'Tenant', metadata: { name: 't', namespace: 'storage' },
      spec: {
        image: `registry.internal/minio/minio@${DIGEST}`,
        pools: [{
          name: 'p0', servers: 4, volumesPerServer: 2,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
        }, {
          name: 'p1', servers: 4, volumesPerServer: 2,
          securityContext: { runAsUser: 0 },
        }],
      },
    };
    expect(pss(tenant)).toEqual([
      'pss-restricted/allow-privilege-escalation spec.pools[1].containerSecurityContext.allowPrivilegeEscalation: allowPrivilegeEscalation != false (container "minio" must set securityContext.allowPrivilegeEscalation=false)',
      'pss-restricted/run-as-non-root spec.pools[1].securityContext.runAsNonRoot: runAsNonRoot != true (pod or container "minio" must set securityContext.runAsNonRoot=true)',
      'pss-restricted/run-as-user spec.pools[1].securityContext.runAsUser: runAsUser=0 (pod must not set runAsUser=0)',
      'pss-restricted/seccomp-profile spec.pools[1].securityContext.seccompProfile: seccompProfile (pod or container "minio" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      'pss-restricted/capabilities spec.pools[1].containerSecurityContext.capabilities.drop: unrestricted capabilities (container "minio" must set securityContext.capabilities.drop=["ALL"])',
    ]);
  });

  test('CloudNativePG Cluster: operator defaults pass; weakening overrides are caught', () => {
    const cluster: Record<string, any> = {
      apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'db' },
      spec: { instances: 3, imageName: `registry.internal/cnpg/postgresql@${DIGEST}`, storage: { size: '10Gi' } },
    };
    expect(pss(cluster)).toEqual([]);
    cluster.spec.seccompProfile = { type: 'Unconfined' };
    expect(pss(cluster)).toEqual([
      'pss-baseline/seccomp-profile spec.seccompProfile.type: seccompProfile (pod and container "postgres" must not set securityContext.seccompProfile.type to "Unconfined")',
      'pss-restricted/seccomp-profile spec.seccompProfile.type: seccompProfile (pod and container "postgres" must not set securityContext.seccompProfile.type to "Unconfined")',
    ]);
    delete cluster.spec.seccompProfile;
    cluster.spec.securityContext = { runAsNonRoot: true };
    expect(pss(cluster)).toEqual([
      'pss-restricted/allow-privilege-escalation spec.securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation != false (container "postgres" must set securityContext.allowPrivilegeEscalation=false)',
      'pss-restricted/capabilities spec.securityContext.capabilities.drop: unrestricted capabilities (container "postgres" must set securityContext.capabilities.drop=["ALL"])',
    ]);
  });

  test('every workload kind yields its pod template', () => {
    const t = { metadata: { labels: { a: 'b' } }, spec: { containers: [container('c')] } };
    const kinds: Array<[string, string, Record<string, any>, string]> = [
      ['v1', 'Pod', { spec: t.spec }, 'spec'],
      ['v1', 'PodTemplate', { template: t }, 'template.spec'],
      ['apps/v1', 'Deployment', { spec: { template: t } }, 'spec.template.spec'],
      ['apps/v1', 'StatefulSet', { spec: { template: t } }, 'spec.template.spec'],
      ['apps/v1', 'DaemonSet', { spec: { template: t } }, 'spec.template.spec'],
      ['apps/v1', 'ReplicaSet', { spec: { template: t } }, 'spec.template.spec'],
      ['batch/v1', 'Job', { spec: { template: t } }, 'spec.template.spec'],
      ['batch/v1', 'CronJob', { spec: { schedule: '* * * * *', jobTemplate: { spec: { template: t } } } }, 'spec.jobTemplate.spec.template.spec'],
    ];
    for (const [apiVersion, kind, rest, path] of kinds) {
      const views = podViews({ manifest: { apiVersion, kind, metadata: { name: 'x' }, ...rest } as any });
      expect([kind, views.map((v) => v.path)]).toEqual([kind, [path]]);
    }
    expect(podViews({ manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } })).toEqual([]);
  });
});
