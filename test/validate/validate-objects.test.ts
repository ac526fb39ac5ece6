import { readdirSync } from 'fs';
import { join } from 'path';
import {
  ConformanceProblem, SchemaDirectoryError, SchemaRegistry, formatProblem, validateFiles, validateObjects,
} from '../../lib/validate';
import { describeWithSchemas } from '../support/schemas';

function deployment(overrides: { metadata?: object; spec?: object; container?: object } = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team-a', ...overrides.metadata },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'registry.local/web:1.0', ...overrides.container }] },
      },
      ...overrides.spec,
    },
  };
}

function llmisvc(spec: object = {}, metadata: object = {}): Record<string, unknown> {
  return {
    apiVersion: 'serving.kserve.io/v1alpha2',
    kind: 'LLMInferenceService',
    metadata: { name: 'llama', namespace: 'serving', ...metadata },
    spec: { model: { uri: 'pvc://models/llama', name: 'llama' }, ...spec },
  };
}

/** Only the fields a test pins (path, message, severity). */
function brief(problems: readonly ConformanceProblem[]): Array<Pick<ConformanceProblem, 'severity' | 'path' | 'message'>> {
  return problems.map(({ severity, path, message }) => ({ severity, path, message }));
}

describeWithSchemas('validateObjects (strict conformance)', (schemaDir) => {
  const options = { schemaDir, kubernetesVersion: '1.34' };

  test('a well-formed Deployment has no problems', () => {
    expect(validateObjects([deployment()], options)).toEqual([]);
  });

  test('unknown field deep in a Deployment: exact path and message', () => {
    const problems = validateObjects([deployment({ container: { badField: true } })], options);
    expect(problems).toEqual([{
      severity: 'error', index: 0, file: undefined, apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'web',
      path: 'spec.template.spec.containers[0].badField', message: 'unknown field "badField"',
    }]);
    expect(formatProblem(problems[0])).toBe('Deployment/team-a/web: spec.template.spec.containers[0].badField: unknown field "badField"');
  });

  test('unknown field in metadata', () => {
    expect(brief(validateObjects([deployment({ metadata: { lables: { a: 'b' } } })], options))).toEqual([
      { severity: 'error', path: 'metadata.lables', message: 'unknown field "lables"' },
    ]);
  });

  test('unknown field in the pod template metadata and at the top level', () => {
    const d = { ...deployment(), extra: 1 } as Record<string, any>;
    d.spec.template.metadata.foo = 'x';
    expect(brief(validateObjects([d], options))).toEqual([
      { severity: 'error', path: 'extra', message: 'unknown field "extra"' },
      { severity: 'error', path: 'spec.template.metadata.foo', message: 'unknown field "foo"' },
    ]);
  });

  test('wrong type', () => {
    expect(brief(validateObjects([deployment({ spec: { replicas: 'two' } })], options))).toEqual([
      { severity: 'error', path: 'spec.replicas', message: 'expected integer, got string' },
    ]);
    expect(brief(validateObjects([deployment({ metadata: { labels: { 'app.kubernetes.io/name': 3 } } })], options))).toEqual([
      { severity: 'error', path: 'metadata.labels["app.kubernetes.io/name"]', message: 'expected string, got integer' },
    ]);
  });

  test('missing required field', () => {
    const d = deployment() as Record<string, any>;
    delete d.spec.selector;
    expect(brief(validateObjects([d], options))).toEqual([
      { severity: 'error', path: 'spec.selector', message: 'missing required field "selector"' },
    ]);
    expect(brief(validateObjects([deployment({ container: { name: undefined } })], options))).toEqual([
      { severity: 'error', path: 'spec.template.spec.containers[0].name', message: 'missing required field "name"' },
    ]);
  });

  test('metadata.name is required (as the API server requires it on create)', () => {
    expect(brief(validateObjects([{ apiVersion: 'v1', kind: 'Namespace', metadata: {} }], options))).toEqual([
      { severity: 'error', path: 'metadata.name', message: 'missing required field "name" (or metadata.generateName)' },
    ]);
  });

  test('int-or-string and quantities accept both forms, not others', () => {
    const svc = (targetPort: unknown) => ({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort }] },
    });
    expect(validateObjects([svc(8080), svc('http')], options)).toEqual([]);
    expect(brief(validateObjects([svc(true)], options))).toEqual([
      { severity: 'error', path: 'spec.ports[0].targetPort', message: 'expected integer or string, got boolean' },
    ]);
    expect(validateObjects([deployment({ container: { resources: { limits: { cpu: 1, memory: '1Gi' } } } })], options)).toEqual([]);
  });

  test('int32 range (built-in types) and enums (CRDs)', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 3000000000 }] } };
    expect(brief(validateObjects([svc], options))).toEqual([
      { severity: 'error', path: 'spec.ports[0].port', message: 'invalid int32 value 3000000000' },
    ]);
    const cq = { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'q' }, spec: { queueingStrategy: 'Fifo' } };
    expect(brief(validateObjects([cq], options))).toEqual([
      { severity: 'error', path: 'spec.queueingStrategy', message: 'unsupported value "Fifo": must be one of "StrictFIFO", "BestEffortFIFO"' },
    ]);
  });

  test('null values count as unset (as the API server decodes them)', () => {
    expect(validateObjects([deployment({ metadata: { labels: null } })], options)).toEqual([]);
  });

  test('unknown field in a CRD object (LLMInferenceService serving.kserve.io/v1alpha2), spec and metadata', () => {
    expect(validateObjects([llmisvc()], options)).toEqual([]);
    const problems = validateObjects([llmisvc({ replica: 2 }, { annotationz: {} })], options);
    expect(brief(problems)).toEqual([
      { severity: 'error', path: 'metadata.annotationz', message: 'unknown field "annotationz"' },
      { severity: 'error', path: 'spec.replica', message: 'unknown field "replica"' },
    ]);
    expect(formatProblem(problems[1])).toBe('LLMInferenceService/serving/llama: spec.replica: unknown field "replica"');
  });

  test('CRD objects: wrong types and nested unknown fields', () => {
    expect(brief(validateObjects([llmisvc({ replicas: '2', model: { uri: 'pvc://m', extra: 1 } })], options))).toEqual([
      { severity: 'error', path: 'spec.model.extra', message: 'unknown field "extra"' },
      { severity: 'error', path: 'spec.replicas', message: 'expected integer, got string' },
    ]);
  });

  test('CRD oneOf/anyOf value validations (Gateway address must be an IP when type is IPAddress)', () => {
    const gw = (address: object) => ({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'n' },
      spec: { gatewayClassName: 'c', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }], addresses: [address] },
    });
    expect(validateObjects([gw({ type: 'IPAddress', value: '10.0.0.1' }), gw({ type: 'Hostname', value: 'gw.local' })], options)).toEqual([]);
    expect(brief(validateObjects([gw({ type: 'IPAddress', value: 'gw.local' })], options))).toEqual([{
      severity: 'error',
      path: 'spec.addresses[0]',
      message: 'must satisfy exactly one of the alternatives (spec.addresses[0].value must match format "ipv4"; '
        + 'spec.addresses[0].value must match format "ipv6"; spec.addresses[0].type not matching the forbidden shape)',
    }]);
  });

  test('unknown apiVersion', () => {
    const d = { ...deployment(), apiVersion: 'apps/v2' };
    expect(brief(validateObjects([d], options))).toEqual([
      { severity: 'error', path: 'apiVersion', message: 'unknown apiVersion "apps/v2" for kind Deployment (Kubernetes 1.34.9 serves: apps/v1)' },
    ]);
    expect(brief(validateObjects([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }], options))).toEqual([
      { severity: 'error', path: 'apiVersion', message: `unknown apiVersion/kind "example.com/v1" Widget: no schema in Kubernetes 1.34.9 nor in the CRDs of ${SchemaRegistry.load(options).schemaDir}` },
    ]);
  });

  test('unknown CRD version lists the served ones', () => {
    const obj = { apiVersion: 'serving.kserve.io/v1', kind: 'LLMInferenceService', metadata: { name: 'x' } };
    expect(brief(validateObjects([obj], options))).toEqual([
      { severity: 'error', path: 'apiVersion', message: 'unknown apiVersion "serving.kserve.io/v1" for kind LLMInferenceService (served: serving.kserve.io/v1alpha1, serving.kserve.io/v1alpha2)' },
    ]);
  });

  test('unknown kind', () => {
    const d = { ...deployment(), kind: 'Deploymnt' };
    expect(brief(validateObjects([d], options))).toEqual([
      { severity: 'error', path: 'kind', message: 'unknown kind "Deploymnt" for apiVersion "apps/v1" (Kubernetes 1.34.9 serves: ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet)' },
    ]);
  });

  test('removed built-in apiVersion names the replacement', () => {
    const pdb = { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'p' } };
    expect(brief(validateObjects([pdb], options))).toEqual([
      { severity: 'error', path: 'apiVersion', message: 'apiVersion "policy/v1beta1" was removed in Kubernetes 1.25; use policy/v1 (PodDisruptionBudget; PodSecurityPolicy is gone: use Pod Security Admission)' },
    ]);
  });

  test('deprecated CRD version (kueue v1beta1) is a warning, not an error', () => {
    const cq = (apiVersion: string) => ({ apiVersion, kind: 'ClusterQueue', metadata: { name: 'gpu' }, spec: { namespaceSelector: {} } });
    const problems = validateObjects([cq('kueue.x-k8s.io/v1beta1'), cq('kueue.x-k8s.io/v1beta2')], options);
    expect(problems).toEqual([{
      severity: 'warning', index: 0, file: undefined, apiVersion: 'kueue.x-k8s.io/v1beta1', kind: 'ClusterQueue', namespace: undefined, name: 'gpu',
      path: 'apiVersion', message: 'apiVersion kueue.x-k8s.io/v1beta1 of ClusterQueue is deprecated: This version is deprecated. Use v1beta2 instead.',
    }]);
    expect(formatProblem(problems[0])).toBe('ClusterQueue/gpu: apiVersion: warning: apiVersion kueue.x-k8s.io/v1beta1 of ClusterQueue is deprecated: This version is deprecated. Use v1beta2 instead.');
  });

  test('documents that are not Kubernetes objects', () => {
    expect(brief(validateObjects([{ kind: 'Pod' }, 'text', { apiVersion: 'v1' }], options))).toEqual([
      { severity: 'error', path: 'apiVersion', message: 'not a Kubernetes object: missing apiVersion' },
      { severity: 'error', path: '(root)', message: 'not a Kubernetes object: expected a mapping, got string' },
      { severity: 'error', path: 'kind', message: 'not a Kubernetes object: missing kind' },
    ]);
  });

  test('Kubernetes 1.36 is selectable; unknown versions are a SchemaDirectoryError', () => {
    expect(SchemaRegistry.load({ schemaDir, kubernetesVersion: '1.36' }).kubernetesVersion).toBe('1.36.2');
    expect(SchemaRegistry.load({ schemaDir, kubernetesVersion: 'v1.34.9' }).kubernetesVersion).toBe('1.34.9');
    expect(validateObjects([deployment()], { schemaDir, kubernetesVersion: '1.36' })).toEqual([]);
    expect(() => SchemaRegistry.load({ schemaDir, kubernetesVersion: '1.20' })).toThrow(SchemaDirectoryError);
    expect(() => SchemaRegistry.load({ schemaDir, kubernetesVersion: '1.20' })).toThrow(
      `no Kubernetes 1.20 OpenAPI v3 spec in ${join(SchemaRegistry.load(options).schemaDir, 'kubernetes')} (available: 1.34.9, 1.36.2)`,
    );
  });

  test('the registry is cached per directory and version', () => {
    expect(SchemaRegistry.load(options)).toBe(SchemaRegistry.load({ schemaDir: `${schemaDir}/`, kubernetesVersion: '1.34' }));
  });

  test('accepts every upstream NVIDIA DRA demo manifest in schemas/examples', () => {
    const dir = join(schemaDir, 'examples', 'nvidia-dra-driver-gpu');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(validateFiles([join(schemaDir, 'examples')], options).map(formatProblem)).toEqual([]);
  });

  test('validates a large batch (10,000 objects) with cached validators and no false positives', () => {
    // Speed is measured by `npm run bench`, not asserted here.
    const objects = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0
      ? deployment({ metadata: { name: `web-${i}` } })
      : { apiVersion: 'v1', kind: 'Service', metadata: { name: `s-${i}` }, spec: { ports: [{ port: 80, targetPort: 'http' }] } }));
    expect(validateObjects(objects, options)).toEqual([]);
  });
});

describe('schema directory errors', () => {
  test('a missing schema directory is a SchemaDirectoryError with one clear line', () => {
    expect(() => validateObjects([], { schemaDir: '/nonexistent/schemas' })).toThrow(SchemaDirectoryError);
    expect(() => validateObjects([], { schemaDir: '/nonexistent/schemas' })).toThrow('schema directory not found or not readable: /nonexistent/schemas');
  });
});

describe('formatProblem', () => {
  test('file, kind/namespace/name, path, message', () => {
    expect(formatProblem({ severity: 'error', file: 'a.yaml', index: 1, kind: 'Pod', namespace: 'ns', name: 'p', path: 'spec', message: 'm' }))
      .toBe('a.yaml: Pod/ns/p: spec: m');
  });
  test('unnamed objects are identified by their document index; cluster-scoped ones have no namespace', () => {
    expect(formatProblem({ severity: 'error', file: 'a.yaml', index: 2, kind: 'Pod', path: 'x', message: 'm' })).toBe('a.yaml: Pod/<document 2>: x: m');
    expect(formatProblem({ severity: 'warning', kind: 'ClusterQueue', name: 'q', path: 'apiVersion', message: 'm' })).toBe('ClusterQueue/q: apiVersion: warning: m');
  });
});
