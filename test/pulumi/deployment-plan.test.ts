import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeConfigMap, KubeCustomResourceDefinition, KubeNamespace } from '../../lib/imports/k8s';
import { objectIdentity, objectKey, planDeployment } from '../../lib/pulumi';

function configMap(scope: Construct, id: string, namespace = 'team-a'): KubeConfigMap {
  return new KubeConfigMap(scope, id, { metadata: { name: id.toLowerCase(), namespace }, data: { id } });
}

function clusterQueueCrd(scope: Construct): KubeCustomResourceDefinition {
  return new KubeCustomResourceDefinition(scope, 'Crd', {
    metadata: { name: 'clusterqueues.kueue.x-k8s.io' },
    spec: {
      group: 'kueue.x-k8s.io',
      names: { kind: 'ClusterQueue', plural: 'clusterqueues', singular: 'clusterqueue', listKind: 'ClusterQueueList' },
      scope: 'Cluster',
      versions: [{ name: 'v1beta2', served: true, storage: true, schema: { openApiv3Schema: { type: 'object' } } }],
    },
  });
}

describe('objectKey / objectIdentity', () => {
  test('namespaced object: <apiVersion>:<kind>:<namespace>/<name>', () => {
    const m = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'radiology' } };
    expect(objectKey(m)).toBe('networking.k8s.io/v1:NetworkPolicy:radiology/default-deny');
    expect(objectIdentity(m)).toBe('networking.k8s.io/NetworkPolicy radiology/default-deny');
  });

  test('cluster-scoped object: <apiVersion>:<kind>:<name>; core group shown as core', () => {
    const m = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'radiology' } };
    expect(objectKey(m)).toBe('v1:Namespace:radiology');
    expect(objectIdentity(m)).toBe('core/Namespace radiology');
  });

  test('keys do not depend on construct ids or chart names', () => {
    const a = Testing.chart();
    configMap(a, 'Settings');
    const b = new Chart(Testing.app(), 'other-chart');
    new KubeConfigMap(b, 'CompletelyDifferentId', { metadata: { name: 'settings', namespace: 'team-a' }, data: { id: 'Settings' } });
    expect(planDeployment([a], 'd').map((o) => o.key)).toEqual(planDeployment([b], 'd').map((o) => o.key));
  });
});

describe('planDeployment ordering', () => {
  test('Namespaces first, then CRDs, then the rest in cdk8s order; each object depends on its Namespace and CRD', () => {
    const chart = Testing.chart();
    configMap(chart, 'First');
    new ApiObject(chart, 'Queue', { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'gpu' } });
    configMap(chart, 'Elsewhere', 'not-deployed-here');
    clusterQueueCrd(chart);
    new KubeNamespace(chart, 'Ns', { metadata: { name: 'team-a' } });

    const plan = planDeployment([chart], 'd');
    expect(plan.map((o) => [o.key, o.dependsOn])).toEqual([
      ['v1:Namespace:team-a', []],
      ['apiextensions.k8s.io/v1:CustomResourceDefinition:clusterqueues.kueue.x-k8s.io', []],
      ['v1:ConfigMap:team-a/first', ['v1:Namespace:team-a']],
      ['kueue.x-k8s.io/v1beta2:ClusterQueue:gpu', ['apiextensions.k8s.io/v1:CustomResourceDefinition:clusterqueues.kueue.x-k8s.io']],
      ['v1:ConfigMap:not-deployed-here/elsewhere', []],
    ]);
    expect(plan.map((o) => o.constructPath)).toEqual(['test/Ns', 'test/Crd', 'test/First', 'test/Queue', 'test/Elsewhere']);
  });

  test('ApiObject.addDependency: the dependency comes first and is a dependsOn', () => {
    const chart = Testing.chart();
    const app = configMap(chart, 'App');
    const settings = configMap(chart, 'Settings');
    app.addDependency(settings);
    const plan = planDeployment([chart], 'd');
    expect(plan.map((o) => [o.key, o.dependsOn])).toEqual([
      ['v1:ConfigMap:team-a/settings', []],
      ['v1:ConfigMap:team-a/app', ['v1:ConfigMap:team-a/settings']],
    ]);
  });

  test('construct dependencies expand to every object of both constructs', () => {
    const chart = Testing.chart();
    const consumers = new Construct(chart, 'Consumers');
    const producers = new Construct(chart, 'Producers');
    configMap(consumers, 'C1');
    configMap(consumers, 'C2');
    configMap(producers, 'P1');
    configMap(producers, 'P2');
    consumers.node.addDependency(producers);
    const plan = planDeployment([chart], 'd');
    expect(plan.map((o) => [o.key, o.dependsOn])).toEqual([
      ['v1:ConfigMap:team-a/p1', []],
      ['v1:ConfigMap:team-a/p2', []],
      ['v1:ConfigMap:team-a/c1', ['v1:ConfigMap:team-a/p1', 'v1:ConfigMap:team-a/p2']],
      ['v1:ConfigMap:team-a/c2', ['v1:ConfigMap:team-a/p1', 'v1:ConfigMap:team-a/p2']],
    ]);
  });

  test('chart dependencies: every object of the dependent chart depends on every object of the other', () => {
    const app = Testing.app();
    const serving = new Chart(app, 'serving');
    const tenants = new Chart(app, 'tenants');
    configMap(serving, 'Model');
    new KubeNamespace(tenants, 'Ns', { metadata: { name: 'team-b' } });
    configMap(tenants, 'Quota');
    serving.addDependency(tenants);
    const plan = planDeployment([serving, tenants], 'd');
    expect(plan.map((o) => [o.key, o.dependsOn])).toEqual([
      ['v1:Namespace:team-b', []],
      ['v1:ConfigMap:team-a/quota', []],
      ['v1:ConfigMap:team-a/model', ['v1:Namespace:team-b', 'v1:ConfigMap:team-a/quota']],
    ]);
  });

  test('dependencies on charts outside the deployment are left out', () => {
    const app = Testing.app();
    const serving = new Chart(app, 'serving');
    const tenants = new Chart(app, 'tenants');
    configMap(serving, 'Model');
    configMap(tenants, 'Quota');
    serving.addDependency(tenants);
    expect(planDeployment([serving], 'd').map((o) => [o.key, o.dependsOn])).toEqual([['v1:ConfigMap:team-a/model', []]]);
  });

  test('objects are exactly those of chart.toJson()', () => {
    const chart = Testing.chart();
    configMap(chart, 'A');
    new KubeNamespace(chart, 'Ns', { metadata: { name: 'team-a' } });
    const plan = planDeployment([chart], 'd');
    expect(plan.map((o) => o.manifest)).toEqual(expect.arrayContaining(Testing.synth(chart)));
    expect(plan).toHaveLength(Testing.synth(chart).length);
  });
});

