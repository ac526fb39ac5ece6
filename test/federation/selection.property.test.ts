import * as fc from 'fast-check';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { KarmadaPropagation, Placement } from '../../lib/federation';

const KINDS = [
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', namespaced: true },
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', namespaced: false },
  { apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', namespaced: false },
];

const objectArb = fc.record({
  kind: fc.integer({ min: 0, max: KINDS.length - 1 }),
  ns: fc.constantFrom('alpha', 'beta', 'gamma'),
  root: fc.integer({ min: 0, max: 3 }),
  nested: fc.boolean(),
});

describe('selection (property)', () => {
  test('the policies select exactly the objects of the propagated constructs, each once, in its own namespace', () => {
    fc.assert(fc.property(
      fc.array(objectArb, { minLength: 1, maxLength: 25 }),
      fc.subarray([0, 1, 2, 3], { minLength: 1 }),
      (objects, propagated) => {
        const app = Testing.app();
        const w = new Chart(app, 'w');
        const roots = [0, 1, 2, 3].map((i) => new Construct(w, `Root${i}`));
        const expected = new Set<string>();
        objects.forEach((o, i) => {
          const k = KINDS[o.kind];
          const parent = o.nested ? (roots[o.root].node.tryFindChild('Nested') as Construct ?? new Construct(roots[o.root], 'Nested')) : roots[o.root];
          const name = `o${i}`;
          new ApiObject(parent, `O${i}`, { apiVersion: k.apiVersion, kind: k.kind, metadata: { name, ...(k.namespaced ? { namespace: o.ns } : {}) } });
          if (propagated.includes(o.root)) expected.add(`${k.apiVersion} ${k.kind} ${k.namespaced ? o.ns : ''}/${name}`);
        });
        const karmada = new Chart(app, 'k');
        const emittedRoots = propagated.filter((r) => objects.some((o) => o.root === r));
        if (emittedRoots.length === 0) return;
        new KarmadaPropagation(karmada, 'P', { constructs: emittedRoots.map((r) => roots[r]), placement: Placement.clusters(['a']) });
        const out = Testing.synth(karmada);
        const selected: string[] = out.flatMap((p: any) => p.spec.resourceSelectors.map((s: any) =>
          `${s.apiVersion} ${s.kind} ${p.kind === 'PropagationPolicy' ? p.metadata.namespace : ''}/${s.name}`));
        expect(new Set(selected).size).toBe(selected.length);
        expect(new Set(selected)).toEqual(expected);
        const namespaces = out.filter((p: any) => p.kind === 'PropagationPolicy').map((p: any) => p.metadata.namespace);
        expect(namespaces).toEqual([...namespaces].sort());
      },
    ), { numRuns: 60 });
  });
});
