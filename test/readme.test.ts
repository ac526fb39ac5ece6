import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { parseAllDocuments } from 'yaml';
import { checkManifests } from '../lib/policy';
import { expectConformant } from './support/conformance';
import { describeWithSchemas } from './support/schemas';

const root = resolve(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function exampleBlock(): string {
  const start = readme.indexOf('```ts\n', readme.indexOf('## Example')) + '```ts\n'.length;
  return readme.slice(start, readme.indexOf('```', start));
}

test('the README example is examples/quickstart.ts (type-checked by the build)', () => {
  const file = readFileSync(join(root, 'examples', 'quickstart.ts'), 'utf8');
  const body = file.slice(file.indexOf('*/\n') + 3);
  expect(body).toBe(exampleBlock().replace("from 'sovereign-ai-platform';", "from '../lib';"));
});

test('the README shows the two commands', () => {
  expect(readme).toContain('npm ci && npm run synth');
  expect(readme).toContain('npm test');
});

describeWithSchemas('README example', () => {
  test('synthesizes conformant manifests with zero policy findings', () => {
    const out = mkdtempSync(join(tmpdir(), 'quickstart-'));
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = out;
    try {
      jest.isolateModules(() => {
        require('../examples/quickstart');
      });
      const objects = readdirSync(out).filter((f) => f.endsWith('.yaml'))
        .flatMap((f) => parseAllDocuments(readFileSync(join(out, f), 'utf8')).map((d) => d.toJS()))
        .filter((o) => o);
      expect(objects.length).toBeGreaterThan(20);
      expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['LLMInferenceService', 'InferencePool', 'Tenant', 'NetworkPolicy']));
      expectConformant(objects);
      const report = checkManifests(objects, { approvedRegistries: ['registry.hospital.internal'], internalCidrs: ['10.0.0.10/32'] });
      expect(report.findings.map((f) => `${f.ruleId} ${f.object.kind}/${f.object.name}: ${f.message}`)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
      rmSync(out, { recursive: true, force: true });
    }
  });
});
