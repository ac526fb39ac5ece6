/** Container image references: registry host and digest pinning. */

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** True when the image is pinned by a sha256 digest (`...@sha256:<64 hex>`). */
export function isDigestPinned(image: string): boolean {
  return DIGEST.test(image);
}

/** The registry host of an image reference (`docker.io` when the reference names none). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/** The image reference with its registry made explicit (`nginx` -> `docker.io/nginx`). */
export function normalizeImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const explicit = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  return explicit ? image : `docker.io/${image}`;
}

/**
 * True when the image comes from one of the approved registries. An entry is a host (`registry.example.internal`,
 * `registry.example.internal:5000`) or a host with a path prefix (`registry.example.internal/mirror`).
 */
export function fromApprovedRegistry(image: string, approved: readonly string[]): boolean {
  const ref = normalizeImage(image);
  return approved.some((a) => {
    const entry = a.replace(/\/+$/, '');
    return ref.startsWith(`${entry}/`);
  });
}
