import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Guardrails, PolicyObject, ReliabilityPack, Rule, RuleContext, RulePack, Severity, SovereigntyPack } from '../../lib/policy';
import { synthesizeYaml, toManifests } from '../../lib/synth';
import { defaultDeny, deployment, OPTIONS, pdb } from './fixtures';

/** A construct that emits plain objects and asks for guardrails, as library constructs do. */
class Emits extends Construct {
  constructor(scope: Construct, id: string, manifests: Record<string, any>[]) {
    super(scope, id);
    Guardrails.ensure(this);
    manifests.forEach((m, i) => new ApiObject(this, `o${i}`, m as any));
  }
}

/** A pack with one rule that counts its runs and flags every ConfigMap named `bad`. */
function countingPack(): { pack: RulePack; runs: () => number; seen: () => number } {
  let runs = 0;
  let seen = 0;
  const rule: Rule = {
    id: 'count/bad-config-map',
    description: 'no ConfigMap is named bad',
    severity: Severity.ERROR,
    fix: 'rename it.',
    check(ctx: RuleContext) {
      runs++;
      seen = ctx.objects.length;
      return ctx.objects
        .filter((o: PolicyObject) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata?.name === 'bad')
        .map((o) => ({ object: o, path: 'metadata.name', message: 'ConfigMap is named bad' }));
    },
  };
  return { pack: new RulePack('count', [rule]), runs: () => runs, seen: () => seen };
}

const configMap = (name: string, namespace = 'ai'): Record<string, any> => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });

const BAD = (chart: string, construct: string): string =>
  `[${chart}] error count/bad-config-map ConfigMap ai/bad metadata.name: ConfigMap is named bad Fix: rename it. [construct: ${construct}]`;

/** An app with `charts` guarded charts of one ConfigMap each, all checked by the counting pack. */
function appWithCharts(charts: number): { app: App; charts: Chart[]; counter: ReturnType<typeof countingPack> } {
  const app = Testing.app();
  const counter = countingPack();
  Guardrails.configure(app, { packs: [counter.pack] });
  const list = Array.from({ length: charts }, (_, i) => {
    const chart = new Chart(app, `c${i}`);
    new Emits(chart, 'cm', [configMap(`cm-${i}`)]);
    return chart;
  });
  return { app, charts: list, counter };
}

