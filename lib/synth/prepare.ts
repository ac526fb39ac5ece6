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
 * @param all `app.node.findAll()` when the caller has it already
 */
export function runAppValidations(app: App, all: readonly IConstruct[] = app.node.findAll()): void {
  const errors: string[] = [];
  for (const child of all) {
    for (const error of child.node.validate()) errors.push(`[${child.node.path}] ${error}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/**
 * The ApiObjects of a chart in output order, as cdk8s orders them: a topological sort of the chart's
 * dependency graph, keeping the objects whose closest chart is this one.
 */
export function orderChartApiObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node)
    .topology()
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter((x) => Chart.of(x) === chart);
}

/**
 * Prepares an app for serialization, once for the whole app: validations (throws on failure, with cdk8s's
 * message), then dependency resolution, then chart and object ordering. The cost is linear in the size of the
 * app whatever the chart layout (cdk8s redoes validation and dependency resolution of the whole app for each
 * chart it renders).
 *
 * Validations run before dependencies are resolved, as in `app.synth()`. They run once: they must not change
 * the construct tree (cdk8s runs them once more per chart).
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
