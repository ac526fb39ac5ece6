import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { renderApiObject } from '../synth/render-cache';
import { PolicyEngine, PolicyOptions, validatePolicyOptions } from './engine';
import { PodSecurityPack, PodSecurityVersion } from './pod-security-pack';
import { ReliabilityPack } from './reliability-pack';
import { formatFinding, PolicyReport, SuppressedFinding } from './report';
import { SovereigntyPack } from './sovereignty-pack';
import { Suppression } from './suppression';
import { Finding, Manifest, PolicyObject } from './types';

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
 * Guardrails are run once per app and validation pass: the first chart validation of a pass renders every object
 * of the app once, runs the packs once per distinct set of effective options, and splits the findings by chart;
 * the other charts of the pass take their share. A pass starts with a validation registered on the root of the
 * tree (the root's validations run before the charts': in pre-order in `app.synth()`/`chart.toJson()`, and in
 * `lib/synth` after every other construct's validations, root then charts), so objects added or changed between
 * two synths are always seen. A chart validated twice without
 * a new pass (validations called by hand) starts a new pass too, and the pass is dropped once every guarded chart
 * has taken its share. (Validating some charts by hand, changing the tree, then validating other charts by hand
 * without a synth in between would show them the tree as it was: `Guardrails.check` always runs afresh.)
 */
interface GuardrailsPass {
  /** The app's objects, rendered once. */
  rendered?: RenderedApp;
  /** Findings split by chart, per options key. */
  readonly byOptions: Map<string, SplitReport>;
  /** Charts whose validation has taken its share. */
  readonly consumed: Set<Chart>;
}

interface RenderedApp {
  readonly objects: PolicyObject[];
  /** The chart of each rendered object, by construct path. */
  readonly chartOf: Map<string, Chart>;
  /** Number of rendered objects per chart. */
  readonly counts: Map<Chart, number>;
}

interface SplitReport {
  readonly report: PolicyReport;
  /** Findings and suppressed findings per chart (only when every finding has a construct path). */
  readonly byChart?: Map<Chart, { findings: Finding[]; suppressed: SuppressedFinding[] }>;
}

/** Per tree root: the guarded charts and the current pass. */
interface RootState {
  readonly charts: Set<Chart>;
  pass?: GuardrailsPass;
}

const roots = new WeakMap<IConstruct, RootState>();

function rootState(root: IConstruct): RootState {
  let state = roots.get(root);
  if (!state) {
    const created: RootState = { charts: new Set() };
    state = created;
    roots.set(root, created);
    // Validations run in pre-order from the root: this one marks the start of a validation pass.
    root.node.addValidation({
      validate: () => {
        created.pass = undefined;
        return [];
      },
    });
  }
  return state;
}

/**
 * Wires the policy packs into synth. Construct authors call `Guardrails.ensure(this)` in their constructors: the
 * chart containing the construct then validates itself (`node.addValidation`) and synth fails listing every finding
 * on its objects (construct path, rule id, message, fix). Platform owners set options once per App or Chart with
 * `Guardrails.configure(app, {...})`; the constructs never need to know them.
 *
 * The packs run once per synth over the whole app (once per distinct set of options when charts configure
 * different ones), whatever the number of guarded charts; each chart reports the findings on its own objects.
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
    const state = rootState(chart.node.root);
    state.charts.add(chart);
    chart.node.addValidation({
      validate: () => {
        const report = checkInPass(chart, state);
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
    const engine = engineFor(chart, options);
    const rendered = renderApp(App.of(chart));
    return reportOf(chart, split(engine.run(rendered.objects), rendered), rendered);
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

/** The chart's report within the current validation pass (packs run once per pass and options key). */
function checkInPass(chart: Chart, state: RootState): PolicyReport | undefined {
  let pass = state.pass;
  if (!pass || pass.consumed.has(chart)) {
    pass = { byOptions: new Map(), consumed: new Set() };
    state.pass = pass;
  }
  pass.consumed.add(chart);
  try {
    const options = Guardrails.optionsFor(chart);
    if (options.enabled === false) return undefined;
    const engine = engineFor(chart, options); // validates the options, naming this chart
    const rendered = (pass.rendered ??= renderApp(App.of(chart), true));
    const key = optionsKey(options);
    let shared = pass.byOptions.get(key);
    if (!shared) {
      shared = split(engine.run(rendered.objects), rendered);
      pass.byOptions.set(key, shared);
    }
    return reportOf(chart, shared, rendered);
  } finally {
    // Every guarded chart has its share: drop the rendered app (the next synth starts a new pass anyway).
    if (state.pass === pass && pass.consumed.size >= state.charts.size) state.pass = undefined;
  }
}

function engineFor(chart: Chart, options: GuardrailsOptions): PolicyEngine {
  const packs = options.packs ?? defaultPacks(options.podSecurityVersion ?? PodSecurityVersion.LATEST);
  return new PolicyEngine({ ...options, packs }, chart.node.path);
}

/**
 * Every ApiObject of the app rendered once (objects that fail to render are left to synth to report). With
 * `shared`, during a `lib/synth` synthesis, the rendering is the one the synthesis writes (each object is
 * rendered once per synthesis); the packs only read it.
 */
function renderApp(app: App, shared = false): RenderedApp {
  const objects: PolicyObject[] = [];
  const chartOf = new Map<string, Chart>();
  const counts = new Map<Chart, number>();
  for (const c of app.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    let manifest: Manifest;
    try {
      manifest = (shared ? renderApiObject(c) : c.toJson()) as Manifest;
    } catch {
      continue; // synth reports the serialization error itself
    }
    const path = c.node.path;
    objects.push({ manifest, constructPath: path });
    const chart = Chart.of(c);
    chartOf.set(path, chart);
    counts.set(chart, (counts.get(chart) ?? 0) + 1);
  }
  return { objects, chartOf, counts };
}

/** Splits a whole-app report by the chart of each finding's object, keeping the report order. */
function split(report: PolicyReport, rendered: RenderedApp): SplitReport {
  const all = [...report.findings, ...report.suppressed.map((s) => s.finding)];
  if (all.some((f) => f.constructPath === undefined)) return { report }; // rule errors: every chart reports them
  const byChart = new Map<Chart, { findings: Finding[]; suppressed: SuppressedFinding[] }>();
  const bucket = (path: string): { findings: Finding[]; suppressed: SuppressedFinding[] } | undefined => {
    const chart = rendered.chartOf.get(path);
    if (!chart) return undefined;
    let b = byChart.get(chart);
    if (!b) {
      b = { findings: [], suppressed: [] };
      byChart.set(chart, b);
    }
    return b;
  };
  for (const f of report.findings) bucket(f.constructPath!)?.findings.push(f);
  for (const s of report.suppressed) bucket(s.finding.constructPath!)?.suppressed.push(s);
  return { report, byChart };
}

/** The chart's share of a whole-app report: findings on its own objects (and those without a construct path). */
function reportOf(chart: Chart, shared: SplitReport, rendered: RenderedApp): PolicyReport {
  const objects = rendered.counts.get(chart) ?? 0;
  const { report, byChart } = shared;
  if (byChart) {
    const mine = byChart.get(chart);
    return new PolicyReport(report.packs, mine?.findings ?? [], mine?.suppressed ?? [], objects);
  }
  const keep = (cp: string | undefined) => cp === undefined || rendered.chartOf.get(cp) === chart;
  return new PolicyReport(
    report.packs,
    report.findings.filter((f) => keep(f.constructPath)),
    report.suppressed.filter((s) => keep(s.finding.constructPath)),
    objects,
  );
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function identity(o: object): number {
  let id = identities.get(o);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(o, id);
  }
  return id;
}

/**
 * What the engine's result depends on, as a string: charts with the same key share one run. Packs and
 * suppressions count by identity (a report lists the very suppression objects configured), lists by value.
 */
function optionsKey(options: GuardrailsOptions): string {
  return JSON.stringify([
    options.packs ? options.packs.map(identity) : `default:${(options.podSecurityVersion ?? PodSecurityVersion.LATEST).minor}`,
    options.approvedRegistries ?? null,
    options.internalCidrs ?? null,
    options.ingressServices ?? null,
    (options.suppressions ?? []).map(identity),
  ]);
}

function defaultPacks(version: PodSecurityVersion) {
  return [PodSecurityPack.restricted({ version }), SovereigntyPack.create(), ReliabilityPack.create()];
}
