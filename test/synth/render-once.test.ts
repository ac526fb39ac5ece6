import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, DependencyGraph, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeConfigMap, KubeDeployment } from '../../lib/imports/k8s';
import { Guardrails } from '../../lib/policy';
import { orderChartApiObjects, renderApiObject, synthesize } from '../../lib/synth';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'synth-once-'));

function readTree(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

function deployment(scope: Construct, id: string): KubeDeployment {
  return new KubeDeployment(scope, id, {
    metadata: { name: id.toLowerCase() },
    spec: {
      selector: { matchLabels: { app: id } },
      template: { metadata: { labels: { app: id } }, spec: { containers: [{ name: 'main', image: 'img@sha256:0' }] } },
    },
  });
}

/** A construct whose validation completes its object (as grants fill containers added after them). */
class LateLabel extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const cm = new KubeConfigMap(this, 'Resource', { metadata: { name: 'late' }, data: { k: 'v' } });
    this.node.addValidation({
      validate: () => {
        cm.metadata.addLabel('completed', 'true');
        return [];
      },
    });
  }
}

/** Two guarded charts (no rules), one with a construct completed by its validation. */
function build(app: App): LateLabel {
  const a = new Chart(app, 'a', { namespace: 'team-a' });
  deployment(a, 'Web');
  Guardrails.ensure(a);
  const b = new Chart(app, 'b', { namespace: 'team-b' });
  const late = new LateLabel(b, 'Late');
  Guardrails.ensure(b);
  Guardrails.configure(app, { packs: [] }); // the packs render every object; no rule, so synth succeeds
  return late;
}

describe('each object is rendered once per synthesis', () => {
  test('with policy packs on, synthesize() renders every ApiObject once and writes what app.synth() writes', () => {
    const stockApp = new App({ outdir: tmp() });
    build(stockApp);
    stockApp.synth();
    const ourApp = new App({ outdir: tmp() });
    build(ourApp);
    const spy = jest.spyOn(ApiObject.prototype, 'toJson');
    synthesize(ourApp);
    const calls = spy.mock.instances.length;
    spy.mockRestore();
    expect(readTree(ourApp.outdir)).toEqual(readTree(stockApp.outdir));
    expect(calls).toBe(2); // the Deployment and the ConfigMap, once each
  });

  test('the files have what construct validations completed (a label added by a validation), with the packs on', () => {
    const app = new App({ outdir: tmp() });
    build(app);
    synthesize(app);
    const b = readTree(app.outdir)['b.k8s.yaml'];
    expect(b).toContain('completed: "true"');
  });

  test('outside a synthesis nothing is cached: renderApiObject renders afresh', () => {
    const chart = Testing.chart();
    const cm = new KubeConfigMap(chart, 'Cm', { data: { k: 'v' } });
    const first = renderApiObject(cm);
    cm.metadata.addLabel('x', 'y');
    const second = renderApiObject(cm) as { metadata: { labels?: Record<string, string> } };
    expect(second).not.toBe(first);
    expect(second.metadata.labels).toEqual({ x: 'y' });
  });

  test('after synthesize() the cache is closed (an object changed afterwards renders changed)', () => {
    const app = new App({ outdir: tmp() });
    const chart = new Chart(app, 'c');
    Guardrails.ensure(chart);
    Guardrails.configure(app, { packs: [] });
    const cm = new KubeConfigMap(chart, 'Cm', { metadata: { name: 'cm' }, data: { k: 'v' } });
    synthesize(app);
    cm.metadata.addLabel('after', 'synth');
    expect((renderApiObject(cm) as { metadata: { labels?: Record<string, string> } }).metadata.labels).toEqual({ after: 'synth' });
  });
});

describe('validation order', () => {
  test('a chart validation and a construct validation that both throw: the first in pre-order wins, as in cdk8s', () => {
    const make = (app: App): void => {
      const c = new Chart(app, 'c');
      c.node.addValidation({
        validate: () => {
          throw new Error('chart first');
        },
      });
      const inner = new Construct(c, 'Inner');
      inner.node.addValidation({
        validate: () => {
          throw new Error('inner second');
        },
      });
    };
    const stockApp = new App({ outdir: tmp() });
    make(stockApp);
    const ourApp = new App({ outdir: tmp() });
    make(ourApp);
    expect(() => stockApp.synth()).toThrow('chart first');
    expect(() => synthesize(ourApp)).toThrow('chart first');
  });

  test('errors of construct and chart validations are listed in pre-order, as cdk8s lists them', () => {
    const make = (app: App): void => {
      const c = new Chart(app, 'c');
      c.node.addValidation({ validate: () => ['chart error'] });
      new Construct(c, 'Inner').node.addValidation({ validate: () => ['inner error'] });
      new Chart(app, 'd').node.addValidation({ validate: () => ['second chart error'] });
    };
    const stockApp = new App({ outdir: tmp() });
    make(stockApp);
    const ourApp = new App({ outdir: tmp() });
    make(ourApp);
    const message = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    const expected = message(() => stockApp.synth());
    expect(expected).toBe('Validation failed with the following errors:\n  [c] chart error\n  [c/Inner] inner error\n  [d] second chart error');
    expect(message(() => synthesize(ourApp))).toBe(expected);
  });
});

describe('orderChartApiObjects', () => {
  test('gives the order of cdk8s DependencyGraph on a diamond, chains declared in reverse and a dependency outside the chart', () => {
    const app = Testing.app();
    const other = new Chart(app, 'other');
    const outside = deployment(other, 'Outside');
    const chart = new Chart(app, 'c');
    const [a, b, c, d, e] = ['A', 'B', 'C', 'D', 'E'].map((id) => deployment(chart, id));
    a.addDependency(d);
    b.addDependency(d);
    d.addDependency(e);
    c.addDependency(b);
    c.addDependency(a);
    e.addDependency(outside);
    const group = new Construct(chart, 'Group');
    deployment(group, 'G1');
    deployment(group, 'G2').addDependency(a);
    const expected = new DependencyGraph(chart.node)
      .topology()
      .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
    expect(orderChartApiObjects(chart).map((o) => o.node.path)).toEqual(expected.map((o) => o.node.path));
    expect(orderChartApiObjects(chart).map((o) => o.node.id)).toEqual(['E', 'D', 'B', 'A', 'C', 'G1', 'G2']);
  });

  test('a cycle not reachable from any root throws the error of cdk8s', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const x = deployment(chart, 'X');
    const y = deployment(chart, 'Y');
    x.addDependency(y);
    y.addDependency(x);
    let expected = '';
    try {
      new DependencyGraph(chart.node).topology();
    } catch (err) {
      expected = (err as Error).message;
    }
    expect(expected).toMatch(/^Dependency cycle detected: /);
    expect(() => orderChartApiObjects(chart)).toThrow(expected);
  });
});
