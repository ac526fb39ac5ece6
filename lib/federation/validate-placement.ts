import { IConstruct } from 'constructs';
import { ValidationError, isValidLabelKey, isValidLabelValue } from '../core';
import { KarmadaFleet } from './karmada-fleet';
import { Placement, PlacementKind } from './placement';

/** Checks a placement eagerly: non-empty lists, declared cluster names, valid labels, well-formed groups. */
export function validatePlacement(scope: IConstruct, prop: string, placement: Placement, fleet?: KarmadaFleet): void {
  switch (placement.kind) {
    case PlacementKind.CLUSTERS:
      if ((placement.clusterNames ?? []).length === 0) {
        throw ValidationError.invalidProp(scope, {
          prop: `${prop}.clusterNames`, value: placement.clusterNames, allowed: 'at least one cluster name',
          fix: 'name the member clusters, or use Placement.labels({...}) to select clusters by label.',
        });
      }
      checkNames(scope, `${prop}.clusterNames`, placement.clusterNames ?? [], fleet);
      break;
    case PlacementKind.LABELS: {
      const ml = placement.matchLabels ?? {};
      const me = placement.matchExpressions ?? [];
      if (Object.keys(ml).length === 0 && me.length === 0) {
        throw ValidationError.invalidProp(scope, {
          prop: `${prop}.labelSelector`, value: {}, allowed: 'at least one label or label requirement',
          fix: 'use Placement.allClusters() to select every member cluster on purpose.',
        });
      }
      for (const [k, v] of Object.entries(ml)) {
        if (!isValidLabelKey(k) || !isValidLabelValue(v)) {
          throw ValidationError.invalidProp(scope, {
            prop: `${prop}.labelSelector.matchLabels`, value: { [k]: v }, allowed: 'valid label keys and values',
          });
        }
      }
      checkNames(scope, `${prop}.exclude`, placement.exclude ?? [], fleet);
      break;
    }
    case PlacementKind.GROUPS: {
      const groups = placement.groupList ?? [];
      if (groups.length === 0) {
        throw ValidationError.invalidProp(scope, {
          prop: `${prop}.groups`, value: [], allowed: 'at least one group', fix: 'list the groups in order of preference.',
        });
      }
      const names = new Set<string>();
      groups.forEach((g, i) => {
        if (g.name.length === 0 || names.has(g.name)) {
          throw ValidationError.invalidProp(scope, {
            prop: `${prop}.groups[${i}].name`, value: g.name, allowed: 'a unique, non-empty group name',
          });
        }
        names.add(g.name);
        if (g.placement.kind === PlacementKind.GROUPS || g.placement.kind === PlacementKind.ALL) {
          throw ValidationError.invalidProp(scope, {
            prop: `${prop}.groups[${i}].placement`, value: g.placement.kind,
            allowed: 'Placement.clusters([...]) or Placement.labels({...})',
          });
        }
        validatePlacement(scope, `${prop}.groups[${i}]`, g.placement, fleet);
      });
      break;
    }
    default:
      break;
  }
}

/** Checks cluster names against the fleet (when declared). */
export function checkNames(scope: IConstruct, prop: string, names: readonly string[], fleet?: KarmadaFleet): void {
  if (!fleet) return;
  for (const name of names) {
    if (!fleet.has(name)) {
      throw ValidationError.invalidProp(scope, {
        prop, value: name, allowed: `a cluster declared in the fleet (${fleet.clusterNames.join(', ')})`,
        fix: 'fix the name, or declare the cluster in KarmadaFleet clusters.',
      });
    }
  }
}
