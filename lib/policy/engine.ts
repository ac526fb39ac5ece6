import { ValidationError } from '../core';
import { parseCidr } from './net';
import { PodSecurityPack, PodSecurityVersion } from './pod-security-pack';
import { ReliabilityPack } from './reliability-pack';
import { PolicyReport, SuppressedFinding } from './report';
import { SovereigntyPack } from './sovereignty-pack';
import { annotationSuppressions, Suppression, suppresses, validateSuppressions } from './suppression';
import { Finding, Manifest, objectRef, PolicyObject, RuleContext, RulePack, Severity } from './types';

/** The rule id of findings reporting a rule that threw. */
export const RULE_ERROR_ID = 'engine/rule-error';

/** Options of a policy run. */
export interface PolicyOptions {
  /**
   * Registries images (and `oci://` model sources) may come from: hosts, optionally with a path prefix.
   * @default - registries are not checked (digest pinning still is)
   */
  readonly approvedRegistries?: readonly string[];
  /**
   * CIDRs inside the platform: NetworkPolicy egress ipBlocks must lie within one of them.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
   * @default - none: every egress ipBlock is a finding
   */
  readonly internalCidrs?: readonly string[];
  /**
   * Services (`namespace/name`) declared as ingress, allowed to be NodePort or LoadBalancer (besides those annotated
   * `sovereign-ai.dev/ingress: "true"`).
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
   * @default - none
   */
  readonly ingressServices?: readonly string[];
  /**
   * Accepted findings, each with a written reason. Objects may also carry the annotation
   * `sovereign-ai.dev/suppressions: "rule-id=reason; ..."`.
   * @default - none
   */
  readonly suppressions?: readonly Suppression[];
  /**
   * The packs to run.
   * @default PolicyEngine.defaultPacks(): Pod Security restricted (latest), sovereignty, reliability
   */
  readonly packs?: readonly RulePack[];
}

/** Runs rule packs over objects and builds a report. */
export class PolicyEngine {
  /** Pod Security restricted (latest version), sovereignty and reliability. */
  public static defaultPacks(): RulePack[] {
    return [PodSecurityPack.restricted(), SovereigntyPack.create(), ReliabilityPack.create()];
  }

  /** A built-in pack by name: `pss-baseline`, `pss-restricted`, `sovereignty`, `reliability`. */
  public static pack(name: string, version: PodSecurityVersion = PodSecurityVersion.LATEST): RulePack | undefined {
    switch (name) {
      case 'pss-baseline': return PodSecurityPack.baseline({ version });
      case 'pss-restricted': return PodSecurityPack.restricted({ version });
      case 'sovereignty': return SovereigntyPack.create();
      case 'reliability': return ReliabilityPack.create();
      default: return undefined;
    }
  }

  /** Names accepted by {@link PolicyEngine.pack}. */
  public static readonly PACK_NAMES: readonly string[] = ['pss-baseline', 'pss-restricted', 'sovereignty', 'reliability'];

  /** Every rule id of the built-in packs plus `engine/rule-error`. */
  public static builtinRuleIds(): Set<string> {
    const ids = new Set<string>([RULE_ERROR_ID]);
    for (const n of PolicyEngine.PACK_NAMES) for (const r of PolicyEngine.pack(n)!.rules) ids.add(r.id);
    return ids;
  }

  /** The packs this engine runs. */
  public readonly packs: readonly RulePack[];
  private readonly options: PolicyOptions;
  private readonly knownIds: Set<string>;

  /**
   * @param options the run options (validated eagerly)
   * @param where the location named in errors (a construct path, or `policy`)
   */
  constructor(options: PolicyOptions = {}, where = 'policy') {
    this.packs = options.packs ?? PolicyEngine.defaultPacks();
    this.knownIds = PolicyEngine.builtinRuleIds();
    for (const p of this.packs) for (const r of p.rules) this.knownIds.add(r.id);
    validatePolicyOptions(where, options, this.knownIds);
    this.options = options;
  }

