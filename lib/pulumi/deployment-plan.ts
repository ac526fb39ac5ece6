import { ApiObject, App, Chart } from 'cdk8s';
import { ValidationError } from '../core/errors';
import { synthesizeCharts } from '../synth';

/**
 * One Kubernetes object exactly as `chart.toJson()` returns it (plain JSON data).
 */
export interface KubernetesManifest {
  /** `apiVersion`, e.g. `v1` or `apps/v1`. */
  readonly apiVersion: string;
  /** `kind`, e.g. `Deployment`. */
  readonly kind: string;
  /** `metadata` (at least `name`; `namespace` for namespaced objects). */
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  /** Every other top-level field (`spec`, `data`, `rules`, ...). */
  readonly [field: string]: unknown;
}

/**
 * One object of a deployment plan: what is registered with Pulumi, under which name, after which objects.
 */
export interface PlannedObject {
  /** The object's key, `<apiVersion>:<kind>:<namespace>/<name>` (`<apiVersion>:<kind>:<name>` without namespace). */
  readonly key: string;
  /** The object, exactly as its chart's `toJson()` returned it. */
  readonly manifest: KubernetesManifest;
  /** The construct path of the `ApiObject` that emitted it. */
  readonly constructPath: string;
  /**
   * Keys of the objects this one must be created after: its Namespace, the CustomResourceDefinition of its kind,
   * and its cdk8s dependencies (`ApiObject.addDependency`, `node.addDependency`, chart dependencies). Every key
   * here appears earlier in the plan.
   */
  readonly dependsOn: readonly string[];
}

/** The Kubernetes API group of an apiVersion (`''` for the core group). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The stable key of an object, derived from the object alone: `<apiVersion>:<kind>:<namespace>/<name>`, or
 * `<apiVersion>:<kind>:<name>` for objects without a namespace (cluster-scoped objects). Used in Pulumi resource
 * names, so it never depends on construct ids, chart order or object order.
 */
export function objectKey(manifest: KubernetesManifest): string {
  const ns = manifest.metadata?.namespace;
  const name = manifest.metadata?.name ?? '';
  return `${manifest.apiVersion}:${manifest.kind}:${ns ? `${ns}/` : ''}${name}`;
}

/**
 * The identity Kubernetes gives an object: API group, kind, namespace and name (the version is not part of it:
 * `v1beta1` and `v1` of the same object are the same object). Rendered as `<group>/<Kind> <namespace>/<name>`,
 * `core` standing for the core group.
 */
export function objectIdentity(manifest: KubernetesManifest): string {
  const group = apiGroupOf(manifest.apiVersion) || 'core';
  const ns = manifest.metadata?.namespace;
  return `${group}/${manifest.kind} ${ns ? `${ns}/` : ''}${manifest.metadata?.name ?? ''}`;
}

/** Registration rank: Namespaces first, then CustomResourceDefinitions, then everything else. */
function rankOf(manifest: KubernetesManifest): number {
  if (manifest.apiVersion === 'v1' && manifest.kind === 'Namespace') return 0;
  if (apiGroupOf(manifest.apiVersion) === 'apiextensions.k8s.io' && manifest.kind === 'CustomResourceDefinition') {
    return 1;
  }
  return 2;
}

interface Node {
  readonly index: number;
  readonly rank: number;
  readonly key: string;
  readonly manifest: KubernetesManifest;
  readonly apiObject: ApiObject;
  readonly edges: Node[];
}

/**
 * Prepares the deployment of an app or some charts: serializes them with the library's synth path
 * (`synthesizeCharts`: each app is validated and its cdk8s dependencies resolved once, then every chart gives
 * exactly what `chart.toJson()` returns; a chart that fails `cdk8s synth` fails here with the same error).
 * Then orders the objects so that every object comes after its Namespace, the CustomResourceDefinition of its
 * kind and its cdk8s dependencies, with Namespaces and CRDs as early as possible and cdk8s' own order otherwise.
 *
 * Dependencies on objects outside the deployed charts are not represented (deploy those charts in the same deployment, or
 * order the deployments with Pulumi `dependsOn`).
 *
 * @param source an App (all its charts) or the charts to deploy
 * @param scope names the deployment in error messages (e.g. `ChartDeployment "reference"`)
 * @throws ValidationError when there is no chart, a chart has no objects, two objects have the same identity, an
 *   object has no `metadata.name`, or the dependencies form a cycle
 */
