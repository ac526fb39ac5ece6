import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PolicyEngine, PolicyOptions, validatePolicyOptions } from './engine';
import { PodSecurityPack, PodSecurityVersion } from './pod-security-pack';
import { ReliabilityPack } from './reliability-pack';
import { formatFinding, PolicyReport } from './report';
import { SovereigntyPack } from './sovereignty-pack';
import { Suppression } from './suppression';
import { Manifest, PolicyObject } from './types';

/** Guardrail options for an App or a Chart (and everything below it). */
export interface GuardrailsOptions extends PolicyOptions {
  /**
   * Run the packs at synth. Set to `false` to switch the guardrails off below this scope (e.g. in unit tests of a
   * single construct); findings are then not reported at all.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Pod Security Standards version of the default packs (ignored when `packs` is given).
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
   * @default PodSecurityVersion.LATEST
   */
  readonly podSecurityVersion?: PodSecurityVersion;
}

/** The construct context key read for options given as plain data (e.g. `cdk8s.yaml`/`App({ context })`). */
export const GUARDRAILS_CONTEXT_KEY = 'sovereign-ai.dev/policy';

const configured = new WeakMap<IConstruct, GuardrailsOptions>();
const ensured = new WeakSet<Chart>();

/**
 * Wires the policy packs into synth. Construct authors call `Guardrails.ensure(this)` in their constructors: the
 * chart containing the construct then validates itself (`node.addValidation`) and synth fails listing every finding
 * on its objects (construct path, rule id, message, fix). Platform owners set options once per App or Chart with
 * `Guardrails.configure(app, {...})`; the constructs never need to know them.
 */
export class Guardrails {
  /**
   * Sets guardrail options on an App or Chart (nearest scope wins field by field; suppressions of every level add up).
   * Validated eagerly: bad CIDRs, a suppression without a reason or with an unknown rule id throw a ValidationError.
   */
  public static configure(scope: IConstruct, options: GuardrailsOptions): void {
    const packs = options.packs ?? (options.podSecurityVersion ? defaultPacks(options.podSecurityVersion) : undefined);
    const ids = PolicyEngine.builtinRuleIds();
    for (const p of packs ?? []) for (const r of p.rules) ids.add(r.id);
    validatePolicyOptions(scope.node.path || '<root>', options, ids);
    configured.set(scope, { ...(configured.get(scope) ?? {}), ...options });
  }

  /** Adds the policy validation to the chart containing `scope` (once per chart; further calls do nothing). */
  public static ensure(scope: IConstruct): void {
    const chart = Chart.of(scope);
    if (ensured.has(chart)) return;
    ensured.add(chart);
    chart.node.addValidation({
      validate: () => {
        const report = Guardrails.check(chart);
        return report ? report.findings.map(formatFinding) : [];
      },
    });
  }

  /**
   * Runs the packs now over the chart's objects (with the whole App as context, so NetworkPolicies and PDBs in
   * other charts count) and returns the report; `undefined` when the guardrails are disabled for this chart.
   */
  public static check(chart: Chart): PolicyReport | undefined {
    const options = Guardrails.optionsFor(chart);
    if (options.enabled === false) return undefined;
    const app = App.of(chart);
    const objects: PolicyObject[] = [];
    const mine = new Set<string>();
    for (const c of app.node.findAll()) {
      if (!(c instanceof ApiObject)) continue;
      let manifest: Manifest;
      try {
        manifest = c.toJson() as Manifest;
      } catch {
        continue; // synth reports the serialization error itself
      }
      objects.push({ manifest, constructPath: c.node.path });
      if (Chart.of(c) === chart) mine.add(c.node.path);
    }
    const packs = options.packs ?? defaultPacks(options.podSecurityVersion ?? PodSecurityVersion.LATEST);
    const report = new PolicyEngine({ ...options, packs }, chart.node.path).run(objects);
    const keep = (cp: string | undefined) => cp === undefined || mine.has(cp);
    return new PolicyReport(
      report.packs,
      report.findings.filter((f) => keep(f.constructPath)),
      report.suppressed.filter((s) => keep(s.finding.constructPath)),
      mine.size,
    );
  }

  /** The effective options of a scope: nearest configured value per field, suppressions of every level. */
  public static optionsFor(scope: IConstruct): GuardrailsOptions {
    const levels: GuardrailsOptions[] = [];
    for (const s of scope.node.scopes) {
      const o = configured.get(s);
      if (o) levels.push(o);
    }
    const fromContext = scope.node.tryGetContext(GUARDRAILS_CONTEXT_KEY) as GuardrailsOptions | undefined;
    const all = fromContext ? [fromContext, ...levels] : levels;
    const merged: Record<string, unknown> = {};
    const suppressions: Suppression[] = [];
    for (const o of all) {
      for (const [k, v] of Object.entries(o)) if (v !== undefined && k !== 'suppressions') merged[k] = v;
      suppressions.push(...(o.suppressions ?? []));
    }
    return { ...(merged as GuardrailsOptions), suppressions };
  }

  private constructor() {}
}

function defaultPacks(version: PodSecurityVersion) {
  return [PodSecurityPack.restricted({ version }), SovereigntyPack.create(), ReliabilityPack.create()];
}
