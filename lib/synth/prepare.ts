import { ApiObject, App, Chart, DependencyGraph, Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import { resolveAppDependencies } from './dependencies';

/** Milliseconds spent preparing an app (see `prepareApp`). */
export interface PrepareTimings {
  /** Running every construct's `node.addValidation` validations (policy packs included). */
  readonly validateMs: number;
  /** Turning construct dependencies into chart and ApiObject dependencies. */
  readonly dependenciesMs: number;
  /** Ordering the charts and the ApiObjects of each chart. */
  readonly orderMs: number;
}

/** One chart of a prepared app: its ApiObjects in output order. */
export interface PreparedChart {
  /** The chart. */
  readonly chart: Chart;
  /**
   * The chart's own ApiObjects (not those of nested charts) in the order `chart.toJson()` renders them:
   * dependencies first.
   */
  readonly apiObjects: readonly ApiObject[];
  /**
   * The chart's output name without extension, as `app.synth()` names its file: the chart's DNS label,
   * prefixed with a 4-digit index (`0000-`) when some chart depends on another.
   */
  readonly fileName: string;
}

/**
 * An app made ready to serialize: validated once, dependencies resolved once, charts and objects ordered.
 * Serializing its objects (`ApiObject.toJson()`) gives the same JSON as `chart.toJson()`, without redoing the
 * app-wide work per chart.
 */
export interface PreparedApp {
  /** The app. */
  readonly app: App;
  /** The charts in output order (dependencies first), as `app.charts`. */
  readonly charts: readonly PreparedChart[];
  /** Whether some chart depends on another (chart file names are then indexed). */
  readonly hasDependantCharts: boolean;
  /** Where the time went. */
  readonly timings: PrepareTimings;
}

/**
 * Runs every validation of the app (`node.addValidation` on any construct, chart validations and policy
 * packs included) once, and throws the same error as cdk8s when one fails:
 * `Validation failed with the following errors:\n  [<path>] <message>...`.
 *
 * The validations of constructs that are neither charts nor the app run first, then those of the app and the
 * charts (in pre-order each): validations that complete the tree (containers filled with granted variables,
 * policies materialized for the objects they select) have run when the chart-wide checks (the policy packs,
 * which render every object of the app) look at it, so those see the final objects. Errors are listed in
 * pre-order, as cdk8s lists them.
 *
 * @param all `app.node.findAll()` when the caller has it already
 */
export function runAppValidations(app: App, all: readonly IConstruct[] = app.node.findAll()): void {
  // Only constructs with errors are recorded (most validations return an empty list).
  const errorsOf = new Map<number, readonly string[]>();
  const record = (i: number, errors: readonly string[]): void => {
    if (errors.length > 0) errorsOf.set(i, errors);
  };
  const isChartWide = (c: IConstruct): boolean => c === app || Chart.isChart(c);
  // A validation that throws ends the run with its error, as in cdk8s: the first one in pre-order wins.
  let thrown: { readonly index: number; readonly error: unknown } | undefined;
  for (let i = 0; i < all.length && !thrown; i++) {
    if (isChartWide(all[i])) continue;
    try {
      record(i, all[i].node.validate());
    } catch (error) {
      thrown = { index: i, error };
    }
  }
  for (let i = 0; i < (thrown?.index ?? all.length); i++) {
    if (isChartWide(all[i])) record(i, all[i].node.validate());
  }
  if (thrown) throw thrown.error;
  const errors: string[] = [];
  for (const i of [...errorsOf.keys()].sort((a, b) => a - b)) {
    for (const error of errorsOf.get(i)!) errors.push(`[${all[i].node.path}] ${error}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/**
 * The ApiObjects of a chart in output order, as cdk8s orders them: a topological sort of the chart's
 * dependency graph (cdk8s `DependencyGraph(chart.node).topology()`), keeping the objects whose closest chart is
 * this one.
 *
 * The order is that of cdk8s: a depth-first post-order walk from a root adopting every construct without a
 * dependant (in the order of cdk8s's path-keyed vertex table), each construct's dependencies in insertion order,
 * dependencies outside the chart's subtree ignored. It is computed over index arrays rather than cdk8s's
 * vertex objects (a vertex with two sets per construct of the chart); when the graph has a cycle, cdk8s's
 * graph is built to throw its own error.
 */
export function orderChartApiObjects(chart: Chart): ApiObject[] {
  const nodes = chart.node.findAll();
  // Edges source -> target (the source depends on the target), each target once per source, in insertion order,
  // targets outside the chart's subtree ignored. Only constructs with dependencies get a list, and only those
  // and their targets an index: most constructs of a large chart have neither.
  const outbound = new Map<IConstruct, IConstruct[]>();
  const hasInbound = new Set<IConstruct>();
  for (const source of nodes) {
    const deps = source.node.dependencies;
    if (deps.length === 0) continue;
    for (const dep of deps) {
      if (!isWithin(dep, chart)) continue;
      let list = outbound.get(source);
      if (!list) outbound.set(source, (list = []));
      if (!list.includes(dep)) list.push(dep);
      hasInbound.add(dep);
    }
  }
  const indexOf = new Map<IConstruct, number>();
  nodes.forEach((n, i) => {
    if (outbound.has(n) || hasInbound.has(n)) indexOf.set(n, i);
  });
  const children = (i: number): number[] | undefined => outbound.get(nodes[i])?.map((c) => indexOf.get(c)!);
  // Roots in the order cdk8s lists its vertices: an object keyed by path, so array-index-like paths (a chart
  // named `42` directly under the app) come first, in numeric order, then the others in insertion order.
  const roots: number[] = [];
  const indexLike: number[] = [];
  nodes.forEach((n, i) => {
    if (hasInbound.has(n)) return;
    if (isArrayIndex(n.node.path)) indexLike.push(i);
    else roots.push(i);
  });
  indexLike.sort((x, y) => Number(nodes[x].node.path) - Number(nodes[y].node.path));
  // Depth-first post-order, iterative; a construct met again while on the stack is a cycle.
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the stack, 2 done
  const ordered: ApiObject[] = [];
  const stack: Array<{ readonly node: number; readonly children?: number[]; next: number }> = [];
  for (const root of [...indexLike, ...roots]) {
    if (state[root] === 2) continue;
    state[root] = 1;
    stack.push({ node: root, children: children(root), next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.children && top.next < top.children.length) {
        const c = top.children[top.next++];
        if (state[c] === 1) return cyclic(chart);
        if (state[c] === 0) {
          state[c] = 1;
          stack.push({ node: c, children: children(c), next: 0 });
        }
        continue;
      }
      stack.pop();
      state[top.node] = 2;
      const x = nodes[top.node];
      if (x instanceof ApiObject && Chart.of(x) === chart) ordered.push(x);
    }
  }
  // Constructs left unvisited sit on a cycle that no root reaches.
  if (state.some((v) => v !== 2)) return cyclic(chart);
  return ordered;
}

/** Whether `c` is `scope` or below it. */
function isWithin(c: IConstruct, scope: IConstruct): boolean {
  for (let x: IConstruct | undefined = c; x; x = x.node.scope) if (x === scope) return true;
  return false;
}

/** Whether a property key is an array index (such keys come first, in numeric order, in a plain object). */
function isArrayIndex(key: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

/** A chart whose dependency graph has a cycle: cdk8s's graph throws its error (`Dependency cycle detected: ...`). */
function cyclic(chart: Chart): never {
  new DependencyGraph(chart.node).topology();
  throw new Error(`Dependency cycle detected in ${chart.node.path}`);
}

/**
 * Prepares an app for serialization, once for the whole app: validations (throws on failure, with cdk8s's
 * message), then dependency resolution, then chart and object ordering. The cost is linear in the size of the
 * app whatever the chart layout (cdk8s redoes validation and dependency resolution of the whole app for each
 * chart it renders).
 *
 * Validations run before dependencies are resolved, as in `app.synth()`, construct validations before chart-wide
 * ones (see `runAppValidations`). They run once (cdk8s runs them once more per chart): chart-wide validations must
 * not change the objects (during `synthesize` the policy packs' rendering of each object is the one written).
 */
export function prepareApp(app: App): PreparedApp {
  const t0 = performance.now();
  const all = app.node.findAll();
  runAppValidations(app, all);
  const t1 = performance.now();
  const hasDependantCharts = resolveAppDependencies(app, all);
  const t2 = performance.now();
  let index = 0;
  const charts = app.charts.map((chart): PreparedChart => {
    const label = Names.toDnsLabel(chart);
    const fileName = hasDependantCharts ? `${(index++).toString().padStart(4, '0')}-${label}` : label;
    return { chart, apiObjects: orderChartApiObjects(chart), fileName };
  });
  const t3 = performance.now();
  return {
    app,
    charts,
    hasDependantCharts,
    timings: { validateMs: t1 - t0, dependenciesMs: t2 - t1, orderMs: t3 - t2 },
  };
}
