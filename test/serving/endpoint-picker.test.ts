import { Testing } from 'cdk8s';
import { ContainerImage } from '../../lib/core';
import { EPP_GRPC_PORT, EPP_HEALTH_PORT, EPP_METRICS_PORT, EndpointPicker } from '../../lib/serving';

const IMAGE = ContainerImage.fromRegistry('registry.x.internal', 'llm-d/llm-d-inference-scheduler', 'sha256:' + 'b'.repeat(64));

describe('EndpointPicker', () => {
  const chart = Testing.chart();
  const picker = new EndpointPicker(chart, 'Epp', { namespace: 'claims', poolName: 'llama-pool', modelName: 'llama', image: IMAGE });
  const objects = Testing.synth(chart);
  const dep = objects.find((o) => o.kind === 'Deployment');
  const c = dep.spec.template.spec.containers[0];

  test('ports of the upstream EPP runner: ext-proc 9002, gRPC health 9003, metrics 9090', () => {
    expect([EPP_GRPC_PORT, EPP_HEALTH_PORT, EPP_METRICS_PORT]).toEqual([9002, 9003, 9090]);
    expect(c.ports).toEqual([
      { name: 'grpc', containerPort: 9002, protocol: 'TCP' },
      { name: 'grpc-health', containerPort: 9003, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
  });

  test('command line: the runner flags (boolean flags with =value)', () => {
    expect(c.args).toEqual([
      '--pool-name', 'llama-pool',
      '--pool-namespace', 'claims',
      '--config-file', '/config/epp-config.yaml',
      '--grpc-port', '9002',
      '--grpc-health-port', '9003',
      '--metrics-port', '9090',
      '--metrics-endpoint-auth=false',
      '--zap-encoder', 'json',
    ]);
    expect(c.env).toEqual([
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
  });

  test('probes use the gRPC health service "inference-extension" on 9003', () => {
    expect(c.readinessProbe).toEqual({ grpc: { port: 9003, service: 'inference-extension' }, periodSeconds: 5, initialDelaySeconds: 5 });
    expect(c.livenessProbe).toEqual({ grpc: { port: 9003, service: 'inference-extension' }, periodSeconds: 10, initialDelaySeconds: 5 });
  });

  test('config file mounted from its ConfigMap; the only pod with a token (it watches pods and the pool)', () => {
    expect(c.volumeMounts).toEqual([{ name: 'config', mountPath: '/config', readOnly: true }]);
    expect(dep.spec.template.spec.volumes).toEqual([{ name: 'config', configMap: { name: 'llama-pool-epp' } }]);
    expect(dep.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(picker.pickerConfig.kind).toBe('EndpointPickerConfig');
    const role = objects.find((o) => o.kind === 'Role');
    expect(role.rules[0]).toEqual({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] });
  });

  test('Service exposes ext-proc as HTTP/2', () => {
    expect(objects.find((o) => o.kind === 'Service').spec.ports[0]).toEqual(
      { name: 'grpc-ext-proc', port: 9002, targetPort: 9002, protocol: 'TCP', appProtocol: 'http2' });
  });
});
