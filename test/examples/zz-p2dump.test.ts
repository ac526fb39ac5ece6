import { App, Testing } from 'cdk8s';
import { buildReferencePlatform } from '../../examples/reference/platform';
import { Guardrails, formatFinding } from '../../lib/policy';
test('dump', () => {
  const app = Testing.app();
  const charts = buildReferencePlatform(app as App);
  const objs = charts.flatMap((c) => Testing.synth(c));
  const rag = objs.filter((o) => o.metadata.namespace === 'rag' || (o.kind==='Deployment' && o.metadata.name.includes('retrieval')) || o.metadata.name.includes('rag'));
  console.log(rag.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).join('\n'));
  for (const c of charts) { const r = Guardrails.check(c)!; console.log(c.node.path, r.findings.map(formatFinding).join('\n')); }
});
