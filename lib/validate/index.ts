export type { ConformanceOptions, ConformanceProblem } from './problem';
export { DEFAULT_KUBERNETES_VERSION, SchemaDirectoryError, formatProblem } from './problem';
export type { SchemaLookup } from './schema-registry';
export { SchemaRegistry } from './schema-registry';
export { defaultSchemaDir, validateFiles, validateObjects } from './validate';
export type { CoreDeprecation } from './deprecations';
export { CORE_DEPRECATIONS } from './deprecations';
export type { ConformanceValidationContext, ConformanceValidationProps } from './plugin';
export { ConformanceValidation } from './plugin';
