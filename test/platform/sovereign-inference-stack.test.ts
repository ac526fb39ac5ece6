import { Testing } from 'cdk8s';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';
import { Precision } from '../../lib/compute';
import { SovereignInferenceStack, StackProfile } from '../../lib/platform';
import { ContainerImage } from '../../lib/core';
import { ModelSource, ServingEngine } from '../../lib/serving';
import { REGISTRY, baseProps, fixture, image, model } from './fixtures';

function build(extra: Record<string, unknown> = {}, models?: (f: ReturnType<typeof fixture>) => any[]) {
  const f = fixture();
  const stack = new SovereignInferenceStack(f.chart, 'Serving', {
    ...baseProps(f, { auditBucket: f.audit, clients: [{ namespace: 'apps', podSelector: { app: 'ehr' } }], ...extra }),
    models: models ? models(f) : [model(f, 'llama-8b', 8, { minReplicas: 1, maxReplicas: 3, precision: Precision.BF16 })],
  });
  return { f, stack, objects: Testing.synth(f.chart) };
}

const find = (objs: any[], kind: string, name?: string) => objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('SovereignInferenceStack (KServe engine)', () => {
  const { objects, stack } = build();

  test('emits one LLMInferenceService v1alpha2 with the model from the bucket', () => {
    const [isvc] = find(objects, 'LLMInferenceService');
    expect(isvc.apiVersion).toBe('serving.kserve.io/v1alpha2');
    expect(isvc.metadata.name).toBe('llama-8b');
    expect(isvc.metadata.namespace).toBe('claims');
    expect(isvc.spec.model).toEqual({ uri: 's3://models/llama-8b', name: 'llama-8b' });
    expect(isvc.spec.storageInitializer).toEqual({ enabled: false });
    expect(isvc.spec.scaling.minReplicas).toBe(1);
    expect(isvc.spec.scaling.maxReplicas).toBe(3);
    expect(isvc.spec.scaling.keda.triggers[0].type).toBe('prometheus');
    expect(isvc.spec.scaling.keda.triggers[0].metadata.query).toBe('sum(vllm:num_requests_waiting{namespace="claims",model_name="llama-8b"})');
    expect(isvc.spec.replicas).toBeUndefined();
    expect(isvc.spec.router).toEqual({
      gateway: { refs: [{ name: 'claims-inference', namespace: 'claims' }] },
      route: { http: { refs: [{ name: 'llama-8b' }] } },
      scheduler: { pool: { ref: { name: 'llama-8b-pool' } } },
    });
  });

  test('the vLLM container is offline, restricted, probed and has requests = limits and a GPU', () => {
    const [isvc] = find(objects, 'LLMInferenceService');
    const c = isvc.spec.template.containers[0];
    expect(c.name).toBe('main');
    expect(c.image).toMatch(new RegExp(`^${REGISTRY}/vllm/vllm-openai@sha256:[a-f0-9]{64}$`));
    const env = Object.fromEntries(c.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
    expect(env.HF_HUB_OFFLINE).toBe('1');
    expect(env.VLLM_NO_USAGE_STATS).toBe('1');
    expect(env.DO_NOT_TRACK).toBe('1');
    expect(c.args.slice(0, 2)).toEqual(['serve', 's3://models/llama-8b']);
    expect(c.args).toContain('runai_streamer');
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65532,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources.requests).toEqual({ 'cpu': '4', 'memory': '32Gi', 'ephemeral-storage': '12Gi', 'nvidia.com/gpu': '1' });
    expect(c.resources.limits).toEqual(c.resources.requests);
    expect(c.startupProbe.httpGet).toEqual({ path: '/health', port: 'http', scheme: 'HTTP' });
    expect(isvc.spec.template.automountServiceAccountToken).toBe(false);
    expect(isvc.spec.template.priorityClassName).toBe('serving-inference');
    // the bucket grant put credentials from a Secret (never literal values)
    expect(c.env.some((e: any) => e.name === 'AWS_ACCESS_KEY_ID' && e.valueFrom?.secretKeyRef)).toBe(true);
  });

  test('routing: Gateway, HTTPRoute to the InferencePool, EPP with prefix-cache scoring', () => {
    const [gw] = find(objects, 'Gateway', 'claims-inference');
    expect(gw.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gw.spec.gatewayClassName).toBe('istio');
    const [route] = find(objects, 'HTTPRoute', 'llama-8b');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama-8b-pool', port: 8000 }]);
    expect(route.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/models/llama-8b' } }]);
    const [pool] = find(objects, 'InferencePool', 'llama-8b-pool');
    expect(pool.apiVersion).toBe('inference.networking.k8s.io/v1');
    expect(pool.spec).toEqual({
      selector: { matchLabels: { 'sovereign-ai.dev/model': 'llama-8b', 'sovereign-ai.dev/component': 'model-server' } },
      targetPorts: [{ number: 8000 }],
      endpointPickerRef: { name: 'llama-8b-pool-epp', kind: 'Service', port: { number: 9002 }, failureMode: 'FailClose' },
    });
    const [cm] = find(objects, 'ConfigMap', 'llama-8b-pool-epp');
    const cfg = JSON.parse(cm.data['epp-config.yaml']);
    expect(cfg.kind).toBe('EndpointPickerConfig');
    expect(cfg.schedulingProfiles[0].plugins).toContainEqual({ pluginRef: 'prefix-cache-scorer', weight: 2 });
  });

  test('observability: PodMonitor and SLO rules', () => {
    const [pm] = find(objects, 'PodMonitor', 'llama-8b');
    expect(pm.spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
    const [rule] = find(objects, 'PrometheusRule', 'llama-8b');
    const alerts = rule.spec.groups[0].rules.map((r: any) => r.alert);
    expect(alerts).toEqual(['InferenceLatencyP95High', 'InferenceErrorRatioHigh', 'InferenceQueueSaturated', 'InferenceServerDown']);
    expect(rule.spec.groups[0].rules[0].expr).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="claims",model_name="llama-8b"}[5m]))) > 30');
  });

  test('audit: a Vector shipper per tenant writing to the WORM bucket', () => {
    const [dep] = find(objects, 'Deployment', 'claims-audit-log');
    const cfg = JSON.parse(find(objects, 'ConfigMap', 'claims-audit-log')[0].data['vector.yaml']);
    expect(cfg.sinks.audit_bucket.bucket).toBe('inference-audit');
    expect(cfg.sinks.audit_bucket.key_prefix).toBe('claims/%Y/%m/%d/');
    expect(dep.spec.template.spec.containers[0].env.some((e: any) => e.valueFrom?.secretKeyRef)).toBe(true);
  });

  test('PDB and PriorityClass', () => {
    expect(find(objects, 'PodDisruptionBudget', 'llama-8b')[0].spec.maxUnavailable).toBe(1);
    const [pc] = find(objects, 'PriorityClass');
    expect(pc.metadata.name).toBe('serving-inference');
    expect(pc.value).toBe(100000);
  });

  test('addModel returns what it created', () => {
    const m = stack.model('llama-8b')!;
    expect(m.server.name).toBe('llama-8b');
    expect(m.route.inferencePoolName).toBe('llama-8b-pool');
    expect(m.gpuRequest).toEqual({ profile: '26Gi' }); // the planner gives an 8B bf16 model a 26Gi memory share of an H100-80GB
    expect(m.flows.map((fl) => fl.egress.metadata.name)).toEqual([
      'llama-8b-from-gateway-egress', 'claims-llama-8b-metrics-egress', 'llama-8b-pool-epp-from-gateway-egress',
      'llama-8b-from-epp-egress', 'claims-llama-8b-pool-epp-metrics-egress',
    ]);
  });

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });
});

