import { existsSync, mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { apps } from '../../examples/multi-cluster/app';
import { SITES } from '../../examples/multi-cluster/federation';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';

const KARMADA_GROUPS = /karmada\.io\//;

function synth(): { outdir: string; apps: App[]; workloads: any[]; karmada: any[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'multi-cluster-'));
  const all = apps(outdir);
  const [w, k] = all;
  return {
    outdir, apps: all,
    workloads: w.charts.flatMap((c) => c.toJson()),
    karmada: k.charts.flatMap((c) => c.toJson()),
  };
}

const key = (o: { apiVersion: string; kind: string; name: string }, ns?: string) => `${o.apiVersion} ${o.kind} ${ns ?? ''}/${o.name}`;
const objKey = (o: any, clusterScoped: boolean) => key({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name }, clusterScoped ? undefined : o.metadata.namespace);

describe('multi-cluster example', () => {
  const s = synth();
  const pps = s.karmada.filter((o) => o.kind === 'PropagationPolicy' || o.kind === 'ClusterPropagationPolicy');
  const selected = (p: any) => p.spec.resourceSelectors.map((r: any) => key(r, p.metadata.namespace));
  const clusterScopedKeys = new Set(pps.filter((p) => p.kind === 'ClusterPropagationPolicy').flatMap(selected));
  const workloadKeys = new Set(s.workloads.map((o) => objKey(o, !o.metadata.namespace || clusterScopedKeys.has(objKey(o, true)))));

  test('two apps with separate output folders: workloads/ and karmada/', () => {
    expect(s.apps.map((a) => a.outdir)).toEqual([join(s.outdir, 'workloads'), join(s.outdir, 'karmada')]);
    for (const a of s.apps) a.synth();
    expect(readdirSync(join(s.outdir, 'workloads'))).toEqual(['workloads.k8s.yaml']);
    expect(readdirSync(join(s.outdir, 'karmada'))).toEqual(['karmada.k8s.yaml']);
    expect(existsSync(join(s.outdir, 'karmada.k8s.yaml'))).toBe(false);
  });

  test('the control plane holds only Karmada objects, the workloads none', () => {
    expect(s.karmada.every((o) => KARMADA_GROUPS.test(o.apiVersion))).toBe(true);
    expect(s.workloads.some((o) => KARMADA_GROUPS.test(o.apiVersion))).toBe(false);
    expect(s.karmada.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'ClusterPropagationPolicy /models',
      'PropagationPolicy bank-models/models',
      'ClusterPropagationPolicy /data',
      'PropagationPolicy bank-data/data',
      'OverridePolicy bank-models/siteoverrides',
      'OverridePolicy bank-models/edgeoverrides',
      'OverridePolicy bank-models/edgeoverrides-dc-h100-gpu',
      'FederatedResourceQuota bank-models/federated-quota',
      'FederatedHPA bank-models/llm',
    ]);
  });

  test('every resourceSelector names an object that exists in the synthesized output', () => {
    const policies = s.karmada.filter((o) => o.spec.resourceSelectors);
    expect(policies.length).toBe(7);
    for (const p of policies) {
      for (const k of selected(p)) expect(workloadKeys).toContain(k);
    }
  });

  test('no object of the propagated constructs is left unselected, and none is selected twice', () => {
    const all = pps.flatMap(selected);
    expect(new Set(all).size).toBe(all.length);
    expect([...workloadKeys].sort()).toEqual([...all].sort());
  });

  test('models are divided over the three sites by GPU capacity', () => {
    const models = pps.find((p) => p.kind === 'PropagationPolicy' && p.metadata.name === 'models');
    expect(models.spec.placement.clusterAffinity).toEqual({ clusterNames: ['eu-fra-1', 'eu-ams-1', 'edge-zrh-1'] });
    expect(models.spec.placement.replicaScheduling.weightPreference.staticWeightList).toEqual(
      SITES.map((site) => ({ targetCluster: { clusterNames: [site.name] }, weight: site.gpus })));
  });

  test('data stays in the EU data centres and fails over between them', () => {
    const data = pps.filter((p) => p.metadata.name === 'data');
    for (const p of data) {
      expect(p.spec.placement.clusterAffinities).toEqual([
        { affinityName: 'primary', clusterNames: ['eu-fra-1'] },
        { affinityName: 'secondary', clusterNames: ['eu-ams-1'] },
      ]);
      expect(p.spec.failover.application).toEqual({ decisionConditions: { tolerationSeconds: 300 }, purgeMode: 'Directly' });
    }
    const eu: string[] = SITES.filter((site) => site.jurisdiction === 'eu').map((site) => site.name);
    const placed = data[0].spec.placement.clusterAffinities.flatMap((a: any) => a.clusterNames);
    expect(placed.every((c: string) => eu.includes(c))).toBe(true);
    const dataNs = data.find((p) => p.kind === 'PropagationPolicy').spec.resourceSelectors;
    expect(dataNs).toContainEqual({ apiVersion: 'minio.min.io/v2', kind: 'Tenant', name: 'objectstore' });
  });

  test('per-site registry mirrors; the edge gets its GPU class and node selector', () => {
    const op = (n: string) => s.karmada.find((o) => o.kind === 'OverridePolicy' && o.metadata.name === n);
    expect(op('siteoverrides').spec.overrideRules.map((r: any) => [r.targetCluster.clusterNames[0], r.overriders.imageOverrider[0].value])).toEqual([
      ['eu-fra-1', 'registry.fra.bank.internal'], ['eu-ams-1', 'registry.ams.bank.internal'],
    ]);
    expect(op('edgeoverrides-dc-h100-gpu').spec.overrideRules[0].overriders.plaintext).toEqual([
      { operator: 'replace', path: '/spec/spec/devices/requests/0/exactly/deviceClassName', value: 'edge-l4.gpu.nvidia.com' },
    ]);
  });

  test('the FederatedHPA scales the model server that the policies propagate', () => {
    const hpa = s.karmada.find((o) => o.kind === 'FederatedHPA');
    expect(workloadKeys).toContain(key(hpa.spec.scaleTargetRef, hpa.metadata.namespace));
    expect(hpa.spec.maxReplicas).toBe(26);
  });

  test('sovereign: PSA restricted namespaces, default deny, digest-pinned images', () => {
    const namespaces = s.workloads.filter((o) => o.kind === 'Namespace');
    expect(namespaces.map((n) => n.metadata.name)).toEqual(['bank-models', 'bank-data']);
    for (const ns of namespaces) {
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(s.workloads.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns.metadata.name
        && JSON.stringify(o.spec.podSelector) === '{}' && o.spec.policyTypes.includes('Ingress') && o.spec.policyTypes.includes('Egress'))).toBe(true);
    }
    const images = JSON.stringify(s.workloads).match(/"image":"[^"]+"/g) ?? [];
    expect(images.length).toBeGreaterThan(0);
    for (const i of images) expect(i).toMatch(/@sha256:[a-f0-9]{64}"$/);
  });

  test('deterministic: two synths are identical', () => {
    const again = synth();
    expect(again.workloads).toEqual(s.workloads);
    expect(again.karmada).toEqual(s.karmada);
  });
});

describeWithSchemas('multi-cluster example: conformance', () => {
  test('every object (Karmada and workloads) conforms strictly', () => {
    const s = synth();
    expectConformant([...s.workloads, ...s.karmada]);
  });
});
