import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { DEFAULT_REFERENCE_CONFIG } from '../../examples/reference/config';
import { ConfigSource, parseReferencePulumiConfig } from '../../examples/reference/pulumi-config';

const PROJECT = 'sovereign-ai-reference';
const LOCATION = { project: PROJECT, stack: 'dev' };

/** The `config:` of Pulumi.dev.yaml, without the project prefix. */
function devStackValues(): Record<string, unknown> {
  const file = parse(readFileSync(join(__dirname, '..', '..', 'Pulumi.dev.yaml'), 'utf8')) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k.slice(PROJECT.length + 1), v]));
}

/** A config source like `pulumi.Config#get`: strings as is, structured values as JSON text. */
function source(values: Record<string, unknown>): ConfigSource {
  return {
    get: (key) => {
      const v = values[key];
      return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
    },
  };
}

function parseWith(change: (values: any) => void): () => unknown {
  const values = JSON.parse(JSON.stringify(devStackValues()));
  change(values);
  return () => parseReferencePulumiConfig(source(values), LOCATION);
}

const setHint = (key: string) => `Fix: set it with \`pulumi config set --path '${PROJECT}:${key}' <value>\` or edit Pulumi.dev.yaml.`;

describe('parseReferencePulumiConfig', () => {
  test('Pulumi.dev.yaml parses into the configuration the cdk8s entry synthesizes', () => {
    const parsed = parseReferencePulumiConfig(source(devStackValues()), LOCATION);
    expect(parsed).toEqual({ platform: DEFAULT_REFERENCE_CONFIG });
  });

  test('kubeContext is passed through when set', () => {
    expect(parseWith((v) => { v.kubeContext = 'gpu-cluster-a'; })()).toMatchObject({ kubeContext: 'gpu-cluster-a' });
  });

  test('missing registry', () => {
    expect(parseWith((v) => { delete v.registry; })).toThrow(
      'Pulumi.dev.yaml: missing required config sovereign-ai-reference:registry. Allowed: a registry host with optional port and path, without scheme. Fix: add it to Pulumi.dev.yaml (e.g. `sovereign-ai-reference:registry: registry.example.internal`).',
    );
  });

  test('missing models', () => {
    expect(parseWith((v) => { delete v.models; })).toThrow(
      'Pulumi.dev.yaml: missing required config sovereign-ai-reference:models. Allowed: a non-empty list of models {name, tenant, parametersBillions, precision, contextLength, minReplicas, maxReplicas}. Fix: add it to Pulumi.dev.yaml (e.g. `sovereign-ai-reference:models: [{name: llama-3-8b-instruct, tenant: radiology, ...}]`).',
    );
  });

  test('missing cluster', () => {
    expect(parseWith((v) => { delete v.cluster; })).toThrow(
      'Pulumi.dev.yaml: missing required config sovereign-ai-reference:cluster. Allowed: an object {nodes, gpusPerNode, gpuProduct}.',
    );
  });

  test('registry with a scheme', () => {
    expect(parseWith((v) => { v.registry = 'https://registry.hospital.internal'; })).toThrow(
      `Pulumi.dev.yaml: invalid sovereign-ai-reference:registry: "https://registry.hospital.internal". Allowed: a registry host with optional port and path, without scheme (e.g. registry.example.internal:5000/ai). ${setHint('registry')}`,
    );
  });

  test('tenants not a list', () => {
    expect(parseWith((v) => { v.tenants = 'radiology'; })).toThrow(
      `Pulumi.dev.yaml: invalid sovereign-ai-reference:tenants: "radiology". Allowed: a non-empty list of tenants {name, gpuQuota, cpuQuota, memoryGiB}. ${setHint('tenants')}`,
    );
  });

  test('tenant name not a DNS-1123 label', () => {
    expect(parseWith((v) => { v.tenants[1].name = 'Claims_Team'; })).toThrow(
      'Pulumi.dev.yaml: invalid sovereign-ai-reference:tenants[1].name: "Claims_Team". Allowed: a DNS-1123 label (lowercase letters, digits and -, at most 63 characters).',
    );
  });

  test('duplicate tenant name', () => {
    expect(parseWith((v) => { v.tenants[1].name = 'radiology'; })).toThrow(
      'Pulumi.dev.yaml: invalid sovereign-ai-reference:tenants[1].name: "radiology". Allowed: a name no other tenant has. Fix: rename one of the tenants.',
    );
  });

  test('a required field of a tenant is missing', () => {
    expect(parseWith((v) => { delete v.tenants[0].memoryGiB; })).toThrow(
      'Pulumi.dev.yaml: missing required config sovereign-ai-reference:tenants[0].memoryGiB. Fix: add memoryGiB to sovereign-ai-reference:tenants[0] in Pulumi.dev.yaml.',
    );
  });

  test('negative GPU quota', () => {
    expect(parseWith((v) => { v.tenants[0].gpuQuota = -1; })).toThrow(
      'Pulumi.dev.yaml: invalid sovereign-ai-reference:tenants[0].gpuQuota: -1. Allowed: an integer >= 0.',
    );
  });

  test('unknown field (typo)', () => {
    expect(parseWith((v) => { v.models[0].precison = 'fp8'; })).toThrow(
      'Pulumi.dev.yaml: invalid sovereign-ai-reference:models[0].precison: "fp8". Allowed: only the fields name, tenant, parametersBillions, precision, contextLength, minReplicas, maxReplicas, disaggregated, priority. Fix: remove the field or correct its spelling.',
    );
  });

  test('bad precision', () => {
    expect(parseWith((v) => { v.models[1].precision = 'fp32'; })).toThrow(
      `Pulumi.dev.yaml: invalid sovereign-ai-reference:models[1].precision: "fp32". Allowed: one of "fp16", "bf16", "fp8", "int4". ${setHint('models[1].precision')}`,
    );
  });

  test('model of an unknown tenant', () => {
    expect(parseWith((v) => { v.models[2].tenant = 'finance'; })).toThrow(
      'Pulumi.dev.yaml: invalid sovereign-ai-reference:models[2].tenant: "finance". Allowed: one of the tenants: "radiology", "claims".',
    );
  });

  test('maxReplicas below minReplicas', () => {
    expect(parseWith((v) => { v.models[0].minReplicas = 3; })).toThrow(
      'Pulumi.dev.yaml: invalid sovereign-ai-reference:models[0].maxReplicas: 2. Allowed: an integer >= minReplicas (3).',
    );
  });

  test('context length not an integer', () => {
    expect(parseWith((v) => { v.models[0].contextLength = '32k'; })).toThrow(
      'Pulumi.dev.yaml: invalid sovereign-ai-reference:models[0].contextLength: "32k". Allowed: an integer >= 1.',
    );
  });

  test('disaggregated not a boolean', () => {
    expect(parseWith((v) => { v.models[0].disaggregated = 'yes'; })).toThrow(
      'Pulumi.dev.yaml: invalid sovereign-ai-reference:models[0].disaggregated: "yes". Allowed: true or false.',
    );
  });

  test('duplicate model name', () => {
    expect(parseWith((v) => { v.models[2].name = 'llama-3-8b-instruct'; })).toThrow(
      'Pulumi.dev.yaml: invalid sovereign-ai-reference:models[2].name: "llama-3-8b-instruct". Allowed: a name no other model has. Fix: rename one of the models.',
    );
  });

  test('zero nodes', () => {
    expect(parseWith((v) => { v.cluster.nodes = 0; })).toThrow(
      `Pulumi.dev.yaml: invalid sovereign-ai-reference:cluster.nodes: 0. Allowed: an integer >= 1. ${setHint('cluster.nodes')}`,
    );
  });

  test('errors name the stack file of the stack being deployed', () => {
    expect(() => parseReferencePulumiConfig(source({}), { project: 'p', stack: 'prod' })).toThrow(
      'Pulumi.prod.yaml: missing required config p:registry.',
    );
  });
});
