import { App } from 'cdk8s';

/** Placeholder until the example lands: no apps. */
export function apps(_outdir: string): App[] {
  return [];
}
