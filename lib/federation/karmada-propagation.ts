import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Labels, MANAGED_BY, ValidationError, isDns1123Subdomain, stableName } from '../core';
import { ClusterPropagationPolicy } from '../imports/karmada-cpp-policy.karmada.io';
import { PropagationPolicy, PropagationPolicySpec } from '../imports/karmada-pp-policy.karmada.io';
import { ScopeOverrides } from './cluster-scope';
import { ConflictResolution, FailoverOptions, Preemption, PurgeMode } from './failover';
import { KarmadaFleet } from './karmada-fleet';
import { Placement, PlacementKind } from './placement';
import { ReplicaScheduling } from './replica-scheduling';
import { Jurisdiction, placementViolation } from './residency';
import { SelectedObject, describeObject, groupByNamespace, resourceSelector, selectObjects } from './selection';
import { SpreadConstraint, SpreadField } from './spread-constraint';
import { checkNames, validatePlacement } from './validate-placement';

/** Props of {@link KarmadaPropagation}. */
export interface KarmadaPropagationProps extends ScopeOverrides {
  /**
   * The constructs to propagate (a stack, a tenant, a bucket: any subtree). Every Kubernetes object they emit at
   * synth time is selected by name; more can be added with `propagate()`.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#resourceselectors
   * @default [] - add them with propagate()
   */
  readonly constructs?: readonly IConstruct[];
  /**
   * Which member clusters to use.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#clusteraffinity
   */
  readonly placement: Placement;
  /**
   * The declared member clusters: cluster names are checked against it and residency against its labels.
   * @default - cluster names are not checked; named clusters count as outside any jurisdiction
   */
  readonly fleet?: KarmadaFleet;
  /**
   * Name of the policies (the PropagationPolicy in each namespace and the ClusterPropagationPolicy).
   * @default - derived from the construct path below the chart
   */
  readonly name?: string;
  /**
   * Spread constraints.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#spreadconstraints
   * @default [] - none
   */
  readonly spreadConstraints?: readonly SpreadConstraint[];
  /**
   * How workload replicas are scheduled over the selected clusters.
   * @see https://karmada.io/docs/userguide/scheduling/resource-propagating#replicaschedulingtype
   * @default - Karmada's default (Divided, weighted equally)
   */
  readonly replicaScheduling?: ReplicaScheduling;
  /**
   * Policy priority: when several policies match an object, the highest wins.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#priority
   * @default 0
   */
  readonly priority?: number;
  /**
   * Whether these policies take objects over from lower-priority policies.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#preemption
   * @default Preemption.NEVER
   */
  readonly preemption?: Preemption;
  /**
   * A Kubernetes PriorityClass (in the Karmada control plane) whose value orders scheduling of these workloads.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#schedulepriority
   * @default - no scheduling priority
   */
  readonly schedulingPriorityClassName?: string;
  /**
   * Failover behaviour.
   * @see https://karmada.io/docs/userguide/failover/application-failover
   * @default - no application failover; cluster failover as the controller decides
   */
  readonly failover?: FailoverOptions;
  /**
   * What to do when an object already exists in a member cluster.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#conflictresolution
   * @default ConflictResolution.ABORT
   */
  readonly conflictResolution?: ConflictResolution;
  /**
   * Whether Karmada also propagates the ConfigMaps, Secrets, PVCs and ServiceAccounts the workloads reference.
   * Every object of the constructs is selected explicitly anyway; application failover needs it to move them along.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#propagatedeps
   * @default - true with application failover, else false
   */
  readonly propagateDeps?: boolean;
  /**
   * The jurisdiction data-bearing objects of these constructs must stay in (clusters labelled
   * `<jurisdictionLabel>=<jurisdiction>`).
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#clusteraffinity
   * @default - the fleet's dataJurisdiction; none without a fleet
   */
  readonly jurisdiction?: string;
  /**
   * The cluster label that carries the jurisdiction.
   * @see https://karmada.io/docs/userguide/scheduling/propagation-policy#clusteraffinity
   * @default - the fleet's jurisdictionLabel, else Labels.JURISDICTION
   */
  readonly jurisdictionLabel?: string;
}

