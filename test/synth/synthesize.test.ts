import { mkdtempSync, readdirSync, readFileSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { ApiObject, App, AppProps, Chart, JsonPatch, Lazy, Testing, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { buildPlainPlatform, PlatformLayout } from '../../bench/plain-platform';
import { KubeConfigMap, KubeDeployment, KubeNamespace, KubeService, KubeServiceAccount } from '../../lib/imports/k8s';
import {
  prepareApp,
  recordsConstructMetadata,
  resolveAppDependencies,
  synthesize,
  synthesizeCharts,
  synthesizeYaml,
  toManifests,
} from '../../lib/synth';
import { errorMessageOf } from '../support/errors';

/** Every file below `dir` (relative path -> content). */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'synth-test-'));

type Builder = (app: App) => void;

/** Builds the app twice (fresh trees), writes it with `app.synth()` and with `synthesize()`, returns both trees. */
function bothWays(build: Builder, props: AppProps = {}): { stock: Record<string, string>; ours: Record<string, string> } {
  const stockApp = new App({ ...props, outdir: tmp() });
  build(stockApp);
  stockApp.synth();
  const ourApp = new App({ ...props, outdir: tmp() });
  build(ourApp);
  synthesize(ourApp);
  return { stock: readTree(stockApp.outdir), ours: readTree(ourApp.outdir) };
}

function deployment(scope: Construct, id: string, name?: string): KubeDeployment {
  return new KubeDeployment(scope, id, {
    metadata: name ? { name } : undefined,
    spec: {
      selector: { matchLabels: { app: id } },
      template: { metadata: { labels: { app: id } }, spec: { containers: [{ name: 'main', image: 'img@sha256:0' }] } },
    },
  });
}

/** A construct with no object of its own, holding two objects. */
class Pair extends Construct {
  public readonly a: ApiObject;
  public readonly b: ApiObject;
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.b = new KubeConfigMap(this, 'B', { data: { key: Lazy.any({ produce: () => `value-of-${id}` }) } });
    this.a = new KubeServiceAccount(this, 'A', { automountServiceAccountToken: false });
  }
}

/** One chart, no dependencies. */
const single: Builder = (app) => {
  const chart = new Chart(app, 'single', { namespace: 'ns1', labels: { team: 'a' } });
  deployment(chart, 'Web');
  new KubeService(chart, 'Svc', { spec: { ports: [{ port: 80 }] } });
};

/**
 * Several charts with every kind of dependency: a chart depending on another chart, a construct depending on a
 * construct of another chart, objects depending on objects (declared in reverse), nested charts, numeric ids
 * (object-key order), lazy values and JSON patches.
 */
const layered: Builder = (app) => {
  const base = new Chart(app, 'base');
  const ns = new KubeNamespace(base, 'Ns', { metadata: { name: 'team' } });
  const apps = new Chart(app, 'apps', { namespace: 'team' });
  const pair = new Pair(apps, 'Pair');
  const web = deployment(apps, 'Web');
  web.addJsonPatch(JsonPatch.add('/spec/replicas', 3));
  web.addDependency(pair);
  pair.a.addDependency(pair.b);
  apps.addDependency(ns);
  const numbered = new Chart(app, '7');
  deployment(numbered, '2');
  deployment(numbered, '10');
  deployment(numbered, 'x');
  const later = new Chart(app, '3');
  new Pair(later, '1');
  const parent = new Chart(app, 'parent');
  deployment(parent, 'Outer');
  const child = new Chart(parent, 'child');
  deployment(child, 'Inner');
  new Pair(child, 'Pair').a.addDependency(web);
};

/** Charts without any dependency between them: file names are not indexed. */
const independent: Builder = (app) => {
  for (const id of ['zeta', 'alpha', '42', 'mid']) {
    const c = new Chart(app, id);
    deployment(c, 'Deploy');
    new Pair(c, 'Pair');
  }
};

/** The benchmark's platform of plain objects: one chart per model plus a shared chart they depend on. */
const platform: Builder = (app) => buildPlainPlatform(app, 60);

const APPS: ReadonlyArray<[string, Builder]> = [
  ['single chart', single],
  ['layered charts with dependencies', layered],
  ['independent charts', independent],
  ['plain platform (60 models)', platform],
  ['plain platform in one chart', (app) => buildPlainPlatform(app, 60, PlatformLayout.SINGLE_CHART)],
  ['plain platform in nested charts', (app) => buildPlainPlatform(app, 60, PlatformLayout.NESTED_CHARTS)],
];

