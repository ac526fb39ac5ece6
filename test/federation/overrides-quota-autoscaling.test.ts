import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AutoscalingMetric, FederatedAutoscaler, FederatedTenantQuota, KarmadaOverride, Placement,
} from '../../lib/federation';
import { KubeDeployment, KubeDeviceClass } from '../../lib/imports/k8s';
import { describeWithSchemas } from '../support/schemas';
import { expectConformant } from '../support/conformance';
import { fleetOf, ofKind, setup, statelessApp } from './helpers';

describe('KarmadaOverride', () => {
  test('registry mirror, node selector and replicas per cluster; device class per claim template', () => {
    const { workloads, karmada } = setup();
    const fleet = fleetOf(karmada);
    new KarmadaOverride(karmada, 'Sites', {
      fleet,
      constructs: [statelessApp(workloads, 'Chat', 'chat')],
      rules: [
        { target: Placement.clusters(['eu-fra-1']), imageRegistry: 'registry.fra.example', replicas: 4 },
        { target: Placement.labels({ tier: 'edge' }), imageRegistry: 'registry.zrh.example:5000', nodeSelector: { gpu: 'l4' }, deviceClassName: 'edge-gpu' },
      ],
    });
    const out = Testing.synth(karmada);
    expect(out.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['chat/sites', 'chat/sites-chat-claim']);
    expect(out[0].spec).toEqual({
      resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'chat-server' }],
      overrideRules: [
        {
          targetCluster: { clusterNames: ['eu-fra-1'] },
          overriders: {
            imageOverrider: [{ component: 'Registry', operator: 'replace', value: 'registry.fra.example' }],
            plaintext: [{ operator: 'replace', path: '/spec/replicas', value: 4 }],
          },
        },
        {
          targetCluster: { labelSelector: { matchLabels: { tier: 'edge' } } },
          overriders: {
            imageOverrider: [{ component: 'Registry', operator: 'replace', value: 'registry.zrh.example:5000' }],
            plaintext: [{ operator: 'add', path: '/spec/template/spec/nodeSelector', value: { gpu: 'l4' } }],
          },
        },
      ],
    });
    expect(out[1].spec).toEqual({
      resourceSelectors: [{ apiVersion: 'resource.k8s.io/v1', kind: 'ResourceClaimTemplate', name: 'chat-claim' }],
      overrideRules: [{
        targetCluster: { labelSelector: { matchLabels: { tier: 'edge' } } },
        overriders: { plaintext: [{ operator: 'replace', path: '/spec/spec/devices/requests/0/exactly/deviceClassName', value: 'edge-gpu' }] },
      }],
    });
  });

  test('constructs without workloads or claim templates get no policy', () => {
    const { workloads, karmada } = setup();
    const c = new Construct(workloads, 'Classes');
    new KubeDeviceClass(c, 'G', { metadata: { name: 'g' }, spec: {} });
    new KarmadaOverride(karmada, 'O', { constructs: [c], rules: [{ target: Placement.clusters(['a']), imageRegistry: 'r.example' }] });
    expect(Testing.synth(karmada)).toEqual([]);
  });

  const bad = (rules: any[], withFleet = true) => () => {
    const { workloads, karmada } = setup();
    new KarmadaOverride(karmada, 'O', { fleet: withFleet ? fleetOf(karmada) : undefined, constructs: [statelessApp(workloads, 'C', 'c')], rules });
  };
  test('no rules', () => {
    expect(bad([])).toThrow('karmada/O: invalid rules: []. Allowed: at least one rule. Fix: add a rule per cluster or label set.');
  });
  test('empty target cluster list', () => {
    expect(bad([{ target: Placement.clusters([]), imageRegistry: 'r.example' }])).toThrow(
      'karmada/O: invalid rules[0].target.clusterNames: []. Allowed: at least one cluster name. Fix: name the member clusters, or use Placement.labels({...}) to select clusters by label.');
  });
  test('unknown target cluster', () => {
    expect(bad([{ target: Placement.clusters(['eu-lon-1']), imageRegistry: 'r.example' }])).toThrow(
      'karmada/O: invalid rules[0].target.clusterNames: "eu-lon-1". Allowed: a cluster declared in the fleet (eu-fra-1, eu-ams-1, edge-zrh-1, lab-1). Fix: fix the name, or declare the cluster in KarmadaFleet clusters.');
  });
  test('rule without a change', () => {
    expect(bad([{ target: Placement.clusters(['eu-fra-1']) }])).toThrow(
      'karmada/O: invalid rules[0]: {}. Allowed: at least one of imageRegistry, deviceClassName, replicas, nodeSelector.');
  });
  test('registry with a path', () => {
    expect(bad([{ target: Placement.clusters(['eu-fra-1']), imageRegistry: 'r.example/mirror' }])).toThrow(
      'karmada/O: invalid rules[0].imageRegistry: "r.example/mirror". Allowed: a registry host[:port], e.g. registry.fra.bank.internal.');
  });
  test('group target', () => {
    expect(bad([{ target: Placement.allClusters(), replicas: 1 }])).toThrow(
      'karmada/O: invalid rules[0].target: "all". Allowed: Placement.clusters([...]) or Placement.labels({...}).');
  });
});

