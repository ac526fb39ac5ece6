import { Chart, Testing } from 'cdk8s';
import { KubeConfigMap, KubeNamespace, KubeService, KubeDeployment } from '../../lib/imports/k8s';
import { ChartDeployment, planDeployment } from '../../lib/pulumi';
import { recordRegistrations, registered } from './mocks';

function big(n: number): Chart {
  const chart = new Chart(Testing.app(), 'big', { disableResourceNameHashes: true });
  const nsCount = 20;
  for (let i = 0; i < nsCount; i++) new KubeNamespace(chart, `ns${i}`, { metadata: { name: `ns-${i}` } });
  for (let i = 0; i < (n - nsCount) / 3; i++) {
    const ns = `ns-${i % nsCount}`;
    const cm = new KubeConfigMap(chart, `cm${i}`, { metadata: { name: `cm-${i}`, namespace: ns }, data: { a: 'b'.repeat(200) } });
    const dep = new KubeDeployment(chart, `d${i}`, { metadata: { name: `d-${i}`, namespace: ns, labels: { app: `d-${i}` } }, spec: {
      selector: { matchLabels: { app: `d-${i}` } },
      template: { metadata: { labels: { app: `d-${i}` } }, spec: { containers: [{ name: 'c', image: 'registry.local/x@sha256:' + '0'.repeat(64), resources: { limits: { } } }] } },
    } });
    dep.addDependency(cm);
    new KubeService(chart, `s${i}`, { metadata: { name: `s-${i}`, namespace: ns }, spec: { selector: { app: `d-${i}` }, ports: [{ port: 80 }] } });
  }
  return chart;
}

test('measure', async () => {
  const regs = await recordRegistrations();
  const n = Number(process.env.N ?? 2000);
  const chart = big(n);
  const g = (global as any).gc as () => void;
  g(); const m0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const plan = planDeployment([chart], 'x');
  const t1 = performance.now();
  const d = new ChartDeployment('big', { charts: [chart] });
  const t2 = performance.now();
  await registered([d, ...d.resources.values()]);
  const t3 = performance.now();
  const m1 = process.memoryUsage().heapUsed;
  g(); const m2 = process.memoryUsage().heapUsed;
  const count = plan.length;
  console.log(JSON.stringify({ count, regs: regs.length, planMs: t1 - t0, constructMs: t2 - t1, registerMs: t3 - t2,
    msPerResource: (t3 - t1) / count, heapPeakKBPerResource: (m1 - m0) / 1024 / count, heapRetainedKBPerResource: (m2 - m0) / 1024 / count, rssMB: process.memoryUsage().rss / 1e6 }));
});
