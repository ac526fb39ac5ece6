import { isIPv4, isIPv6 } from 'net';
import { readdirSync, readFileSync, statSync } from 'fs';
import { basename, join, resolve } from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { compareMinor, coreDeprecation } from './deprecations';
import { ConformanceOptions, DEFAULT_KUBERNETES_VERSION, SchemaDirectoryError } from './problem';
import { RawSchema, TransformContext, transformCrdRoot, transformSchema } from './schema-transform';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** The outcome of looking up the schema of one apiVersion/kind. */
export type SchemaLookup =
  | {
    readonly found: true;
    /** ajv validator of the whole object (strict: closed objects). */
    readonly validate: ValidateFunction;
    /** Deprecation notices for this apiVersion (reported as warnings). */
    readonly warnings: readonly string[];
  }
  | {
    readonly found: false;
    /** Why the apiVersion/kind is not accepted. */
    readonly message: string;
    /** The field at fault. */
    readonly field: 'apiVersion' | 'kind';
  };

interface CoreFile {
  readonly id: string;
  /** kind -> definition name */
  readonly kinds: ReadonlyMap<string, string>;
}

interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly deprecated: boolean;
  readonly deprecationWarning?: string;
  readonly schema: unknown;
}

interface CrdEntry {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  versions?: readonly CrdVersion[];
}

/** Per schema directory: CRDs by group and kind (found by a cheap scan; each CRD is parsed when first used). */
const crdIndexes = new Map<string, Map<string, Map<string, CrdEntry>>>();
const registries = new Map<string, SchemaRegistry>();

function readDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The Kubernetes spec folders present: `v1.34.9` -> `1.34.9`. */
function availableVersions(schemaDir: string): string[] {
  return readDir(join(schemaDir, 'kubernetes'))
    .filter((d) => /^v\d+\.\d+\.\d+$/.test(d) && isDir(join(schemaDir, 'kubernetes', d, 'openapi-v3')))
    .map((d) => d.slice(1));
}

