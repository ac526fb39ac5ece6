import { mkdtempSync, writeFileSync, mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { run } from '../../lib/cli/check';
import { PolicyValidation, PolicyValidationContext } from '../../lib/policy/plugin';
import { goodSet } from './fixtures';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'policy-'));
}
function writeYaml(file: string, docs: unknown[]): void {
  writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
}
function badSet(): Record<string, any>[] {
  const s = goodSet();
  s[1].spec.template.spec.containers[0].image = 'registry.internal/vllm:v1';
  return s;
}

function fakeContext(files: string[]) {
  const violations: any[] = [];
  const logs: string[] = [];
  let status: string | undefined;
  let meta: Record<string, string> | undefined;
  const ctx: PolicyValidationContext = {
    manifests: files,
    report: { addViolation: (v) => violations.push(v), submit: (s, m) => { status = s; meta = m as any; } },
    logger: { log: (m) => logs.push(m) },
    parseManifest: (p) => parseAllDocuments(require('fs').readFileSync(p, 'utf8')).map((d) => d.toJS()),
  };
  return { ctx, violations, logs, status: () => status, meta: () => meta };
}

describe('PolicyValidation plugin', () => {
  test('reports violations grouped by rule and fails', async () => {
    const dir = tmp();
    const f = join(dir, 'app.k8s.yaml');
    writeYaml(f, badSet());
    const fake = fakeContext([f]);
    await new PolicyValidation({ approvedRegistries: ['registry.internal'] }).validate(fake.ctx);
    expect(fake.status()).toBe('failure');
    expect(fake.violations).toEqual([{
      ruleName: 'sovereignty/image-digest',
      recommendation: 'container "vllm" image "registry.internal/vllm:v1" is not pinned by digest (@sha256:<64 hex>)',
      fix: 'reference the image by digest: <registry>/<repository>@sha256:<digest>.',
      violatingResources: [{ resourceName: 'vllm', locations: ['spec.template.spec.containers[0].image'], manifestPath: f }],
    }]);
    expect(fake.meta()).toEqual({ findings: '1', suppressed: '0', objects: '3' });
  });

  test('passes a clean manifest set and logs suppressions', async () => {
    const dir = tmp();
    const f = join(dir, 'app.k8s.yaml');
    writeYaml(f, badSet());
    const fake = fakeContext([f]);
    await new PolicyValidation({ suppressions: [{ ruleId: 'sovereignty/image-digest', reason: 'immutable tags' }] }).validate(fake.ctx);
    expect(fake.status()).toBe('success');
    expect(fake.violations).toEqual([]);
    expect(fake.logs).toEqual(['suppressed sovereignty/image-digest on Deployment vllm: immutable tags']);
  });

  test('unknown pack names and bad suppressions are errors', () => {
    expect(() => new PolicyValidation({ packs: ['pss'] })).toThrow('PolicyValidation: unknown pack "pss". Allowed: pss-baseline, pss-restricted, sovereignty, reliability.');
    expect(() => new PolicyValidation({ suppressions: [{ ruleId: 'reliability/pdb', reason: '' }] })).toThrow(
      'PolicyValidation: invalid suppressions[0].reason: "".');
  });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

describe('sovereign-ai check', () => {
  test('exit 0 and a summary line on a clean directory', async () => {
    const dir = tmp();
    writeYaml(join(dir, 'a.yaml'), goodSet());
    const t = io();
    expect(await run([dir, '--approved-registry', 'registry.internal'], t.io)).toBe(0);
    expect(t.out).toEqual(['0 findings (0 errors, 0 warnings), 0 suppressed, 3 objects checked by pss-restricted, sovereignty, reliability']);
  });

  test('exit 1 with one line per finding; --json gives the report', async () => {
    const dir = tmp();
    const f = join(dir, 'a.yaml');
    writeYaml(f, badSet());
    const t = io();
    expect(await run([f], t.io)).toBe(1);
    expect(t.out[0].split('\n')).toEqual([
      'error sovereignty/image-digest Deployment ai/vllm spec.template.spec.containers[0].image: container "vllm" image "registry.internal/vllm:v1" is not pinned by digest (@sha256:<64 hex>) ' +
      `Fix: reference the image by digest: <registry>/<repository>@sha256:<digest>. [file: ${f}]`,
      '1 finding (1 errors, 0 warnings), 0 suppressed, 3 objects checked by pss-restricted, sovereignty, reliability',
    ]);
    const j = io();
    expect(await run([f, '--json', '--pack', 'sovereignty'], j.io)).toBe(1);
    const report = JSON.parse(j.out[0]);
    expect(report.packs).toEqual(['sovereignty']);
    expect(report.counts.byRule).toEqual({ 'sovereignty/image-digest': 1 });
    expect(report.findings[0].source).toBe(f);
  });

  test('--pack selects packs, --internal-cidr feeds the ipBlock rule', async () => {
    const dir = tmp();
    const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'ai' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '192.168.1.0/24' } }] }] } };
    writeYaml(join(dir, 'np.yml'), [np]);
    expect(await run([dir, '--pack', 'sovereignty'], io().io)).toBe(1);
    expect(await run([dir, '--pack', 'sovereignty', '--internal-cidr', '192.168.0.0/16'], io().io)).toBe(0);
    expect(await run([dir, '--pack', 'reliability'], io().io)).toBe(0);
  });

  test('malformed manifests: one clear line each, exit 2', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: [unclosed\n');
    writeFileSync(join(dir, 'sub', 'nokind.yaml'), 'apiVersion: v1\nmetadata:\n  name: x\n---\nkind: Pod\n---\n- 1\n');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const t = io();
    expect(await run([dir], t.io)).toBe(2);
    expect(t.err.map((l) => l.replace(dir, '<dir>'))).toEqual([
      expect.stringMatching(/^sovereign-ai check: <dir>\/broken\.yaml: document 1: invalid YAML: /),
      'sovereign-ai check: <dir>/sub/nokind.yaml: document 1: missing kind',
      'sovereign-ai check: <dir>/sub/nokind.yaml: document 2: missing apiVersion',
      'sovereign-ai check: <dir>/sub/nokind.yaml: document 3: not a Kubernetes object (expected a mapping with apiVersion and kind)',
    ]);
    expect(t.out).toEqual([]);
  });

  test('usage errors exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [[], 'sovereign-ai check: no manifest file or directory given'],
      [['x', '--pack', 'nope'], "sovereign-ai check: unknown pack 'nope' (allowed: pss-baseline, pss-restricted, sovereignty, reliability)"],
      [['x', '--frobnicate'], "sovereign-ai check: unknown option '--frobnicate'"],
      [['x', '--approved-registry'], 'sovereign-ai check: --approved-registry needs a value'],
      [['x', '--internal-cidr', '10.0.0.0/99'], 'sovereign-ai check: check: invalid internalCidrs[0]: "10.0.0.0/99". Allowed: an IPv4 or IPv6 CIDR such as "10.0.0.0/8". Fix: write the network address with its prefix length.'],
      [['/nonexistent/dir'], 'sovereign-ai check: /nonexistent/dir: no such file or directory'],
    ];
    for (const [args, first] of cases) {
      const t = io();
      expect([args, await run(args, t.io)]).toEqual([args, 2]);
      expect(t.err[0].split('\n')[0]).toBe(first);
    }
    const h = io();
    expect(await run(['--help'], h.io)).toBe(0);
    expect(h.out[0]).toMatch(/^usage: sovereign-ai check/);
  });

  test('an annotation suppression without a reason is an input error', async () => {
    const dir = tmp();
    const s = goodSet();
    s[1].metadata.annotations = { 'sovereign-ai.dev/suppressions': 'reliability/pdb' };
    writeYaml(join(dir, 'a.yaml'), s);
    const t = io();
    expect(await run([dir], t.io)).toBe(2);
    expect(t.err).toEqual(['sovereign-ai check: Deployment/vllm: invalid annotation sovereign-ai.dev/suppressions[0].reason: "". Allowed: a non-empty sentence saying why the finding is accepted. Fix: write down why rule "reliability/pdb" does not apply here.']);
  });
});
