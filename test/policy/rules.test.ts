import { PolicyEngine, PodSecurityPack, PodSecurityVersion, ReliabilityPack, SovereigntyPack } from '../../lib/policy';
import { allFindings, container, deployment, DIGEST, findingsOf, goodSet, IMAGE, OPTIONS, pdb } from './fixtures';

type M = Record<string, any>;
const spec = (set: M[]) => set[1].spec.template.spec;
const c0 = (set: M[]) => spec(set).containers[0];
const base = 'spec.template.spec';
const cpath = `${base}.containers[0]`;

test('the compliant set has no finding in any pack', () => {
  expect(allFindings(goodSet())).toEqual([]);
});

const ALL_RULE_IDS = [
  ...PodSecurityPack.restricted().rules, ...SovereigntyPack.create().rules, ...ReliabilityPack.create().rules,
].map((r) => r.id);

test.each(ALL_RULE_IDS)('passing case: %s has no finding on the compliant set', (id) => {
  expect(findingsOf(goodSet(), id)).toEqual([]);
});

const CASES: Array<[string, (s: M[]) => void, string[]]> = [
  // ---- Pod Security baseline
  ['pss-baseline/host-namespaces', (s) => { spec(s).hostNetwork = true; spec(s).hostPID = true; },
    [`${base}.hostNetwork: host namespaces (hostNetwork=true, hostPID=true)`]],
  ['pss-baseline/privileged', (s) => { c0(s).securityContext.privileged = true; },
    [`${cpath}.securityContext.privileged: privileged (container "vllm" must not set securityContext.privileged=true)`]],
  ['pss-baseline/capabilities', (s) => { c0(s).securityContext.capabilities.add = ['SYS_ADMIN', 'CHOWN']; },
    [`${cpath}.securityContext.capabilities.add: non-default capabilities (container "vllm" must not include "SYS_ADMIN" in securityContext.capabilities.add)`]],
  ['pss-baseline/host-path-volumes', (s) => { spec(s).volumes = [{ name: 'dev', hostPath: { path: '/dev' } }]; },
    [`${base}.volumes[0].hostPath: hostPath volumes (volume "dev")`]],
  ['pss-baseline/host-ports', (s) => { c0(s).ports = [{ containerPort: 8000, hostPort: 8000 }]; },
    [`${cpath}.ports[0].hostPort: hostPort (container "vllm" uses hostPort 8000)`]],
  ['pss-baseline/host-probes-and-lifecycle', (s) => { c0(s).livenessProbe.httpGet.host = 'example.com'; },
    [`${cpath}.livenessProbe.httpGet.host: probe or lifecycle host (container "vllm" uses probe or lifecycle host "example.com")`]],
  ['pss-baseline/apparmor-profile', (s) => { spec(s).securityContext.appArmorProfile = { type: 'Unconfined' }; },
    [`${base}.securityContext.appArmorProfile.type: forbidden AppArmor profile (pod must not set securityContext.appArmorProfile.type to "Unconfined")`]],
  ['pss-baseline/selinux-options', (s) => { c0(s).securityContext.seLinuxOptions = { type: 'spc_t', user: 'root' }; },
    [`${cpath}.securityContext.seLinuxOptions: seLinuxOptions (container "vllm" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)`]],
  ['pss-baseline/proc-mount', (s) => { c0(s).securityContext.procMount = 'Unmasked'; },
    [`${cpath}.securityContext.procMount: procMount (container "vllm" must not set securityContext.procMount to "Unmasked")`]],
  ['pss-baseline/seccomp-profile', (s) => { spec(s).securityContext.seccompProfile.type = 'Unconfined'; },
    [`${base}.securityContext.seccompProfile.type: seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")`]],
  ['pss-baseline/sysctls', (s) => { spec(s).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; },
    [`${base}.securityContext.sysctls[0].name: forbidden sysctls (kernel.msgmax)`]],
  ['pss-baseline/windows-host-process', (s) => { spec(s).securityContext.windowsOptions = { hostProcess: true }; },
    [`${base}.securityContext.windowsOptions.hostProcess: hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)`]],
  // ---- Pod Security restricted
  ['pss-restricted/volume-types', (s) => { spec(s).volumes = [{ name: 'nfs', nfs: { server: 'nas', path: '/x' } }]; },
    [`${base}.volumes[0].nfs: restricted volume types (volume "nfs" uses restricted volume type "nfs")`]],
  ['pss-restricted/allow-privilege-escalation', (s) => { delete c0(s).securityContext.allowPrivilegeEscalation; },
    [`${cpath}.securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation != false (container "vllm" must set securityContext.allowPrivilegeEscalation=false)`]],
  ['pss-restricted/run-as-non-root', (s) => { delete c0(s).securityContext.runAsNonRoot; delete spec(s).securityContext.runAsNonRoot; },
    [`${base}.securityContext.runAsNonRoot: runAsNonRoot != true (pod or container "vllm" must set securityContext.runAsNonRoot=true)`]],
  ['pss-restricted/run-as-user', (s) => { spec(s).securityContext.runAsUser = 0; },
    [`${base}.securityContext.runAsUser: runAsUser=0 (pod must not set runAsUser=0)`]],
  ['pss-restricted/seccomp-profile', (s) => { delete spec(s).securityContext.seccompProfile; },
    [`${base}.securityContext.seccompProfile: seccompProfile (pod or container "vllm" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`]],
  ['pss-restricted/capabilities', (s) => { c0(s).securityContext.capabilities = { add: ['NET_RAW'] }; },
    [`${cpath}.securityContext.capabilities.drop: unrestricted capabilities (container "vllm" must set securityContext.capabilities.drop=["ALL"]; container "vllm" must not include "NET_RAW" in securityContext.capabilities.add)`]],
  ['pss-restricted/proc-mount', (s) => { spec(s).hostUsers = false; c0(s).securityContext.procMount = 'Unmasked'; },
    [`${cpath}.securityContext.procMount: procMount (container "vllm" must not set securityContext.procMount to "Unmasked")`]],
  // ---- sovereignty
  ['sovereignty/default-deny', (s) => { s.splice(0, 1); },
    ['metadata.namespace: namespace "ai" runs pods but has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules)']],
  ['sovereignty/egress-destination', (s) => {
    s.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'open', namespace: 'ai' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }] }] } });
  }, ['spec.egress[0]: egress rule 0 has no destination ("to" is missing or empty), which allows every destination']],
  ['sovereignty/egress-ip-block', (s) => {
    s.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'out', namespace: 'ai' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.1.0.0/16' } }, { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] } });
  }, ['spec.egress[0].to[1].ipBlock.cidr: egress ipBlock 0.0.0.0/0 is not inside the internal CIDRs (10.0.0.0/8)']],
  ['sovereignty/approved-registry', (s) => { c0(s).image = `docker.io/vllm/vllm-openai@${DIGEST}`; },
    [`${cpath}.image: container "vllm" image "docker.io/vllm/vllm-openai@${DIGEST}" is not from an approved registry (registry.internal)`]],
  ['sovereignty/image-digest', (s) => { c0(s).image = 'registry.internal/vllm/vllm-openai:latest'; },
    [`${cpath}.image: container "vllm" image "registry.internal/vllm/vllm-openai:latest" is not pinned by digest (@sha256:<64 hex>)`]],
  ['sovereignty/model-source', (s) => { c0(s).args = ['--model=meta-llama/Llama-3.1-8B']; c0(s).env.push({ name: 'HF_ENDPOINT', value: 'https://huggingface.co' }); },
    [
      `${cpath}.args[0]: model source "meta-llama/Llama-3.1-8B" is outside the platform (allowed: s3://, pvc://, oci:// from an approved registry, in-cluster URLs, local paths)`,
      `${cpath}.env[3].value: model source "https://huggingface.co" is outside the platform (allowed: s3://, pvc://, oci:// from an approved registry, in-cluster URLs, local paths)`,
    ]],
  ['sovereignty/telemetry', (s) => { c0(s).env = [{ name: 'DO_NOT_TRACK', value: '1' }]; },
    [`${cpath}.env: model server container "vllm" does not set VLLM_NO_USAGE_STATS=1, HF_HUB_OFFLINE=1`]],
  ['sovereignty/service-exposure', (s) => {
    s.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'vllm', namespace: 'ai' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
  }, ['spec.type: Service type NodePort exposes the service outside the cluster but it is not declared as ingress']],
  // ---- reliability
  ['reliability/resources', (s) => { c0(s).resources = { limits: { cpu: '1' } }; },
    [`${cpath}.resources: container "vllm" has no cpu request, memory request, memory limit`]],
  ['reliability/probes', (s) => { delete c0(s).livenessProbe; delete c0(s).readinessProbe; },
    [`${cpath}: container "vllm" has no livenessProbe and readinessProbe`]],
  ['reliability/pdb', (s) => { s[2].spec.selector.matchLabels.app = 'other'; },
    ['spec.replicas: Deployment has 2 replicas but no PodDisruptionBudget selects its pods']],
  ['reliability/topology-spread', (s) => { delete spec(s).topologySpreadConstraints; },
    [`${base}.topologySpreadConstraints: model server pods have neither topologySpreadConstraints nor podAntiAffinity`]],
  ['reliability/priority-class', (s) => { delete spec(s).priorityClassName; },
    [`${base}.priorityClassName: model server pods have no priorityClassName`]],
];

