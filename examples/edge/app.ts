import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { SovereignInferenceStack, StackProfile, Tenant } from '../../lib/platform';
import { Guardrails } from '../../lib/policy';
import { ContainerImage } from '../../lib/core';
import { ModelSource, ServingEngine } from '../../lib/serving';

/** Private registry of the clinic's edge node (a local mirror). */
export const EDGE_REGISTRY = 'registry.clinic.internal';

/** Digests of the images mirrored into the clinic's registry (placeholders: well-formed, not real). */
export const EDGE_IMAGE_DIGESTS = { ollama: 'sha256:' + '6'.repeat(64), vector: 'sha256:' + '3'.repeat(64) };

/**
 * An edge clinic: one K3s-class node, Ollama serving a small model from the node's local disk (`local-path`
 * storage), the same guarantees as the datacenter: Pod Security restricted, default-deny with explicit flows only,
 * digest-pinned images from the clinic's registry, weights from the node (never a public hub), telemetry off.
 *
 * Audit trail: every inference request is logged (gateway -> Vector over OTLP) as JSON lines on a local volume
 * (`audit-log` claim). The clinic has no object store, so the trail is not WORM (object lock needs an S3 store): a
 * root user of the node could alter it. Where immutability is required, the files are shipped to the datacenter's
 * WORM audit bucket when the site is connected (outside this example).
 */
export function buildEdgePlatform(scope: Construct): Chart[] {
  Guardrails.configure(scope, { approvedRegistries: [EDGE_REGISTRY] });
  const chart = new Chart(scope, 'edge', { disableResourceNameHashes: true });
  const clinic = new Tenant(chart, 'clinic', { cpuQuota: 8, memoryGiB: 24 });
  new SovereignInferenceStack(chart, 'Inference', {
    registry: EDGE_REGISTRY,
    profile: StackProfile.edge({ engine: ServingEngine.ollama(), storageClassName: 'local-path', modelVolumeGiB: 50 }),
    images: {
      modelServer: ContainerImage.fromRegistry(EDGE_REGISTRY, 'ollama/ollama', EDGE_IMAGE_DIGESTS.ollama),
      auditLogShipper: ContainerImage.fromRegistry(EDGE_REGISTRY, 'timberio/vector', EDGE_IMAGE_DIGESTS.vector),
    },
    tenants: [clinic],
    localAuditLog: { volumeGiB: 5 },
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
