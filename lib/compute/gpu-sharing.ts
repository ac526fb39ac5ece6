import { ValidationError } from '../core/errors';
import { SharingKind } from './gpu-vendor';

/**
 * Time-slice length of the NVIDIA driver's time-slicing strategy (`GpuConfig.sharing.timeSlicingConfig.interval`).
 * @see https://github.com/kubernetes-sigs/dra-driver-nvidia-gpu/blob/main/demo/specs/quickstart/v1/gpu-test5.yaml
 */
export enum TimeSliceInterval {
  /** Driver default. */
  DEFAULT = 'Default',
  /** Short slices. */
  SHORT = 'Short',
  /** Medium slices. */
  MEDIUM = 'Medium',
  /** Long slices. */
  LONG = 'Long',
}

/** Options of {@link GpuSharing.timeSliced}. */
export interface TimeSlicedOptions {
  /**
   * Time-slice length.
   * @see https://github.com/kubernetes-sigs/dra-driver-nvidia-gpu
   * @default TimeSliceInterval.DEFAULT
   */
  readonly interval?: TimeSliceInterval;
  /**
   * Most claims the planner puts on one device (memory still has to fit).
   * @see https://github.com/kubernetes-sigs/dra-driver-nvidia-gpu
   * @default 4
   */
  readonly maxSharers?: number;
}

/** Options of {@link GpuSharing.mps}. */
export interface MpsOptions {
  /**
   * Share of the SMs each MPS client may use, in percent (`defaultActiveThreadPercentage`).
   * @see https://docs.nvidia.com/deploy/mps/index.html
   * @default 50
   */
  readonly activeThreadPercentage?: number;
  /**
   * Device memory each client may pin, in GiB (`defaultPinnedDeviceMemoryLimit`).
   * @see https://docs.nvidia.com/deploy/mps/index.html
   * @default - no limit
   */
  readonly pinnedMemoryLimitGiB?: number;
}

/** Options of {@link GpuSharing.memoryShares}. */
export interface MemorySharesOptions {
  /** Memory of a claim when a workload names no profile, in GiB. @default 8 */
  readonly defaultShareGiB?: number;
  /** Shares are rounded up to a multiple of this, in GiB. @default 1 */
  readonly granularityGiB?: number;
}

function positiveInt(where: string, prop: string, value: number, max?: number): void {
  if (!Number.isInteger(value) || value < 1 || (max !== undefined && value > max)) {
    throw ValidationError.invalidProp(where, {
      prop, value, allowed: max !== undefined ? `an integer from 1 to ${max}` : 'a positive integer',
    });
  }
}

function positiveNumber(where: string, prop: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw ValidationError.invalidProp(where, { prop, value, allowed: 'a positive number' });
  }
}

/**
 * How the devices of a pool are shared between workloads. Enum-like: create with the static factories.
 *
 * @see https://github.com/kubernetes-sigs/dra-driver-nvidia-gpu (GpuConfig sharing strategies, MIG, consumable shares)
 */
export class GpuSharing {
  /** Whole devices: one claim per device. */
  public static exclusive(): GpuSharing {
    return new GpuSharing(SharingKind.EXCLUSIVE, {});
  }

  /** CUDA time-slicing: claims take turns on a device (`strategy: TimeSlicing`). */
  public static timeSliced(options: TimeSlicedOptions = {}): GpuSharing {
    const maxSharers = options.maxSharers ?? 4;
    positiveInt('GpuSharing.timeSliced', 'maxSharers', maxSharers, 64);
    return new GpuSharing(SharingKind.TIME_SLICED, { interval: options.interval ?? TimeSliceInterval.DEFAULT, maxSharers });
  }

