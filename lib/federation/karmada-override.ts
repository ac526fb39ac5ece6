import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Labels, MANAGED_BY, ValidationError, isDns1123Subdomain, isValidLabelKey, isValidLabelValue, stableName } from '../core';
import { OverridePolicy, OverridePolicySpec } from '../imports/karmada-op-policy.karmada.io';
import { ScopeOverrides, kindKey } from './cluster-scope';
import { KarmadaFleet } from './karmada-fleet';
import { defaultPolicyName } from './karmada-propagation';
import { Placement, PlacementKind } from './placement';
import { Jurisdiction, placementViolation } from './residency';
import { SelectedObject, describeObject, groupByNamespace, resourceSelector, selectObjects } from './selection';
import { validatePlacement } from './validate-placement';

/** What to change on the objects of the constructs when they land on the target clusters. */
export interface OverrideRule {
  /** The clusters the rule applies to (by names or labels). */
  readonly target: Placement;
  /**
   * Replace the registry of every container image of Deployments and StatefulSets (a registry mirror per site),
   * e.g. `registry.fra.bank.internal`. Repository, tag and digest stay as they are.
   * @see https://karmada.io/docs/userguide/scheduling/override-policy#imageoverrider
   * @default - images unchanged
   */
  readonly imageRegistry?: string;
  /**
   * Replace the `deviceClassName` of every request of the ResourceClaimTemplates (sites with other GPUs).
   * @see https://karmada.io/docs/userguide/scheduling/override-policy#plaintext
   * @default - device classes unchanged
   */
  readonly deviceClassName?: string;
  /**
   * Set `spec.replicas` of Deployments and StatefulSets.
   * @default - replicas unchanged
   */
  readonly replicas?: number;
  /**
   * Set the pod template `nodeSelector` of Deployments and StatefulSets to exactly this map (replacing any).
   * @default - node selectors unchanged
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

/** Props of {@link KarmadaOverride}. */
export interface KarmadaOverrideProps extends ScopeOverrides {
  /**
   * The constructs whose objects the rules apply to (collected at synth).
   * @see https://karmada.io/docs/userguide/scheduling/override-policy#resourceselectors
   * @default [] - add them with override()
   */
  readonly constructs?: readonly IConstruct[];
  /**
   * The rules, one per cluster or label set.
   * @see https://karmada.io/docs/userguide/scheduling/override-policy
   */
  readonly rules: readonly OverrideRule[];
  /**
   * The declared member clusters (cluster names are checked against it, residency against its labels).
   * @default - names are not checked
   */
  readonly fleet?: KarmadaFleet;
  /**
   * Base name of the OverridePolicies.
   * @default - derived from the construct path below the chart
   */
  readonly name?: string;
  /**
   * The jurisdiction data-bearing objects of the constructs must stay in: rules may not target clusters outside it.
   * @see https://karmada.io/docs/userguide/scheduling/override-policy
   * @default - the fleet's dataJurisdiction; none without a fleet
   */
  readonly jurisdiction?: string;
  /**
   * The cluster label that carries the jurisdiction.
   * @see https://karmada.io/docs/userguide/scheduling/override-policy
   * @default - the fleet's jurisdictionLabel, else Labels.JURISDICTION
   */
  readonly jurisdictionLabel?: string;
}

const WORKLOAD_KINDS = new Set(['Deployment.apps', 'StatefulSet.apps']);
const CLAIM_TEMPLATE = 'ResourceClaimTemplate.resource.k8s.io';

/**
 * Per-cluster (or per label set) changes to propagated objects through Karmada `policy.karmada.io/v1alpha1`
 * OverridePolicies, from typed rules: image registry mirror per site, device class name, replicas, node selectors.
 * At synth it emits, per namespace, one OverridePolicy for the Deployments and StatefulSets of the constructs
 * (`<name>`), and one per ResourceClaimTemplate for device class changes (`<name>-<template>`).
 *
 * @see https://karmada.io/docs/userguide/scheduling/override-policy
 */
export class KarmadaOverride extends Construct {
  /** Base name of the policies. */
  public readonly policyName: string;
  /** The rules. */
  public readonly rules: readonly OverrideRule[];
  /** The jurisdiction in force for data-bearing objects, if any. */
  public readonly jurisdiction?: Jurisdiction;

