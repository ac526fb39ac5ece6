import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-29';
import { Construct } from 'constructs';
import { ValidationError } from '../core/errors';
import { GpuRequest, IGpuProvider, PodSpecTarget } from '../core/gpu';
import { Labels, MANAGED_BY } from '../core/labels';
import { isDns1123Label, sanitizeDns1123, stableName } from '../core/names';
import { formatBytes, gib, parseQuantity } from '../core/quantity';
import { KubeDeviceClass, KubeResourceClaimTemplate, Quantity } from '../imports/k8s';
import {
  ClusterQueueV1Beta2,
  ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort,
  ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue,
  ClusterQueueV1Beta2SpecQueueingStrategy,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResources,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesBorrowingLimit,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesLendingLimit,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesNominalQuota,
} from '../imports/kueue-clusterqueue-kueue.x-k8s.io';
import { LocalQueueV1Beta2 } from '../imports/kueue-localqueue-kueue.x-k8s.io';
import { ResourceFlavorV1Beta2 } from '../imports/kueue-resourceflavor-kueue.x-k8s.io';
import { WorkloadPriorityClassV1Beta2 } from '../imports/kueue-wpc-kueue.x-k8s.io';
import {
  CapacityPlan, checkInventory, checkSharing, MemoryModelOptions, ModelPlan, ModelSpec, ShareKind, planCapacity,
} from './capacity-planner';
import { GpuSharing } from './gpu-sharing';
import { GpuProduct, GpuVendor, SharingKind } from './gpu-vendor';
import { WorkloadPriority } from './workload-priority';

/** The Kueue label that puts a workload into a LocalQueue. */
export const KUEUE_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
/** The Kueue label that gives a workload a WorkloadPriorityClass. */
export const KUEUE_PRIORITY_LABEL = 'kueue.x-k8s.io/priority-class';

/** How pods get devices. */
export enum GpuAllocationMode {
  /** Dynamic Resource Allocation (`resource.k8s.io/v1`, GA in Kubernetes 1.34): DeviceClasses and claims. */
  DRA = 'dra',
  /** Device-plugin extended resources (`nvidia.com/gpu` limits) for clusters without DRA. */
  EXTENDED_RESOURCE = 'extended-resource',
}

/** A taint carried by the pool's nodes (pods attached to the pool tolerate it). */
export interface GpuNodeTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value. @default - none (tolerated with operator Exists) */
  readonly value?: string;
  /** Effect. @default 'NoSchedule' */
  readonly effect?: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
}

/** Properties of a {@link GpuPool}. */
export interface GpuPoolProps {
  /**
   * The GPU product of every node of the pool (memory, MIG profiles, vendor).
   * @see https://docs.nvidia.com/datacenter/tesla/mig-user-guide/
   */
  readonly product: GpuProduct;
  /**
   * Number of GPU nodes.
   * @see https://kueue.sigs.k8s.io/docs/concepts/resource_flavor/
   */
  readonly nodes: number;
  /**
   * GPUs on each node (tensor-parallel groups never span nodes).
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#resources
   */
  readonly gpusPerNode: number;
  /**
   * How devices are shared between workloads.
   * @see https://github.com/kubernetes-sigs/dra-driver-nvidia-gpu
   * @default GpuSharing.exclusive()
   */
  readonly sharing?: GpuSharing;
  /**
   * DRA claims, or extended resources for clusters without DRA (chosen explicitly, never silently).
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/dynamic-resource-allocation/
   * @default GpuAllocationMode.DRA
   */
  readonly allocation?: GpuAllocationMode;
  /**
   * Name of the pool: prefix of the cluster-scoped objects (DeviceClasses, Kueue objects).
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/dynamic-resource-allocation/#deviceclass
   * @default - derived from the construct id
   */
  readonly name?: string;
  /**
   * Labels of the pool's nodes: node affinity of attached pods and `nodeLabels` of the Kueue ResourceFlavor.
   * @see https://kueue.sigs.k8s.io/docs/concepts/resource_flavor/
   * @default - the vendor's node label, e.g. `{ 'nvidia.com/gpu.present': 'true' }`
   */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /**
   * Taints of the pool's nodes: attached pods tolerate them; the ResourceFlavor declares them.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   * @default - one `NoSchedule` taint with the vendor's key (`nvidia.com/gpu`)
   */
  readonly taints?: readonly GpuNodeTaint[];
  /**
   * Emit Kueue admission objects (`kueue.x-k8s.io/v1beta2` ResourceFlavor, WorkloadPriorityClasses; tenants add
   * ClusterQueues and LocalQueues).
   * @see https://kueue.sigs.k8s.io/docs/concepts/
   * @default true
   */
  readonly kueue?: boolean;
  /**
   * Kueue cohort that the tenants' ClusterQueues share (borrowing happens inside it).
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#cohort
   * @default - the pool name
   */
  readonly cohort?: string;
  /**
   * Kueue WorkloadPriorityClasses of the pool.
   * @see https://kueue.sigs.k8s.io/docs/concepts/workload_priority_class/
   * @default [WorkloadPriority.PRODUCTION_INFERENCE, WorkloadPriority.BATCH]
   */
  readonly priorities?: readonly WorkloadPriority[];
  /**
   * CPU cores per node available to workloads (checks CPU quotas).
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#resources
   * @default - CPU quotas are not checked against the inventory
   */
  readonly cpuPerNode?: number;
  /**
   * Memory per node available to workloads, GiB (checks memory quotas).
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#resources
   * @default - memory quotas are not checked
   */
  readonly memoryGiBPerNode?: number;
  /**
   * Share of device memory a model server may use, for {@link GpuPool.plan} (vLLM `--gpu-memory-utilization`).
   * @see https://docs.vllm.ai/en/latest/configuration/engine_args.html
   * @default 0.9
   */
  readonly gpuMemoryUtilization?: number;
}

