import { ServingEngine } from '../serving/serving-engine';

/** The kinds of deployment profiles. */
export enum StackProfileKind {
  /** A GPU cluster: KServe or vLLM Deployments, GPU pool, InferencePool routing, autoscaling. */
  DATACENTER = 'datacenter',
  /** A single node (K3s class): Ollama or vLLM CPU, local storage, one replica per model. */
  EDGE = 'edge',
}

/** Options of {@link StackProfile.edge}. */
export interface EdgeProfileOptions {
  /** Engine at the edge (Ollama or vLLM CPU). @default ServingEngine.ollama() */
  readonly engine?: ServingEngine;
  /** StorageClass of the local model volume. @see https://github.com/rancher/local-path-provisioner @default 'local-path' */
  readonly storageClassName?: string;
  /** Size of each tenant's local model volume, in GiB. @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims @default 100 */
  readonly modelVolumeGiB?: number;
}

/** Options of {@link StackProfile.datacenter}. */
export interface DatacenterProfileOptions {
  /** Engine in the datacenter (KServe or vLLM Deployments). @default ServingEngine.kserve() */
  readonly engine?: ServingEngine;
}

/**
 * Where the stack runs. The API and the guarantees (default-deny, private digest-pinned images, weights from the
 * platform, telemetry off, restricted pods) are the same in every profile; only the serving engine, the storage of
 * weights and the scaling differ.
 */
export class StackProfile {
  /** A GPU cluster (the default). */
  public static datacenter(options: DatacenterProfileOptions = {}): StackProfile {
    return new StackProfile(StackProfileKind.DATACENTER, options.engine ?? ServingEngine.kserve(), undefined, undefined);
  }

  /** A single edge node: no GPU pool, no Karmada, local storage, one replica per model. */
  public static edge(options: EdgeProfileOptions = {}): StackProfile {
    return new StackProfile(
      StackProfileKind.EDGE, options.engine ?? ServingEngine.ollama(),
      options.storageClassName ?? 'local-path', options.modelVolumeGiB ?? 100,
    );
  }

  private constructor(
    /** Which profile. */
    public readonly kind: StackProfileKind,
    /** The serving engine. */
    public readonly engine: ServingEngine,
    /** StorageClass of the local model volume (edge). */
    public readonly storageClassName: string | undefined,
    /** Size of the local model volume in GiB (edge). */
    public readonly modelVolumeGiB: number | undefined,
  ) {}

  /** True for the edge profile. */
  public get isEdge(): boolean {
    return this.kind === StackProfileKind.EDGE;
  }
}
