import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GpuPool, GpuProduct } from '../../lib/compute';
import { Labels, MANAGED_BY } from '../../lib/core';
import { IntOrString, KubeDeployment, KubePodDisruptionBudget, KubePriorityClass, KubeService, PodSpec, Quantity } from '../../lib/imports/k8s';
import { Tenant } from '../../lib/platform';
import { BucketRetention, MinioTenant } from '../../lib/storage';

/** The bank's registry (the Karmada OverridePolicies rewrite it to each site's mirror). */
export const REGISTRY = 'registry.bank.internal';
const DIGEST = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;
/** Images, pinned by digest. */
export const IMAGES = {
  vllm: `${REGISTRY}/vllm/vllm-openai@${DIGEST('a1')}`,
  minio: `${REGISTRY}/minio/minio@${DIGEST('b2')}`,
  mc: `${REGISTRY}/minio/mc@${DIGEST('c3')}`,
} as const;

/** What the federation needs to know about the workloads. */
export interface BankWorkloads {
  /** The model serving tenant: stateless, may run on every site. */
  readonly models: Construct;
  /** The data tenant: object storage for weights and the WORM audit trail, must stay in the EU. */
  readonly data: Construct;
  /** The model server (scaled across clusters by a FederatedHPA). */
  readonly modelServer: ApiObject;
  /** Namespace of the model tenant. */
  readonly modelsNamespace: string;
  /** The data centre GPU pool (H100). */
  readonly pool: GpuPool;
  /** The edge GPU pool (L4): its device class replaces the data centre one at the edge. */
  readonly edgePool: GpuPool;
}

const restrictedContainer = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * The workloads of the bank, as applied to the Karmada control plane (resource templates): one chart with the model
 * tenant (Tenant namespace, the data centre and edge GpuPools with their DRA device classes and Kueue queues, a vLLM
 * server whose GPU claim comes from the pool) and the data tenant (MinIO with a versioned weights bucket and a WORM
 * audit bucket).
 */
export function buildBankWorkloads(scope: Construct): BankWorkloads {
  const chart = new Chart(scope, 'workloads', { disableResourceNameHashes: true });

  const models = new Construct(chart, 'Models');
  const pool = new GpuPool(models, 'GpuPool', { name: 'dc-h100', product: GpuProduct.H100_80GB, nodes: 3, gpusPerNode: 8 });
  const edgePool = new GpuPool(models, 'EdgeGpuPool', { name: 'edge-l4', product: GpuProduct.L4, nodes: 1, gpusPerNode: 2 });
  const modelsTenant = new Tenant(models, 'Tenant', { name: 'bank-models', cpuQuota: 64, memoryGiB: 512, gpuQuota: 8, gpuPool: pool });
  const ns = modelsTenant.namespace;
  new KubePriorityClass(models, 'Priority', {
    metadata: { name: 'bank-inference', labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY } },
    value: 100000,
    globalDefault: false,
    description: 'Online inference of the bank models.',
  });
  const podLabels = { [Labels.APP_NAME]: 'llm', [Labels.MODEL]: 'llama-3-1-8b', [Labels.TENANT]: ns };
  const podSpec: PodSpec = {
    automountServiceAccountToken: false,
    priorityClassName: 'bank-inference',
    topologySpreadConstraints: [{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: podLabels },
    }],
    serviceAccountName: modelsTenant.serviceAccountName,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'vllm',
      image: IMAGES.vllm,
      args: ['--model', '/models/llama-3.1-8b-instruct', '--port', '8000'],
      env: [
        { name: 'VLLM_NO_USAGE_STATS', value: '1' },
        { name: 'DO_NOT_TRACK', value: '1' },
        { name: 'HF_HUB_OFFLINE', value: '1' },
      ],
      ports: [{ name: 'http', containerPort: 8000 }],
      resources: {
        requests: { cpu: Quantity.fromString('4'), memory: Quantity.fromString('32Gi') },
        limits: { cpu: Quantity.fromString('8'), memory: Quantity.fromString('48Gi') },
      },
      readinessProbe: { httpGet: { path: '/health', port: IntOrString.fromString('http') }, periodSeconds: 10 },
      livenessProbe: { httpGet: { path: '/health', port: IntOrString.fromString('http') }, periodSeconds: 30, initialDelaySeconds: 120 },
      securityContext: restrictedContainer,
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'models', mountPath: '/models', readOnly: true }],
    }],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: Quantity.fromString('1Gi') } },
      { name: 'models', emptyDir: { sizeLimit: Quantity.fromString('40Gi') } },
    ],
  };
  // The GPU claim comes from the pool (DRA ResourceClaimTemplate in the tenant namespace), never by hand.
  pool.attachToPodSpec({ namespace: ns, podSpec: podSpec as Record<string, any>, containerNames: ['vllm'] });
  const modelServer = new KubeDeployment(models, 'Server', {
    metadata: { name: 'llm', namespace: ns, labels: { ...podLabels, [Labels.APP_MANAGED_BY]: MANAGED_BY } },
    spec: {
      replicas: 3,
      selector: { matchLabels: podLabels },
      template: { metadata: { labels: podLabels }, spec: podSpec },
    },
  });
  new KubePodDisruptionBudget(models, 'Disruption', {
    metadata: { name: 'llm', namespace: ns, labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY } },
    spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: podLabels } },
  });
  new KubeService(models, 'Service', {
    metadata: { name: 'llm', namespace: ns, labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY } },
    spec: { selector: podLabels, ports: [{ name: 'http', port: 8000, targetPort: IntOrString.fromString('http') }] },
  });

  const data = new Construct(chart, 'Data');
  const dataTenant = new Tenant(data, 'Tenant', { name: 'bank-data', cpuQuota: 32, memoryGiB: 128 });
  const minio = new MinioTenant(data, 'ObjectStore', { namespace: dataTenant.namespace, image: IMAGES.minio, clientImage: IMAGES.mc });
  minio.addBucket('Models', { bucketName: 'models', versioned: true });
  minio.addBucket('Audit', { bucketName: 'inference-audit', objectLock: true, retention: BucketRetention.compliance({ years: 10 }) });

  return { models, data, modelServer, modelsNamespace: ns, pool, edgePool };
}
