import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Labels, MANAGED_BY } from '../core';

/** Props of {@link ModelMonitoring}. */
export interface ModelMonitoringProps {
  /** Namespace (the model's tenant). */
  readonly namespace: string;
  /** Model name (the `model_name` label of vLLM metrics). @see https://docs.vllm.ai/en/latest/design/metrics.html */
  readonly modelName: string;
  /** Labels selecting the model server pods (PodMonitor selector). @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** p95 end-to-end latency objective, in seconds (alert threshold). @see https://prometheus-operator.dev/docs/developer/alerting/ @default 30 */
  readonly latencyP95Seconds?: number;
  /** Highest tolerated ratio of aborted requests over 10 minutes. @default 0.05 */
  readonly maxErrorRatio?: number;
  /**
   * Labels Prometheus uses to select rules and monitors (`ruleSelector`/`podMonitorSelector`).
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusSpec
   * @default {}
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
}

/**
 * Observability of one vLLM model: a PodMonitor scraping `/metrics` on the server port and a PrometheusRule with SLO
 * alerts: p95 latency (`vllm:e2e_request_latency_seconds`), error ratio (`vllm:request_success_total` with
 * `finished_reason="abort"`), sustained queueing (`vllm:num_requests_waiting`) and a down alert.
 *
 * @see https://docs.vllm.ai/en/latest/usage/metrics.html
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
export class ModelMonitoring extends Construct {
  /** The PodMonitor. */
  public readonly resource: ApiObject;
  /** The PrometheusRule. */
  public readonly rules: ApiObject;
  /** Resolved p95 latency objective (seconds). */
  public readonly latencyP95Seconds: number;
  /** Resolved error ratio objective. */
  public readonly maxErrorRatio: number;

  constructor(scope: Construct, id: string, props: ModelMonitoringProps) {
    super(scope, id);
    this.latencyP95Seconds = props.latencyP95Seconds ?? 30;
    this.maxErrorRatio = props.maxErrorRatio ?? 0.05;
    const labels = {
      [Labels.MODEL]: props.modelName, [Labels.COMPONENT]: 'monitoring',
      [Labels.APP_PART_OF]: 'sovereign-inference-stack', [Labels.APP_MANAGED_BY]: MANAGED_BY,
      ...(props.prometheusSelectorLabels ?? {}),
    };
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: props.modelName, namespace: props.namespace, labels },
      spec: {
        selector: { matchLabels: { ...props.selectorLabels } },
        podMetricsEndpoints: [{ port: 'http', path: '/metrics', interval: '15s' }],
      },
    });
    const sel = `namespace="${props.namespace}",model_name="${props.modelName}"`;
    const alertLabels = { severity: 'warning', [Labels.MODEL.replace(/[./-]/g, '_')]: props.modelName };
    const annotations = (summary: string) => ({ summary, runbook: `model ${props.modelName} in ${props.namespace}` });
    this.rules = new ApiObject(this, 'Rules', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: props.modelName, namespace: props.namespace, labels },
      spec: {
        groups: [{
          name: `${props.modelName}.slo`,
          rules: [
            {
              alert: 'InferenceLatencyP95High',
              expr: `histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{${sel}}[5m]))) > ${this.latencyP95Seconds}`,
              for: '10m',
              labels: alertLabels,
              annotations: annotations(`p95 end-to-end latency above ${this.latencyP95Seconds}s`),
            },
            {
              alert: 'InferenceErrorRatioHigh',
              expr: `sum(rate(vllm:request_success_total{${sel},finished_reason="abort"}[10m])) / sum(rate(vllm:request_success_total{${sel}}[10m])) > ${this.maxErrorRatio}`,
              for: '10m',
              labels: { ...alertLabels, severity: 'critical' },
              annotations: annotations(`more than ${this.maxErrorRatio * 100}% of requests aborted`),
            },
            {
              alert: 'InferenceQueueSaturated',
              expr: `sum(vllm:num_requests_waiting{${sel}}) > 0 and sum(vllm:num_requests_running{${sel}}) == 0`,
              for: '15m',
              labels: alertLabels,
              annotations: annotations('requests are waiting but none is running'),
            },
            {
              alert: 'InferenceServerDown',
              expr: `absent(vllm:num_requests_running{${sel}})`,
              for: '10m',
              labels: { ...alertLabels, severity: 'critical' },
              annotations: annotations('no model server reports metrics'),
            },
          ],
        }],
      },
    });
  }
}
