import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GpuPool, GpuProduct, Precision } from '../../lib/compute';
import { Guardrails } from '../../lib/policy';
import { InferenceModel, SovereignInferenceStack, StackProfile, Tenant } from '../../lib/platform';
import { ContainerImage } from '../../lib/core';
import { ModelSource, ServingEngine } from '../../lib/serving';
import { BucketRetention, MinioTenant, VectorEngine, VectorStore } from '../../lib/storage';

/** The bank's central registry (the Karmada OverridePolicies rewrite it to each data centre's mirror). */
export const REGISTRY = 'registry.bank.internal';
const DIGEST = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;
/** Images, pinned by digest. */
export const IMAGES = {
  vllm: ContainerImage.fromRegistry(REGISTRY, 'vllm/vllm-openai', DIGEST('a1')),
  endpointPicker: ContainerImage.fromRegistry(REGISTRY, 'llm-d/llm-d-inference-scheduler', DIGEST('d4')),
  vector: ContainerImage.fromRegistry(REGISTRY, 'timberio/vector', DIGEST('e5')),
  minio: ContainerImage.fromRegistry(REGISTRY, 'minio/minio', DIGEST('b2')),
  mc: ContainerImage.fromRegistry(REGISTRY, 'minio/mc', DIGEST('c3')),
  postgres: ContainerImage.fromRegistry(REGISTRY, 'cloudnative-pg/postgresql', DIGEST('f6')),
} as const;

/**
 * The Kubernetes API server endpoints of the two data centres (the endpoint pickers watch pods through the API).
 * Both are listed, so the same NetworkPolicy works in either data centre.
 */
export const API_SERVER_CIDRS = ['10.10.0.10/32', '10.20.0.10/32'];

/** The bank's applications that call the inference gateways. */
export const BANK_APPS = { namespace: 'bank-apps', podSelector: { 'app.kubernetes.io/part-of': 'bank-apps' } };

/** A model of the bank, with the replica bounds the FederatedHPA keeps it in across the data centres. */
export interface BankModel {
  /** Model name. */
  readonly name: string;
  /** Parameters in billions. */
  readonly parametersBillions: number;
  /** Context length. */
  readonly contextLength: number;
  /** Replicas across the fleet at start and at least (FederatedHPA minReplicas). */
  readonly minReplicas: number;
  /** Replicas across the fleet at most (FederatedHPA maxReplicas); the capacity planner checks they fit. */
  readonly maxReplicas: number;
}

/** The models: a small assistant model and a large one for credit-risk summaries. */
export const MODELS: readonly BankModel[] = [
  { name: 'llama-3-1-8b', parametersBillions: 8, contextLength: 8192, minReplicas: 3, maxReplicas: 8 },
  { name: 'llama-3-3-70b', parametersBillions: 70, contextLength: 8192, minReplicas: 2, maxReplicas: 4 },
];

/** What the federation needs to know about the workloads. */
export interface BankWorkloads {
  /** The chart of the resource templates. */
  readonly chart: Chart;
  /** The serving stack (SovereignInferenceStack with the plain vLLM Deployment engine). */
  readonly stack: SovereignInferenceStack;
  /** The models the stack serves. */
  readonly models: readonly InferenceModel[];
  /** The model tenant (namespace `bank-models`). */
  readonly modelsTenant: Tenant;
  /** The data tenant (namespace `bank-data`): MinIO with the weights and the WORM audit trail. */
  readonly dataTenant: Tenant;
  /** The retrieval tenant (namespace `bank-rag`): the pgvector store. */
  readonly ragTenant: Tenant;
  /** The object store (weights and audit buckets). */
  readonly objectStore: MinioTenant;
  /** The pgvector store for retrieval. */
  readonly vectorStore: VectorStore;
  /** The data centre GPU pool (H100): the fleet's H100 inventory, on which the planner sizes the models. */
  readonly pool: GpuPool;
  /** The A100 pool of eu-ams-1: its device class replaces the H100 one there. */
  readonly amsPool: GpuPool;
}

