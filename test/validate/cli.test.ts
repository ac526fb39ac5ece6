import { mkdtempSync, mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { run } from '../../lib/cli/validate';
import { describeWithSchemas } from '../support/schemas';

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(...args: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const GOOD = `apiVersion: v1
kind: Namespace
metadata:
  name: team-a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: team-a
data:
  a: "1"
`;

const BAD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  replicas: "3"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.local/web:1.0
          imagePullPolice: Always
---
apiVersion: kueue.x-k8s.io/v1beta1
kind: LocalQueue
metadata:
  name: q
  namespace: team-a
spec:
  clusterQueue: gpu
`;

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

describeWithSchemas('sovereign-ai validate', (schemaDir) => {
  test('conformant manifests: exit 0, no output', async () => {
    const dir = workdir({ 'good.yaml': GOOD });
    expect(await cli(join(dir, 'good.yaml'), '--schemas', schemaDir)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('one line per problem (file, kind/namespace/name, path, message), exit 1', async () => {
    const dir = workdir({ 'good.yaml': GOOD, 'nested/bad.yml': BAD, 'notes.txt': 'ignored' });
    const bad = join(dir, 'nested', 'bad.yml');
    const result = await cli(dir, `--schemas=${schemaDir}`, '--kubernetes-version', '1.34');
    expect(result.stdout.split('\n')).toEqual([
      `${bad}: Deployment/team-a/web: spec.replicas: expected integer, got string`,
      `${bad}: Deployment/team-a/web: spec.template.spec.containers[0].imagePullPolice: unknown field "imagePullPolice"`,
      `${bad}: LocalQueue/team-a/q: apiVersion: warning: apiVersion kueue.x-k8s.io/v1beta1 of LocalQueue is deprecated: This version is deprecated. Use v1beta2 instead.`,
      '',
    ]);
    expect(result.stderr).toBe('2 error(s), 1 warning(s)\n');
    expect(result.code).toBe(1);
  });

  test('warnings alone exit 0', async () => {
    const dir = workdir({ 'q.yaml': BAD.split('---\n')[1] });
    const result = await cli(join(dir, 'q.yaml'), '--schemas', schemaDir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning: apiVersion kueue.x-k8s.io/v1beta1 of LocalQueue is deprecated');
  });

  test('unparseable YAML: one clear line, exit 1', async () => {
    const dir = workdir({ 'broken.yaml': 'apiVersion: v1\nkind: [ConfigMap\nmetadata: {name: x}\n' });
    const result = await cli(join(dir, 'broken.yaml'), '--schemas', schemaDir);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${join(dir, 'broken.yaml')}: document 0: \\(root\\): cannot parse YAML \\(line \\d+, column \\d+\\): `));
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  test('document without apiVersion/kind: one clear line, exit 1', async () => {
    const dir = workdir({ 'plain.yaml': 'name: not-a-k8s-object\n---\nkind: Pod\nmetadata: {name: p}\n' });
    const result = await cli(join(dir, 'plain.yaml'), '--schemas', schemaDir);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${join(dir, 'plain.yaml')}: document 0: apiVersion: not a Kubernetes object: missing apiVersion and kind`,
      `${join(dir, 'plain.yaml')}: Pod/p: apiVersion: not a Kubernetes object: missing apiVersion`,
      '',
    ]);
  });

  test('unknown Kubernetes version: exit 2 with one line', async () => {
    const dir = workdir({ 'good.yaml': GOOD });
    const result = await cli(dir, '--schemas', schemaDir, '--kubernetes-version', '1.20');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^sovereign-ai validate: no Kubernetes 1\.20 OpenAPI v3 spec in .*\(available: 1\.34\.9, 1\.36\.2\)/);
  });
});

describe('sovereign-ai validate: usage errors (exit 2, one clear line)', () => {
  test('no arguments', async () => {
    expect(await cli()).toEqual({
      code: 2,
      stdout: '',
      stderr: 'sovereign-ai validate: no manifest file or directory given\nusage: sovereign-ai validate <file|dir>... [--schemas DIR] [--kubernetes-version 1.34]\n',
    });
  });

  test('unknown flag', async () => {
    const result = await cli('x.yaml', '--strict');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("sovereign-ai validate: unknown option '--strict'");
  });

  test('flag without value', async () => {
    const result = await cli('x.yaml', '--schemas');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('sovereign-ai validate: --schemas needs a value');
  });

  test('missing input path', async () => {
    const result = await cli('/nonexistent/manifests.yaml', '--schemas', '/tmp');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('sovereign-ai validate: no such file or directory: /nonexistent/manifests.yaml');
  });

  test('missing schema directory', async () => {
    const dir = workdir({ 'good.yaml': GOOD });
    const result = await cli(dir, '--schemas', '/nonexistent/schemas');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'sovereign-ai validate: schema directory not found or not readable: /nonexistent/schemas (use --schemas DIR or set SOVEREIGN_SCHEMAS)\n'
        + 'usage: sovereign-ai validate <file|dir>... [--schemas DIR] [--kubernetes-version 1.34]\n',
    });
  });

  test('--help prints the options and exits 0', async () => {
    const result = await cli('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--kubernetes-version V');
    expect(result.stdout).toContain('exit codes: 0 conformant, 1 errors found, 2 usage or input error');
  });
});
