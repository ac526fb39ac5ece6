/** The cluster property a spread constraint groups clusters by. */
export enum SpreadField {
  /** Each cluster is its own group. */
  CLUSTER = 'cluster',
  /** Clusters grouped by their `region` field. */
  REGION = 'region',
  /** Clusters grouped by their `zone` field. */
  ZONE = 'zone',
  /** Clusters grouped by their `provider` field. */
  PROVIDER = 'provider',
}

/** Bounds of a spread constraint. */
export interface SpreadBounds {
  /** Minimum number of groups to spread over. @default - no minimum */
  readonly minGroups?: number;
  /** Maximum number of groups to spread over. @default - no maximum */
  readonly maxGroups?: number;
}

/**
 * How many clusters (or regions, zones, providers, label values) a propagation spreads over
 * (Karmada `placement.spreadConstraints`).
 *
 * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#spreadconstraints
 */
export class SpreadConstraint {
  /** Spread over between `minGroups` and `maxGroups` clusters. */
  public static byCluster(bounds: SpreadBounds): SpreadConstraint {
    return new SpreadConstraint(SpreadField.CLUSTER, undefined, bounds);
  }

  /** Spread over regions (requires a `byCluster` constraint too, as Karmada does). */
  public static byRegion(bounds: SpreadBounds): SpreadConstraint {
    return new SpreadConstraint(SpreadField.REGION, undefined, bounds);
  }

  /** Spread over zones (requires a `byCluster` constraint too). */
  public static byZone(bounds: SpreadBounds): SpreadConstraint {
    return new SpreadConstraint(SpreadField.ZONE, undefined, bounds);
  }

  /** Spread over providers (requires a `byCluster` constraint too). */
  public static byProvider(bounds: SpreadBounds): SpreadConstraint {
    return new SpreadConstraint(SpreadField.PROVIDER, undefined, bounds);
  }

  /** Spread over the values of a cluster label (cannot be combined with field constraints). */
  public static byLabel(labelKey: string, bounds: SpreadBounds): SpreadConstraint {
    return new SpreadConstraint(undefined, labelKey, bounds);
  }

  private constructor(
    /** The field grouped by (field constraints). */
    public readonly field: SpreadField | undefined,
    /** The label grouped by (label constraints). */
    public readonly labelKey: string | undefined,
    /** The bounds. */
    public readonly bounds: SpreadBounds,
  ) {}

  /** The Karmada spread constraint. */
  public toSpec(): Record<string, unknown> {
    return {
      ...(this.field ? { spreadByField: this.field } : { spreadByLabel: this.labelKey }),
      ...(this.bounds.maxGroups !== undefined ? { maxGroups: this.bounds.maxGroups } : {}),
      ...(this.bounds.minGroups !== undefined ? { minGroups: this.bounds.minGroups } : {}),
    };
  }
}
