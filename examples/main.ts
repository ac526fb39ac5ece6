/*
 * Entry point of `npm run synth` (cdk8s.yaml `app:`): synthesizes every example into its own subfolder of the
 * output directory (`dist/` by default, or `$CDK8S_OUTDIR` when run by `cdk8s synth`).
 */
import { join } from 'path';
import { referenceApp } from './reference/platform';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';

referenceApp(join(outdir, 'reference')).synth();
