import { Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-29';
import { Construct } from 'constructs';
import { isWorkload } from '../../lib/core';
import { MinioTenant, PlusWorkload, VectorEngine, VectorStore } from '../../lib/storage';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';
import { DIGEST, MC_IMAGE, MINIO_IMAGE, PG_IMAGE, errorOf, expectNoSecretValues } from './test-workload';

const APP_IMAGE = `registry.internal/team-a/app@${DIGEST}`;
const ADDR = 'cdk8s.io/metadata.addr';

function setup(): { chart: Chart; tenant: MinioTenant } {
  const chart = Testing.chart();
  const tenant = new MinioTenant(chart, 'Objects', { image: MINIO_IMAGE, clientImage: MC_IMAGE, pools: [{ servers: 1, volumesPerServer: 4 }] });
  return { chart, tenant };
}

const container = (name = 'main'): kplus.ContainerProps => ({ name, image: APP_IMAGE, portNumber: 8080 });

/** The env of the read grant of bucket `models`, as Kubernetes renders it on each container. */
const MODELS_READ_ENV = [
  { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { key: 'AWS_ACCESS_KEY_ID', name: 'models-read-s3-credentials' } } },
  { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { key: 'AWS_SECRET_ACCESS_KEY', name: 'models-read-s3-credentials' } } },
  { name: 'AWS_ENDPOINT_URL', value: 'https://minio.minio.svc.cluster.local' },
  { name: 'AWS_REGION', value: 'us-east-1' },
  { name: 'S3_BUCKET', value: 'models' },
];

const MINIO_PEER = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } }, podSelector: { matchLabels: { 'v1.min.io/tenant': 'objects' } } };

const policies = (objects: any[], prefix: string) =>
  objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith(prefix));

/** Asserts exactly one egress (in `namespace`) and one ingress (in minio) NetworkPolicy selecting `selector`, on 9000. */
function expectS3Edge(objects: any[], prefix: string, namespace: string, selector: Record<string, string>): void {
  const flow = policies(objects, prefix);
  expect(flow.map((o) => `${o.metadata.namespace}/${o.spec.policyTypes.join(',')}`)).toEqual([`${namespace}/Egress`, 'minio/Ingress']);
  const [egress, ingress] = flow;
  expect(egress.spec).toEqual({
    podSelector: { matchLabels: selector },
    policyTypes: ['Egress'],
    egress: [{ to: [MINIO_PEER], ports: [{ port: 9000, protocol: 'TCP' }] }],
  });
  expect(ingress.spec).toEqual({
    podSelector: { matchLabels: { 'v1.min.io/tenant': 'objects' } },
    policyTypes: ['Ingress'],
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } }, podSelector: { matchLabels: selector } }],
      ports: [{ port: 9000, protocol: 'TCP' }],
    }],
  });
}

