import { Testing } from 'cdk8s';
import { SovereignInferenceStack, StackProfile } from '../../lib/platform';
import { ModelSource, ServingEngine } from '../../lib/serving';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';
import { REGISTRY, baseProps, digest, fixture, image, podSecurityRestricted } from './fixtures';

type Engine = 'ollama' | 'vllm-cpu';

function build(engine: Engine, extra: Record<string, unknown> = {}, modelExtra: Record<string, unknown> = {}) {
  const f = fixture();
  const stack = new SovereignInferenceStack(f.chart, 'Edge', {
    registry: REGISTRY,
    images: { modelServer: image(engine === 'ollama' ? 'ollama/ollama' : 'vllm/vllm-cpu'), auditLogShipper: image('timberio/vector') },
    tenants: [f.claims],
    profile: StackProfile.edge({ engine: engine === 'ollama' ? ServingEngine.ollama() : ServingEngine.vllmCpu(), modelVolumeGiB: 40 }),
    clients: [{ namespace: 'apps', podSelector: { app: 'triage' } }],
    ...extra,
    models: [{ name: 'qwen-3b', tenant: f.claims, source: ModelSource.fromLocalVolume('qwen-3b'), parametersBillions: 3, ...modelExtra }],
  });
  return { f, stack, objects: Testing.synth(f.chart) };
}

const named = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const SC = {
  allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65532,
  capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
};
const OFFLINE = [
  { name: 'HF_HUB_OFFLINE', value: '1' }, { name: 'TRANSFORMERS_OFFLINE', value: '1' }, { name: 'HF_HUB_DISABLE_TELEMETRY', value: '1' },
  { name: 'VLLM_NO_USAGE_STATS', value: '1' }, { name: 'DO_NOT_TRACK', value: '1' },
  { name: 'HOME', value: '/tmp' }, { name: 'XDG_CACHE_HOME', value: '/cache' },
];

describe('edge profile, vLLM CPU engine', () => {
  const { objects } = build('vllm-cpu', {}, { contextLength: 4096 });
  const dep = named(objects, 'Deployment', 'qwen-3b');
  const c = dep.spec.template.spec.containers[0];

  test('one-replica Deployment (Recreate), no GPU, weights read-only from the node volume', () => {
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
    expect(c.image).toBe(`${REGISTRY}/vllm/vllm-cpu@${digest('vllm/vllm-cpu')}`);
    expect(c.command).toEqual(['vllm']);
    expect(c.args).toEqual(['serve', '/models/qwen-3b', '--served-model-name', 'qwen-3b', '--host', '0.0.0.0', '--port', '8000', '--max-model-len', '4096']);
    expect(c.resources).toEqual({
      requests: { 'cpu': '2', 'memory': '8Gi', 'ephemeral-storage': '12Gi' },
      limits: { 'cpu': '2', 'memory': '8Gi', 'ephemeral-storage': '12Gi' },
    });
    expect(c.env).toEqual([
      ...OFFLINE,
      { name: 'HF_HOME', value: '/cache/huggingface' }, { name: 'VLLM_CACHE_ROOT', value: '/cache/vllm' },
      { name: 'VLLM_CONFIG_ROOT', value: '/cache/vllm-config' },
    ]);
    expect(c.securityContext).toEqual(SC);
    expect(c.volumeMounts).toContainEqual({ name: 'models', mountPath: '/models', readOnly: true });
    expect(dep.spec.template.spec.volumes).toContainEqual({ name: 'models', persistentVolumeClaim: { claimName: 'models', readOnly: true } });
    expect(named(objects, 'PersistentVolumeClaim', 'models').spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', resources: { requests: { storage: '40Gi' } },
    });
  });

  test('no GPU, KServe, InferencePool or autoscaling objects; the route goes to the Service on 8000', () => {
    expect(objects.filter((o) => ['LLMInferenceService', 'InferencePool', 'ScaledObject', 'ResourceClaimTemplate'].includes(o.kind))).toEqual([]);
    expect(named(objects, 'HTTPRoute', 'qwen-3b').spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'qwen-3b', port: 8000 }]);
  });

  test('vLLM metrics are scraped (PodMonitor + an explicit Prometheus flow)', () => {
    expect(named(objects, 'PodMonitor', 'qwen-3b').spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
    expect(named(objects, 'NetworkPolicy', 'claims-qwen-3b-metrics-ingress').spec.ingress[0].ports).toEqual([{ port: 8000, protocol: 'TCP' }]);
  });

  test('Pod Security restricted (lib/policy pack)', () => {
    expect(podSecurityRestricted(objects).findings).toEqual([]);
  });

  test('vLLM CPU may stream weights from a platform bucket', () => {
    const f = fixture();
    new SovereignInferenceStack(f.chart, 'Edge', {
      registry: REGISTRY, images: { modelServer: image('vllm/vllm-cpu') }, tenants: [f.claims],
      profile: StackProfile.edge({ engine: ServingEngine.vllmCpu() }),
      models: [{ name: 'qwen-3b', tenant: f.claims, source: ModelSource.fromBucket(f.models, 'qwen-3b'), parametersBillions: 3 }],
    });
    const d = named(Testing.synth(f.chart), 'Deployment', 'qwen-3b').spec.template.spec.containers[0];
    expect(d.args.slice(0, 2)).toEqual(['serve', 's3://models/qwen-3b']);
    expect(d.args).toContain('runai_streamer');
    expect(d.env).toContainEqual({ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'models-read-s3-credentials', key: 'AWS_SECRET_ACCESS_KEY' } } });
  });
});

