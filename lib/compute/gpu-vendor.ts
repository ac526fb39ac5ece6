/**
 * GPU vendors and products: the facts the pool and the capacity planner need (DRA driver name, extended resource
 * name, memory per device, MIG profiles). Pure data, no cdk8s.
 */

/** Which sharing strategies a vendor's DRA driver implements. */
export enum SharingKind {
  /** One pod (claim) per device. */
  EXCLUSIVE = 'exclusive',
  /** CUDA time-slicing of a device between claims. */
  TIME_SLICED = 'time-sliced',
  /** CUDA Multi-Process Service: concurrent kernels with a compute and pinned-memory limit per client. */
  MPS = 'mps',
  /** Multi-Instance GPU: hardware partitions with fixed memory and compute slices. */
  MIG = 'mig',
  /** Consumable memory capacity of a device shared between claims (DRA consumable capacity). */
  MEMORY_SHARES = 'memory-shares',
}

/** Properties of a {@link GpuVendor}. */
export interface GpuVendorProps {
  /** Display name, e.g. `NVIDIA`. */
  readonly name: string;
  /**
   * DRA driver name (also the attribute domain in CEL), e.g. `gpu.nvidia.com`.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/dynamic-resource-allocation/
   */
  readonly driver: string;
  /**
   * Extended resource name used without DRA, e.g. `nvidia.com/gpu`.
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#extended-resources
   */
  readonly extendedResource: string;
  /**
   * Node taint key that GPU nodes carry and GPU pods tolerate.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   * @default - the extended resource name
   */
  readonly taintKey?: string;
  /**
   * Node label (key and value) that marks nodes with such GPUs.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
   */
  readonly nodeLabel: { readonly key: string; readonly value: string };
  /**
   * Sharing strategies the driver supports.
   * @see https://github.com/kubernetes-sigs/dra-driver-nvidia-gpu
   * @default [SharingKind.EXCLUSIVE]
   */
  readonly sharing?: readonly SharingKind[];
  /**
   * Opaque configuration apiVersion of the driver (for time-slicing / MPS), if any.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/dynamic-resource-allocation/
   * @default - no opaque configuration
   */
  readonly opaqueConfigApiVersion?: string;
}

/**
 * A GPU vendor, identified by its DRA driver name. NVIDIA is fully supported (all sharing strategies of the
 * NVIDIA DRA driver); AMD and others are supported by driver and extended-resource name, for whole devices.
 *
 * @see https://github.com/kubernetes-sigs/dra-driver-nvidia-gpu
 */
export class GpuVendor {
  /** NVIDIA: DRA driver `gpu.nvidia.com`, opaque `resource.nvidia.com/v1beta1` `GpuConfig`, extended resource `nvidia.com/gpu`. */
  public static readonly NVIDIA = new GpuVendor({
    name: 'NVIDIA',
    driver: 'gpu.nvidia.com',
    extendedResource: 'nvidia.com/gpu',
    nodeLabel: { key: 'nvidia.com/gpu.present', value: 'true' },
    sharing: [SharingKind.EXCLUSIVE, SharingKind.TIME_SLICED, SharingKind.MPS, SharingKind.MIG, SharingKind.MEMORY_SHARES],
    opaqueConfigApiVersion: 'resource.nvidia.com/v1beta1',
  });

  /** AMD: DRA driver `gpu.amd.com`, extended resource `amd.com/gpu`; whole devices only. */
  public static readonly AMD = new GpuVendor({
    name: 'AMD',
    driver: 'gpu.amd.com',
    extendedResource: 'amd.com/gpu',
    nodeLabel: { key: 'feature.node.kubernetes.io/amd-gpu', value: 'true' },
    sharing: [SharingKind.EXCLUSIVE],
  });

  /** Any other vendor, by DRA driver name and extended resource name. */
  public static of(props: GpuVendorProps): GpuVendor {
    return new GpuVendor(props);
  }

