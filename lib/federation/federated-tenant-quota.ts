import { Construct } from 'constructs';
import { Labels, MANAGED_BY, ValidationError, cpu, gib, isDns1123Label, isDns1123Subdomain, parseQuantity } from '../core';
import {
  FederatedResourceQuota, FederatedResourceQuotaSpecOverall, FederatedResourceQuotaSpecStaticAssignmentsHard,
} from '../imports/karmada-frq-policy.karmada.io';
import { KarmadaFleet } from './karmada-fleet';
import { checkNames } from './validate-placement';

/** Resources of a quota. */
export interface QuotaResources {
  /** CPU requests, in cores (`requests.cpu`). @default - not limited */
  readonly cpu?: number;
  /** Memory requests, in GiB (`requests.memory`). @default - not limited */
  readonly memoryGiB?: number;
  /**
   * DRA devices per device class name (`<class>.deviceclass.resource.k8s.io/devices`), e.g. `{ 'gpu.nvidia.com': 8 }`.
   * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-for-extended-resources
   * @default - not limited
   */
  readonly devices?: Readonly<Record<string, number>>;
  /** Pods (`pods`). @default - not limited */
  readonly pods?: number;
  /** Further quota entries as Kubernetes quantities (`{ 'requests.storage': '2Ti' }`). @default {} */
  readonly other?: Readonly<Record<string, string>>;
}

/** Props of {@link FederatedTenantQuota}. */
export interface FederatedTenantQuotaProps {
  /**
   * The tenant namespace the quota applies to (in every member cluster).
   * @see https://karmada.io/docs/userguide/bestpractices/federated-resource-quota
   */
  readonly namespace: string;
  /**
   * The tenant's total across all member clusters.
   * @see https://karmada.io/docs/userguide/bestpractices/federated-resource-quota
   */
  readonly overall: QuotaResources;
  /**
   * Fixed shares per cluster name (each becomes a ResourceQuota in that cluster). Each resource's shares must not
   * exceed the overall amount.
   * @see https://karmada.io/docs/userguide/bestpractices/federated-resource-quota
   * @default - no static assignments (overall only)
   */
  readonly staticAssignments?: Readonly<Record<string, QuotaResources>>;
  /** The declared member clusters (assignment cluster names are checked). @default - not checked */
  readonly fleet?: KarmadaFleet;
  /** Name of the FederatedResourceQuota (Karmada names the per-cluster ResourceQuotas after it). @default 'federated-quota' */
  readonly name?: string;
}

/**
 * A tenant's resource quota across the fleet: Karmada `policy.karmada.io/v1alpha1` FederatedResourceQuota with an
 * overall limit and optional static per-cluster shares.
 *
 * @see https://karmada.io/docs/userguide/bestpractices/federated-resource-quota
 */
export class FederatedTenantQuota extends Construct {
  /** The emitted FederatedResourceQuota. */
  public readonly resource: FederatedResourceQuota;
  /** The overall quota as emitted. */
  public readonly overall: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: FederatedTenantQuotaProps) {
    super(scope, id);
    if (!isDns1123Label(props.namespace)) {
      throw ValidationError.invalidProp(this, { prop: 'namespace', value: props.namespace, allowed: 'a DNS-1123 label' });
    }
    const name = props.name ?? 'federated-quota';
    if (!isDns1123Subdomain(name)) throw ValidationError.invalidProp(this, { prop: 'name', value: name, allowed: 'a DNS-1123 subdomain' });
    this.overall = this.toList('overall', props.overall);
    if (Object.keys(this.overall).length === 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'overall', value: props.overall, allowed: 'at least one resource', fix: 'set cpu, memoryGiB, devices, pods or other.',
      });
    }
    const assignments = Object.entries(props.staticAssignments ?? {});
    checkNames(this, 'staticAssignments', assignments.map(([c]) => c), props.fleet);
    const lists = assignments.map(([cluster, r]) => ({ clusterName: cluster, hard: this.toList(`staticAssignments["${cluster}"]`, r) }));
    for (const [key, total] of Object.entries(this.overall)) {
      const sum = lists.reduce((s, l) => s + (l.hard[key] !== undefined ? parseQuantity(l.hard[key])! : 0), 0);
      if (sum > parseQuantity(total)! * (1 + 1e-9)) {
        throw ValidationError.invalidProp(this, {
          prop: `staticAssignments (${key})`, value: lists.map((l) => ({ [l.clusterName]: l.hard[key] })),
          allowed: `shares that sum to at most the overall ${key} (${total})`, fix: `lower the shares or raise overall.`,
        });
      }
    }
    for (const l of lists) {
      for (const key of Object.keys(l.hard)) {
        if (this.overall[key] === undefined) {
          throw ValidationError.invalidProp(this, {
            prop: `staticAssignments["${l.clusterName}"]`, value: key, allowed: `resources of overall (${Object.keys(this.overall).join(', ')})`,
          });
        }
      }
    }
    this.resource = new FederatedResourceQuota(this, 'Resource', {
      metadata: { name, namespace: props.namespace, labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY, [Labels.TENANT]: props.namespace } },
      spec: {
        overall: mapValues(this.overall, FederatedResourceQuotaSpecOverall.fromString),
        ...(lists.length > 0 ? { staticAssignments: lists.map((l) => ({ clusterName: l.clusterName, hard: mapValues(l.hard, FederatedResourceQuotaSpecStaticAssignmentsHard.fromString) })) } : {}),
      },
    });
  }

  private toList(prop: string, r: QuotaResources): Record<string, string> {
    const out: Record<string, string> = {};
    const num = (p: string, v: number | undefined, min = 0): number | undefined => {
      if (v === undefined) return undefined;
      if (!Number.isFinite(v) || v < min) throw ValidationError.invalidProp(this, { prop: `${prop}.${p}`, value: v, allowed: `a number >= ${min}` });
      return v;
    };
    const c = num('cpu', r.cpu);
    if (c !== undefined) out['requests.cpu'] = cpu(c);
    const m = num('memoryGiB', r.memoryGiB);
    if (m !== undefined) out['requests.memory'] = gib(m);
    for (const [dc, n] of Object.entries(r.devices ?? {})) {
      if (!isDns1123Subdomain(dc)) throw ValidationError.invalidProp(this, { prop: `${prop}.devices`, value: dc, allowed: 'device class names (DNS-1123 subdomains)' });
      if (!Number.isInteger(n) || n < 0) throw ValidationError.invalidProp(this, { prop: `${prop}.devices["${dc}"]`, value: n, allowed: 'an integer >= 0' });
      out[`${dc}.deviceclass.resource.k8s.io/devices`] = String(n);
    }
    if (r.pods !== undefined) {
      if (!Number.isInteger(r.pods) || r.pods < 0) throw ValidationError.invalidProp(this, { prop: `${prop}.pods`, value: r.pods, allowed: 'an integer >= 0' });
      out.pods = String(r.pods);
    }
    for (const [k, v] of Object.entries(r.other ?? {})) {
      if (parseQuantity(v) === undefined) throw ValidationError.invalidProp(this, { prop: `${prop}.other["${k}"]`, value: v, allowed: 'a Kubernetes quantity' });
      out[k] = v;
    }
    return out;
  }
}

function mapValues<T>(r: Readonly<Record<string, string>>, f: (v: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, f(v)]));
}
