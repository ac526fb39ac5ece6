import { readdirSync, statSync } from 'fs';
import { join } from 'path';

const MANIFEST = /\.(ya?ml|json)$/i;

/**
 * Files that `cdk8s synth` writes beside the manifests and that are not Kubernetes objects; skipped when walking a
 * directory (still read when named explicitly).
 */
export const NON_MANIFEST_FILES: ReadonlySet<string> = new Set(['construct-metadata.json']);

/**
 * The manifest files of the given paths, in order: a file is taken as given; a directory contributes its
 * `.yaml`/`.yml`/`.json` files recursively (sorted; hidden folders, `node_modules` and {@link NON_MANIFEST_FILES}
 * skipped). A path that cannot be read is returned as is, for the caller to report.
 */
export function expandManifestPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) expand(p, out);
  return out;
}

function expand(path: string, out: string[]): void {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    out.push(path);
    return;
  }
  if (!isDir) {
    out.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) {
    const child = join(path, name);
    let childIsDir = false;
    try {
      childIsDir = statSync(child).isDirectory();
    } catch {
      continue; // a broken link
    }
    if (childIsDir) {
      if (name !== 'node_modules' && !name.startsWith('.')) expand(child, out);
    } else if (MANIFEST.test(name) && !NON_MANIFEST_FILES.has(name)) {
      out.push(child);
    }
  }
}
