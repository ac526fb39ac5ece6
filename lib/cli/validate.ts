/*
 * `sovereign-ai validate <file|dir>... [--schemas DIR] [--kubernetes-version 1.34]`: strict conformance of
 * manifests against the Kubernetes OpenAPI v3 spec of one version plus the CRD schemas. One line per problem on
 * stdout; exit 0 when there is no error (warnings allowed), 1 when any error, 2 on usage or input errors.
 */
import { existsSync } from 'fs';
import {
  DEFAULT_KUBERNETES_VERSION, SchemaDirectoryError, defaultSchemaDir, formatProblem, validateFiles,
} from '../validate';

export const usage = 'usage: sovereign-ai validate <file|dir>... [--schemas DIR] [--kubernetes-version 1.34]';

const HELP = `${usage}

Strict conformance of Kubernetes manifests (.yaml/.yml/.json files, directories searched recursively) against
the Kubernetes OpenAPI v3 spec and the CRD schemas in a schema directory: unknown fields, wrong types, missing
required fields, unknown or removed apiVersions/kinds are errors; deprecated versions are warnings.

options:
  --schemas DIR              schema directory with kubernetes/<version>/openapi-v3 and crds/
                             (default: $SOVEREIGN_SCHEMAS, else ./schemas)
  --kubernetes-version V     Kubernetes version, e.g. 1.34 or 1.36 (default: ${DEFAULT_KUBERNETES_VERSION})
  -h, --help                 show this help

exit codes: 0 conformant, 1 errors found, 2 usage or input error`;

function fail(message: string): number {
  process.stderr.write(`sovereign-ai validate: ${message}\n${usage}\n`);
  return 2;
}

export async function run(args: readonly string[]): Promise<number> {
  const paths: string[] = [];
  let schemas: string | undefined;
  let version: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '-h' || flag === '--help') {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (flag === '--schemas' || flag === '--kubernetes-version') {
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) return fail(`${flag} needs a value`);
      if (flag === '--schemas') schemas = value;
      else version = value;
      continue;
    }
    if (arg === '--') {
      paths.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') return fail(`unknown option '${arg}'`);
    paths.push(arg);
  }
  if (paths.length === 0) return fail('no manifest file or directory given');
  const missing = paths.find((p) => !existsSync(p));
  if (missing !== undefined) return fail(`no such file or directory: ${missing}`);

  const schemaDir = schemas ?? defaultSchemaDir();
  let problems;
  try {
    problems = validateFiles(paths, { schemaDir, kubernetesVersion: version ?? DEFAULT_KUBERNETES_VERSION });
  } catch (e) {
    if (e instanceof SchemaDirectoryError) return fail(`${e.message} (use --schemas DIR or set SOVEREIGN_SCHEMAS)`);
    throw e;
  }
  for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (problems.length > 0) process.stderr.write(`${errors} error(s), ${warnings} warning(s)\n`);
  return errors > 0 ? 1 : 0;
}
