import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Labels, MANAGED_BY, ValidationError, isDns1123Subdomain, parseQuantity } from '../core';
import {
  FederatedHpa, FederatedHpaSpecMetrics, FederatedHpaSpecMetricsPodsTargetAverageValue,
} from '../imports/karmada-fhpa-autoscaling.karmada.io';

/**
 * A metric a federated autoscaler scales on (the `autoscaling/v2` metric types, aggregated across clusters).
 *
 * @see https://karmada.io/docs/userguide/autoscaling/federatedhpa
 */
export class AutoscalingMetric {
  /** Average CPU utilization of the pods, in percent of their requests. */
  public static cpuUtilization(percent: number): AutoscalingMetric {
    return new AutoscalingMetric('cpuUtilization', percent, {
      type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } },
    });
  }

  /** Average memory utilization of the pods, in percent of their requests. */
  public static memoryUtilization(percent: number): AutoscalingMetric {
    return new AutoscalingMetric('memoryUtilization', percent, {
      type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: percent } },
    });
  }

  /**
   * A per-pod custom metric (from the metrics adapter), averaged over the pods: e.g. vLLM's queue length
   * `vllm:num_requests_waiting` with target `'5'`.
   */
  public static podsAverage(metricName: string, averageValue: string): AutoscalingMetric {
    return new AutoscalingMetric('podsAverage', averageValue, {
      type: 'Pods', pods: { metric: { name: metricName }, target: { type: 'AverageValue', averageValue: FederatedHpaSpecMetricsPodsTargetAverageValue.fromString(averageValue) } },
    });
  }

  private constructor(
    /** Which factory made it (for messages). */
    public readonly factory: string,
    /** The target value given. */
    public readonly target: number | string,
    /** The FederatedHPA metric. */
    public readonly spec: FederatedHpaSpecMetrics,
  ) {}
}

/** Props of {@link FederatedAutoscaler}. */
export interface FederatedAutoscalerProps {
  /**
   * The workload to scale (a Deployment, StatefulSet or other object with a scale subresource): the model server.
   * @see https://karmada.io/docs/userguide/autoscaling/federatedhpa
   */
  readonly target: ApiObject;
  /**
   * Maximum replicas across all member clusters.
   * @see https://karmada.io/docs/userguide/autoscaling/federatedhpa
   */
  readonly maxReplicas: number;
  /**
   * Minimum replicas across all member clusters.
   * @see https://karmada.io/docs/userguide/autoscaling/federatedhpa
   * @default 1
   */
  readonly minReplicas?: number;
  /**
   * Metrics to scale on.
   * @see https://karmada.io/docs/userguide/autoscaling/federatedhpa
   * @default [AutoscalingMetric.cpuUtilization(80)]
   */
  readonly metrics?: readonly AutoscalingMetric[];
  /** Name of the FederatedHPA. @default - the target's name */
  readonly name?: string;
}

/**
 * Autoscaling across clusters: a Karmada `autoscaling.karmada.io/v1alpha1` FederatedHPA on a propagated workload
 * (e.g. a model server), in the workload's namespace. Karmada scales the resource template and divides the replicas
 * over the clusters as the propagation's replica scheduling says.
 *
 * @see https://karmada.io/docs/userguide/autoscaling/federatedhpa
 */
export class FederatedAutoscaler extends Construct {
  /** The emitted FederatedHPA. */
  public readonly resource: FederatedHpa;
  /** Minimum replicas. */
  public readonly minReplicas: number;
  /** Maximum replicas. */
  public readonly maxReplicas: number;

  constructor(scope: Construct, id: string, props: FederatedAutoscalerProps) {
    super(scope, id);
    const namespace = props.target.metadata.namespace;
    if (!namespace) {
      throw ValidationError.invalidProp(this, {
        prop: 'target', value: `${props.target.kind} ${props.target.name}`, allowed: 'a namespaced workload',
        fix: 'scale the model server workload (Deployment, StatefulSet, ...) in its namespace.',
      });
    }
    this.minReplicas = props.minReplicas ?? 1;
    this.maxReplicas = props.maxReplicas;
    if (!Number.isInteger(this.minReplicas) || this.minReplicas < 1) {
      throw ValidationError.invalidProp(this, { prop: 'minReplicas', value: props.minReplicas, allowed: 'an integer >= 1' });
    }
    if (!Number.isInteger(this.maxReplicas) || this.maxReplicas < this.minReplicas) {
      throw ValidationError.invalidProp(this, {
        prop: 'maxReplicas', value: props.maxReplicas, allowed: `an integer >= minReplicas (${this.minReplicas})`,
      });
    }
    const metrics = props.metrics ?? [AutoscalingMetric.cpuUtilization(80)];
    if (metrics.length === 0) {
      throw ValidationError.invalidProp(this, { prop: 'metrics', value: [], allowed: 'at least one metric' });
    }
    metrics.forEach((m, i) => {
      if (typeof m.target === 'number' && (!Number.isInteger(m.target) || m.target < 1)) {
        throw ValidationError.invalidProp(this, { prop: `metrics[${i}]`, value: m.target, allowed: 'a utilization percentage (integer >= 1)' });
      }
      if (typeof m.target === 'string' && parseQuantity(m.target) === undefined) {
        throw ValidationError.invalidProp(this, { prop: `metrics[${i}]`, value: m.target, allowed: 'a Kubernetes quantity, e.g. \'5\' or \'500m\'' });
      }
    });
    const name = props.name ?? props.target.name;
    if (!isDns1123Subdomain(name)) throw ValidationError.invalidProp(this, { prop: 'name', value: name, allowed: 'a DNS-1123 subdomain' });
    this.resource = new FederatedHpa(this, 'Resource', {
      metadata: { name, namespace, labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY } },
      spec: {
        scaleTargetRef: { apiVersion: props.target.apiVersion, kind: props.target.kind, name: props.target.name },
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        metrics: metrics.map((m) => m.spec),
      },
    });
  }
}
