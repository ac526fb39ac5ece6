import { existsSync } from 'fs';
import { resolve } from 'path';

/**
 * The upstream schema directory for conformance tests: `$SOVEREIGN_SCHEMAS`, else `../shared/schemas` beside the
 * checkout. `undefined` when absent (conformance tests then skip with a visible notice; `.ci/run` fails instead).
 */
export function schemaDir(): string | undefined {
  const dir = resolve(process.env.SOVEREIGN_SCHEMAS ?? resolve(__dirname, '..', '..', '..', 'shared', 'schemas'));
  return existsSync(dir) ? dir : undefined;
}

let warned = false;

/** `describe` when the schema directory exists, else `describe.skip` with a notice on stderr. */
export function describeWithSchemas(name: string, fn: (dir: string) => void): void {
  const dir = schemaDir();
  if (dir) {
    describe(name, () => fn(dir));
    return;
  }
  if (!warned) {
    warned = true;
    process.stderr.write('NOTICE: schema directory not found (set SOVEREIGN_SCHEMAS); conformance tests are skipped.\n');
  }
  describe.skip(`${name} (schemas absent)`, () => fn(''));
}
