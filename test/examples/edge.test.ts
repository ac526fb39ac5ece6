import { App, Testing } from 'cdk8s';
import { buildEdgePlatform, EDGE_IMAGE_DIGESTS, EDGE_REGISTRY } from '../../examples/edge/app';
import {
  PodSecurityPack, PodSecurityVersion, checkManifests, formatFinding, isDefaultDeny, podViews, toPolicyObjects,
} from '../../lib/policy';
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
    const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'models');
    expect(pvc.spec.storageClassName).toBe('local-path');
    expect(pvc.spec.resources.requests.storage).toBe('50Gi');
  });
  test('no GPU pool objects, no InferencePool, no KServe; route goes to the Service', () => {
    expect(objects.filter((o) => ['InferencePool', 'LLMInferenceService', 'ScaledObject'].includes(o.kind))).toEqual([]);
    const route = objects.find((o) => o.kind === 'HTTPRoute');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'llama-3-2-3b', port: 11434 }]);
  });
  test('audit trail: every request logged by Vector to a local volume (no object store at the edge, so not WORM)', () => {
    const shipper = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'clinic-audit-log');
    const c = shipper.spec.template.spec.containers[0];
    expect(c.image).toBe(`${EDGE_REGISTRY}/timberio/vector@${EDGE_IMAGE_DIGESTS.vector}`);
    expect(shipper.spec.template.spec.volumes).toContainEqual({ name: 'audit', persistentVolumeClaim: { claimName: 'audit-log' } });
    const cfg = JSON.parse(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'clinic-audit-log').data['vector.yaml']);
    expect(cfg.sinks.audit_volume.path).toBe('/audit/clinic/%Y-%m-%d.jsonl');
    const pvc = objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'audit-log');
    expect(pvc.spec.resources.requests.storage).toBe('5Gi');
    // the gateway is the only sender
    const ingress = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'clinic-inference-audit-log-ingress');
    expect(ingress.spec.ingress[0].from[0].podSelector).toEqual({ matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'clinic-inference' } });
  });

  test('every pod passes Pod Security restricted (lib/policy pack) and runs in a default-deny namespace', () => {
    const report = checkManifests(objects, { packs: [PodSecurityPack.restricted({ version: PodSecurityVersion.V1_34 })] });
    expect(report.findings.map(formatFinding)).toEqual([]);
    const pods = toPolicyObjects(objects).flatMap((o) => podViews(o));
    expect(pods.map((p) => p.object.manifest.metadata?.name).sort()).toEqual(['clinic-audit-log', 'llama-3-2-3b']);
    for (const p of pods) {
      expect(objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === p.namespace && isDefaultDeny(o))).toBe(true);
      for (const c of p.containers) expect(c.container.image).toMatch(new RegExp(`^${EDGE_REGISTRY.replace(/\./g, '\\.')}/[a-z0-9/._-]+@sha256:[a-f0-9]{64}$`));
    }
  });

  test('synth is deterministic', () => {
    const again = buildEdgePlatform(Testing.app() as App).flatMap((c) => Testing.synth(c));
    expect(JSON.stringify(again)).toBe(JSON.stringify(objects));
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
