/*
 * Entry point of `npm run synth` (cdk8s.yaml `app:`): synthesizes every example into its own subfolder of the
 * output directory (`dist/` by default, or `$CDK8S_OUTDIR` when run by `cdk8s synth`).
 *
 * Each example module exports `apps(outdir)`: the cdk8s Apps of that example, each with its own output folder
 * below `outdir`.
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
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

/**
 * Synthesizes every example below `outdir` with the library's synth path (each app prepared once: dependencies,
 * validations incl. the policy packs; then every chart serialized, byte-identical to `app.synth()`).
 *
 * When construct metadata is recorded (`cdk8s synth` does so for its validation plugins), each app writes its own
 * `construct-metadata.json`; they are merged into `<outdir>/construct-metadata.json`, where `cdk8s synth` reads it,
 * so plugin reports name the construct of every finding.
 */
export function synthesizeExamples(outdir: string): void {
  const resources: Record<string, unknown> = {};
  let recorded = false;
  for (const app of allApps(outdir)) {
    synthesize(app);
    const file = join(app.outdir, 'construct-metadata.json');
    if (!existsSync(file)) continue;
    recorded = true;
    const metadata = JSON.parse(readFileSync(file, 'utf8')) as { resources: Record<string, unknown> };
    for (const [name, value] of Object.entries(metadata.resources)) {
      if (!(name in resources)) resources[name] = value;
    }
  }
  if (recorded) {
    writeFileSync(join(outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
  }
}

if (require.main === module) {
  synthesizeExamples(process.env.CDK8S_OUTDIR ?? 'dist');
}