describe('FederatedTenantQuota', () => {
  test('overall and static assignments', () => {
    const { karmada } = setup();
    const q = new FederatedTenantQuota(karmada, 'Quota', {
      fleet: fleetOf(karmada),
      namespace: 'chat',
      overall: { cpu: 10.5, memoryGiB: 64, devices: { 'gpu.example.com': 4 }, pods: 40, other: { 'requests.storage': '1Ti' } },
      staticAssignments: { 'eu-fra-1': { cpu: 6, devices: { 'gpu.example.com': 3 } }, 'eu-ams-1': { cpu: 4.5, memoryGiB: 32 } },
    });
    expect(Testing.synth(karmada)).toEqual([{
      apiVersion: 'policy.karmada.io/v1alpha1',
      kind: 'FederatedResourceQuota',
      metadata: { name: 'federated-quota', namespace: 'chat', labels: { 'app.kubernetes.io/managed-by': 'sovereign-ai-platform', 'sovereign-ai.dev/tenant': 'chat' } },
      spec: {
        overall: { 'requests.cpu': '10500m', 'requests.memory': '64Gi', 'gpu.example.com.deviceclass.resource.k8s.io/devices': '4', pods: '40', 'requests.storage': '1Ti' },
        staticAssignments: [
          { clusterName: 'eu-fra-1', hard: { 'requests.cpu': '6', 'gpu.example.com.deviceclass.resource.k8s.io/devices': '3' } },
          { clusterName: 'eu-ams-1', hard: { 'requests.cpu': '4500m', 'requests.memory': '32Gi' } },
        ],
      },
    }]);
    expect(q.overall['requests.cpu']).toBe('10500m');
  });
  test('shares above the overall amount', () => {
    const { karmada } = setup();
    expect(() => new FederatedTenantQuota(karmada, 'Q', { namespace: 'chat', overall: { cpu: 8 }, staticAssignments: { a: { cpu: 6 }, b: { cpu: 4 } } })).toThrow(
      'karmada/Q: invalid staticAssignments (requests.cpu): [{"a":"6"},{"b":"4"}]. Allowed: shares that sum to at most the overall requests.cpu (8). Fix: lower the shares or raise overall.');
  });
  test('unknown cluster', () => {
    const { karmada } = setup();
    expect(() => new FederatedTenantQuota(karmada, 'Q', { fleet: fleetOf(karmada), namespace: 'chat', overall: { cpu: 8 }, staticAssignments: { 'eu-x-1': { cpu: 1 } } })).toThrow(
      'karmada/Q: invalid staticAssignments: "eu-x-1". Allowed: a cluster declared in the fleet (eu-fra-1, eu-ams-1, edge-zrh-1, lab-1). Fix: fix the name, or declare the cluster in KarmadaFleet clusters.');
  });
  test('empty overall', () => {
    const { karmada } = setup();
    expect(() => new FederatedTenantQuota(karmada, 'Q', { namespace: 'chat', overall: {} })).toThrow(
      'karmada/Q: invalid overall: {}. Allowed: at least one resource. Fix: set cpu, memoryGiB, devices, pods or other.');
  });
  test('assignment of a resource the overall does not limit', () => {
    const { karmada } = setup();
    expect(() => new FederatedTenantQuota(karmada, 'Q', { namespace: 'chat', overall: { cpu: 8 }, staticAssignments: { a: { pods: 3 } } })).toThrow(
      'karmada/Q: invalid staticAssignments["a"]: "pods". Allowed: resources of overall (requests.cpu).');
  });
});

