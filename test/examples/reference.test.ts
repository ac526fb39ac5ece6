import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Testing } from 'cdk8s';
import {
  buildReferencePlatform, DEFAULT_REFERENCE_CONFIG, HOSPITAL_APPS, RAG_NAMESPACE,
} from '../../examples/reference/platform';
import { apps } from '../../examples/reference/app';
import {
  PodSecurityPack, PodSecurityVersion, checkManifests, cidrWithin, parseCidr, formatFinding, isDefaultDeny, podViews, toPolicyObjects,
} from '../../lib/policy';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';

const app = Testing.app();
const charts = buildReferencePlatform(app as App);
const objects: any[] = charts.flatMap((c) => Testing.synth(c));
const INTERNAL_CIDRS = ['10.0.0.10/32'];

/** Every pod (template) of the output, found by lib/policy: workloads, KServe, MinIO and CloudNativePG resources. */
const pods = toPolicyObjects(objects).flatMap((o) => podViews(o));
const find = (kind: string, name: string, namespace?: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

describe('reference platform', () => {
  test('a hospital: two tenants, three models, one pool, models + audit buckets, a pgvector RAG store', () => {
    expect(charts.map((c) => c.node.id)).toEqual(['compute', 'tenants', 'storage', 'rag', 'serving']);
    expect(DEFAULT_REFERENCE_CONFIG.tenants.map((t) => t.name)).toEqual(['radiology', 'claims']);
    expect(objects.filter((o) => o.kind === 'LLMInferenceService').map((o) => o.metadata.name)).toEqual(
      DEFAULT_REFERENCE_CONFIG.models.map((m) => m.name));
    expect(objects.filter((o) => o.kind === 'Tenant').length).toBe(1);
    expect(objects.filter((o) => o.kind === 'Cluster').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['rag/rag']);
  });

  test('the RAG store: its own chart and namespace (PSA restricted, default-deny), backups to a bucket', () => {
    const ragChart = charts.find((c) => c.node.id === 'rag')!;
    const ragObjects = Testing.synth(ragChart);
    const ns = ragObjects.find((o) => o.kind === 'Namespace');
    expect(ns.metadata.name).toBe(RAG_NAMESPACE);
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(find('NetworkPolicy', 'default-deny', 'rag').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const cluster = find('Cluster', 'rag', 'rag');
    expect(cluster.spec.instances).toBe(3);
    expect(cluster.spec.storage).toEqual({ size: '50Gi' });
    expect(cluster.spec.backup.barmanObjectStore.destinationPath).toBe('s3://rag-backups/rag');
    expect(cluster.spec.backup.retentionPolicy).toBe('30d');
    expect(find('ScheduledBackup', 'rag-backup', 'rag').spec.cluster).toEqual({ name: 'rag' });
    expect(find('Database', 'rag-app', 'rag').spec.extensions).toEqual([{ name: 'vector', ensure: 'present' }, { name: 'pgaudit', ensure: 'present' }]);
    // the operator reaches the instance managers' status port; the instances reach the API server, nothing else
    expect(find('NetworkPolicy', 'rag-from-cnpg-operator', 'rag').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' } } }],
      ports: [{ port: 8000, protocol: 'TCP' }],
    }]);
    expect(find('NetworkPolicy', 'rag-apiserver-egress', 'rag').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] }]);
  });

  test('each tenant retrieval API reads the store: Secret references and one flow to the PostgreSQL pods on 5432', () => {
    for (const tenant of ['radiology', 'claims']) {
      const c = find('Deployment', `${tenant}-retrieval`, tenant).spec.template.spec.containers[0];
      expect(c.image).toBe(`registry.hospital.internal/hospital/retrieval-api@sha256:${'8'.repeat(64)}`);
      expect(c.env.filter((e: any) => ['PGHOST', 'PGUSER', 'PGPASSWORD'].includes(e.name))).toEqual([
        { name: 'PGHOST', value: 'rag-r.rag.svc.cluster.local' },
        { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'rag-reader', key: 'username' } } },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'rag-reader', key: 'password' } } },
      ]);
      const api = { 'sovereign-ai.dev/tenant': tenant, 'sovereign-ai.dev/component': 'retrieval-api' };
      const toDb = objects.filter((o) => o.kind === 'NetworkPolicy'
        && JSON.stringify(o.spec).includes('"cnpg.io/cluster":"rag"') && JSON.stringify(o.spec).includes(`"sovereign-ai.dev/tenant":"${tenant}"`));
      expect(toDb.map((o) => [o.metadata.namespace, o.spec.policyTypes, (o.spec.egress ?? o.spec.ingress)[0].ports])).toEqual([
        [tenant, ['Egress'], [{ port: 5432, protocol: 'TCP' }]],
        ['rag', ['Ingress'], [{ port: 5432, protocol: 'TCP' }]],
      ]);
      expect(toDb[0].spec.podSelector).toEqual({ matchLabels: api });
      expect(toDb[1].spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': tenant } }, podSelector: { matchLabels: api } }]);
      // clients reach the retrieval API
      expect(find('NetworkPolicy', `hospital-apps-to-${tenant}-retrieval-ingress`, tenant).spec.ingress[0].from[1 - 1].podSelector)
        .toEqual({ matchLabels: HOSPITAL_APPS.podSelector });
    }
    // nothing but the retrieval APIs, the instances themselves (replication) and the operator reaches the store pods
    const intoStore = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'rag' && o.spec.policyTypes.includes('Ingress')
      && o.spec.podSelector.matchLabels?.['cnpg.io/cluster'] === 'rag');
    expect(intoStore.map((o) => o.spec.ingress[0].from[0].podSelector.matchLabels).map((l: any) => l['sovereign-ai.dev/component'] ?? Object.values(l)[0]))
      .toEqual(['rag', 'retrieval-api', 'retrieval-api', 'cloudnative-pg']);
  });

  test('every pod passes Pod Security restricted (lib/policy pack, v1.34 as the namespaces pin)', () => {
    const report = checkManifests(objects, { packs: [PodSecurityPack.restricted({ version: PodSecurityVersion.V1_34 })] });
    expect(report.findings.map(formatFinding)).toEqual([]);
    // vLLM x3, pickers x3, audit + retrieval per tenant, MinIO pool, bucket-setup Jobs, PostgreSQL instances
    expect(pods.length).toBeGreaterThanOrEqual(13);
    expect(new Set(pods.map((p) => p.object.manifest.kind))).toEqual(new Set(['LLMInferenceService', 'Deployment', 'Job', 'Tenant', 'Cluster']));
  });

  test('every pod also passes the restricted controls checked by hand', () => {
    for (const p of pods) {
      const where = `${p.object.manifest.kind}/${p.object.manifest.metadata?.name}`;
      const spec = p.spec;
      expect([where, spec.hostNetwork ?? false, spec.hostPID ?? false, spec.hostIPC ?? false]).toEqual([where, false, false, false]);
      for (const { container: c } of p.containers) {
        expect([where, c.securityContext?.allowPrivilegeEscalation]).toEqual([where, false]);
        expect([where, c.securityContext?.capabilities?.drop]).toEqual([where, ['ALL']]);
      }
      for (const { volume } of p.volumes) expect([where, volume.hostPath]).toEqual([where, undefined]);
    }
  });

  test('every namespace that runs pods has a default-deny policy', () => {
    const namespaces = [...new Set(pods.map((p) => p.namespace))].sort();
    expect(namespaces).toEqual(['claims', 'radiology', 'rag', 'storage']);
    for (const ns of namespaces) {
      const deny = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns && isDefaultDeny(o));
      expect([ns, deny?.metadata.name]).toEqual([ns, 'default-deny']);
    }
  });

  test('every container image is digest-pinned from the private registry', () => {
    const pinned = new RegExp(`^${DEFAULT_REFERENCE_CONFIG.registry.replace(/\./g, '\\.')}/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$`);
    const images = pods.flatMap((p) => p.containers.map((c) => ({ where: `${p.object.manifest.kind}/${p.object.manifest.metadata?.name}/${c.name}`, image: c.container.image })));
    expect(images.length).toBeGreaterThanOrEqual(13);
    for (const { where, image } of images) expect([where, image]).toEqual([where, expect.stringMatching(pinned)]);
    expect(find('Cluster', 'rag').spec.imageName).toMatch(pinned);
  });

  test('no egress rule reaches outside the platform', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.length).toBeGreaterThan(40);
    for (const np of policies) {
      const where = `${np.metadata.namespace}/${np.metadata.name}`;
      for (const rule of np.spec.egress ?? []) {
        expect([where, (rule.to ?? []).length > 0, (rule.ports ?? []).length > 0]).toEqual([where, true, true]);
        for (const peer of rule.to) {
          if (peer.ipBlock) {
            expect([where, peer.ipBlock.except, INTERNAL_CIDRS.some((c) => cidrWithin(parseCidr(peer.ipBlock.cidr)!, parseCidr(c)!))]).toEqual([where, undefined, true]);
          } else {
            // pod peers are always narrowed to labelled pods of one named namespace
            expect([where, Object.keys(peer.namespaceSelector?.matchLabels ?? {}), Object.keys(peer.podSelector?.matchLabels ?? {}).length > 0])
              .toEqual([where, ['kubernetes.io/metadata.name'], true]);
          }
        }
      }
    }
  });

  test('synth is deterministic: the same objects, and byte-identical YAML files, from two synths', () => {
    const again = buildReferencePlatform(Testing.app() as App).flatMap((c) => Testing.synth(c));
    expect(JSON.stringify(again)).toBe(JSON.stringify(objects));
    const files = () => {
      const dir = mkdtempSync(join(tmpdir(), 'reference-'));
      for (const a of apps(dir)) a.synth();
      return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
    };
    const a = files();
    const b = files();
    expect(Object.keys(a)).toEqual(['compute.k8s.yaml', 'rag.k8s.yaml', 'serving.k8s.yaml', 'storage.k8s.yaml', 'tenants.k8s.yaml']);
    for (const k of Object.keys(a)) expect([k, Buffer.compare(a[k], b[k])]).toEqual([k, 0]);
  });
});

describeWithSchemas('reference platform conformance', () => {
  test('every object conforms to Kubernetes 1.34 + CRDs', () => expectConformant(objects));
});
