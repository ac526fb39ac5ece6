import { readFileSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import { CLUSTER_SCOPED_KINDS, isClusterScoped, kindKey } from '../../lib/federation';
import { describeWithSchemas } from '../support/schemas';

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

describe('cluster scope table', () => {
  test('keys and overrides', () => {
    expect(kindKey('v1', 'Namespace')).toBe('Namespace');
    expect(kindKey('kueue.x-k8s.io/v1beta2', 'ClusterQueue')).toBe('ClusterQueue.kueue.x-k8s.io');
    expect(isClusterScoped('v1', 'Namespace')).toBe(true);
    expect(isClusterScoped('apps/v1', 'Deployment')).toBe(false);
    expect(isClusterScoped('example.com/v1', 'Widget', { clusterScopedKinds: ['Widget.example.com'] })).toBe(true);
    expect(isClusterScoped('v1', 'Namespace', { namespacedKinds: ['Namespace'] })).toBe(false);
  });
});

describeWithSchemas('cluster scope table agrees with the upstream schemas', (dir) => {
  test('every CRD of the schema set: table says cluster-scoped exactly when the CRD does', () => {
    const wrong: string[] = [];
    let crds = 0;
    for (const f of files(join(dir, 'crds'), '.yaml')) {
      // Top-level CRD fields read by line (parsing the multi-MB CRDs in full is slow).
      for (const doc of readFileSync(f, 'utf8').split(/^---\s*$/m)) {
        if (!/^kind: CustomResourceDefinition\s*$/m.test(doc)) continue;
        const crd = {
          spec: {
            group: /^  group: (\S+)/m.exec(doc)?.[1],
            names: { kind: /^    kind: (\S+)/m.exec(doc)?.[1] },
            scope: /^  scope: (\S+)/m.exec(doc)?.[1],
          },
        };
        expect(crd.spec.group && crd.spec.names.kind && crd.spec.scope).toBeTruthy();
        crds++;
        const key = `${crd.spec.names.kind}.${crd.spec.group}`;
        const cluster = crd.spec.scope === 'Cluster';
        // Only the operators the library emits for are in the table; others must not be listed wrongly.
        if (CLUSTER_SCOPED_KINDS.has(key) !== cluster && (CLUSTER_SCOPED_KINDS.has(key) || LIBRARY_GROUPS.some((g) => crd.spec.group === g))) {
          wrong.push(`${key}: CRD scope ${crd.spec.scope}`);
        }
      }
    }
    expect(crds).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });

  test('every Kubernetes 1.34 kind: table says cluster-scoped exactly when the API does', () => {
    const namespaced = new Set<string>();
    const cluster = new Set<string>();
    for (const f of files(join(dir, 'kubernetes', 'v1.34.9', 'openapi-v3'), '.json')) {
      const spec = JSON.parse(readFileSync(f, 'utf8'));
      for (const [path, item] of Object.entries<any>(spec.paths ?? {})) {
        if (path.includes('/watch/') || !path.endsWith('{name}')) continue;
        const gvk = item.get?.['x-kubernetes-group-version-kind'];
        if (!gvk) continue;
        const key = gvk.group ? `${gvk.kind}.${gvk.group}` : gvk.kind;
        (path.includes('{namespace}') ? namespaced : cluster).add(key);
      }
    }
    expect(namespaced.has('Deployment.apps')).toBe(true);
    expect(cluster.has('DeviceClass.resource.k8s.io')).toBe(true);
    expect(cluster.has('Namespace')).toBe(true);
    const missing = [...cluster].filter((k) => !namespaced.has(k) && !CLUSTER_SCOPED_KINDS.has(k));
    const wrong = [...namespaced].filter((k) => CLUSTER_SCOPED_KINDS.has(k));
    expect(missing).toEqual([]);
    expect(wrong).toEqual([]);
  });
});

/** API groups of the operators the library emits objects for. */
const LIBRARY_GROUPS = [
  'kueue.x-k8s.io', 'gateway.networking.k8s.io', 'serving.kserve.io', 'postgresql.cnpg.io', 'keda.sh',
  'policy.karmada.io', 'autoscaling.karmada.io', 'minio.min.io', 'monitoring.coreos.com', 'inference.networking.k8s.io',
  'llm-d.ai',
];
