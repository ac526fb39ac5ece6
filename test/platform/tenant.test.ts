import { Chart, Testing } from 'cdk8s';
import { Tenant } from '../../lib/platform';
import { expectConformant } from '../support/conformance';

function synth(props: Partial<ConstructorParameters<typeof Tenant>[2]> = {}) {
  const chart = Testing.chart();
  new Tenant(chart, 'radiology', { cpuQuota: 16, memoryGiB: 64, gpuQuota: 2, ...props });
  return Testing.synth(chart as Chart);
}

describe('Tenant', () => {
  const objs = synth();
  test('namespace with PSA restricted enforce/audit/warn pinned to v1.34', () => {
    const ns = objs.find((o) => o.kind === 'Namespace');
    expect(ns.metadata.name).toBe('radiology');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.34',
      'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted',
    });
  });
  test('default-deny without rules, DNS-only egress allowance', () => {
    expect(objs.find((o) => o.metadata.name === 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = objs.find((o) => o.metadata.name === 'allow-dns').spec;
    expect(dns.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    expect(dns.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
  });
  test('quota, limit range, service account without token', () => {
    expect(objs.find((o) => o.kind === 'ResourceQuota').spec.hard).toEqual({
      'requests.cpu': '16', 'limits.cpu': '16', 'requests.memory': '64Gi', 'limits.memory': '64Gi', pods: '50', 'requests.nvidia.com/gpu': '2',
    });
    expect(objs.find((o) => o.kind === 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(objs.find((o) => o.kind === 'LimitRange').spec.limits[0].type).toBe('Container');
  });
  test('LocalQueue v1beta2 when a ClusterQueue is named', () => {
    const lq = synth({ clusterQueueName: 'gpu' }).find((o) => o.kind === 'LocalQueue');
    expect(lq.apiVersion).toBe('kueue.x-k8s.io/v1beta2');
    expect(lq.spec).toEqual({ clusterQueue: 'gpu' });
  });
  test('conformant', () => expectConformant(synth({ clusterQueueName: 'gpu' })));
  test('snapshot', () => expect(objs).toMatchSnapshot());
  test('bad name', () => {
    expect(() => synth({ name: 'Radiology' })).toThrow(
      'test/radiology: invalid name: "Radiology". Allowed: a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters). Fix: use a name like "radiology".');
  });
});
