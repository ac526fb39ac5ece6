import Ajv from 'ajv';
import { TransformContext, transformCrdRoot, transformSchema } from '../../lib/validate/schema-transform';

const META = {
  type: 'object',
  properties: { name: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
};
const crd: TransformContext = { mode: 'crd', ref: (r) => r, objectMetaRef: 'meta#' };
const core: TransformContext = { mode: 'core', ref: (r) => r.replace('#/components/schemas/', '#/definitions/'), objectMetaRef: '#/definitions/Meta' };

function compile(schema: object): (v: unknown) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema({ $id: 'meta', ...transformSchema(META, core) });
  const validate = ajv.compile(schema);
  return (v) => (validate(v) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`));
}

describe('transformSchema: strict field semantics', () => {
  test('OpenAPI v3 (built-in types): objects with properties are closed, bare objects stay open', () => {
    expect(transformSchema({ type: 'object', properties: { a: { type: 'string' } } }, core)).toEqual({
      type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false,
    });
    expect(transformSchema({ type: 'object', description: 'RawExtension' }, core)).toEqual({ type: 'object' });
  });

  test('allOf with a single $ref becomes the $ref; IntOrString/Quantity oneOf becomes a type union', () => {
    expect(transformSchema({ allOf: [{ $ref: '#/components/schemas/X' }], default: {} }, core)).toEqual({ $ref: '#/definitions/X' });
    expect(transformSchema({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] }, core)).toEqual({ type: ['integer', 'string'] });
    expect(transformSchema({ oneOf: [{ type: 'string' }, { type: 'number' }] }, core)).toEqual({ type: ['string', 'number'] });
  });

  test('CRDs: every object is closed unless it preserves unknown fields or has additionalProperties', () => {
    expect(transformSchema({ type: 'object' }, crd)).toEqual({ type: 'object', additionalProperties: false });
    expect(transformSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, crd)).toEqual({ type: 'object' });
    expect(transformSchema({ type: 'object', additionalProperties: { type: 'string' } }, crd)).toEqual({
      type: 'object', additionalProperties: { type: 'string' },
    });
  });

  test('CRDs: x-kubernetes-int-or-string replaces its anyOf; value-only allOf/anyOf branches are never closed', () => {
    expect(transformSchema({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^[0-9]+m?$' }, crd))
      .toEqual({ type: ['integer', 'string'], pattern: '^[0-9]+m?$' });
    expect(transformSchema({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ required: ['a'] }, { properties: { a: {} } }] }, crd)).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
      anyOf: [{ required: ['a'] }, { properties: { a: {} } }],
      additionalProperties: false,
    });
  });

  test('OpenAPI 3.0 boolean exclusiveMinimum/Maximum, unusable patterns dropped, unknown formats ignored', () => {
    expect(transformSchema({ type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 10 }, crd)).toEqual({ type: 'integer', exclusiveMinimum: 0, maximum: 10 });
    expect(transformSchema({ type: 'string', pattern: '(?i)^abc$', format: 'uri' }, crd)).toEqual({ type: 'string' });
    expect(transformSchema({ type: 'integer', format: 'int32' }, crd)).toEqual({ type: 'integer', format: 'int32' });
  });

  test('embedded resources get apiVersion and kind (required) and ObjectMeta', () => {
    const schema = transformSchema({ type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }, crd);
    const check = compile(schema);
    expect(check({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { anything: 1 } })).toEqual([]);
    expect(check({ kind: 'Pod', metadata: { nam: 'p' }, status: {} })).toEqual([
      ' required {"missingProperty":"apiVersion"}',
      ' additionalProperties {"additionalProperty":"status"}',
      '/metadata additionalProperties {"additionalProperty":"nam"}',
    ]);
  });

  test('CRD roots validate metadata against ObjectMeta, keeping CRD metadata constraints', () => {
    const root = transformCrdRoot({
      type: 'object',
      properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 5 } } }, spec: { type: 'object' } },
    }, crd);
    const check = compile(root);
    expect(check({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'ok', labels: { a: 'b' } }, spec: {} })).toEqual([]);
    expect(check({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'too-long', labelz: {} }, spec: { a: 1 } })).toEqual([
      '/metadata additionalProperties {"additionalProperty":"labelz"}',
      '/metadata/name maxLength {"limit":5}',
      '/spec additionalProperties {"additionalProperty":"a"}',
    ]);
  });
});
