import * as pulumi from '@pulumi/pulumi';
import { Chart } from 'cdk8s';
import { ManifestDeployment } from './manifest-deployment';

/** Arguments of a `ChartDeployment` (plain data: no Pulumi Inputs). */
export interface ChartDeploymentArgs {
  /**
   * The charts to deploy. Their objects are deployed together in dependency order; dependencies on objects of
   * charts not listed here are not represented.
   * @see https://cdk8s.io/docs/latest/basics/chart/
   */
  readonly charts: readonly Chart[];
}

/**
 * Deploys the objects of one or more cdk8s charts to one cluster (the `provider` resource option) with Pulumi:
 * exactly the objects `chart.toJson()` returns, in dependency order. See `ManifestDeployment`.
 *
 * ```ts
 * const cluster = new k8s.Provider('gpu-cluster-a', { context: 'gpu-a' });
 * new ChartDeployment('serving', { charts: [servingChart] }, { provider: cluster });
 * ```
 */
export class ChartDeployment extends ManifestDeployment {
  /** Pulumi type token of this component. */
  public static readonly TYPE = 'sovereign-ai:index:ChartDeployment';

  /**
   * @param name the Pulumi resource name; prefixes the name of every object's resource
   * @param args the charts to deploy
   * @param opts Pulumi options; `provider` selects the cluster
   */
  constructor(name: string, args: ChartDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ChartDeployment.TYPE, name, args.charts, opts, `ChartDeployment "${name}"`);
  }
}
