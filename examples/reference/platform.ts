import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GpuPool, GpuProduct, Precision } from '../../lib/compute';
import { Guardrails } from '../../lib/policy';
import { SovereignInferenceStack, Tenant } from '../../lib/platform';
import { ContainerImage } from '../../lib/core';
import { ModelSource } from '../../lib/serving';
import { IntOrString, KubeNetworkPolicy } from '../../lib/imports/k8s';
import { BucketRetention, MinioTenant, VectorEngine, VectorStore } from '../../lib/storage';
import {
  DEFAULT_IMAGE_DIGESTS, DEFAULT_REFERENCE_CONFIG, DEFAULT_VECTOR_STORE, ReferencePlatformConfig,
} from './config';

export * from './config';

/** The pods that call the inference gateways: the hospital's applications namespace. */
export const HOSPITAL_APPS = { namespace: 'hospital-apps', podSelector: { 'app.kubernetes.io/part-of': 'hospital-apps' } };

/** Namespace of the pgvector RAG store. */
export const RAG_NAMESPACE = 'rag';

/** The CloudNativePG operator pods (installed by the cluster's operator bundle, not by this platform). */
export const CNPG_OPERATOR = { namespace: 'cnpg-system', podSelector: { 'app.kubernetes.io/name': 'cloudnative-pg' } };

/** Status port of the CloudNativePG instance manager (the operator polls it). */
export const CNPG_STATUS_PORT = 8000;

/**
 * The reference platform, backend-neutral: builds every chart into `scope` (a cdk8s App for `cdk8s synth`, or the
 * app handed to the Pulumi backend). One Chart per concern: compute, tenants, storage (MinIO), rag (pgvector), serving.
 *
 * RAG: a pgvector store (CloudNativePG, 3 instances, backups to the `rag-backups` bucket) in its own `rag` namespace
 * (Pod Security restricted, default-deny); each tenant gets a retrieval API with a read grant on it: libpq env vars
 * whose credentials come from the `rag-reader` Secret (read-only role, provisioned out of band into each tenant
 * namespace: see `VectorStore.requiredSecrets`) and one NetworkFlow to the PostgreSQL pods on 5432.
 */
