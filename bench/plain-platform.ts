/*
 * A deterministic platform of plain cdk8s objects, the same shapes the platform constructs emit for each model
 * (9 objects per model: Deployment, Service, HTTPRoute, InferencePool, two NetworkPolicies, ServiceMonitor,
 * PodDisruptionBudget, ResourceClaimTemplate), a chart per tenant (namespace, default-deny) and a shared
 * platform chart (Gateway, DeviceClass). Each model's stack depends on its tenant namespace and on the Gateway,
 * and carries a validation, as policy packs do. Layouts: one chart per model (where stock `app.synth()` is quadratic), one single chart, or model
 * charts nested in one chart.
 */
import { App, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Gateway } from '../lib/imports/gateway-gateway-gateway.networking.k8s.io';
import { HttpRoute } from '../lib/imports/gateway-httproute-gateway.networking.k8s.io';
import { InferencePool } from '../lib/imports/gie-inferencepool-inference.networking.k8s.io';
import {
  IntOrString,
  KubeDeployment,
  KubeDeviceClass,
  KubeNamespace,
  KubeNetworkPolicy,
  KubePodDisruptionBudget,
  KubeResourceClaimTemplate,
  KubeService,
  Quantity,
} from '../lib/imports/k8s';
import { ServiceMonitor } from '../lib/imports/prom-servicemonitor-monitoring.coreos.com';

/** Models per tenant namespace. */
export const MODELS_PER_TENANT = 50;
/** Objects emitted per model. */
export const OBJECTS_PER_MODEL = 9;

const IMAGE = 'registry.internal.example/vllm/vllm-openai@sha256:' + 'a'.repeat(64);

/** Deterministic model attributes for model `i`. */
export function modelSpec(i: number): { name: string; tenant: string; replicas: number; memoryGiB: number; gpus: number } {
  const sizes = [8, 14, 32, 70];
  const size = sizes[i % sizes.length];
  return {
    name: `model-${String(i).padStart(5, '0')}`,
    tenant: `tenant-${String(Math.floor(i / MODELS_PER_TENANT)).padStart(3, '0')}`,
    replicas: 1 + (i % 3),
    memoryGiB: size * 2 + 16,
    gpus: size >= 70 ? 4 : size >= 32 ? 2 : 1,
  };
}

class SharedPlatform extends Chart {
  public readonly gateway: Gateway;

