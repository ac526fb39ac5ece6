import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { DEFAULT_REFERENCE_CONFIG } from '../../examples/reference/config';
import { buildReferencePlatform } from '../../examples/reference/platform';
import { KubernetesManifest, objectKey } from '../../lib/pulumi';
import { recordRegistrations, valueOf } from './mocks';

const PROJECT = 'sovereign-ai-reference';

/** Pulumi.dev.yaml's config as the Pulumi engine hands it to the program: structured values as JSON text. */
function devStackConfig(): Record<string, string> {
  const file = parse(readFileSync(join(__dirname, '..', '..', 'Pulumi.dev.yaml'), 'utf8')) as { config: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(file.config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

test('Pulumi.yaml runs the compiled reference entry with node (no ts-node)', () => {
  const project = parse(readFileSync(join(__dirname, '..', '..', 'Pulumi.yaml'), 'utf8'));
  expect(project).toEqual({
    name: PROJECT,
    description: expect.any(String),
    runtime: { name: 'nodejs', options: { typescript: false } },
    main: 'build/examples/reference/pulumi.js',
  });
});

test('the Pulumi entry deploys, with stack dev, exactly what cdk8s synthesizes for the reference platform', async () => {
  const registrations = await recordRegistrations(undefined, PROJECT, 'dev');
  pulumi.runtime.setAllConfig({ ...devStackConfig(), [`${PROJECT}:kubeContext`]: 'gpu-cluster-a' });

  const entry = await import('../../examples/reference/pulumi');
  const expected = buildReferencePlatform(Testing.app(), DEFAULT_REFERENCE_CONFIG).flatMap(
    (c) => Testing.synth(c) as KubernetesManifest[],
  );
  expect(entry.objectCount).toBe(expected.length);
  // Wait until every object is registered.
  for (let i = 0; i < 200 && registrations.filter((r) => r.type.startsWith('kubernetes:')).length < expected.length; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const objects = registrations.filter((r) => r.type.startsWith('kubernetes:'));
  const byKey = (a: KubernetesManifest, b: KubernetesManifest) => objectKey(a).localeCompare(objectKey(b));
  expect(objects.map((r) => r.inputs as KubernetesManifest).sort(byKey)).toEqual([...expected].sort(byKey));

  // One provider, for the configured kubeconfig context; every object goes through it.
  const providers = registrations.filter((r) => r.type === 'pulumi:providers:kubernetes');
  expect(providers.map((p) => [p.name, p.inputs.context])).toEqual([['cluster', 'gpu-cluster-a']]);
  const ref = `urn:pulumi:dev::${PROJECT}::pulumi:providers:kubernetes::cluster::cluster_id`;
  for (const r of objects) expect(r.provider).toBe(ref);

  expect(entry.namespaces).toEqual(expected.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name));
  expect(await valueOf(entry.gatewayAddresses)).toEqual(
    Object.fromEntries(expected.filter((m) => m.kind === 'Gateway').map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, []])),
  );
});
