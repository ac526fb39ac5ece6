import * as fc from 'fast-check';
import { Testing, Chart } from 'cdk8s';
import {
  ValidationError, stableName, isDns1123Label, parseQuantity, formatBytes, gib, cpu, isValidLabelKey, NetworkFlow,
  Labels, LABEL_DOMAIN,
} from '../../lib/core';

describe('ValidationError', () => {
  test('invalidProp names the path, prop, value, allowed values and fix', () => {
    const chart = Testing.chart();
    const e = ValidationError.invalidProp(chart, { prop: 'nodes', value: 0, allowed: 'an integer >= 1', fix: 'set nodes to the node count.' });
    expect(e.message).toBe('test: invalid nodes: 0. Allowed: an integer >= 1. Fix: set nodes to the node count.');
    expect(e.path).toBe('test');
    expect(e).toBeInstanceOf(ValidationError);
  });
  test('string scope for pure functions', () => {
    expect(new ValidationError('planner', 'no GPU').message).toBe('planner: no GPU');
  });
});

describe('names', () => {
  test('stableName joins and sanitizes', () => {
    expect(stableName(['Radiology', 'Llama 3.1_70B', 'decode'])).toBe('radiology-llama-3-1-70b-decode');
  });
  test('long names are truncated with a stable hash', () => {
    const n = stableName(['a'.repeat(50), 'b'.repeat(50)]);
    expect(n).toHaveLength(63);
    expect(n).toBe(stableName(['a'.repeat(50), 'b'.repeat(50)]));
    expect(n).not.toBe(stableName(['a'.repeat(50), 'b'.repeat(49) + 'c']));
  });
  test('property: stableName always yields a DNS-1123 label and is deterministic', () => {
    fc.assert(fc.property(fc.array(fc.string(), { maxLength: 6 }), (parts) => {
      const n = stableName(parts);
      expect(isDns1123Label(n)).toBe(true);
      expect(stableName(parts)).toBe(n);
    }));
  });
  test('label keys live under one domain', () => {
    for (const key of Object.values(Labels)) expect(isValidLabelKey(key)).toBe(true);
    expect(Labels.TENANT.startsWith(`${LABEL_DOMAIN}/`)).toBe(true);
  });
});

describe('quantities', () => {
  test.each([
    ['500m', 0.5], ['2', 2], ['10Gi', 10 * 2 ** 30], ['1.5G', 1.5e9], ['2e3', 2000], ['128Mi', 128 * 2 ** 20],
  ])('%s parses to %d', (q, n) => expect(parseQuantity(q)).toBe(n));
  test.each(['', '10GB', 'abc', ' 1Gi', '1..5'])('%j is not a quantity', (q) => expect(parseQuantity(q)).toBeUndefined());
  test('formatting', () => {
    expect(formatBytes(10 * 2 ** 30)).toBe('10Gi');
    expect(gib(0.5)).toBe('512Mi');
    expect(cpu(0.25)).toBe('250m');
    expect(cpu(4)).toBe('4');
  });
});

describe('NetworkFlow', () => {
  const from = { namespace: 'radiology', podSelector: { app: 'rag' } };
  const to = { namespace: 'storage', podSelector: { 'v1.min.io/tenant': 'objects' } };
  test('emits exactly one egress and one ingress policy, narrowed to pods and ports', () => {
    const chart = Testing.chart();
    new NetworkFlow(chart, 'Flow', { from, to, ports: [{ port: 9000 }], name: 'rag-to-minio' });
    const out = Testing.synth(chart);
    expect(out).toEqual([
      expect.objectContaining({
        kind: 'NetworkPolicy',
        metadata: expect.objectContaining({ name: 'rag-to-minio-egress', namespace: 'radiology' }),
        spec: {
          podSelector: { matchLabels: { app: 'rag' } },
          policyTypes: ['Egress'],
          egress: [{
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'storage' } }, podSelector: { matchLabels: { 'v1.min.io/tenant': 'objects' } } }],
            ports: [{ port: 9000, protocol: 'TCP' }],
          }],
        },
      }),
      expect.objectContaining({
        kind: 'NetworkPolicy',
        metadata: expect.objectContaining({ name: 'rag-to-minio-ingress', namespace: 'storage' }),
        spec: {
          podSelector: { matchLabels: { 'v1.min.io/tenant': 'objects' } },
          policyTypes: ['Ingress'],
          ingress: [{
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'radiology' } }, podSelector: { matchLabels: { app: 'rag' } } }],
            ports: [{ port: 9000, protocol: 'TCP' }],
          }],
        },
      }),
    ]);
  });
  test('no ports is an error', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new NetworkFlow(chart, 'Flow', { from, to, ports: [], name: 'x' }))
      .toThrow('c/Flow: invalid ports: []. Allowed: at least one port. Fix: name the ports the flow needs.');
  });
  test('an empty pod selector is an error', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new NetworkFlow(chart, 'Flow', { from: { namespace: 'a', podSelector: {} }, to, ports: [{ port: 1 }], name: 'x' }))
      .toThrow('c/Flow: invalid from.podSelector: {}. Allowed: a non-empty label selector. Fix: an empty selector would select every pod of the namespace; select the pods of one workload.');
  });
});
