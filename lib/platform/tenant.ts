import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Labels, MANAGED_BY, NetworkEndpoint, ValidationError, cpu as cpuQuantity, gib, isDns1123Label } from '../core';
import {
  IntOrString, KubeLimitRange, KubeNamespace, KubeNetworkPolicy, KubeResourceQuota, KubeServiceAccount, Quantity,
} from '../imports/k8s';
import { Guardrails } from '../policy/guardrails';
import type { GpuPool, GpuTenantQueue } from '../compute/gpu-pool';

/** The Pod Security Standards version the namespace labels pin. */
export const POD_SECURITY_VERSION = 'v1.34';

/** Props of {@link Tenant}. */
export interface TenantProps {
  /**
   * Tenant name = namespace name (DNS-1123 label).
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
   * @default - the construct id
   */
  readonly name?: string;
  /** CPU cores the tenant's pods may request (and limit) in total. @see https://kubernetes.io/docs/concepts/policy/resource-quotas/ */
  readonly cpuQuota: number;
  /** Memory the tenant's pods may request (and limit) in total, in GiB. @see https://kubernetes.io/docs/concepts/policy/resource-quotas/ */
  readonly memoryGiB: number;
  /** Whole GPUs the tenant may use (ResourceQuota on `gpuQuotaResource`). @see https://kubernetes.io/docs/concepts/policy/resource-quotas/ @default 0 */
  readonly gpuQuota?: number;
  /**
   * The quota resource that counts GPUs: `requests.nvidia.com/gpu` (extended resources) or, with DRA,
   * `<device-class>.deviceclass.resource.k8s.io/devices`.
   * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-for-extended-resources
   * @default 'requests.nvidia.com/gpu'
   */
  readonly gpuQuotaResource?: string;
  /** Maximum pods (ResourceQuota `pods`). @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#object-count-quota @default 50 */
  readonly maxPods?: number;
  /**
   * Kueue ClusterQueue the tenant's LocalQueue points to (`kueue.x-k8s.io/v1beta2`).
   * @see https://kueue.sigs.k8s.io/docs/concepts/local_queue/
   * @default - no LocalQueue
   */
  readonly clusterQueueName?: string;
  /**
   * The GpuPool whose Kueue admission the tenant joins: the pool adds a ClusterQueue with the tenant's quotas and the
   * tenant's LocalQueue (`pool.addTenant`). Takes precedence over `clusterQueueName`.
   * @default - no Kueue queues from a pool
   */
  readonly gpuPool?: GpuPool;
}

/**
 * A tenant (team): its namespace with Pod Security `restricted` enforced (enforce/audit/warn, pinned version),
 * ResourceQuota, LimitRange defaults, a default-deny NetworkPolicy for ingress and egress (no rules) plus one policy allowing DNS to
 * kube-dns on UDP and TCP 53 (the only egress allowed by default), an optional Kueue LocalQueue and a ServiceAccount without token automount for
 * its workloads.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-and-all-egress-traffic
 */
export class Tenant extends Construct {
  /** The Namespace. */
  public readonly resource: KubeNamespace;
  /** Tenant (and namespace) name. */
  public readonly name: string;
  /** Namespace name. */
  public readonly namespace: string;
  /** The default-deny NetworkPolicy. */
  public readonly defaultDeny: KubeNetworkPolicy;
  /** The DNS egress allowance (kube-dns, UDP and TCP 53, nothing else). */
  public readonly allowDns: KubeNetworkPolicy;
  /** The ResourceQuota. */
  public readonly quota: KubeResourceQuota;
  /** The LimitRange. */
  public readonly limitRange: KubeLimitRange;
  /** The workloads' ServiceAccount (no token automount). */
  public readonly serviceAccount: KubeServiceAccount;
  /** Name of the workloads' ServiceAccount. */
  public readonly serviceAccountName: string;
  /** The Kueue LocalQueue, if a ClusterQueue was named. */
  public readonly localQueue?: ApiObject;
  /** The pool's queues of this tenant (with `gpuPool`). */
  public readonly queue?: GpuTenantQueue;
  /** Resolved GPU quota. */
  public readonly gpuQuota: number;
  /** Resolved pod limit. */
  public readonly maxPods: number;

  constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    Guardrails.ensure(this);
    this.name = props.name ?? id;
    if (!isDns1123Label(this.name)) {
      throw ValidationError.invalidProp(this, {
        prop: 'name', value: this.name, allowed: 'a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)',
        fix: 'use a name like "radiology".',
      });
    }
    for (const [prop, v] of [['cpuQuota', props.cpuQuota], ['memoryGiB', props.memoryGiB]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        throw ValidationError.invalidProp(this, { prop, value: v, allowed: 'a positive number' });
      }
    }
    this.gpuQuota = props.gpuQuota ?? 0;
    if (!Number.isInteger(this.gpuQuota) || this.gpuQuota < 0) {
      throw ValidationError.invalidProp(this, { prop: 'gpuQuota', value: props.gpuQuota, allowed: 'a non-negative integer' });
    }
    this.maxPods = props.maxPods ?? 50;
    this.namespace = this.name;
    this.serviceAccountName = 'workloads';
    const labels = { [Labels.TENANT]: this.name, [Labels.APP_MANAGED_BY]: MANAGED_BY };

    this.resource = new KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.namespace,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': POD_SECURITY_VERSION,
          ...labels,
        },
        annotations: { [Labels.CONSTRUCT_PATH]: this.node.path },
      },
    });
    const hard: Record<string, Quantity> = {
      'requests.cpu': Quantity.fromString(cpuQuantity(props.cpuQuota)),
      'limits.cpu': Quantity.fromString(cpuQuantity(props.cpuQuota)),
      'requests.memory': Quantity.fromString(gib(props.memoryGiB)),
      'limits.memory': Quantity.fromString(gib(props.memoryGiB)),
      pods: Quantity.fromString(String(this.maxPods)),
    };
    hard[props.gpuQuotaResource ?? 'requests.nvidia.com/gpu'] = Quantity.fromString(String(this.gpuQuota));
    this.quota = new KubeResourceQuota(this, 'Quota', {
      metadata: { name: 'tenant-quota', namespace: this.namespace, labels },
      spec: { hard },
    });
    this.limitRange = new KubeLimitRange(this, 'Limits', {
      metadata: { name: 'tenant-limits', namespace: this.namespace, labels },
      spec: {
        limits: [{
          type: 'Container',
          default: { cpu: Quantity.fromString('500m'), memory: Quantity.fromString('512Mi') },
          defaultRequest: { cpu: Quantity.fromString('100m'), memory: Quantity.fromString('128Mi') },
        }],
      },
    });
    this.defaultDeny = new KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', namespace: this.namespace, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    this.allowDns = new KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', namespace: this.namespace, labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          }],
          ports: [
            { port: IntOrString.fromNumber(53), protocol: 'UDP' },
            { port: IntOrString.fromNumber(53), protocol: 'TCP' },
          ],
        }],
      },
    });
    this.serviceAccount = new KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, namespace: this.namespace, labels },
      automountServiceAccountToken: false,
    });
    if (props.gpuPool) {
      this.queue = props.gpuPool.addTenant({
        tenant: this.name, namespace: this.namespace, gpus: this.gpuQuota, cpu: props.cpuQuota, memoryGiB: props.memoryGiB,
      });
      this.localQueue = this.queue.localQueue;
    } else if (props.clusterQueueName) {
      this.localQueue = new ApiObject(this, 'LocalQueue', {
        apiVersion: 'kueue.x-k8s.io/v1beta2',
        kind: 'LocalQueue',
        metadata: { name: this.name, namespace: this.namespace, labels },
        spec: { clusterQueue: props.clusterQueueName },
      });
    }
  }

  /** The tenant's pods matching `podSelector`, as a network endpoint. */
  public endpointFor(podSelector: Readonly<Record<string, string>>): NetworkEndpoint {
    return { namespace: this.namespace, podSelector };
  }
}
