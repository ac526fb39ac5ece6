import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { apps } from '../../examples/multi-cluster/app';
import { DATA_CENTRES, SITES, SITE_TYPE_LABEL, allBut, buildBankFederation } from '../../examples/multi-cluster/federation';
import { API_SERVER_CIDRS, MODELS, REGISTRY, buildBankWorkloads } from '../../examples/multi-cluster/workloads';
import { Labels } from '../../lib/core';
import { KarmadaFleet, KarmadaPropagation, Placement } from '../../lib/federation';
import { checkManifests, formatFinding } from '../../lib/policy';
import { synthesize } from '../../lib/synth';
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

/** The sites a placement can resolve to (cluster names, label selectors or ordered groups), over the declared sites. */
function sitesOf(placement: any): string[] {
  const resolve = (a: any): string[] => SITES.filter((s) => {
    const labels: Record<string, string> = { [Labels.JURISDICTION]: s.jurisdiction, [SITE_TYPE_LABEL]: s.siteType };
    if (a.clusterNames) return a.clusterNames.includes(s.name);
    if (a.labelSelector) return Object.entries(a.labelSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    return true;
  }).map((s) => s.name);
  if (placement.clusterAffinities) return [...new Set(placement.clusterAffinities.flatMap(resolve))] as string[];
  return resolve(placement.clusterAffinity ?? {});
}

describe('multi-cluster example', () => {
  const s = synth();
  const pps = s.karmada.filter((o) => o.kind === 'PropagationPolicy' || o.kind === 'ClusterPropagationPolicy');
  const selected = (p: any) => p.spec.resourceSelectors.map((r: any) => key(r, p.metadata.namespace));
  const clusterScopedKeys = new Set(pps.filter((p) => p.kind === 'ClusterPropagationPolicy').flatMap(selected));
  const workloadKeys = new Set(s.workloads.map((o) => objKey(o, !o.metadata.namespace || clusterScopedKeys.has(objKey(o, true)))));
  const policiesSelecting = (o: any) => pps.filter((p) => selected(p).includes(objKey(o, !o.metadata.namespace)));
  const workload = (kind: string, ns: string | undefined, name: string) =>
    s.workloads.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);

  test('two apps with separate output folders: workloads/ and karmada/', () => {
    expect(s.apps.map((a) => a.outdir)).toEqual([join(s.outdir, 'workloads'), join(s.outdir, 'karmada')]);
    for (const a of s.apps) a.synth();
    expect(readdirSync(join(s.outdir, 'workloads'))).toEqual(['workloads.k8s.yaml']);
    expect(readdirSync(join(s.outdir, 'karmada'))).toEqual(['karmada.k8s.yaml']);
    expect(existsSync(join(s.outdir, 'karmada.k8s.yaml'))).toBe(false);
    // the synth path of `npm run synth` writes the same bytes
    const other = mkdtempSync(join(tmpdir(), 'multi-cluster-synth-'));
    for (const a of apps(other)) synthesize(a);
    for (const f of ['workloads/workloads.k8s.yaml', 'karmada/karmada.k8s.yaml']) {
      expect(readFileSync(join(other, f), 'utf8')).toBe(readFileSync(join(s.outdir, f), 'utf8'));
    }
  });

  test('the control plane holds only Karmada objects, the workloads none', () => {
    expect(s.karmada.every((o) => KARMADA_GROUPS.test(o.apiVersion))).toBe(true);
    expect(s.workloads.some((o) => KARMADA_GROUPS.test(o.apiVersion))).toBe(false);
    expect(s.karmada.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'PropagationPolicy bank-models/models',
      'ClusterPropagationPolicy /platform',
      'PropagationPolicy bank-apps/platform',
      'PropagationPolicy bank-models/platform',
      'PropagationPolicy monitoring/platform',
      'ClusterPropagationPolicy /amsgpus',
      'ClusterPropagationPolicy /data',
      'PropagationPolicy bank-data/data',
      'PropagationPolicy bank-models/data',
      'PropagationPolicy bank-rag/data',
      'ClusterPropagationPolicy /rag',
      'PropagationPolicy bank-rag/rag',
      'OverridePolicy bank-models/siteoverrides',
      'OverridePolicy bank-models/amsdevices-dc-h100-gpu',
      'OverridePolicy bank-models/amsdevices-dc-h100-gpu-x4',
      'FederatedResourceQuota bank-models/federated-quota',
      'FederatedResourceQuota bank-data/federated-quota',
      'FederatedResourceQuota bank-rag/federated-quota',
      'FederatedHPA bank-models/llama-3-1-8b',
      'FederatedHPA bank-models/llama-3-3-70b',
    ]);
  });

  test('the workloads are the SovereignInferenceStack with the plain vLLM Deployment engine', () => {
    expect(s.workloads.some((o) => o.kind === 'LLMInferenceService')).toBe(false);
    expect(s.workloads.some((o) => o.kind === 'ScaledObject')).toBe(false); // the FederatedHPA owns scaling
    for (const m of MODELS) {
      const dep = workload('Deployment', 'bank-models', m.name);
      expect(dep.apiVersion).toBe('apps/v1');
      expect(dep.spec.replicas).toBe(m.minReplicas);
      const main = dep.spec.template.spec.containers[0];
      expect(main.args.slice(0, 2)).toEqual(['serve', `s3://models/${m.name}`]);
      expect(main.resources.claims).toEqual([{ name: 'gpu' }]);
      expect(dep.spec.template.spec.resourceClaims[0].resourceClaimTemplateName).toMatch(/^dc-h100-gpu/);
      expect(workload('InferencePool', 'bank-models', `${m.name}-pool`)).toBeDefined();
      expect(workload('HTTPRoute', 'bank-models', m.name)).toBeDefined();
    }
    expect(workload('Deployment', 'bank-models', 'bank-models-audit-log')).toBeDefined();
    expect(workload('Tenant', 'bank-data', 'objectstore').spec.buckets.map((b: any) => b.name)).toEqual(['models', 'inference-audit', 'vector-backups']);
    expect(workload('Cluster', 'bank-rag', 'rag').apiVersion).toBe('postgresql.cnpg.io/v1');
  });

  test('every resourceSelector names an object that exists in the synthesized output', () => {
    const policies = s.karmada.filter((o) => o.spec.resourceSelectors);
    expect(policies.length).toBe(15);
    for (const p of policies) {
      for (const k of selected(p)) expect(workloadKeys).toContain(k);
    }
  });

  test('no object of the propagated constructs is left unselected, and none is selected twice', () => {
    const all = pps.flatMap(selected);
    expect(new Set(all).size).toBe(all.length);
    expect([...workloadKeys].sort()).toEqual([...all].sort());
  });

  test('models are divided over the two EU data centres by GPU capacity (static weights)', () => {
    const models = pps.find((p) => p.metadata.name === 'models');
    expect(models.spec.placement.clusterAffinity).toEqual({ clusterNames: ['eu-fra-1', 'eu-ams-1'] });
    expect(models.spec.placement.replicaScheduling).toEqual({
      replicaSchedulingType: 'Divided',
      replicaDivisionPreference: 'Weighted',
      weightPreference: { staticWeightList: [
        { targetCluster: { clusterNames: ['eu-fra-1'] }, weight: 16 },
        { targetCluster: { clusterNames: ['eu-ams-1'] }, weight: 8 },
      ] },
    });
    // exactly the model servers: Deployment, Service and PDB of each model
    expect(models.spec.resourceSelectors).toEqual(MODELS.flatMap((m) => [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: m.name },
      { apiVersion: 'v1', kind: 'Service', name: m.name },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', name: m.name },
    ]));
  });

  test('the rest of the platform and the object store are duplicated to both EU data centres', () => {
    for (const name of ['platform', 'data']) {
      for (const p of pps.filter((x) => x.metadata.name === name)) {
        expect(p.spec.placement.clusterAffinity).toEqual({
          labelSelector: { matchLabels: { [Labels.JURISDICTION]: 'eu', [SITE_TYPE_LABEL]: 'datacentre' } },
        });
        expect(p.spec.placement.replicaScheduling).toEqual({ replicaSchedulingType: 'Duplicated' });
        expect(sitesOf(p.spec.placement)).toEqual(['eu-fra-1', 'eu-ams-1']);
      }
    }
    // the endpoint pickers and the audit shipper run in full in each data centre
    const platformNs = pps.find((p) => p.kind === 'PropagationPolicy' && p.metadata.name === 'platform' && p.metadata.namespace === 'bank-models');
    expect(platformNs.spec.resourceSelectors.filter((r: any) => r.kind === 'Deployment').map((r: any) => r.name)).toEqual([
      'bank-models-audit-log', 'llama-3-1-8b-pool-epp', 'llama-3-3-70b-pool-epp',
    ]);
  });

  test('application failover between the two EU data centres', () => {
    const models = pps.find((p) => p.metadata.name === 'models');
    expect(models.spec.failover).toEqual({
      application: { decisionConditions: { tolerationSeconds: 120 }, purgeMode: 'Gracefully', gracePeriodSeconds: 600 },
    });
    for (const p of pps.filter((x) => x.metadata.name === 'rag')) {
      expect(p.spec.placement.clusterAffinities).toEqual([
        { affinityName: 'primary', clusterNames: ['eu-fra-1'] },
        { affinityName: 'secondary', clusterNames: ['eu-ams-1'] },
      ]);
      expect(p.spec.failover.application).toEqual({ decisionConditions: { tolerationSeconds: 300 }, purgeMode: 'Gracefully', gracePeriodSeconds: 600 });
      expect(p.spec.priority).toBe(100);
    }
  });

  test('data stays in the EU: every data-bearing object is only placed on EU clusters; nothing goes to the edge', () => {
    const eu: string[] = SITES.filter((site) => site.jurisdiction === 'eu').map((site) => site.name);
    const dataBearing = s.workloads.filter((o) => ['Tenant', 'Cluster', 'Secret', 'PersistentVolumeClaim'].includes(o.kind)
      || o.metadata.labels?.[Labels.DATA_BEARING] === 'true');
    expect(dataBearing.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['Tenant bank-data/objectstore', 'Cluster bank-rag/rag', 'Database bank-rag/rag-app']);
    for (const o of dataBearing) {
      const [p] = policiesSelecting(o);
      expect(sitesOf(p.spec.placement).every((c) => eu.includes(c))).toBe(true);
    }
    for (const p of pps) expect(sitesOf(p.spec.placement)).not.toContain('edge-zrh-1');
    for (const op of s.karmada.filter((o) => o.kind === 'OverridePolicy')) {
      for (const r of op.spec.overrideRules) expect(r.targetCluster.clusterNames).not.toContain('edge-zrh-1');
    }
  });

  test('per-site overrides: registry mirror per data centre, the A100 device class in eu-ams-1', () => {
    const op = (n: string) => s.karmada.find((o) => o.kind === 'OverridePolicy' && o.metadata.name === n);
    const mirrors = op('siteoverrides');
    expect(mirrors.spec.overrideRules.map((r: any) => [r.targetCluster.clusterNames[0], r.overriders.imageOverrider])).toEqual([
      ['eu-fra-1', [{ component: 'Registry', operator: 'replace', value: 'registry.fra.bank.internal' }]],
      ['eu-ams-1', [{ component: 'Registry', operator: 'replace', value: 'registry.ams.bank.internal' }]],
    ]);
    expect(mirrors.spec.resourceSelectors.map((r: any) => r.name)).toEqual([
      'bank-models-audit-log', 'llama-3-1-8b', 'llama-3-1-8b-pool-epp', 'llama-3-3-70b', 'llama-3-3-70b-pool-epp',
    ]);
    for (const name of ['amsdevices-dc-h100-gpu', 'amsdevices-dc-h100-gpu-x4']) {
      expect(op(name).spec.overrideRules).toEqual([{
        targetCluster: { clusterNames: ['eu-ams-1'] },
        overriders: { plaintext: [{ operator: 'replace', path: '/spec/spec/devices/requests/0/exactly/deviceClassName', value: 'ams-a100.gpu.nvidia.com' }] },
      }]);
    }
    // the A100 device class exists in the output and goes to eu-ams-1 only
    const dc = workload('DeviceClass', undefined, 'ams-a100.gpu.nvidia.com');
    expect(policiesSelecting(dc).map((p) => [p.metadata.name, p.spec.placement.clusterAffinity])).toEqual([
      ['amsgpus', { clusterNames: ['eu-ams-1'] }],
    ]);
  });

  test('a FederatedResourceQuota per tenant, split between the data centres', () => {
    const frqs = s.karmada.filter((o) => o.kind === 'FederatedResourceQuota');
    const tenants = s.workloads.filter((o) => o.kind === 'Namespace').map((n) => n.metadata.name);
    expect(frqs.map((q) => q.metadata.namespace)).toEqual(tenants);
    for (const q of frqs) expect(q.spec.staticAssignments.map((a: any) => a.clusterName)).toEqual(DATA_CENTRES.map((d) => d.name));
    expect(frqs[0].spec).toEqual({
      overall: {
        'requests.cpu': '144', 'requests.memory': '1152Gi', 'pods': '100',
        'dc-h100.gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '16', 'ams-a100.gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '8',
      },
      staticAssignments: [
        { clusterName: 'eu-fra-1', hard: { 'requests.cpu': '96', 'requests.memory': '768Gi', 'pods': '60', 'dc-h100.gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '16' } },
        { clusterName: 'eu-ams-1', hard: { 'requests.cpu': '48', 'requests.memory': '384Gi', 'pods': '40', 'ams-a100.gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '8' } },
      ],
    });
  });

  test('a FederatedHPA per model server Deployment, within what the planner fits on the GPUs', () => {
    const hpas = s.karmada.filter((o) => o.kind === 'FederatedHPA');
    const models = pps.find((p) => p.metadata.name === 'models');
    expect(hpas.map((h) => [h.spec.scaleTargetRef, h.spec.minReplicas, h.spec.maxReplicas])).toEqual(
      MODELS.map((m) => [{ apiVersion: 'apps/v1', kind: 'Deployment', name: m.name }, m.minReplicas, m.maxReplicas]));
    for (const h of hpas) {
      expect(selected(models)).toContain(key(h.spec.scaleTargetRef, h.metadata.namespace));
      expect(h.spec.metrics).toEqual([{ type: 'Pods', pods: { metric: { name: 'vllm:num_requests_waiting' }, target: { type: 'AverageValue', averageValue: '5' } } }]);
    }
  });

  test('sovereign: PSA restricted namespaces, default deny, digest-pinned images from the bank registry', () => {
    const namespaces = s.workloads.filter((o) => o.kind === 'Namespace');
    expect(namespaces.map((n) => n.metadata.name)).toEqual(['bank-models', 'bank-data', 'bank-rag']);
    for (const ns of namespaces) {
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(s.workloads.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns.metadata.name
        && JSON.stringify(o.spec.podSelector) === '{}' && o.spec.policyTypes.includes('Ingress') && o.spec.policyTypes.includes('Egress'))).toBe(true);
    }
    const images = JSON.stringify(s.workloads).match(/"(image|imageName)":"[^"]+"/g) ?? [];
    expect(images.length).toBeGreaterThan(5);
    for (const i of images) expect(i).toMatch(new RegExp(`"${REGISTRY.replace(/\./g, '\\.')}/[^"]+@sha256:[a-f0-9]{64}"$`));
  });

  test('policy packs (Pod Security restricted, sovereignty, reliability) find nothing in the example output', () => {
    const report = checkManifests([...s.workloads, ...s.karmada], { internalCidrs: API_SERVER_CIDRS, approvedRegistries: [REGISTRY] });
    expect(report.findings.map(formatFinding)).toEqual([]);
    expect(report.suppressed).toEqual([]);
  });

  test('deterministic: two synths are identical', () => {
    const again = synth();
    expect(again.workloads).toEqual(s.workloads);
    expect(again.karmada).toEqual(s.karmada);
  });
});

describe('multi-cluster example: residency keeps the data out of the edge site', () => {
  function setup() {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'multi-cluster-residency-')) });
    const workloads = buildBankWorkloads(app);
    const chart = new Chart(app, 'karmada', { disableResourceNameHashes: true });
    const fleet = new KarmadaFleet(chart, 'Fleet', {
      clusters: SITES.map((site) => ({ name: site.name, labels: { [Labels.JURISDICTION]: site.jurisdiction, [SITE_TYPE_LABEL]: site.siteType } })),
      dataJurisdiction: 'eu',
    });
    return { app, workloads, chart, fleet };
  }
  const synthError = (app: App): string => {
    try {
      app.synth();
    } catch (e) {
      return (e as Error).message;
    }
    return '<no error>';
  };

  test('the example federation synthesizes (all placements of data inside the EU)', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'multi-cluster-ok-')) });
    buildBankFederation(app, buildBankWorkloads(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('the object store propagated to the edge site fails synth, naming the construct, policy and cluster', () => {
    const { app, workloads, chart, fleet } = setup();
    new KarmadaPropagation(chart, 'EdgeData', { fleet, constructs: [workloads.objectStore], placement: Placement.clusters(['eu-fra-1', 'edge-zrh-1']) });
    expect(synthError(app)).toContain(
      'data residency: Tenant bank-data/objectstore (construct workloads/ObjectStore/Resource) is data-bearing and must stay in '
      + 'jurisdiction "eu", but PropagationPolicy bank-data/edgedata may place it elsewhere: cluster selector '
      + '{"clusterNames":["eu-fra-1","edge-zrh-1"]}: it names cluster "edge-zrh-1", labelled sovereign-ai.dev/jurisdiction=ch.');
  });

  test('a label selector that does not require the jurisdiction fails synth for the vector store', () => {
    const { app, workloads, chart, fleet } = setup();
    new KarmadaPropagation(chart, 'AnySite', { fleet, constructs: [workloads.vectorStore], placement: Placement.labels({ [SITE_TYPE_LABEL]: 'datacentre' }) });
    expect(synthError(app)).toContain(
      'data residency: Cluster bank-rag/rag (construct workloads/VectorStore/Resource) is data-bearing and must stay in '
      + 'jurisdiction "eu", but PropagationPolicy bank-rag/anysite may place it elsewhere: cluster selector '
      + '{"labelSelector":{"matchLabels":{"bank.example/site-type":"datacentre"}}}: it does not require sovereign-ai.dev/jurisdiction=eu.');
  });

  test('allBut covers a stack except its model servers', () => {
    const { workloads } = setup();
    const servers = workloads.models.map((m) => m.server);
    const parts = allBut(workloads.stack, servers);
    expect(parts.some((p) => servers.some((srv) => srv.node.scopes.includes(p)))).toBe(false);
    const covered = new Set(parts.flatMap((p) => p.node.findAll()));
    const rest = workloads.stack.node.findAll().filter((c) => !servers.some((srv) => c.node.scopes.includes(srv)));
    expect(rest.filter((c) => (c as any).apiVersion !== undefined).every((c) => covered.has(c))).toBe(true);
  });
});

describeWithSchemas('multi-cluster example: conformance', () => {
  test('every object (Karmada and workloads) conforms strictly', () => {
    const s = synth();
    expectConformant([...s.workloads, ...s.karmada]);
  });
});
