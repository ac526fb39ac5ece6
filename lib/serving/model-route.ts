import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ContainerImage, Labels, MANAGED_BY, stableName } from '../core';
import { EPP_GRPC_PORT, EndpointPicker } from './endpoint-picker';
import { InferenceGateway } from './inference-gateway';

/** Props of {@link ModelRoute}. */
export interface ModelRouteProps {
  /** Namespace (the model's tenant). */
  readonly namespace: string;
  /** Tenant name (labels). */
  readonly tenant: string;
  /** Model name: the route matches `/models/<modelName>` and rewrites it to `/`. @see https://gateway-api.sigs.k8s.io/api-types/httproute/ */
  readonly modelName: string;
  /** The tenant's gateway the route attaches to (`parentRefs`). @see https://gateway-api.sigs.k8s.io/api-types/httproute/ */
  readonly gateway: InferenceGateway;
  /** Labels selecting the model server pods. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** Port of the model servers. */
  readonly targetPort: number;
  /**
   * Route through an `inference.networking.k8s.io/v1` InferencePool with the llm-d endpoint picker. When false the
   * route points at the model's Service directly (engines without vLLM metrics, e.g. Ollama).
   * @see https://gateway-api-inference-extension.sigs.k8s.io/api-types/inferencepool/
   */
  readonly endpointPicker: boolean;
  /** The endpoint-picker image (required when `endpointPicker`). @see https://github.com/llm-d/llm-d-inference-scheduler @default - none */
  readonly pickerImage?: ContainerImage;
  /** Prefill/decode scheduling profiles. @see https://llm-d.ai/docs/architecture/Components/disagg_prefill-decode @default false */
  readonly disaggregated?: boolean;
  /**
   * Priority of the model's requests in the pool (InferenceObjective).
   * @see https://gateway-api-inference-extension.sigs.k8s.io/api-types/inferenceobjective/
   * @default - no InferenceObjective
   */
  readonly priority?: number;
  /** Name of the Service when routing without a pool. @default modelName */
  readonly serviceName?: string;
  /** PriorityClass of the picker pods. @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass @default - none */
  readonly priorityClassName?: string;
}

/**
 * Routing of one model: an HTTPRoute on the tenant's Gateway and, for vLLM engines, an InferencePool with its llm-d
 * endpoint picker (prefix-cache-aware scheduling) and an optional InferenceObjective (request priority).
 *
 * @see https://gateway-api-inference-extension.sigs.k8s.io/api-types/inferencepool/
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 */
export class ModelRoute extends Construct {
  /** The HTTPRoute. */
  public readonly resource: ApiObject;
  /** The HTTPRoute name. */
  public readonly name: string;
  /** The InferencePool (when routing through the endpoint picker). */
  public readonly inferencePool?: ApiObject;
  /** The InferencePool name. */
  public readonly inferencePoolName?: string;
  /** The endpoint picker. */
  public readonly picker?: EndpointPicker;
  /** The InferenceObjective, if a priority was given. */
  public readonly objective?: ApiObject;
  /** The path prefix the route matches. */
  public readonly pathPrefix: string;

  constructor(scope: Construct, id: string, props: ModelRouteProps) {
    super(scope, id);
    this.name = props.modelName;
    this.pathPrefix = `/models/${props.modelName}`;
    const labels = {
      [Labels.MODEL]: props.modelName, [Labels.TENANT]: props.tenant, [Labels.COMPONENT]: 'route',
      [Labels.APP_PART_OF]: 'sovereign-inference-stack', [Labels.APP_MANAGED_BY]: MANAGED_BY,
    };
    let backendRef: Record<string, unknown>;
    if (props.endpointPicker && props.pickerImage) {
      this.inferencePoolName = stableName([props.modelName, 'pool']);
      this.picker = new EndpointPicker(this, 'EndpointPicker', {
        namespace: props.namespace,
        poolName: this.inferencePoolName,
        modelName: props.modelName,
        image: props.pickerImage,
        disaggregated: props.disaggregated,
        priorityClassName: props.priorityClassName,
      });
      this.inferencePool = new ApiObject(this, 'InferencePool', {
        apiVersion: 'inference.networking.k8s.io/v1',
        kind: 'InferencePool',
        metadata: { name: this.inferencePoolName, namespace: props.namespace, labels },
        spec: {
          selector: { matchLabels: { ...props.selectorLabels } },
          targetPorts: [{ number: props.targetPort }],
          endpointPickerRef: {
            name: this.picker.name,
            kind: 'Service',
            port: { number: EPP_GRPC_PORT },
            failureMode: 'FailClose',
          },
        },
      });
      if (props.priority !== undefined) {
        this.objective = new ApiObject(this, 'InferenceObjective', {
          apiVersion: 'llm-d.ai/v1alpha2',
          kind: 'InferenceObjective',
          metadata: { name: props.modelName, namespace: props.namespace, labels },
          spec: { priority: props.priority, poolRef: { name: this.inferencePoolName } },
        });
      }
      backendRef = { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: this.inferencePoolName, port: props.targetPort };
    } else {
      backendRef = { group: '', kind: 'Service', name: props.serviceName ?? props.modelName, port: props.targetPort };
    }
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: this.name, namespace: props.namespace, labels, annotations: { [Labels.CONSTRUCT_PATH]: this.node.path } },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: props.gateway.name }],
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: this.pathPrefix } }],
          filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
          backendRefs: [backendRef],
          timeouts: { request: '300s' },
        }],
      },
    });
  }
}