/**
 * Propagates constructs (a whole stack, a tenant, a bucket) to member clusters through Karmada. At synth it
 * collects exactly the objects those constructs emit and selects each by name: namespaced objects with one
 * `policy.karmada.io/v1alpha1` PropagationPolicy per namespace (a PropagationPolicy only selects objects of its own
 * namespace), cluster-scoped ones (Namespaces, DeviceClasses, ClusterQueues, ...) with one ClusterPropagationPolicy.
 *
 * Data residency: when a jurisdiction is in force, data-bearing objects (Secrets, PVCs, StatefulSets with volume
 * claim templates, CloudNativePG Clusters, MinIO Tenants, anything labelled `Labels.DATA_BEARING`) may only be
 * placed on clusters that carry the jurisdiction label; any placement that could put them elsewhere fails synth.
 *
 * @see https://karmada.io/docs/userguide/scheduling/propagation-policy
 */
export class KarmadaPropagation extends Construct {
  /** Name of every policy this propagation emits. */
  public readonly policyName: string;
  /** The placement. */
  public readonly placement: Placement;
  /** The fleet, if declared. */
  public readonly fleet?: KarmadaFleet;
  /** Policy priority. */
  public readonly priority: number;
  /** Preemption. */
  public readonly preemption: Preemption;
  /** Conflict resolution. */
  public readonly conflictResolution: ConflictResolution;
  /** Whether referenced dependencies are propagated too. */
  public readonly propagateDeps: boolean;
  /** The jurisdiction in force for data-bearing objects, if any. */
  public readonly jurisdiction?: Jurisdiction;
  /** Replica scheduling, if set. */
  public readonly replicaScheduling?: ReplicaScheduling;

  private readonly roots: IConstruct[] = [];
  private readonly scopeOverrides: ScopeOverrides;
  private readonly spec: Record<string, unknown>;
  private readonly namespacePolicies = new Map<string, PropagationPolicy>();
  private clusterPolicy?: ClusterPropagationPolicy;

  constructor(scope: Construct, id: string, props: KarmadaPropagationProps) {
    super(scope, id);
    this.fleet = props.fleet;
    this.placement = props.placement;
    this.policyName = props.name ?? defaultPolicyName(this);
    if (!isDns1123Subdomain(this.policyName)) {
      throw ValidationError.invalidProp(this, { prop: 'name', value: this.policyName, allowed: 'a DNS-1123 subdomain' });
    }
    validatePlacement(this, 'placement', props.placement, props.fleet);
    this.replicaScheduling = props.replicaScheduling;
    if (props.replicaScheduling) this.validateReplicaScheduling(props.replicaScheduling);
    const spread = props.spreadConstraints ?? [];
    this.validateSpread(spread);
    this.priority = props.priority ?? 0;
    if (!Number.isInteger(this.priority)) {
      throw ValidationError.invalidProp(this, { prop: 'priority', value: props.priority, allowed: 'an integer' });
    }
    this.preemption = props.preemption ?? Preemption.NEVER;
    this.conflictResolution = props.conflictResolution ?? ConflictResolution.ABORT;
    this.propagateDeps = props.propagateDeps ?? (props.failover?.application !== undefined);
    const failover = this.failoverSpec(props.failover);
    const jurisdictionValue = props.jurisdiction ?? props.fleet?.dataJurisdiction;
    if (jurisdictionValue !== undefined) {
      this.jurisdiction = {
        value: jurisdictionValue,
        labelKey: props.jurisdictionLabel ?? props.fleet?.jurisdictionLabel ?? Labels.JURISDICTION,
      };
    }
    this.scopeOverrides = { clusterScopedKinds: props.clusterScopedKinds, namespacedKinds: props.namespacedKinds };

    const placementSpec: Record<string, unknown> = { ...props.placement.toPlacementSpec() };
    if (spread.length > 0) placementSpec.spreadConstraints = spread.map((s) => s.toSpec());
    if (props.replicaScheduling) placementSpec.replicaScheduling = props.replicaScheduling.toSpec();
    this.spec = {
      placement: placementSpec,
      priority: this.priority,
      preemption: this.preemption,
      conflictResolution: this.conflictResolution,
      ...(this.propagateDeps ? { propagateDeps: true } : {}),
      ...(failover ? { failover } : {}),
      ...(props.schedulingPriorityClassName ? {
        schedulePriority: { priorityClassSource: 'KubePriorityClass', priorityClassName: props.schedulingPriorityClassName },
      } : {}),
    };

    for (const c of props.constructs ?? []) this.propagate(c);
    this.node.addValidation({ validate: () => { this.materialize(); return []; } });
  }

  /** Adds a construct (its whole subtree) to the propagation. Its objects are collected at synth. */
  public propagate(construct: IConstruct): void {
    if (construct === this || this.node.scopes.includes(construct)) {
      throw ValidationError.invalidProp(this, {
        prop: 'constructs', value: construct.node.path || '<root>', allowed: 'constructs that do not contain the propagation',
        fix: 'keep the Karmada policies in their own chart and propagate the workload charts or constructs.',
      });
    }
    this.roots.push(construct);
  }

