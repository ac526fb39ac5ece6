/**
 * The policy packs as a cdk8s validation plugin (`cdk8s.yaml` `validations:` entry with `class: PolicyValidation`).
 * The plugin context is typed structurally so cdk8s-cli is not needed at runtime.
 *
 * Properties (all optional): `packs` (names, default all), `approvedRegistries`, `internalCidrs`, `ingressServices`,
 * `suppressions` ({ruleId, reason, match?}), `podSecurityVersion` (Kubernetes minor, e.g. 34).
 */
import { PolicyEngine } from './engine';
import { PodSecurityVersion } from './pod-security-pack';
import { Suppression } from './suppression';
import { Finding, Manifest, PolicyObject, RulePack } from './types';

/** The part of the cdk8s-cli validation context the plugin uses. */
export interface PolicyValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingResources: ReadonlyArray<{ readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }>;
    }): void;
    submit(status: 'success' | 'failure', metadata?: Readonly<Record<string, string>>): void;
  };
  readonly logger: { log(message: string): void };
  parseManifest(manifestPath: string): unknown[];
}

/** Plugin properties (from `cdk8s.yaml`). */
export interface PolicyValidationProps {
  /** Pack names. @default - pss-restricted, sovereignty, reliability */
  readonly packs?: readonly string[];
  /** Registries images (and `oci://` model sources) may come from: hosts, optionally with a path prefix. @default - not checked */
  readonly approvedRegistries?: readonly string[];
  /** CIDRs inside the platform: NetworkPolicy egress ipBlocks must lie within one of them. @see https://kubernetes.io/docs/concepts/services-networking/network-policies/ @default - none */
  readonly internalCidrs?: readonly string[];
  /** Services (`namespace/name`) allowed to be NodePort or LoadBalancer. @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types @default - none */
  readonly ingressServices?: readonly string[];
  /** Accepted findings (`{ruleId, reason, match?}`), each with a written reason. @default - none */
  readonly suppressions?: readonly Suppression[];
  /** Kubernetes minor of the Pod Security version (e.g. 34). @see https://kubernetes.io/docs/concepts/security/pod-security-standards/ @default - latest */
  readonly podSecurityVersion?: number;
}

/** cdk8s validation plugin running the policy packs over the synthesized manifests. */
export class PolicyValidation {
  private readonly engine: PolicyEngine;

  constructor(props: PolicyValidationProps = {}) {
    const version = props.podSecurityVersion !== undefined ? PodSecurityVersion.of(props.podSecurityVersion) : PodSecurityVersion.LATEST;
    const names = props.packs ?? ['pss-restricted', 'sovereignty', 'reliability'];
    const packs: RulePack[] = names.map((n) => {
      const p = PolicyEngine.pack(n, version);
      if (!p) throw new Error(`PolicyValidation: unknown pack "${n}". Allowed: ${PolicyEngine.PACK_NAMES.join(', ')}.`);
      return p;
    });
    this.engine = new PolicyEngine({
      packs,
      approvedRegistries: props.approvedRegistries,
      internalCidrs: props.internalCidrs,
      ingressServices: props.ingressServices,
      suppressions: props.suppressions,
    }, 'PolicyValidation');
  }

  /** Runs the packs over the synthesized manifests and reports one violation per rule (cdk8s validation plugin entry). */
  public async validate(context: PolicyValidationContext): Promise<void> {
    const objects: PolicyObject[] = [];
    for (const file of context.manifests) {
      for (const doc of context.parseManifest(file)) {
        if (doc && typeof doc === 'object' && 'kind' in doc) objects.push({ manifest: doc as Manifest, source: file });
      }
    }
    const report = this.engine.run(objects);
    const byRule = new Map<string, Finding[]>();
    for (const f of report.findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    for (const [ruleId, findings] of byRule) {
      context.report.addViolation({
        ruleName: ruleId,
        recommendation: findings.map((f) => f.message).filter((m, i, a) => a.indexOf(m) === i).join('; '),
        fix: findings[0].fix,
        violatingResources: findings.map((f) => ({
          resourceName: f.object.name,
          locations: [f.path],
          manifestPath: f.source ?? '',
        })),
      });
    }
    for (const s of report.suppressed) {
      context.logger.log(`suppressed ${s.finding.ruleId} on ${s.finding.object.kind} ${s.finding.object.name}: ${s.suppression.reason}`);
    }
    context.report.submit(report.passed ? 'success' : 'failure', {
      findings: String(report.counts.findings),
      suppressed: String(report.counts.suppressed),
      objects: String(report.counts.objects),
    });
  }
}