test('every rule has a failing case', () => {
  expect(new Set(CASES.map((c) => c[0]))).toEqual(new Set(ALL_RULE_IDS));
});

test.each(CASES)('failing case: %s', (id, mutate, expected) => {
  const set = goodSet();
  mutate(set);
  expect(findingsOf(set, id)).toEqual(expected);
});

describe('finding fields', () => {
  test('a finding names rule, severity, object, path, message, fix', () => {
    const set = goodSet();
    c0(set).image = 'registry.internal/vllm:v1';
    const report = new PolicyEngine(OPTIONS).run(set.map((manifest) => ({ manifest: manifest as any, constructPath: 'app/chart/vllm' })));
    expect(report.findings).toEqual([{
      ruleId: 'sovereignty/image-digest',
      severity: 'error',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ai', name: 'vllm' },
      path: `${cpath}.image`,
      message: 'container "vllm" image "registry.internal/vllm:v1" is not pinned by digest (@sha256:<64 hex>)',
      fix: 'reference the image by digest: <registry>/<repository>@sha256:<digest>.',
      constructPath: 'app/chart/vllm',
    }]);
    expect(report.toText()).toBe(
      `error sovereignty/image-digest Deployment ai/vllm ${cpath}.image: container "vllm" image "registry.internal/vllm:v1" is not pinned by digest (@sha256:<64 hex>) ` +
      'Fix: reference the image by digest: <registry>/<repository>@sha256:<digest>. [construct: app/chart/vllm]\n' +
      '1 finding (1 errors, 0 warnings), 0 suppressed, 3 objects checked by pss-restricted, sovereignty, reliability');
    expect(report.toJson().counts).toEqual({ findings: 1, errors: 1, warnings: 0, suppressed: 0, objects: 3, byRule: { 'sovereignty/image-digest': 1 } });
  });
});