export function planDeployment(source: App | readonly Chart[], scope: string): PlannedObject[] {
  const charts = synthesizeCharts(source);
  if (charts.length === 0) {
    throw new ValidationError(scope, 'no charts to deploy. Fix: pass at least one cdk8s Chart (or an App with charts).');
  }
  const nodes: Node[] = [];
  const byApiObject = new Map<ApiObject, Node>();
  const byIdentity = new Map<string, Node>();
  for (const { chart, objects, apiObjects } of charts) {
    const manifests = objects as readonly KubernetesManifest[];
    if (manifests.length === 0) {
      throw new ValidationError(
        chart.node.path || '<root>',
        'chart has no Kubernetes objects, so there is nothing to deploy. Fix: add constructs to the chart, or leave the chart out of the deployment.',
      );
    }
    manifests.forEach((manifest, i) => {
      const apiObject = apiObjects[i];
      if (!manifest.metadata?.name) {
        throw new ValidationError(
          apiObject.node.path,
          `object ${manifest.apiVersion}/${manifest.kind} has no metadata.name. Fix: set metadata.name (generateName is not supported: names must be stable).`,
        );
      }
      const identity = objectIdentity(manifest);
      const same = byIdentity.get(identity);
      if (same) {
        throw new ValidationError(
          scope,
          `duplicate object ${identity}: emitted by ${same.apiObject.node.path} and by ${apiObject.node.path}. ` +
            'Fix: give one of them another metadata.name or namespace (Kubernetes identifies an object by API group, kind, namespace and name), or deploy the two charts in separate deployments (one per cluster).',
        );
      }
      const node: Node = { index: nodes.length, rank: rankOf(manifest), key: objectKey(manifest), manifest, apiObject, edges: [] };
      nodes.push(node);
      byApiObject.set(apiObject, node);
      byIdentity.set(identity, node);
    });
  }

  // Edges: Namespace, CRD, cdk8s dependencies (resolved onto ApiObjects by `synthesizeCharts`).
  const namespaces = new Map<string, Node>();
  const crds = new Map<string, Node>();
  for (const n of nodes) {
    if (n.rank === 0) namespaces.set(n.manifest.metadata.name!, n);
    if (n.rank === 1) {
      const spec = (n.manifest.spec ?? {}) as { group?: string; names?: { kind?: string } };
      crds.set(`${spec.group}/${spec.names?.kind}`, n);
    }
  }
  for (const n of nodes) {
    const deps = new Set<Node>();
    const ns = n.manifest.metadata.namespace;
    const nsNode = ns === undefined ? undefined : namespaces.get(ns);
    if (nsNode && nsNode !== n) deps.add(nsNode);
    const crd = crds.get(`${apiGroupOf(n.manifest.apiVersion)}/${n.manifest.kind}`);
    if (crd && crd !== n) deps.add(crd);
    for (const dep of n.apiObject.node.dependencies) {
      const target = ApiObject.isApiObject(dep) ? byApiObject.get(dep) : undefined;
      if (target && target !== n) deps.add(target);
    }
    n.edges.push(...[...deps].sort(compareNodes));
  }

  // Depth-first topological sort, visiting roots and dependencies by (rank, original order).
  const done = new Set<Node>();
  const visiting: Node[] = [];
  const ordered: Node[] = [];
  const visit = (n: Node): void => {
    if (done.has(n)) return;
    const at = visiting.indexOf(n);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), n].map((c) => c.apiObject.node.path).join(' -> ');
      throw new ValidationError(
        scope,
        `dependency cycle: ${cycle}. Fix: remove one of these dependencies (a Namespace or CustomResourceDefinition cannot depend on objects that live in it or use it).`,
      );
    }
    visiting.push(n);
    for (const d of n.edges) visit(d);
    visiting.pop();
    done.add(n);
    ordered.push(n);
  };
  for (const n of [...nodes].sort(compareNodes)) visit(n);

  return ordered.map((n) => ({
    key: n.key,
    manifest: n.manifest,
    constructPath: n.apiObject.node.path,
    dependsOn: n.edges.map((d) => d.key),
  }));
}

function compareNodes(a: Node, b: Node): number {
  return a.rank - b.rank || a.index - b.index;
}
