import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ContainerImage, Labels, MANAGED_BY, NetworkEndpoint, imageSuppressionAnnotations, restrictedContainerSecurityContext,
  restrictedPodSecurityContext, stableName,
} from '../core';
import {
  IntOrString, KubeConfigMap, KubeRole, KubeRoleBinding, KubeService, KubeServiceAccount,
} from '../imports/k8s';

/** gRPC ext-proc port of the endpoint picker (the gateway calls it for every request). */
export const EPP_GRPC_PORT = 9002;
/** gRPC health port of the endpoint picker. */
export const EPP_HEALTH_PORT = 9003;
/** Prometheus metrics port of the endpoint picker. */
export const EPP_METRICS_PORT = 9090;

/** Props of {@link EndpointPicker}. */
export interface EndpointPickerProps {
  /** Namespace (the model's tenant). */
  readonly namespace: string;
  /** Name of the InferencePool the picker serves. @see https://gateway-api-inference-extension.sigs.k8s.io/api-types/inferencepool/ */
  readonly poolName: string;
  /** Model name (labels). */
  readonly modelName: string;
  /** The llm-d router (inference scheduler) image, pinned by digest. @see https://github.com/llm-d/llm-d-inference-scheduler */
  readonly image: ContainerImage;
  /**
   * Use the prefill/decode scheduling profiles (disaggregated serving).
   * @see https://llm-d.ai/docs/architecture/Components/disagg_prefill-decode
   * @default false
   */
  readonly disaggregated?: boolean;
  /**
   * Weight of the prefix-cache scorer relative to the queue scorer.
   * @see https://github.com/llm-d/llm-d-inference-scheduler
   * @default 2
   */
  readonly prefixCacheWeight?: number;
  /** PriorityClass of the picker pods. @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass @default - none */
  readonly priorityClassName?: string;
}

/**
 * The llm-d endpoint picker (EPP) of one InferencePool: Deployment + Service + its `EndpointPickerConfig`
 * (prefix-cache-aware and queue-aware scoring, as in the upstream sample configs) + the namespaced RBAC it needs to
 * watch pods and the pool. It is the only pod of the stack that mounts a ServiceAccount token (it reads the API).
 *
 * Command line (the llm-d scheduler runs the Gateway API Inference Extension EPP runner, whose flags these are):
 * `--pool-name`, `--pool-namespace`, `--config-file`, `--grpc-port` 9002 (ext-proc, the gateway calls it),
 * `--grpc-health-port` 9003 (gRPC health service `inference-extension`, used by the probes), `--metrics-port` 9090.
 * `--metrics-endpoint-auth=false`: with the upstream default (true) the metrics endpoint authenticates every scrape
 * with TokenReview/SubjectAccessReview, which needs a cluster-wide ClusterRole this namespaced picker does not get;
 * access to the metrics port is instead limited by NetworkPolicy to the Prometheus pods. `NAMESPACE` and `POD_NAME`
 * come from the downward API, as in the upstream manifests.
 *
 * @see https://github.com/kubernetes-sigs/gateway-api-inference-extension/blob/main/cmd/epp/runner/options.go
 * @see https://github.com/llm-d/llm-d-inference-scheduler
 * @see https://gateway-api-inference-extension.sigs.k8s.io/
 */
