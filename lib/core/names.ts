import { createHash } from 'crypto';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Max length of a DNS-1123 label (namespaces, Service names, most names used in DNS). */
export const DNS1123_LABEL_MAX = 63;
/** Max length of a DNS-1123 subdomain (most object names). */
export const DNS1123_SUBDOMAIN_MAX = 253;

/** True if `name` is a DNS-1123 label: lowercase alphanumerics and '-', alphanumeric ends, at most 63 chars. */
export function isDns1123Label(name: string): boolean {
  return name.length > 0 && name.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(name);
}

/** True if `name` is a DNS-1123 subdomain: dot-separated labels, at most 253 chars. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length > 0 && name.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(name);
}

/** Short, stable hash (hex) of a string. */
export function shortHash(input: string, length = 8): string {
  return createHash('sha256').update(input).digest('hex').slice(0, length);
}

/**
 * Lowercases and replaces every run of characters outside `[a-z0-9-]` with '-', trimming '-' at both ends.
 */
export function sanitizeDns1123(input: string): string {
  return input
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * A deterministic DNS-1123 label built from parts (e.g. `['radiology', 'llama-70b', 'decode']`).
 *
 * Parts are sanitized and joined with '-'. If the result is longer than `maxLength`, it is truncated and an
 * 8-character hash of the full name is appended, so names stay unique and stable: the same parts always give the
 * same name, and changing one model's parts never changes another's.
 */
export function stableName(parts: readonly string[], maxLength: number = DNS1123_LABEL_MAX): string {
  const joined = parts.map(sanitizeDns1123).filter((p) => p.length > 0).join('-');
  const full = joined.length > 0 ? joined : 'x';
  if (full.length <= maxLength) return full;
  const hash = shortHash(parts.join('/'));
  const head = full.slice(0, maxLength - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}
