import { IConstruct } from 'constructs';

/**
 * Describes one invalid input: which prop, the value given, what is allowed and how to fix it.
 */
export interface InvalidPropOptions {
  /** The prop name as the user wrote it, e.g. `nodes` or `models[2].replicas`. */
  readonly prop: string;
  /** The value given (rendered with JSON.stringify). */
  readonly value: unknown;
  /** What is allowed, e.g. `an integer from 1 to 64`. */
  readonly allowed: string;
  /** How to fix it. @default - no fix sentence */
  readonly fix?: string;
}

/**
 * The one error type of the library. Every message names the construct path, so a user with a large app
 * can find the offending construct. Bad input never produces a manifest: it produces one of these.
 */
export class ValidationError extends Error {
  /**
   * An error about a prop of a construct: `<path>: invalid <prop>: <value>. Allowed: <allowed>. Fix: <fix>`.
   */
  public static invalidProp(scope: IConstruct | string, options: InvalidPropOptions): ValidationError {
    const fix = options.fix ? ` Fix: ${options.fix}` : '';
    return new ValidationError(
      scope,
      `invalid ${options.prop}: ${renderValue(options.value)}. Allowed: ${options.allowed}.${fix}`,
    );
  }

  /** The construct path (or the logical location for pure functions, e.g. `planner`). */
  public readonly path: string;
  /** The message without the path prefix. */
  public readonly detail: string;

  constructor(scope: IConstruct | string, detail: string) {
    const path = typeof scope === 'string' ? scope : scope.node.path || '<root>';
    super(`${path}: ${detail}`);
    this.name = 'ValidationError';
    this.path = path;
    this.detail = detail;
  }
}

/** Renders a user value for an error message: strings quoted, everything else as JSON. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
