import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { ManifestDeployment } from './manifest-deployment';

/** Arguments of an `AppDeployment` (plain data: no Pulumi Inputs). */
export interface AppDeploymentArgs {
  /**
   * The cdk8s app whose charts are all deployed (what `cdk8s synth` would write for it).
   * @see https://cdk8s.io/docs/latest/basics/app/
   */
  readonly app: App;
}

/**
 * Deploys every chart of a cdk8s App to one cluster (the `provider` resource option) with Pulumi: exactly the
 * objects `cdk8s synth` writes for the app, in dependency order. See `ManifestDeployment`.
 *
 * ```ts
 * const app = new App();
 * buildReferencePlatform(app, config);
 * new AppDeployment('reference', { app }, { provider: new k8s.Provider('cluster', { context: 'prod' }) });
 * ```
 */
export class AppDeployment extends ManifestDeployment {
  /** Pulumi type token of this component. */
  public static readonly TYPE = 'sovereign-ai:index:AppDeployment';

  /**
   * @param name the Pulumi resource name; prefixes the name of every object's resource
   * @param args the app to deploy
   * @param opts Pulumi options; `provider` selects the cluster
   */
  constructor(name: string, args: AppDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AppDeployment.TYPE, name, args.app, opts, `AppDeployment "${name}"`);
  }
}
