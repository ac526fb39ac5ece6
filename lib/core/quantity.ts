/**
 * Kubernetes resource quantities (`resource.Quantity`): parse `'500m'`, `'10Gi'`, `'1.5'`, `'2e3'` into numbers and
 * format numbers back. Follows the serialization format of k8s.io/apimachinery/pkg/api/resource.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const BINARY: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** True if `value` is a syntactically valid Kubernetes quantity. */
export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/**
 * Parses a Kubernetes quantity into a plain number (bytes for memory, cores for CPU).
 * Returns `undefined` if the string is not a quantity.
 */
export function parseQuantity(value: string): number | undefined {
  const m = QUANTITY.exec(value.trim());
  if (!m || value.trim() !== value) return undefined;
  const num = Number(m[1]);
  if (m[2] !== undefined) {
    return num * (BINARY[m[2]] ?? DECIMAL[m[2]]);
  }
  if (m[3] !== undefined) {
    return num * 10 ** Number(m[3]);
  }
  return num;
}

/** Formats a number of bytes as a binary-suffixed quantity, exact where possible (`10737418240` -> `10Gi`). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`bytes must be a finite non-negative number, got ${bytes}`);
  const units: Array<[string, number]> = [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
  for (const [suffix, factor] of units) {
    if (bytes >= factor && Number.isInteger(bytes / factor)) return `${bytes / factor}${suffix}`;
  }
  if (Number.isInteger(bytes)) return String(bytes);
  return `${Math.ceil(bytes / 2 ** 20)}Mi`;
}

/** Formats GiB as a quantity (`16` -> `16Gi`, `0.5` -> `512Mi`). */
export function gib(value: number): string {
  return formatBytes(Math.round(value * 2 ** 30));
}

/** Formats CPU cores as a quantity (`2` -> `2`, `0.25` -> `250m`). */
export function cpu(cores: number): string {
  if (!Number.isFinite(cores) || cores < 0) throw new RangeError(`cores must be a finite non-negative number, got ${cores}`);
  if (Number.isInteger(cores)) return String(cores);
  return `${Math.round(cores * 1000)}m`;
}
