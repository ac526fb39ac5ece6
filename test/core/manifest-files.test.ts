import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { expandManifestPaths } from '../../lib/core';

describe('expandManifestPaths', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'manifests-'));
    for (const f of ['b.yaml', 'a.yml', 'c.json', 'notes.txt', 'construct-metadata.json']) writeFileSync(join(dir, f), '');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'z.k8s.yaml'), '');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'x.yaml'), '');
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules', 'y.yaml'), '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('walks directories recursively, sorted, manifests only, without cdk8s construct metadata', () => {
    expect(expandManifestPaths([dir]).map((f) => f.slice(dir.length + 1))).toEqual(['a.yml', 'b.yaml', 'c.json', 'sub/z.k8s.yaml']);
  });
  test('a file named explicitly is taken as given; a missing path is returned for the caller to report', () => {
    const meta = join(dir, 'construct-metadata.json');
    expect(expandManifestPaths([meta, join(dir, 'missing.yaml')])).toEqual([meta, join(dir, 'missing.yaml')]);
  });
});
