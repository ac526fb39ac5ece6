/*
 * The benchmark platform built with the library's own constructs: the reference platform (examples/reference:
 * Tenant, GpuPool, MinioTenant/buckets, SovereignInferenceStack, Guardrails policy packs, one chart per concern)
 * with a generated catalog of `models` models over one tenant per 50 models.
 */
import { App } from 'cdk8s';
import { buildReferencePlatform, DEFAULT_REFERENCE_CONFIG, ReferenceModelConfig, ReferencePlatformConfig } from '../examples/reference/platform';
import { MODELS_PER_TENANT } from './plain-platform';

/** The generated configuration: deterministic, sized so that the GPU pool fits every model. */
export function constructPlatformConfig(models: number): ReferencePlatformConfig {
  const sizes: ReadonlyArray<Pick<ReferenceModelConfig, 'parametersBillions' | 'precision' | 'contextLength'>> = [
    { parametersBillions: 8, precision: 'bf16', contextLength: 8192 },
    { parametersBillions: 3.2, precision: 'bf16', contextLength: 4096 },
    { parametersBillions: 14.7, precision: 'fp8', contextLength: 8192 },
    { parametersBillions: 7.2, precision: 'int4', contextLength: 8192 },
  ];
  const tenantCount = Math.ceil(models / MODELS_PER_TENANT);
  const tenants = Array.from({ length: tenantCount }, (_, t) => ({
    name: `tenant-${String(t).padStart(3, '0')}`,
    gpuQuota: 2 * Math.min(MODELS_PER_TENANT, models - t * MODELS_PER_TENANT),
    cpuQuota: MODELS_PER_TENANT * 16,
    memoryGiB: MODELS_PER_TENANT * 128,
  }));
  const catalog = Array.from({ length: models }, (_, i): ReferenceModelConfig => ({
    name: `model-${String(i).padStart(5, '0')}`,
    tenant: tenants[Math.floor(i / MODELS_PER_TENANT)].name,
    ...sizes[i % sizes.length],
    minReplicas: 1,
    maxReplicas: 2,
  }));
  return {
    ...DEFAULT_REFERENCE_CONFIG,
    tenants,
    models: catalog,
    cluster: { ...DEFAULT_REFERENCE_CONFIG.cluster, nodes: Math.max(1, Math.ceil((models * 2) / 8)), gpusPerNode: 8 },
  };
}

/** Adds a platform of `models` models built with the library's constructs to `app`. */
export function buildConstructPlatform(app: App, models: number): void {
  buildReferencePlatform(app, constructPlatformConfig(models));
}