/** Every construct's dependencies (paths, in order). */
function dependencyMap(app: App): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of app.node.findAll()) out[c.node.path] = c.node.dependencies.map((d) => d.node.path);
  return out;
}

describe('resolveAppDependencies()', () => {
  test.each(APPS)('adds the dependencies cdk8s adds, in the same order (%s)', (_name, build) => {
    const stockApp = Testing.app();
    build(stockApp);
    stockApp.synthYaml();
    const ourApp = Testing.app();
    build(ourApp);
    resolveAppDependencies(ourApp);
    expect(dependencyMap(ourApp)).toEqual(dependencyMap(stockApp));
    // idempotent: a second pass (as every chart.toJson() runs) adds nothing
    resolveAppDependencies(ourApp);
    expect(dependencyMap(ourApp)).toEqual(dependencyMap(stockApp));
  });

  test('reports whether charts depend on each other', () => {
    const a = Testing.app();
    layered(a);
    expect(resolveAppDependencies(a)).toBe(true);
    const b = Testing.app();
    independent(b);
    expect(resolveAppDependencies(b)).toBe(false);
  });
});

describe('synthesize() writes the same bytes as app.synth()', () => {
  test.each(APPS)('%s', (_name, build) => {
    const { stock, ours } = bothWays(build);
    expect(Object.keys(ours)).toEqual(Object.keys(stock));
    expect(ours).toEqual(stock);
  });

  test('the layered app exercises indexed file names, nested charts and ordering', () => {
    const { ours } = bothWays(layered);
    // charts in dependency order; integer-like ids first (construct children are kept in object-key order)
    expect(Object.keys(ours)).toEqual([
      '0000-3.k8s.yaml',
      '0001-7.k8s.yaml',
      '0002-base.k8s.yaml',
      '0003-apps.k8s.yaml',
      '0004-parent-child-c83edac1.k8s.yaml',
      '0005-parent.k8s.yaml',
    ]);
    // dependencies first: the ConfigMap before the ServiceAccount before the Deployment
    const kinds = [...ours['0003-apps.k8s.yaml'].matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds).toEqual(['ConfigMap', 'ServiceAccount', 'Deployment']);
    expect(ours['0003-apps.k8s.yaml']).toContain('replicas: 3');
    expect(ours['0003-apps.k8s.yaml']).toContain('key: value-of-Pair');
  });

  test('independent charts keep plain file names', () => {
    const { ours } = bothWays(independent);
    expect(Object.keys(ours).sort()).toEqual(['42.k8s.yaml', 'alpha.k8s.yaml', 'mid.k8s.yaml', 'zeta.k8s.yaml']);
  });

  test.each([
    ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
    ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])('output type %s', (_name, yamlOutputType) => {
    for (const build of [layered, independent]) {
      const { stock, ours } = bothWays(build, { yamlOutputType });
      expect(Object.keys(ours).length).toBeGreaterThan(yamlOutputType === YamlOutputType.FILE_PER_APP ? 0 : 4);
      expect(ours).toEqual(stock);
    }
  });

  test('custom file extension', () => {
    const { stock, ours } = bothWays(independent, { outputFileExtension: '.yml' });
    expect(Object.keys(ours)).toContain('alpha.yml');
    expect(ours).toEqual(stock);
  });

  test('construct-metadata.json for validation plugins', () => {
    const { stock, ours } = bothWays(layered, { recordConstructMetadata: true });
    expect(ours['construct-metadata.json']).toBeDefined();
    expect(ours).toEqual(stock);
    const meta = JSON.parse(ours['construct-metadata.json']);
    expect(meta.version).toBe('1.0.0');
    expect(meta.resources.team).toEqual({ path: 'base/Ns' });
  });

  test('construct metadata follows CDK8S_RECORD_CONSTRUCT_METADATA, as `cdk8s synth` sets it', () => {
    const previous = process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
    try {
      const { stock, ours } = bothWays(platform);
      expect(ours['construct-metadata.json']).toBeDefined();
      expect(ours).toEqual(stock);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
      else process.env.CDK8S_RECORD_CONSTRUCT_METADATA = previous;
    }
    expect(recordsConstructMetadata(new App({ outdir: tmp() }))).toBe(false);
    expect(recordsConstructMetadata(new App({ outdir: tmp(), recordConstructMetadata: true }))).toBe(true);
  });

  test('synthesizing an app that was already synthesized gives the same output (idempotent preparation)', () => {
    const app = new App({ outdir: tmp() });
    layered(app);
    app.synth();
    const stock = readTree(app.outdir);
    const again = synthesize(app, { outdir: tmp() });
    expect(readTree(again.outdir)).toEqual(stock);
    const third = synthesize(app, { outdir: tmp() });
    expect(readTree(third.outdir)).toEqual(stock);
  });

  test('the result lists files, object count, bytes and timings', () => {
    const app = new App({ outdir: tmp() });
    independent(app);
    const result = synthesize(app);
    expect(result.outdir).toBe(app.outdir);
    expect(result.files.map((f) => relative(app.outdir, f))).toEqual([
      '42.k8s.yaml',
      'zeta.k8s.yaml',
      'alpha.k8s.yaml',
      'mid.k8s.yaml',
    ]);
    expect(result.objectCount).toBe(12);
    const tree = readTree(app.outdir);
    expect(result.bytes).toBe(Object.values(tree).reduce((n, s) => n + Buffer.byteLength(s), 0));
    for (const v of Object.values(result.timings)) expect(v).toBeGreaterThanOrEqual(0);
  });

  test('options override the app settings', () => {
    const app = new App({ outdir: tmp() });
    single(app);
    const outdir = tmp();
    const result = synthesize(app, { outdir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_APP });
    expect(Object.keys(readTree(outdir))).toEqual(['app.yaml']);
    expect(readdirSync(app.outdir)).toEqual([]);
    expect(result.files).toEqual([join(outdir, 'app.yaml')]);
  });
});

