import { PolicyEngine, RulePack, Severity, PodSecurityPack } from '../../lib/policy';
import { ValidationError as ValidationErrorLike } from '../../lib/core';
import { goodSet, objects, OPTIONS, deployment, defaultDeny } from './fixtures';

describe('suppressions', () => {
  test('suppressed findings are listed in the report, not dropped', () => {
    const set = goodSet();
    set[1].spec.template.spec.containers[0].image = 'registry.internal/vllm:v1';
    const report = new PolicyEngine({
      ...OPTIONS,
      suppressions: [{ ruleId: 'sovereignty/image-digest', reason: 'tag pinned by the registry (immutable tags)', match: { kind: 'Deployment', name: 'vllm' } }],
    }).run(objects(set));
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toHaveLength(1);
    expect(report.suppressed[0].finding.ruleId).toBe('sovereignty/image-digest');
    expect(report.counts.suppressed).toBe(1);
    expect(report.passed).toBe(true);
    expect(report.toText().split('\n')[0]).toBe(
      'suppressed error sovereignty/image-digest Deployment ai/vllm spec.template.spec.containers[0].image: container "vllm" image "registry.internal/vllm:v1" ' +
      'is not pinned by digest (@sha256:<64 hex>) Fix: reference the image by digest: <registry>/<repository>@sha256:<digest>. (reason: tag pinned by the registry (immutable tags))');
    expect(report.toJson().suppressed[0].reason).toBe('tag pinned by the registry (immutable tags)');
  });

  test('a suppression only matches its objects', () => {
    const set = goodSet();
    set[1].spec.template.spec.containers[0].image = 'registry.internal/vllm:v1';
    const report = new PolicyEngine({
      ...OPTIONS,
      suppressions: [{ ruleId: 'sovereignty/image-digest', reason: 'other app', match: { name: 'other' } }],
    }).run(objects(set));
    expect(report.findings.map((f) => f.ruleId)).toEqual(['sovereignty/image-digest']);
    expect(report.suppressed).toEqual([]);
  });

  test('a suppression without a reason is an error', () => {
    expect(() => new PolicyEngine({ suppressions: [{ ruleId: 'reliability/pdb', reason: '' }] })).toThrow(
      'policy: invalid suppressions[0].reason: "". Allowed: a non-empty sentence saying why the finding is accepted. Fix: write down why rule "reliability/pdb" does not apply here.');
    expect(() => new PolicyEngine({ suppressions: [{ ruleId: 'reliability/pdb' } as any] })).toThrow(
      'policy: invalid suppressions[0].reason: undefined. Allowed: a non-empty sentence saying why the finding is accepted. Fix: write down why rule "reliability/pdb" does not apply here.');
  });

  test('a suppression with an unknown rule id is an error', () => {
    expect(() => new PolicyEngine({ suppressions: [{ ruleId: 'reliability/pbd', reason: 'x' }] })).toThrow(
      'policy: invalid suppressions[0].ruleId: "reliability/pbd". Allowed: the id of a rule of the packs (e.g. "reliability/pdb"). Fix: did you mean "reliability/pdb"?');
    expect(() => new PolicyEngine({ suppressions: [{ ruleId: 'nope', reason: 'x' }] })).toThrow(
      'policy: invalid suppressions[0].ruleId: "nope". Allowed: the id of a rule of the packs (e.g. "reliability/pdb"). Fix: use a rule id as printed in a finding.');
    expect((() => { try { new PolicyEngine({ suppressions: [{ ruleId: 'nope', reason: 'x' }] }); } catch (e) { return e; } return undefined; })())
      .toBeInstanceOf(ValidationErrorLike);
  });

  test('object annotations suppress findings on that object, and need a reason', () => {
    const set = goodSet();
    set[1].metadata.annotations = { 'sovereign-ai.dev/suppressions': 'reliability/priority-class=runs on a dedicated node pool; reliability/topology-spread=single node lab' };
    delete set[1].spec.template.spec.priorityClassName;
    delete set[1].spec.template.spec.topologySpreadConstraints;
    const report = new PolicyEngine(OPTIONS).run(objects(set));
    expect(report.findings).toEqual([]);
    expect(report.suppressed.map((s) => `${s.finding.ruleId}: ${s.suppression.reason}`)).toEqual([
      'reliability/topology-spread: single node lab',
      'reliability/priority-class: runs on a dedicated node pool',
    ]);
    set[1].metadata.annotations = { 'sovereign-ai.dev/suppressions': 'reliability/priority-class' };
    expect(() => new PolicyEngine(OPTIONS).run(objects(set))).toThrow(
      'Deployment/vllm: invalid annotation sovereign-ai.dev/suppressions[0].reason: "". Allowed: a non-empty sentence saying why the finding is accepted. Fix: write down why rule "reliability/priority-class" does not apply here.');
  });
});

