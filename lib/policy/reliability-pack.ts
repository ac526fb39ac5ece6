/**
 * Reliability: requests and limits on every container, probes on long-running workloads, a PodDisruptionBudget for
 * every multi-replica workload, topology spread and a priority class for model servers.
 */
import { isModelServerPod } from './model-servers';
import { podObjects } from './pod-cache';
import { ContainerKind, Json, namespaceOf } from './pod-specs';
import { Rule, RuleContext, RulePack, Severity, Violation } from './types';

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function has(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

const resources: Rule = {
  id: 'reliability/resources',
  description: 'every container (and init container) sets cpu and memory requests and a memory limit',
  severity: Severity.ERROR,
  fix: 'set resources.requests.cpu, resources.requests.memory and resources.limits.memory.',
  check(ctx: RuleContext): Violation[] {
    const out: Violation[] = [];
    for (const { object: o, views } of podObjects(ctx)) {
      for (const v of views) {
        for (const c of v.containers) {
          if (c.kind === ContainerKind.EPHEMERAL) continue;
          const r = isObj(c.container.resources) ? c.container.resources : {};
          const missing: string[] = [];
          if (!has(r.requests?.cpu)) missing.push('cpu request');
          if (!has(r.requests?.memory)) missing.push('memory request');
          if (!has(r.limits?.memory)) missing.push('memory limit');
          if (missing.length > 0) {
            out.push({ object: o, path: c.at('resources'), message: `container "${c.name}" has no ${missing.join(', ')}` });
          }
        }
      }
    }
    return out;
  },
};

const probes: Rule = {
  id: 'reliability/probes',
  description: 'containers of long-running workloads have liveness and readiness probes (operator-managed pods excepted)',
  severity: Severity.ERROR,
  fix: 'add a livenessProbe and a readinessProbe (e.g. httpGet on the health endpoint).',
  check(ctx: RuleContext): Violation[] {
    const out: Violation[] = [];
    for (const { object: o, views } of podObjects(ctx)) {
      for (const v of views) {
        if (!v.longRunning || v.operatorManaged) continue;
        for (const c of v.containers) {
          if (c.kind !== ContainerKind.CONTAINER) continue;
          const missing = ['livenessProbe', 'readinessProbe'].filter((p) => !isObj(c.container[p]));
          if (missing.length > 0) {
            out.push({ object: o, path: c.path, message: `container "${c.name}" has no ${missing.join(' and ')}` });
          }
        }
      }
    }
    return out;
  },
};

/** True when a label selector (matchLabels + matchExpressions) selects the labels. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObj(selector)) return false;
  const ml = isObj(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, val] of Object.entries(ml)) if (labels[k] !== val) return false;
  const me: unknown[] = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of me) {
    if (!isObj(e)) return false;
    const key = String(e.key);
    const values: string[] = Array.isArray(e.values) ? e.values.map(String) : [];
    const present = key in labels;
    switch (e.operator) {
      case 'In': if (!present || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (present && values.includes(labels[key])) return false; break;
      case 'Exists': if (!present) return false; break;
      case 'DoesNotExist': if (present) return false; break;
      default: return false;
    }
  }
  return true;
}

const PDB_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

const pdb: Rule = {
  id: 'reliability/pdb',
  description: 'every multi-replica Deployment/StatefulSet/ReplicaSet has a PodDisruptionBudget selecting its pods in its namespace',
  severity: Severity.ERROR,
  fix: 'add a PodDisruptionBudget (policy/v1) in the same namespace whose selector matches the pod template labels.',
  check(ctx: RuleContext): Violation[] {
    // PDB selectors by namespace: each pod template is matched against the PDBs of its own namespace only.
    const pdbs = new Map<string, unknown[]>();
    for (const o of ctx.objects) {
      if (o.manifest.kind !== 'PodDisruptionBudget' || o.manifest.apiVersion !== 'policy/v1') continue;
      const ns = namespaceOf(o.manifest);
      let list = pdbs.get(ns);
      if (!list) pdbs.set(ns, (list = []));
      list.push((o.manifest.spec as Json | undefined)?.selector);
    }
    const out: Violation[] = [];
    for (const { object: o, views } of podObjects(ctx)) {
      if (!PDB_KINDS.has(o.manifest.kind)) continue;
      for (const v of views) {
        if (v.replicas < 2) continue;
        const ns = namespaceOf(o.manifest);
        const covered = (pdbs.get(ns) ?? []).some((selector) => selectorMatches(selector, v.labels));
        if (!covered) {
          out.push({
            object: o, path: 'spec.replicas',
            message: `${o.manifest.kind} has ${v.replicas} replicas but no PodDisruptionBudget selects its pods`,
          });
        }
      }
    }
    return out;
  },
};

const topologySpread: Rule = {
  id: 'reliability/topology-spread',
  description: 'model-server pods set topologySpreadConstraints or podAntiAffinity',
  severity: Severity.ERROR,
  fix: 'add topologySpreadConstraints over kubernetes.io/hostname (or topology.kubernetes.io/zone) with a labelSelector matching the pods.',
  check(ctx: RuleContext): Violation[] {
    const out: Violation[] = [];
    for (const { object: o, views } of podObjects(ctx)) {
      for (const v of views) {
        if (!isModelServerPod(v)) continue;
        const tsc = v.spec.topologySpreadConstraints;
        const anti = v.spec.affinity?.podAntiAffinity;
        const hasAnti = isObj(anti) && (
          (Array.isArray(anti.requiredDuringSchedulingIgnoredDuringExecution) && anti.requiredDuringSchedulingIgnoredDuringExecution.length > 0)
          || (Array.isArray(anti.preferredDuringSchedulingIgnoredDuringExecution) && anti.preferredDuringSchedulingIgnoredDuringExecution.length > 0));
        if ((Array.isArray(tsc) && tsc.length > 0) || hasAnti) continue;
        out.push({ object: o, path: v.at('topologySpreadConstraints'), message: 'model server pods have neither topologySpreadConstraints nor podAntiAffinity' });
      }
    }
    return out;
  },
};

const priorityClass: Rule = {
  id: 'reliability/priority-class',
  description: 'model-server pods set priorityClassName',
  severity: Severity.ERROR,
  fix: 'set priorityClassName to the platform\'s inference PriorityClass.',
  check(ctx: RuleContext): Violation[] {
    const out: Violation[] = [];
    for (const { object: o, views } of podObjects(ctx)) {
      for (const v of views) {
        if (!isModelServerPod(v) || has(v.spec.priorityClassName)) continue;
        out.push({ object: o, path: v.at('priorityClassName'), message: 'model server pods have no priorityClassName' });
      }
    }
    return out;
  },
};

/** The reliability pack (ids `reliability/*`). */
export class ReliabilityPack {
  /** All reliability rules. */
  public static create(): RulePack {
    return new RulePack('reliability', [resources, probes, pdb, topologySpread, priorityClass]);
  }

  private constructor() {}
}
