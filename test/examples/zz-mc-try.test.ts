import { App } from 'cdk8s';
import { buildBankWorkloads } from '../../examples/multi-cluster/workloads';
const app = new App({ outdir: '/tmp/mc-out' });
const w = buildBankWorkloads(app);
const objs = w.chart.toJson();
for (const o of objs) console.log(o.apiVersion, o.kind, o.metadata.namespace ?? '-', o.metadata.name);
console.log(objs.length);
test('x',()=>{});
