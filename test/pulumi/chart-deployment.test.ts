import * as k8s from '@pulumi/kubernetes';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeConfigMap, KubeNamespace, KubeSecret, KubeService, IntOrString } from '../../lib/imports/k8s';
import { AppDeployment, ChartDeployment, kubernetesTypeToken, ManifestDeployment } from '../../lib/pulumi';
import { recordRegistrations, registered, Registration, valueOf } from './mocks';

let registrations: Awaited<ReturnType<typeof recordRegistrations>>;

beforeAll(async () => {
  registrations = await recordRegistrations((inputs) =>
    inputs.kind === 'Gateway' ? { addresses: [{ type: 'IPAddress', value: '10.20.0.7' }] } : undefined,
  );
});
beforeEach(() => registrations.reset());

/** The Kubernetes objects registered (everything but components and providers), in registration order. */
function objectRegistrations(): Registration[] {
  return registrations.filter((r) => r.type.startsWith('kubernetes:'));
}

function tenantChart(scope: Construct, id = 'tenants', namespace = 'radiology'): Chart {
  const chart = new Chart(scope, id, { disableResourceNameHashes: true });
  const settings = new KubeConfigMap(chart, 'Settings', { metadata: { name: 'settings', namespace }, data: { tier: 'gold' } });
  const service = new KubeService(chart, 'Api', {
    metadata: { name: 'api', namespace },
    spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: IntOrString.fromNumber(8000) }] },
  });
  service.addDependency(settings);
  new KubeNamespace(chart, 'Namespace', { metadata: { name: namespace } });
  return chart;
}

async function deployed(d: ManifestDeployment): Promise<void> {
  await registered([d, ...d.resources.values()]);
}