function comparePatch(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

/** `1.34` -> highest `1.34.x` present; `1.34.9` / `v1.34.9` -> exactly that. */
function resolveVersion(schemaDir: string, requested: string): string {
  const wanted = requested.replace(/^v/, '');
  const available = availableVersions(schemaDir).sort(comparePatch);
  const match = /^\d+\.\d+$/.test(wanted)
    ? available.filter((v) => v.startsWith(`${wanted}.`)).pop()
    : available.find((v) => v === wanted);
  if (!match) {
    throw new SchemaDirectoryError(
      `no Kubernetes ${requested} OpenAPI v3 spec in ${join(schemaDir, 'kubernetes')} `
      + `(available: ${available.length ? available.join(', ') : 'none'})`,
    );
  }
  return match;
}

/** Scans `crds/<project>/*.yaml` for group and kind without parsing whole files. */
function crdIndex(schemaDir: string): Map<string, Map<string, CrdEntry>> {
  let index = crdIndexes.get(schemaDir);
  if (index) return index;
  index = new Map();
  const root = join(schemaDir, 'crds');
  for (const project of readDir(root)) {
    const dir = join(root, project);
    if (!isDir(dir)) continue;
    for (const name of readDir(dir)) {
      if (!/\.ya?ml$/.test(name)) continue;
      const file = join(dir, name);
      for (const { group, kind } of scanCrd(file)) {
        let kinds = index.get(group);
        if (!kinds) index.set(group, (kinds = new Map()));
        if (!kinds.has(kind)) kinds.set(kind, { file, group, kind });
      }
    }
  }
  crdIndexes.set(schemaDir, index);
  return index;
}

function unquote(s: string): string {
  return s.trim().replace(/^(['"])(.*)\1$/, '$2');
}

function scanCrd(file: string): Array<{ group: string; kind: string }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(text)) return [];
  const group = /^ {2}group:(.+)$/m.exec(text)?.[1];
  const names = /^ {2}names:\n((?: {4}.*\n)+)/m.exec(text)?.[1];
  const kind = names ? /^ {4}kind:(.+)$/m.exec(names)?.[1] : undefined;
  if (group && kind) return [{ group: unquote(group), kind: unquote(kind) }];
  // Unusual layout: parse the whole file.
  try {
    const doc = parseYaml(text) as { spec?: { group?: string; names?: { kind?: string } } };
    const g = doc?.spec?.group;
    const k = doc?.spec?.names?.kind;
    return g && k ? [{ group: g, kind: k }] : [];
  } catch {
    return [];
  }
}

function loadCrdVersions(entry: CrdEntry): readonly CrdVersion[] {
  if (entry.versions) return entry.versions;
  const doc = parseYaml(readFileSync(entry.file, 'utf8')) as {
    spec?: { versions?: Array<{ name: string; served?: boolean; deprecated?: boolean; deprecationWarning?: string; schema?: { openAPIV3Schema?: unknown } }> };
  };
  entry.versions = (doc?.spec?.versions ?? []).map((v) => ({
    name: v.name,
    served: v.served !== false,
    deprecated: v.deprecated === true,
    deprecationWarning: v.deprecationWarning,
    schema: v.schema?.openAPIV3Schema,
  }));
  return entry.versions;
}

/** `apps/v1` -> [`apps`, `v1`]; `v1` -> [``, `v1`]. */
function splitApiVersion(apiVersion: string): [string, string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

/** Sorted kinds, without the `...List` kinds. */
function listKinds(kinds: Iterable<string>): string {
  return [...kinds].filter((k) => !k.endsWith('List')).sort().join(', ');
}

/** Int32 bounds as the API server decodes them. */
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * The schemas of one Kubernetes version plus the CRDs of one schema directory, compiled to ajv validators on first
 * use and cached in-process per (schemaDir, version, apiVersion, kind).
 */
export class SchemaRegistry {
  /** The registry of `options.schemaDir` at `options.kubernetesVersion` (cached per directory and version). */
  public static load(options: ConformanceOptions): SchemaRegistry {
    const dir = resolve(options.schemaDir);
    const requested = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    const cacheKey = `${dir}\0${requested}`;
    const cached = registries.get(cacheKey);
    if (cached) return cached;
    if (!isDir(dir)) {
      throw new SchemaDirectoryError(`schema directory not found or not readable: ${dir}`);
    }
    try {
      readdirSync(dir);
    } catch (e) {
      throw new SchemaDirectoryError(`schema directory not readable: ${dir} (${(e as Error).message})`);
    }
    const version = resolveVersion(dir, requested);
    const registry = registries.get(`${dir}\0${version}`) ?? new SchemaRegistry(dir, version);
    registries.set(cacheKey, registry);
    registries.set(`${dir}\0${version}`, registry);
    return registry;
  }

  /** Absolute schema directory. */
  public readonly schemaDir: string;
  /** Exact Kubernetes version whose OpenAPI v3 spec is used, e.g. `1.34.9`. */
  public readonly kubernetesVersion: string;

  private readonly ajv: Ajv;
  private readonly specDir: string;
  /** apiVersion -> spec file name */
  private readonly coreFileNames = new Map<string, string>();
  private readonly coreFiles = new Map<string, CoreFile>();
  private readonly lookups = new Map<string, SchemaLookup>();
  private readonly crdValidators = new Map<string, ValidateFunction>();
  private objectMetaRef?: string;

  private constructor(schemaDir: string, kubernetesVersion: string) {
    this.schemaDir = schemaDir;
    this.kubernetesVersion = kubernetesVersion;
    this.specDir = join(schemaDir, 'kubernetes', `v${kubernetesVersion}`, 'openapi-v3');
    for (const name of readDir(this.specDir)) {
      const m = /^(apis?)__(.+)_openapi\.json$/.exec(name);
      if (!m) continue;
      const parts = m[2].split('__');
      this.coreFileNames.set(parts.join('/'), name);
    }
    this.ajv = new Ajv({
      allErrors: true,
      strict: false,
      validateSchema: false,
      // Unoptimized code compiles the multi-megabyte CRD schemas 2-3x faster; validation stays fast.
      code: { optimize: false },
      formats: {
        'int32': { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX },
        'int64': { type: 'number', validate: (n: number) => Number.isInteger(n) },
        'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/,
        'byte': /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
        'ipv4': (s: string) => isIPv4(s),
        'ipv6': (s: string) => isIPv6(s),
      },
    });
  }

  /** Every apiVersion with a schema: the built-in ones of this Kubernetes version and every served CRD version. */
  public apiVersions(): string[] {
    const out = new Set(this.coreFileNames.keys());
    for (const [group, kinds] of crdIndex(this.schemaDir)) {
      for (const entry of kinds.values()) {
        for (const v of loadCrdVersions(entry)) if (v.served) out.add(`${group}/${v.name}`);
      }
    }
    return [...out].sort();
  }

  /** The validator (and deprecation warnings) of `apiVersion`/`kind`, or why there is none. */
  public lookup(apiVersion: string, kind: string): SchemaLookup {
    const key = `${apiVersion}\0${kind}`;
    let result = this.lookups.get(key);
    if (!result) {
      result = this.resolveLookup(apiVersion, kind);
      this.lookups.set(key, result);
    }
    return result;
  }

  private resolveLookup(apiVersion: string, kind: string): SchemaLookup {
    const [group, version] = splitApiVersion(apiVersion);
    const k8s = `Kubernetes ${this.kubernetesVersion}`;

    const core = this.coreFile(apiVersion);
    if (core) {
      const def = core.kinds.get(kind);
      if (!def) {
        return { found: false, field: 'kind', message: `unknown kind "${kind}" for apiVersion "${apiVersion}" (${k8s} serves: ${listKinds(core.kinds.keys())})` };
      }
      const validate = this.ajv.compile({ $ref: `${core.id}#/definitions/${def}` });
      const deprecation = coreDeprecation(apiVersion);
      return { found: true, validate, warnings: deprecation ? [`apiVersion ${apiVersion} is deprecated; use ${deprecation.replacement}`] : [] };
    }

    const deprecation = coreDeprecation(apiVersion);
    if (deprecation) {
      const minor = this.kubernetesVersion.split('.').slice(0, 2).join('.');
      if (deprecation.removedIn && compareMinor(minor, deprecation.removedIn) >= 0) {
        return { found: false, field: 'apiVersion', message: `apiVersion "${apiVersion}" was removed in Kubernetes ${deprecation.removedIn}; use ${deprecation.replacement}` };
      }
      return { found: false, field: 'apiVersion', message: `apiVersion "${apiVersion}" is deprecated and has no schema in ${k8s}; use ${deprecation.replacement}` };
    }

    const crdKinds = group ? crdIndex(this.schemaDir).get(group) : undefined;
    if (crdKinds) {
      const entry = crdKinds.get(kind);
      if (!entry) {
        return { found: false, field: 'kind', message: `unknown kind "${kind}" for apiVersion "${apiVersion}" (CRDs of group ${group}: ${listKinds(crdKinds.keys())})` };
      }
      const versions = loadCrdVersions(entry);
      const served = versions.filter((v) => v.served);
      const v = served.find((x) => x.name === version);
      if (!v) {
        return { found: false, field: 'apiVersion', message: `unknown apiVersion "${apiVersion}" for kind ${kind} (served: ${served.map((x) => `${group}/${x.name}`).join(', ') || 'none'})` };
      }
      const validate = this.crdValidator(entry, v);
      const warnings = v.deprecated
        ? [`apiVersion ${apiVersion} of ${kind} is deprecated${v.deprecationWarning ? `: ${v.deprecationWarning}` : ''}`]
        : [];
      return { found: true, validate, warnings };
    }

    const sameGroup = [...this.coreFileNames.keys()].filter((av) => splitApiVersion(av)[0] === group);
    if (sameGroup.length > 0) {
      return { found: false, field: 'apiVersion', message: `unknown apiVersion "${apiVersion}" for kind ${kind} (${k8s} serves: ${sameGroup.join(', ')})` };
    }
    return { found: false, field: 'apiVersion', message: `unknown apiVersion/kind "${apiVersion}" ${kind}: no schema in ${k8s} nor in the CRDs of ${this.schemaDir}` };
  }

  private coreFile(apiVersion: string): CoreFile | undefined {
    const cached = this.coreFiles.get(apiVersion);
    if (cached) return cached;
    const name = this.coreFileNames.get(apiVersion);
    if (!name) return undefined;
    const doc = JSON.parse(readFileSync(join(this.specDir, name), 'utf8')) as { components?: { schemas?: Record<string, RawSchema> } };
    const schemas = doc.components?.schemas ?? {};
    const id = `kubernetes:${basename(name, '.json')}`;
    const ctx: TransformContext = {
      mode: 'core',
      ref: (ref) => ref.replace('#/components/schemas/', '#/definitions/'),
      objectMetaRef: `#/definitions/${OBJECT_META}`,
    };
    const definitions: Record<string, unknown> = {};
    const kinds = new Map<string, string>();
    for (const [def, schema] of Object.entries(schemas)) {
      definitions[def] = transformSchema(schema, ctx);
      const gvks = schema['x-kubernetes-group-version-kind'];
      if (!Array.isArray(gvks)) continue;
      for (const gvk of gvks as Array<{ group?: string; version?: string; kind?: string }>) {
        const av = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        if (av === apiVersion && gvk.kind && !kinds.has(gvk.kind)) kinds.set(gvk.kind, def);
      }
    }
    // Meta types (DeleteOptions, WatchEvent, ...) are listed with every group; they are not objects to apply.
    for (const k of ['DeleteOptions', 'WatchEvent', 'Status', 'APIResourceList', 'APIGroup', 'APIGroupList', 'APIVersions']) {
      if (kinds.get(k)?.startsWith('io.k8s.apimachinery.')) kinds.delete(k);
    }
    this.ajv.addSchema({ $id: id, definitions });
    const file: CoreFile = { id, kinds };
    this.coreFiles.set(apiVersion, file);
    return file;
  }

  /** `$ref` to ObjectMeta of this Kubernetes version (from the core `v1` spec, else any spec file). */
  private metaRef(): string {
    if (this.objectMetaRef) return this.objectMetaRef;
    const candidates = ['v1', ...this.coreFileNames.keys()];
    for (const av of candidates) {
      const file = this.coreFile(av);
      if (file) {
        this.objectMetaRef = `${file.id}#/definitions/${OBJECT_META}`;
        return this.objectMetaRef;
      }
    }
    throw new SchemaDirectoryError(`no ObjectMeta schema in ${this.specDir}`);
  }

  private crdValidator(entry: CrdEntry, v: CrdVersion): ValidateFunction {
    const key = `${entry.file}\0${v.name}`;
    let validate = this.crdValidators.get(key);
    if (!validate) {
      const ctx: TransformContext = { mode: 'crd', ref: (r) => r, objectMetaRef: this.metaRef() };
      validate = this.ajv.compile(transformCrdRoot(v.schema, ctx));
      this.crdValidators.set(key, validate);
    }
    return validate;
  }
}
