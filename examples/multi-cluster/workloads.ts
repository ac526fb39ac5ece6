import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Labels, MANAGED_BY } from '../../lib/core';
import {
  IntOrString, KubeDeployment, KubeDeviceClass, KubePodDisruptionBudget, KubePriorityClass, KubeResourceClaimTemplate,
  KubeService, Quantity,
} from '../../lib/imports/k8s';
import { Tenant } from '../../lib/platform';
import { MinioTenant } from '../../lib/storage';

/** The bank's registry (the Karmada OverridePolicies rewrite it to each site's mirror). */
export const REGISTRY = 'registry.bank.internal';
const DIGEST = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;
/** Images, pinned by digest. */
export const IMAGES = {
  vllm: `${REGISTRY}/vllm/vllm-openai@${DIGEST('a1')}`,
  minio: `${REGISTRY}/minio/minio@${DIGEST('b2')}`,
  mc: `${REGISTRY}/minio/mc@${DIGEST('c3')}`,
} as const;

/** The GPU device class of the data centres, and of the edge site (smaller GPUs, another driver config). */
export const DEVICE_CLASS = 'bank-gpu';
export const EDGE_DEVICE_CLASS = 'bank-gpu-edge';

/** What the federation needs to know about the workloads. */
export interface BankWorkloads {
  /** The model serving tenant: stateless, may run on every site. */
  readonly models: Construct;
  /** The data tenant: object storage for weights, documents and audit logs, must stay in the EU. */
  readonly data: Construct;
  /** The model server (scaled across clusters by a FederatedHPA). */
  readonly modelServer: ApiObject;
  /** Namespace of the model tenant. */
  readonly modelsNamespace: string;
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
 * tenant (namespace, DRA device classes and claim template, vLLM server) and the data tenant (MinIO).
 */
export function buildBankWorkloads(scope: Construct): BankWorkloads {
  const chart = new Chart(scope, 'workloads', { disableResourceNameHashes: true });

  const models = new Construct(chart, 'Models');
  const modelsTenant = new Tenant(models, 'Tenant', {
    name: 'bank-models', cpuQuota: 64, memoryGiB: 512, gpuQuota: 8,
    gpuQuotaResource: `${DEVICE_CLASS}.deviceclass.resource.k8s.io/devices`,
  });
  const ns = modelsTenant.namespace;
  for (const [id, name] of [['DeviceClass', DEVICE_CLASS], ['EdgeDeviceClass', EDGE_DEVICE_CLASS]] as const) {
    new KubeDeviceClass(models, id, {
      metadata: { name, labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY } },
      spec: { selectors: [{ cel: { expression: 'device.driver == "gpu.nvidia.com"' } }] },
    });
  }
  new KubeResourceClaimTemplate(models, 'GpuClaim', {
    metadata: { name: 'llm-gpu', namespace: ns, labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY } },
    spec: { spec: { devices: { requests: [{ name: 'gpu', exactly: { deviceClassName: DEVICE_CLASS, count: 1 } }] } } },
  });
  new KubePriorityClass(models, 'Priority', {
    metadata: { name: 'bank-inference', labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY } },
    value: 100000,
    globalDefault: false,
    description: 'Online inference of the bank models.',
  });
  const podLabels = { [Labels.APP_NAME]: 'llm', [Labels.MODEL]: 'llama-3-1-8b', [Labels.TENANT]: ns };
  const modelServer = new KubeDeployment(models, 'Server', {
    metadata: { name: 'llm', namespace: ns, labels: { ...podLabels, [Labels.APP_MANAGED_BY]: MANAGED_BY } },
    spec: {
      replicas: 3,
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: podLabels },
        spec: {
          automountServiceAccountToken: false,
          priorityClassName: 'bank-inference',
          topologySpreadConstraints: [{
            maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: podLabels },
          }],
          serviceAccountName: modelsTenant.serviceAccountName,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'llm-gpu' }],
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
              claims: [{ name: 'gpu' }],
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
        },
      },
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
  new MinioTenant(data, 'ObjectStore', { namespace: dataTenant.namespace, image: IMAGES.minio, clientImage: IMAGES.mc });

  return { models, data, modelServer, modelsNamespace: ns };
}
