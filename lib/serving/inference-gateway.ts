import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Labels, MANAGED_BY, NetworkEndpoint, stableName } from '../core';

/** Props of {@link InferenceGateway}. */
export interface InferenceGatewayProps {
  /** Namespace of the Gateway (the tenant's). */
  readonly namespace: string;
  /** Tenant name (labels, default name). */
  readonly tenant: string;
  /**
   * GatewayClass of an implementation that supports the Gateway API Inference Extension (Istio, kgateway, ...).
   * @see https://gateway-api-inference-extension.sigs.k8s.io/implementations/gateways/
   * @default 'istio'
   */
  readonly gatewayClassName?: string;
  /**
   * Name of a `kubernetes.io/tls` Secret: adds an HTTPS listener on 443 terminating TLS.
   * @see https://gateway-api.sigs.k8s.io/guides/tls/
   * @default - HTTP listener only
   */
  readonly tlsSecretName?: string;
  /**
   * The gateway's data-plane pods, for NetworkPolicy edges.
   * @see https://gateway-api.sigs.k8s.io/api-types/gateway/
   * @default - pods in `namespace` labelled `gateway.networking.k8s.io/gateway-name: <name>` (the automated deployment of Istio and kgateway)
   */
  readonly dataPlane?: NetworkEndpoint;
}

/**
 * A Gateway API `gateway.networking.k8s.io/v1` Gateway for one tenant. Routes of the tenant's models attach to it;
 * only routes from its own namespace are accepted.
 *
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#gateway
 */
export class InferenceGateway extends Construct {
  /** The Gateway. */
  public readonly resource: ApiObject;
  /** The Gateway name. */
  public readonly name: string;
  /** Resolved GatewayClass. */
  public readonly gatewayClassName: string;
  /** The gateway data-plane pods. */
  public readonly endpoint: NetworkEndpoint;
  /** Port of the HTTP listener (clients and data-plane container port). */
  public readonly httpPort = 80;

  constructor(scope: Construct, id: string, props: InferenceGatewayProps) {
    super(scope, id);
    this.name = stableName([props.tenant, 'inference']);
    this.gatewayClassName = props.gatewayClassName ?? 'istio';
    this.endpoint = props.dataPlane ?? {
      namespace: props.namespace,
      podSelector: { 'gateway.networking.k8s.io/gateway-name': this.name },
    };
    const listeners: any[] = [{
      name: 'http', protocol: 'HTTP', port: this.httpPort, allowedRoutes: { namespaces: { from: 'Same' } },
    }];
    if (props.tlsSecretName) {
      listeners.push({
        name: 'https', protocol: 'HTTPS', port: 443,
        tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', group: '', name: props.tlsSecretName }] },
        allowedRoutes: { namespaces: { from: 'Same' } },
      });
    }
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: {
          [Labels.TENANT]: props.tenant, [Labels.COMPONENT]: 'gateway',
          [Labels.APP_PART_OF]: 'sovereign-inference-stack', [Labels.APP_MANAGED_BY]: MANAGED_BY,
        },
        annotations: { [Labels.CONSTRUCT_PATH]: this.node.path },
      },
      spec: { gatewayClassName: this.gatewayClassName, listeners },
    });
  }
}
