/*
 * Deterministic platform generators of the benchmark. `plain`: plain cdk8s objects (bench/plain-platform.ts);
 * `constructs`: the library's own constructs (bench/construct-platform.ts).
 */
import { App } from 'cdk8s';
import { buildPlainPlatform, PlatformLayout } from './plain-platform';

/** Which platform the benchmark builds. */
export type Generator = 'plain' | 'plain-single-chart' | 'plain-nested' | 'constructs';

/** Adds a platform of `models` models to `app`. */
export function buildPlatform(app: App, models: number, generator: Generator): void {
  switch (generator) {
    case 'plain':
      return buildPlainPlatform(app, models, PlatformLayout.CHART_PER_MODEL);
    case 'plain-single-chart':
      return buildPlainPlatform(app, models, PlatformLayout.SINGLE_CHART);
    case 'plain-nested':
      return buildPlainPlatform(app, models, PlatformLayout.NESTED_CHARTS);
    case 'constructs': {
      // loaded lazily: the platform constructs may be absent from a build
      const { buildConstructPlatform } = require('./construct-platform') as { buildConstructPlatform(app: App, models: number): void };
      return buildConstructPlatform(app, models);
    }
    default:
      throw new Error(`unknown generator ${String(generator)}`);
  }
}

/**
 * Arguments of `planCapacity` for `models` models on `gpus` GPUs (H100 80GB, 4 per node): the planner's
 * reference mix repeated with unique names. `undefined` when the compute module lacks what is needed.
 */
export function plannerInput(compute: Record<string, unknown>, models: number, gpus: number): unknown[] | undefined {
  const mix = compute.REFERENCE_MIX as ReadonlyArray<{ name: string; paramsBillions: number; replicas?: number }> | undefined;
  const product = (compute.GpuProduct as { H100_80GB?: unknown } | undefined)?.H100_80GB;
  if (!mix || !product) return undefined;
  // Small and mid-size models (up to 15B), one replica each, so that 1,000 of them can fit on 500 GPUs.
  const small = mix.filter((m) => m.paramsBillions <= 15);
  const list = Array.from({ length: models }, (_, i) => {
    const m = small[i % small.length];
    return { ...m, name: `${m.name}-${String(i).padStart(4, '0')}`, replicas: 1 };
  });
  const gpusPerNode = 4;
  return [{ models: list, inventory: { product, nodes: Math.ceil(gpus / gpusPerNode), gpusPerNode } }];
}