describe('PlusWorkload', () => {
  test('Deployment: grantRead puts Secret references on the containers and one egress + one ingress edge', () => {
    const { chart, tenant } = setup();
    const deployment = new kplus.Deployment(chart, 'Server', { metadata: { namespace: 'team-a' }, containers: [container()] });
    const w = PlusWorkload.of(deployment);
    expect(w.node.path).toBe('test/Server/Server');
    expect(w.workload).toBe(deployment);
    expect(isWorkload(w)).toBe(true);
    expect(w.endpoint).toEqual({ namespace: 'team-a', podSelector: { [ADDR]: 'test-Server-c8493d2a' } });
    tenant.addBucket('Models').grantRead(w);
    expect(w.env).toEqual({
      AWS_ACCESS_KEY_ID: { secretKeyRef: { name: 'models-read-s3-credentials', key: 'AWS_ACCESS_KEY_ID' } },
      AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'models-read-s3-credentials', key: 'AWS_SECRET_ACCESS_KEY' } },
      AWS_ENDPOINT_URL: { value: 'https://minio.minio.svc.cluster.local' },
      AWS_REGION: { value: 'us-east-1' },
      S3_BUCKET: { value: 'models' },
    });
    const objects = Testing.synth(chart);
    const d = objects.find((o: any) => o.kind === 'Deployment');
    expect(d.metadata.namespace).toBe('team-a');
    expect(d.spec.selector).toEqual({ matchLabels: { [ADDR]: 'test-Server-c8493d2a' } });
    expect(d.spec.template.spec.containers.map((c: any) => c.env)).toEqual([MODELS_READ_ENV]);
    expect(policies(objects, 'models-s3-server-').map((o: any) => o.metadata.name)).toEqual([
      expect.stringMatching(/^models-s3-server-[0-9a-f]{10}-egress$/), expect.stringMatching(/^models-s3-server-[0-9a-f]{10}-ingress$/),
    ]);
    expectS3Edge(objects, 'models-s3-server-', 'team-a', d.spec.selector.matchLabels);
    // No NetworkPolicy of the grant selects anything broader than the Deployment's pods.
    expect(objects.filter((o: any) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'team-a')).toHaveLength(1);
    // No Secret object is written by the grant.
    expect(objects.filter((o: any) => o.kind === 'Secret')).toEqual([]);
    expectNoSecretValues(objects);
  });

  test('StatefulSet: grantReadWrite selects the StatefulSet pods', () => {
    const { chart, tenant } = setup();
    const sts = new kplus.StatefulSet(chart, 'Indexer', { metadata: { namespace: 'team-a' }, containers: [container()] });
    tenant.addBucket('Models').grantReadWrite(PlusWorkload.of(sts));
    const objects = Testing.synth(chart);
    const s = objects.find((o: any) => o.kind === 'StatefulSet');
    expect(s.spec.selector.matchLabels).toEqual({ [ADDR]: 'test-Indexer-c8c12804' });
    expect(s.spec.template.spec.containers[0].env.slice(0, 2)).toEqual([
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { key: 'AWS_ACCESS_KEY_ID', name: 'models-readwrite-s3-credentials' } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { key: 'AWS_SECRET_ACCESS_KEY', name: 'models-readwrite-s3-credentials' } } },
    ]);
    expectS3Edge(objects, 'models-s3-indexer-', 'team-a', s.spec.selector.matchLabels);
    expectNoSecretValues(objects);
  });

  test('Job: selects the pod template labels (Kubernetes generates the Job selector)', () => {
    const { chart, tenant } = setup();
    const job = new kplus.Job(chart, 'Ingest', { metadata: { namespace: 'batch' }, containers: [container()] });
    tenant.addBucket('Models').grantRead(PlusWorkload.of(job));
    const objects = Testing.synth(chart);
    const j = objects.find((o: any) => o.kind === 'Job' && o.metadata.namespace === 'batch');
    expect(j.spec.selector).toBeUndefined();
    expect(j.spec.template.metadata.labels).toEqual({ [ADDR]: 'test-Ingest-c8deea4b' });
    expect(j.spec.template.spec.containers.map((c: any) => c.env)).toEqual([MODELS_READ_ENV]);
    expectS3Edge(objects, 'models-s3-ingest-', 'batch', j.spec.template.metadata.labels);
    expectNoSecretValues(objects);
  });

  test('CronJob, DaemonSet and Pod are accepted; the selector is the address label of their pods', () => {
    const scope = new Chart(Testing.app(), 'ops', { namespace: 'ops' });
    const cron = new kplus.CronJob(scope, 'Sync', { schedule: Cron.daily(), containers: [container()] });
    const ds = new kplus.DaemonSet(scope, 'Agent', { containers: [container()] });
    const pod = new kplus.Pod(scope, 'Probe', { containers: [container()] });
    expect(PlusWorkload.of(cron).endpoint).toEqual({ namespace: 'ops', podSelector: { [ADDR]: cron.podMetadata.getLabel(ADDR) } });
    expect(PlusWorkload.of(ds).endpoint.podSelector).toEqual(ds.matchLabels);
    expect(PlusWorkload.of(pod).endpoint.podSelector).toEqual({ [ADDR]: pod.metadata.getLabel(ADDR) });
  });

  test('select: false: the selector is still the address label on the pod template, never the broader app label', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'Server', {
      metadata: { namespace: 'team-a' }, select: false, podMetadata: { labels: { app: 'server' } }, containers: [container()],
    });
    deployment.select(kplus.LabelSelector.of({ labels: { app: 'server' } }));
    const w = PlusWorkload.of(deployment);
    const d = Testing.synth(chart)[0];
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'server' } });
    expect(d.spec.template.metadata.labels).toEqual({ app: 'server', [ADDR]: 'test-Server-c8493d2a' });
    expect(w.endpoint.podSelector).toEqual({ [ADDR]: 'test-Server-c8493d2a' });
  });

  test('of() is idempotent: one adapter per workload', () => {
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'team-a' });
    const deployment = new kplus.Deployment(chart, 'Server', { containers: [container()] });
    const w = PlusWorkload.of(deployment);
    expect(PlusWorkload.of(deployment)).toBe(w);
    expect(deployment.node.children.filter((c) => c instanceof PlusWorkload)).toEqual([w]);
    // The chart's namespace counts as the workload's namespace.
    expect(w.endpoint.namespace).toBe('team-a');
  });

  test('grants from two stores on one workload share the adapter; grants are idempotent', () => {
    const { chart, tenant } = setup();
    const deployment = new kplus.Deployment(chart, 'Server', { metadata: { namespace: 'team-a' }, containers: [container()] });
    const bucket = tenant.addBucket('Models');
    const g1 = bucket.grantRead(PlusWorkload.of(deployment));
    expect(bucket.grantRead(PlusWorkload.of(deployment))).toBe(g1);
    tenant.addBucket('Audit', { objectLock: true, envPrefix: 'AUDIT_' }).grantReadWrite(PlusWorkload.of(deployment));
    const objects = Testing.synth(chart);
    const env = objects.find((o: any) => o.kind === 'Deployment').spec.template.spec.containers[0].env;
    expect(env.map((e: any) => e.name)).toEqual([
      'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'S3_BUCKET',
      'AUDIT_AWS_ACCESS_KEY_ID', 'AUDIT_AWS_SECRET_ACCESS_KEY', 'AUDIT_AWS_ENDPOINT_URL', 'AUDIT_AWS_REGION', 'AUDIT_S3_BUCKET',
    ]);
    expect(policies(objects, 'models-s3-server-')).toHaveLength(2);
    expect(policies(objects, 'audit-s3-server-')).toHaveLength(2);
  });

  test('every container gets the env, including containers added after the grant; init containers do not', () => {
    const { chart, tenant } = setup();
    const deployment = new kplus.Deployment(chart, 'Server', {
      metadata: { namespace: 'team-a' },
      containers: [container('main'), container('proxy')],
      initContainers: [{ name: 'init', image: APP_IMAGE }],
    });
    tenant.addBucket('Models').grantRead(PlusWorkload.of(deployment));
    // The containers present at grant time have the variables at once.
    expect(deployment.containers.map((c) => Object.keys(c.env.variables))).toEqual([
      MODELS_READ_ENV.map((e) => e.name), MODELS_READ_ENV.map((e) => e.name),
    ]);
    deployment.addContainer({ name: 'late', image: APP_IMAGE });
    const objects = Testing.synth(chart);
    const spec = objects.find((o: any) => o.kind === 'Deployment').spec.template.spec;
    expect(spec.containers.map((c: any) => [c.name, c.env])).toEqual([
      ['main', MODELS_READ_ENV], ['proxy', MODELS_READ_ENV], ['late', MODELS_READ_ENV],
    ]);
    expect(spec.initContainers.map((c: any) => c.env)).toEqual([undefined]);
    // Synthesizing again does not duplicate anything.
    expect(Testing.synth(chart)).toEqual(objects);
  });

  test('addEnv: literal values, Secret and ConfigMap references', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'Server', { metadata: { namespace: 'team-a' }, containers: [container()] });
    const w = PlusWorkload.of(deployment);
    w.addEnv('MODE', { value: 'fast' });
    w.addEnv('DB_USER', { secretKeyRef: { name: 'db', key: 'username' } });
    w.addEnv('DB_PASSWORD', { secretKeyRef: { name: 'db', key: 'password' } });
    w.addEnv('LANCE_CONFIG', { configMapKeyRef: { name: 'lance', key: 'config.json' } });
    w.addEnv('MODE', { value: 'fast' });
    expect(Testing.synth(chart)[0].spec.template.spec.containers[0].env).toEqual([
      { name: 'MODE', value: 'fast' },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { key: 'username', name: 'db' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'db' } } },
      { name: 'LANCE_CONFIG', valueFrom: { configMapKeyRef: { key: 'config.json', name: 'lance' } } },
    ]);
    // One imported reference per Secret/ConfigMap name; nothing is emitted for them.
    expect(w.node.children.map((c) => c.node.id)).toEqual(['Secret-db', 'ConfigMap-lance']);
    expect(Testing.synth(chart).map((o: any) => o.kind)).toEqual(['Deployment']);
  });

  test('two Deployments: each edge selects only its own pods', () => {
    const { chart, tenant } = setup();
    const a = new kplus.Deployment(chart, 'A', { metadata: { namespace: 'team-a' }, containers: [container()] });
    const b = new kplus.Deployment(chart, 'B', { metadata: { namespace: 'team-a' }, containers: [container()] });
    const models = tenant.addBucket('Models');
    models.grantRead(PlusWorkload.of(a));
    models.grantRead(PlusWorkload.of(b));
    const objects = Testing.synth(chart);
    const egress = objects.filter((o: any) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'team-a');
    expect(egress.map((o: any) => o.spec.podSelector.matchLabels)).toEqual([a.matchLabels, b.matchLabels]);
    expect(a.matchLabels).not.toEqual(b.matchLabels);
  });

  test('vectorStore.grantRead (pgvector): libpq env from Secrets, one edge on 5432', () => {
    const chart = Testing.chart();
    const store = new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE }) });
    const deployment = new kplus.Deployment(chart, 'Retriever', { metadata: { namespace: 'team-a' }, containers: [container()] });
    const grant = store.grantRead(PlusWorkload.of(deployment));
    expect(grant.credentialsSecretName).toBe('rag-reader');
    const objects = Testing.synth(chart);
    const d = objects.find((o: any) => o.kind === 'Deployment');
    expect(d.spec.template.spec.containers[0].env).toEqual([
      { name: 'PGHOST', value: 'rag-r.vector.svc.cluster.local' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'app' },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { key: 'username', name: 'rag-reader' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'rag-reader' } } },
      { name: 'PGSSLMODE', value: 'require' },
      { name: 'PGVECTOR_HNSW_M', value: '16' },
      { name: 'PGVECTOR_HNSW_EF_CONSTRUCTION', value: '64' },
      { name: 'PGVECTOR_HNSW_EF_SEARCH', value: '40' },
    ]);
    const flow = policies(objects, 'rag-db-retriever-');
    expect(flow.map((o: any) => `${o.metadata.namespace}/${o.spec.policyTypes[0]}`)).toEqual(['team-a/Egress', 'vector/Ingress']);
    expect(flow[0].spec.podSelector).toEqual({ matchLabels: d.spec.selector.matchLabels });
    expect(flow[0].spec.egress[0].ports).toEqual([{ port: 5432, protocol: 'TCP' }]);
    expect(flow[1].spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: d.spec.selector.matchLabels },
    }]);
    expectNoSecretValues(objects);
  });

  test('error: PlusWorkload.of with something that is not a cdk8s-plus workload', () => {
    const chart = Testing.chart();
    const plain = new Construct(chart, 'Plain');
    expect(errorOf(() => PlusWorkload.of(plain as any))).toBe(
      'test/Plain: invalid workload: "Construct at test/Plain". Allowed: a cdk8s-plus-29 workload: Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod. ' +
      'Fix: pass the cdk8s-plus-29 object itself; for anything else (a raw KubeDeployment, a CRD), implement IWorkload.',
    );
    expect(errorOf(() => PlusWorkload.of({ name: 'server' } as any))).toBe(
      'PlusWorkload.of: invalid workload: "Object with keys [name]". Allowed: a cdk8s-plus-29 workload: Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod. ' +
      'Fix: pass the cdk8s-plus-29 object itself; for anything else (a raw KubeDeployment, a CRD), implement IWorkload.',
    );
  });

  test('error: a workload without a namespace', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'Server', { containers: [container()] });
    expect(errorOf(() => PlusWorkload.of(deployment))).toBe(
      'test/Server: invalid metadata.namespace: undefined. Allowed: a namespace name (a DNS-1123 label) set on the workload or on its chart. ' +
      'Fix: set metadata: { namespace: "..." } on the workload or namespace on its Chart; grants create namespaced NetworkPolicies, and the default namespace is not used.',
    );
    // Nothing was attached to the workload.
    expect(deployment.node.tryFindChild('Server')).toBeUndefined();
  });

  test('error: a container already sets a granted variable to another value', () => {
    const { chart, tenant } = setup();
    const deployment = new kplus.Deployment(chart, 'Server', { metadata: { namespace: 'team-a' }, containers: [container()] });
    deployment.containers[0].env.addVariable('AWS_REGION', kplus.EnvValue.fromValue('eu-central-1'));
    expect(errorOf(() => tenant.addBucket('Models').grantRead(PlusWorkload.of(deployment)))).toBe(
      'test/Server: invalid env.AWS_REGION: {"value":"us-east-1"}. Allowed: a variable container "main" does not already set (it sets {"value":"eu-central-1"}). ' +
      'Fix: remove AWS_REGION from the container or rename the granted variable (e.g. with an envPrefix).',
    );
  });

  test('error: a container added after the grant sets a granted variable to another value (reported at synthesis)', () => {
    const { chart, tenant } = setup();
    const deployment = new kplus.Deployment(chart, 'Server', { metadata: { namespace: 'team-a' }, containers: [container()] });
    tenant.addBucket('Models').grantRead(PlusWorkload.of(deployment));
    deployment.addContainer({ name: 'late', image: APP_IMAGE, envVariables: { S3_BUCKET: kplus.EnvValue.fromValue('other') } });
    expect(errorOf(() => Testing.synth(chart))).toBe(
      'Validation failed with the following errors:\n  [test/Server/Server] invalid env.S3_BUCKET: {"value":"models"}. ' +
      'Allowed: a variable container "late" does not already set (it sets {"value":"other"}). Fix: remove S3_BUCKET from the container or rename the granted variable (e.g. with an envPrefix).',
    );
  });

  test('error: addEnv with a name already granted another value', () => {
    const chart = Testing.chart();
    const w = PlusWorkload.of(new kplus.Deployment(chart, 'Server', { metadata: { namespace: 'team-a' }, containers: [container()] }));
    w.addEnv('PGUSER', { secretKeyRef: { name: 'a', key: 'username' } });
    expect(errorOf(() => w.addEnv('PGUSER', { secretKeyRef: { name: 'b', key: 'username' } }))).toBe(
      'test/Server: invalid env.PGUSER: {"secretKeyRef":{"name":"b","key":"username"}}. Allowed: the value already granted ({"secretKeyRef":{"name":"a","key":"username"}}). ' +
      'Fix: give the grants distinct environment variable names (e.g. an envPrefix).',
    );
  });
});

