import { Manifest, PolicyEngine, PolicyOptions, PolicyObject } from '../../lib/policy';

export const DIGEST = `sha256:${'a'.repeat(64)}`;
export const IMAGE = `registry.internal/vllm/vllm-openai@${DIGEST}`;
export const OPTIONS: PolicyOptions = { approvedRegistries: ['registry.internal'], internalCidrs: ['10.0.0.0/8'] };

export const RESTRICTED_CONTAINER_SC = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};

export function container(name = 'vllm'): Record<string, any> {
  return {
    name,
    image: IMAGE,
    args: ['--model', 's3://models/llama-3-8b'],
    env: [
      { name: 'VLLM_NO_USAGE_STATS', value: '1' },
      { name: 'DO_NOT_TRACK', value: '1' },
      { name: 'HF_HUB_OFFLINE', value: '1' },
    ],
    resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { memory: '8Gi' } },
    livenessProbe: { httpGet: { path: '/health', port: 8000 } },
    readinessProbe: { httpGet: { path: '/health', port: 8000 } },
    securityContext: structuredClone(RESTRICTED_CONTAINER_SC),
  };
}

export function podSpec(): Record<string, any> {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    priorityClassName: 'inference',
    topologySpreadConstraints: [{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { app: 'vllm' } },
    }],
    containers: [container()],
    volumes: [{ name: 'cache', emptyDir: {} }],
  };
}

export function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'vllm', namespace: 'ai' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'vllm' } },
      template: {
        metadata: { labels: { app: 'vllm', 'sovereign-ai.dev/component': 'model-server' } },
        spec: podSpec(),
      },
    },
  };
}

export function defaultDeny(ns = 'ai'): Record<string, any> {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace: ns },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

export function pdb(): Record<string, any> {
  return {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
    metadata: { name: 'vllm', namespace: 'ai' },
    spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'vllm' } } },
  };
}

/** A compliant set: a model-server Deployment with its PDB and the namespace default-deny. */
export function goodSet(): Record<string, any>[] {
  return [defaultDeny(), deployment(), pdb()];
}

export function objects(manifests: Record<string, any>[]): PolicyObject[] {
  return manifests.map((m) => ({ manifest: m as Manifest }));
}

/** Findings of one rule as `path: message` lines. */
export function findingsOf(manifests: Record<string, any>[], ruleId: string, options: PolicyOptions = OPTIONS): string[] {
  const report = new PolicyEngine(options).run(objects(manifests));
  return report.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.path}: ${f.message}`);
}

/** All findings as `ruleId path: message`. */
export function allFindings(manifests: Record<string, any>[], options: PolicyOptions = OPTIONS): string[] {
  return new PolicyEngine(options).run(objects(manifests)).findings.map((f) => `${f.ruleId} ${f.path}: ${f.message}`);
}
