/*
 * Turns Kubernetes OpenAPI v3 / CRD structural schemas into plain JSON Schema (draft-07) for ajv, with the
 * API server's strict field validation made explicit:
 * - OpenAPI v3 spec (built-in types): an object schema with `properties` and no `additionalProperties` is closed.
 * - CRDs (structural schemas): every object is closed (unknown fields would be pruned) unless it has
 *   `x-kubernetes-preserve-unknown-fields: true` or `additionalProperties`; `x-kubernetes-embedded-resource`
 *   objects get apiVersion/kind (required) and metadata (ObjectMeta).
 * - `x-kubernetes-int-or-string` and `oneOf`/`anyOf` of bare types become a type union (clear type errors).
 * Only keywords ajv understands are kept; descriptions, defaults and `x-kubernetes-*` hints are dropped.
 */

/** A JSON schema object as read from the spec files. */
export type RawSchema = { readonly [key: string]: unknown };

/** A JSON schema object produced for ajv. */
export type AjvSchema = { [key: string]: unknown };

/** Formats this validator checks; any other `format` is ignored (as the API server does for most). */
export const KNOWN_FORMATS: ReadonlySet<string> = new Set(['int32', 'int64', 'date-time', 'byte', 'ipv4', 'ipv6']);

/** How a schema tree is interpreted. */
export interface TransformContext {
  /** `core`: OpenAPI v3 of built-in types; `crd`: structural schema of a CustomResourceDefinition version. */
  readonly mode: 'core' | 'crd';
  /** Rewrites a `$ref` of the source document to the ref used in ajv. */
  readonly ref: (ref: string) => string;
  /** `$ref` to the ObjectMeta schema (used for CRD roots and embedded resources). */
  readonly objectMetaRef: string;
}

const COPIED = [
  'required', 'enum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'multipleOf',
] as const;

const patternCache = new Map<string, boolean>();

/** Whether a (Go RE2) pattern is also a valid JavaScript RegExp; invalid ones are dropped rather than misjudged. */
function usablePattern(pattern: string): boolean {
  let ok = patternCache.get(pattern);
  if (ok === undefined) {
    try {
      new RegExp(pattern, 'u');
      ok = true;
    } catch {
      ok = false;
    }
    patternCache.set(pattern, ok);
  }
  return ok;
}

function isObject(v: unknown): v is RawSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `[{type: integer}, {type: string}]` (possibly with descriptions) -> `['integer', 'string']`, else undefined. */
function bareTypes(alternatives: unknown): string[] | undefined {
  if (!Array.isArray(alternatives) || alternatives.length === 0) return undefined;
  const types: string[] = [];
  for (const a of alternatives) {
    if (!isObject(a) || typeof a.type !== 'string') return undefined;
    if (Object.keys(a).some((k) => k !== 'type' && k !== 'description' && k !== 'format')) return undefined;
    types.push(a.type);
  }
  return types;
}

/**
 * Converts one schema node. `valueOnly` marks the inside of allOf/anyOf/oneOf/not of a CRD schema: there, objects
 * only add value validations (structural-schema rule), so they are never closed.
 */
