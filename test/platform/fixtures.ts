import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { CapacityPlan, GpuProduct, ModelSpec, planCapacity } from '../../lib/compute';
import { ContainerImage, GpuRequest, PodSpecTarget } from '../../lib/core';
import { IPlanningGpuProvider, SovereignInferenceStack, SovereignInferenceStackProps, Tenant } from '../../lib/platform';
import { ModelSource } from '../../lib/serving';
import { KubeNetworkPolicy } from '../../lib/imports/k8s';
import {
  Guardrails, PodSecurityPack, PodSecurityVersion, checkManifests, formatFinding, podViews, toPolicyObjects,
} from '../../lib/policy';
import { BucketRetention, MinioBucket, MinioTenant } from '../../lib/storage';

export const REGISTRY = 'registry.test.internal';
export const digest = (seed: string): string => `sha256:${require('crypto').createHash('sha256').update(seed).digest('hex')}`;
export const image = (repo: string): ContainerImage => ContainerImage.fromRegistry(REGISTRY, repo, digest(repo));

/** A GPU provider for tests: extended resources, plans with the real planner on 2 x 8 H100-80GB. */
export class TestPool extends Construct implements IPlanningGpuProvider {
  public readonly attached: Array<{ target: PodSpecTarget; request?: GpuRequest }> = [];
  constructor(scope: Construct, id: string, private readonly nodes = 2, private readonly gpusPerNode = 8) {
    super(scope, id);
  }
  public plan(models: readonly ModelSpec[]): CapacityPlan {
    return planCapacity({ models, inventory: { product: GpuProduct.H100_80GB, nodes: this.nodes, gpusPerNode: this.gpusPerNode } });
  }
  public attachToPodSpec(target: PodSpecTarget, request?: GpuRequest): void {
    this.attached.push({ target, request });
    for (const c of target.podSpec.containers) {
      if (!target.containerNames.includes(c.name)) continue;
      const n = String(request?.gpus ?? 1);
      c.resources.limits['nvidia.com/gpu'] = n;
      c.resources.requests['nvidia.com/gpu'] = n;
    }
  }
}

export interface Fixture {
  readonly app: ReturnType<typeof Testing.app>;
  readonly chart: Chart;
  readonly radiology: Tenant;
  readonly claims: Tenant;
  readonly pool: TestPool;
  readonly models: MinioBucket;
  readonly audit: MinioBucket;
}

export function fixture(): Fixture {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
  Guardrails.configure(app, { internalCidrs: ['10.0.0.0/24'] });
  new KubeNetworkPolicy(chart, 'StorageDefaultDeny', {
    metadata: { name: 'default-deny', namespace: 'storage' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
  const minio = new MinioTenant(chart, 'Minio', {
    namespace: 'storage',
    image: ContainerImage.fromRegistry(REGISTRY, 'minio/minio', digest('minio')),
    clientImage: ContainerImage.fromRegistry(REGISTRY, 'minio/mc', digest('mc')),
  });
  const models = minio.addBucket('Models', { bucketName: 'models' });
  const audit = minio.addBucket('Audit', { bucketName: 'inference-audit', objectLock: true, retention: BucketRetention.compliance({ days: 365 }) });
  const radiology = new Tenant(chart, 'radiology', { cpuQuota: 64, memoryGiB: 512, gpuQuota: 8 });
  const claims = new Tenant(chart, 'claims', { cpuQuota: 32, memoryGiB: 256, gpuQuota: 4 });
  const pool = new TestPool(chart, 'Pool');
  return { app, chart, radiology, claims, pool, models, audit };
}

export function baseProps(f: Fixture, extra: Partial<SovereignInferenceStackProps> = {}): SovereignInferenceStackProps {
  return {
    registry: REGISTRY,
    images: { modelServer: image('vllm/vllm-openai'), endpointPicker: image('llm-d/llm-d-inference-scheduler'), auditLogShipper: image('timberio/vector') },
    tenants: [f.radiology, f.claims],
    pool: f.pool,
    apiServerCidrs: ['10.0.0.10/32'],
    ...extra,
  };
}

export function model(f: Fixture, name: string, params: number, extra: Record<string, unknown> = {}): any {
  return { name, tenant: f.claims, source: ModelSource.fromBucket(f.models, name), parametersBillions: params, ...extra };
}

export function objectsOf(chart: Chart): any[] {
  return Testing.synth(chart);
}

export { SovereignInferenceStack };

/**
 * Pod Security `restricted` (Kubernetes 1.34, the version the tenant namespaces pin) over `objects`, with lib/policy's
 * pack: the formatted findings (empty when every pod passes) and how many pod templates were checked.
 */
export function podSecurityRestricted(objects: readonly any[]): { findings: string[]; pods: number } {
  const packs = [PodSecurityPack.restricted({ version: PodSecurityVersion.V1_34 })];
  const report = checkManifests(objects as any[], { packs });
  const pods = toPolicyObjects(objects as any[]).reduce((n, o) => n + podViews(o).length, 0);
  return { findings: report.findings.map(formatFinding), pods };
}
