/*
 * One measurement in a fresh process (forked by bench/main.ts with --expose-gc). Receives a `Job` as argv[2]
 * (JSON), sends back a `Measurement` over IPC (or prints it as JSON when run by hand).
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, YamlOutputType } from 'cdk8s';
import * as YAML from 'yaml';
import { synthesize, synthesizeCharts, toManifests } from '../lib/synth';
import { buildPlatform, Generator } from './generators';

/** What to measure. */
export interface Job {
  /** `ours` (+ floor), `stock`, `pulumi`, `validate`, `planner`. */
  readonly kind: 'ours' | 'stock' | 'pulumi' | 'validate' | 'planner';
  /** Number of models. */
  readonly models: number;
  /** Which generator builds the platform. */
  readonly generator: Generator;
  /** Schema directory for conformance validation. */
  readonly schemaDir?: string;
  /** GPUs in the pool (planner). */
  readonly gpus?: number;
}

/** Result of one measurement (milliseconds, bytes). */
export interface Measurement {
  readonly ok: boolean;
  /** Why the measurement could not be made (missing module, error). */
  readonly note?: string;
  readonly objects?: number;
  readonly bytes?: number;
  readonly constructMs?: number;
  readonly prepareMs?: number;
  readonly validateMs?: number;
  readonly renderMs?: number;
  readonly yamlMs?: number;
  readonly writeMs?: number;
  /** Total of the measured phase (synth: prepare + render + yaml + write). */
  readonly totalMs?: number;
  /** Floor: the same objects re-serialized with the same YAML library and options. */
  readonly floorMs?: number;
  /** Peak resident set size of the process (MB), measured right after the measured phase. */
  readonly peakRssMB?: number;
  /** Extra numbers of a case. */
  readonly extra?: Record<string, number | string>;
}

const gc = (): void => (global as { gc?: () => void }).gc?.();
const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;

/** `require` of an optional library module, undefined when it is absent or does not load. */
function tryRequire(path: string): Record<string, unknown> | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function construct(job: Job, outdir: string): { app: App; constructMs: number } {
  const t0 = performance.now();
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  buildPlatform(app, job.models, job.generator);
  return { app, constructMs: performance.now() - t0 };
}

/** The YAML options of cdk8s's `Yaml.stringify` (cdk8s 2.70). */
const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

function ours(job: Job, outdir: string): Measurement {
  const { app, constructMs } = construct(job, outdir);
  gc();
  const rssBeforeMB = process.memoryUsage().rss / 2 ** 20;
  const peakBeforeMB = peakRssMB();
  const result = synthesize(app);
  const peak = peakRssMB();
  const t = result.timings;
  // The floor, in the same run: the very objects just written, re-serialized with the same library and options.
  const charts = synthesizeCharts(app).map((c) => c.objects);
  gc();
  const f0 = performance.now();
  let bytes = 0;
  for (const objects of charts) {
    bytes += Buffer.byteLength(objects.map((o) => YAML.stringify(o, YAML_OPTIONS)).join('---\n'));
  }
  const floorMs = performance.now() - f0;
  if (bytes !== result.bytes) throw new Error(`floor wrote ${bytes} bytes, synth ${result.bytes}`);
  return {
    ok: true,
    objects: result.objectCount,
    bytes: result.bytes,
    constructMs,
    prepareMs: t.prepareMs,
    validateMs: t.validateMs,
    renderMs: t.renderMs,
    yamlMs: t.yamlMs,
    writeMs: t.writeMs,
    totalMs: t.prepareMs + t.renderMs + t.yamlMs + t.writeMs,
    floorMs,
    peakRssMB: peak,
    extra: { dependenciesMs: t.dependenciesMs, orderMs: t.orderMs, rssBeforeMB, peakBeforeMB },
  };
}

function stock(job: Job, outdir: string): Measurement {
  const { app, constructMs } = construct(job, outdir);
  gc();
  const t0 = performance.now();
  app.synth();
  const totalMs = performance.now() - t0;
  return { ok: true, constructMs, totalMs, peakRssMB: peakRssMB() };
}