describe('details of the sovereignty rules', () => {
  test('registries are not checked when none are configured, digests still are', () => {
    const set = goodSet();
    c0(set).image = `quay.io/x/y@${DIGEST}`;
    expect(findingsOf(set, 'sovereignty/approved-registry', { internalCidrs: ['10.0.0.0/8'] })).toEqual([]);
    expect(findingsOf(set, 'sovereignty/approved-registry')).toHaveLength(1);
  });
  test('an ipBlock inside an internal CIDR passes; none declared fails', () => {
    const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'dns', namespace: 'ai' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.96.0.10/32' } }] }] } };
    expect(findingsOf([...goodSet(), np], 'sovereignty/egress-ip-block')).toEqual([]);
    expect(findingsOf([...goodSet(), np], 'sovereignty/egress-ip-block', {})).toEqual([
      'spec.egress[0].to[0].ipBlock.cidr: egress ipBlock 10.96.0.10/32 is not inside the internal CIDRs (none declared)',
    ]);
  });
  test('a default-deny with rules or without Egress does not count', () => {
    const set = goodSet();
    set[0].spec.policyTypes = ['Ingress'];
    expect(findingsOf(set, 'sovereignty/default-deny')).toHaveLength(1);
  });
  test('model sources: s3, pvc, local paths, approved oci and in-cluster URLs pass; hf:// fails', () => {
    const set = goodSet();
    c0(set).args = ['--model', 'pvc://models/llama', '--tokenizer=/mnt/models/tok'];
    c0(set).env.push({ name: 'HF_ENDPOINT', value: 'http://hf-mirror.models.svc.cluster.local:8080' });
    expect(findingsOf(set, 'sovereignty/model-source')).toEqual([]);
    const llm = {
      apiVersion: 'serving.kserve.io/v1alpha2', kind: 'LLMInferenceService', metadata: { name: 'llm', namespace: 'ai' },
      spec: { model: { uri: 'hf://meta-llama/Llama-3.1-8B' } },
    };
    expect(findingsOf([llm], 'sovereignty/model-source')).toEqual([
      'spec.model.uri: model source "hf://meta-llama/Llama-3.1-8B" is outside the platform (allowed: s3://, pvc://, oci:// from an approved registry, in-cluster URLs, local paths)',
    ]);
    llm.spec.model.uri = 'oci://registry.internal/models/llama:1';
    expect(findingsOf([llm], 'sovereignty/model-source')).toEqual([]);
    llm.spec.model.uri = 'oci://ghcr.io/models/llama:1';
    expect(findingsOf([llm], 'sovereignty/model-source')).toHaveLength(1);
  });
  test('`vllm serve <model>` in a shell command is checked', () => {
    const set = goodSet();
    c0(set).command = ['sh', '-c', 'vllm serve Qwen/Qwen2.5-7B --port 8000'];
    c0(set).args = [];
    expect(findingsOf(set, 'sovereignty/model-source')).toEqual([
      `${cpath}.command[2]: model source "Qwen/Qwen2.5-7B" is outside the platform (allowed: s3://, pvc://, oci:// from an approved registry, in-cluster URLs, local paths)`,
    ]);
  });
  test('model servers are found by image even without the label', () => {
    const set = goodSet();
    delete set[1].spec.template.metadata.labels['sovereign-ai.dev/component'];
    c0(set).env = [];
    expect(findingsOf(set, 'sovereignty/telemetry')).toEqual([
      `${cpath}.env: model server container "vllm" does not set VLLM_NO_USAGE_STATS=1, DO_NOT_TRACK=1, HF_HUB_OFFLINE=1`,
    ]);
    c0(set).image = `registry.internal/team/api@${DIGEST}`;
    expect(findingsOf(set, 'sovereignty/telemetry')).toEqual([]);
  });
  test('a Service declared as ingress by annotation or option passes', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'gw', namespace: 'edge', annotations: { 'sovereign-ai.dev/ingress': 'true' } }, spec: { type: 'LoadBalancer' } };
    expect(findingsOf([svc], 'sovereignty/service-exposure')).toEqual([]);
    const plain = { ...svc, metadata: { name: 'gw', namespace: 'edge' } };
    expect(findingsOf([plain], 'sovereignty/service-exposure', { ingressServices: ['edge/gw'] })).toEqual([]);
  });
  test('operator-default images of MinIO and CloudNativePG are findings', () => {
    const tenant = { apiVersion: 'minio.min.io/v2', kind: 'Tenant', metadata: { name: 't', namespace: 'storage' }, spec: { pools: [] } };
    const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'db' }, spec: { instances: 1 } };
    expect(findingsOf([tenant, cluster], 'sovereignty/image-digest')).toEqual([
      'spec.image: Tenant does not set spec.image, so the operator\'s default (public, unpinned) MinIO image is used',
      'spec.imageName: Cluster sets neither spec.imageName nor spec.imageCatalogRef, so the operator\'s default (public, unpinned) PostgreSQL image is used',
    ]);
  });
});

