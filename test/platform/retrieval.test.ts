import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ContainerImage, EnvSource, IWorkload, markWorkload } from '../../lib/core';
import { SovereignInferenceStack, Tenant } from '../../lib/platform';
import { RetrievalApi } from '../../lib/serving';
import { VectorEngine, VectorStore } from '../../lib/storage';
import { expectConformant } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';
import { REGISTRY, baseProps, digest, fixture, image, model, podSecurityRestricted } from './fixtures';

const PG_IMAGE = ContainerImage.fromRegistry(REGISTRY, 'cloudnative-pg/postgresql', digest('pg'));

/** A RAG workload of the user's own (e.g. an indexing job's reader), to grant with `grantRetrieval`. */
class Reader extends Construct implements IWorkload {
  public readonly endpoint = { namespace: 'claims', podSelector: { app: 'reader' } };
  public readonly env: Array<[string, EnvSource]> = [];
  constructor(scope: Construct, id: string) {
    super(scope, id);
    markWorkload(this);
  }
  public addEnv(name: string, source: EnvSource): void {
    this.env.push([name, source]);
  }
}

function build(opts: { retrievalApi?: boolean; store?: boolean } = {}) {
  const f = fixture();
  new Tenant(f.chart, 'vector', { cpuQuota: 4, memoryGiB: 8 });
  const store = opts.store === false ? undefined
    : new VectorStore(f.chart, 'Rag', { engine: VectorEngine.pgvector({ image: PG_IMAGE, instances: 1 }) });
  const stack = new SovereignInferenceStack(f.chart, 'Serving', {
    ...baseProps(f, { vectorStore: store, clients: [{ namespace: 'apps', podSelector: { app: 'ehr' } }] }),
    images: { ...baseProps(f).images, ...(opts.retrievalApi === false ? {} : { retrievalApi: image('hospital/retrieval-api') }) },
    models: [model(f, 'llama-8b', 8)],
  });
  return { f, store, stack };
}

const named = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);