describe('FederatedAutoscaler', () => {
  const server = () => {
    const { workloads, karmada } = setup();
    const d = new KubeDeployment(workloads, 'Llm', {
      metadata: { name: 'llm', namespace: 'chat' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'm', image: 'x' }] } } },
    });
    return { d, karmada };
  };
  test('defaults: min 1, CPU 80 %, named after the target', () => {
    const { d, karmada } = server();
    const a = new FederatedAutoscaler(karmada, 'Hpa', { target: d, maxReplicas: 10 });
    expect(a.minReplicas).toBe(1);
    expect(Testing.synth(karmada)).toEqual([{
      apiVersion: 'autoscaling.karmada.io/v1alpha1',
      kind: 'FederatedHPA',
      metadata: { name: 'llm', namespace: 'chat', labels: { 'app.kubernetes.io/managed-by': 'sovereign-ai-platform' } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llm' },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
    }]);
  });
  test('pods metric (vLLM queue length) and memory', () => {
    const { d, karmada } = server();
    new FederatedAutoscaler(karmada, 'Hpa', {
      target: d, minReplicas: 2, maxReplicas: 6,
      metrics: [AutoscalingMetric.podsAverage('vllm:num_requests_waiting', '5'), AutoscalingMetric.memoryUtilization(70)],
    });
    expect(Testing.synth(karmada)[0].spec.metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'vllm:num_requests_waiting' }, target: { type: 'AverageValue', averageValue: '5' } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } },
    ]);
  });
  test('max below min', () => {
    const { d, karmada } = server();
    expect(() => new FederatedAutoscaler(karmada, 'Hpa', { target: d, minReplicas: 3, maxReplicas: 2 })).toThrow(
      'karmada/Hpa: invalid maxReplicas: 2. Allowed: an integer >= minReplicas (3).');
  });
  test('bad metric quantity', () => {
    const { d, karmada } = server();
    expect(() => new FederatedAutoscaler(karmada, 'Hpa', { target: d, maxReplicas: 2, metrics: [AutoscalingMetric.podsAverage('q', 'five')] })).toThrow(
      'karmada/Hpa: invalid metrics[0]: "five". Allowed: a Kubernetes quantity, e.g. \'5\' or \'500m\'.');
  });
  test('cluster-scoped target', () => {
    const { karmada } = setup();
    const dc = new KubeDeviceClass(karmada, 'Dc', { metadata: { name: 'g' }, spec: {} });
    expect(() => new FederatedAutoscaler(karmada, 'Hpa', { target: dc, maxReplicas: 2 })).toThrow(
      'karmada/Hpa: invalid target: "DeviceClass g". Allowed: a namespaced workload. Fix: scale the model server workload (Deployment, StatefulSet, ...) in its namespace.');
  });
});

describeWithSchemas('overrides, quotas and autoscalers: conformance', () => {
  test('conform strictly', () => {
    const { workloads, karmada } = setup();
    const apps = statelessApp(workloads, 'Chat', 'chat');
    new KarmadaOverride(karmada, 'O', {
      constructs: [apps],
      rules: [{ target: Placement.labels({ tier: 'edge' }), imageRegistry: 'r.example', replicas: 1, nodeSelector: { a: 'b' }, deviceClassName: 'edge-gpu' }],
    });
    new FederatedTenantQuota(karmada, 'Q', { namespace: 'chat', overall: { cpu: 4, memoryGiB: 8, devices: { g: 2 } }, staticAssignments: { a: { cpu: 2 } } });
    const d = apps.node.findChild('Server') as KubeDeployment;
    new FederatedAutoscaler(karmada, 'H', { target: d, maxReplicas: 4, metrics: [AutoscalingMetric.podsAverage('q', '5'), AutoscalingMetric.cpuUtilization(60)] });
    const out = Testing.synth(karmada);
    expect(ofKind(out, 'OverridePolicy')).toHaveLength(2);
    expectConformant(out);
  });
});
