import { App } from 'cdk8s';
import { buildReferencePlatform } from './platform';

/** The reference platform as one cdk8s App writing to `outdir`. */
export function apps(outdir: string): App[] {
  const app = new App({ outdir });
  buildReferencePlatform(app);
  return [app];
}