/** Quotas of one tenant on a pool. */
export interface GpuTenantProps {
  /** Tenant name (DNS-1123 label). */
  readonly tenant: string;
  /**
   * Namespace of the tenant's workloads (gets the LocalQueue; the ClusterQueue admits only this namespace).
   * @see https://kueue.sigs.k8s.io/docs/concepts/local_queue/
   */
  readonly namespace: string;
  /**
   * Nominal GPU quota (devices). Give this or `gpuMemoryGiB`.
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#resources
   * @default - no GPU-count quota
   */
  readonly gpus?: number;
  /**
   * Nominal GPU memory quota in GiB (for memory-share pools).
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#resources
   * @default - no GPU-memory quota
   */
  readonly gpuMemoryGiB?: number;
  /**
   * CPU quota in cores.
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#resources
   */
  readonly cpu: number;
  /**
   * Memory quota in GiB.
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#resources
   */
  readonly memoryGiB: number;
  /**
   * GPUs the tenant may borrow from unused quota of the cohort.
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#borrowinglimit
   * @default - no limit (any unused quota of the cohort)
   */
  readonly borrowingLimitGpus?: number;
  /**
   * GPUs of the tenant's quota that other tenants may borrow while unused.
   * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/#lendinglimit
   * @default - all of it
   */
  readonly lendingLimitGpus?: number;
}

/** What {@link GpuPool.addTenant} created. */
export interface GpuTenantQueue {
  /** Tenant name. */
  readonly tenant: string;
  /** Tenant namespace. */
  readonly namespace: string;
  /** The tenant's ClusterQueue. */
  readonly clusterQueue: ClusterQueueV1Beta2;
  /** The LocalQueue in the tenant namespace. */
  readonly localQueue: LocalQueueV1Beta2;
  /** Name of the LocalQueue (value of `kueue.x-k8s.io/queue-name`). */
  readonly queueName: string;
}

/** Options of {@link GpuPool.attachToWorkload}. */
export interface AttachToWorkloadOptions {
  /**
   * Containers that use the GPUs.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/dynamic-resource-allocation/#resourceclaims-and-resourceclaimtemplates
   * @default - all containers of the workload
   */
  readonly containerNames?: readonly string[];
}

interface Attachment {
  readonly slug: string;
  readonly count: number;
  readonly kind: SharingKind;
  readonly migProfile?: string;
  readonly memoryGiB?: number;
  /** Whole devices of a shared pool (no sharing configuration). */
  readonly whole: boolean;
}

const NVIDIA_GPU_CONFIG_KIND = 'GpuConfig';
const CLAIM_NAME = 'gpu';
const HOOKS = Symbol.for('sovereign-ai-platform.podSpecHooks');

/**
 * A set of accelerators and how they are shared. Emits the DRA objects (`resource.k8s.io/v1` DeviceClasses with
 * CEL selectors, ResourceClaimTemplates per namespace and share profile, with the NVIDIA driver's opaque
 * `GpuConfig` for time-slicing and MPS) and Kueue admission (`kueue.x-k8s.io/v1beta2` ResourceFlavor,
 * WorkloadPriorityClasses, a ClusterQueue and LocalQueue per tenant). Workloads get GPUs only through the pool:
 * {@link GpuPool.attachToPodSpec} for pod specs inside CRDs, {@link GpuPool.attachToWorkload} for cdk8s-plus workloads.
 */
export class GpuPool extends Construct implements IGpuProvider {
  /** Pool name (prefix of cluster-scoped objects). */
  public readonly name: string;
  /** GPU product. */
  public readonly product: GpuProduct;
  /** Vendor of the product. */
  public readonly vendor: GpuVendor;
  /** Nodes. */
  public readonly nodes: number;
  /** GPUs per node. */
  public readonly gpusPerNode: number;
  /** All GPUs of the pool. */
  public readonly totalGpus: number;
  /** Sharing mode. */
  public readonly sharing: GpuSharing;
  /** Allocation mode. */
  public readonly allocation: GpuAllocationMode;
  /** Node labels (node affinity, ResourceFlavor). */
  public readonly nodeLabels: Readonly<Record<string, string>>;
  /** Node taints (tolerations, ResourceFlavor). */
  public readonly taints: readonly GpuNodeTaint[];
  /** Name of the DeviceClass for whole devices (DRA mode), e.g. `h100.gpu.nvidia.com`. */
  public readonly deviceClassName?: string;
  /** DeviceClass names per MIG profile (DRA mode, MIG sharing). */
  public readonly migDeviceClassNames: Readonly<Record<string, string>>;
  /** Kueue enabled. */
  public readonly kueue: boolean;
  /** Kueue cohort of the tenants' ClusterQueues. */
  public readonly cohort: string;
  /** Name of the Kueue ResourceFlavor. */
  public readonly resourceFlavorName: string;
  /** Kueue WorkloadPriorityClasses of the pool. */
  public readonly priorities: readonly WorkloadPriority[];
  /** The Kueue resource name that counts GPUs (`nvidia.com/gpu`). */
  public readonly kueueGpuResource: string;
  /** The Kueue resource name that counts GPU memory (`nvidia.com/gpu-memory`). */
  public readonly kueueGpuMemoryResource: string;
  /** vLLM-style memory utilisation used by {@link GpuPool.plan}. */
  public readonly gpuMemoryUtilization: number;
  /** Tenants added so far. */
  public readonly tenants: readonly GpuTenantQueue[] = [];

