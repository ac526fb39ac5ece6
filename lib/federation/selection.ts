import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Labels, ValidationError } from '../core';
import { ScopeOverrides, apiGroup, isClusterScoped, kindKey } from './cluster-scope';

/**
 * Kinds that hold data by nature, whatever their labels (keys as in {@link CLUSTER_SCOPED_KINDS}). StatefulSets with
 * `volumeClaimTemplates` and every object labelled `Labels.DATA_BEARING: 'true'` are data-bearing too.
 */
export const DATA_BEARING_KINDS: ReadonlySet<string> = new Set([
  'Secret', 'PersistentVolumeClaim', 'PersistentVolume',
  'Cluster.postgresql.cnpg.io', 'Tenant.minio.min.io',
]);

/** One object selected for propagation, with what the policies need to know about it. */
export interface SelectedObject {
  /** The object. */
  readonly object: ApiObject;
  /** apiVersion. */
  readonly apiVersion: string;
  /** kind. */
  readonly kind: string;
  /** metadata.name. */
  readonly name: string;
  /** metadata.namespace (`undefined` for cluster-scoped objects). */
  readonly namespace?: string;
  /** Whether the kind is cluster-scoped. */
  readonly clusterScoped: boolean;
  /** Whether the object holds data (residency applies). */
  readonly dataBearing: boolean;
  /** The construct path of the object. */
  readonly path: string;
}

/** `Kind ns/name` or `Kind name`, for messages. */
export function describeObject(o: Pick<SelectedObject, 'kind' | 'name' | 'namespace'>): string {
  return o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`;
}

/** True if the object holds data: by kind, by the data-bearing label, or a StatefulSet with volume claim templates. */
export function isDataBearing(obj: ApiObject): boolean {
  if (obj.metadata.getLabel(Labels.DATA_BEARING) === 'true') return true;
  const key = kindKey(obj.apiVersion, obj.kind);
  if (DATA_BEARING_KINDS.has(key)) return true;
  if (key === 'StatefulSet.apps') {
    const templates = obj.toJson()?.spec?.volumeClaimTemplates;
    return Array.isArray(templates) && templates.length > 0;
  }
  return false;
}

/** True for objects of the Karmada control plane itself (never propagated). */
export function isKarmadaObject(apiVersion: string): boolean {
  const g = apiGroup(apiVersion);
  return g === 'karmada.io' || g.endsWith('.karmada.io');
}

/**
 * The ApiObjects emitted by `root` (its whole subtree, itself included), in construct order, without Karmada
 * control-plane objects and without anything under `exclude`.
 */
export function apiObjectsOf(root: IConstruct, exclude?: IConstruct): ApiObject[] {
  const excluded = exclude ? new Set<IConstruct>(exclude.node.findAll()) : new Set<IConstruct>();
  return root.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c))
    .filter((o) => !excluded.has(o) && !isKarmadaObject(o.apiVersion));
}

/**
 * Describes the objects of `roots` for selection. Throws a ValidationError (scoped to `owner`) when a root emits no
 * object, or when an object's scope cannot be told (unknown kind without a namespace).
 */
export function selectObjects(
  owner: IConstruct, roots: readonly IConstruct[], overrides: ScopeOverrides, prop: string,
): SelectedObject[] {
  const seen = new Set<ApiObject>();
  const out: SelectedObject[] = [];
  roots.forEach((root, i) => {
    const objects = apiObjectsOf(root, owner);
    if (objects.length === 0) {
      throw ValidationError.invalidProp(owner, {
        prop: `${prop}[${i}]`, value: root.node.path || '<root>',
        allowed: 'constructs that emit at least one Kubernetes object',
        fix: 'propagate the construct that holds the objects (a stack, tenant or bucket), or remove this entry.',
      });
    }
    for (const obj of objects) {
      if (seen.has(obj)) continue;
      seen.add(obj);
      const ns = obj.metadata.namespace;
      const clusterScoped = isClusterScoped(obj.apiVersion, obj.kind, overrides);
      if (!clusterScoped && !ns) {
        const key = kindKey(obj.apiVersion, obj.kind);
        throw new ValidationError(owner,
          `cannot tell the scope of ${key} "${obj.name}" (construct ${obj.node.path}): it has no metadata.namespace ` +
          'and is not a known cluster-scoped kind. ' +
          `Fix: add '${key}' to clusterScopedKinds if it is cluster-scoped, or set metadata.namespace.`);
      }
      out.push({
        object: obj, apiVersion: obj.apiVersion, kind: obj.kind, name: obj.name,
        namespace: clusterScoped ? undefined : ns, clusterScoped, dataBearing: isDataBearing(obj), path: obj.node.path,
      });
    }
  });
  return out;
}

/** Groups namespaced objects by namespace (sorted), cluster-scoped ones apart. */
export function groupByNamespace(objects: readonly SelectedObject[]): {
  readonly namespaces: ReadonlyMap<string, SelectedObject[]>;
  readonly clusterScoped: SelectedObject[];
} {
  const byNs = new Map<string, SelectedObject[]>();
  const clusterScoped: SelectedObject[] = [];
  for (const o of objects) {
    if (o.clusterScoped) { clusterScoped.push(o); continue; }
    const list = byNs.get(o.namespace!) ?? [];
    list.push(o);
    byNs.set(o.namespace!, list);
  }
  const namespaces = new Map([...byNs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { namespaces, clusterScoped };
}

/** The Karmada resource selector naming exactly this object. */
export function resourceSelector(o: SelectedObject): { apiVersion: string; kind: string; name: string } {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.name };
}
