#!/usr/bin/env node
/*
 * Regenerates the typed bindings in lib/imports/ from the import list in cdk8s.yaml, offline.
 *
 * Each entry in cdk8s.yaml `imports:` names the upstream release URL it came from (so that anyone with internet
 * access can run `cdk8s import` instead). Here every URL is resolved to the byte-identical local copy in the schema
 * directory (`$SOVEREIGN_SCHEMAS`, default ../shared/schemas), matched by file name under `crds/`, and fed to the
 * same generator `cdk8s import` uses (cdk8s-cli's importers, which run json2jsii).
 *
 * `k8s@1.34.0` is generated from `kubernetes/v1.34.0-cdk8s-swagger-v2/_definitions.json`: cdk8s-cli's k8s importer
 * downloads that file from a hard-coded URL, so its download function is pointed at the local copy instead.
 *
 * Usage: node scripts/import.js                       regenerate everything into lib/imports/
 *        node scripts/import.js --outdir DIR          write elsewhere (e.g. to compare with the committed files)
 *        node scripts/import.js --only k8s,keda-scaledobject   regenerate some imports only
 */
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const schemas = path.resolve(process.env.SOVEREIGN_SCHEMAS || path.join(root, '..', 'shared', 'schemas'));
if (!fs.existsSync(schemas)) {
  console.error(`import: schema directory not found: ${schemas} (set SOVEREIGN_SCHEMAS)`);
  process.exit(2);
}
const config = YAML.parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'));

function flag(name) {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (!value || value.startsWith('--')) {
    console.error(`import: ${name} needs a value`);
    process.exit(2);
  }
  return value;
}
const outdir = path.resolve(flag('--outdir') || path.join(root, config.importDirectory || 'imports'));
const only = flag('--only') ? new Set(flag('--only').split(',')) : undefined;
const importName = (spec) => (spec.startsWith('k8s@') ? 'k8s' : spec.split(':=')[0]);
if (only) {
  const known = new Set(config.imports.map(importName));
  const unknown = [...only].filter((n) => !known.has(n));
  if (unknown.length > 0) {
    console.error(`import: unknown import(s) ${unknown.join(', ')}; cdk8s.yaml lists: ${[...known].join(', ')}`);
    process.exit(2);
  }
}

// cdk8s-cli does not export its importers; load them by file path from the installed package.
const cli = path.dirname(require.resolve('cdk8s-cli/package.json'));
const util = require(path.join(cli, 'lib', 'util'));
const { ImportKubernetesApi } = require(path.join(cli, 'lib', 'import', 'k8s'));
const { ImportCustomResourceDefinition } = require(path.join(cli, 'lib', 'import', 'crd'));

function findLocal(fileName) {
  const crds = path.join(schemas, 'crds');
  for (const project of fs.readdirSync(crds).sort()) {
    const candidate = path.join(crds, project, fileName);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`no local copy of ${fileName} under ${crds}`);
}

async function main() {
  if (!only) fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  for (const spec of config.imports) {
    if (only && !only.has(importName(spec))) continue;
    const options = { outdir, targetLanguage: 'typescript' };
    if (spec.startsWith('k8s@')) {
      const version = spec.split('@')[1];
      const local = path.join(schemas, 'kubernetes', `v${version}-cdk8s-swagger-v2`, '_definitions.json');
      const download = util.download;
      util.download = async () => fs.readFileSync(local, 'utf8');
      console.error(`k8s ${version} <- ${path.relative(root, local)}`);
      try {
        await new ImportKubernetesApi({ apiVersion: version }).import(options);
      } finally {
        util.download = download;
      }
      continue;
    }
    const [prefix, url] = spec.split(':=');
    const local = findLocal(path.basename(new URL(url).pathname));
    console.error(`${prefix} <- ${path.relative(root, local)}`);
    const importer = await ImportCustomResourceDefinition.fromSpec({ source: local });
    await importer.import({ ...options, moduleNamePrefix: prefix });
  }
}

main().catch((e) => {
  console.error(`import: ${process.env.DEBUG ? e.stack : e.message}`);
  process.exit(1);
});