export function buildReferencePlatform(scope: Construct, config: ReferencePlatformConfig = DEFAULT_REFERENCE_CONFIG): Chart[] {
  const digests = { ...DEFAULT_IMAGE_DIGESTS, ...(config.imageDigests ?? {}) };
  const apiServerCidrs = config.apiServerCidrs ?? ['10.0.0.10/32'];
  Guardrails.configure(scope, { approvedRegistries: [config.registry], internalCidrs: apiServerCidrs });
  const opts = { disableResourceNameHashes: true };
  const computeChart = new Chart(scope, 'compute', opts);
  const tenantsChart = new Chart(scope, 'tenants', opts);
  const storageChart = new Chart(scope, 'storage', opts);
  const ragChart = new Chart(scope, 'rag', opts);
  const servingChart = new Chart(scope, 'serving', opts);

  const product = GpuProduct.all().find((p) => config.cluster.gpuProduct.toLowerCase().includes(p.name.toLowerCase()))
    ?? GpuProduct.H100_80GB;
  const pool = new GpuPool(computeChart, 'GpuPool', {
    product, nodes: config.cluster.nodes, gpusPerNode: config.cluster.gpusPerNode,
  });

  const tenants = new Map(config.tenants.map((t) => [t.name, new Tenant(tenantsChart, t.name, {
    cpuQuota: t.cpuQuota, memoryGiB: t.memoryGiB, gpuQuota: t.gpuQuota, gpuPool: pool,
  })]));

  // Every image comes from the private registry, pinned by digest.
  const image = (repo: string, digest: string) => ContainerImage.fromRegistry(config.registry, repo, digest);

  // Object storage: weights and the WORM audit trail.
  new Tenant(storageChart, 'storage', { cpuQuota: 32, memoryGiB: 128 });
  const minio = new MinioTenant(storageChart, 'Minio', {
    namespace: 'storage',
    image: image('minio/minio', digests.minio),
    clientImage: image('minio/mc', digests.mc),
  });
  const modelsBucket = minio.addBucket('Models', { bucketName: 'models', versioned: true });
  const auditBucket = minio.addBucket('Audit', {
    bucketName: 'inference-audit', objectLock: true, retention: BucketRetention.compliance({ years: 10 }),
  });

  const ragBackups = minio.addBucket('RagBackups', { bucketName: 'rag-backups', versioned: true });

  // RAG: pgvector on CloudNativePG, in its own namespace with the tenants' guarantees (PSA restricted, default-deny).
  const rag = config.vectorStore ?? DEFAULT_VECTOR_STORE;
  new Tenant(ragChart, RAG_NAMESPACE, { cpuQuota: 4 * rag.instances, memoryGiB: 8 * rag.instances });
  const vectorStore = new VectorStore(ragChart, 'Rag', {
    namespace: RAG_NAMESPACE,
    engine: VectorEngine.pgvector({
      image: image('cloudnative-pg/postgresql', digests.postgres),
      instances: rag.instances,
      storageSize: `${rag.storageGiB}Gi`,
      backupRetentionDays: rag.backupRetentionDays,
    }),
    backupBucket: ragBackups,
  });
  const instances = vectorStore.connections.endpoint;
  // The operator polls each instance manager's status port. Ingress side only: an egress policy in the operator's
  // namespace (not managed here) would cut the operator off from everything else.
  new KubeNetworkPolicy(ragChart, 'OperatorToInstances', {
    metadata: { name: 'rag-from-cnpg-operator', namespace: RAG_NAMESPACE },
    spec: {
      podSelector: { matchLabels: { ...instances.podSelector } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': CNPG_OPERATOR.namespace } },
          podSelector: { matchLabels: { ...CNPG_OPERATOR.podSelector } },
        }],
        ports: [{ port: IntOrString.fromNumber(CNPG_STATUS_PORT), protocol: 'TCP' }],
      }],
    },
  });
  // The instance managers watch their Cluster through the Kubernetes API (the only egress outside pod-to-pod flows).
  new KubeNetworkPolicy(ragChart, 'InstancesToApiServer', {
    metadata: { name: 'rag-apiserver-egress', namespace: RAG_NAMESPACE },
    spec: {
      podSelector: { matchLabels: { ...instances.podSelector } },
      policyTypes: ['Egress'],
      egress: [{
        to: apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
        ports: [{ port: IntOrString.fromNumber(6443), protocol: 'TCP' }],
      }],
    },
  });

  new SovereignInferenceStack(servingChart, 'Inference', {
    registry: config.registry,
    images: {
      modelServer: image('vllm/vllm-openai', digests.vllm),
      endpointPicker: image('llm-d/llm-d-inference-scheduler', digests.endpointPicker),
      auditLogShipper: image('timberio/vector', digests.vector),
      retrievalApi: image('hospital/retrieval-api', digests.retrievalApi),
    },
    tenants: [...tenants.values()],
    pool,
    auditBucket,
    vectorStore,
    clients: [HOSPITAL_APPS],
    apiServerCidrs,
    models: config.models.map((m) => {
      const tenant = tenants.get(m.tenant);
      if (!tenant) throw new Error(`model ${m.name}: unknown tenant ${m.tenant}`);
      return {
        name: m.name,
        tenant,
        source: ModelSource.fromBucket(modelsBucket, m.name),
        parametersBillions: m.parametersBillions,
        precision: m.precision as Precision,
        contextLength: m.contextLength,
        minReplicas: m.minReplicas,
        maxReplicas: m.maxReplicas,
        priority: m.priority,
        disaggregation: m.disaggregated ? {} : undefined,
      };
    }),
  });
  return [computeChart, tenantsChart, storageChart, ragChart, servingChart];
}
