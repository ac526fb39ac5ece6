import { Testing } from 'cdk8s';
import { ContainerImage } from '../../lib/core';
import { AuditLogShipper, EndpointPicker } from '../../lib/serving';

const PINNED = ContainerImage.fromRegistry('registry.x.internal', 'any/image', 'sha256:' + 'b'.repeat(64));
const deploymentOf = (objects: any[]) => objects.find((o) => o.kind === 'Deployment');

describe('an unpinned image is recorded on the Deployment that runs it', () => {
  test('EndpointPicker', () => {
    const chart = Testing.chart();
    const image = ContainerImage.unpinned('registry.x.internal/llm-d/llm-d-inference-scheduler:v0.3.0', { reason: 'vendor build' });
    new EndpointPicker(chart, 'Epp', { namespace: 'claims', poolName: 'llama-pool', modelName: 'llama', image });
    const dep = deploymentOf(Testing.synth(chart));
    expect(dep.metadata.annotations).toEqual({
      'sovereign-ai.dev/construct-path': 'test/Epp',
      'sovereign-ai.dev/suppressions': 'sovereignty/image-digest=vendor build',
    });
    expect(dep.spec.template.spec.containers[0].image).toBe('registry.x.internal/llm-d/llm-d-inference-scheduler:v0.3.0');
  });

  test('AuditLogShipper', () => {
    const chart = Testing.chart();
    const image = ContainerImage.unpinned('registry.x.internal/timberio/vector:0.49.0', { reason: 'edge mirror' });
    new AuditLogShipper(chart, 'Audit', { namespace: 'claims', tenant: 'claims', localVolume: { claimName: 'audit' }, image });
    expect(deploymentOf(Testing.synth(chart)).metadata.annotations).toEqual({
      'sovereign-ai.dev/construct-path': 'test/Audit',
      'sovereign-ai.dev/suppressions': 'sovereignty/image-digest=edge mirror',
    });
  });

  test('a pinned image adds nothing', () => {
    const chart = Testing.chart();
    new AuditLogShipper(chart, 'Audit', { namespace: 'claims', tenant: 'claims', localVolume: { claimName: 'audit' }, image: PINNED });
    expect(deploymentOf(Testing.synth(chart)).metadata.annotations).toEqual({ 'sovereign-ai.dev/construct-path': 'test/Audit' });
  });
});