describe('ChartDeployment', () => {
  test('registers exactly the objects of Testing.synth(chart), verbatim, with kubernetes type tokens', async () => {
    const chart = tenantChart(Testing.app());
    const d = new ChartDeployment('platform', { charts: [chart] });
    await deployed(d);
    const objects = objectRegistrations();
    expect(objects.map((r) => r.inputs)).toEqual(expect.arrayContaining(Testing.synth(chart)));
    expect(objects).toHaveLength(Testing.synth(chart).length);
    expect(objects.map((r) => r.type).sort()).toEqual([
      'kubernetes:core/v1:ConfigMap',
      'kubernetes:core/v1:Namespace',
      'kubernetes:core/v1:Service',
    ]);
  });

  test('the component itself is registered with its type and name', async () => {
    const d = new ChartDeployment('platform', { charts: [tenantChart(Testing.app())] });
    await deployed(d);
    expect(registrations[0]).toMatchObject({ type: 'sovereign-ai:index:ChartDeployment', name: 'platform', inputs: {} });
  });

  test('resource names: <deployment>:<apiVersion>:<kind>:<namespace>/<name>', async () => {
    const d = new ChartDeployment('platform', { charts: [tenantChart(Testing.app())] });
    await deployed(d);
    expect(objectRegistrations().map((r) => r.name).sort()).toEqual([
      'platform:v1:ConfigMap:radiology/settings',
      'platform:v1:Namespace:radiology',
      'platform:v1:Service:radiology/api',
    ]);
    expect([...d.resources.keys()]).toEqual(['v1:Namespace:radiology', 'v1:ConfigMap:radiology/settings', 'v1:Service:radiology/api']);
  });

  test('names are stable: independent of construct ids, chart ids and creation order', async () => {
    const first = new ChartDeployment('platform', { charts: [tenantChart(Testing.app())] });
    await deployed(first);
    const before = objectRegistrations().map((r) => r.name).sort();
    registrations.reset();

    const chart = new Chart(Testing.app(), 'renamed-chart');
    new KubeNamespace(chart, 'Ns2', { metadata: { name: 'radiology' } });
    new KubeService(chart, 'Svc2', {
      metadata: { name: 'api', namespace: 'radiology' },
      spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: IntOrString.fromNumber(8000) }] },
    });
    new KubeConfigMap(chart, 'Cm2', { metadata: { name: 'settings', namespace: 'radiology' }, data: { tier: 'gold' } });
    const second = new ChartDeployment('platform', { charts: [chart] });
    await deployed(second);
    expect(objectRegistrations().map((r) => r.name).sort()).toEqual(before);
  });

  test('dependency order: Pulumi registers the Namespace and cdk8s dependencies before their dependents', async () => {
    const d = new ChartDeployment('platform', { charts: [tenantChart(Testing.app())] });
    await deployed(d);
    const order = objectRegistrations().map((r) => r.name);
    const at = (name: string) => order.indexOf(`platform:${name}`);
    expect(at('v1:Namespace:radiology')).toBeLessThan(at('v1:ConfigMap:radiology/settings'));
    expect(at('v1:Namespace:radiology')).toBeLessThan(at('v1:Service:radiology/api'));
    expect(at('v1:ConfigMap:radiology/settings')).toBeLessThan(at('v1:Service:radiology/api'));
    expect(d.objects.map((o) => [o.key, o.dependsOn])).toEqual([
      ['v1:Namespace:radiology', []],
      ['v1:ConfigMap:radiology/settings', ['v1:Namespace:radiology']],
      ['v1:Service:radiology/api', ['v1:Namespace:radiology', 'v1:ConfigMap:radiology/settings']],
    ]);
  });

  test('provider pass-through: every object uses the provider given to the component', async () => {
    const cluster = new k8s.Provider('gpu-cluster-a', { context: 'gpu-a' });
    const d = new ChartDeployment('platform', { charts: [tenantChart(Testing.app())] }, { provider: cluster });
    await deployed(d);
    const ref = `${await valueOf(cluster.urn)}::${await valueOf(cluster.id)}`;
    const objects = objectRegistrations();
    expect(objects).toHaveLength(3);
    for (const r of objects) expect(r.provider).toBe(ref);
  });

  test('providers: [provider] works the same as provider', async () => {
    const cluster = new k8s.Provider('gpu-cluster-b', { context: 'gpu-b' });
    const d = new ChartDeployment('platform', { charts: [tenantChart(Testing.app())] }, { providers: [cluster] });
    await deployed(d);
    const ref = `${await valueOf(cluster.urn)}::${await valueOf(cluster.id)}`;
    for (const r of objectRegistrations()) expect(r.provider).toBe(ref);
  });

  test('one deployment per cluster: the same chart to two clusters, names prefixed by deployment', async () => {
    const chart = tenantChart(Testing.app());
    const a = new k8s.Provider('a', { context: 'a' });
    const b = new k8s.Provider('b', { context: 'b' });
    const da = new ChartDeployment('cluster-a', { charts: [chart] }, { provider: a });
    const db = new ChartDeployment('cluster-b', { charts: [chart] }, { provider: b });
    await Promise.all([deployed(da), deployed(db)]);
    const refA = `${await valueOf(a.urn)}::${await valueOf(a.id)}`;
    const refB = `${await valueOf(b.urn)}::${await valueOf(b.id)}`;
    const objects = objectRegistrations();
    expect(objects.filter((r) => r.name.startsWith('cluster-a:')).map((r) => r.provider)).toEqual([refA, refA, refA]);
    expect(objects.filter((r) => r.name.startsWith('cluster-b:')).map((r) => r.provider)).toEqual([refB, refB, refB]);
  });

  test('resourceOf maps a cdk8s object to its Pulumi resource', async () => {
    const chart = tenantChart(Testing.app());
    const d = new ChartDeployment('platform', { charts: [chart] });
    await deployed(d);
    const settings = chart.node.findChild('Settings') as ApiObject;
    expect(await valueOf(d.resourceOf(settings).urn)).toMatch(/kubernetes:core\/v1:ConfigMap::platform:v1:ConfigMap:radiology\/settings$/);
    const stranger = new KubeConfigMap(Testing.chart(), 'Stranger', { metadata: { name: 'x' } });
    expect(() => d.resourceOf(stranger)).toThrow('test/Stranger: not deployed by this deployment. Fix: add its chart to the deployment.');
  });

  test('a chart with no objects fails with a clear error, before anything is registered', () => {
    expect(() => new ChartDeployment('empty', { charts: [new Chart(Testing.app(), 'nothing')] })).toThrow(
      'nothing: chart has no Kubernetes objects, so there is nothing to deploy. Fix: add constructs to the chart, or leave the chart out of the deployment.',
    );
    expect(registrations).toHaveLength(0);
  });

  test('duplicate objects across the deployed charts fail with a clear error', () => {
    const app = Testing.app();
    const a = tenantChart(app, 'a');
    const b = tenantChart(app, 'b');
    expect(() => new ChartDeployment('dup', { charts: [a, b] })).toThrow(
      'ChartDeployment "dup": duplicate object core/ConfigMap radiology/settings: emitted by a/Settings and by b/Settings.',
    );
  });

  test('Secret data is registered as given (references only: the library emits no secret values)', async () => {
    const chart = Testing.chart();
    new KubeSecret(chart, 'Ref', { metadata: { name: 'bucket-credentials', namespace: 'radiology' }, type: 'Opaque' });
    const d = new ChartDeployment('secrets', { charts: [chart] });
    await deployed(d);
    expect(objectRegistrations().map((r) => [r.type, r.inputs])).toEqual([
      ['kubernetes:core/v1:Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bucket-credentials', namespace: 'radiology' }, type: 'Opaque' }],
    ]);
  });
});

