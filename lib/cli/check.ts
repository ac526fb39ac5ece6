/*
 * `sovereign-ai check <file|dir>... [--json] [--pack NAME]... [--approved-registry R]... [--internal-cidr C]...
 *   [--ingress-service NS/NAME]... [--pss-version MINOR]`
 * Runs the policy packs over manifest files (YAML, multi-document, or JSON; directories are walked for
 * .yaml/.yml/.json). Exit codes: 0 no findings, 1 findings, 2 usage or input errors (one line per bad file/document).
 */
import { existsSync, readFileSync } from 'fs';
import { parseAllDocuments } from 'yaml';
import { expandManifestPaths, ValidationError } from '../core';
import { PolicyEngine } from '../policy/engine';
import { PodSecurityVersion } from '../policy/pod-security-pack';
import { Manifest, PolicyObject, RulePack } from '../policy/types';

export const usage = 'sovereign-ai check <file|dir>... [--json] [--pack NAME]... [--approved-registry R]... [--internal-cidr C]... [--ingress-service NS/NAME]... [--pss-version MINOR]';

interface Io {
  out(s: string): void;
  err(s: string): void;
}

const stdio: Io = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

/** Reads manifests from a file; problems are returned as one line each. */
export function readManifests(file: string): { objects: PolicyObject[]; problems: string[] } {
  const objects: PolicyObject[] = [];
  const problems: string[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { objects, problems: [`${file}: cannot read: ${(e as Error).message}`] };
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const where = `${file}: document ${i + 1}`;
    if (doc.errors.length > 0) {
      problems.push(`${where}: invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const items = typeof value === 'object' && !Array.isArray(value) && (value as Manifest).kind === 'List'
      && Array.isArray((value as { items?: unknown }).items) ? (value as { items: unknown[] }).items : [value];
    items.forEach((m, j) => {
      const at = items.length > 1 || items[0] !== value ? `${where} item ${j + 1}` : where;
      if (typeof m !== 'object' || m === null || Array.isArray(m)) {
        problems.push(`${at}: not a Kubernetes object (expected a mapping with apiVersion and kind)`);
        return;
      }
      const o = m as Record<string, unknown>;
      const missing = ['apiVersion', 'kind'].filter((k) => typeof o[k] !== 'string' || o[k] === '');
      if (missing.length > 0) {
        problems.push(`${at}: missing ${missing.join(' and ')}`);
        return;
      }
      const annotations = (o.metadata as { annotations?: Record<string, string> } | undefined)?.annotations;
      const cp = annotations?.['sovereign-ai.dev/construct-path'];
      objects.push({ manifest: o as unknown as Manifest, source: file, ...(cp ? { constructPath: cp } : {}) });
    });
  });
  return { objects, problems };
}

/** Entry of `sovereign-ai check`. */
export async function run(args: readonly string[], io: Io = stdio): Promise<number> {
  const paths: string[] = [];
  const packNames: string[] = [];
  const registries: string[] = [];
  const cidrs: string[] = [];
  const ingress: string[] = [];
  let json = false;
  let minor: number | undefined;
  const valueOf = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      switch (a) {
        case '--help': case '-h':
          io.out(`usage: ${usage}\npacks: ${PolicyEngine.PACK_NAMES.join(', ')} (default: pss-restricted, sovereignty, reliability)`);
          return 0;
        case '--json': json = true; break;
        case '--pack': packNames.push(valueOf(i, a)); i++; break;
        case '--approved-registry': registries.push(valueOf(i, a)); i++; break;
        case '--internal-cidr': cidrs.push(valueOf(i, a)); i++; break;
        case '--ingress-service': ingress.push(valueOf(i, a)); i++; break;
        case '--pss-version': {
          const v = valueOf(i, a);
          i++;
          minor = Number(v.replace(/^v?1\./, ''));
          break;
        }
        default:
          if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
          paths.push(a);
      }
    }
    if (paths.length === 0) throw new UsageError('no manifest file or directory given');
    const version = minor !== undefined ? PodSecurityVersion.of(minor) : PodSecurityVersion.LATEST;
    const packs: RulePack[] = (packNames.length > 0 ? packNames : ['pss-restricted', 'sovereignty', 'reliability']).map((n) => {
      const p = PolicyEngine.pack(n, version);
      if (!p) throw new UsageError(`unknown pack '${n}' (allowed: ${PolicyEngine.PACK_NAMES.join(', ')})`);
      return p;
    });
    const engine = new PolicyEngine({
      packs,
      ...(registries.length > 0 ? { approvedRegistries: registries } : {}),
      internalCidrs: cidrs,
      ingressServices: ingress,
    }, 'check');

    const files: string[] = [];
    const problems: string[] = [];
    for (const p of paths) {
      if (existsSync(p)) files.push(...expandManifestPaths([p]));
      else problems.push(`${p}: no such file or directory`);
    }
    const objects: PolicyObject[] = [];
    for (const f of files) {
      const r = readManifests(f);
      objects.push(...r.objects);
      problems.push(...r.problems);
    }
    if (problems.length > 0) {
      for (const p of problems) io.err(`sovereign-ai check: ${p}`);
      return 2;
    }
    const report = engine.run(objects);
    io.out(json ? JSON.stringify(report.toJson(), null, 2) : report.toText());
    return report.passed ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`sovereign-ai check: ${e.message}\nusage: ${usage}`);
      return 2;
    }
    if (e instanceof ValidationError) {
      io.err(`sovereign-ai check: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

class UsageError extends Error {}