  /** Display name. */
  public readonly name: string;
  /** DRA driver name. */
  public readonly driver: string;
  /** Extended resource name (fallback mode and Kueue quota). */
  public readonly extendedResource: string;
  /** Taint key of GPU nodes. */
  public readonly taintKey: string;
  /** Node label that selects the vendor's GPU nodes. */
  public readonly nodeLabel: { readonly key: string; readonly value: string };
  /** Supported sharing strategies. */
  public readonly sharing: readonly SharingKind[];
  /** Opaque configuration apiVersion, if the driver takes one. */
  public readonly opaqueConfigApiVersion?: string;

  private constructor(props: GpuVendorProps) {
    this.name = props.name;
    this.driver = props.driver;
    this.extendedResource = props.extendedResource;
    this.taintKey = props.taintKey ?? props.extendedResource;
    this.nodeLabel = props.nodeLabel;
    this.sharing = props.sharing ?? [SharingKind.EXCLUSIVE];
    this.opaqueConfigApiVersion = props.opaqueConfigApiVersion;
  }

  /** True if the vendor's driver implements the sharing strategy. */
  public supports(kind: SharingKind): boolean {
    return this.sharing.includes(kind);
  }
}

/** A MIG profile: name, memory and compute slices (of 7). */
export interface MigProfile {
  /** Profile name as the driver reports it, e.g. `1g.10gb`. */
  readonly name: string;
  /** Compute slices (the `Ng` part), out of 7. */
  readonly computeSlices: number;
  /** Memory of the instance in GiB (the `Ngb` part). */
  readonly memoryGiB: number;
}

/** Properties of a {@link GpuProduct}. */
export interface GpuProductProps {
  /** Product name, e.g. `H100-80GB`. */
  readonly name: string;
  /** Vendor. */
  readonly vendor: GpuVendor;
  /** Device memory in GiB. */
  readonly memoryGiB: number;
  /**
   * Lowercase substring of the driver's `productName` attribute that identifies the product in CEL.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/dynamic-resource-allocation/#deviceclass
   */
  readonly productNameMatch: string;
  /**
   * MIG profile names supported by the product (e.g. `['1g.10gb', '3g.40gb']`).
   * @see https://docs.nvidia.com/datacenter/tesla/mig-user-guide/
   * @default - no MIG
   */
  readonly migProfiles?: readonly string[];
}

/** Number of compute slices of a MIG-capable GPU. */
export const MIG_COMPUTE_SLICES = 7;

function parseMigProfile(name: string): MigProfile {
  const m = /^(\d+)g\.(\d+)gb$/.exec(name);
  if (!m) throw new RangeError(`not a MIG profile name: ${name}`);
  return { name, computeSlices: Number(m[1]), memoryGiB: Number(m[2]) };
}