describe('Guardrails: packs run once per app and synth', () => {
  test('one run per synth over the whole app, whatever the number of guarded charts', () => {
    const { app, counter } = appWithCharts(5);
    expect(toManifests(app)).toHaveLength(5);
    expect(counter.runs()).toBe(1);
    expect(counter.seen()).toBe(5);
    synthesizeYaml(app);
    expect(counter.runs()).toBe(2);
  });

  test('stock synth runs the packs once per validation of the app (not once per chart and validation)', () => {
    const { app, counter } = appWithCharts(4);
    app.synthYaml(); // cdk8s validates the app once, then once more per chart
    expect(counter.runs()).toBe(1 + 4);
  });

  test('Testing.synth of one chart runs the packs once', () => {
    const { charts, counter } = appWithCharts(3);
    expect(Testing.synth(charts[1])).toEqual([configMap('cm-1')]);
    expect(counter.runs()).toBe(1);
  });

  test('a finding in chart B is reported by chart B only', () => {
    const { app, charts } = appWithCharts(3);
    new Emits(charts[1], 'more', [configMap('bad')]);
    expect(() => toManifests(app)).toThrow(`Validation failed with the following errors:\n  ${BAD('c1', 'c1/more/o0')}`);
    expect(charts.map((c) => Guardrails.check(c)!.findings.length)).toEqual([0, 1, 0]);
    expect(charts.map((c) => Guardrails.check(c)!.counts.objects)).toEqual([1, 2, 1]);
  });

  test('findings of every chart are reported, each by its own chart, in chart order', () => {
    const { app, charts } = appWithCharts(3);
    new Emits(charts[2], 'more', [configMap('bad')]);
    new Emits(charts[0], 'more', [configMap('bad')]);
    expect(() => synthesizeYaml(app)).toThrow(
      `Validation failed with the following errors:\n  ${BAD('c0', 'c0/more/o0')}\n  ${BAD('c2', 'c2/more/o0')}`);
  });

  test('a construct added between two synths is seen by the second', () => {
    const { app, charts, counter } = appWithCharts(3);
    expect(() => toManifests(app)).not.toThrow();
    new Emits(charts[0], 'late', [configMap('bad')]);
    expect(() => toManifests(app)).toThrow(BAD('c0', 'c0/late/o0'));
    expect(counter.seen()).toBe(4);
  });

  test('an object changed between two synths is seen by the second', () => {
    const { app, charts } = appWithCharts(2);
    const cm = new ApiObject(charts[1], 'plain', configMap('good') as any);
    expect(() => synthesizeYaml(app)).not.toThrow();
    cm.metadata.addLabel('x', 'y');
    cm.addJsonPatch(JsonPatch.replace('/metadata/name', 'bad'));
    expect(() => synthesizeYaml(app)).toThrow(BAD('c1', 'c1/plain'));
    expect(() => app.synthYaml()).toThrow(BAD('c1', 'c1/plain'));
  });

  test('a chart validated twice by hand sees what was added in between', () => {
    const { charts, counter } = appWithCharts(2);
    expect(charts[0].node.validate()).toEqual([]);
    new Emits(charts[0], 'late', [configMap('bad')]);
    expect(charts[0].node.validate()).toEqual([BAD('c0', 'c0/late/o0').replace('[c0] ', '')]);
    expect(counter.runs()).toBe(2);
  });

  test('Guardrails.check always runs the packs afresh', () => {
    const { charts, counter } = appWithCharts(2);
    expect(Guardrails.check(charts[0])!.findings).toEqual([]);
    new Emits(charts[1], 'late', [configMap('bad')]);
    expect(Guardrails.check(charts[1])!.findings.map((f) => f.constructPath)).toEqual(['c1/late/o0']);
    expect(counter.runs()).toBe(2);
  });

  test('charts with different options get their own run; charts with the same options share one', () => {
    const app = Testing.app();
    const counter = countingPack();
    Guardrails.configure(app, { packs: [counter.pack] });
    const strict = new Chart(app, 'strict');
    const lax = new Chart(app, 'lax');
    const lax2 = new Chart(app, 'lax2');
    const suppression = { ruleId: 'count/bad-config-map', reason: 'legacy name', match: { kind: 'ConfigMap' } };
    // the packs must be known where a suppression names their rules
    Guardrails.configure(lax, { packs: [counter.pack], suppressions: [suppression] });
    Guardrails.configure(lax2, { packs: [counter.pack], suppressions: [suppression] });
    new Emits(strict, 'a', [configMap('bad')]);
    new Emits(lax, 'b', [configMap('bad', 'lax')]);
    new Emits(lax2, 'c', [configMap('fine', 'lax')]);
    expect(() => toManifests(app)).toThrow(`Validation failed with the following errors:\n  ${BAD('strict', 'strict/a/o0')}`);
    // strict, then one run shared by lax and lax2 (same suppression object)
    expect(counter.runs()).toBe(2);
    const report = Guardrails.check(lax)!;
    expect(report.findings).toEqual([]);
    expect(report.suppressed.map((s) => `${s.finding.constructPath}: ${s.suppression.reason}`)).toEqual(['lax/b/o0: legacy name']);
    expect(report.suppressed[0].suppression).toBe(suppression);
    // the suppression of lax also accepts strict's finding in lax's run, but it is not lax's to report
    expect(Guardrails.check(lax2)!.suppressed).toEqual([]);
  });

  test('a disabled chart is skipped and other charts still report', () => {
    const app = Testing.app();
    Guardrails.configure(app, OPTIONS);
    const off = new Chart(app, 'off');
    Guardrails.configure(off, { enabled: false });
    const on = new Chart(app, 'on');
    const d = deployment();
    d.spec.template.spec.hostNetwork = true;
    new Emits(off, 'x', [defaultDeny(), d, pdb()]);
    const d2 = deployment();
    d2.metadata.name = 'other';
    d2.spec.template.spec.hostNetwork = true;
    new Emits(on, 'y', [d2]);
    expect(() => toManifests(app)).toThrow(/^Validation failed with the following errors:\n {2}\[on\] error pss-baseline\/host-namespaces Deployment ai\/other/);
    expect(() => toManifests(app)).not.toThrow(/\[off\]/);
  });

  test('objects of every chart are context: a PDB in another chart covers the Deployment', () => {
    const app = new App({ outdir: '/tmp/policy-guardrails-pass-test' });
    Guardrails.configure(app, { ...OPTIONS, packs: [SovereigntyPack.create(), ReliabilityPack.create()] });
    const ns = new Chart(app, 'namespaces');
    new Emits(ns, 'deny', [defaultDeny(), pdb()]);
    const serving = new Chart(app, 'serving');
    new Emits(serving, 'vllm', [deployment()]);
    expect(() => toManifests(app)).not.toThrow();
    expect(Guardrails.check(serving)!.counts).toEqual({ findings: 0, errors: 0, warnings: 0, suppressed: 0, objects: 1, byRule: {} });
  });

  test('the whole-app render is dropped once every guarded chart has its share', () => {
    const { app, charts } = appWithCharts(2);
    expect(() => toManifests(app)).not.toThrow();
    // chart 0 validated alone afterwards (no pass start): it must not reuse the previous pass
    new Emits(charts[1], 'late', [configMap('bad')]);
    expect(charts[0].node.validate()).toEqual([]);
    expect(charts[1].node.validate()).toEqual([BAD('c1', 'c1/late/o0').replace('[c1] ', '')]);
  });
});
