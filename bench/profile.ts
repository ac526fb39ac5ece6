/*
 * Summarizes a V8 CPU profile (`node --cpu-prof`): top functions by self time, as a Markdown table.
 * Usage: node build/bench/profile.js <file.cpuprofile> [top]
 */
import { readFileSync } from 'fs';
import { relative } from 'path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Where a function lives, shortened: `cdk8s/lib/resolve.js:42`, `lib/synth/prepare.ts:10`, `(native)`. */
function location(url: string, line: number): string {
  if (!url) return '(native)';
  let path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  path = nm >= 0 ? path.slice(nm + 'node_modules/'.length) : relative(process.cwd(), path);
  return `${path}:${line + 1}`;
}

/**
 * The top `top` functions by self time, with their share of the profile.
 * @param within only count samples below a call of the function of this name (e.g. `synthesize`); the share is
 *   then of the time spent below it
 */
export function summarizeProfile(file: string, top = 20, within?: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inside = new Map<number, boolean>();
  const isInside = (id: number): boolean => {
    if (within === undefined) return true;
    let r = inside.get(id);
    if (r === undefined) {
      const p = parent.get(id);
      r = byId.get(id)!.callFrame.functionName === within || (p !== undefined && isInside(p));
      inside.set(id, r);
    }
    return r;
  };
  const self = new Map<number, number>();
  let below = 0;
  profile.samples.forEach((id, i) => {
    if (!isInside(id)) return;
    below += profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const whole = profile.endTime - profile.startTime;
  const total = within === undefined ? whole : below;
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const name = `${n.callFrame.functionName || '(anonymous)'} ${location(n.callFrame.url, n.callFrame.lineNumber)}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const rows = [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = [
    within === undefined
      ? `Total profiled: ${(total / 1e6).toFixed(2)} s (whole worker process: construct, synth, floor).`
      : `Below \`${within}\`: ${(total / 1e6).toFixed(2)} s of ${(whole / 1e6).toFixed(2)} s profiled (the rest: construct, floor); shares are of the former.`,
    '',
    '| self time | share | function | where |',
    '|---:|---:|---|---|',
  ];
  for (const [name, us] of rows) {
    const [fn, ...where] = name.split(' ');
    lines.push(`| ${(us / 1000).toFixed(0)} ms | ${((100 * us) / total).toFixed(1)}% | \`${fn}\` | ${where.join(' ')} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  process.stdout.write(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 20), process.argv[4]) + '\n');
}
