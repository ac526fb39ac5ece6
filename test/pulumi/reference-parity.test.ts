import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { DEFAULT_REFERENCE_CONFIG } from '../../examples/reference/config';
import { buildReferencePlatform } from '../../examples/reference/platform';
import { AppDeployment, KubernetesManifest, objectKey } from '../../lib/pulumi';
import { expectConformant } from '../support/conformance';
import { recordRegistrations, registered, Registration } from './mocks';

let registrations: Awaited<ReturnType<typeof recordRegistrations>>;

beforeAll(async () => {
  registrations = await recordRegistrations(undefined, 'sovereign-ai-reference', 'dev');
});

const byKey = (a: KubernetesManifest, b: KubernetesManifest) => objectKey(a).localeCompare(objectKey(b));

/** The reference platform built into a fresh app, and what `Testing.synth` gives for each of its charts. */
function referenceSynth(): { charts: Chart[]; objects: KubernetesManifest[] } {
  const charts = buildReferencePlatform(Testing.app(), DEFAULT_REFERENCE_CONFIG);
  return { charts, objects: charts.flatMap((c) => Testing.synth(c) as KubernetesManifest[]) };
}

describe('reference platform under Pulumi mocks', () => {
  let objects: Registration[];

  beforeAll(async () => {
    const app = new App({ outdir: '/nonexistent' });
    buildReferencePlatform(app, DEFAULT_REFERENCE_CONFIG);
    const d = new AppDeployment('reference', { app });
    await registered([d, ...d.resources.values()]);
    objects = registrations.filter((r) => r.type.startsWith('kubernetes:'));
  });

  test('the registered objects deep-equal Testing.synth of the same charts', () => {
    const expected = referenceSynth().objects;
    expect(expected.length).toBeGreaterThan(0);
    expect(objects.map((r) => r.inputs as KubernetesManifest).sort(byKey)).toEqual([...expected].sort(byKey));
  });

  test('the registered objects conform to the upstream schemas', () => {
    expectConformant(objects.map((r) => r.inputs));
  });

  test('Namespaces are registered before every object in them, CRDs before their custom resources', () => {
    const order = objects.map((r) => r.inputs as KubernetesManifest);
    const position = new Map(order.map((m, i) => [objectKey(m), i]));
    order.forEach((m, i) => {
      const ns = m.metadata.namespace;
      const nsAt = ns === undefined ? undefined : position.get(`v1:Namespace:${ns}`);
      if (nsAt !== undefined) expect([objectKey(m), nsAt < i]).toEqual([objectKey(m), true]);
    });
    const crds = order.filter((m) => m.kind === 'CustomResourceDefinition');
    for (const crd of crds) {
      const spec = crd.spec as { group: string; names: { kind: string } };
      order.forEach((m, i) => {
        if (m.kind === spec.names.kind && m.apiVersion.startsWith(`${spec.group}/`)) {
          expect(position.get(objectKey(crd))!).toBeLessThan(i);
        }
      });
    }
  });

  test('cdk8s dependencies are registered before their dependents', () => {
    const { charts } = referenceSynth();
    const position = new Map(objects.map((r, i) => [objectKey(r.inputs as KubernetesManifest), i]));
    for (const chart of charts) {
      for (const obj of chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c))) {
        for (const dep of obj.node.dependencies.filter((d): d is ApiObject => ApiObject.isApiObject(d))) {
          const from = position.get(objectKey(dep.toJson() as KubernetesManifest));
          const to = position.get(objectKey(obj.toJson() as KubernetesManifest));
          if (from === undefined || to === undefined) continue;
          expect(from).toBeLessThan(to);
        }
      }
    }
  });

  test('resource names are <deployment>:<object key>', () => {
    expect(objects.map((r) => r.name)).toEqual(objects.map((r) => `reference:${objectKey(r.inputs as KubernetesManifest)}`));
  });
});