/**
 * The workloads of the bank, as applied to the Karmada control plane (resource templates): one chart with
 *
 * - the tenants `bank-models`, `bank-data` and `bank-rag` (PSA restricted, quotas, default-deny);
 * - the H100 GpuPool (DRA device class, claim templates, Kueue admission) and the A100 device class of eu-ams-1;
 * - MinIO with a versioned weights bucket and a WORM audit bucket, and a pgvector VectorStore backed up to MinIO;
 * - the SovereignInferenceStack with the plain vLLM Deployment engine: model servers, Gateway + InferencePool
 *   routing with the llm-d endpoint picker, request audit into the WORM bucket, monitoring, PDBs, every flow an
 *   explicit NetworkPolicy edge.
 *
 * The plain Deployment engine (not KServe) is used on purpose: Karmada knows how to read and divide the replicas of
 * an `apps/v1` Deployment, so the model servers can be divided by static weights and scaled with a FederatedHPA
 * without any ResourceInterpreterCustomization (a KServe LLMInferenceService would need one to expose its replicas,
 * and its controller would create the Deployments inside each cluster, out of Karmada's sight).
 */
export function buildBankWorkloads(scope: Construct): BankWorkloads {
  Guardrails.configure(scope, { approvedRegistries: [REGISTRY], internalCidrs: API_SERVER_CIDRS });
  const chart = new Chart(scope, 'workloads', { disableResourceNameHashes: true });

  // GPUs: the planner sizes the models on the fleet's H100 inventory (2 nodes in eu-fra-1, 1 in eu-ams-1);
  // Karmada divides the replicas 2:1 by the same capacity. eu-ams-1 runs A100-80GB (same memory per GPU).
  const pool = new GpuPool(chart, 'GpuPool', { name: 'dc-h100', product: GpuProduct.H100_80GB, nodes: 3, gpusPerNode: 8 });
  const amsPool = new GpuPool(chart, 'AmsGpuPool', { name: 'ams-a100', product: GpuProduct.A100_80GB, nodes: 1, gpusPerNode: 8, kueue: false });

  const modelsTenant = new Tenant(chart, 'bank-models', { cpuQuota: 96, memoryGiB: 768, gpuQuota: 24, gpuPool: pool });
  const dataTenant = new Tenant(chart, 'bank-data', { cpuQuota: 32, memoryGiB: 128 });
  const ragTenant = new Tenant(chart, 'bank-rag', { cpuQuota: 16, memoryGiB: 64 });

  const objectStore = new MinioTenant(chart, 'ObjectStore', { namespace: dataTenant.namespace, image: IMAGES.minio, clientImage: IMAGES.mc });
  const weights = objectStore.addBucket('Models', { bucketName: 'models', versioned: true });
  const audit = objectStore.addBucket('Audit', {
    bucketName: 'inference-audit', objectLock: true, retention: BucketRetention.compliance({ years: 10 }),
  });
  const backups = objectStore.addBucket('VectorBackups', { bucketName: 'vector-backups', versioned: true });
  const vectorStore = new VectorStore(chart, 'VectorStore', {
    engine: VectorEngine.pgvector({ image: IMAGES.postgres, instances: 3 }),
    namespace: ragTenant.namespace,
    storeName: 'rag',
    backupBucket: backups,
  });

  const stack = new SovereignInferenceStack(chart, 'Serving', {
    registry: REGISTRY,
    profile: StackProfile.datacenter({ engine: ServingEngine.vllmDeployment() }),
    images: { modelServer: IMAGES.vllm, endpointPicker: IMAGES.endpointPicker, auditLogShipper: IMAGES.vector },
    tenants: [modelsTenant],
    pool,
    auditBucket: audit,
    vectorStore,
    clients: [BANK_APPS],
    apiServerCidrs: API_SERVER_CIDRS,
  });
  // The FederatedHPA scales up to maxReplicas across the fleet: check now that this many replicas fit the GPUs.
  pool.plan(MODELS.map((m) => ({
    name: m.name, tenant: modelsTenant.name, paramsBillions: m.parametersBillions, precision: Precision.BF16,
    contextLength: m.contextLength, replicas: m.maxReplicas,
  })));
  // A fixed replica count on the template (no per-cluster KEDA ScaledObject): the FederatedHPA owns scaling.
  const models = MODELS.map((m) => stack.addModel({
    name: m.name,
    tenant: modelsTenant,
    source: ModelSource.fromBucket(weights, m.name),
    parametersBillions: m.parametersBillions,
    precision: Precision.BF16,
    contextLength: m.contextLength,
    replicas: m.minReplicas,
  }));

  return { chart, stack, models, modelsTenant, dataTenant, ragTenant, objectStore, vectorStore, pool, amsPool };
}