describe('objects for other backends', () => {
  test.each(APPS)('synthesizeCharts(): each chart gives what chart.toJson() gives (%s)', (_name, build) => {
    const stockApp = Testing.app();
    build(stockApp);
    stockApp.synthYaml(); // resolves dependencies, which decides the order of charts
    const expected = stockApp.charts.map((c) => ({ path: c.node.path, objects: c.toJson() }));
    const ourApp = Testing.app();
    build(ourApp);
    const actual = synthesizeCharts(ourApp).map((c) => ({ path: c.chart.node.path, objects: c.objects }));
    expect(actual).toEqual(expected);
  });

  test.each(APPS)('toManifests() and synthesizeYaml() match app.synthYaml() (%s)', (_name, build) => {
    const stockApp = Testing.app();
    build(stockApp);
    const expected = stockApp.synthYaml();
    const ourApp = Testing.app();
    build(ourApp);
    expect(synthesizeYaml(ourApp)).toBe(expected);
    const again = Testing.app();
    build(again);
    expect(toManifests(again).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      stockApp.charts.flatMap((c) => c.toJson().map((o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`)),
    );
  });

  test('synthesizeCharts(charts): the given charts, in the given order, as chart.toJson() renders them', () => {
    const stockApp = Testing.app();
    layered(stockApp);
    const stockCharts = stockApp.node.children.filter((c): c is Chart => c instanceof Chart).reverse();
    const expected = stockCharts.map((c) => c.toJson());
    const ourApp = Testing.app();
    layered(ourApp);
    const ourCharts = ourApp.node.children.filter((c): c is Chart => c instanceof Chart).reverse();
    const actual = synthesizeCharts(ourCharts);
    expect(actual.map((c) => c.chart)).toEqual(ourCharts);
    expect(actual.map((c) => c.objects)).toEqual(expected);
    for (const c of actual) expect(c.apiObjects.map((o) => o.name)).toEqual(c.objects.map((o) => o.metadata.name));
  });

  test('prepareApp() lists charts with their ordered ApiObjects and file names', () => {
    const app = Testing.app();
    layered(app);
    const prepared = prepareApp(app);
    expect(prepared.hasDependantCharts).toBe(true);
    expect(prepared.charts.map((c) => c.fileName)).toEqual([
      '0000-3',
      '0001-7',
      '0002-base',
      '0003-apps',
      '0004-parent-child-c83edac1',
      '0005-parent',
    ]);
    expect(prepared.charts[3].apiObjects.map((o) => o.node.path)).toEqual(['apps/Pair/B', 'apps/Pair/A', 'apps/Web']);
    expect(prepared.timings.validateMs).toBeGreaterThanOrEqual(0);
  });
});

describe('validation', () => {
  /** An app whose validations fail in two places (a chart and a nested construct), plus one that passes. */
  const failing: Builder = (app) => {
    const a = new Chart(app, 'a');
    deployment(a, 'Web');
    a.node.addValidation({ validate: () => ['chart a is not allowed'] });
    const b = new Chart(app, 'b');
    const pair = new Pair(b, 'Pair');
    pair.node.addValidation({ validate: () => ['first problem', 'second problem'] });
    pair.node.addValidation({ validate: () => [] });
  };

  const errorOf = errorMessageOf;

  test('a failing validation fails synthesize() with the same message as app.synth(), and writes nothing', () => {
    const stockApp = new App({ outdir: tmp() });
    failing(stockApp);
    const expected = errorOf(() => stockApp.synth());
    expect(expected).toBe(
      'Validation failed with the following errors:\n  [a] chart a is not allowed\n  [b/Pair] first problem\n  [b/Pair] second problem',
    );
    const ourApp = new App({ outdir: tmp() });
    failing(ourApp);
    expect(errorOf(() => synthesize(ourApp))).toBe(expected);
    expect(readdirSync(ourApp.outdir)).toEqual([]);
  });

  test('the same error from synthesizeCharts(), toManifests() and synthesizeYaml() as from chart.toJson()', () => {
    const stockApp = Testing.app();
    failing(stockApp);
    const expected = errorOf(() => stockApp.charts[0].toJson());
    for (const fn of [synthesizeCharts, toManifests, synthesizeYaml]) {
      const app = Testing.app();
      failing(app);
      expect(errorOf(() => fn(app))).toBe(expected);
    }
  });

  test('an exception thrown by a validation propagates unchanged', () => {
    const build: Builder = (app) => {
      const c = new Chart(app, 'c');
      c.node.addValidation({
        validate: () => {
          throw new Error('c: invalid replicas: 0. Allowed: at least 1.');
        },
      });
    };
    const stockApp = new App({ outdir: tmp() });
    build(stockApp);
    const ourApp = new App({ outdir: tmp() });
    build(ourApp);
    expect(errorOf(() => synthesize(ourApp))).toBe(errorOf(() => stockApp.synth()));
    expect(errorOf(() => synthesize(ourApp))).toBe('c: invalid replicas: 0. Allowed: at least 1.');
  });

  test('validations run once per synthesis (cdk8s runs them once more per chart)', () => {
    let runs = 0;
    const app = new App({ outdir: tmp() });
    for (const id of ['a', 'b', 'c']) {
      const chart = new Chart(app, id);
      deployment(chart, 'Web');
      chart.node.addValidation({ validate: () => (runs++, []) });
    }
    synthesize(app);
    expect(runs).toBe(3);
  });

  test('a dependency cycle fails with the message of cdk8s', () => {
    const build: Builder = (app) => {
      const c = new Chart(app, 'c');
      const x = deployment(c, 'X');
      const y = deployment(c, 'Y');
      x.addDependency(y);
      y.addDependency(x);
    };
    const stockApp = new App({ outdir: tmp() });
    build(stockApp);
    const expected = errorOf(() => stockApp.synth());
    expect(expected).toMatch(/^Dependency cycle detected: /);
    const ourApp = new App({ outdir: tmp() });
    build(ourApp);
    expect(errorOf(() => synthesize(ourApp))).toBe(expected);
  });

  test('an object that fails to render fails with the message of cdk8s', () => {
    const build: Builder = (app) => {
      const c = new Chart(app, 'c');
      new KubeConfigMap(c, 'Cm', {
        data: {
          k: Lazy.any({
            produce: () => {
              throw new Error('no value');
            },
          }),
        },
      });
    };
    const stockApp = new App({ outdir: tmp() });
    build(stockApp);
    const ourApp = new App({ outdir: tmp() });
    build(ourApp);
    const expected = errorOf(() => stockApp.synth());
    expect(expected).toMatch(/^Failed serializing construct at path 'c\/Cm'/);
    expect(errorOf(() => synthesize(ourApp))).toBe(expected);
  });
});