describeWithSchemas('SovereignInferenceStack conformance', () => {
  test('every object conforms (KServe engine)', () => expectConformant(build().objects));
  test('every object conforms (vLLM Deployment engine)', () => expectConformant(build({ profile: StackProfile.datacenter({ engine: ServingEngine.vllmDeployment() }) }).objects));
});

describe('vLLM Deployment engine', () => {
  const { objects } = build({ profile: StackProfile.datacenter({ engine: ServingEngine.vllmDeployment() }) });
  test('emits Deployment + Service + ScaledObject', () => {
    const [dep] = find(objects, 'Deployment', 'llama-8b');
    expect(dep.spec.replicas).toBeUndefined();
    expect(dep.spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    const [so] = find(objects, 'ScaledObject', 'llama-8b');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-8b' });
    expect(so.spec.minReplicaCount).toBe(1);
    expect(so.spec.maxReplicaCount).toBe(3);
    expect(find(objects, 'Service', 'llama-8b')[0].spec.ports[0].port).toBe(8000);
  });
});

describe('stability', () => {
  test('changing one model does not rename objects of another', () => {
    const names = (models: (f: any) => any[]) => {
      const { objects } = build({}, models);
      return objects.filter((o) => JSON.stringify(o.metadata).includes('llama-8b') || o.metadata.labels?.['sovereign-ai.dev/model'] === 'llama-8b')
        .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    };
    const a = names((f) => [model(f, 'llama-8b', 8), model(f, 'qwen-32b', 32, { tenant: f.radiology, replicas: 1 })]);
    const b = names((f) => [model(f, 'llama-8b', 8), model(f, 'qwen-32b', 70, { tenant: f.radiology, replicas: 2, precision: Precision.FP8, priority: 5 })]);
    expect(a.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
  });
});

describe('bad input', () => {
  const err = (fn: () => unknown) => {
    try { fn(); } catch (e) { return (e as Error).message; }
    throw new Error('no error');
  };
  test('model without a source', () => {
    expect(err(() => build({}, (f) => [model(f, 'x', 8, { source: undefined })]))).toBe(
      'test/Serving: invalid models[0].source: undefined. Allowed: ModelSource.fromBucket(bucket, prefix) or, at the edge, ModelSource.fromLocalVolume(path). Fix: upload the weights to a platform bucket and name it as the source.');
  });
  test('source on a public hub', () => {
    expect(err(() => build({}, (f) => [model(f, 'x', 8, { source: ModelSource.fromUri('hf://meta-llama/Llama-3.1-8B') })]))).toBe(
      'test/Serving: invalid models[0].source: "hf://meta-llama/Llama-3.1-8B". Allowed: weights in the platform\'s own storage (a bucket prefix or the local model volume); public model hubs are never contacted. Fix: mirror the weights into a MinioBucket and use ModelSource.fromBucket(bucket, prefix).');
  });
  test('replicas below 1', () => {
    expect(err(() => build({}, (f) => [model(f, 'x', 8, { replicas: 0 })]))).toBe(
      'test/Serving: invalid models[0].replicas: 0. Allowed: an integer >= 1. Fix: serve at least one replica; remove the model to stop serving it.');
  });
  test('model that does not fit the pool', () => {
    expect(err(() => build({}, (f) => [model(f, 'huge', 2000, { precision: Precision.BF16 })]))).toBe(
      'planner: invalid models[0].paramsBillions: 2000. Allowed: a model whose replica fits one node of 8 x H100-80GB (576 GiB usable); "huge" needs 4130.3 GiB (weights 3725.3 + KV cache 31.5 + overhead 373.5), i.e. a tensor-parallel group of 64 H100-80GB GPUs in one node: needs 56 more H100-80GB GPUs per node (64 per node; tensor-parallel degrees are powers of two dividing the GPUs per node). Fix: use a lower precision (fp8, int4), a shorter context or fewer concurrent sequences, or nodes with more or larger GPUs');
  });
  test('a later model that cannot fit alone names its own index', () => {
    expect(err(() => build({}, (f) => [model(f, 'small', 8), model(f, 'huge', 2000, { precision: Precision.BF16 })]))).toMatch(
      /^planner: invalid models\[1\]\.paramsBillions: 2000\. Allowed: a model whose replica fits one node/);
  });
  test('models that fit alone but not together fail synth with the planner message', () => {
    const f = fixture();
    const stack = new SovereignInferenceStack(f.chart, 'Serving', baseProps(f, { auditBucket: f.audit }));
    // each 70B bf16 replica needs a tensor-parallel group of 4 H100s: 3 + 2 replicas need 20 GPUs, the pool has 16
    stack.addModel(model(f, 'a', 70, { precision: Precision.BF16, replicas: 3 }));
    stack.addModel(model(f, 'b', 70, { precision: Precision.BF16, replicas: 2 }));
    expect(() => Testing.synth(f.chart)).toThrow(/planner: inventory too small: .*needs 4 more H100-80GB GPUs/);
    expect(() => stack.plan).toThrow(/^planner: inventory too small/);
  });
  test('image tag without digest', () => {
    expect(err(() => build({ images: { modelServer: ContainerImage.fromReference(`${REGISTRY}/vllm/vllm-openai:v0.11.0`), endpointPicker: image('epp') } }))).toBe(
      'test/Serving: invalid images.modelServer: "registry.test.internal/vllm/vllm-openai:v0.11.0". Allowed: an image pinned by digest (`<registry>/<path>@sha256:<64 hex>`). Fix: use ContainerImage.fromRegistry(registry, repository, digest), or ContainerImage.unpinned(reference, { reason }) to opt out explicitly.');
  });
  test('an unpinned image with an explicit opt-out is accepted', () => {
    const { objects } = build({ images: { modelServer: ContainerImage.unpinned(`${REGISTRY}/vllm/vllm-openai:v0.11.0`, { reason: 'vendor build' }), endpointPicker: image('epp'), auditLogShipper: image('vector') } });
    expect(find(objects, 'LLMInferenceService')[0].spec.template.containers[0].image).toBe(`${REGISTRY}/vllm/vllm-openai:v0.11.0`);
  });
  test('image from another registry', () => {
    expect(err(() => build({ images: { modelServer: ContainerImage.fromReference(`docker.io/vllm/vllm-openai@sha256:${'a'.repeat(64)}`), endpointPicker: image('epp') } }))).toBe(
      `test/Serving: invalid images.modelServer: "docker.io/vllm/vllm-openai@sha256:${'a'.repeat(64)}". Allowed: an image from the private registry "registry.test.internal". Fix: mirror the image into registry.test.internal and reference it there by digest.`);
  });
  test('duplicate model names', () => {
    expect(err(() => build({}, (f) => [model(f, 'x', 8), model(f, 'x', 3)]))).toBe(
      'test/Serving: invalid models[1].name: "x". Allowed: a name not used by another model of the stack (used: x). Fix: give each model a unique name.');
  });
  test('disaggregation on the Deployment engine', () => {
    expect(err(() => build({ profile: StackProfile.datacenter({ engine: ServingEngine.vllmDeployment() }) }, (f) => [model(f, 'x', 8, { disaggregation: {} })]))).toBe(
      'test/Serving/x/Server: invalid disaggregation: {}. Allowed: only with ServingEngine.kserve(). Fix: remove disaggregation or use ServingEngine.kserve() (llm-d prefill/decode pools).');
  });
  test('missing apiServerCidrs', () => {
    expect(err(() => build({ apiServerCidrs: [] }))).toBe(
      'test/Serving: invalid apiServerCidrs: []. Allowed: the CIDRs of the Kubernetes API server endpoints (at least one). Fix: list them with `kubectl get endpointslice -n default -l kubernetes.io/service-name=kubernetes`; the endpoint pickers watch pods through the API.');
  });
});
