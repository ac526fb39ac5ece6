import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GpuPool, GpuProduct, Precision } from '../../lib/compute';
import { Guardrails } from '../../lib/policy';
import { SovereignInferenceStack, Tenant } from '../../lib/platform';
import { ContainerImage, ModelSource } from '../../lib/serving';
import { BucketRetention, MinioTenant } from '../../lib/storage';
import { DEFAULT_IMAGE_DIGESTS, DEFAULT_REFERENCE_CONFIG, ReferencePlatformConfig } from './config';

export * from './config';

/** The pods that call the inference gateways: the hospital's applications namespace. */
export const HOSPITAL_APPS = { namespace: 'hospital-apps', podSelector: { 'app.kubernetes.io/part-of': 'hospital-apps' } };

/**
 * The reference platform, backend-neutral: builds every chart into `scope` (a cdk8s App for `cdk8s synth`, or the
 * app handed to the Pulumi backend). One Chart per concern: tenants, compute, storage, serving.
 */
export function buildReferencePlatform(scope: Construct, config: ReferencePlatformConfig = DEFAULT_REFERENCE_CONFIG): Chart[] {
  const digests = { ...DEFAULT_IMAGE_DIGESTS, ...(config.imageDigests ?? {}) };
  const apiServerCidrs = config.apiServerCidrs ?? ['10.0.0.10/32'];
  Guardrails.configure(scope, { internalCidrs: apiServerCidrs });
  const opts = { disableResourceNameHashes: true };
  const computeChart = new Chart(scope, 'compute', opts);
  const tenantsChart = new Chart(scope, 'tenants', opts);
  const storageChart = new Chart(scope, 'storage', opts);
  const servingChart = new Chart(scope, 'serving', opts);

  const product = GpuProduct.all().find((p) => config.cluster.gpuProduct.toLowerCase().includes(p.name.toLowerCase()))
    ?? GpuProduct.H100_80GB;
  const pool = new GpuPool(computeChart, 'GpuPool', {
    product, nodes: config.cluster.nodes, gpusPerNode: config.cluster.gpusPerNode,
  });

  const tenants = new Map(config.tenants.map((t) => [t.name, new Tenant(tenantsChart, t.name, {
    cpuQuota: t.cpuQuota, memoryGiB: t.memoryGiB, gpuQuota: t.gpuQuota, gpuPool: pool,
  })]));

  // Object storage: weights and the WORM audit trail.
  new Tenant(storageChart, 'storage', { cpuQuota: 32, memoryGiB: 128 });
  const minio = new MinioTenant(storageChart, 'Minio', {
    namespace: 'storage',
    image: `${config.registry}/minio/minio@${digests.minio}`,
    clientImage: `${config.registry}/minio/mc@${digests.mc}`,
  });
  const modelsBucket = minio.addBucket('Models', { bucketName: 'models', versioned: true });
  const auditBucket = minio.addBucket('Audit', {
    bucketName: 'inference-audit', objectLock: true, retention: BucketRetention.compliance({ years: 10 }),
  });

  const image = (repo: string, digest: string) => ContainerImage.fromRegistry(config.registry, repo, digest);
  new SovereignInferenceStack(servingChart, 'Inference', {
    registry: config.registry,
    images: {
      modelServer: image('vllm/vllm-openai', digests.vllm),
      endpointPicker: image('llm-d/llm-d-inference-scheduler', digests.endpointPicker),
      auditLogShipper: image('timberio/vector', digests.vector),
    },
    tenants: [...tenants.values()],
    pool,
    auditBucket,
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
  return [computeChart, tenantsChart, storageChart, servingChart];
}
