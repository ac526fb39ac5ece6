/*
 * `npm run bench [-- flags]`: runs every measurement in a fresh Node process (fork with --expose-gc), takes
 * medians, prints a Markdown report (and writes it, with the raw numbers, to build/bench/results.{md,json}).
 *
 * Flags:
 *   --sizes 10,100,300,1000,3000   model counts (default all five)
 *   --runs 3                        runs per measurement (median reported)
 *   --large-runs 3                  runs per measurement above 1,000 models (default: --runs)
 *   --cases ours,stock,pulumi,validate,planner   which measurements (default all)
 *   --generator constructs|plain|plain-single-chart|plain-nested   platform generator (default constructs: the
 *                                   library's own constructs, the reference platform with a generated catalog)
 *   --stock-max 1000                largest size measured with stock app.synth() (it is quadratic)
 *   --pulumi-max 1000               largest size measured with the Pulumi backend under mocks
 *   --validate-max 1000             largest size for conformance validation + policy packs
 *   --timeout 600                   seconds before a measurement is killed
 *   --profile                       also profile `ours` at the largest size (node --cpu-prof) and summarize
 */
import { fork } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { cpus, freemem, tmpdir, totalmem } from 'os';
import { join, resolve } from 'path';
import { Generator } from './generators';
import { summarizeProfile } from './profile';
import { Job, Measurement } from './worker';

type Kind = Job['kind'];

interface Options {
  sizes: number[];
  runs: number;
  largeRuns?: number;
  cases: Kind[];
  generator: Generator;
  stockMax: number;
  pulumiMax: number;
  validateMax: number;
  timeoutS: number;
  profile: boolean;
}

function parse(argv: readonly string[]): Options {
  const o: Options = {
    sizes: [10, 100, 300, 1000, 3000],
    runs: 3,
    cases: ['ours', 'stock', 'pulumi', 'validate', 'planner'],
    generator: 'constructs',
    stockMax: 1000,
    pulumiMax: 1000,
    validateMax: 1000,
    timeoutS: 600,
    profile: false,
  };
  let generator: Generator | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--sizes':
        o.sizes = value().split(',').map(Number);
        break;
      case '--runs':
        o.runs = Number(value());
        break;
      case '--large-runs':
        o.largeRuns = Number(value());
        break;
      case '--cases':
        o.cases = value().split(',') as Kind[];
        break;
      case '--generator':
        generator = value() as Generator;
        break;
      case '--stock-max':
        o.stockMax = Number(value());
        break;
      case '--pulumi-max':
        o.pulumiMax = Number(value());
        break;
      case '--validate-max':
        o.validateMax = Number(value());
        break;
      case '--timeout':
        o.timeoutS = Number(value());
        break;
      case '--profile':
        o.profile = true;
        break;
      default:
        throw new Error(`unknown flag ${flag}`);
    }
  }
  o.generator = generator ?? 'constructs';
  if (!['constructs', 'plain', 'plain-single-chart', 'plain-nested'].includes(o.generator)) throw new Error(`unknown generator ${o.generator}`);
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 1) || !(o.runs >= 1)) throw new Error('bad --sizes or --runs');
  return o;
}

const WORKER = join(__dirname, 'worker.js');

