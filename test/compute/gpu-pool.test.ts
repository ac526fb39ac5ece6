import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-29';
import { Chart } from 'cdk8s';
import {
  GpuAllocationMode, GpuPool, GpuPoolProps, GpuProduct, GpuSharing, GpuVendor, KUEUE_PRIORITY_LABEL, KUEUE_QUEUE_LABEL,
  TimeSliceInterval, WorkloadPriority,
} from '../../lib/compute';
import { expectConformant } from '../support/conformance';
import { validationErrorOf } from '../support/errors';

const LABELS = { 'app.kubernetes.io/managed-by': 'sovereign-ai-platform', 'sovereign-ai.dev/component': 'gpu-pool' };
const TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
const AFFINITY = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] }],
    },
  },
};

function pool(props: Partial<GpuPoolProps> = {}, chart: Chart = Testing.chart()): GpuPool {
  return new GpuPool(chart, 'h100', { product: GpuProduct.H100_80GB, nodes: 2, gpusPerNode: 8, ...props });
}

function synth(p: GpuPool): any[] {
  return Testing.synth(Chart.of(p));
}

function find(objects: any[], kind: string, name?: string): any {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0];
}

function podSpec(): Record<string, any> {
  return { containers: [{ name: 'main', image: 'registry.local/vllm@sha256:' + 'a'.repeat(64) }, { name: 'sidecar', image: 'x' }] };
}

const errorOf = validationErrorOf;

function noNulls(x: unknown, path = ''): void {
  if (x === null) throw new Error(`null at ${path}`);
  if (typeof x === 'object') for (const [k, v] of Object.entries(x as object)) noNulls(v, `${path}/${k}`);
}

describe('GpuPool defaults (exclusive, DRA, Kueue)', () => {
  test('resolved defaults are public', () => {
    const p = pool();
    expect(p.name).toBe('h100');
    expect(p.vendor).toBe(GpuVendor.NVIDIA);
    expect(p.totalGpus).toBe(16);
    expect(p.sharing.kind).toBe('exclusive');
    expect(p.allocation).toBe(GpuAllocationMode.DRA);
    expect(p.nodeLabels).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(p.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
    expect(p.deviceClassName).toBe('h100.gpu.nvidia.com');
    expect(p.cohort).toBe('h100');
    expect(p.kueueGpuResource).toBe('nvidia.com/gpu');
    expect(p.priorities).toEqual([WorkloadPriority.PRODUCTION_INFERENCE, WorkloadPriority.BATCH]);
    expect(p.kueueDeviceClassMappings()).toEqual([{ name: 'nvidia.com/gpu', deviceClassNames: ['h100.gpu.nvidia.com'] }]);
  });

  test('DeviceClass with a CEL selector on driver, type and product', () => {
    const objects = synth(pool());
    expect(find(objects, 'DeviceClass')).toEqual({
      apiVersion: 'resource.k8s.io/v1',
      kind: 'DeviceClass',
      metadata: { name: 'h100.gpu.nvidia.com', labels: LABELS },
      spec: {
        selectors: [{
          cel: {
            expression: "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'gpu' "
              + "&& device.attributes['gpu.nvidia.com'].productName.lowerAscii().matches('^.*h100.*$')",
          },
        }],
      },
    });
    expectConformant(objects);
  });

  test('Kueue ResourceFlavor and WorkloadPriorityClasses (v1beta2)', () => {
    const objects = synth(pool());
    expect(find(objects, 'ResourceFlavor')).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ResourceFlavor',
      metadata: { name: 'h100', labels: LABELS },
      spec: { nodeLabels: { 'nvidia.com/gpu.present': 'true' }, nodeTaints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
    });
    expect(find(objects, 'WorkloadPriorityClass', 'h100-production-inference')).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'WorkloadPriorityClass',
      metadata: { name: 'h100-production-inference', labels: LABELS },
      value: 1000,
      description: 'Interactive inference serving production traffic',
    });
    expect(find(objects, 'WorkloadPriorityClass', 'h100-batch').value).toBe(100);
    expectConformant(objects);
  });

  test('kueue: false emits only the DRA objects', () => {
    expect(synth(pool({ kueue: false })).map((o) => o.kind)).toEqual(['DeviceClass']);
  });

  test('minimal pool snapshot', () => {
    expect(synth(pool())).toMatchSnapshot();
  });
});

