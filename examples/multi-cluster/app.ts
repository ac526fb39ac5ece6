import { join } from 'path';
import { App } from 'cdk8s';
import { buildBankFederation } from './federation';
import { buildBankWorkloads } from './workloads';

/**
 * The multi-cluster example: an EU bank with two EU data centres and an edge site outside the EU. The serving
 * platform is the SovereignInferenceStack (plain vLLM Deployments) with its tenants, GPU pool, MinIO buckets and a
 * pgvector store; Karmada divides the model servers over the data centres by GPU capacity and keeps the data in the
 * EU. Two apps with separate output: `<outdir>/workloads/` holds the resource templates (applied to the Karmada API
 * server like to any cluster) and `<outdir>/karmada/` the Karmada control-plane objects (propagation and override
 * policies, federated quotas, FederatedHPAs).
 */
export function apps(outdir: string): App[] {
  const workloadsApp = new App({ outdir: join(outdir, 'workloads') });
  const karmadaApp = new App({ outdir: join(outdir, 'karmada') });
  const workloads = buildBankWorkloads(workloadsApp);
  buildBankFederation(karmadaApp, workloads);
  return [workloadsApp, karmadaApp];
}