  constructor(scope: Construct, id: string) {
    super(scope, id, { labels: { 'app.kubernetes.io/managed-by': 'sovereign-ai-platform' } });
    new KubeDeviceClass(this, 'GpuClass', {
      metadata: { name: 'gpu.nvidia.com' },
      spec: { selectors: [{ cel: { expression: "device.driver == 'gpu.nvidia.com'" } }] },
    });
    this.gateway = new Gateway(this, 'Gateway', {
      metadata: { name: 'inference', namespace: 'platform-gateway' },
      spec: { gatewayClassName: 'internal', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    });
  }
}

/** A tenant's namespace (PSA restricted) and its default-deny policy. */
function addTenant(scope: Construct, tenant: string): KubeNamespace {
  const ns = new KubeNamespace(scope, 'Namespace', {
    metadata: {
      name: tenant,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  });
  new KubeNetworkPolicy(scope, 'DefaultDeny', {
    metadata: { name: 'default-deny', namespace: tenant },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
  return ns;
}

/** How the platform's models are laid out in charts. */
export enum PlatformLayout {
  /** One chart per model beside a shared platform chart (stock `app.synth()` is quadratic here). */
  CHART_PER_MODEL = 'chart-per-model',
  /** Every model in the shared platform chart. */
  SINGLE_CHART = 'single-chart',
  /** One chart per model, nested in one `models` chart beside the shared platform chart. */
  NESTED_CHARTS = 'nested-charts',
}

class ModelStack extends Construct {
  constructor(scope: Construct, id: string, i: number, namespace: KubeNamespace, gateway: Gateway) {
    const m = modelSpec(i);
    super(scope, id);
    const meta = (name: string) => ({ name, namespace: m.tenant, labels: { 'sovereign-ai.dev/model': m.name } });
    const selector = { 'app.kubernetes.io/name': m.name };
    const claim = new KubeResourceClaimTemplate(this, 'Claim', {
      metadata: meta(`${m.name}-gpu`),
      spec: {
        spec: {
          devices: {
            requests: [{ name: 'gpu', exactly: { deviceClassName: 'gpu.nvidia.com', count: m.gpus } }],
          },
        },
      },
    });
    const deployment = new KubeDeployment(this, 'Server', {
      metadata: meta(m.name),
      spec: {
        // lazy, as constructs resolve defaults late
        replicas: Lazy.any({ produce: () => m.replicas }) as unknown as number,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: selector },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: `${m.name}-gpu` }],
            containers: [
              {
                name: 'vllm',
                image: IMAGE,
                args: ['--model', `/models/${m.name}`, '--port', '8000', '--max-model-len', '8192'],
                env: [
                  { name: 'VLLM_NO_USAGE_STATS', value: '1' },
                  { name: 'DO_NOT_TRACK', value: '1' },
                  { name: 'HF_HUB_OFFLINE', value: '1' },
                ],
                ports: [{ name: 'http', containerPort: 8000 }],
                resources: {
                  claims: [{ name: 'gpu' }],
                  requests: { cpu: Quantity.fromString('4'), memory: Quantity.fromString(`${m.memoryGiB}Gi`) },
                  limits: { cpu: Quantity.fromString('8'), memory: Quantity.fromString(`${m.memoryGiB}Gi`) },
                },
                readinessProbe: { httpGet: { path: '/health', port: IntOrString.fromString('http') } },
                livenessProbe: { httpGet: { path: '/health', port: IntOrString.fromString('http') } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'models', mountPath: '/models', readOnly: true }],
              },
            ],
            volumes: [{ name: 'models', emptyDir: {} }],
          },
        },
      },
    });
    deployment.addDependency(claim);
    new KubeService(this, 'Service', {
      metadata: meta(m.name),
      spec: { selector, ports: [{ name: 'http', port: 8000, targetPort: IntOrString.fromString('http') }] },
    });
    new InferencePool(this, 'Pool', {
      metadata: meta(m.name),
      spec: {
        selector: { matchLabels: selector },
        targetPorts: [{ number: 8000 }],
        endpointPickerRef: { name: `${m.name}-epp`, port: { number: 9002 } },
      },
    });
    new HttpRoute(this, 'Route', {
      metadata: meta(m.name),
      spec: {
        parentRefs: [{ name: 'inference', namespace: 'platform-gateway' }],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix' as never, value: `/${m.tenant}/${m.name}` } }],
            backendRefs: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: m.name }],
          },
        ],
      },
    });
    new KubeNetworkPolicy(this, 'AllowGateway', {
      metadata: meta(`${m.name}-from-gateway`),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'platform-gateway' } } }],
            ports: [{ port: IntOrString.fromNumber(8000), protocol: 'TCP' }],
          },
        ],
      },
    });
    new KubeNetworkPolicy(this, 'AllowWeights', {
      metadata: meta(`${m.name}-to-weights`),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'minio' } } }],
            ports: [{ port: IntOrString.fromNumber(9000), protocol: 'TCP' }],
          },
        ],
      },
    });
    new ServiceMonitor(this, 'Monitor', {
      metadata: meta(m.name),
      spec: { selector: { matchLabels: selector }, endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }] },
    });
    new KubePodDisruptionBudget(this, 'Pdb', {
      metadata: meta(m.name),
      spec: { selector: { matchLabels: selector }, maxUnavailable: IntOrString.fromNumber(1) },
    });
    this.node.addDependency(namespace, gateway);
    this.node.addValidation({
      validate: () => (m.replicas < 1 ? [`model ${m.name}: replicas must be at least 1`] : []),
    });
  }
}

/**
 * Adds a platform of `models` models to `app`, laid out in charts as `layout` says. Tenants (one per 50 models)
 * are charts of their own (constructs of the platform chart in the single-chart layout): in cdk8s a dependency
 * between charts makes every object of one depend on every object of the other, so a shared chart that grew
 * with the platform would make the dependencies themselves quadratic.
 */
export function buildPlainPlatform(app: App, models: number, layout = PlatformLayout.CHART_PER_MODEL): void {
  const shared = new SharedPlatform(app, 'platform');
  const namespaces = new Map<string, KubeNamespace>();
  for (let i = 0; i < models; i++) {
    const tenant = modelSpec(i).tenant;
    if (!namespaces.has(tenant)) {
      const scope = layout === PlatformLayout.SINGLE_CHART ? new Construct(shared, tenant) : new Chart(app, tenant);
      namespaces.set(tenant, addTenant(scope, tenant));
    }
  }
  const parent = layout === PlatformLayout.NESTED_CHARTS ? new Chart(app, 'models') : app;
  for (let i = 0; i < models; i++) {
    const m = modelSpec(i);
    const ns = namespaces.get(m.tenant)!;
    if (layout === PlatformLayout.SINGLE_CHART) {
      new ModelStack(shared, m.name, i, ns, shared.gateway);
    } else {
      const chart = new Chart(parent, m.name, { namespace: m.tenant, labels: { 'sovereign-ai.dev/model': m.name } });
      new ModelStack(chart, 'Stack', i, ns, shared.gateway);
    }
  }
}