describe('planDeployment errors', () => {
  test('no charts', () => {
    expect(() => planDeployment([], 'ChartDeployment "platform"')).toThrow(
      'ChartDeployment "platform": no charts to deploy. Fix: pass at least one cdk8s Chart (or an App with charts).',
    );
  });

  test('a chart with no objects', () => {
    const chart = new Chart(Testing.app(), 'empty');
    expect(() => planDeployment([chart], 'd')).toThrow(
      'empty: chart has no Kubernetes objects, so there is nothing to deploy. Fix: add constructs to the chart, or leave the chart out of the deployment.',
    );
  });

  test('duplicate object identities across charts (same group, kind, namespace, name)', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    configMap(a, 'Settings');
    configMap(b, 'Settings');
    expect(() => planDeployment([a, b], 'AppDeployment "platform"')).toThrow(
      'AppDeployment "platform": duplicate object core/ConfigMap team-a/settings: emitted by a/Settings and by b/Settings. ' +
        'Fix: give one of them another metadata.name or namespace (Kubernetes identifies an object by API group, kind, namespace and name), or deploy the two charts in separate deployments (one per cluster).',
    );
  });

  test('two versions of one object are duplicates too', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'Old', { apiVersion: 'kueue.x-k8s.io/v1beta1', kind: 'ClusterQueue', metadata: { name: 'gpu' } });
    new ApiObject(chart, 'New', { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'gpu' } });
    expect(() => planDeployment([chart], 'd')).toThrow('d: duplicate object kueue.x-k8s.io/ClusterQueue gpu: emitted by test/Old and by test/New.');
  });

  test('an object without metadata.name', () => {
    const chart = Testing.chart();
    configMap(chart, 'Unnamed').addJsonPatch(JsonPatch.remove('/metadata/name'));
    expect(() => planDeployment([chart], 'd')).toThrow(
      'test/Unnamed: object v1/ConfigMap has no metadata.name. Fix: set metadata.name (generateName is not supported: names must be stable).',
    );
  });

  test('a dependency cycle through a Namespace', () => {
    const chart = Testing.chart();
    const ns = new KubeNamespace(chart, 'Ns', { metadata: { name: 'team-a' } });
    ns.addDependency(configMap(chart, 'Inside'));
    expect(() => planDeployment([chart], 'd')).toThrow(
      'd: dependency cycle: test/Ns -> test/Inside -> test/Ns. Fix: remove one of these dependencies (a Namespace or CustomResourceDefinition cannot depend on objects that live in it or use it).',
    );
  });

  test('chart validations run (a chart that fails cdk8s synth fails here)', () => {
    const chart = Testing.chart();
    configMap(chart, 'A');
    chart.node.addValidation({ validate: () => ['never configured'] });
    expect(() => planDeployment([chart], 'd')).toThrow('[test] never configured');
  });
});
