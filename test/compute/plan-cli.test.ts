import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Writable } from 'stream';
import { run } from '../../lib/cli/plan';

class Capture extends Writable {
  public text = '';
  public _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'plan-cli-'));
function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await run(args, out, err);
  return { code, out: out.text, err: err.text };
}

const CATALOG = `
inventory: { product: H100-80GB, nodes: 2, gpusPerNode: 8 }
sharing: { mode: memory-shares }
models:
  - { name: llama-70b, tenant: research, paramsBillions: 70.6 }
  - { name: llama-8b, tenant: radiology, paramsBillions: 8, replicas: 2 }
  - { name: qwen-0.5b, tenant: platform, paramsBillions: 0.5 }
`;

describe('sovereign-ai plan', () => {
  test('prints models, placement, GPUs used vs lower bound vs naive', async () => {
    const r = await cli([file('catalog.yaml', CATALOG)]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe([
      'inventory: 2 nodes x 8 H100-80GB = 16 GPUs; sharing: memory-shares(8GiB)',
      '',
      'MODEL      TENANT     GiB    SHARE              PLACEMENT',
      'llama-70b  research   165.7  TP 4 (whole GPUs)  n0:gpu0+1+2+3',
      'llama-8b   radiology  25.4   memory-share 26Gi  n0:gpu4 n0:gpu4',
      'qwen-0.5b  platform   2.8    memory-share 3Gi   n0:gpu4',
      '',
      'GPUs used: 5   lower bound: 5   naive (whole GPU per replica): 7   memory utilisation: 54.8%',
      'GPU-hours per month (730 h): platform 30.4, radiology 527.2, research 2920.0',
      '',
    ].join('\n'));
  });

  test('--json prints the plan as JSON', async () => {
    const r = await cli([file('catalog.json', JSON.stringify({
      inventory: { product: 'A100-80GB', nodes: 1, gpusPerNode: 8 }, sharing: { mode: 'mig', profiles: ['1g.10gb', '3g.40gb'] },
      models: [{ name: 'a', paramsBillions: 1.2 }],
    })), '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out);
    expect(plan.gpusUsed).toBe(1);
    expect(plan.models[0].share).toEqual({ kind: 'mig', tensorParallel: 1, profile: '1g.10gb', memoryGiBPerGpu: 10, gpuFraction: 1 / 7 });
  });

  test.each([
    [[], 'sovereign-ai plan: expected one catalog file; usage: sovereign-ai plan <catalog.yaml|catalog.json> [--json]'],
    [['a.yaml', '--yaml'], 'sovereign-ai plan: unknown option --yaml; usage: sovereign-ai plan <catalog.yaml|catalog.json> [--json]'],
    [[join(dir, 'missing.yaml')], `sovereign-ai plan: cannot read ${join(dir, 'missing.yaml')}: ENOENT`],
  ])('usage errors exit 2 with one line: %j', async (args, line) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(line + '\n');
    expect(r.out).toBe('');
  });

  test.each([
    ['bad.yaml', 'models: [1, 2', /^sovereign-ai plan: .*bad\.yaml is not valid YAML: /],
    ['noinv.yaml', 'models: []', /^sovereign-ai plan: inventory: expected \{ product, nodes, gpusPerNode \}\n$/],
    ['product.yaml', 'inventory: { product: B300, nodes: 1, gpusPerNode: 8 }\nmodels: []', /^sovereign-ai plan: inventory.product: "B300" is not a known product \(A100-40GB, /],
    ['nodes.yaml', 'inventory: { product: L4, nodes: 0, gpusPerNode: 8 }\nmodels: []', /^sovereign-ai plan: planner: invalid nodes: 0\. Allowed: a positive integer\./],
    ['mode.yaml', 'inventory: { product: L4, nodes: 1, gpusPerNode: 8 }\nsharing: { mode: magic }\nmodels: []', /^sovereign-ai plan: sharing.mode: "magic" is not one of exclusive, /],
    ['mig.yaml', 'inventory: { product: H100-80GB, nodes: 1, gpusPerNode: 8 }\nsharing: { mode: mig, profiles: [1g.5gb] }\nmodels: []', /^sovereign-ai plan: planner: invalid sharing\.migProfiles: "1g\.5gb"\. Allowed: 1g\.10gb, /],
    ['prec.yaml', 'inventory: { product: L4, nodes: 1, gpusPerNode: 8 }\nmodels: [{ name: a, paramsBillions: 1, precision: fp4 }]', /^sovereign-ai plan: models\[0\]\.precision: "fp4" is not one of fp32, /],
    ['big.yaml', 'inventory: { product: L4, nodes: 1, gpusPerNode: 1 }\nmodels: [{ name: a, paramsBillions: 1, replicas: 40 }]', /^sovereign-ai plan: planner: inventory too small: .*needs \d+ more L4 GPUs/],
  ])('input errors exit 2 with one clear line: %s', async (name, content, pattern) => {
    const r = await cli([file(name, content)]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toHaveLength(2);
    expect(r.err).toMatch(pattern);
  });

  test('--help exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('usage: sovereign-ai plan');
  });
});