  private readonly cpuPerNode?: number;
  private readonly memoryGiBPerNode?: number;
  private readonly claimTemplates = new Map<string, KubeResourceClaimTemplate>();
  private readonly tenantProps: GpuTenantProps[] = [];

  constructor(scope: Construct, id: string, props: GpuPoolProps) {
    super(scope, id);
    if (!props || !(props.product instanceof GpuProduct)) {
      throw ValidationError.invalidProp(this, {
        prop: 'product', value: props?.product === undefined ? undefined : String(props.product),
        allowed: `a GpuProduct (${GpuProduct.all().map((p) => p.name).join(', ')} or GpuProduct.of(...))`,
      });
    }
    checkInventory(this, props);
    this.product = props.product;
    this.vendor = props.product.vendor;
    this.nodes = props.nodes;
    this.gpusPerNode = props.gpusPerNode;
    this.totalGpus = props.nodes * props.gpusPerNode;
    this.sharing = props.sharing ?? GpuSharing.exclusive();
    this.allocation = props.allocation ?? GpuAllocationMode.DRA;
    if (!Object.values(GpuAllocationMode).includes(this.allocation)) {
      throw ValidationError.invalidProp(this, { prop: 'allocation', value: this.allocation, allowed: Object.values(GpuAllocationMode).join(', ') });
    }
    checkSharing(this, this.product, this.sharing);
    if (this.allocation === GpuAllocationMode.EXTENDED_RESOURCE && this.sharing.kind === SharingKind.MEMORY_SHARES) {
      throw ValidationError.invalidProp(this, {
        prop: 'sharing', value: this.sharing.kind,
        allowed: 'exclusive, time-sliced, mps, mig with GpuAllocationMode.EXTENDED_RESOURCE (memory shares need DRA consumable capacity)',
        fix: 'use GpuAllocationMode.DRA or another sharing mode',
      });
    }
    this.name = props.name ?? sanitizeDns1123(id);
    if (!isDns1123Label(this.name) || this.name.length > 40) {
      throw ValidationError.invalidProp(this, { prop: 'name', value: this.name, allowed: 'a DNS-1123 label of at most 40 characters' });
    }
    this.nodeLabels = props.nodeLabels ?? { [this.vendor.nodeLabel.key]: this.vendor.nodeLabel.value };
    this.taints = props.taints ?? [{ key: this.vendor.taintKey, effect: 'NoSchedule' }];
    this.kueue = props.kueue ?? true;
    this.cohort = props.cohort ?? this.name;
    this.resourceFlavorName = this.name;
    this.priorities = props.priorities ?? [WorkloadPriority.PRODUCTION_INFERENCE, WorkloadPriority.BATCH];
    this.kueueGpuResource = this.vendor.extendedResource;
    this.kueueGpuMemoryResource = `${this.vendor.extendedResource.split('/')[0]}/gpu-memory`;
    this.gpuMemoryUtilization = props.gpuMemoryUtilization ?? 0.9;
    this.cpuPerNode = props.cpuPerNode;
    this.memoryGiBPerNode = props.memoryGiBPerNode;
    for (const [prop, v] of [['cpuPerNode', props.cpuPerNode], ['memoryGiBPerNode', props.memoryGiBPerNode]] as const) {
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw ValidationError.invalidProp(this, { prop, value: v, allowed: 'a positive number' });
    }

    const migNames: Record<string, string> = {};
    if (this.allocation === GpuAllocationMode.DRA) {
      this.deviceClassName = `${this.name}.${this.vendor.driver}`;
      new KubeDeviceClass(this, 'Resource', {
        metadata: { name: this.deviceClassName, labels: this.labels() },
        spec: { selectors: [{ cel: { expression: this.deviceSelector() } }] },
      });
      if (this.sharing.kind === SharingKind.MIG) {
        for (const profile of this.sharing.migProfiles) {
          const name = `${this.name}-mig-${sanitizeDns1123(profile.replace('.', '-'))}.${this.vendor.driver}`;
          migNames[profile] = name;
          new KubeDeviceClass(this, `Mig-${profile}`, {
            metadata: { name, labels: this.labels() },
            spec: {
              selectors: [{
                cel: {
                  expression: `device.driver == '${this.vendor.driver}' && device.attributes['${this.vendor.driver}'].type == 'mig' `
                    + `&& device.attributes['${this.vendor.driver}'].profile == '${profile}'`,
                },
              }],
            },
          });
        }
      }
    }
    this.migDeviceClassNames = migNames;

    if (this.kueue) {
      new ResourceFlavorV1Beta2(this, 'Flavor', {
        metadata: { name: this.resourceFlavorName, labels: this.labels() },
        spec: {
          nodeLabels: { ...this.nodeLabels },
          nodeTaints: this.taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect ?? 'NoSchedule' })),
        },
      });
      const seen = new Set<string>();
      for (const p of this.priorities) {
        if (seen.has(p.name) || !isDns1123Label(p.name) || !Number.isInteger(p.value)) {
          throw ValidationError.invalidProp(this, {
            prop: 'priorities', value: p.name, allowed: 'unique DNS-1123 label names with integer values',
          });
        }
        seen.add(p.name);
        new WorkloadPriorityClassV1Beta2(this, `Priority-${p.name}`, {
          metadata: { name: this.priorityClassName(p), labels: this.labels() },
          value: p.value,
          description: p.description,
        });
      }
    }
  }

  /** The CEL expression that selects the pool's devices (driver, whole GPU, product). */
  public deviceSelector(): string {
    const d = this.vendor.driver;
    if (this.vendor === GpuVendor.NVIDIA) {
      return `device.driver == '${d}' && device.attributes['${d}'].type == 'gpu' `
        + `&& device.attributes['${d}'].productName.lowerAscii().matches('^.*${this.product.productNameMatch}.*$')`;
    }
    return `device.driver == '${d}'`;
  }

  /** Name of the Kueue WorkloadPriorityClass of a priority in this pool. */
  public priorityClassName(priority: WorkloadPriority): string {
    return stableName([this.name, priority.name]);
  }

  /**
   * Kueue `Configuration.resources.deviceClassMappings` entries for DRA mode: they make Kueue count the pool's
   * DRA claims as `kueueGpuResource` against the tenants' quotas.
   * @see https://kueue.sigs.k8s.io/docs/concepts/dynamic_resource_allocation/
   */
  public kueueDeviceClassMappings(): Array<{ name: string; deviceClassNames: string[] }> {
    if (this.allocation !== GpuAllocationMode.DRA || !this.deviceClassName) return [];
    return [{ name: this.kueueGpuResource, deviceClassNames: [this.deviceClassName, ...Object.values(this.migDeviceClassNames)] }];
  }

  /**
   * Adds a tenant: a ClusterQueue in the pool's cohort with the tenant's nominal quotas and borrowing limits
   * (admitting only the tenant namespace), and a LocalQueue in the tenant namespace. Quotas over the pool's
   * inventory are errors.
   */
  public addTenant(props: GpuTenantProps): GpuTenantQueue {
    const where = `tenants[${JSON.stringify(props?.tenant)}]`;
    if (!this.kueue) {
      throw ValidationError.invalidProp(this, { prop: 'kueue', value: false, allowed: 'true when tenants are added', fix: 'remove kueue: false from the pool props' });
    }
    if (typeof props.tenant !== 'string' || !isDns1123Label(props.tenant)) {
      throw ValidationError.invalidProp(this, { prop: 'tenant', value: props.tenant, allowed: 'a DNS-1123 label' });
    }
    if (this.tenantProps.some((t) => t.tenant === props.tenant)) {
      throw ValidationError.invalidProp(this, { prop: 'tenant', value: props.tenant, allowed: 'a tenant name not added before' });
    }
    if (typeof props.namespace !== 'string' || !isDns1123Label(props.namespace)) {
      throw ValidationError.invalidProp(this, { prop: `${where}.namespace`, value: props.namespace, allowed: 'a DNS-1123 label' });
    }
    if (props.gpus === undefined && props.gpuMemoryGiB === undefined) {
      throw ValidationError.invalidProp(this, { prop: `${where}.gpus`, value: undefined, allowed: 'a GPU count (or gpuMemoryGiB)', fix: 'give the tenant a GPU quota' });
    }
    const nonNegInt = (prop: string, v: number | undefined): void => {
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
        throw ValidationError.invalidProp(this, { prop: `${where}.${prop}`, value: v, allowed: 'a non-negative integer' });
      }
    };
    nonNegInt('gpus', props.gpus);
    nonNegInt('borrowingLimitGpus', props.borrowingLimitGpus);
    nonNegInt('lendingLimitGpus', props.lendingLimitGpus);
    for (const [prop, v] of [['gpuMemoryGiB', props.gpuMemoryGiB], ['cpu', props.cpu], ['memoryGiB', props.memoryGiB]] as const) {
      if (v === undefined && prop === 'gpuMemoryGiB') continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw ValidationError.invalidProp(this, { prop: `${where}.${prop}`, value: v, allowed: 'a non-negative number' });
      }
    }
    const others = this.tenantProps;
    const over = (prop: string, unit: string, value: number, total: number, used: (t: GpuTenantProps) => number | undefined, missing: (n: number) => string): void => {
      const taken = others.reduce((s, t) => s + (used(t) ?? 0), 0);
      if (taken + value > total + 1e-9) {
        const holders = others.filter((t) => (used(t) ?? 0) > 0).map((t) => `${t.tenant} ${used(t)}`).join(', ');
        throw ValidationError.invalidProp(this, {
          prop: `${where}.${prop}`, value,
          allowed: `at most ${Math.max(total - taken, 0)} ${unit} (the pool has ${total}${holders ? `, other tenants hold ${taken}: ${holders}` : ''})`,
          fix: `lower the quota, or add capacity: ${missing(taken + value - total)}`,
        });
      }
    };
    const perGpuNode = (n: number): string => `${Math.ceil(n / this.gpusPerNode)} more node(s)`;
    if (props.gpus !== undefined) {
      over('gpus', 'GPUs', props.gpus, this.totalGpus, (t) => t.gpus,
        (n) => `needs ${n} more ${this.product.name} GPUs (${perGpuNode(n)} of ${this.gpusPerNode})`);
    }
    if (props.gpuMemoryGiB !== undefined) {
      over('gpuMemoryGiB', 'GiB of GPU memory', props.gpuMemoryGiB, this.totalGpus * this.product.memoryGiB, (t) => t.gpuMemoryGiB,
        (n) => `needs ${Math.ceil(n / this.product.memoryGiB)} more ${this.product.name} GPUs`);
    }
    if (this.cpuPerNode !== undefined) {
      over('cpu', 'cores', props.cpu, this.cpuPerNode * this.nodes, (t) => t.cpu, (n) => `needs ${n} more cores (${Math.ceil(n / this.cpuPerNode!)} more node(s))`);
    }
    if (this.memoryGiBPerNode !== undefined) {
      over('memoryGiB', 'GiB', props.memoryGiB, this.memoryGiBPerNode * this.nodes, (t) => t.memoryGiB,
        (n) => `needs ${n} more GiB (${Math.ceil(n / this.memoryGiBPerNode!)} more node(s))`);
    }
    if (props.borrowingLimitGpus !== undefined && props.gpus !== undefined && props.gpus + props.borrowingLimitGpus > this.totalGpus) {
      throw ValidationError.invalidProp(this, {
        prop: `${where}.borrowingLimitGpus`, value: props.borrowingLimitGpus,
        allowed: `at most ${this.totalGpus - props.gpus} (nominal ${props.gpus} + borrowing may not exceed the pool's ${this.totalGpus} GPUs)`,
      });
    }
    if (props.lendingLimitGpus !== undefined && props.gpus !== undefined && props.lendingLimitGpus > props.gpus) {
      throw ValidationError.invalidProp(this, {
        prop: `${where}.lendingLimitGpus`, value: props.lendingLimitGpus, allowed: `at most the nominal quota ${props.gpus}`,
      });
    }
    if (props.gpus === undefined && (props.borrowingLimitGpus !== undefined || props.lendingLimitGpus !== undefined)) {
      throw ValidationError.invalidProp(this, {
        prop: `${where}.borrowingLimitGpus`, value: props.borrowingLimitGpus ?? props.lendingLimitGpus, allowed: 'only with a gpus quota',
      });
    }
    this.tenantProps.push(props);

    const Nominal = ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesNominalQuota;
    const resources: ClusterQueueV1Beta2SpecResourceGroupsFlavorsResources[] = [
      { name: 'cpu', nominalQuota: Nominal.fromString(cpuQuantity(props.cpu)) },
      { name: 'memory', nominalQuota: Nominal.fromString(gib(props.memoryGiB)) },
    ];
    if (props.gpus !== undefined) {
      resources.push({
        name: this.kueueGpuResource,
        nominalQuota: Nominal.fromString(String(props.gpus)),
        ...(props.borrowingLimitGpus !== undefined
          ? { borrowingLimit: ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesBorrowingLimit.fromString(String(props.borrowingLimitGpus)) } : {}),
        ...(props.lendingLimitGpus !== undefined
          ? { lendingLimit: ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesLendingLimit.fromString(String(props.lendingLimitGpus)) } : {}),
      });
    }
    if (props.gpuMemoryGiB !== undefined) {
      resources.push({ name: this.kueueGpuMemoryResource, nominalQuota: Nominal.fromString(gib(props.gpuMemoryGiB)) });
    }
    const cqName = stableName([this.name, props.tenant]);
    const clusterQueue = new ClusterQueueV1Beta2(this, `Queue-${props.tenant}`, {
      metadata: { name: cqName, labels: { ...this.labels(), [Labels.TENANT]: props.tenant } },
      spec: {
        cohortName: this.cohort,
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } },
        queueingStrategy: ClusterQueueV1Beta2SpecQueueingStrategy.BEST_EFFORT_FIFO,
        preemption: {
          withinClusterQueue: ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue.LOWER_PRIORITY,
          reclaimWithinCohort: ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort.ANY,
        },
        resourceGroups: [{
          coveredResources: resources.map((r) => r.name),
          flavors: [{ name: this.resourceFlavorName, resources }],
        }],
      },
    });
    const queueName = this.name;
    const localQueue = new LocalQueueV1Beta2(this, `LocalQueue-${props.tenant}`, {
      metadata: { name: queueName, namespace: props.namespace, labels: { ...this.labels(), [Labels.TENANT]: props.tenant } },
      spec: { clusterQueue: cqName },
    });
    const created: GpuTenantQueue = { tenant: props.tenant, namespace: props.namespace, clusterQueue, localQueue, queueName };
    (this.tenants as GpuTenantQueue[]).push(created);
    return created;
  }

  /**
   * The Kueue labels that put a workload of a tenant into the pool's queue, with a priority:
   * `{ 'kueue.x-k8s.io/queue-name': ..., 'kueue.x-k8s.io/priority-class': ... }`.
   */
  public queueLabels(tenant: string, priority?: WorkloadPriority): Record<string, string> {
    const t = this.tenants.find((q) => q.tenant === tenant);
    if (!t) {
      throw ValidationError.invalidProp(this, {
        prop: 'tenant', value: tenant, allowed: this.tenants.length ? this.tenants.map((q) => q.tenant).join(', ') : 'a tenant added with addTenant()',
        fix: 'call pool.addTenant({ tenant, ... }) first',
      });
    }
    const labels: Record<string, string> = { [KUEUE_QUEUE_LABEL]: t.queueName };
    if (priority) {
      if (!this.priorities.includes(priority)) {
        throw ValidationError.invalidProp(this, { prop: 'priority', value: priority.name, allowed: this.priorities.map((p) => p.name).join(', ') });
      }
      labels[KUEUE_PRIORITY_LABEL] = this.priorityClassName(priority);
    }
    return labels;
  }

  /** Adds the Kueue labels of {@link GpuPool.queueLabels} to a workload's (or any construct's ApiObject's) metadata. */
  public applyQueueLabels(workload: Construct, tenant: string, priority?: WorkloadPriority): Record<string, string> {
    const labels = this.queueLabels(tenant, priority);
    const obj = ApiObject.of(workload);
    for (const [k, v] of Object.entries(labels)) obj.metadata.addLabel(k, v);
    return labels;
  }

  /**
   * Attaches GPUs to a plain pod spec (mutated in place): pod-level `resourceClaims` referencing the pool's
   * ResourceClaimTemplate in `target.namespace` (created once per namespace and profile), container
   * `resources.claims`, tolerations and node affinity. In extended-resource mode the containers get the
   * `nvidia.com/gpu` (or MIG) limit as a string quantity instead.
   *
   * Request semantics: `gpus` = whole devices (with the pool's time-slicing/MPS configuration if any);
   * `profile` = a share: a MIG profile (`'1g.10gb'`) or a memory share (`'24Gi'`); neither = the pool's default
   * share (one whole GPU for exclusive pools).
   */
  public attachToPodSpec(target: PodSpecTarget, request: GpuRequest = {}): void {
    if (!target || typeof target.podSpec !== 'object' || target.podSpec === null) {
      throw ValidationError.invalidProp(this, { prop: 'target.podSpec', value: target?.podSpec, allowed: 'a pod spec object' });
    }
    if (!Array.isArray(target.containerNames) || target.containerNames.length === 0) {
      throw ValidationError.invalidProp(this, { prop: 'target.containerNames', value: target.containerNames, allowed: 'at least one container name' });
    }
    const containers: Array<Record<string, any>> = target.podSpec.containers ?? [];
    for (const name of target.containerNames) {
      if (!containers.some((c) => c.name === name)) {
        throw ValidationError.invalidProp(this, {
          prop: 'target.containerNames', value: name, allowed: containers.map((c) => c.name).join(', ') || 'the names of the pod spec containers',
        });
      }
    }
    const templateName = this.prepare(target.namespace, request);
    this.mutatePodSpec(target.podSpec, target.containerNames, request, templateName);
  }

  /**
   * Attaches GPUs to a cdk8s-plus workload (Deployment, StatefulSet, Job, DaemonSet, Pod). The fields are written
   * into the serialized pod spec after the typed bindings ran, so DRA fields and string quantities reach the
   * output unchanged (a JSON patch on the typed object would drop them or turn quantities into null).
   * The workload must have `metadata.namespace`.
   */
  public attachToWorkload(workload: kplus.AbstractPod, request: GpuRequest = {}, options: AttachToWorkloadOptions = {}): void {
    const obj = ApiObject.of(workload);
    const namespace = obj.metadata.namespace;
    if (!namespace) {
      throw ValidationError.invalidProp(this, {
        prop: 'workload.metadata.namespace', value: namespace, allowed: 'the namespace of the workload',
        fix: `set metadata.namespace on ${workload.node.path} (ResourceClaimTemplates are namespaced)`,
      });
    }
    const all = workload.containers.map((c) => c.name);
    const names = options.containerNames ?? all;
    for (const n of names) {
      if (!all.includes(n)) throw ValidationError.invalidProp(this, { prop: 'containerNames', value: n, allowed: all.join(', ') });
    }
    if (names.length === 0) throw ValidationError.invalidProp(this, { prop: 'containerNames', value: [], allowed: 'at least one container name' });
    const templateName = this.prepare(namespace, request);
    addPodSpecHook(obj, (podSpec) => this.mutatePodSpec(podSpec, names, request, templateName));
  }

  /** Runs the capacity planner for models on this pool's inventory and sharing mode. */
  public plan(models: readonly ModelSpec[], memoryModel?: MemoryModelOptions): CapacityPlan {
    return planCapacity({
      models,
      inventory: { product: this.product, nodes: this.nodes, gpusPerNode: this.gpusPerNode },
      sharing: this.sharing,
      gpuMemoryUtilization: this.gpuMemoryUtilization,
      memoryModel,
    });
  }

  /** The GPU request for a planned model: `{ gpus: tp }` for whole GPUs, `{ profile }` for MIG or memory shares. */
  public requestFor(model: ModelPlan): GpuRequest {
    switch (model.share.kind) {
      case ShareKind.WHOLE: return { gpus: model.share.tensorParallel };
      case ShareKind.MIG:
      case ShareKind.MEMORY_SHARE: return { profile: model.share.profile };
      default: return {};
    }
  }

  /** Names of the ResourceClaimTemplates created so far, by `namespace/profile`. */
  public get claimTemplateNames(): Readonly<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.claimTemplates) out[k] = v.name;
    return out;
  }

  private labels(): Record<string, string> {
    return { [Labels.APP_MANAGED_BY]: MANAGED_BY, [Labels.COMPONENT]: 'gpu-pool' };
  }

  private resolve(request: GpuRequest): Attachment {
    const kind = this.sharing.kind;
    if (request.gpus !== undefined && request.profile !== undefined) {
      throw ValidationError.invalidProp(this, {
        prop: 'request', value: request, allowed: 'either gpus (whole devices) or profile (a share), not both',
      });
    }
    if (request.gpus !== undefined) {
      if (!Number.isInteger(request.gpus) || request.gpus < 1 || request.gpus > this.gpusPerNode) {
        throw ValidationError.invalidProp(this, {
          prop: 'request.gpus', value: request.gpus, allowed: `an integer from 1 to ${this.gpusPerNode} (GPUs per node)`,
        });
      }
      const shared = kind === SharingKind.TIME_SLICED || kind === SharingKind.MPS;
      const base = shared ? (kind === SharingKind.MPS ? 'mps' : 'ts') : 'gpu';
      return { slug: request.gpus > 1 ? `${base}-x${request.gpus}` : base, count: request.gpus, kind: shared ? kind : SharingKind.EXCLUSIVE, whole: !shared };
    }
    if (request.profile !== undefined) {
      if (kind === SharingKind.MIG) {
        if (!this.sharing.migProfiles.includes(request.profile)) {
          throw ValidationError.invalidProp(this, {
            prop: 'request.profile', value: request.profile, allowed: this.sharing.migProfiles.join(', '),
            fix: `add the profile to GpuSharing.mig(...) of the pool (profiles of ${this.product.name}: ${this.product.migProfiles.map((p) => p.name).join(', ')})`,
          });
        }
        return { slug: `mig-${request.profile.replace('.', '-')}`, count: 1, kind, migProfile: request.profile, whole: false };
      }
      if (kind === SharingKind.MEMORY_SHARES) {
        const bytes = parseQuantity(request.profile);
        const max = this.product.memoryGiB;
        if (bytes === undefined || !(bytes > 0) || bytes > max * 2 ** 30) {
          throw ValidationError.invalidProp(this, {
            prop: 'request.profile', value: request.profile, allowed: `a memory quantity up to ${max}Gi (${this.product.name})`,
          });
        }
        return this.memoryAttachment(bytes / 2 ** 30);
      }
      throw ValidationError.invalidProp(this, {
        prop: 'request.profile', value: request.profile,
        allowed: `no profile with ${this.sharing.toString()} sharing (profiles exist for mig and memory-shares pools)`,
        fix: 'remove profile, or use gpus for whole devices',
      });
    }
    switch (kind) {
      case SharingKind.MIG: {
        const p = this.sharing.migProfiles[0];
        return { slug: `mig-${p.replace('.', '-')}`, count: 1, kind, migProfile: p, whole: false };
      }
      case SharingKind.MEMORY_SHARES: return this.memoryAttachment(this.sharing.defaultShareGiB ?? 8);
      case SharingKind.TIME_SLICED: return { slug: 'ts', count: 1, kind, whole: false };
      case SharingKind.MPS: return { slug: 'mps', count: 1, kind, whole: false };
      default: return { slug: 'gpu', count: 1, kind: SharingKind.EXCLUSIVE, whole: true };
    }
  }

  private memoryAttachment(requestedGiB: number): Attachment {
    const g = this.sharing.granularityGiB ?? 1;
    const memoryGiB = Math.min(Math.ceil(requestedGiB / g - 1e-9) * g, this.product.memoryGiB);
    return { slug: `mem-${sanitizeDns1123(gib(memoryGiB))}`, count: 1, kind: SharingKind.MEMORY_SHARES, memoryGiB, whole: false };
  }

  /** Validates the request and creates the ResourceClaimTemplate (DRA) once per namespace and profile. */
  private prepare(namespace: string, request: GpuRequest): string | undefined {
    if (typeof namespace !== 'string' || !isDns1123Label(namespace)) {
      throw ValidationError.invalidProp(this, { prop: 'target.namespace', value: namespace, allowed: 'a DNS-1123 label' });
    }
    const a = this.resolve(request ?? {});
    if (this.allocation !== GpuAllocationMode.DRA) return undefined;
    const key = `${namespace}/${a.slug}`;
    const existing = this.claimTemplates.get(key);
    if (existing) return existing.name;
    const name = stableName([this.name, a.slug]);
    const exactly: Record<string, any> = {
      deviceClassName: a.migProfile ? this.migDeviceClassNames[a.migProfile] : this.deviceClassName!,
    };
    if (a.count > 1) {
      exactly.allocationMode = 'ExactCount';
      exactly.count = a.count;
    }
    if (a.memoryGiB !== undefined) exactly.capacity = { requests: { memory: Quantity.fromString(gib(a.memoryGiB)) } };
    const config = this.opaqueConfig(a);
    const template = new KubeResourceClaimTemplate(this, `Claim-${namespace}-${a.slug}`, {
      metadata: { name, namespace, labels: this.labels() },
      spec: {
        spec: {
          devices: {
            requests: [{ name: CLAIM_NAME, exactly: exactly as any }],
            ...(config ? { config: [{ requests: [CLAIM_NAME], opaque: { driver: this.vendor.driver, parameters: config } }] } : {}),
          },
        },
      },
    });
    this.claimTemplates.set(key, template);
    return template.name;
  }

  /** The NVIDIA driver's opaque `GpuConfig` for time-slicing and MPS (shape of the driver's quickstart demos). */
  private opaqueConfig(a: Attachment): Record<string, any> | undefined {
    if (!this.vendor.opaqueConfigApiVersion) return undefined;
    if (a.kind === SharingKind.TIME_SLICED) {
      return {
        apiVersion: this.vendor.opaqueConfigApiVersion,
        kind: NVIDIA_GPU_CONFIG_KIND,
        sharing: { strategy: 'TimeSlicing', timeSlicingConfig: { interval: this.sharing.interval } },
      };
    }
    if (a.kind === SharingKind.MPS) {
      return {
        apiVersion: this.vendor.opaqueConfigApiVersion,
        kind: NVIDIA_GPU_CONFIG_KIND,
        sharing: {
          strategy: 'MPS',
          mpsConfig: {
            defaultActiveThreadPercentage: this.sharing.activeThreadPercentage,
            ...(this.sharing.pinnedMemoryLimitGiB !== undefined ? { defaultPinnedDeviceMemoryLimit: formatBytes(Math.round(this.sharing.pinnedMemoryLimitGiB * 2 ** 30)) } : {}),
          },
        },
      };
    }
    return undefined;
  }

  /** Writes claims (or extended-resource limits), tolerations and node affinity into a JSON pod spec. */
  private mutatePodSpec(podSpec: Record<string, any>, containerNames: readonly string[], request: GpuRequest, templateName: string | undefined): void {
    const a = this.resolve(request ?? {});
    const containers: Array<Record<string, any>> = podSpec.containers ?? [];
    if (templateName !== undefined) {
      const claims: Array<Record<string, any>> = podSpec.resourceClaims ?? [];
      if (claims.some((c) => c.name === CLAIM_NAME)) {
        throw ValidationError.invalidProp(this, { prop: 'podSpec.resourceClaims', value: CLAIM_NAME, allowed: 'a pod spec without GPUs attached', fix: 'attach GPUs once per pod spec' });
      }
      podSpec.resourceClaims = [...claims, { name: CLAIM_NAME, resourceClaimTemplateName: templateName }];
      for (const c of containers.filter((x) => containerNames.includes(x.name))) {
        const resources = (c.resources ??= {});
        resources.claims = [...(resources.claims ?? []), { name: CLAIM_NAME }];
      }
    } else {
      const resourceName = a.migProfile ? `${this.vendor.extendedResource.split('/')[0]}/mig-${a.migProfile}` : this.vendor.extendedResource;
      for (const c of containers.filter((x) => containerNames.includes(x.name))) {
        const resources = (c.resources ??= {});
        resources.limits = { ...(resources.limits ?? {}), [resourceName]: String(a.count) };
      }
    }
    const tolerations: Array<Record<string, any>> = podSpec.tolerations ?? [];
    for (const t of this.taints) {
      const tol: Record<string, string> = t.value !== undefined
        ? { key: t.key, operator: 'Equal', value: t.value, effect: t.effect ?? 'NoSchedule' }
        : { key: t.key, operator: 'Exists', effect: t.effect ?? 'NoSchedule' };
      if (!tolerations.some((x) => JSON.stringify(x) === JSON.stringify(tol))) tolerations.push(tol);
    }
    if (tolerations.length > 0) podSpec.tolerations = tolerations;
    const expressions = Object.entries(this.nodeLabels).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
    if (expressions.length > 0) {
      const affinity = (podSpec.affinity ??= {});
      const nodeAffinity = (affinity.nodeAffinity ??= {});
      const required = (nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] });
      if (required.nodeSelectorTerms.length === 0) required.nodeSelectorTerms.push({ matchExpressions: [] });
      for (const term of required.nodeSelectorTerms) {
        term.matchExpressions = [...(term.matchExpressions ?? []), ...expressions];
      }
    }
  }
}

function cpuQuantity(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

/** Runs `hook` on the serialized pod spec of an ApiObject after its typed `toJson()` (once per hook). */
function addPodSpecHook(obj: ApiObject, hook: (podSpec: Record<string, any>) => void): void {
  const holder = obj as unknown as Record<symbol, Array<(podSpec: Record<string, any>) => void> | undefined>;
  let hooks = holder[HOOKS];
  if (!hooks) {
    const list: Array<(podSpec: Record<string, any>) => void> = [];
    hooks = list;
    const original = obj.toJson.bind(obj);
    Object.defineProperty(obj, HOOKS, { value: list, enumerable: false });
    Object.defineProperty(obj, 'toJson', {
      value: (): any => {
        const json = original();
        const podSpec = podSpecOf(json);
        if (podSpec) for (const h of list) h(podSpec);
        return json;
      },
      enumerable: false,
      configurable: true,
    });
  }
  hooks.push(hook);
}

function podSpecOf(json: any): Record<string, any> | undefined {
  if (json?.kind === 'Pod') return json.spec;
  if (json?.kind === 'CronJob') return json.spec?.jobTemplate?.spec?.template?.spec;
  return json?.spec?.template?.spec;
}
