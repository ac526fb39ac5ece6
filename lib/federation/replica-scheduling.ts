/** How replicas are scheduled over the selected clusters. */
export enum ReplicaSchedulingType {
  /** Every cluster runs the full replica count. */
  DUPLICATED = 'Duplicated',
  /** The replicas are divided among the clusters. */
  DIVIDED = 'Divided',
}

/** How divided replicas are split. */
export enum ReplicaDivision {
  /** As few clusters as possible, respecting their available resources. */
  AGGREGATED = 'Aggregated',
  /** By weights (static, or dynamic by available replicas). */
  WEIGHTED = 'Weighted',
}

/**
 * Replica scheduling of a propagation (Karmada `placement.replicaScheduling`): duplicate the workload to every
 * selected cluster, or divide its replicas by static weights, by each cluster's available replicas (GPU capacity),
 * or aggregated onto as few clusters as possible.
 *
 * @see https://karmada.io/docs/userguide/scheduling/resource-propagating#replicaschedulingtype
 */
export class ReplicaScheduling {
  /** Every selected cluster runs the full replica count. */
  public static duplicated(): ReplicaScheduling {
    return new ReplicaScheduling(ReplicaSchedulingType.DUPLICATED);
  }

  /** Divided replica scheduling. */
  public static readonly divided = {
    /**
     * Divide by static weights per cluster name (`{ 'eu-fra-1': 2, 'eu-ams-1': 1 }`). Weights are non-negative
     * integers; clusters with weight 0 get no replicas; the weights must not sum to zero.
     */
    staticWeights(weights: Readonly<Record<string, number>>): ReplicaScheduling {
      return new ReplicaScheduling(ReplicaSchedulingType.DIVIDED, ReplicaDivision.WEIGHTED, { ...weights });
    },
    /** Divide in proportion to the replicas each cluster can still run (its free GPU capacity). */
    availableReplicas(): ReplicaScheduling {
      return new ReplicaScheduling(ReplicaSchedulingType.DIVIDED, ReplicaDivision.WEIGHTED, undefined, true);
    },
    /** Put the replicas on as few clusters as possible. */
    aggregated(): ReplicaScheduling {
      return new ReplicaScheduling(ReplicaSchedulingType.DIVIDED, ReplicaDivision.AGGREGATED);
    },
  };

  private constructor(
    /** Duplicated or divided. */
    public readonly type: ReplicaSchedulingType,
    /** How divided replicas are split. */
    public readonly division?: ReplicaDivision,
    /** Static weights by cluster name. */
    public readonly staticWeights?: Readonly<Record<string, number>>,
    /** Whether weights follow available replicas. */
    public readonly dynamicAvailableReplicas: boolean = false,
  ) {}

  /** The Karmada `replicaScheduling` (weights of 0 are left out; clusters not listed get no replicas). */
  public toSpec(): Record<string, unknown> {
    const spec: Record<string, unknown> = { replicaSchedulingType: this.type };
    if (this.division) spec.replicaDivisionPreference = this.division;
    if (this.staticWeights) {
      spec.weightPreference = {
        staticWeightList: Object.entries(this.staticWeights)
          .filter(([, w]) => w > 0)
          .map(([name, weight]) => ({ targetCluster: { clusterNames: [name] }, weight })),
      };
    } else if (this.dynamicAvailableReplicas) {
      spec.weightPreference = { dynamicWeight: 'AvailableReplicas' };
    }
    return spec;
  }
}
