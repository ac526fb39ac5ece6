#!/usr/bin/env node
/*
 * `sovereign-ai <command> [args]`: the command-line entry. Each command lives in its own module exporting
 * `run(args): Promise<number>` (the exit code) and `usage` (one line); it is loaded only when called.
 * Exit codes: 0 ok, 1 findings/problems, 2 usage or input errors.
 */

interface Command {
  readonly module: string;
  readonly summary: string;
}

const COMMANDS: Record<string, Command> = {
  validate: { module: './validate', summary: 'strict conformance of manifests against Kubernetes OpenAPI + CRD schemas' },
  check: { module: './check', summary: 'run the policy packs (Pod Security, sovereignty, reliability) over manifests' },
  plan: { module: './plan', summary: 'GPU capacity plan for a model catalog on a GPU inventory' },
};

function help(): string {
  const lines = ['usage: sovereign-ai <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', "run 'sovereign-ai <command> --help' for a command's options");
  return lines.join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`sovereign-ai: unknown command '${name}'\n${help()}\n`);
    return 2;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(command.module) as { run(args: readonly string[]): Promise<number> };
  return mod.run(rest);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
      process.stderr.write(`sovereign-ai: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