describe('details of the reliability rules', () => {
  test('single-replica workloads need no PDB; matchExpressions selectors match', () => {
    const set = goodSet();
    set[1].spec.replicas = 1;
    set.splice(2, 1);
    expect(findingsOf(set, 'reliability/pdb')).toEqual([]);
    const set2 = goodSet();
    set2[2].spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['vllm', 'x'] }] };
    expect(findingsOf(set2, 'reliability/pdb')).toEqual([]);
    set2[2].metadata.namespace = 'other';
    expect(findingsOf(set2, 'reliability/pdb')).toHaveLength(1);
  });
  test('podAntiAffinity satisfies the spread rule', () => {
    const set = goodSet();
    delete spec(set).topologySpreadConstraints;
    spec(set).affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } }] } };
    expect(findingsOf(set, 'reliability/topology-spread')).toEqual([]);
  });
  test('Jobs need no probes', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ai' }, spec: { template: { spec: { ...deployment().spec.template.spec, containers: [{ ...container('j'), livenessProbe: undefined, readinessProbe: undefined }] } } } };
    expect(findingsOf([job], 'reliability/probes')).toEqual([]);
  });
});

describe('Pod Security versions', () => {
  test('1.35 relaxes runAsNonRoot for hostUsers: false; 1.34 does not', () => {
    const set = goodSet();
    delete spec(set).securityContext.runAsNonRoot;
    delete c0(set).securityContext.runAsNonRoot;
    spec(set).hostUsers = false;
    const run = (version: PodSecurityVersion) => new PolicyEngine({ packs: [PodSecurityPack.restricted({ version })] })
      .run([{ manifest: set[1] as any }]).findings.map((f) => f.ruleId);
    expect(run(PodSecurityVersion.V1_34)).toEqual(['pss-restricted/run-as-non-root']);
    expect(run(PodSecurityVersion.V1_35)).toEqual([]);
  });
  test('versions before 1.34 are rejected', () => {
    expect(() => PodSecurityVersion.of(33)).toThrow(
      'PodSecurityVersion: invalid minor: 33. Allowed: an integer >= 34 (Kubernetes 1.34 or later). Fix: pick the Kubernetes minor version of your oldest cluster, e.g. PodSecurityVersion.of(34).');
  });
});

test('unused fixture helpers stay in sync', () => {
  expect(IMAGE).toContain(DIGEST);
  expect(pdb().spec.selector.matchLabels).toEqual(deployment().spec.selector.matchLabels);
});