  private readonly roots: IConstruct[] = [];
  private readonly fleet?: KarmadaFleet;
  private readonly scopeOverrides: ScopeOverrides;
  private readonly created = new Map<string, OverridePolicy>();

  constructor(scope: Construct, id: string, props: KarmadaOverrideProps) {
    super(scope, id);
    this.fleet = props.fleet;
    this.policyName = props.name ?? defaultPolicyName(this);
    if (!isDns1123Subdomain(this.policyName)) {
      throw ValidationError.invalidProp(this, { prop: 'name', value: this.policyName, allowed: 'a DNS-1123 subdomain' });
    }
    if (props.rules.length === 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'rules', value: [], allowed: 'at least one rule', fix: 'add a rule per cluster or label set.',
      });
    }
    props.rules.forEach((r, i) => this.validateRule(r, i));
    this.rules = props.rules;
    const jv = props.jurisdiction ?? props.fleet?.dataJurisdiction;
    if (jv !== undefined) {
      this.jurisdiction = { value: jv, labelKey: props.jurisdictionLabel ?? props.fleet?.jurisdictionLabel ?? Labels.JURISDICTION };
    }
    this.scopeOverrides = { clusterScopedKinds: props.clusterScopedKinds, namespacedKinds: props.namespacedKinds };
    for (const c of props.constructs ?? []) this.override(c);
    this.node.addValidation({ validate: () => { this.materialize(); return []; } });
  }

  /** Applies the rules to the objects of another construct too. */
  public override(construct: IConstruct): void {
    this.roots.push(construct);
  }

  /** The policies emitted so far (complete after synth). */
  public get policies(): ApiObject[] {
    return [...this.created.values()];
  }

  private validateRule(r: OverrideRule, i: number): void {
    const prop = `rules[${i}]`;
    if (r.target.kind === PlacementKind.GROUPS || r.target.kind === PlacementKind.ALL) {
      throw ValidationError.invalidProp(this, {
        prop: `${prop}.target`, value: r.target.kind, allowed: 'Placement.clusters([...]) or Placement.labels({...})',
      });
    }
    validatePlacement(this, `${prop}.target`, r.target, this.fleet);
    if (r.imageRegistry === undefined && r.deviceClassName === undefined && r.replicas === undefined && r.nodeSelector === undefined) {
      throw ValidationError.invalidProp(this, {
        prop, value: {}, allowed: 'at least one of imageRegistry, deviceClassName, replicas, nodeSelector',
      });
    }
    if (r.imageRegistry !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?$/.test(r.imageRegistry)) {
      throw ValidationError.invalidProp(this, {
        prop: `${prop}.imageRegistry`, value: r.imageRegistry, allowed: 'a registry host[:port], e.g. registry.fra.bank.internal',
      });
    }
    if (r.replicas !== undefined && (!Number.isInteger(r.replicas) || r.replicas < 0)) {
      throw ValidationError.invalidProp(this, { prop: `${prop}.replicas`, value: r.replicas, allowed: 'an integer >= 0' });
    }
    if (r.deviceClassName !== undefined && !isDns1123Subdomain(r.deviceClassName)) {
      throw ValidationError.invalidProp(this, { prop: `${prop}.deviceClassName`, value: r.deviceClassName, allowed: 'a DNS-1123 subdomain' });
    }
    for (const [k, v] of Object.entries(r.nodeSelector ?? {})) {
      if (!isValidLabelKey(k) || !isValidLabelValue(v)) {
        throw ValidationError.invalidProp(this, { prop: `${prop}.nodeSelector`, value: { [k]: v }, allowed: 'valid label keys and values' });
      }
    }
  }

  private materialize(): void {
    if (this.roots.length === 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'constructs', value: [], allowed: 'at least one construct', fix: 'pass constructs: [...] or call override(construct).',
      });
    }
    const objects = selectObjects(this, this.roots, this.scopeOverrides, 'constructs');
    this.checkResidency(objects);
    const labels = { [Labels.APP_MANAGED_BY]: MANAGED_BY };
    const workloadRules = this.rules.filter((r) => r.imageRegistry !== undefined || r.replicas !== undefined || r.nodeSelector !== undefined);
    const deviceRules = this.rules.filter((r) => r.deviceClassName !== undefined);
    for (const [ns, list] of groupByNamespace(objects).namespaces) {
      if (workloadRules.length > 0 && list.some(isWorkload)) {
        const key = `${ns}/${this.policyName}`;
        if (!this.created.has(key)) {
          this.created.set(key, new OverridePolicy(this, `Workloads-${ns}`, {
            metadata: { name: this.policyName, namespace: ns, labels },
            spec: Lazy.any({ produce: () => this.workloadSpec(ns, workloadRules) }) as any,
          }));
        }
      }
      if (deviceRules.length === 0) continue;
      for (const tmpl of list.filter((o) => kindKey(o.apiVersion, o.kind) === CLAIM_TEMPLATE)) {
        const name = stableName([this.policyName, tmpl.name], 253);
        const key = `${ns}/${name}`;
        if (this.created.has(key)) continue;
        this.created.set(key, new OverridePolicy(this, `DeviceClass-${ns}-${tmpl.name}`, {
          metadata: { name, namespace: ns, labels },
          spec: Lazy.any({ produce: () => this.deviceSpec(tmpl, deviceRules) }) as any,
        }));
      }
    }
  }

  private workloadSpec(ns: string, rules: readonly OverrideRule[]): OverridePolicySpec {
    const objects = selectObjects(this, this.roots, this.scopeOverrides, 'constructs');
    const selected = (groupByNamespace(objects).namespaces.get(ns) ?? []).filter(isWorkload);
    return {
      resourceSelectors: selected.map(resourceSelector),
      overrideRules: rules.map((r) => {
        const plaintext: Array<Record<string, unknown>> = [];
        if (r.replicas !== undefined) plaintext.push({ operator: 'replace', path: '/spec/replicas', value: r.replicas });
        if (r.nodeSelector !== undefined) {
          plaintext.push({ operator: 'add', path: '/spec/template/spec/nodeSelector', value: { ...r.nodeSelector } });
        }
        return {
          targetCluster: r.target.selectorSpec(),
          overriders: {
            ...(r.imageRegistry !== undefined ? {
              imageOverrider: [{ component: 'Registry', operator: 'replace', value: r.imageRegistry }],
            } : {}),
            ...(plaintext.length > 0 ? { plaintext } : {}),
          },
        };
      }).filter((rule) => Object.keys(rule.overriders).length > 0),
    } as OverridePolicySpec;
  }

  private deviceSpec(tmpl: SelectedObject, rules: readonly OverrideRule[]): OverridePolicySpec {
    const requests: any[] = tmpl.object.toJson()?.spec?.spec?.devices?.requests ?? [];
    const paths = requests
      .map((req, i) => (req?.exactly?.deviceClassName !== undefined ? `/spec/spec/devices/requests/${i}/exactly/deviceClassName` : undefined))
      .filter((p): p is string => p !== undefined);
    return {
      resourceSelectors: [resourceSelector(tmpl)],
      overrideRules: rules.map((r) => ({
        targetCluster: r.target.selectorSpec(),
        overriders: { plaintext: paths.map((path) => ({ operator: 'replace', path, value: r.deviceClassName })) },
      })),
    } as OverridePolicySpec;
  }

  private checkResidency(objects: readonly SelectedObject[]): void {
    const j = this.jurisdiction;
    if (!j) return;
    const data = objects.find((o) => o.dataBearing);
    if (!data) return;
    for (const rule of this.rules) {
      const v = placementViolation(rule.target, j, this.fleet);
      if (!v) continue;
      const policy = data.namespace ? `OverridePolicy ${data.namespace}/${this.policyName}` : `override ${this.policyName}`;
      throw new ValidationError(this,
        `data residency: ${describeObject(data)} (construct ${data.path}) is data-bearing and must stay in ` +
        `jurisdiction "${j.value}", but ${policy} targets clusters outside it: cluster selector ${v.selector}: ` +
        `${v.reason}. Fix: target only clusters labelled ${j.labelKey}=${j.value}, or override the non-data constructs separately.`);
    }
  }
}

function isWorkload(o: SelectedObject): boolean {
  return WORKLOAD_KINDS.has(kindKey(o.apiVersion, o.kind));
}