async function pulumi(job: Job, outdir: string): Promise<Measurement> {
  const mod = tryRequire('../lib/pulumi');
  const pulumiSdk = tryRequire('@pulumi/pulumi') as unknown as typeof import('@pulumi/pulumi') | undefined;
  const AppDeployment = mod?.AppDeployment as
    | (new (name: string, args: { app: App }) => { readonly objects?: readonly unknown[]; readonly urn: unknown })
    | undefined;
  if (!AppDeployment || !pulumiSdk) return { ok: false, note: 'lib/pulumi AppDeployment missing' };
  let registrations = 0;
  await pulumiSdk.runtime.setMocks(
    {
      newResource(args) {
        registrations++;
        return { id: `${args.name}_id`, state: args.inputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    'bench',
    'bench',
    false,
  );
  const { app, constructMs } = construct(job, outdir);
  gc();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const deployment = new AppDeployment('bench', { app });
  // Wait until the mock engine has registered every resource (no new registration for a while).
  let last = -1;
  while (registrations !== last) {
    last = registrations;
    await new Promise((r) => setTimeout(r, 50));
  }
  const totalMs = performance.now() - t0 - 50; // the last quiet wait is not work
  const peak = peakRssMB();
  const objects = deployment.objects?.length ?? registrations;
  return {
    ok: true,
    objects,
    constructMs,
    totalMs,
    peakRssMB: peak,
    extra: {
      registrations,
      msPerResource: totalMs / objects,
      kbPerResource: Math.max(0, (peak * 1024 * 1024 - rss0) / 1024 / objects),
    },
  };
}

function validate(job: Job, outdir: string): Measurement {
  const v = tryRequire('../lib/validate');
  const validateObjects = v?.validateObjects as
    | ((objects: readonly unknown[], o: { schemaDir: string }) => readonly { severity: string }[])
    | undefined;
  const policy = tryRequire('../lib/policy');
  const { app, constructMs } = construct(job, outdir);
  const objects = toManifests(app);
  const extra: Record<string, number | string> = {};
  const notes: string[] = [];
  let totalMs = 0;
  gc();
  if (validateObjects && job.schemaDir) {
    const t0 = performance.now();
    const problems = validateObjects(objects, { schemaDir: job.schemaDir });
    const ms = performance.now() - t0;
    totalMs += ms;
    extra.conformanceMs = ms;
    extra.conformanceErrors = problems.filter((p) => p.severity === 'error').length;
  } else {
    notes.push(validateObjects ? 'no schema directory' : 'lib/validate validateObjects missing');
  }
  // Policy packs over plain manifests (every pack: pod security, sovereignty, reliability).
  const checkManifests = policy?.checkManifests as
    | ((objects: readonly unknown[]) => { readonly findings: readonly unknown[] })
    | undefined;
  if (checkManifests) {
    const t0 = performance.now();
    const report = checkManifests(objects);
    const ms = performance.now() - t0;
    totalMs += ms;
    extra.policyMs = ms;
    extra.policyFindings = report.findings.length;
  } else {
    notes.push('lib/policy checkManifests missing');
  }
  return { ok: notes.length === 0, note: notes.join('; ') || undefined, objects: objects.length, constructMs, totalMs, peakRssMB: peakRssMB(), extra };
}

function planner(job: Job): Measurement {
  const compute = tryRequire('../lib/compute');
  const plan = compute?.planCapacity as ((...args: unknown[]) => unknown) | undefined;
  if (!plan) return { ok: false, note: 'lib/compute planCapacity missing' };
  const { plannerInput } = require('./generators') as typeof import('./generators');
  const input = plannerInput(compute!, job.models, job.gpus ?? 500);
  if (!input) return { ok: false, note: 'planCapacity input shape unknown' };
  gc();
  const t0 = performance.now();
  plan(...input);
  return { ok: true, totalMs: performance.now() - t0, peakRssMB: peakRssMB() };
}

export async function runJob(job: Job): Promise<Measurement> {
  const outdir = mkdtempSync(join(tmpdir(), `bench-${job.kind}-`));
  try {
    switch (job.kind) {
      case 'ours':
        return ours(job, outdir);
      case 'stock':
        return stock(job, outdir);
      case 'pulumi':
        return await pulumi(job, outdir);
      case 'validate':
        return validate(job, outdir);
      case 'planner':
        return planner(job);
      default:
        return { ok: false, note: `unknown job ${String(job.kind)}` };
    }
  } catch (e) {
    return { ok: false, note: (e as Error).message.split('\n')[0].slice(0, 200) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const job = JSON.parse(process.argv[2]) as Job;
  void runJob(job).then((m) => {
    if (process.send) process.send(m, () => process.exit(0));
    else {
      process.stdout.write(JSON.stringify(m) + '\n');
      process.exit(0);
    }
  });
}
