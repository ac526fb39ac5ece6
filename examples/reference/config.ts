/**
 * Backend-neutral configuration of the reference platform. `cdk8s synth` uses `DEFAULT_REFERENCE_CONFIG`; the Pulumi
 * entry parses `Pulumi.<stack>.yaml` into the same type, so both backends build the same construct tree.
 */

/** Numeric precision a model's weights are served in (drives the capacity planner). */
export type ModelPrecision = 'fp16' | 'bf16' | 'fp8' | 'int4';

/** One tenant (team) of the platform: a namespace with quotas. */
export interface ReferenceTenantConfig {
  /** Tenant name; becomes the namespace name (DNS-1123 label). */
  readonly name: string;
  /** Number of whole GPUs the tenant may use (Kueue nominal quota and ResourceQuota). */
  readonly gpuQuota: number;
  /** CPU cores the tenant may request. */
  readonly cpuQuota: number;
  /** Memory the tenant may request, in GiB. */
  readonly memoryGiB: number;
}

/** One served model. */
export interface ReferenceModelConfig {
  /** Model name (DNS-1123 label); also the object prefix of its weights in the models bucket. */
  readonly name: string;
  /** Name of the tenant that owns the model. */
  readonly tenant: string;
  /** Parameter count in billions. */
  readonly parametersBillions: number;
  /** Precision the weights are served in. */
  readonly precision: ModelPrecision;
  /** Maximum context length in tokens. */
  readonly contextLength: number;
  /** Minimum replicas (autoscaling lower bound, >= 1). */
  readonly minReplicas: number;
  /** Maximum replicas (autoscaling upper bound, >= minReplicas). */
  readonly maxReplicas: number;
  /** Split prefill and decode into separate pools (llm-d disaggregation). @default false */
  readonly disaggregated?: boolean;
  /** Scheduling priority of the model's requests (llm-d InferenceObjective). @default 0 */
  readonly priority?: number;
}

/** The GPU cluster the models run on. */
export interface ReferenceClusterConfig {
  /** Number of GPU nodes. */
  readonly nodes: number;
  /** GPUs per node. */
  readonly gpusPerNode: number;
  /** GPU product name, e.g. `NVIDIA-H100-80GB-HBM3`. */
  readonly gpuProduct: string;
}

/** The whole reference platform. */
export interface ReferencePlatformConfig {
  /** Private registry host (and optional path prefix) every image is pulled from, e.g. `registry.hospital.internal`. */
  readonly registry: string;
  /** Tenants. */
  readonly tenants: readonly ReferenceTenantConfig[];
  /** Models. */
  readonly models: readonly ReferenceModelConfig[];
  /** GPU cluster. */
  readonly cluster: ReferenceClusterConfig;
  /** Digests (`sha256:<64 hex>`) of the images mirrored into `registry`. @default DEFAULT_IMAGE_DIGESTS */
  readonly imageDigests?: Partial<ReferenceImageDigests>;
  /** CIDRs of the Kubernetes API server endpoints (for the endpoint pickers). @default ['10.0.0.10/32'] */
  readonly apiServerCidrs?: readonly string[];
  /** The pgvector RAG store. @default DEFAULT_VECTOR_STORE */
  readonly vectorStore?: ReferenceVectorStoreConfig;
}

/** The pgvector RAG store (CloudNativePG) and its backups. */
export interface ReferenceVectorStoreConfig {
  /** PostgreSQL instances (1 primary + standbys). */
  readonly instances: number;
  /** Volume size per instance, in GiB. */
  readonly storageGiB: number;
  /** Days of base backups and WAL kept in the backup bucket. */
  readonly backupRetentionDays: number;
}

/** Three instances of 50 GiB, 30 days of backups. */
export const DEFAULT_VECTOR_STORE: ReferenceVectorStoreConfig = { instances: 3, storageGiB: 50, backupRetentionDays: 30 };

/** Digests of the images the reference platform runs, by role. */
export interface ReferenceImageDigests {
  readonly vllm: string;
  readonly endpointPicker: string;
  readonly vector: string;
  readonly minio: string;
  readonly mc: string;
  /** PostgreSQL operand with pgvector and pgaudit (a mirror of the CloudNativePG `standard` image). */
  readonly postgres: string;
  /** The hospital's retrieval (RAG) API. */
  readonly retrievalApi: string;
}

/**
 * Placeholder digests of the mirrored images (well-formed, not real): replace them with the digests of the images in
 * your registry (`crane digest <image>`), per stack in `Pulumi.<stack>.yaml` or here.
 */
export const DEFAULT_IMAGE_DIGESTS: ReferenceImageDigests = {
  vllm: 'sha256:' + '1'.repeat(64),
  endpointPicker: 'sha256:' + '2'.repeat(64),
  vector: 'sha256:' + '3'.repeat(64),
  minio: 'sha256:' + '4'.repeat(64),
  mc: 'sha256:' + '5'.repeat(64),
  postgres: 'sha256:' + '7'.repeat(64),
  retrievalApi: 'sha256:' + '8'.repeat(64),
};

/** The hospital: radiology and claims tenants, three models of different sizes on an H100-80GB pool. */
export const DEFAULT_REFERENCE_CONFIG: ReferencePlatformConfig = {
  registry: 'registry.hospital.internal',
  tenants: [
    { name: 'radiology', gpuQuota: 8, cpuQuota: 64, memoryGiB: 512 },
    { name: 'claims', gpuQuota: 4, cpuQuota: 32, memoryGiB: 256 },
  ],
  models: [
    {
      name: 'llama-3-70b-instruct', tenant: 'radiology', parametersBillions: 70, precision: 'fp8',
      contextLength: 32768, minReplicas: 1, maxReplicas: 2, priority: 100,
    },
    {
      name: 'llama-3-8b-instruct', tenant: 'claims', parametersBillions: 8, precision: 'bf16',
      contextLength: 16384, minReplicas: 1, maxReplicas: 3,
    },
    {
      name: 'bge-m3-embed', tenant: 'claims', parametersBillions: 0.6, precision: 'fp16',
      contextLength: 8192, minReplicas: 1, maxReplicas: 2,
    },
  ],
  cluster: { nodes: 2, gpusPerNode: 8, gpuProduct: 'NVIDIA-H100-80GB-HBM3' },
};