describe('engine', () => {
  test('a rule that throws is reported as engine/rule-error, the other rules still run', () => {
    const broken = new RulePack('broken', [{
      id: 'broken/always-throws', description: 'throws', severity: Severity.ERROR, fix: 'none',
      check: () => { throw new Error('boom'); },
    }]);
    const set = goodSet();
    delete set[1].spec.template.spec.securityContext.seccompProfile;
    const report = new PolicyEngine({ packs: [broken, PodSecurityPack.restricted()] }).run(objects(set));
    expect(report.findings.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([
      'engine/rule-error: rule "broken/always-throws" failed: boom',
      'pss-restricted/seccomp-profile: seccompProfile (pod or container "vllm" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
    expect(report.findings[0].object).toEqual({ apiVersion: '', kind: 'Rule', name: 'broken/always-throws' });
  });

  test('custom pack rule ids can be suppressed', () => {
    const custom = new RulePack('custom', [{
      id: 'custom/no-default-ns', description: 'no default namespace', severity: Severity.WARNING, fix: 'set a namespace',
      check: (ctx) => ctx.objects.filter((o) => !o.manifest.metadata?.namespace).map((o) => ({ object: o, path: 'metadata.namespace', message: 'no namespace' })),
    }]);
    const d = deployment();
    delete d.metadata.namespace;
    const r = new PolicyEngine({ packs: [custom] }).run(objects([d]));
    expect(r.counts).toEqual({ findings: 1, errors: 0, warnings: 1, suppressed: 0, objects: 1, byRule: { 'custom/no-default-ns': 1 } });
    expect(r.passed).toBe(true);
    const s = new PolicyEngine({ packs: [custom], suppressions: [{ ruleId: 'custom/no-default-ns', reason: 'lab' }] }).run(objects([d]));
    expect(s.counts.suppressed).toBe(1);
  });

  test('running baseline and restricted together reports each baseline rule once', () => {
    const set = goodSet();
    set[1].spec.template.spec.hostPID = true;
    const r = new PolicyEngine({ packs: [PodSecurityPack.baseline(), PodSecurityPack.restricted()] }).run(objects(set));
    expect(r.findings.map((f) => f.ruleId)).toEqual(['pss-baseline/host-namespaces']);
  });

  test('bad options are errors', () => {
    expect(() => new PolicyEngine({ internalCidrs: ['10.0.0.0/33'] })).toThrow(
      'policy: invalid internalCidrs[0]: "10.0.0.0/33". Allowed: an IPv4 or IPv6 CIDR such as "10.0.0.0/8". Fix: write the network address with its prefix length.');
    expect(() => new PolicyEngine({ approvedRegistries: ['https://registry.internal'] })).toThrow(
      'policy: invalid approvedRegistries[0]: "https://registry.internal". Allowed: a registry host, optionally with a path prefix (e.g. "registry.example.internal:5000/ai"). Fix: drop the scheme and whitespace.');
  });

  test('default-deny is per namespace', () => {
    const d2 = deployment();
    d2.metadata.namespace = 'team-b';
    const r = new PolicyEngine(OPTIONS).run(objects([defaultDeny('ai'), d2]));
    expect(r.findings.filter((f) => f.ruleId === 'sovereignty/default-deny').map((f) => f.message)).toEqual([
      'namespace "team-b" runs pods but has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules)',
    ]);
  });
});
