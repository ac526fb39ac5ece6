import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { SovereignInferenceStack, StackProfile, Tenant } from '../../lib/platform';
import { ContainerImage, ModelSource, ServingEngine } from '../../lib/serving';

/** Private registry of the clinic's edge node (a local mirror). */
export const EDGE_REGISTRY = 'registry.clinic.internal';

/**
 * An edge clinic: one K3s-class node, Ollama serving a small model from the node's local disk (`local-path`
 * storage), the same guarantees as the datacenter (default-deny, digest-pinned private images, no public hub).
 */
export function buildEdgePlatform(scope: Construct): Chart[] {
  const chart = new Chart(scope, 'edge', { disableResourceNameHashes: true });
  const clinic = new Tenant(chart, 'clinic', { cpuQuota: 8, memoryGiB: 24 });
  new SovereignInferenceStack(chart, 'Inference', {
    registry: EDGE_REGISTRY,
    profile: StackProfile.edge({ engine: ServingEngine.ollama(), storageClassName: 'local-path', modelVolumeGiB: 50 }),
    images: { modelServer: ContainerImage.fromRegistry(EDGE_REGISTRY, 'ollama/ollama', 'sha256:' + '6'.repeat(64)) },
    tenants: [clinic],
    clients: [{ namespace: 'clinic-apps', podSelector: { 'app.kubernetes.io/name': 'triage-assistant' } }],
    models: [{
      name: 'llama-3-2-3b', tenant: clinic, source: ModelSource.fromLocalVolume('llama-3-2-3b'),
      parametersBillions: 3.2, cpu: 4, memoryGiB: 8,
    }],
  });
  return [chart];
}

/** The edge example as one cdk8s App writing to `outdir`. */
export function apps(outdir: string): App[] {
  const app = new App({ outdir });
  buildEdgePlatform(app);
  return [app];
}