/** Runs one job in a fresh process. */
function measure(job: Job, timeoutS: number, execArgv: string[] = []): Promise<Measurement> {
  return new Promise((done) => {
    const child = fork(WORKER, [JSON.stringify(job)], {
      execArgv: ['--expose-gc', '--max-old-space-size=8192', ...execArgv],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += String(d)));
    let result: Measurement | undefined;
    const timer = setTimeout(() => {
      result = { ok: false, note: `timeout after ${timeoutS} s` };
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('message', (m) => (result = m as Measurement));
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(result ?? { ok: false, note: `worker exited ${code}: ${stderr.split('\n').slice(-3).join(' ')}` });
    });
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median of each numeric field over the successful runs. */
function medianOf(runs: Measurement[]): Measurement {
  const ok = runs.filter((r) => r.ok);
  if (ok.length === 0) return runs[0];
  const out: Record<string, unknown> = { ...ok[0] };
  for (const key of Object.keys(ok[0]) as Array<keyof Measurement>) {
    if (typeof ok[0][key] === 'number') out[key] = median(ok.map((r) => r[key] as number));
  }
  if (ok[0].extra) {
    const extra: Record<string, number | string> = {};
    for (const [k, v] of Object.entries(ok[0].extra)) {
      extra[k] = typeof v === 'number' ? median(ok.map((r) => r.extra![k] as number)) : v;
    }
    out.extra = extra;
  }
  return out as unknown as Measurement;
}

const fmt = (ms: number | undefined): string => (ms === undefined ? '-' : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
const mb = (v: number | undefined): string => (v === undefined ? '-' : v < 10 ? `${v.toFixed(1)} MB` : `${v.toFixed(0)} MB`);
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || !b ? '-' : `${(a / b).toFixed(2)}x`);
const exponent = (t1: number | undefined, t2: number | undefined, n1: number, n2: number): string =>
  t1 === undefined || t2 === undefined || t1 <= 0 ? '-' : (Math.log(t2 / t1) / Math.log(n2 / n1)).toFixed(2);

/** The machine, for the report. */
export function machine(): string {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const info = require('fs').readFileSync('/proc/cpuinfo', 'utf8') as string;
    cpu = /model name\s*:\s*(.*)/.exec(info)?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  const nproc = require('os').availableParallelism?.() ?? cpus().length;
  return `${cpu}, nproc ${nproc}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start), Node ${process.version}, ${process.platform} ${process.arch}`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const o = parse(argv);
  const started = new Date();
  const log = (s: string): void => void process.stderr.write(s + '\n');
  const results: Record<string, Record<number, { runs: Measurement[]; median: Measurement }>> = {};
  const run = async (kind: Kind, models: number, extra: Partial<Job> = {}): Promise<Measurement> => {
    const job: Job = { kind, models, generator: o.generator, schemaDir: schemaDir(), ...extra };
    const runs: Measurement[] = [];
    const count = models > 1000 ? o.largeRuns ?? o.runs : o.runs;
    for (let r = 0; r < count; r++) {
      const m = await measure(job, o.timeoutS);
      runs.push(m);
      log(`${kind} ${models} run ${r + 1}/${count}: ${m.ok ? fmt(m.totalMs) : m.note}`);
      if (!m.ok) break; // a failure repeats: no use running again
    }
    const med = medianOf(runs);
    (results[kind] ??= {})[models] = { runs, median: med };
    return med;
  };

  log(`generator ${o.generator}, sizes ${o.sizes.join(',')}, ${o.runs} run(s) each`);
  for (const n of o.sizes) {
    if (o.cases.includes('ours')) await run('ours', n);
    if (o.cases.includes('stock') && n <= o.stockMax) await run('stock', n);
    if (o.cases.includes('pulumi') && n <= o.pulumiMax) await run('pulumi', n);
    if (o.cases.includes('validate') && n <= o.validateMax) await run('validate', n);
  }
  if (o.cases.includes('planner')) await run('planner', 1000, { gpus: 500 });

  let profile: string | undefined;
  if (o.profile) {
    const n = Math.max(...o.sizes);
    const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
    log(`profiling ours at ${n} models`);
    await measure({ kind: 'ours', models: n, generator: o.generator }, o.timeoutS, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    profile = file
      ? `${summarizeProfile(join(dir, file), 25, 'synthesize')}\n\nWhole process:\n\n${summarizeProfile(join(dir, file), 10)}`
      : 'no profile written';
  }

  const md = report(o, results, started, profile);
  const out = resolve(__dirname);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.md'), md);
  writeFileSync(join(out, 'results.json'), JSON.stringify({ options: o, started, machine: machine(), results }, null, 2));
  process.stdout.write(md);
  return 0;
}

function schemaDir(): string | undefined {
  const dir = resolve(process.env.SOVEREIGN_SCHEMAS ?? join(__dirname, '..', '..', '..', 'shared', 'schemas'));
  return existsSync(dir) ? dir : undefined;
}

type Results = Record<string, Record<number, { runs: Measurement[]; median: Measurement }>>;

function report(o: Options, results: Results, started: Date, profile?: string): string {
  const lines: string[] = [];
  const get = (kind: Kind, n: number): Measurement | undefined => results[kind]?.[n]?.median;
  lines.push(`Run ${started.toISOString()} on ${machine()}.`);
  lines.push(`Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\` (generator \`${o.generator}\`, median of ${o.runs}${o.largeRuns !== undefined && o.largeRuns !== o.runs ? `, ${o.largeRuns} above 1,000 models` : ''}).`);
  lines.push('');
  lines.push('### (a) synth to YAML files, (b) stock `app.synth()`, (c) floor');
  lines.push('');
  lines.push('| models | objects | YAML | construct | prepare (validate) | render JSON | YAML | write | (a) synth total | (c) floor | (a)/(c) | (a) peak RSS (after construct: RSS / peak) | (b) stock | (b) peak RSS | (b)/(a) |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of o.sizes) {
    const a = get('ours', n);
    const b = get('stock', n);
    const stockCell = b ? (b.ok ? fmt(b.totalMs) : b.note ?? 'failed') : n > o.stockMax ? `skipped (> ${o.stockMax})` : '-';
    if (a && !a.ok) {
      lines.push(`| ${n} | ${a.note} |`);
      continue;
    }
    lines.push(
      `| ${n} | ${a?.objects ?? '-'} | ${a?.bytes ? mb(a.bytes / 2 ** 20) : '-'} | ${fmt(a?.constructMs)} | ${fmt(a?.prepareMs)} (${fmt(a?.validateMs)}) | ${fmt(a?.renderMs)} | ${fmt(a?.yamlMs)} | ${fmt(a?.writeMs)} | ${fmt(a?.totalMs)} | ${fmt(a?.floorMs)} | ${ratio(a?.totalMs, a?.floorMs)} | ${mb(a?.peakRssMB)} (${mb(a?.extra?.rssBeforeMB as number | undefined)} / ${mb(a?.extra?.peakBeforeMB as number | undefined)}) | ${stockCell} | ${b?.ok ? mb(b.peakRssMB) : '-'} | ${b?.ok ? ratio(b.totalMs, a?.totalMs) : '-'} |`,
    );
  }
  lines.push('');
  lines.push('Growth exponent log(t2/t1)/log(n2/n1) between consecutive sizes:');
  lines.push('');
  lines.push('| from -> to | (a) synth total | (a) construct | (c) floor | (b) stock |');
  lines.push('|---|---:|---:|---:|---:|');
  for (let i = 1; i < o.sizes.length; i++) {
    const [n1, n2] = [o.sizes[i - 1], o.sizes[i]];
    const [a1, a2, b1, b2] = [get('ours', n1), get('ours', n2), get('stock', n1), get('stock', n2)];
    lines.push(
      `| ${n1} -> ${n2} | ${exponent(a1?.totalMs, a2?.totalMs, n1, n2)} | ${exponent(a1?.constructMs, a2?.constructMs, n1, n2)} | ${exponent(a1?.floorMs, a2?.floorMs, n1, n2)} | ${b1?.ok && b2?.ok ? exponent(b1.totalMs, b2.totalMs, n1, n2) : '-'} |`,
    );
  }
  const span = o.sizes.filter((n) => n >= 300);
  if (span.length >= 2) {
    const [n1, n2] = [span[0], span[span.length - 1]];
    lines.push(`| ${n1} -> ${n2} (overall) | ${exponent(get('ours', n1)?.totalMs, get('ours', n2)?.totalMs, n1, n2)} | ${exponent(get('ours', n1)?.constructMs, get('ours', n2)?.constructMs, n1, n2)} | ${exponent(get('ours', n1)?.floorMs, get('ours', n2)?.floorMs, n1, n2)} | - |`);
  }
  if (o.cases.includes('pulumi')) {
    lines.push('');
    lines.push('### (d) Pulumi backend under mocks (`AppDeployment` of the whole app)');
    lines.push('');
    lines.push('| models | resources | construct | deploy (mocks) | ms / resource | peak RSS | KB / resource (RSS growth) |');
    lines.push('|---:|---:|---:|---:|---:|---:|---:|');
    for (const n of o.sizes.filter((s) => s <= o.pulumiMax)) {
      const d = get('pulumi', n);
      if (!d) continue;
      if (!d.ok) lines.push(`| ${n} | ${d.note} |`);
      else lines.push(`| ${n} | ${d.objects} | ${fmt(d.constructMs)} | ${fmt(d.totalMs)} | ${(d.extra!.msPerResource as number).toFixed(2)} | ${mb(d.peakRssMB)} | ${(d.extra!.kbPerResource as number).toFixed(0)} |`);
    }
  }
  if (o.cases.includes('validate')) {
    lines.push('');
    lines.push('### (e) conformance validation and policy packs over the output');
    lines.push('');
    lines.push('| models | objects | conformance | errors | policy packs | findings | total | peak RSS |');
    lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const n of o.sizes.filter((s) => s <= o.validateMax)) {
      const e = get('validate', n);
      if (!e) continue;
      const x = e.extra ?? {};
      lines.push(`| ${n} | ${e.objects ?? '-'} | ${fmt(x.conformanceMs as number)} | ${x.conformanceErrors ?? '-'} | ${fmt(x.policyMs as number)} | ${x.policyFindings ?? '-'} | ${fmt(e.totalMs)} | ${mb(e.peakRssMB)} |${e.note ? ` ${e.note}` : ''}`);
    }
  }
  if (o.cases.includes('planner')) {
    const f = results.planner?.[1000]?.median;
    lines.push('');
    lines.push('### (f) capacity planner, 1,000 models x 500 GPUs');
    lines.push('');
    lines.push(f?.ok ? `planCapacity: ${fmt(f.totalMs)}, peak RSS ${mb(f.peakRssMB)}.` : `planCapacity: ${f?.note ?? 'not run'}.`);
  }
  if (profile) {
    lines.push('');
    lines.push(`### Profile of (a) at ${Math.max(...o.sizes)} models (top self time, synth only, then the whole process)`);
    lines.push('');
    lines.push(profile);
  }
  lines.push('');
  return lines.join('\n');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}
