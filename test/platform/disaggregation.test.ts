import { Testing } from 'cdk8s';
import { Precision } from '../../lib/compute';
import { SovereignInferenceStack } from '../../lib/platform';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';
import { baseProps, fixture, model, podSecurityRestricted } from './fixtures';

function build() {
  const f = fixture();
  const stack = new SovereignInferenceStack(f.chart, 'Serving', {
    ...baseProps(f),
    models: [model(f, 'llama-70b', 70, { precision: Precision.BF16, replicas: 1, disaggregation: { prefillReplicas: 2 } })],
  });
  return { f, stack, objects: Testing.synth(f.chart) };
}

const LABELS = {
  'sovereign-ai.dev/model': 'llama-70b',
  'sovereign-ai.dev/component': 'model-server',
  'sovereign-ai.dev/tenant': 'claims',
  'app.kubernetes.io/name': 'vllm',
  'app.kubernetes.io/instance': 'llama-70b',
  'app.kubernetes.io/part-of': 'sovereign-inference-stack',
  'app.kubernetes.io/managed-by': 'sovereign-ai-platform',
};

describe('prefill/decode disaggregation (KServe LLMInferenceService)', () => {
  const { stack, objects } = build();
  const isvc = objects.find((o) => o.kind === 'LLMInferenceService');

  test('spec.prefill: replicas, role labels (copied onto the prefill pods), its own template, same parallelism', () => {
    const { template, ...prefill } = isvc.spec.prefill;
    expect(prefill).toEqual({
      replicas: 2,
      labels: { ...LABELS, 'llm-d.ai/role': 'prefill' },
      parallelism: { tensor: 4 },
    });
    expect(isvc.spec.labels).toEqual({ ...LABELS, 'llm-d.ai/role': 'decode' });
    expect(isvc.spec.replicas).toBe(1);
    expect(isvc.spec.parallelism).toEqual({ tensor: 4 });
    expect(template.containers.map((c: any) => c.name)).toEqual(['main']);
    expect(template.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
    expect(template.priorityClassName).toBe('serving-inference');
  });

  test('prefill and decode vLLM both run the NIXL connector with the side channel on the pod IP', () => {
    for (const spec of [isvc.spec.template, isvc.spec.prefill.template]) {
      const c = spec.containers[0];
      expect(c.args.slice(-2)).toEqual(['--kv-transfer-config', '{"kv_connector":"NixlConnector","kv_role":"kv_both"}']);
      expect(c.env).toContainEqual({ name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
      expect(c.env).toContainEqual({ name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: '5600' });
    }
  });

  test('the planner counts prefill replicas: 1 decode + 2 prefill replicas of TP 4', () => {
    const planned = stack.plan!.models.find((m) => m.name === 'llama-70b')!;
    expect(planned.share.tensorParallel).toBe(4);
    expect(planned.replicas.length).toBe(3);
  });

  test('prefill replicas that do not fit the pool are a planner error', () => {
    const f = fixture();
    expect(() => new SovereignInferenceStack(f.chart, 'Serving', {
      ...baseProps(f),
      models: [model(f, 'llama-70b', 70, { precision: Precision.BF16, replicas: 2, disaggregation: { prefillReplicas: 3 } })],
    })).toThrow('planner: inventory too small: 1 replica does not fit (llama-70b#4); the plan needs 20 H100-80GB GPUs, the inventory has 16 (2 x 8): needs 4 more H100-80GB GPUs (1 more node of 8). Fix: add nodes, or lower replicas, precision or context length.');
  });

  test('the endpoint picker uses the prefill and decode scheduling profiles', () => {
    const cfg = JSON.parse(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'llama-70b-pool-epp').data['epp-config.yaml']);
    expect(cfg.schedulingProfiles.map((p: any) => [p.name, p.plugins[0]])).toEqual([
      ['prefill', { pluginRef: 'prefill-filter' }], ['decode', { pluginRef: 'decode-filter' }],
    ]);
    expect(cfg.plugins).toContainEqual({ type: 'disagg-profile-handler', parameters: { deciders: { prefill: 'prefix-based-pd-decider' } } });
  });

  test('the InferencePool selects decode and prefill pods (the picker partitions them by llm-d.ai/role)', () => {
    const pool = objects.find((o) => o.kind === 'InferencePool');
    expect(pool.spec.selector).toEqual({ matchLabels: { 'sovereign-ai.dev/model': 'llama-70b', 'sovereign-ai.dev/component': 'model-server' } });
  });

  test('one flow between the model pods: routing sidecar -> prefill HTTP and the NIXL handshake', () => {
    const egress = objects.find((o) => o.metadata.name === 'llama-70b-kv-transfer-egress');
    const sel = { matchLabels: { 'sovereign-ai.dev/model': 'llama-70b', 'sovereign-ai.dev/component': 'model-server' } };
    expect(egress.spec).toEqual({
      podSelector: sel,
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'claims' } }, podSelector: sel }],
        ports: [{ port: 8000, protocol: 'TCP' }, { port: 5600, protocol: 'TCP' }],
      }],
    });
    expect(objects.find((o) => o.metadata.name === 'llama-70b-kv-transfer-ingress').spec.ingress[0].ports)
      .toEqual([{ port: 8000, protocol: 'TCP' }, { port: 5600, protocol: 'TCP' }]);
  });

  test('decode and prefill pods pass Pod Security restricted (lib/policy pack)', () => {
    const { findings, pods } = podSecurityRestricted(objects);
    expect(findings).toEqual([]);
    expect(pods).toBe(6); // decode, prefill, endpoint picker + the fixture's MinIO pool and two bucket-setup Jobs
  });
});

describeWithSchemas('disaggregation conformance', () => {
  test('every object conforms', () => expectConformant(build().objects));
});
