import { IConstruct } from 'constructs';

/**
 * A pod spec to attach GPUs to: a plain JSON pod spec (as inside a CRD such as a KServe LLMInferenceService
 * `spec.template`) that is mutated in place. The library emits these fields itself (no JSON patches), so
 * quantities are always strings and never `null`.
 */
export interface PodSpecTarget {
  /** Namespace the pods run in (ResourceClaimTemplates are namespaced and must live there). */
  readonly namespace: string;
  /** The pod spec (`spec` of a Pod, or `spec.template.spec` of a workload), mutated in place. */
  readonly podSpec: Record<string, any>;
  /** Names of the containers that use the GPUs (each gets `resources.claims` or the extended-resource limit). */
  readonly containerNames: readonly string[];
}

/** How many GPUs, or which share of one, a pod asks for. */
export interface GpuRequest {
  /** Whole devices per pod (for tensor parallelism). @default 1 */
  readonly gpus?: number;
  /** Name of a share profile of the pool (time-slice, MPS, MIG or memory share) instead of whole devices. @default - whole devices */
  readonly profile?: string;
}

/**
 * Something that hands out GPUs to pods. Workloads get GPUs only through a provider (a `GpuPool`), never by
 * writing `nvidia.com/gpu` or claims by hand.
 */
export interface IGpuProvider extends IConstruct {
  /**
   * Attaches GPU access to a pod spec: pod-level `resourceClaims`, container `resources.claims` (DRA), or the
   * extended-resource limit (fallback mode), plus tolerations and node affinity. Creates the
   * ResourceClaimTemplate in `target.namespace` if needed.
   */
  attachToPodSpec(target: PodSpecTarget, request?: GpuRequest): void;
}