describe('attachToPodSpec (plain pod spec, e.g. an LLMInferenceService template)', () => {
  test('exclusive: claim template, pod claims, container claims, toleration, node affinity', () => {
    const p = pool();
    const spec = podSpec();
    p.attachToPodSpec({ namespace: 'radiology', podSpec: spec, containerNames: ['main'] });
    expect(spec).toEqual({
      containers: [
        { name: 'main', image: spec.containers[0].image, resources: { claims: [{ name: 'gpu' }] } },
        { name: 'sidecar', image: 'x' },
      ],
      resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'h100-gpu' }],
      tolerations: [TOLERATION],
      affinity: AFFINITY,
    });
    const objects = synth(p);
    expect(find(objects, 'ResourceClaimTemplate')).toEqual({
      apiVersion: 'resource.k8s.io/v1',
      kind: 'ResourceClaimTemplate',
      metadata: { name: 'h100-gpu', namespace: 'radiology', labels: LABELS },
      spec: { spec: { devices: { requests: [{ name: 'gpu', exactly: { deviceClassName: 'h100.gpu.nvidia.com' } }] } } },
    });
    expectConformant(objects);
  });

  test('tensor parallel: ExactCount with count; one template per (namespace, profile)', () => {
    const p = pool();
    for (const ns of ['radiology', 'radiology', 'legal']) {
      p.attachToPodSpec({ namespace: ns, podSpec: podSpec(), containerNames: ['main'] }, { gpus: 4 });
    }
    const templates = synth(p).filter((o) => o.kind === 'ResourceClaimTemplate');
    expect(templates.map((t) => `${t.metadata.namespace}/${t.metadata.name}`)).toEqual(['radiology/h100-gpu-x4', 'legal/h100-gpu-x4']);
    expect(templates[0].spec.spec.devices.requests).toEqual([
      { name: 'gpu', exactly: { deviceClassName: 'h100.gpu.nvidia.com', allocationMode: 'ExactCount', count: 4 } },
    ]);
    expect(p.claimTemplateNames).toEqual({ 'radiology/gpu-x4': 'h100-gpu-x4', 'legal/gpu-x4': 'h100-gpu-x4' });
  });

  test('keeps existing tolerations and ANDs node affinity into every existing term', () => {
    const p = pool();
    const spec: Record<string, any> = {
      ...podSpec(),
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ai', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
    };
    p.attachToPodSpec({ namespace: 'ns', podSpec: spec, containerNames: ['main', 'sidecar'] });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'ai', effect: 'NoSchedule' }, TOLERATION]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{
      matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }],
    }]);
    expect(spec.containers[1].resources).toEqual({ claims: [{ name: 'gpu' }] });
  });
});