  /** CUDA MPS: concurrent clients with a compute share and optional pinned-memory limit (`strategy: MPS`). */
  public static mps(options: MpsOptions = {}): GpuSharing {
    const activeThreadPercentage = options.activeThreadPercentage ?? 50;
    positiveInt('GpuSharing.mps', 'activeThreadPercentage', activeThreadPercentage, 100);
    if (options.pinnedMemoryLimitGiB !== undefined) positiveNumber('GpuSharing.mps', 'pinnedMemoryLimitGiB', options.pinnedMemoryLimitGiB);
    return new GpuSharing(SharingKind.MPS, {
      activeThreadPercentage,
      pinnedMemoryLimitGiB: options.pinnedMemoryLimitGiB,
      maxSharers: Math.max(1, Math.floor(100 / activeThreadPercentage)),
    });
  }

  /**
   * MIG partitions. The first profile is the default of claims that name none; the others may be requested by
   * name. Profiles are checked against the pool's product.
   */
  public static mig(profile: string, ...moreProfiles: string[]): GpuSharing {
    const profiles = [profile, ...moreProfiles];
    for (const [i, p] of profiles.entries()) {
      if (typeof p !== 'string' || !/^\d+g\.\d+gb$/.test(p)) {
        throw ValidationError.invalidProp('GpuSharing.mig', {
          prop: i === 0 ? 'profile' : `profiles[${i}]`, value: p, allowed: "a MIG profile name like '1g.10gb'",
        });
      }
    }
    return new GpuSharing(SharingKind.MIG, { migProfiles: profiles });
  }

  /** Memory-capacity shares of a device (DRA consumable capacity; the driver runs with `--consumable-shares=memory`). */
  public static memoryShares(options: MemorySharesOptions = {}): GpuSharing {
    const defaultShareGiB = options.defaultShareGiB ?? 8;
    const granularityGiB = options.granularityGiB ?? 1;
    positiveNumber('GpuSharing.memoryShares', 'defaultShareGiB', defaultShareGiB);
    positiveNumber('GpuSharing.memoryShares', 'granularityGiB', granularityGiB);
    return new GpuSharing(SharingKind.MEMORY_SHARES, { defaultShareGiB, granularityGiB });
  }

  /** The strategy. */
  public readonly kind: SharingKind;
  /** Time-slice length (time-sliced only). */
  public readonly interval?: TimeSliceInterval;
  /** Most claims per device (time-sliced and MPS). */
  public readonly maxSharers?: number;
  /** MPS active thread percentage. */
  public readonly activeThreadPercentage?: number;
  /** MPS pinned device memory limit in GiB. */
  public readonly pinnedMemoryLimitGiB?: number;
  /** MIG profiles (the first is the default). */
  public readonly migProfiles: readonly string[];
  /** Default memory share in GiB (memory shares only). */
  public readonly defaultShareGiB?: number;
  /** Share granularity in GiB (memory shares only). */
  public readonly granularityGiB?: number;

  private constructor(kind: SharingKind, o: {
    interval?: TimeSliceInterval; maxSharers?: number; activeThreadPercentage?: number; pinnedMemoryLimitGiB?: number;
    migProfiles?: string[]; defaultShareGiB?: number; granularityGiB?: number;
  }) {
    this.kind = kind;
    this.interval = o.interval;
    this.maxSharers = o.maxSharers;
    this.activeThreadPercentage = o.activeThreadPercentage;
    this.pinnedMemoryLimitGiB = o.pinnedMemoryLimitGiB;
    this.migProfiles = o.migProfiles ?? [];
    this.defaultShareGiB = o.defaultShareGiB;
    this.granularityGiB = o.granularityGiB;
  }

  /** A short description, e.g. `mig(1g.10gb)`. */
  public toString(): string {
    switch (this.kind) {
      case SharingKind.TIME_SLICED: return `time-sliced(${this.interval}, max ${this.maxSharers})`;
      case SharingKind.MPS: return `mps(${this.activeThreadPercentage}%)`;
      case SharingKind.MIG: return `mig(${this.migProfiles.join(', ')})`;
      case SharingKind.MEMORY_SHARES: return `memory-shares(${this.defaultShareGiB}GiB)`;
      default: return 'exclusive';
    }
  }
}
