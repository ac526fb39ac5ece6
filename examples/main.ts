/*
 * Entry point of `npm run synth` (cdk8s.yaml `app:`): synthesizes every example into its own subfolder of the
 * output directory (`dist/` by default, or `$CDK8S_OUTDIR` when run by `cdk8s synth`).
 *
 * Each example module exports `apps(outdir)`: the cdk8s Apps of that example, each with its own output folder
 * below `outdir`.
 */
import { join } from 'path';
import { App } from 'cdk8s';
import { synthesize } from '../lib/synth';
import * as reference from './reference/app';
import * as edge from './edge/app';
import * as multiCluster from './multi-cluster/app';

export const EXAMPLES: ReadonlyArray<{ readonly name: string; apps(outdir: string): App[] }> = [
  { name: 'reference', apps: reference.apps },
  { name: 'edge', apps: edge.apps },
  { name: 'multi-cluster', apps: multiCluster.apps },
];

/** Builds the apps of every example below `outdir` (one subfolder per example). */
export function allApps(outdir: string): App[] {
  return EXAMPLES.flatMap((e) => e.apps(join(outdir, e.name)));
}

if (require.main === module) {
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  // The library's synth path: each app is prepared once (dependencies, validations incl. the policy packs), then
  // every chart is serialized; output is byte-identical to `app.synth()`.
  for (const app of allApps(outdir)) synthesize(app);
}