describe('outputs', () => {
  function platformChart(): Chart {
    const chart = Testing.chart();
    new KubeNamespace(chart, 'Gw', { metadata: { name: 'inference-gateway' } });
    new ApiObject(chart, 'Gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'inference', namespace: 'inference-gateway' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    });
    new ApiObject(chart, 'Minio', {
      apiVersion: 'minio.min.io/v2',
      kind: 'Tenant',
      metadata: { name: 'models', namespace: 'storage' },
      spec: { pools: [] },
    });
    new ApiObject(chart, 'MinioPlain', {
      apiVersion: 'minio.min.io/v2',
      kind: 'Tenant',
      metadata: { name: 'audit', namespace: 'audit' },
      spec: { pools: [], requestAutoCert: false },
    });
    new KubeService(chart, 'Svc', { metadata: { name: 'vllm', namespace: 'radiology' }, spec: { ports: [{ port: 8000 }] } });
    return chart;
  }

  test('gateway addresses come from the live Gateway status', async () => {
    const d = new ChartDeployment('platform', { charts: [platformChart()] });
    expect(await valueOf(d.gatewayAddresses)).toEqual({ 'inference-gateway/inference': ['10.20.0.7'] });
  });

  test('no Gateway: empty gateway addresses', async () => {
    const d = new ChartDeployment('platform', { charts: [tenantChart(Testing.app())] });
    expect(await valueOf(d.gatewayAddresses)).toEqual({});
  });

  test('bucket endpoints, service hosts and namespaces are derived from the objects', () => {
    const d = new ChartDeployment('platform', { charts: [platformChart()] });
    expect(d.bucketEndpoints).toEqual({
      'storage/models': 'https://minio.storage.svc.cluster.local',
      'audit/audit': 'http://minio.audit.svc.cluster.local',
    });
    expect(d.serviceHosts).toEqual({ 'radiology/vllm': 'vllm.radiology.svc.cluster.local' });
    expect(d.namespaces).toEqual(['inference-gateway']);
  });

  test('custom resources get the group/version type token', () => {
    expect(kubernetesTypeToken('gateway.networking.k8s.io/v1', 'Gateway')).toBe('kubernetes:gateway.networking.k8s.io/v1:Gateway');
    expect(kubernetesTypeToken('v1', 'Namespace')).toBe('kubernetes:core/v1:Namespace');
    expect(kubernetesTypeToken('apps/v1', 'Deployment')).toBe('kubernetes:apps/v1:Deployment');
  });
});

describe('AppDeployment', () => {
  test('deploys every chart of the app, as cdk8s synth would write them', async () => {
    const app = new App({ outdir: '/nonexistent' });
    const tenants = tenantChart(app, 'tenants', 'radiology');
    const claims = tenantChart(app, 'claims', 'claims');
    const d = new AppDeployment('platform', { app });
    await deployed(d);
    expect(registrations[0]).toMatchObject({ type: 'sovereign-ai:index:AppDeployment', name: 'platform' });
    const expected = [...Testing.synth(tenants), ...Testing.synth(claims)];
    const objects = objectRegistrations();
    expect(objects.map((r) => r.inputs)).toEqual(expect.arrayContaining(expected));
    expect(objects).toHaveLength(expected.length);
  });

  test('an app without charts fails with a clear error', () => {
    expect(() => new AppDeployment('nothing', { app: Testing.app() })).toThrow(
      'AppDeployment "nothing": no charts to deploy. Fix: pass at least one cdk8s Chart (or an App with charts).',
    );
  });
});