describe('SovereignInferenceStack with a pgvector VectorStore', () => {
  const { f, store, stack } = build();
  const objects = Testing.synth(f.chart);

  test('each tenant gets a retrieval API with the store connection; credentials are Secret references', () => {
    expect([...stack.retrievalApis.keys()]).toEqual(['radiology', 'claims']);
    const dep = named(objects, 'Deployment', 'claims-retrieval');
    expect(dep.metadata.namespace).toBe('claims');
    const env = dep.spec.template.spec.containers[0].env;
    expect(env.filter((e: any) => e.name.startsWith('PG'))).toEqual([
      { name: 'PGHOST', value: 'rag-r.vector.svc.cluster.local' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'app' },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'rag-reader', key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'rag-reader', key: 'password' } } },
      { name: 'PGSSLMODE', value: 'require' },
      { name: 'PGVECTOR_HNSW_M', value: '16' },
      { name: 'PGVECTOR_HNSW_EF_CONSTRUCTION', value: '64' },
      { name: 'PGVECTOR_HNSW_EF_SEARCH', value: '40' },
    ]);
    const grant = stack.retrievalGrants.get('claims')!;
    expect(grant.credentialsSecretName).toBe('rag-reader');
    expect(grant.access).toBe('read');
    // the read-only role the grant needs is declared on the Cluster, its password Secret is listed for provisioning
    expect(named(objects, 'Cluster', 'rag').spec.managed).toEqual({
      roles: [{ name: 'app_reader', ensure: 'present', login: true, inRoles: ['pg_read_all_data'], passwordSecret: { name: 'rag-reader' } }],
    });
    expect(store!.requiredSecrets.map((r) => `${r.namespace}/${r.name}`)).toEqual(['vector/rag-reader', 'radiology/rag-reader', 'claims/rag-reader']);
  });

  test('exactly two NetworkPolicies open the store to a tenant: egress in its namespace, ingress in the store namespace, 5432 only', () => {
    const grant = stack.retrievalGrants.get('claims')!;
    expect(grant.flows.length).toBe(1);
    const egressName = grant.flows[0].egress.metadata.name!;
    const ingressName = grant.flows[0].ingress.metadata.name!;
    expect(egressName).toMatch(/^rag-db-retrieval-[0-9a-f]{10}-egress$/);
    const toStore = objects.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o.spec).includes('"cnpg.io/cluster":"rag"')
      && JSON.stringify(o.spec).includes('"sovereign-ai.dev/tenant":"claims"'));
    expect(toStore.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([`claims/${egressName}`, `vector/${ingressName}`]);
    const labels = { 'app.kubernetes.io/managed-by': 'sovereign-ai-platform', 'sovereign-ai.dev/component': 'network-flow' };
    const api = { 'sovereign-ai.dev/tenant': 'claims', 'sovereign-ai.dev/component': 'retrieval-api' };
    expect(toStore[0]).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: egressName, namespace: 'claims', labels },
      spec: {
        podSelector: { matchLabels: api },
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vector' } }, podSelector: { matchLabels: { 'cnpg.io/cluster': 'rag' } } }],
          ports: [{ port: 5432, protocol: 'TCP' }],
        }],
      },
    });
    expect(toStore[1]).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: ingressName, namespace: 'vector', labels },
      spec: {
        podSelector: { matchLabels: { 'cnpg.io/cluster': 'rag' } },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'claims' } }, podSelector: { matchLabels: api } }],
          ports: [{ port: 5432, protocol: 'TCP' }],
        }],
      },
    });
  });

  test('the retrieval API is reachable from the clients and reaches the tenant gateway, nothing else', () => {
    const egress = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'claims'
      && o.spec.podSelector.matchLabels?.['sovereign-ai.dev/component'] === 'retrieval-api' && o.spec.policyTypes.includes('Egress'));
    expect(egress.map((o) => [o.spec.egress[0].to[0].podSelector.matchLabels, o.spec.egress[0].ports])).toEqual([
      [{ 'cnpg.io/cluster': 'rag' }, [{ port: 5432, protocol: 'TCP' }]],
      [{ 'gateway.networking.k8s.io/gateway-name': 'claims-inference' }, [{ port: 80, protocol: 'TCP' }]],
    ]);
    const ingress = named(objects, 'NetworkPolicy', 'apps-to-claims-retrieval-ingress');
    expect(ingress.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: { matchLabels: { app: 'ehr' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });

  test('RetrievalApi defaults', () => {
    const api = stack.retrievalApis.get('claims')!;
    expect(api).toBeInstanceOf(RetrievalApi);
    expect([api.name, api.port, api.replicas, api.url]).toEqual(['claims-retrieval', 8080, 2, 'http://claims-retrieval.claims.svc:8080']);
    const spec = named(objects, 'Deployment', 'claims-retrieval').spec;
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(spec.template.spec.serviceAccountName).toBe('workloads');
    const c = spec.template.spec.containers[0];
    expect(c.image).toBe(`${REGISTRY}/hospital/retrieval-api@${digest('hospital/retrieval-api')}`);
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http', scheme: 'HTTP' });
    expect(c.env.slice(0, 7)).toEqual([
      { name: 'HF_HUB_OFFLINE', value: '1' }, { name: 'TRANSFORMERS_OFFLINE', value: '1' },
      { name: 'HF_HUB_DISABLE_TELEMETRY', value: '1' }, { name: 'VLLM_NO_USAGE_STATS', value: '1' },
      { name: 'DO_NOT_TRACK', value: '1' }, { name: 'HOME', value: '/tmp' }, { name: 'PORT', value: '8080' },
    ]);
    expect(named(objects, 'PodDisruptionBudget', 'claims-retrieval').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: { 'sovereign-ai.dev/tenant': 'claims', 'sovereign-ai.dev/component': 'retrieval-api' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(named(objects, 'Service', 'claims-retrieval').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('every pod passes Pod Security restricted (lib/policy pack)', () => {
    const { findings, pods } = podSecurityRestricted(objects);
    expect(findings).toEqual([]);
    expect(pods).toBeGreaterThan(5);
  });
});

describe('grantRetrieval', () => {
  test('grants a user workload read access: Secret references and one flow on 5432', () => {
    const { f, stack } = build({ retrievalApi: false });
    const reader = new Reader(f.chart, 'Reader');
    const grant = stack.grantRetrieval(reader);
    expect(stack.retrievalApis.size).toBe(0);
    expect(reader.env.find(([n]) => n === 'PGPASSWORD')).toEqual(['PGPASSWORD', { secretKeyRef: { name: 'rag-reader', key: 'password' } }]);
    expect(grant.flows.map((fl) => [fl.egress.metadata.namespace, fl.ingress.metadata.namespace])).toEqual([['claims', 'vector']]);
    expect(grant.flows[0].egress.toJson().spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vector' } }, podSelector: { matchLabels: { 'cnpg.io/cluster': 'rag' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    }]);
    expect(stack.grantRetrieval(reader)).toBe(grant);
  });

  test('without a vector store', () => {
    const { f, stack } = build({ store: false, retrievalApi: false });
    expect(() => stack.grantRetrieval(new Reader(f.chart, 'Reader'))).toThrow(
      'test/Serving: invalid vectorStore: undefined. Allowed: a VectorStore when retrieval is granted. Fix: pass vectorStore to the stack.');
  });

  test('a retrieval API image without a vector store', () => {
    expect(() => build({ store: false })).toThrow(
      `test/Serving: invalid images.retrievalApi: "${REGISTRY}/hospital/retrieval-api@${digest('hospital/retrieval-api')}". Allowed: a retrieval API image only together with vectorStore. Fix: pass the VectorStore the retrieval API reads as vectorStore, or remove images.retrievalApi.`);
  });
});

describeWithSchemas('retrieval conformance', () => {
  test('every object conforms (stack + pgvector store)', () => {
    const { f } = build();
    expectConformant(Testing.synth(f.chart));
  });
});
