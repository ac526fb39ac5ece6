/** Where the schemas come from and which Kubernetes version to check against. */
export interface ConformanceOptions {
  /**
   * Directory holding `kubernetes/<version>/openapi-v3/*.json` and `crds/<project>/*.yaml`.
   * @see https://github.com/kubernetes/kubernetes/tree/master/api/openapi-spec/v3
   */
  readonly schemaDir: string;
  /**
   * Kubernetes minor (`1.34`) or exact (`1.34.9`, `v1.34.9`) version; a minor picks the highest patch present.
   * @see https://kubernetes.io/releases/
   * @default '1.34'
   */
  readonly kubernetesVersion?: string;
}

/** One conformance finding on one object. */
export interface ConformanceProblem {
  /** `error` = the API server would reject the object; `warning` = accepted but deprecated. */
  readonly severity: 'error' | 'warning';
  /** File the object was read from, when validating files. */
  readonly file?: string;
  /** Zero-based index of the object (document index within a file, or position in the list). */
  readonly index?: number;
  /** The object's apiVersion, when it has one. */
  readonly apiVersion?: string;
  /** The object's kind, when it has one. */
  readonly kind?: string;
  /** The object's metadata.namespace, when set. */
  readonly namespace?: string;
  /** The object's metadata.name, when set. */
  readonly name?: string;
  /** JSON path of the offending field, e.g. `spec.template.spec.containers[0].badField`; `(root)` for the object. */
  readonly path: string;
  /** What is wrong, e.g. `unknown field "foo"`, `expected string, got integer`. */
  readonly message: string;
}

/** The schema directory is missing or unreadable, or has no spec for the requested Kubernetes version. */
export class SchemaDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaDirectoryError';
  }
}

/** Default Kubernetes version for conformance checks. */
export const DEFAULT_KUBERNETES_VERSION = '1.34';

/** Path used for problems about the object as a whole. */
export const ROOT_PATH = '(root)';

/**
 * One line: `file: kind/namespace/name: path: message`. Unknown parts are left out; an object without a name is
 * identified by its document index (`Kind/<document 2>`), a document without kind by `document 2`.
 */
export function formatProblem(p: ConformanceProblem): string {
  const parts: string[] = [];
  if (p.file !== undefined) parts.push(p.file);
  if (p.kind !== undefined) {
    const id: string[] = [p.kind];
    if (p.namespace) id.push(p.namespace);
    if (p.name) id.push(p.name);
    else if (p.index !== undefined) id.push(`<document ${p.index}>`);
    parts.push(id.join('/'));
  } else if (p.index !== undefined) {
    parts.push(`document ${p.index}`);
  }
  parts.push(p.path);
  const prefix = p.severity === 'warning' ? 'warning: ' : '';
  return `${parts.join(': ')}: ${prefix}${p.message}`;
}