const A100_40_MIG = ['1g.5gb', '1g.10gb', '2g.10gb', '3g.20gb', '4g.20gb', '7g.40gb'];
const H100_MIG = ['1g.10gb', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'];

/**
 * A GPU product with its memory and MIG profiles. Used for the CEL selector of the pool's DeviceClass, for
 * validation of MIG profiles and by the capacity planner.
 *
 * @see https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html
 */
export class GpuProduct {
  /** NVIDIA A100 40GB (MIG: 1g.5gb ... 7g.40gb). */
  public static readonly A100_40GB = new GpuProduct({ name: 'A100-40GB', vendor: GpuVendor.NVIDIA, memoryGiB: 40, productNameMatch: 'a100', migProfiles: A100_40_MIG });
  /** NVIDIA A100 80GB (MIG: 1g.10gb ... 7g.80gb). */
  public static readonly A100_80GB = new GpuProduct({ name: 'A100-80GB', vendor: GpuVendor.NVIDIA, memoryGiB: 80, productNameMatch: 'a100', migProfiles: H100_MIG });
  /** NVIDIA H100 80GB (MIG: 1g.10gb ... 7g.80gb). */
  public static readonly H100_80GB = new GpuProduct({ name: 'H100-80GB', vendor: GpuVendor.NVIDIA, memoryGiB: 80, productNameMatch: 'h100', migProfiles: H100_MIG });
  /** NVIDIA H200 141GB (MIG: 1g.18gb ... 7g.141gb). */
  public static readonly H200 = new GpuProduct({ name: 'H200', vendor: GpuVendor.NVIDIA, memoryGiB: 141, productNameMatch: 'h200', migProfiles: ['1g.18gb', '1g.35gb', '2g.35gb', '3g.71gb', '4g.71gb', '7g.141gb'] });
  /** NVIDIA GH200 96GB (MIG: 1g.12gb ... 7g.96gb). */
  public static readonly GH200 = new GpuProduct({ name: 'GH200-96GB', vendor: GpuVendor.NVIDIA, memoryGiB: 96, productNameMatch: 'gh200', migProfiles: ['1g.12gb', '1g.24gb', '2g.24gb', '3g.48gb', '4g.48gb', '7g.96gb'] });
  /** NVIDIA L40S 48GB (no MIG). */
  public static readonly L40S = new GpuProduct({ name: 'L40S', vendor: GpuVendor.NVIDIA, memoryGiB: 48, productNameMatch: 'l40s' });
  /** NVIDIA A10 24GB (no MIG). */
  public static readonly A10 = new GpuProduct({ name: 'A10', vendor: GpuVendor.NVIDIA, memoryGiB: 24, productNameMatch: 'a10' });
  /** NVIDIA L4 24GB (no MIG). */
  public static readonly L4 = new GpuProduct({ name: 'L4', vendor: GpuVendor.NVIDIA, memoryGiB: 24, productNameMatch: 'l4' });
  /** AMD Instinct MI300X 192GB. */
  public static readonly MI300X = new GpuProduct({ name: 'MI300X', vendor: GpuVendor.AMD, memoryGiB: 192, productNameMatch: 'mi300x' });

  /** All built-in products, by name. */
  public static all(): readonly GpuProduct[] {
    return [GpuProduct.A100_40GB, GpuProduct.A100_80GB, GpuProduct.H100_80GB, GpuProduct.H200, GpuProduct.GH200,
      GpuProduct.L40S, GpuProduct.A10, GpuProduct.L4, GpuProduct.MI300X];
  }

  /** A built-in product by name (case-insensitive), or `undefined`. */
  public static byName(name: string): GpuProduct | undefined {
    return GpuProduct.all().find((p) => p.name.toLowerCase() === name.toLowerCase());
  }

  /** Any other product. */
  public static of(props: GpuProductProps): GpuProduct {
    if (!(props.memoryGiB > 0) || !Number.isFinite(props.memoryGiB)) throw new RangeError(`memoryGiB must be positive, got ${props.memoryGiB}`);
    return new GpuProduct(props);
  }

  /** Product name. */
  public readonly name: string;
  /** Vendor. */
  public readonly vendor: GpuVendor;
  /** Device memory in GiB. */
  public readonly memoryGiB: number;
  /** Lowercase substring of the driver's `productName` attribute. */
  public readonly productNameMatch: string;
  /** MIG profiles (empty: no MIG). */
  public readonly migProfiles: readonly MigProfile[];

  private constructor(props: GpuProductProps) {
    this.name = props.name;
    this.vendor = props.vendor;
    this.memoryGiB = props.memoryGiB;
    this.productNameMatch = props.productNameMatch.toLowerCase();
    this.migProfiles = (props.migProfiles ?? []).map(parseMigProfile);
  }

  /** True if the product supports MIG. */
  public get migCapable(): boolean {
    return this.migProfiles.length > 0;
  }

  /** The MIG profile of that name, or `undefined`. */
  public migProfile(name: string): MigProfile | undefined {
    return this.migProfiles.find((p) => p.name === name);
  }
}
