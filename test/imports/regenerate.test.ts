import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { parse } from 'yaml';
import { describeWithSchemas } from '../support/schemas';

const root = resolve(__dirname, '..', '..');

describe('cdk8s.yaml import list', () => {
  const config = parse(readFileSync(join(root, 'cdk8s.yaml'), 'utf8'));

  test('every import names its upstream release URL and has a committed binding', () => {
    const files = readdirSync(join(root, 'lib', 'imports'));
    for (const spec of config.imports as string[]) {
      if (spec === 'k8s@1.34.0') {
        expect(files).toContain('k8s.ts');
        continue;
      }
      const [prefix, url] = spec.split(':=');
      expect(url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\/.+\.yaml$/);
      expect(files.filter((f) => f.startsWith(`${prefix}-`))).toHaveLength(1);
    }
    expect(files).toHaveLength(config.imports.length);
  });
});

describeWithSchemas('npm run import', (schemaDir) => {
  test('regenerates committed bindings byte for byte from the local schema copies', () => {
    const out = mkdtempSync(join(tmpdir(), 'imports-'));
    try {
      execFileSync(process.execPath, [join(root, 'scripts', 'import.js'), '--outdir', out, '--only', 'keda-scaledobject,kueue-localqueue,gie-inferencepool'], {
        env: { ...process.env, SOVEREIGN_SCHEMAS: schemaDir },
        stdio: 'pipe',
      });
      const generated = readdirSync(out).sort();
      expect(generated).toEqual([
        'gie-inferencepool-inference.networking.k8s.io.ts',
        'keda-scaledobject-keda.sh.ts',
        'kueue-localqueue-kueue.x-k8s.io.ts',
      ]);
      for (const f of generated) {
        expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(root, 'lib', 'imports', f), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
