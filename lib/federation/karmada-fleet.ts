import { Construct } from 'constructs';
import { Labels, ValidationError, isDns1123Label, isValidLabelKey, isValidLabelValue } from '../core';

/** One member cluster of a Karmada fleet, as registered with the Karmada control plane. */
export interface MemberCluster {
  /**
   * The cluster name (the name of its `cluster.karmada.io/v1alpha1` Cluster object).
   * @see https://karmada.io/docs/userguide/clustermanager/cluster-registration
   */
  readonly name: string;
  /**
   * The labels of the Cluster object, e.g. `{ 'sovereign-ai.dev/jurisdiction': 'eu', 'topology.kubernetes.io/region': 'eu-central' }`.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Props of {@link KarmadaFleet}. */
export interface KarmadaFleetProps {
  /**
   * The member clusters. Declaring them lets the library check every cluster name used in placements, weights,
   * overrides and quotas, and check data residency against the clusters' jurisdiction labels.
   * @see https://karmada.io/docs/core-concepts/concepts#cluster
   */
  readonly clusters: readonly MemberCluster[];
  /**
   * The cluster label that carries a cluster's jurisdiction.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#clusteraffinity
   * @default Labels.JURISDICTION (`sovereign-ai.dev/jurisdiction`)
   */
  readonly jurisdictionLabel?: string;
  /**
   * The jurisdiction data-bearing objects of every propagation on this fleet must stay in, unless a propagation
   * names its own.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#clusteraffinity
   * @default - no fleet-wide residency constraint
   */
  readonly dataJurisdiction?: string;
}

/**
 * The member clusters of a Karmada control plane, declared so that placements can be checked at synth: unknown
 * cluster names are errors, and data residency is checked against the clusters' labels. Emits no objects (Cluster
 * objects are created when clusters join, with `karmadactl join` or the agent).
 *
 * @see https://karmada.io/docs/userguide/clustermanager/cluster-registration
 */
export class KarmadaFleet extends Construct {
  /** The clusters, in declaration order. */
  public readonly clusters: readonly MemberCluster[];
  /** The cluster names, in declaration order. */
  public readonly clusterNames: readonly string[];
  /** The cluster label that carries a cluster's jurisdiction. */
  public readonly jurisdictionLabel: string;
  /** The fleet-wide data jurisdiction, if any. */
  public readonly dataJurisdiction?: string;

  constructor(scope: Construct, id: string, props: KarmadaFleetProps) {
    super(scope, id);
    if (props.clusters.length === 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'clusters', value: props.clusters, allowed: 'at least one member cluster',
        fix: 'declare the clusters registered with the Karmada control plane, e.g. [{ name: \'eu-fra-1\', labels: {...} }].',
      });
    }
    const seen = new Set<string>();
    props.clusters.forEach((c, i) => {
      if (!isDns1123Label(c.name) || c.name.length > 48) {
        throw ValidationError.invalidProp(this, {
          prop: `clusters[${i}].name`, value: c.name, allowed: 'a DNS-1123 label of at most 48 characters',
          fix: 'use the name the cluster was registered with in Karmada.',
        });
      }
      if (seen.has(c.name)) {
        throw ValidationError.invalidProp(this, {
          prop: `clusters[${i}].name`, value: c.name, allowed: 'unique cluster names', fix: 'declare each cluster once.',
        });
      }
      seen.add(c.name);
      for (const [k, v] of Object.entries(c.labels ?? {})) {
        if (!isValidLabelKey(k) || !isValidLabelValue(v)) {
          throw ValidationError.invalidProp(this, {
            prop: `clusters[${i}].labels`, value: { [k]: v }, allowed: 'valid Kubernetes label keys and values',
          });
        }
      }
    });
    this.clusters = props.clusters.map((c) => ({ name: c.name, labels: { ...(c.labels ?? {}) } }));
    this.clusterNames = this.clusters.map((c) => c.name);
    this.jurisdictionLabel = props.jurisdictionLabel ?? Labels.JURISDICTION;
    if (!isValidLabelKey(this.jurisdictionLabel)) {
      throw ValidationError.invalidProp(this, {
        prop: 'jurisdictionLabel', value: this.jurisdictionLabel, allowed: 'a valid label key',
      });
    }
    this.dataJurisdiction = props.dataJurisdiction;
  }

  /** True if a cluster of that name is declared. */
  public has(name: string): boolean {
    return this.clusterNames.includes(name);
  }

  /** The declared cluster of that name, or `undefined`. */
  public cluster(name: string): MemberCluster | undefined {
    return this.clusters.find((c) => c.name === name);
  }

  /** The declared clusters whose labels match all of `matchLabels`. */
  public clustersMatching(matchLabels: Readonly<Record<string, string>>): MemberCluster[] {
    return this.clusters.filter((c) => Object.entries(matchLabels).every(([k, v]) => c.labels?.[k] === v));
  }

  /** The jurisdiction label value of a declared cluster (`undefined` if unknown or unlabelled). */
  public jurisdictionOf(name: string): string | undefined {
    return this.cluster(name)?.labels?.[this.jurisdictionLabel];
  }
}
