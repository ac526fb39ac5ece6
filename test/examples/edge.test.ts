import { App, Testing } from 'cdk8s';
import { buildEdgePlatform, EDGE_REGISTRY } from '../../examples/edge/app';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';

const objects: any[] = buildEdgePlatform(Testing.app() as App).flatMap((c) => Testing.synth(c));

describe('edge example', () => {
  test('Ollama Deployment, one replica, weights from the local PVC, telemetry off', () => {
    const dep = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'llama-3-2-3b');
    expect(dep.spec.replicas).toBe(1);
    const c = dep.spec.template.spec.containers[0];
    expect(c.image).toBe(`${EDGE_REGISTRY}/ollama/ollama@sha256:${'6'.repeat(64)}`);
    expect(c.args).toEqual(['serve']);
    expect(c.env).toContainEqual({ name: 'OLLAMA_MODELS', value: '/models/llama-3-2-3b' });
    expect(c.env).toContainEqual({ name: 'DO_NOT_TRACK', value: '1' });
    expect(dep.spec.template.spec.volumes).toContainEqual({ name: 'models', persistentVolumeClaim: { claimName: 'models', readOnly: false } });
    const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim');
    expect(pvc.spec.storageClassName).toBe('local-path');
    expect(pvc.spec.resources.requests.storage).toBe('50Gi');
  });
  test('no GPU pool objects, no InferencePool, no KServe; route goes to the Service', () => {
    expect(objects.filter((o) => ['InferencePool', 'LLMInferenceService', 'ScaledObject'].includes(o.kind))).toEqual([]);
    const route = objects.find((o) => o.kind === 'HTTPRoute');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'llama-3-2-3b', port: 11434 }]);
  });
  test('default-deny in the tenant namespace and no egress outside the platform', () => {
    expect(objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny').spec)
      .toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) {
      for (const rule of np.spec.egress ?? []) for (const peer of rule.to) expect(peer.ipBlock).toBeUndefined();
    }
  });
});

describeWithSchemas('edge conformance', () => {
  test('every object conforms', () => expectConformant(objects));
});
