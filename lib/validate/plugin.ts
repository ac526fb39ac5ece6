/*
 * cdk8s validation plugin: `cdk8s synth` runs strict conformance over the synthesized manifests.
 *
 *   validations:
 *     - package: ./build/lib/validate/plugin.js
 *       class: ConformanceValidation
 *       properties: { kubernetesVersion: '1.34', schemas: path/to/schemas }
 *
 * The context is typed structurally (the cdk8s CLI is not a runtime dependency).
 * @see https://cdk8s.io/docs/latest/cli/synth/#validation-plugins
 */
import { resolve } from 'path';
import { ConformanceProblem, DEFAULT_KUBERNETES_VERSION, SchemaDirectoryError, formatProblem } from './problem';
import { defaultSchemaDir, validateFiles } from './validate';

/** Properties of the plugin (cdk8s.yaml `validations[].properties`). */
export interface ConformanceValidationProps {
  /**
   * Kubernetes version to check against (`1.34`, `1.36`, or exact `1.34.9`).
   * @see https://kubernetes.io/releases/
   * @default '1.34'
   */
  readonly kubernetesVersion?: string;
  /**
   * Schema directory (relative to the current directory), laid out as `kubernetes/<version>/openapi-v3` and `crds/`.
   * @see https://kubernetes.io/docs/concepts/overview/kubernetes-api/#openapi-v3
   * @default $SOVEREIGN_SCHEMAS, else ./schemas
   */
  readonly schemas?: string;
}

/** One resource violating a rule (cdk8s `ValidationViolatingResource`). */
export interface ViolatingResource {
  readonly resourceName: string;
  readonly locations: readonly string[];
  readonly manifestPath: string;
}

/** One violation (cdk8s `ValidationViolation`). */
export interface Violation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly ViolatingResource[];
}

/** The part of the cdk8s `ValidationContext` this plugin uses. */
export interface ConformanceValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: Violation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger?: { log(message: string): void };
}

const FIX = 'Change the construct or props that emit this field so the object matches the schema of its apiVersion/kind.';

/** cdk8s validation plugin running the strict conformance check (`class: ConformanceValidation`). */
export class ConformanceValidation {
  /** Kubernetes version checked against. */
  public readonly kubernetesVersion: string;
  /** Schema directory used. */
  public readonly schemaDir: string;

  constructor(props: ConformanceValidationProps = {}) {
    const version: unknown = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    // An unquoted `kubernetesVersion: 1.30` in cdk8s.yaml arrives as the number 1.3.
    this.kubernetesVersion = typeof version === 'number' ? version.toFixed(2) : String(version);
    this.schemaDir = props.schemas ? resolve(props.schemas) : defaultSchemaDir();
  }

  /** Validates the synthesized manifests and reports one violation per distinct problem (cdk8s validation plugin entry). */
  public async validate(context: ConformanceValidationContext): Promise<void> {
    let problems: ConformanceProblem[];
    try {
      problems = validateFiles(context.manifests, { schemaDir: this.schemaDir, kubernetesVersion: this.kubernetesVersion });
    } catch (e) {
      if (!(e instanceof SchemaDirectoryError)) throw e;
      context.report.addViolation({
        ruleName: 'schema directory',
        recommendation: e.message,
        fix: 'Set the plugin property `schemas` or $SOVEREIGN_SCHEMAS to a directory holding kubernetes/<version>/openapi-v3 and crds/.',
        violatingResources: [],
      });
      context.report.submit('failure', { schemas: this.schemaDir });
      return;
    }
    // One violation per distinct message, listing every resource (and path) that has it.
    const byRule = new Map<string, { problem: ConformanceProblem; resources: Map<string, { resourceName: string; manifestPath: string; locations: string[] }> }>();
    for (const p of problems) {
      const ruleName = `${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
      let rule = byRule.get(ruleName);
      if (!rule) byRule.set(ruleName, (rule = { problem: p, resources: new Map() }));
      const resourceName = p.name ?? `${p.kind ?? 'document'}#${p.index ?? 0}`;
      const key = `${p.file ?? ''}\0${resourceName}`;
      let r = rule.resources.get(key);
      if (!r) rule.resources.set(key, (r = { resourceName, manifestPath: p.file ?? '', locations: [] }));
      if (!r.locations.includes(p.path)) r.locations.push(p.path);
    }
    for (const [ruleName, rule] of byRule) {
      context.report.addViolation({
        ruleName,
        recommendation: formatProblem(rule.problem),
        fix: FIX,
        violatingResources: [...rule.resources.values()],
      });
    }
    const errors = problems.filter((p) => p.severity === 'error').length;
    context.report.submit(errors > 0 ? 'failure' : 'success', {
      kubernetesVersion: this.kubernetesVersion,
      errors: String(errors),
      warnings: String(problems.length - errors),
    });
  }
}
