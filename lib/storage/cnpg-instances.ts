import { Construct } from 'constructs';
import { EnvSource, IWorkload, NetworkEndpoint, markWorkload, setEnvVar } from '../core';

/**
 * The PostgreSQL instance pods of a CloudNativePG Cluster seen as a workload, so that the cluster can be granted
 * access to a backup bucket like any other workload. Env vars go to the Cluster's `spec.env` (CloudNativePG passes
 * them to every instance pod).
 */
export class CnpgInstances extends Construct implements IWorkload {
  /** The instance pods (`cnpg.io/cluster: <name>`). */
  public readonly endpoint: NetworkEndpoint;
  private readonly _env: Array<Record<string, unknown>> = [];

  constructor(scope: Construct, id: string, namespace: string, clusterName: string) {
    super(scope, id);
    this.endpoint = { namespace, podSelector: { 'cnpg.io/cluster': clusterName } };
    markWorkload(this);
  }

  /** Adds an env var to every instance pod. */
  public addEnv(name: string, source: EnvSource): void {
    setEnvVar(this._env, name, source);
  }

  /** The env vars added so far (for `spec.env`). */
  public get env(): ReadonlyArray<Record<string, unknown>> {
    return this._env.map((e) => ({ ...e }));
  }
}
