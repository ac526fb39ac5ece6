import { renderValue } from '../core';
import { KarmadaFleet } from './karmada-fleet';
import { Placement, PlacementKind, LabelOperator } from './placement';

/** Why a placement could put data outside its jurisdiction (undefined: it cannot). */
export interface ResidencyViolation {
  /** The offending cluster selector as rendered in the message. */
  readonly selector: string;
  /** What is wrong with it. */
  readonly reason: string;
}

/** The data jurisdiction in force and the cluster label that carries it. */
export interface Jurisdiction {
  /** The jurisdiction value, e.g. `eu`. */
  readonly value: string;
  /** The cluster label key, e.g. `sovereign-ai.dev/jurisdiction`. */
  readonly labelKey: string;
}

/**
 * Checks that a placement can only ever select clusters inside the jurisdiction: label selectors must require the
 * jurisdiction label (clusters that join later are covered too), named clusters must be declared in the fleet with
 * the jurisdiction label, and every group of an ordered placement (failover targets) must satisfy the same.
 */
export function placementViolation(
  placement: Placement, j: Jurisdiction, fleet: KarmadaFleet | undefined,
): ResidencyViolation | undefined {
  switch (placement.kind) {
    case PlacementKind.ALL:
      return { selector: '{}', reason: 'it has no cluster selector, so it selects every member cluster' };
    case PlacementKind.LABELS: {
      const spec = placement.selectorSpec()!;
      const requires = placement.matchLabels?.[j.labelKey] === j.value
        || (placement.matchExpressions ?? []).some((e) => e.key === j.labelKey && e.operator === LabelOperator.IN
          && (e.values ?? []).length > 0 && (e.values ?? []).every((v) => v === j.value));
      if (requires) return undefined;
      return { selector: renderValue(spec), reason: `it does not require ${j.labelKey}=${j.value}` };
    }
    case PlacementKind.CLUSTERS: {
      const selector = renderValue(placement.selectorSpec());
      for (const name of placement.clusterNames ?? []) {
        const reason = clusterReason(name, j, fleet);
        if (reason) return { selector, reason };
      }
      return undefined;
    }
    case PlacementKind.GROUPS: {
      for (const g of placement.groupList ?? []) {
        const v = placementViolation(g.placement, j, fleet);
        if (v) return { selector: v.selector, reason: `${v.reason} (group "${g.name}")` };
      }
      return undefined;
    }
  }
  return undefined;
}

/** Why a named cluster is not known to be inside the jurisdiction (undefined: it is). */
export function clusterReason(name: string, j: Jurisdiction, fleet: KarmadaFleet | undefined): string | undefined {
  if (!fleet) return `it names cluster "${name}", whose jurisdiction is unknown (no KarmadaFleet declared)`;
  if (!fleet.has(name)) return `it names cluster "${name}", which is not declared in the fleet`;
  const value = fleet.cluster(name)?.labels?.[j.labelKey];
  if (value === undefined) return `it names cluster "${name}", which has no ${j.labelKey} label`;
  if (value !== j.value) return `it names cluster "${name}", labelled ${j.labelKey}=${value}`;
  return undefined;
}