describe('sharing modes', () => {
  test('time-sliced: GpuConfig TimeSlicing in the claim template (driver quickstart shape)', () => {
    const p = pool({ sharing: GpuSharing.timeSliced({ interval: TimeSliceInterval.LONG }) });
    p.attachToPodSpec({ namespace: 'ns', podSpec: podSpec(), containerNames: ['main'] });
    const objects = synth(p);
    expect(find(objects, 'ResourceClaimTemplate').spec).toEqual({
      spec: {
        devices: {
          requests: [{ name: 'gpu', exactly: { deviceClassName: 'h100.gpu.nvidia.com' } }],
          config: [{
            requests: ['gpu'],
            opaque: {
              driver: 'gpu.nvidia.com',
              parameters: {
                apiVersion: 'resource.nvidia.com/v1beta1', kind: 'GpuConfig',
                sharing: { strategy: 'TimeSlicing', timeSlicingConfig: { interval: 'Long' } },
              },
            },
          }],
        },
      },
    });
    expect(find(objects, 'ResourceClaimTemplate').metadata.name).toBe('h100-ts');
    expectConformant(objects);
  });

  test('MPS: GpuConfig MPS with thread percentage and pinned memory limit', () => {
    const p = pool({ sharing: GpuSharing.mps({ activeThreadPercentage: 50, pinnedMemoryLimitGiB: 10 }) });
    p.attachToPodSpec({ namespace: 'ns', podSpec: podSpec(), containerNames: ['main'] });
    const objects = synth(p);
    const rct = find(objects, 'ResourceClaimTemplate');
    expect(rct.metadata.name).toBe('h100-mps');
    expect(rct.spec.spec.devices.config).toEqual([{
      requests: ['gpu'],
      opaque: {
        driver: 'gpu.nvidia.com',
        parameters: {
          apiVersion: 'resource.nvidia.com/v1beta1', kind: 'GpuConfig',
          sharing: { strategy: 'MPS', mpsConfig: { defaultActiveThreadPercentage: 50, defaultPinnedDeviceMemoryLimit: '10Gi' } },
        },
      },
    }]);
    expectConformant(objects);
  });

  test('MIG: one DeviceClass per profile (driver demo shape) and a claim per requested profile', () => {
    const p = pool({ product: GpuProduct.A100_80GB, sharing: GpuSharing.mig('1g.10gb', '3g.40gb') });
    expect(p.migDeviceClassNames).toEqual({ '1g.10gb': 'h100-mig-1g-10gb.gpu.nvidia.com', '3g.40gb': 'h100-mig-3g-40gb.gpu.nvidia.com' });
    const a = podSpec();
    const b = podSpec();
    p.attachToPodSpec({ namespace: 'ns', podSpec: a, containerNames: ['main'] });
    p.attachToPodSpec({ namespace: 'ns', podSpec: b, containerNames: ['main'] }, { profile: '3g.40gb' });
    expect(a.resourceClaims).toEqual([{ name: 'gpu', resourceClaimTemplateName: 'h100-mig-1g-10gb' }]);
    expect(b.resourceClaims).toEqual([{ name: 'gpu', resourceClaimTemplateName: 'h100-mig-3g-40gb' }]);
    const objects = synth(p);
    expect(find(objects, 'DeviceClass', 'h100-mig-1g-10gb.gpu.nvidia.com')).toEqual({
      apiVersion: 'resource.k8s.io/v1',
      kind: 'DeviceClass',
      metadata: { name: 'h100-mig-1g-10gb.gpu.nvidia.com', labels: LABELS },
      spec: {
        selectors: [{
          cel: {
            expression: "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'mig' "
              + "&& device.attributes['gpu.nvidia.com'].profile == '1g.10gb'",
          },
        }],
      },
    });
    expect(find(objects, 'ResourceClaimTemplate', 'h100-mig-3g-40gb').spec).toEqual({
      spec: { devices: { requests: [{ name: 'gpu', exactly: { deviceClassName: 'h100-mig-3g-40gb.gpu.nvidia.com' } }] } },
    });
    expect(p.kueueDeviceClassMappings()[0].deviceClassNames).toEqual([
      'h100.gpu.nvidia.com', 'h100-mig-1g-10gb.gpu.nvidia.com', 'h100-mig-3g-40gb.gpu.nvidia.com',
    ]);
    expectConformant(objects);
  });

  test('memory shares: capacity request of memory (consumable shares demo shape), rounded to the granularity', () => {
    const p = pool({ sharing: GpuSharing.memoryShares({ defaultShareGiB: 4, granularityGiB: 2 }) });
    const a = podSpec();
    p.attachToPodSpec({ namespace: 'ns', podSpec: a, containerNames: ['main'] });
    p.attachToPodSpec({ namespace: 'ns', podSpec: podSpec(), containerNames: ['main'] }, { profile: '23Gi' });
    const objects = synth(p);
    expect(find(objects, 'ResourceClaimTemplate', 'h100-mem-4gi').spec).toEqual({
      spec: { devices: { requests: [{ name: 'gpu', exactly: { deviceClassName: 'h100.gpu.nvidia.com', capacity: { requests: { memory: '4Gi' } } } }] } },
    });
    expect(find(objects, 'ResourceClaimTemplate', 'h100-mem-24gi').spec.spec.devices.requests[0].exactly.capacity).toEqual({ requests: { memory: '24Gi' } });
    expectConformant(objects);
  });

  test('AMD: driver-only selector, whole devices', () => {
    const p = pool({ product: GpuProduct.MI300X });
    const spec = podSpec();
    p.attachToPodSpec({ namespace: 'ns', podSpec: spec, containerNames: ['main'] });
    expect(p.deviceClassName).toBe('h100.gpu.amd.com');
    expect(find(synth(p), 'DeviceClass').spec.selectors).toEqual([{ cel: { expression: "device.driver == 'gpu.amd.com'" } }]);
    expect(spec.tolerations).toEqual([{ key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });
});

describe('extended-resource fallback (no DRA)', () => {
  test('string quantity limit, no DRA objects, no nulls', () => {
    const p = pool({ allocation: GpuAllocationMode.EXTENDED_RESOURCE });
    const spec = podSpec();
    spec.containers[0].resources = { limits: { cpu: '8', memory: '64Gi' } };
    p.attachToPodSpec({ namespace: 'ns', podSpec: spec, containerNames: ['main'] }, { gpus: 2 });
    expect(spec.containers[0].resources).toEqual({ limits: { 'cpu': '8', 'memory': '64Gi', 'nvidia.com/gpu': '2' } });
    expect(typeof spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('string');
    expect(spec.resourceClaims).toBeUndefined();
    expect(spec.tolerations).toEqual([TOLERATION]);
    expect(synth(p).map((o) => o.kind)).toEqual(['ResourceFlavor', 'WorkloadPriorityClass', 'WorkloadPriorityClass']);
    noNulls(spec);
  });

  test('MIG profiles become mig extended resources', () => {
    const p = pool({ allocation: GpuAllocationMode.EXTENDED_RESOURCE, sharing: GpuSharing.mig('1g.10gb') });
    const spec = podSpec();
    p.attachToPodSpec({ namespace: 'ns', podSpec: spec, containerNames: ['main'] });
    expect(spec.containers[0].resources.limits).toEqual({ 'nvidia.com/mig-1g.10gb': '1' });
  });
});

describe('attachToWorkload (cdk8s-plus)', () => {
  test('Deployment gets pod claims, container claims, toleration and affinity in the synthesized output', () => {
    const chart = Testing.chart();
    const p = pool({}, chart);
    const d = new kplus.Deployment(chart, 'Server', { metadata: { namespace: 'radiology' }, containers: [{ name: 'vllm', image: 'x', portNumber: 8000 }] });
    p.attachToWorkload(d, { gpus: 2 });
    const objects = Testing.synth(chart);
    const dep = find(objects, 'Deployment');
    const spec = dep.spec.template.spec;
    expect(spec.resourceClaims).toEqual([{ name: 'gpu', resourceClaimTemplateName: 'h100-gpu-x2' }]);
    expect(spec.containers[0].resources.claims).toEqual([{ name: 'gpu' }]);
    expect(spec.containers[0].resources.limits).toEqual({ cpu: '1500m', memory: '2048Mi' });
    expect(spec.tolerations).toEqual([TOLERATION]);
    expect(spec.affinity).toEqual(AFFINITY);
    expect(find(objects, 'ResourceClaimTemplate').metadata).toEqual({ name: 'h100-gpu-x2', namespace: 'radiology', labels: LABELS });
    noNulls(objects);
    expectConformant(objects);
    // Synthesizing twice gives the same output (the pod spec hook is idempotent per serialization).
    expect(Testing.synth(chart)).toEqual(objects);
  });

  test('fallback mode on a StatefulSet and a Job: the limit is the string "1", never null', () => {
    const chart = Testing.chart();
    const p = pool({ allocation: GpuAllocationMode.EXTENDED_RESOURCE }, chart);
    const svc = new kplus.Service(chart, 'Svc', { metadata: { namespace: 'batch' }, ports: [{ port: 80 }] });
    const s = new kplus.StatefulSet(chart, 'Sts', { metadata: { namespace: 'batch' }, service: svc, containers: [{ name: 'main', image: 'x' }] });
    const j = new kplus.Job(chart, 'Job', { metadata: { namespace: 'batch' }, containers: [{ name: 'main', image: 'x' }, { name: 'side', image: 'y' }] });
    p.attachToWorkload(s);
    p.attachToWorkload(j, {}, { containerNames: ['main'] });
    const objects = Testing.synth(chart);
    for (const kind of ['StatefulSet', 'Job']) {
      const c = find(objects, kind).spec.template.spec.containers;
      expect(c[0].resources.limits).toEqual({ 'cpu': '1500m', 'memory': '2048Mi', 'nvidia.com/gpu': '1' });
    }
    expect(find(objects, 'Job').spec.template.spec.containers[1].resources.limits).toEqual({ cpu: '1500m', memory: '2048Mi' });
    noNulls(objects);
    expectConformant(objects);
  });

  test('errors: workload without namespace, unknown container, attached twice', () => {
    const chart = Testing.chart();
    const p = pool({}, chart);
    const d = new kplus.Deployment(chart, 'D', { containers: [{ name: 'main', image: 'x' }] });
    expect(errorOf(() => p.attachToWorkload(d)).message).toBe(
      'test/h100: invalid workload.metadata.namespace: undefined. Allowed: the namespace of the workload. '
      + 'Fix: set metadata.namespace on test/D (ResourceClaimTemplates are namespaced)');
    const e = new kplus.Deployment(chart, 'E', { metadata: { namespace: 'ns' }, containers: [{ name: 'main', image: 'x' }] });
    expect(errorOf(() => p.attachToWorkload(e, {}, { containerNames: ['vllm'] })).message).toBe(
      'test/h100: invalid containerNames: "vllm". Allowed: main.');
    const spec = podSpec();
    p.attachToPodSpec({ namespace: 'ns', podSpec: spec, containerNames: ['main'] });
    expect(errorOf(() => p.attachToPodSpec({ namespace: 'ns', podSpec: spec, containerNames: ['main'] })).message).toBe(
      'test/h100: invalid podSpec.resourceClaims: "gpu". Allowed: a pod spec without GPUs attached. Fix: attach GPUs once per pod spec');
  });
});

describe('Kueue tenants', () => {
  test('ClusterQueue with quotas, cohort, borrowing; LocalQueue; queue labels', () => {
    const chart = Testing.chart();
    const p = pool({}, chart);
    const q = p.addTenant({ tenant: 'radiology', namespace: 'radiology', gpus: 8, borrowingLimitGpus: 4, lendingLimitGpus: 2, cpu: 64, memoryGiB: 512 });
    expect(q.queueName).toBe('h100');
    const objects = Testing.synth(chart);
    expect(find(objects, 'ClusterQueue')).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ClusterQueue',
      metadata: { name: 'h100-radiology', labels: { ...LABELS, 'sovereign-ai.dev/tenant': 'radiology' } },
      spec: {
        cohortName: 'h100',
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'radiology' } },
        queueingStrategy: 'BestEffortFIFO',
        preemption: { withinClusterQueue: 'LowerPriority', reclaimWithinCohort: 'Any' },
        resourceGroups: [{
          coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
          flavors: [{
            name: 'h100',
            resources: [
              { name: 'cpu', nominalQuota: '64' },
              { name: 'memory', nominalQuota: '512Gi' },
              { name: 'nvidia.com/gpu', nominalQuota: '8', borrowingLimit: '4', lendingLimit: '2' },
            ],
          }],
        }],
      },
    });
    expect(find(objects, 'LocalQueue')).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'LocalQueue',
      metadata: { name: 'h100', namespace: 'radiology', labels: { ...LABELS, 'sovereign-ai.dev/tenant': 'radiology' } },
      spec: { clusterQueue: 'h100-radiology' },
    });
    expect(p.queueLabels('radiology', WorkloadPriority.PRODUCTION_INFERENCE)).toEqual({
      [KUEUE_QUEUE_LABEL]: 'h100', [KUEUE_PRIORITY_LABEL]: 'h100-production-inference',
    });
    const d = new kplus.Deployment(chart, 'D', { metadata: { namespace: 'radiology' }, containers: [{ name: 'main', image: 'x' }] });
    p.applyQueueLabels(d, 'radiology', WorkloadPriority.BATCH);
    expect(find(Testing.synth(chart), 'Deployment').metadata.labels).toEqual({
      'kueue.x-k8s.io/queue-name': 'h100', 'kueue.x-k8s.io/priority-class': 'h100-batch',
    });
    expectConformant(objects);
  });

  test('GPU-memory quota and fractional CPU', () => {
    const p = pool({ sharing: GpuSharing.memoryShares() });
    p.addTenant({ tenant: 'legal', namespace: 'legal', gpuMemoryGiB: 160, cpu: 7.5, memoryGiB: 64 });
    const cq = find(synth(p), 'ClusterQueue');
    expect(cq.spec.resourceGroups[0].coveredResources).toEqual(['cpu', 'memory', 'nvidia.com/gpu-memory']);
    expect(cq.spec.resourceGroups[0].flavors[0].resources).toEqual([
      { name: 'cpu', nominalQuota: '7500m' }, { name: 'memory', nominalQuota: '64Gi' }, { name: 'nvidia.com/gpu-memory', nominalQuota: '160Gi' },
    ]);
    expectConformant(synth(p));
  });

  test('error: GPU quota over the pool, with what is missing', () => {
    const p = pool();
    p.addTenant({ tenant: 'research', namespace: 'research', gpus: 12, cpu: 64, memoryGiB: 512 });
    expect(errorOf(() => p.addTenant({ tenant: 'radiology', namespace: 'radiology', gpus: 12, cpu: 64, memoryGiB: 512 })).message).toBe(
      'test/h100: invalid tenants["radiology"].gpus: 12. Allowed: at most 4 GPUs (the pool has 16, other tenants hold 12: research 12). '
      + 'Fix: lower the quota, or add capacity: needs 8 more H100-80GB GPUs (1 more node(s) of 8)');
  });

  test('error: GPU memory, CPU and memory quotas over the inventory', () => {
    const p = pool({ cpuPerNode: 64, memoryGiBPerNode: 1024 });
    expect(errorOf(() => p.addTenant({ tenant: 'a', namespace: 'a', gpuMemoryGiB: 2000, cpu: 1, memoryGiB: 1 })).message).toBe(
      'test/h100: invalid tenants["a"].gpuMemoryGiB: 2000. Allowed: at most 1280 GiB of GPU memory (the pool has 1280). '
      + 'Fix: lower the quota, or add capacity: needs 9 more H100-80GB GPUs');
    expect(errorOf(() => p.addTenant({ tenant: 'a', namespace: 'a', gpus: 1, cpu: 200, memoryGiB: 1 })).message).toBe(
      'test/h100: invalid tenants["a"].cpu: 200. Allowed: at most 128 cores (the pool has 128). Fix: lower the quota, or add capacity: needs 72 more cores (2 more node(s))');
    expect(errorOf(() => p.addTenant({ tenant: 'a', namespace: 'a', gpus: 1, cpu: 1, memoryGiB: 4096 })).message).toBe(
      'test/h100: invalid tenants["a"].memoryGiB: 4096. Allowed: at most 2048 GiB (the pool has 2048). Fix: lower the quota, or add capacity: needs 2048 more GiB (2 more node(s))');
  });

  test('error: borrowing and lending limits, missing GPU quota, bad names, unknown tenant', () => {
    const p = pool();
    expect(errorOf(() => p.addTenant({ tenant: 'a', namespace: 'a', gpus: 10, borrowingLimitGpus: 8, cpu: 1, memoryGiB: 1 })).message).toBe(
      'test/h100: invalid tenants["a"].borrowingLimitGpus: 8. Allowed: at most 6 (nominal 10 + borrowing may not exceed the pool\'s 16 GPUs).');
    expect(errorOf(() => p.addTenant({ tenant: 'a', namespace: 'a', gpus: 2, lendingLimitGpus: 3, cpu: 1, memoryGiB: 1 })).message).toBe(
      'test/h100: invalid tenants["a"].lendingLimitGpus: 3. Allowed: at most the nominal quota 2.');
    expect(errorOf(() => p.addTenant({ tenant: 'a', namespace: 'a', cpu: 1, memoryGiB: 1 })).message).toBe(
      'test/h100: invalid tenants["a"].gpus: undefined. Allowed: a GPU count (or gpuMemoryGiB). Fix: give the tenant a GPU quota');
    expect(errorOf(() => p.addTenant({ tenant: 'a', namespace: 'a', gpus: -1, cpu: 1, memoryGiB: 1 })).message).toBe(
      'test/h100: invalid tenants["a"].gpus: -1. Allowed: a non-negative integer.');
    expect(errorOf(() => p.addTenant({ tenant: 'Team A', namespace: 'a', gpus: 1, cpu: 1, memoryGiB: 1 })).message).toBe(
      'test/h100: invalid tenant: "Team A". Allowed: a DNS-1123 label.');
    expect(errorOf(() => p.queueLabels('nobody')).message).toBe(
      'test/h100: invalid tenant: "nobody". Allowed: a tenant added with addTenant(). Fix: call pool.addTenant({ tenant, ... }) first');
  });
});

