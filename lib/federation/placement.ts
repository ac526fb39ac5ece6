/** One requirement of a cluster label selector (`In`, `NotIn`, `Exists`, `DoesNotExist`). */
export interface ClusterLabelRequirement {
  /** The label key. */
  readonly key: string;
  /** The operator. */
  readonly operator: LabelOperator;
  /** The values (for `In` and `NotIn`). @default [] */
  readonly values?: readonly string[];
}

/** Operators of a label selector requirement. */
export enum LabelOperator {
  /** The label's value is one of `values`. */
  IN = 'In',
  /** The label's value is none of `values` (or the label is absent). */
  NOT_IN = 'NotIn',
  /** The label is present. */
  EXISTS = 'Exists',
  /** The label is absent. */
  DOES_NOT_EXIST = 'DoesNotExist',
}

/** Options of a label-based placement. */
export interface LabelPlacementOptions {
  /**
   * Further requirements on cluster labels.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#clusteraffinity
   * @default []
   */
  readonly matchExpressions?: readonly ClusterLabelRequirement[];
  /**
   * Clusters to leave out even if they match.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#clusteraffinity
   * @default []
   */
  readonly exclude?: readonly string[];
}

/** One group of an ordered placement: the scheduler uses the first group that fits, then the next. */
export interface PlacementGroup {
  /** The group name (Karmada `affinityName`), e.g. `primary`. */
  readonly name: string;
  /** The clusters of the group (by names or labels; not itself a group). */
  readonly placement: Placement;
}

/** The cluster selector of a placement as Karmada spells it (`clusterAffinity`). */
export interface ClusterSelectorSpec {
  /** Cluster names. */
  readonly clusterNames?: string[];
  /** Excluded cluster names. */
  readonly exclude?: string[];
  /** Label selector. */
  readonly labelSelector?: {
    readonly matchLabels?: Record<string, string>;
    readonly matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  };
}

/** How a placement selects clusters. */
export enum PlacementKind {
  /** Every member cluster (no cluster affinity). */
  ALL = 'all',
  /** Clusters by name. */
  CLUSTERS = 'clusters',
  /** Clusters by labels. */
  LABELS = 'labels',
  /** Ordered groups (Karmada `clusterAffinities`). */
  GROUPS = 'groups',
}

/**
 * Which member clusters a propagation may use (Karmada `placement.clusterAffinity` / `clusterAffinities`).
 *
 * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#clusteraffinity
 */
export class Placement {
  /** Every member cluster, now and later (no cluster affinity). Never allowed for data-bearing objects under a jurisdiction. */
  public static allClusters(): Placement {
    return new Placement(PlacementKind.ALL);
  }

  /** The clusters with these names. */
  public static clusters(names: readonly string[]): Placement {
    return new Placement(PlacementKind.CLUSTERS, [...names]);
  }

  /** The clusters whose labels match (all of `matchLabels`, and every requirement of `options.matchExpressions`). */
  public static labels(matchLabels: Readonly<Record<string, string>>, options: LabelPlacementOptions = {}): Placement {
    return new Placement(PlacementKind.LABELS, undefined, { ...matchLabels }, [...(options.matchExpressions ?? [])],
      [...(options.exclude ?? [])]);
  }

  /**
   * Ordered groups of clusters (Karmada `clusterAffinities`): the scheduler places on the first group that fits and
   * moves to the next group when it does not (or when the application fails over).
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#multiple-cluster-affinity-groups
   */
  public static groups(groups: readonly PlacementGroup[]): Placement {
    return new Placement(PlacementKind.GROUPS, undefined, undefined, undefined, undefined, [...groups]);
  }

  private constructor(
    /** How clusters are selected. */
    public readonly kind: PlacementKind,
    /** The cluster names (for `clusters`). */
    public readonly clusterNames?: readonly string[],
    /** The required labels (for `labels`). */
    public readonly matchLabels?: Readonly<Record<string, string>>,
    /** The label requirements (for `labels`). */
    public readonly matchExpressions?: readonly ClusterLabelRequirement[],
    /** Excluded clusters (for `labels`). */
    public readonly exclude?: readonly string[],
    /** The groups (for `groups`). */
    public readonly groupList?: readonly PlacementGroup[],
  ) {}

  /** The Karmada cluster selector of a non-group placement (`undefined` for all clusters). */
  public selectorSpec(): ClusterSelectorSpec | undefined {
    switch (this.kind) {
      case PlacementKind.CLUSTERS:
        return { clusterNames: [...this.clusterNames!] };
      case PlacementKind.LABELS: {
        const ml = this.matchLabels ?? {};
        const me = this.matchExpressions ?? [];
        return {
          labelSelector: {
            ...(Object.keys(ml).length > 0 ? { matchLabels: { ...ml } } : {}),
            ...(me.length > 0 ? {
              matchExpressions: me.map((e) => ({
                key: e.key, operator: e.operator, ...(e.values && e.values.length > 0 ? { values: [...e.values] } : {}),
              })),
            } : {}),
          },
          ...(this.exclude && this.exclude.length > 0 ? { exclude: [...this.exclude] } : {}),
        };
      }
      default:
        return undefined;
    }
  }

  /** The Karmada `placement` fields for cluster selection (`clusterAffinity` or `clusterAffinities`). */
  public toPlacementSpec(): Record<string, unknown> {
    if (this.kind === PlacementKind.GROUPS) {
      return {
        clusterAffinities: this.groupList!.map((g) => ({ affinityName: g.name, ...(g.placement.selectorSpec() ?? {}) })),
      };
    }
    const sel = this.selectorSpec();
    return sel ? { clusterAffinity: sel } : {};
  }

  /** Every cluster name this placement names (cluster lists, groups, exclusions). */
  public namedClusters(): string[] {
    if (this.kind === PlacementKind.GROUPS) return this.groupList!.flatMap((g) => g.placement.namedClusters());
    return [...(this.clusterNames ?? []), ...(this.exclude ?? [])];
  }
}
