/*
 * The benchmark platform built with the library's own constructs (SovereignInferenceStack / Tenant, GpuPool,
 * storage), once lib/platform exports them.
 */
import { App } from 'cdk8s';

/** Adds a platform of `models` models built with the library's constructs to `app`. */
export function buildConstructPlatform(_app: App, _models: number): void {
  const platform = require('../lib/platform') as Record<string, unknown>;
  if (!platform.SovereignInferenceStack) throw new Error('lib/platform does not export SovereignInferenceStack yet');
  throw new Error('construct platform generator not wired yet');
}
