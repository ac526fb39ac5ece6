import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeNamespace, KubeNetworkPolicy, IntOrString } from '../../lib/imports/k8s';
import { Labels, MANAGED_BY } from '../../lib';

/**
 * The reference platform, backend-neutral: builds every chart into `scope` (a cdk8s App for `cdk8s synth`, or the
 * app handed to the Pulumi backend). One Chart per concern.
 */
export function buildReferencePlatform(scope: Construct): Chart[] {
  const tenants = new Chart(scope, 'tenants', { disableResourceNameHashes: true });
  const ns = 'radiology';
  new KubeNamespace(tenants, 'Radiology', {
    metadata: {
      name: ns,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.34',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        [Labels.TENANT]: ns,
        [Labels.APP_MANAGED_BY]: MANAGED_BY,
      },
    },
  });
  new KubeNetworkPolicy(tenants, 'DefaultDeny', {
    metadata: { name: 'default-deny', namespace: ns },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        }],
        ports: [
          { port: IntOrString.fromNumber(53), protocol: 'UDP' },
          { port: IntOrString.fromNumber(53), protocol: 'TCP' },
        ],
      }],
    },
  });
  return [tenants];
}