  /** Runs every rule over the objects. Throws a ValidationError for a bad annotation suppression. */
  public run(objects: readonly PolicyObject[]): PolicyReport {
    const context: RuleContext = {
      objects,
      options: {
        approvedRegistries: this.options.approvedRegistries,
        internalCidrs: this.options.internalCidrs ?? [],
        ingressServices: this.options.ingressServices ?? [],
      },
    };
    const suppressions: Suppression[] = [...(this.options.suppressions ?? [])];
    for (const o of objects) {
      const fromAnnotation = annotationSuppressions(o.manifest);
      if (fromAnnotation.length > 0) {
        validateSuppressions(o.constructPath ?? `${o.manifest.kind}/${o.manifest.metadata?.name ?? ''}`,
          'annotation sovereign-ai.dev/suppressions', fromAnnotation, this.knownIds);
        suppressions.push(...fromAnnotation);
      }
    }
    // Suppressions by rule id, each list in declaration order: the first that applies wins, as before.
    const byRule = new Map<string, Suppression[]>();
    for (const s of suppressions) {
      let list = byRule.get(s.ruleId);
      if (!list) byRule.set(s.ruleId, (list = []));
      list.push(s);
    }
    const findings: Finding[] = [];
    const suppressed: SuppressedFinding[] = [];
    const seen = new Set<string>();
    for (const pack of this.packs) {
      for (const rule of pack.rules) {
        if (seen.has(rule.id)) continue;
        seen.add(rule.id);
        let produced: Finding[];
        try {
          produced = rule.check(context).map((v) => ({
            ruleId: rule.id,
            severity: rule.severity,
            object: objectRef(v.object.manifest),
            path: v.path,
            message: v.message,
            fix: v.fix ?? rule.fix,
            ...(v.object.constructPath ? { constructPath: v.object.constructPath } : {}),
            ...(v.object.source ? { source: v.object.source } : {}),
          }));
        } catch (e) {
          produced = [{
            ruleId: RULE_ERROR_ID,
            severity: Severity.ERROR,
            object: { apiVersion: '', kind: 'Rule', name: rule.id },
            path: '',
            message: `rule "${rule.id}" failed: ${e instanceof Error ? e.message : String(e)}`,
            fix: 'report the failing rule with the manifests that trigger it; meanwhile suppress it with a reason.',
          }];
        }
        for (const f of produced) {
          const s = byRule.get(f.ruleId)?.find((x) => suppresses(x, f));
          if (s) suppressed.push({ finding: f, suppression: s });
          else findings.push(f);
        }
      }
    }
    return new PolicyReport(this.packs.map((p) => p.name), findings, suppressed, objects.length);
  }
}

/** Validates policy options: CIDRs parse, registries are non-empty, suppressions have a reason and a known rule. */
export function validatePolicyOptions(where: string, options: PolicyOptions, knownIds?: ReadonlySet<string>): void {
  (options.internalCidrs ?? []).forEach((c, i) => {
    if (!parseCidr(c)) {
      throw ValidationError.invalidProp(where, {
        prop: `internalCidrs[${i}]`, value: c, allowed: 'an IPv4 or IPv6 CIDR such as "10.0.0.0/8"',
        fix: 'write the network address with its prefix length.',
      });
    }
  });
  (options.approvedRegistries ?? []).forEach((r, i) => {
    if (typeof r !== 'string' || r.trim() === '' || r.includes('://') || /\s/.test(r)) {
      throw ValidationError.invalidProp(where, {
        prop: `approvedRegistries[${i}]`, value: r, allowed: 'a registry host, optionally with a path prefix (e.g. "registry.example.internal:5000/ai")',
        fix: 'drop the scheme and whitespace.',
      });
    }
  });
  (options.ingressServices ?? []).forEach((s, i) => {
    if (typeof s !== 'string' || !/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(s)) {
      throw ValidationError.invalidProp(where, {
        prop: `ingressServices[${i}]`, value: s, allowed: '"<namespace>/<service name>"',
        fix: 'name the Service with its namespace, e.g. "gateway/inference-gateway".',
      });
    }
  });
  validateSuppressions(where, 'suppressions', options.suppressions ?? [], knownIds ?? PolicyEngine.builtinRuleIds());
}

/** Wraps plain manifests as policy objects (construct path from the `sovereign-ai.dev/construct-path` annotation). */
export function toPolicyObjects(manifests: readonly Manifest[], source?: string): PolicyObject[] {
  return manifests.map((m) => {
    const cp = m.metadata?.annotations?.['sovereign-ai.dev/construct-path'];
    return { manifest: m, ...(cp ? { constructPath: cp } : {}), ...(source ? { source } : {}) };
  });
}

/** Runs the packs (default: all) over plain manifests. */
export function checkManifests(manifests: readonly Manifest[], options: PolicyOptions = {}): PolicyReport {
  return new PolicyEngine(options).run(toPolicyObjects(manifests));
}