describe('bad pool input', () => {
  test.each<[Partial<GpuPoolProps>, string]>([
    [{ nodes: 0 }, 'test/h100: invalid nodes: 0. Allowed: a positive integer. Fix: set nodes to the number of GPU nodes'],
    [{ nodes: -2 }, 'test/h100: invalid nodes: -2. Allowed: a positive integer. Fix: set nodes to the number of GPU nodes'],
    [{ gpusPerNode: 0 }, 'test/h100: invalid gpusPerNode: 0. Allowed: a positive integer. Fix: set gpusPerNode to the number of GPUs on each node'],
    [{ sharing: GpuSharing.mig('1g.12gb') }, 'test/h100: invalid sharing.migProfiles: "1g.12gb". Allowed: 1g.10gb, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb. Fix: use a MIG profile of H100-80GB'],
    [{ product: GpuProduct.L4, sharing: GpuSharing.mig('1g.10gb') }, 'test/h100: invalid sharing: "mig". Allowed: exclusive, time-sliced, mps, memory-shares (L4 has no MIG). Fix: use a MIG-capable product (A100, H100, H200, GH200) or another sharing mode'],
    [{ product: GpuProduct.MI300X, sharing: GpuSharing.timeSliced() }, 'test/h100: invalid sharing: "time-sliced". Allowed: exclusive (what the AMD driver gpu.amd.com supports). Fix: choose one of the supported sharing modes for MI300X'],
    [{ allocation: GpuAllocationMode.EXTENDED_RESOURCE, sharing: GpuSharing.memoryShares() }, 'test/h100: invalid sharing: "memory-shares". Allowed: exclusive, time-sliced, mps, mig with GpuAllocationMode.EXTENDED_RESOURCE (memory shares need DRA consumable capacity). Fix: use GpuAllocationMode.DRA or another sharing mode'],
    [{ name: 'GPU_pool' }, 'test/h100: invalid name: "GPU_pool". Allowed: a DNS-1123 label of at most 40 characters.'],
  ])('%j', (props, message) => {
    expect(errorOf(() => pool(props)).message).toBe(message);
  });

  test('sharing factories validate eagerly', () => {
    expect(errorOf(() => GpuSharing.mps({ activeThreadPercentage: 0 })).message).toBe('GpuSharing.mps: invalid activeThreadPercentage: 0. Allowed: an integer from 1 to 100.');
    expect(errorOf(() => GpuSharing.timeSliced({ maxSharers: -1 })).message).toBe('GpuSharing.timeSliced: invalid maxSharers: -1. Allowed: an integer from 1 to 64.');
    expect(errorOf(() => GpuSharing.mig('big')).message).toBe('GpuSharing.mig: invalid profile: "big". Allowed: a MIG profile name like \'1g.10gb\'.');
    expect(errorOf(() => GpuSharing.memoryShares({ defaultShareGiB: 0 })).message).toBe('GpuSharing.memoryShares: invalid defaultShareGiB: 0. Allowed: a positive number.');
  });

  test('bad requests', () => {
    const p = pool({ sharing: GpuSharing.mig('1g.10gb') });
    const t = { namespace: 'ns', podSpec: podSpec(), containerNames: ['main'] };
    expect(errorOf(() => p.attachToPodSpec(t, { profile: '2g.20gb' })).message).toBe(
      'test/h100: invalid request.profile: "2g.20gb". Allowed: 1g.10gb. Fix: add the profile to GpuSharing.mig(...) of the pool '
      + '(profiles of H100-80GB: 1g.10gb, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb)');
    expect(errorOf(() => p.attachToPodSpec(t, { gpus: 9 })).message).toBe('test/h100: invalid request.gpus: 9. Allowed: an integer from 1 to 8 (GPUs per node).');
    expect(errorOf(() => p.attachToPodSpec(t, { gpus: 0 })).message).toBe('test/h100: invalid request.gpus: 0. Allowed: an integer from 1 to 8 (GPUs per node).');
    expect(errorOf(() => p.attachToPodSpec({ ...t, containerNames: ['nope'] })).message).toBe('test/h100: invalid target.containerNames: "nope". Allowed: main, sidecar.');
    expect(errorOf(() => p.attachToPodSpec({ ...t, namespace: 'Bad NS' })).message).toBe('test/h100: invalid target.namespace: "Bad NS". Allowed: a DNS-1123 label.');
    const ex = pool({}, Testing.chart());
    expect(errorOf(() => ex.attachToPodSpec(t, { profile: '24Gi' })).message).toBe(
      'test/h100: invalid request.profile: "24Gi". Allowed: no profile with exclusive sharing (profiles exist for mig and memory-shares pools). Fix: remove profile, or use gpus for whole devices');
    const mem = pool({ sharing: GpuSharing.memoryShares() }, Testing.chart());
    expect(errorOf(() => mem.attachToPodSpec(t, { profile: '100Gi' })).message).toBe('test/h100: invalid request.profile: "100Gi". Allowed: a memory quantity up to 80Gi (H100-80GB).');
  });
});

describe('pool.plan and requestFor', () => {
  test('plans on the pool inventory and turns the plan into attach requests', () => {
    const p = pool({ sharing: GpuSharing.memoryShares() });
    const plan = p.plan([{ name: 'big', paramsBillions: 70.6 }, { name: 'small', paramsBillions: 8 }]);
    expect(plan.inventory).toEqual({ product: 'H100-80GB', nodes: 2, gpusPerNode: 8, gpus: 16 });
    expect(p.requestFor(plan.models[0])).toEqual({ gpus: 4 });
    expect(p.requestFor(plan.models[1])).toEqual({ profile: '26Gi' });
    const spec = podSpec();
    p.attachToPodSpec({ namespace: 'ns', podSpec: spec, containerNames: ['main'] }, p.requestFor(plan.models[1]));
    expect(spec.resourceClaims).toEqual([{ name: 'gpu', resourceClaimTemplateName: 'h100-mem-26gi' }]);
  });
});