export class EndpointPicker extends Construct {
  /** The picker Deployment. */
  public readonly resource: ApiObject;
  /** The picker Service (gRPC ext-proc on {@link EPP_GRPC_PORT}). */
  public readonly service: KubeService;
  /** The ConfigMap holding the EndpointPickerConfig. */
  public readonly config: KubeConfigMap;
  /** The picker pods on the network. */
  public readonly endpoint: NetworkEndpoint;
  /** Name of the Deployment, Service and ConfigMap. */
  public readonly name: string;
  /** The EndpointPickerConfig document as emitted (YAML-equivalent object). */
  public readonly pickerConfig: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: EndpointPickerProps) {
    super(scope, id);
    this.name = stableName([props.poolName, 'epp']);
    const selector = { [Labels.MODEL]: props.modelName, [Labels.COMPONENT]: 'endpoint-picker' };
    const labels = {
      ...selector,
      [Labels.APP_NAME]: 'llm-d-inference-scheduler',
      [Labels.APP_INSTANCE]: this.name,
      [Labels.APP_PART_OF]: 'sovereign-inference-stack',
      [Labels.APP_MANAGED_BY]: MANAGED_BY,
    };
    this.endpoint = { namespace: props.namespace, podSelector: selector };
    const w = props.prefixCacheWeight ?? 2;
    this.pickerConfig = props.disaggregated
      ? {
        apiVersion: 'llm-d.ai/v1alpha1',
        kind: 'EndpointPickerConfig',
        plugins: [
          { type: 'approx-prefix-cache-producer', parameters: { maxPrefixTokensToMatch: 16384, lruCapacityPerServer: 31250 } },
          { type: 'prefix-cache-scorer' },
          { type: 'queue-scorer' },
          { type: 'prefill-filter' },
          { type: 'decode-filter' },
          { type: 'max-score-picker' },
          { type: 'disagg-profile-handler', parameters: { deciders: { prefill: 'prefix-based-pd-decider' } } },
          { type: 'prefix-based-pd-decider', parameters: { nonCachedTokens: 16 } },
        ],
        schedulingProfiles: ['prefill', 'decode'].map((p) => ({
          name: p,
          plugins: [
            { pluginRef: `${p}-filter` },
            { pluginRef: 'max-score-picker' },
            { pluginRef: 'prefix-cache-scorer', weight: w },
            { pluginRef: 'queue-scorer', weight: 1 },
          ],
        })),
      }
      : {
        apiVersion: 'llm-d.ai/v1alpha1',
        kind: 'EndpointPickerConfig',
        plugins: [
          { type: 'single-profile-handler' },
          { type: 'decode-filter' },
          { type: 'prefix-cache-scorer' },
          { type: 'queue-scorer' },
          { type: 'max-score-picker' },
        ],
        schedulingProfiles: [{
          name: 'default',
          plugins: [
            { pluginRef: 'decode-filter' },
            { pluginRef: 'prefix-cache-scorer', weight: w },
            { pluginRef: 'queue-scorer', weight: 1 },
            { pluginRef: 'max-score-picker' },
          ],
        }],
      };
    this.config = new KubeConfigMap(this, 'Config', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      data: { 'epp-config.yaml': JSON.stringify(this.pickerConfig, undefined, 2) + '\n' },
    });
    new KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      automountServiceAccountToken: false,
    });
    new KubeRole(this, 'Role', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['llm-d.ai'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
      ],
    });
    new KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: props.namespace }],
    });
    const grpcProbe = (extra: Record<string, number>) => ({ grpc: { port: EPP_HEALTH_PORT, service: 'inference-extension' }, ...extra });
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: this.name, namespace: props.namespace, labels,
        annotations: { [Labels.CONSTRUCT_PATH]: this.node.path, ...imageSuppressionAnnotations(props.image) },
      },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 3,
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            serviceAccountName: this.name,
            // The picker watches pods and the InferencePool through the API server: it needs its token.
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(),
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
            containers: [{
              name: 'epp',
              image: props.image.reference,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '--pool-name', props.poolName,
                '--pool-namespace', props.namespace,
                '--config-file', '/config/epp-config.yaml',
                '--grpc-port', String(EPP_GRPC_PORT),
                '--grpc-health-port', String(EPP_HEALTH_PORT),
                '--metrics-port', String(EPP_METRICS_PORT),
                // boolean flags take `=value` (pflag); see the class doc for why metrics auth is off
                '--metrics-endpoint-auth=false',
                '--zap-encoder', 'json',
              ],
              env: [
                { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              ports: [
                { name: 'grpc', containerPort: EPP_GRPC_PORT, protocol: 'TCP' },
                { name: 'grpc-health', containerPort: EPP_HEALTH_PORT, protocol: 'TCP' },
                { name: 'metrics', containerPort: EPP_METRICS_PORT, protocol: 'TCP' },
              ],
              resources: {
                requests: { cpu: '500m', memory: '1Gi' },
                limits: { cpu: '2', memory: '1Gi' },
              },
              securityContext: restrictedContainerSecurityContext(),
              readinessProbe: grpcProbe({ periodSeconds: 5, initialDelaySeconds: 5 }),
              livenessProbe: grpcProbe({ periodSeconds: 10, initialDelaySeconds: 5 }),
              volumeMounts: [{ name: 'config', mountPath: '/config', readOnly: true }],
            }],
            volumes: [{ name: 'config', configMap: { name: this.name } }],
          },
        },
      },
    });
    this.service = new KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [
          { name: 'grpc-ext-proc', port: EPP_GRPC_PORT, targetPort: IntOrString.fromNumber(EPP_GRPC_PORT), protocol: 'TCP', appProtocol: 'http2' },
          { name: 'metrics', port: EPP_METRICS_PORT, targetPort: IntOrString.fromNumber(EPP_METRICS_PORT), protocol: 'TCP' },
        ],
      },
    });
  }
}
