import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { Chart } from 'cdk8s';
import { allApps } from '../../examples/main';
import { formatProblem, validateFiles } from '../../lib/validate';
import { KUBERNETES_VERSION, conformanceProblems } from '../support/conformance';
import { describeWithSchemas } from '../support/schemas';

describeWithSchemas('every example object passes strict conformance (Kubernetes 1.34 + CRDs)', (schemaDir) => {
  const outdir = mkdtempSync(join(tmpdir(), 'examples-'));
  const apps = allApps(outdir);
  const charts = apps.flatMap((app) => app.charts.map((chart: Chart) => ({ app: relative(outdir, app.outdir), chart })));

  test('the examples have charts', () => {
    expect(charts.length).toBeGreaterThan(0);
  });

  test.each(charts.map((c) => [`${c.app} ${c.chart.node.path}`, c.chart] as const))(
    '%s: zero conformance errors',
    (_name, chart) => {
      const errors = conformanceProblems(chart.toJson()).filter((p) => p.severity === 'error').map(formatProblem);
      expect(errors).toEqual([]);
    },
  );

  test('the synthesized YAML (as written to dist/) has zero conformance errors', () => {
    for (const app of apps) app.synth();
    const errors = validateFiles([outdir], { schemaDir, kubernetesVersion: KUBERNETES_VERSION })
      .filter((p) => p.severity === 'error')
      .map((p) => formatProblem({ ...p, file: p.file && relative(outdir, p.file) }));
    expect(errors).toEqual([]);
  });
});