  /** The propagated constructs. */
  public get constructs(): readonly IConstruct[] {
    return [...this.roots];
  }

  /** The objects the constructs emit now, as they will be selected (computed on each call). */
  public selectedObjects(): SelectedObject[] {
    return selectObjects(this, this.roots, this.scopeOverrides, 'constructs');
  }

  /** The policies emitted so far (complete after synth). */
  public get policies(): ApiObject[] {
    return [...(this.clusterPolicy ? [this.clusterPolicy] : []), ...this.namespacePolicies.values()];
  }

  /**
   * Creates the policies for the objects the constructs emit (called at synth, before the objects are rendered;
   * idempotent) and checks data residency.
   */
  private materialize(): void {
    if (this.roots.length === 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'constructs', value: [], allowed: 'at least one construct to propagate',
        fix: 'pass constructs: [...] or call propagate(construct).',
      });
    }
    const objects = this.selectedObjects();
    const { namespaces, clusterScoped } = groupByNamespace(objects);
    this.checkResidency(objects);
    const labels = { [Labels.APP_MANAGED_BY]: MANAGED_BY };
    if (clusterScoped.length > 0 && !this.clusterPolicy) {
      this.clusterPolicy = new ClusterPropagationPolicy(this, 'Cluster', {
        metadata: { name: this.policyName, labels },
        spec: Lazy.any({ produce: () => this.specFor(groupByNamespace(this.selectedObjects()).clusterScoped) }) as any,
      });
    }
    for (const ns of namespaces.keys()) {
      if (this.namespacePolicies.has(ns)) continue;
      this.namespacePolicies.set(ns, new PropagationPolicy(this, `Namespace-${ns}`, {
        metadata: { name: this.policyName, namespace: ns, labels },
        spec: Lazy.any({ produce: () => this.specFor(groupByNamespace(this.selectedObjects()).namespaces.get(ns) ?? []) }) as any,
      }));
    }
  }

  private specFor(objects: readonly SelectedObject[]): PropagationPolicySpec {
    return { resourceSelectors: objects.map(resourceSelector), ...this.spec } as PropagationPolicySpec;
  }

  private checkResidency(objects: readonly SelectedObject[]): void {
    const j = this.jurisdiction;
    if (!j) return;
    const violation = placementViolation(this.placement, j, this.fleet);
    if (!violation) return;
    const data = objects.find((o) => o.dataBearing);
    const fix = `Fix: place data-bearing constructs only on clusters labelled ${j.labelKey}=${j.value} ` +
      `(Placement.labels({ '${j.labelKey}': '${j.value}' }) or the names of such clusters), and propagate the rest separately.`;
    if (data) {
      const policy = data.namespace
        ? `PropagationPolicy ${data.namespace}/${this.policyName}` : `ClusterPropagationPolicy ${this.policyName}`;
      throw new ValidationError(this,
        `data residency: ${describeObject(data)} (construct ${data.path}) is data-bearing and must stay in ` +
        `jurisdiction "${j.value}", but ${policy} may place it elsewhere: cluster selector ${violation.selector}: ` +
        `${violation.reason}. ${fix}`);
    }
    if (this.propagateDeps) {
      throw new ValidationError(this,
        `data residency: propagateDeps would carry the Secrets and PVCs that the workloads of policy ${this.policyName} ` +
        `reference to clusters outside jurisdiction "${j.value}": cluster selector ${violation.selector}: ` +
        `${violation.reason}. Fix: set propagateDeps: false (every object of the constructs is selected explicitly), ` +
        `or place the propagation inside "${j.value}".`);
    }
  }

  private validateReplicaScheduling(rs: ReplicaScheduling): void {
    if (!rs.staticWeights) return;
    const entries = Object.entries(rs.staticWeights);
    if (entries.length === 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'replicaScheduling.staticWeights', value: rs.staticWeights, allowed: 'at least one cluster with a weight',
        fix: 'give each cluster a weight, e.g. { \'eu-fra-1\': 2, \'eu-ams-1\': 1 }.',
      });
    }
    for (const [name, w] of entries) {
      if (!Number.isInteger(w) || w < 0) {
        throw ValidationError.invalidProp(this, {
          prop: `replicaScheduling.staticWeights["${name}"]`, value: w, allowed: 'an integer >= 0',
        });
      }
    }
    if (entries.every(([, w]) => w === 0)) {
      throw ValidationError.invalidProp(this, {
        prop: 'replicaScheduling.staticWeights', value: rs.staticWeights, allowed: 'weights that sum to at least 1',
        fix: 'give at least one cluster a positive weight (weight 0 means no replicas on that cluster).',
      });
    }
    checkNames(this, 'replicaScheduling.staticWeights', entries.map(([n]) => n), this.fleet);
    if (this.placement.kind === PlacementKind.CLUSTERS) {
      for (const [name] of entries) {
        if (!this.placement.clusterNames!.includes(name)) {
          throw ValidationError.invalidProp(this, {
            prop: 'replicaScheduling.staticWeights', value: name,
            allowed: `clusters of the placement (${this.placement.clusterNames!.join(', ')})`,
            fix: 'weight only clusters the placement selects.',
          });
        }
      }
    }
  }

  private validateSpread(spread: readonly SpreadConstraint[]): void {
    spread.forEach((s, i) => {
      const { minGroups, maxGroups } = s.bounds;
      for (const [k, v] of [['minGroups', minGroups], ['maxGroups', maxGroups]] as const) {
        if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
          throw ValidationError.invalidProp(this, { prop: `spreadConstraints[${i}].${k}`, value: v, allowed: 'an integer >= 1' });
        }
      }
      if (minGroups !== undefined && maxGroups !== undefined && minGroups > maxGroups) {
        throw ValidationError.invalidProp(this, {
          prop: `spreadConstraints[${i}]`, value: s.bounds, allowed: 'minGroups <= maxGroups',
        });
      }
    });
    const fields = spread.filter((s) => s.field !== undefined);
    const labels = spread.filter((s) => s.labelKey !== undefined);
    if (fields.length > 0 && labels.length > 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'spreadConstraints', value: spread.map((s) => s.toSpec()),
        allowed: 'either field constraints (cluster, region, zone, provider) or label constraints, not both',
      });
    }
    if (fields.length > 0 && !fields.some((s) => s.field === SpreadField.CLUSTER)) {
      throw ValidationError.invalidProp(this, {
        prop: 'spreadConstraints', value: spread.map((s) => s.toSpec()),
        allowed: 'field constraints that include a cluster constraint',
        fix: 'add SpreadConstraint.byCluster({...}) (Karmada requires it with region, zone or provider spreading).',
      });
    }
  }

  private failoverSpec(f?: FailoverOptions): Record<string, unknown> | undefined {
    if (!f || (!f.application && !f.clusterPurgeMode)) return undefined;
    const out: Record<string, unknown> = {};
    if (f.application) {
      const a = f.application;
      const tolerationSeconds = a.tolerationSeconds ?? 300;
      if (!Number.isInteger(tolerationSeconds) || tolerationSeconds < 0) {
        throw ValidationError.invalidProp(this, {
          prop: 'failover.application.tolerationSeconds', value: a.tolerationSeconds, allowed: 'an integer >= 0',
        });
      }
      const purgeMode = a.purgeMode ?? PurgeMode.GRACEFULLY;
      if (a.gracePeriodSeconds !== undefined && purgeMode !== PurgeMode.GRACEFULLY) {
        throw ValidationError.invalidProp(this, {
          prop: 'failover.application.gracePeriodSeconds', value: a.gracePeriodSeconds,
          allowed: 'only with purgeMode PurgeMode.GRACEFULLY', fix: 'remove gracePeriodSeconds or purge gracefully.',
        });
      }
      const grace = a.gracePeriodSeconds ?? (purgeMode === PurgeMode.GRACEFULLY ? 600 : undefined);
      if (grace !== undefined && (!Number.isInteger(grace) || grace < 1)) {
        throw ValidationError.invalidProp(this, {
          prop: 'failover.application.gracePeriodSeconds', value: grace, allowed: 'an integer >= 1',
        });
      }
      out.application = {
        decisionConditions: { tolerationSeconds },
        purgeMode,
        ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
      };
    }
    if (f.clusterPurgeMode) out.cluster = { purgeMode: f.clusterPurgeMode };
    return out;
  }
}

/** `stableName` of the construct ids below the chart (or of the id when there is no chart). */
export function defaultPolicyName(c: IConstruct): string {
  let ids = [c.node.id];
  try {
    const chart = Chart.of(c);
    const scopes = c.node.scopes;
    ids = scopes.slice(scopes.indexOf(chart) + 1).map((s) => s.node.id);
  } catch {
    // not in a chart: the id alone
  }
  return stableName(ids);
}
