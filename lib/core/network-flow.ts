import { Construct } from 'constructs';
import { KubeNetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, IntOrString } from '../imports/k8s';
import { ValidationError } from './errors';
import { Labels, MANAGED_BY } from './labels';
import { stableName, isDns1123Label } from './names';
import { NetworkEndpoint } from './workload';

/** A port a flow allows. */
export interface FlowPort {
  /** Port number (1-65535). */
  readonly port: number;
  /** Protocol. @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** Props of {@link NetworkFlow}. */
export interface NetworkFlowProps {
  /**
   * The pods that open connections.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly from: NetworkEndpoint;
  /**
   * The pods that accept them.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly to: NetworkEndpoint;
  /**
   * Allowed destination ports (at least one: a flow never allows all ports).
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly ports: readonly FlowPort[];
  /**
   * Short DNS-1123 name of the flow, used in the NetworkPolicy names
   * (`<name>-egress` in the source namespace and `<name>-ingress` in the destination namespace).
   */
  readonly name: string;
}

/**
 * One explicit allowed edge between two sets of pods. Every namespace the library creates is default-deny for
 * ingress and egress, so a flow emits two NetworkPolicies: an egress allow in the source namespace and an ingress
 * allow in the destination namespace, both narrowed to the given pods and ports. Nothing broader.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class NetworkFlow extends Construct {
  /** The egress-side policy (in `from.namespace`). */
  public readonly egress: KubeNetworkPolicy;
  /** The ingress-side policy (in `to.namespace`). */
  public readonly ingress: KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: NetworkFlowProps) {
    super(scope, id);
    if (props.ports.length === 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'ports', value: props.ports, allowed: 'at least one port', fix: 'name the ports the flow needs.',
      });
    }
    for (const p of props.ports) {
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
        throw ValidationError.invalidProp(this, { prop: 'ports[].port', value: p.port, allowed: 'an integer from 1 to 65535' });
      }
    }
    for (const [prop, ep] of [['from', props.from], ['to', props.to]] as const) {
      if (Object.keys(ep.podSelector).length === 0) {
        throw ValidationError.invalidProp(this, {
          prop: `${prop}.podSelector`, value: ep.podSelector, allowed: 'a non-empty label selector',
          fix: 'an empty selector would select every pod of the namespace; select the pods of one workload.',
        });
      }
      if (!isDns1123Label(ep.namespace)) {
        throw ValidationError.invalidProp(this, { prop: `${prop}.namespace`, value: ep.namespace, allowed: 'a DNS-1123 label' });
      }
    }
    const ports: NetworkPolicyPort[] = props.ports.map((p) => ({
      port: IntOrString.fromNumber(p.port),
      protocol: p.protocol ?? 'TCP',
    }));
    const peer = (ep: NetworkEndpoint): NetworkPolicyPeer => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ep.namespace } },
      podSelector: { matchLabels: { ...ep.podSelector } },
    });
    const labels = { [Labels.APP_MANAGED_BY]: MANAGED_BY, [Labels.COMPONENT]: 'network-flow' };
    this.egress = new KubeNetworkPolicy(this, 'Egress', {
      metadata: { name: stableName([props.name, 'egress']), namespace: props.from.namespace, labels },
      spec: {
        podSelector: { matchLabels: { ...props.from.podSelector } },
        policyTypes: ['Egress'],
        egress: [{ to: [peer(props.to)], ports }],
      },
    });
    this.ingress = new KubeNetworkPolicy(this, 'Ingress', {
      metadata: { name: stableName([props.name, 'ingress']), namespace: props.to.namespace, labels },
      spec: {
        podSelector: { matchLabels: { ...props.to.podSelector } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [peer(props.from)], ports }],
      },
    });
  }
}