describe('edge profile, Ollama engine', () => {
  const { objects, stack } = build('ollama', { localAuditLog: { volumeGiB: 5 } });
  const dep = named(objects, 'Deployment', 'qwen-3b');
  const c = dep.spec.template.spec.containers[0];

  test('Ollama serve on 11434, models on the writable node volume, offline', () => {
    expect(c.command).toEqual(['ollama']);
    expect(c.args).toEqual(['serve']);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 11434, protocol: 'TCP' }]);
    expect(c.env).toEqual([
      ...OFFLINE,
      { name: 'OLLAMA_HOST', value: '0.0.0.0:11434' }, { name: 'OLLAMA_MODELS', value: '/models/qwen-3b' }, { name: 'OLLAMA_NOPRUNE', value: '1' },
    ]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/api/version', port: 'http', scheme: 'HTTP' });
    expect(c.volumeMounts).toContainEqual({ name: 'models', mountPath: '/models', readOnly: false });
    expect(c.securityContext).toEqual(SC);
  });

  test('no vLLM metrics (Ollama has none): no PodMonitor', () => {
    expect(objects.filter((o) => o.kind === 'PodMonitor' || o.kind === 'PrometheusRule')).toEqual([]);
    expect(named(objects, 'HTTPRoute', 'qwen-3b').spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'qwen-3b', port: 11434 }]);
  });

  test('audit trail on a local volume: Vector file sink, the claim mounted, Recreate', () => {
    const shipper = stack.auditShippers.get('claims')!;
    expect(shipper.name).toBe('claims-audit-log');
    const cfg = JSON.parse(named(objects, 'ConfigMap', 'claims-audit-log').data['vector.yaml']);
    expect(cfg.sinks).toEqual({
      audit_volume: {
        type: 'file', inputs: ['otlp.logs'], path: '/audit/claims/%Y-%m-%d.jsonl', encoding: { codec: 'json' },
        acknowledgements: { enabled: true },
      },
    });
    const d = named(objects, 'Deployment', 'claims-audit-log');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.volumes).toContainEqual({ name: 'audit', persistentVolumeClaim: { claimName: 'audit-log' } });
    expect(d.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'audit', mountPath: '/audit' });
    expect(d.spec.template.spec.containers[0].env).toEqual([]); // no bucket, no credentials
    const pvc = named(objects, 'PersistentVolumeClaim', 'audit-log');
    expect(pvc.metadata.labels['sovereign-ai.dev/data-bearing']).toBe('true');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', resources: { requests: { storage: '5Gi' } } });
    expect(named(objects, 'NetworkPolicy', 'claims-inference-audit-log-ingress').spec.ingress[0].ports)
      .toEqual([{ port: 4317, protocol: 'TCP' }, { port: 4318, protocol: 'TCP' }]);
  });

  test('Pod Security restricted (lib/policy pack)', () => {
    const { findings, pods } = podSecurityRestricted(objects);
    expect(findings).toEqual([]);
    expect(pods).toBe(5); // Ollama, audit shipper + the fixture's MinIO pool and two bucket-setup Jobs
  });
});

describe('edge bad input', () => {
  test('more than one replica', () => {
    expect(() => build('ollama', {}, { replicas: 2 })).toThrow(
      'test/Edge: invalid models[0].maxReplicas: 2. Allowed: 1 in the edge profile (single node). Fix: remove replicas/maxReplicas, or use StackProfile.datacenter().');
  });
  test('Ollama with a bucket source', () => {
    const f = fixture();
    expect(() => build('ollama', {}, { source: ModelSource.fromBucket(f.models, 'qwen') })).toThrow(
      'test/Edge: invalid models[0].source: "s3://models/qwen". Allowed: ModelSource.fromLocalVolume(path) with the Ollama engine. Fix: stage the weights on the node\'s model volume, or use ServingEngine.vllmCpu() to stream from the bucket.');
  });
  test('disaggregation on an edge engine', () => {
    expect(() => build('vllm-cpu', {}, { disaggregation: {} })).toThrow(
      'test/Edge/qwen-3b/Server: invalid disaggregation: {}. Allowed: only with ServingEngine.kserve(). Fix: remove disaggregation or use ServingEngine.kserve() (llm-d prefill/decode pools).');
  });
  test('localAuditLog together with an audit bucket', () => {
    const f = fixture();
    expect(() => build('ollama', { localAuditLog: {}, auditBucket: f.audit })).toThrow(
      'test/Edge: invalid localAuditLog: {}. Allowed: either auditBucket or localAuditLog, not both. Fix: keep auditBucket (WORM) wherever an object store is reachable; remove localAuditLog.');
  });
  test('localAuditLog in the datacenter profile', () => {
    const f = fixture();
    expect(() => new SovereignInferenceStack(f.chart, 'Serving', { ...baseProps(f), localAuditLog: { volumeGiB: 5 } })).toThrow(
      'test/Serving: invalid localAuditLog: {"volumeGiB":5}. Allowed: only with StackProfile.edge() (a local volume is not WORM). Fix: log to a WORM bucket with auditBucket (e.g. a MinioBucket with object lock).');
  });
  test('localAuditLog without the shipper image', () => {
    const f = fixture();
    expect(() => new SovereignInferenceStack(f.chart, 'Edge', {
      registry: REGISTRY, images: { modelServer: image('ollama/ollama') }, tenants: [f.claims],
      profile: StackProfile.edge(), localAuditLog: {},
    })).toThrow(
      'test/Edge: invalid images.auditLogShipper: undefined. Allowed: the Vector image, pinned by digest, when auditBucket or localAuditLog is set. Fix: mirror the Vector image into your registry and pass it as images.auditLogShipper.');
  });
});

describeWithSchemas('edge engines conformance', () => {
  test('vLLM CPU', () => expectConformant(build('vllm-cpu').objects));
  test('Ollama with a local audit log', () => expectConformant(build('ollama', { localAuditLog: {} }).objects));
});
