import { readFileSync } from 'fs';
import { resolve } from 'path';
import type { ErrorObject } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { expandManifestPaths } from '../core/manifest-files';
import { ConformanceOptions, ConformanceProblem, ROOT_PATH } from './problem';
import { SchemaRegistry } from './schema-registry';

/**
 * The schema directory used when none is given: `$SOVEREIGN_SCHEMAS`, else `schemas` in the current directory
 * (laid out as `kubernetes/<version>/openapi-v3/*.json` and `crds/<project>/*.yaml`). The library ships no schemas:
 * point it at a copy of the upstream files you keep (e.g. in the GitOps repo).
 */
export function defaultSchemaDir(): string {
  const env = process.env.SOVEREIGN_SCHEMAS;
  return resolve(env && env.length > 0 ? env : 'schemas');
}

/** Where an object came from, carried into its problems. */
interface Origin {
  readonly file?: string;
  readonly index?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON type name as the API server words it (integer vs number). */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * A copy without `null` object members (the API server treats `field: null` as unset) and without non-JSON values
 * (`undefined`, functions), so objects validate as they would serialize.
 */
function normalize(v: unknown): Json | undefined {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map((x) => normalize(x) ?? null);
  if (typeof v === 'object') {
    if (v instanceof Date) return v.toISOString();
    const out: { [key: string]: Json } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === null) continue;
      const n = normalize(x);
      if (n !== undefined) out[k] = n;
    }
    return out;
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

function appendKey(path: string, key: string): string {
  if (SIMPLE_KEY.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** JSON pointer (`/spec/containers/0/x`) -> field path (`spec.containers[0].x`) and the value there. */
function resolvePointer(root: unknown, pointer: string): { path: string; value: unknown } {
  let path = '';
  let value: unknown = root;
  if (pointer === '') return { path, value };
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      path = `${path}[${seg}]`;
      value = value[Number(seg)];
    } else {
      path = appendKey(path, seg);
      value = isPlainObject(value) ? value[seg] : undefined;
    }
  }
  return { path, value };
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

interface Finding {
  readonly path: string;
  readonly message: string;
}

/** Turns ajv errors into one finding per real problem, worded as the API server would. */
function findings(errors: readonly ErrorObject[], instance: unknown): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string): void => {
    const p = path === '' ? ROOT_PATH : path;
    const key = `${p}\0${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path: p, message });
    }
  };
  // Errors under a failed anyOf/oneOf/not are folded into that one error.
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const nested = (e: ErrorObject): ErrorObject | undefined =>
    combinators.find((c) => c !== e && c.instancePath === e.instancePath.slice(0, c.instancePath.length)
      && e.schemaPath.startsWith(`${c.schemaPath}/`));

  for (const e of errors) {
    if (nested(e)) continue;
    const { path, value } = resolvePointer(instance, e.instancePath);
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties':
        add(appendKey(path, String(params.additionalProperty)), `unknown field "${String(params.additionalProperty)}"`);
        break;
      case 'required':
        add(appendKey(path, String(params.missingProperty)), `missing required field "${String(params.missingProperty)}"`);
        break;
      case 'type': {
        const expected = String(params.type).split(',').join(' or ');
        add(path, `expected ${expected}, got ${typeName(value)}`);
        break;
      }
      case 'enum':
        add(path, `unsupported value ${show(value)}: must be one of ${(params.allowedValues as unknown[]).map(show).join(', ')}`);
        break;
      case 'format':
        add(path, `invalid ${String(params.format)} value ${show(value)}`);
        break;
      case 'pattern':
        add(path, `${show(value)} does not match pattern ${String(params.pattern)}`);
        break;
      case 'anyOf':
      case 'oneOf': {
        const subs = errors
          .filter((s) => s !== e && s.schemaPath.startsWith(`${e.schemaPath}/`) && s.keyword !== 'anyOf' && s.keyword !== 'oneOf')
          .map((s) => subMessage(s, instance));
        const unique = [...new Set(subs)];
        const which = e.keyword === 'oneOf' ? 'exactly one' : 'at least one';
        add(path, `must satisfy ${which} of the alternatives${unique.length ? ` (${unique.join('; ')})` : ''}`);
        break;
      }
      case 'not':
        add(path, 'must not match the forbidden shape');
        break;
      case 'if':
      case 'then':
      case 'else':
        break;
      default:
        add(path, `${show(value)}: ${e.message ?? e.keyword}`);
    }
  }
  return out;
}

function subMessage(e: ErrorObject, instance: unknown): string {
  const params = e.params as Record<string, unknown>;
  const { path } = resolvePointer(instance, e.instancePath);
  switch (e.keyword) {
    case 'required':
      return `${appendKey(path, String(params.missingProperty))} set`;
    case 'not':
      return `${path || 'object'} not matching the forbidden shape`;
    default:
      return `${path || 'object'} ${e.message ?? e.keyword}`;
  }
}

function problemsOf(
  registry: SchemaRegistry, object: unknown, origin: Origin,
): ConformanceProblem[] {
  const base = { file: origin.file, index: origin.index };
  if (!isPlainObject(object)) {
    return [{ ...base, severity: 'error', path: ROOT_PATH, message: `not a Kubernetes object: expected a mapping, got ${typeName(object)}` }];
  }
  const apiVersion = typeof object.apiVersion === 'string' && object.apiVersion !== '' ? object.apiVersion : undefined;
  const kind = typeof object.kind === 'string' && object.kind !== '' ? object.kind : undefined;
  const metadata = isPlainObject(object.metadata) ? object.metadata : undefined;
  const ident = {
    ...base,
    apiVersion,
    kind,
    namespace: typeof metadata?.namespace === 'string' ? metadata.namespace : undefined,
    name: typeof metadata?.name === 'string' ? metadata.name : undefined,
  };
  if (!apiVersion || !kind) {
    const missing = [!apiVersion ? 'apiVersion' : undefined, !kind ? 'kind' : undefined].filter(Boolean).join(' and ');
    return [{ ...ident, severity: 'error', path: !apiVersion ? 'apiVersion' : 'kind', message: `not a Kubernetes object: missing ${missing}` }];
  }
  const lookup = registry.lookup(apiVersion, kind);
  if (!lookup.found) {
    return [{ ...ident, severity: 'error', path: lookup.field, message: lookup.message }];
  }
  const problems: ConformanceProblem[] = lookup.warnings.map((message) => ({ ...ident, severity: 'warning', path: 'apiVersion', message }));
  const instance = normalize(object);
  if (!lookup.validate(instance)) {
    for (const f of findings(lookup.validate.errors ?? [], instance)) problems.push({ ...ident, severity: 'error', ...f });
  }
  // The API server requires a name (or generateName) on create; the schema alone does not say so.
  if (isPlainObject(instance) && !(isPlainObject(instance.metadata) && (instance.metadata.name || instance.metadata.generateName))) {
    if (!problems.some((p) => p.path === 'metadata' || p.path === 'metadata.name')) {
      problems.push({ ...ident, severity: 'error', path: 'metadata.name', message: 'missing required field "name" (or metadata.generateName)' });
    }
  }
  return problems;
}

/**
 * Strict conformance of in-memory objects (e.g. `chart.toJson()`) against Kubernetes OpenAPI v3 of
 * `options.kubernetesVersion` plus the CRDs in `options.schemaDir`. `index` of each problem is the position in
 * `objects`. Throws `SchemaDirectoryError` when the schema directory is missing or unusable.
 */
export function validateObjects(objects: readonly unknown[], options: ConformanceOptions): ConformanceProblem[] {
  const registry = SchemaRegistry.load(options);
  const out: ConformanceProblem[] = [];
  objects.forEach((o, index) => out.push(...problemsOf(registry, o, { index })));
  return out;
}

/** The first line of a YAML error, without the position (reported separately). */
function firstLine(s: string): string {
  return s.split('\n')[0].trim().replace(/\s*at line \d+, column \d+:?$/, '');
}

/**
 * Strict conformance of manifest files or directories (recursive `.yaml`/`.yml`/`.json`; a file may hold several
 * documents). Unreadable files, unparseable YAML and documents without apiVersion/kind become problems.
 * Throws `SchemaDirectoryError` when the schema directory is missing or unusable.
 */
export function validateFiles(paths: readonly string[], options: ConformanceOptions): ConformanceProblem[] {
  const registry = SchemaRegistry.load(options);
  const files = expandManifestPaths(paths);
  const out: ConformanceProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.push({ severity: 'error', file, path: ROOT_PATH, message: `cannot read file${code ? ` (${code})` : ''}` });
      continue;
    }
    const docs = parseAllDocuments(text, { version: '1.1' });
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((doc, index) => {
      if (doc.errors.length > 0) {
        const err = doc.errors[0];
        const pos = err.linePos?.[0];
        out.push({
          severity: 'error', file, index, path: ROOT_PATH,
          message: `cannot parse YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}: ${firstLine(err.message)}`,
        });
        return;
      }
      const value: unknown = doc.toJS({ maxAliasCount: 1000 });
      if (value === null || value === undefined) return; // empty document (e.g. trailing `---`)
      out.push(...problemsOf(registry, value, { file, index }));
    });
  }
  return out;
}