export function transformSchema(schema: unknown, ctx: TransformContext, valueOnly = false): AjvSchema {
  if (!isObject(schema)) return {};
  const out: AjvSchema = {};

  if (typeof schema.$ref === 'string') out.$ref = ctx.ref(schema.$ref);

  const intOrString = schema['x-kubernetes-int-or-string'] === true || schema.format === 'int-or-string';
  const oneOfTypes = bareTypes(schema.oneOf);
  const anyOfTypes = bareTypes(schema.anyOf);
  if (intOrString) {
    out.type = ['integer', 'string'];
  } else if (schema.type !== undefined) {
    out.type = schema.type;
  } else if (oneOfTypes) {
    out.type = oneOfTypes;
  } else if (anyOfTypes) {
    out.type = anyOfTypes;
  }

  if (Array.isArray(schema.allOf)) {
    const single = schema.allOf.length === 1 && isObject(schema.allOf[0]) ? schema.allOf[0] : undefined;
    if (single && typeof single.$ref === 'string' && Object.keys(single).length === 1 && out.$ref === undefined) {
      out.$ref = ctx.ref(single.$ref);
    } else {
      out.allOf = schema.allOf.map((s) => transformSchema(s, ctx, ctx.mode === 'crd' || valueOnly));
    }
  }
  if (Array.isArray(schema.oneOf) && !oneOfTypes && !intOrString) {
    out.oneOf = schema.oneOf.map((s) => transformSchema(s, ctx, ctx.mode === 'crd' || valueOnly));
  }
  if (Array.isArray(schema.anyOf) && !anyOfTypes && !intOrString) {
    out.anyOf = schema.anyOf.map((s) => transformSchema(s, ctx, ctx.mode === 'crd' || valueOnly));
  }
  if (isObject(schema.not)) out.not = transformSchema(schema.not, ctx, ctx.mode === 'crd' || valueOnly);

  for (const k of COPIED) if (schema[k] !== undefined) out[k] = schema[k];

  // OpenAPI 3.0: exclusiveMinimum/Maximum are booleans qualifying minimum/maximum.
  if (typeof schema.minimum === 'number') {
    if (schema.exclusiveMinimum === true) out.exclusiveMinimum = schema.minimum;
    else out.minimum = schema.minimum;
  }
  if (typeof schema.maximum === 'number') {
    if (schema.exclusiveMaximum === true) out.exclusiveMaximum = schema.maximum;
    else out.maximum = schema.maximum;
  }
  if (typeof schema.pattern === 'string' && usablePattern(schema.pattern)) out.pattern = schema.pattern;
  if (typeof schema.format === 'string' && KNOWN_FORMATS.has(schema.format) && !intOrString) out.format = schema.format;

  if (isObject(schema.items)) out.items = transformSchema(schema.items, ctx, valueOnly);

  let properties: AjvSchema | undefined;
  if (isObject(schema.properties)) {
    properties = {};
    for (const [name, sub] of Object.entries(schema.properties)) properties[name] = transformSchema(sub, ctx, valueOnly);
  }

  const embedded = ctx.mode === 'crd' && schema['x-kubernetes-embedded-resource'] === true && !valueOnly;
  if (embedded) {
    properties = properties ?? {};
    properties.apiVersion = { ...(properties.apiVersion as AjvSchema | undefined), type: 'string' };
    properties.kind = { ...(properties.kind as AjvSchema | undefined), type: 'string' };
    properties.metadata = withObjectMeta(properties.metadata as AjvSchema | undefined, ctx);
    // The API server requires apiVersion and kind on embedded objects.
    const required = Array.isArray(out.required) ? (out.required as string[]) : [];
    out.required = [...new Set([...required, 'apiVersion', 'kind'])];
  }
  if (properties) out.properties = properties;

  if (schema.additionalProperties !== undefined) {
    out.additionalProperties = typeof schema.additionalProperties === 'boolean'
      ? schema.additionalProperties
      : transformSchema(schema.additionalProperties, ctx, valueOnly);
  } else if (!valueOnly && closed(schema, ctx)) {
    out.additionalProperties = false;
  }
  return out;
}

/** Whether unknown fields of this object schema are rejected (strict field validation). */
function closed(schema: RawSchema, ctx: TransformContext): boolean {
  if (ctx.mode === 'core') return isObject(schema.properties);
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return false;
  return schema.type === 'object' || isObject(schema.properties);
}

/** The schema of `metadata`: the real ObjectMeta, plus whatever value validations the CRD adds. */
function withObjectMeta(crdMeta: AjvSchema | undefined, ctx: TransformContext): AjvSchema {
  const extra: AjvSchema = { ...(crdMeta ?? {}) };
  delete extra.additionalProperties;
  delete extra.type;
  if (Object.keys(extra).length === 0) return { $ref: ctx.objectMetaRef };
  return { allOf: [{ $ref: ctx.objectMetaRef }, extra] };
}

/** Root of a CRD version's openAPIV3Schema: closed object with apiVersion/kind and ObjectMeta-validated metadata. */
export function transformCrdRoot(schema: unknown, ctx: TransformContext): AjvSchema {
  const root = transformSchema(isObject(schema) ? schema : { type: 'object' }, ctx);
  const properties: AjvSchema = { ...((root.properties as AjvSchema | undefined) ?? {}) };
  properties.apiVersion = { ...(properties.apiVersion as AjvSchema | undefined), type: 'string' };
  properties.kind = { ...(properties.kind as AjvSchema | undefined), type: 'string' };
  properties.metadata = withObjectMeta(properties.metadata as AjvSchema | undefined, ctx);
  root.properties = properties;
  root.type = 'object';
  if (root.additionalProperties === undefined && !(isObject(schema) && schema['x-kubernetes-preserve-unknown-fields'] === true)) {
    root.additionalProperties = false;
  }
  return root;
}
