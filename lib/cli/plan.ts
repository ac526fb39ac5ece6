/*
 * `sovereign-ai plan <catalog.yaml|json> [--json]`: the GPU capacity plan of a model catalog on a GPU inventory.
 * Prints the models, their share or tensor-parallel group and placement, GPUs used vs the lower bound vs the naive
 * whole-GPU count, and GPU-hours per tenant. Bad input: exit code 2 and one line on stderr.
 */
import { readFileSync } from 'fs';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '../core/errors';
import {
  CapacityRequest, formatPlan, GpuProduct, GpuSharing, ModelSpec, planCapacity, Precision, SharingKind, TimeSliceInterval,
} from '../compute';

/** One-line usage. */
export const usage = 'usage: sovereign-ai plan <catalog.yaml|catalog.json> [--json]';

const HELP = `${usage}

Catalog format (YAML or JSON):
  inventory: { product: H100-80GB, nodes: 2, gpusPerNode: 8 }
  sharing: { mode: memory-shares }          # exclusive | time-sliced | mps | mig | memory-shares
                                            # mig: profiles: [1g.10gb, 3g.40gb]; time-sliced: maxSharers;
                                            # mps: activeThreadPercentage; memory-shares: granularityGiB
  gpuMemoryUtilization: 0.9                 # optional
  models:
    - { name: llama-8b, tenant: radiology, paramsBillions: 8, precision: bf16,
        contextLength: 8192, concurrentSequences: 8, replicas: 2 }

Products: ${GpuProduct.all().map((p) => p.name).join(', ')}
Exit codes: 0 plan printed, 2 usage or input error (including plans that do not fit).`;

class InputError extends Error {}

function isRecord(x: unknown): x is Record<string, any> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function sharingFrom(raw: unknown): GpuSharing | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw) || typeof raw.mode !== 'string') {
    throw new InputError(`sharing: expected an object with a mode (${Object.values(SharingKind).join(', ')}), got ${JSON.stringify(raw)}`);
  }
  switch (raw.mode) {
    case SharingKind.EXCLUSIVE: return GpuSharing.exclusive();
    case SharingKind.TIME_SLICED: {
      const interval = raw.interval as TimeSliceInterval | undefined;
      if (interval !== undefined && !Object.values(TimeSliceInterval).includes(interval)) {
        throw new InputError(`sharing.interval: ${JSON.stringify(interval)} is not one of ${Object.values(TimeSliceInterval).join(', ')}`);
      }
      return GpuSharing.timeSliced({ interval, maxSharers: raw.maxSharers });
    }
    case SharingKind.MPS: return GpuSharing.mps({ activeThreadPercentage: raw.activeThreadPercentage, pinnedMemoryLimitGiB: raw.pinnedMemoryLimitGiB });
    case SharingKind.MIG: {
      const profiles = raw.profiles;
      if (!Array.isArray(profiles) || profiles.length === 0) throw new InputError('sharing.profiles: mig needs a non-empty list of MIG profiles, e.g. [1g.10gb, 3g.40gb]');
      return GpuSharing.mig(profiles[0], ...profiles.slice(1));
    }
    case SharingKind.MEMORY_SHARES: return GpuSharing.memoryShares({ granularityGiB: raw.granularityGiB, defaultShareGiB: raw.defaultShareGiB });
    default:
      throw new InputError(`sharing.mode: ${JSON.stringify(raw.mode)} is not one of ${Object.values(SharingKind).join(', ')}`);
  }
}

/** Turns a parsed catalog into a capacity request (throws InputError or ValidationError). */
export function requestFromCatalog(catalog: unknown): CapacityRequest {
  if (!isRecord(catalog)) throw new InputError('catalog: expected a mapping with inventory and models');
  const inv = catalog.inventory;
  if (!isRecord(inv)) throw new InputError('inventory: expected { product, nodes, gpusPerNode }');
  const product = typeof inv.product === 'string' ? GpuProduct.byName(inv.product) : undefined;
  if (!product) {
    throw new InputError(`inventory.product: ${JSON.stringify(inv.product)} is not a known product (${GpuProduct.all().map((p) => p.name).join(', ')})`);
  }
  if (!Array.isArray(catalog.models)) throw new InputError('models: expected a list of models');
  const models: ModelSpec[] = catalog.models.map((m: unknown, i: number) => {
    if (!isRecord(m)) throw new InputError(`models[${i}]: expected a mapping`);
    if (m.precision !== undefined && !Object.values(Precision).includes(m.precision)) {
      throw new InputError(`models[${i}].precision: ${JSON.stringify(m.precision)} is not one of ${Object.values(Precision).join(', ')}`);
    }
    return m as unknown as ModelSpec;
  });
  return {
    models,
    inventory: { product, nodes: inv.nodes, gpusPerNode: inv.gpusPerNode },
    sharing: sharingFrom(catalog.sharing),
    gpuMemoryUtilization: catalog.gpuMemoryUtilization,
  };
}

/** Entry point: returns the exit code. */
export async function run(args: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(HELP + '\n');
    return 0;
  }
  const json = args.includes('--json');
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--json');
  const files = args.filter((a) => !a.startsWith('-'));
  if (unknown.length > 0 || files.length !== 1) {
    err.write(`sovereign-ai plan: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : 'expected one catalog file'}; ${usage}\n`);
    return 2;
  }
  try {
    let text: string;
    try {
      text = readFileSync(files[0], 'utf8');
    } catch (e) {
      throw new InputError(`cannot read ${files[0]}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    let catalog: unknown;
    try {
      catalog = files[0].endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      throw new InputError(`${files[0]} is not valid ${files[0].endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
    }
    const plan = planCapacity(requestFromCatalog(catalog));
    out.write((json ? JSON.stringify(plan, null, 2) : formatPlan(plan)) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof ValidationError) {
      err.write(`sovereign-ai plan: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
