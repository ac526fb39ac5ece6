import { Construct } from 'constructs';
import { ContainerImage, EnvSource, IWorkload, NetworkEndpoint, markWorkload } from '../../lib/core';

/** A minimal workload for tests: records env vars, selects pods by one label. */
export class TestWorkload extends Construct implements IWorkload {
  public readonly endpoint: NetworkEndpoint;
  public readonly env = new Map<string, EnvSource>();

  constructor(scope: Construct, id: string, namespace = 'apps') {
    super(scope, id);
    this.endpoint = { namespace, podSelector: { 'app.kubernetes.io/name': id.toLowerCase() } };
    markWorkload(this);
  }

  public addEnv(name: string, source: EnvSource): void {
    this.env.set(name, source);
  }
}

export const DIGEST = 'sha256:' + 'a'.repeat(64);
export const MINIO_IMAGE = ContainerImage.fromReference(`registry.internal/minio/minio@${DIGEST}`);
export const MC_IMAGE = ContainerImage.fromReference(`registry.internal/minio/mc@${DIGEST}`);
export const PG_IMAGE = ContainerImage.fromReference(`registry.internal/cloudnative-pg/postgresql:17-standard@${DIGEST}`);

/** Every string anywhere in a JSON value. */
export function allStrings(x: unknown, out: string[] = []): string[] {
  if (typeof x === 'string') out.push(x);
  else if (Array.isArray(x)) x.forEach((v) => allStrings(v, out));
  else if (x && typeof x === 'object') Object.values(x).forEach((v) => allStrings(v, out));
  return out;
}

/** Fails if an object is a Secret carrying data, or if any env var has a literal value under a secret-looking name. */
export function expectNoSecretValues(objects: readonly any[]): void {
  for (const o of objects) {
    if (o.kind === 'Secret') {
      expect({ name: o.metadata?.name, data: o.data, stringData: o.stringData }).toEqual({ name: o.metadata?.name, data: undefined, stringData: undefined });
    }
    const walk = (x: any): void => {
      if (Array.isArray(x)) { x.forEach(walk); return; }
      if (!x || typeof x !== 'object') return;
      if (typeof x.name === 'string' && 'value' in x && /(SECRET|PASSWORD|TOKEN|ACCESS_KEY|PRIVATE)/i.test(x.name)) {
        throw new Error(`literal value for secret-looking env var ${x.name} in ${o.kind}/${o.metadata?.name}`);
      }
      Object.values(x).forEach(walk);
    };
    walk(o);
    for (const s of allStrings(o)) {
      if (/-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|MINIO_ROOT_PASSWORD=\S/.test(s)) {
        throw new Error(`secret-looking value in ${o.kind}/${o.metadata?.name}: ${s.slice(0, 40)}`);
      }
    }
  }
}

/** The message of the error `fn` throws (fails if it does not throw). */
/** The message of the error `fn` throws. */
export { errorMessageOf as errorOf } from '../support/errors';
