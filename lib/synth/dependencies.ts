import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Turns implicit construct dependencies into explicit chart and ApiObject dependencies, exactly as
 * `cdk8s` 2.70 does before it renders a chart (`resolveAppDependencies` in `cdk8s/lib/app.js`, a module-private
 * function, so it is mirrored here):
 *
 * 1. a chart nested in another chart: the parent chart depends on the child chart;
 * 2. a construct depending on a construct of another chart: the source chart depends on the target chart;
 * 3. a construct depending on another construct: every ApiObject below the source (in the source's chart)
 *    depends on every ApiObject below the target (in the target's chart).
 *
 * The same dependencies are added in the same order (construct dependencies are insertion-ordered sets, and
 * that order decides the order of objects in the output), so the result is the same as cdk8s's. The pass is
 * idempotent: running it again (as `chart.toJson()` does) adds nothing.
 *
 * Where cdk8s runs this once per chart, over the whole app, it runs once here, with each subtree listed once
 * and each construct's chart looked up once.
 *
 * @param app the app (its tree must not change during the call)
 * @param all `app.node.findAll()` (pre-order), shared with the caller to list the tree only once
 * @returns whether some chart depends on another chart (cdk8s then prefixes chart file names with an index)
 */
export function resolveAppDependencies(app: App, all: readonly IConstruct[] = app.node.findAll()): boolean {
  const subtrees = new Map<IConstruct, readonly IConstruct[]>();
  const findAll = (c: IConstruct): readonly IConstruct[] => {
    if (c === app) return all;
    let found = subtrees.get(c);
    if (!found) {
      found = c.node.findAll();
      subtrees.set(c, found);
    }
    return found;
  };
  const charts = new Map<IConstruct, Chart>();
  const chartOf = (c: IConstruct): Chart => {
    let chart = charts.get(c);
    if (!chart) {
      chart = Chart.of(c);
      charts.set(c, chart);
    }
    return chart;
  };
  // ApiObjects below a construct that belong to the construct's own chart (objects of nested charts excluded).
  const ownObjects = new Map<IConstruct, readonly IConstruct[]>();
  const apiObjectsOf = (c: IConstruct, chart: Chart): readonly IConstruct[] => {
    let found = ownObjects.get(c);
    if (!found) {
      found = findAll(c).filter((x) => x instanceof ApiObject).filter((x) => chartOf(x) === chart);
      ownObjects.set(c, found);
    }
    return found;
  };
  const dependencies = (): Array<{ source: IConstruct; target: IConstruct }> => {
    const deps: Array<{ source: IConstruct; target: IConstruct }> = [];
    for (const child of all) {
      for (const dep of child.node.dependencies) deps.push({ source: child, target: dep });
    }
    return deps;
  };

  let hasDependantCharts = false;

  // 1. nested charts
  for (const parentChart of all.filter((x) => x instanceof Chart)) {
    for (const childChart of parentChart.node.children.filter((x) => x instanceof Chart)) {
      parentChart.node.addDependency(childChart);
      hasDependantCharts = true;
    }
  }

  // 2. chart dependencies from construct dependencies across charts
  for (const dep of dependencies()) {
    const sourceChart = chartOf(dep.source);
    const targetChart = chartOf(dep.target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }

  // 3. ApiObject dependencies from construct dependencies (including the chart dependencies just added)
  for (const dep of dependencies()) {
    const sourceChart = chartOf(dep.source);
    const targetChart = chartOf(dep.target);
    const targets = apiObjectsOf(dep.target, targetChart);
    const sources = apiObjectsOf(dep.source, sourceChart);
    for (const target of targets) {
      for (const source of sources) {
        if (target !== source) source.node.addDependency(target);
      }
    }
  }

  return hasDependantCharts;
}
