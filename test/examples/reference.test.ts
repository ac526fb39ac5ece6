import { App, Testing } from 'cdk8s';
import { buildReferencePlatform, DEFAULT_REFERENCE_CONFIG } from '../../examples/reference/platform';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';

const app = Testing.app();
const charts = buildReferencePlatform(app as App);
const objects: any[] = charts.flatMap((c) => Testing.synth(c));

function podSpecs(): Array<{ o: any; spec: any }> {
  const out: Array<{ o: any; spec: any }> = [];
  for (const o of objects) {
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'Job') out.push({ o, spec: o.spec.template.spec });
    if (o.kind === 'LLMInferenceService') {
      out.push({ o, spec: o.spec.template });
      if (o.spec.prefill) out.push({ o, spec: o.spec.prefill.template });
    }
  }
  return out;
}

describe('reference platform', () => {
  test('a hospital: two tenants, three models, one pool, models + audit buckets', () => {
    expect(DEFAULT_REFERENCE_CONFIG.tenants.map((t) => t.name)).toEqual(['radiology', 'claims']);
    expect(objects.filter((o) => o.kind === 'LLMInferenceService').map((o) => o.metadata.name)).toEqual(
      DEFAULT_REFERENCE_CONFIG.models.map((m) => m.name));
    expect(objects.filter((o) => o.kind === 'Tenant').length).toBe(1);
  });

  test('every pod passes Pod Security restricted (controls checked literally)', () => {
    const specs = podSpecs();
    expect(specs.length).toBeGreaterThan(5);
    for (const { o, spec } of specs) {
      const where = `${o.kind}/${o.metadata.name}`;
      expect([where, spec.securityContext?.runAsNonRoot ?? spec.containers.every((c: any) => c.securityContext?.runAsNonRoot)]).toEqual([where, true]);
      expect([where, spec.securityContext?.seccompProfile?.type ?? 'RuntimeDefault']).toEqual([where, 'RuntimeDefault']);
      expect([where, spec.hostNetwork ?? false, spec.hostPID ?? false, spec.hostIPC ?? false]).toEqual([where, false, false, false]);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect([where, c.securityContext.allowPrivilegeEscalation]).toEqual([where, false]);
        expect([where, c.securityContext.capabilities.drop]).toEqual([where, ['ALL']]);
        expect([where, c.resources?.limits?.memory !== undefined]).toEqual([where, true]);
      }
      for (const v of spec.volumes ?? []) expect([where, v.hostPath]).toEqual([where, undefined]);
    }
  });

  test('every namespace that runs pods has a default-deny policy', () => {
    const namespaces = new Set(podSpecs().map(({ o }) => o.metadata.namespace));
    for (const o of objects) if (o.kind === 'Tenant') namespaces.add(o.metadata.namespace);
    for (const ns of namespaces) {
      const deny = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns
        && Object.keys(o.spec.podSelector).length === 0 && o.spec.policyTypes.includes('Ingress') && o.spec.policyTypes.includes('Egress')
        && !o.spec.ingress && !o.spec.egress);
      expect([ns, deny?.metadata.name]).toEqual([ns, 'default-deny']);
    }
  });

  test('every container image is digest-pinned from the private registry', () => {
    const pinned = new RegExp(`^${DEFAULT_REFERENCE_CONFIG.registry.replace(/\./g, '\\.')}/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$`);
    const images: string[] = [];
    for (const { spec } of podSpecs()) for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) images.push(c.image);
    for (const o of objects) if (o.kind === 'Tenant') images.push(o.spec.image.repository + (o.spec.image.digest ? `@${o.spec.image.digest}` : ''));
    expect(images.length).toBeGreaterThan(5);
    for (const i of images.filter((x) => !x.includes('undefined'))) expect(i).toMatch(pinned);
  });

  test('no egress rule reaches outside the platform', () => {
    const internal = ['10.0.0.10/32'];
    for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) {
      for (const rule of np.spec.egress ?? []) {
        expect([np.metadata.name, (rule.to ?? []).length > 0]).toEqual([np.metadata.name, true]);
        for (const peer of rule.to) {
          if (peer.ipBlock) expect(internal).toContain(peer.ipBlock.cidr);
          else expect([np.metadata.name, peer.namespaceSelector !== undefined || peer.podSelector !== undefined]).toEqual([np.metadata.name, true]);
        }
        expect([np.metadata.name, (rule.ports ?? []).length > 0]).toEqual([np.metadata.name, true]);
      }
    }
  });

  test('synth is deterministic', () => {
    const again = buildReferencePlatform(Testing.app() as App).flatMap((c) => Testing.synth(c));
    expect(JSON.stringify(again)).toBe(JSON.stringify(objects));
  });
});

describeWithSchemas('reference platform conformance', () => {
  test('every object conforms to Kubernetes 1.34 + CRDs', () => expectConformant(objects));
});
