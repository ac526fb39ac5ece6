import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Guardrails, PodSecurityPack } from '../../lib/policy';
import { defaultDeny, deployment, OPTIONS, pdb } from './fixtures';

/** A construct that emits plain objects and asks for guardrails, as library constructs do. */
class Emits extends Construct {
  constructor(scope: Construct, id: string, manifests: Record<string, any>[]) {
    super(scope, id);
    Guardrails.ensure(this);
    Guardrails.ensure(this); // idempotent
    manifests.forEach((m, i) => new ApiObject(this, `o${i}`, m as any));
  }
}

describe('Guardrails', () => {
  test('synth fails listing every finding with construct path, rule id, message and fix', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    Guardrails.configure(app, OPTIONS);
    const d = deployment();
    d.spec.template.spec.containers[0].image = 'registry.internal/vllm:v1';
    delete d.spec.template.spec.priorityClassName;
    new Emits(chart, 'serving', [defaultDeny(), d, pdb()]);
    expect(() => app.synthYaml()).toThrow(
      'Validation failed with the following errors:\n' +
      '  [platform] error sovereignty/image-digest Deployment ai/vllm spec.template.spec.containers[0].image: container "vllm" image "registry.internal/vllm:v1" is not pinned by digest (@sha256:<64 hex>) ' +
      'Fix: reference the image by digest: <registry>/<repository>@sha256:<digest>. [construct: platform/serving/o1]\n' +
      '  [platform] error reliability/priority-class Deployment ai/vllm spec.template.spec.priorityClassName: model server pods have no priorityClassName ' +
      'Fix: set priorityClassName to the platform\'s inference PriorityClass. [construct: platform/serving/o1]');
  });

  test('a clean chart synthesizes', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    Guardrails.configure(chart, OPTIONS);
    new Emits(chart, 'serving', [defaultDeny(), deployment(), pdb()]);
    expect(Testing.synth(chart)).toHaveLength(3);
    expect(Guardrails.check(chart)!.counts).toEqual({ findings: 0, errors: 0, warnings: 0, suppressed: 0, objects: 3, byRule: {} });
  });

  test('objects in other charts of the app count as context (default-deny in a namespace chart)', () => {
    const app = new App({ outdir: '/tmp/policy-guardrails-test' });
    const ns = new Chart(app, 'namespaces');
    new ApiObject(ns, 'deny', defaultDeny() as any);
    const serving = new Chart(app, 'serving');
    Guardrails.configure(app, OPTIONS);
    new Emits(serving, 'vllm', [deployment(), pdb()]);
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('suppressions configured at the app are listed in the chart report', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    Guardrails.configure(app, { ...OPTIONS, suppressions: [{ ruleId: 'reliability/pdb', reason: 'lab cluster with one node' }] });
    new Emits(chart, 'serving', [defaultDeny(), deployment()]);
    expect(() => app.synthYaml()).not.toThrow();
    const report = Guardrails.check(chart)!;
    expect(report.suppressed.map((s) => `${s.finding.ruleId} ${s.finding.constructPath}: ${s.suppression.reason}`)).toEqual([
      'reliability/pdb platform/serving/o1: lab cluster with one node',
    ]);
  });

  test('packs and enabled are configurable per chart', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'unit');
    Guardrails.configure(chart, { packs: [PodSecurityPack.restricted()] });
    new Emits(chart, 'serving', [deployment()]);
    expect(() => app.synthYaml()).not.toThrow();
    const other = new Chart(app, 'off');
    Guardrails.configure(other, { enabled: false });
    const d = deployment();
    d.spec.template.spec.hostNetwork = true;
    new Emits(other, 'serving', [d]);
    expect(() => app.synthYaml()).not.toThrow();
    expect(Guardrails.check(other)).toBeUndefined();
  });

  test('configure validates suppressions eagerly with the scope path', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    expect(() => Guardrails.configure(chart, { suppressions: [{ ruleId: 'sovereignty/default-deny', reason: ' ' }] })).toThrow(
      'platform: invalid suppressions[0].reason: " ". Allowed: a non-empty sentence saying why the finding is accepted. Fix: write down why rule "sovereignty/default-deny" does not apply here.');
    expect(() => Guardrails.configure(chart, { suppressions: [{ ruleId: 'sovereignty/default-denied', reason: 'x' }] })).toThrow(
      'platform: invalid suppressions[0].ruleId: "sovereignty/default-denied". Allowed: the id of a rule of the packs (e.g. "reliability/pdb"). Fix: did you mean "sovereignty/default-deny"?');
  });

  test('options can come from construct context', () => {
    const app = Testing.app();
    app.node.setContext('sovereign-ai.dev/policy', { approvedRegistries: ['quay.io'] });
    const chart = new Chart(app, 'c');
    new Emits(chart, 'serving', [defaultDeny(), deployment(), pdb()]);
    expect(Guardrails.check(chart)!.findings.map((f) => f.ruleId)).toEqual(['sovereignty/approved-registry']);
  });
});
