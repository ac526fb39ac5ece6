import { mkdtempSync, readdirSync, readFileSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { App, Chart } from 'cdk8s';
import { allApps } from '../../examples/main';
import { formatFinding, Guardrails } from '../../lib/policy';

function files(dir: string, out: Record<string, string> = {}, root = dir): Record<string, string> {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files(p, out, root);
    else out[relative(root, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

function synthAll(): { dir: string; apps: App[] } {
  const dir = mkdtempSync(join(tmpdir(), 'policy-ref-'));
  const apps = allApps(dir);
  for (const app of apps) app.synth();
  return { dir, apps };
}

describe('example platforms', () => {
  test('synthesizing twice gives byte-identical output', () => {
    const a = files(synthAll().dir);
    const b = files(synthAll().dir);
    expect(Object.keys(a).length).toBeGreaterThan(0);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) expect([k, b[k]]).toEqual([k, a[k]]);
  });

  test('the reference platform passes every pack with zero findings and zero suppressions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-ref-'));
    const reference = allApps(dir).filter((app) => app.outdir.startsWith(join(dir, 'reference')));
    expect(reference.length).toBeGreaterThan(0);
    const findings: string[] = [];
    const suppressed: string[] = [];
    for (const app of reference) {
      for (const chart of app.charts as Chart[]) {
        const report = Guardrails.check(chart);
        expect([chart.node.path, report === undefined]).toEqual([chart.node.path, false]);
        findings.push(...report!.findings.map(formatFinding));
        suppressed.push(...report!.suppressed.map((s) => formatFinding(s.finding)));
      }
    }
    expect(findings).toEqual([]);
    expect(suppressed).toEqual([]);
  });
});