describeWithSchemas('PlusWorkload conformance', () => {
  test('every emitted object conforms (Deployment, StatefulSet, Job, CronJob, DaemonSet with bucket and vector grants)', () => {
    const { chart, tenant } = setup();
    const meta = { metadata: { namespace: 'team-a' } };
    const models = tenant.addBucket('Models');
    const store = new VectorStore(chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE }) });
    const deployment = new kplus.Deployment(chart, 'Server', { ...meta, containers: [container()] });
    models.grantRead(PlusWorkload.of(deployment));
    store.grantRead(PlusWorkload.of(deployment));
    models.grantReadWrite(PlusWorkload.of(new kplus.StatefulSet(chart, 'Indexer', { ...meta, containers: [container()] })));
    models.grantRead(PlusWorkload.of(new kplus.Job(chart, 'Ingest', { ...meta, containers: [container()] })));
    store.grantReadWrite(PlusWorkload.of(new kplus.DaemonSet(chart, 'Agent', { ...meta, containers: [container()] })));
    const cron = new kplus.CronJob(chart, 'Sync', { ...meta, schedule: Cron.daily(), containers: [container()] });
    models.grantRead(PlusWorkload.of(cron));
    const objects = Testing.synth(chart);
    for (const kind of ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'DaemonSet']) {
      expect(objects.some((o: any) => o.kind === kind && o.metadata.namespace === 'team-a')).toBe(true);
    }
    expect(objects.filter((o: any) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'team-a')).toHaveLength(6);
    expectConformant(objects);
    expectNoSecretValues(objects);
  });
});
