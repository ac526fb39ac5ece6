import { ConformanceProblem, formatProblem, validateObjects } from '../../lib/validate';
import { schemaDir } from './schemas';

/** Kubernetes version the emitted manifests are checked against. */
export const KUBERNETES_VERSION = '1.34';

/**
 * Strict conformance problems (errors and warnings) of `objects` against the upstream schemas (Kubernetes 1.34 +
 * CRDs). Empty when the schema directory is absent (callers wrap their tests with `describeWithSchemas`).
 */
export function conformanceProblems(objects: readonly unknown[]): ConformanceProblem[] {
  const dir = schemaDir();
  if (!dir) return [];
  return validateObjects(objects, { schemaDir: dir, kubernetesVersion: KUBERNETES_VERSION });
}

/**
 * Fails (with one formatted line per problem) when any object does not conform. Warnings (e.g. deprecated
 * versions) are not failures. A no-op when the schema directory is absent.
 */
export function expectConformant(objects: readonly unknown[]): void {
  const errors = conformanceProblems(objects).filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`${errors.length} conformance error(s):\n${errors.map(formatProblem).join('\n')}`);
  }
}
