/**
 * GPU capacity planner: pure functions (no cdk8s). Model size, precision, context length and concurrency give the
 * GPU memory of a replica (weights + KV cache + runtime overhead); that gives a share profile (MIG profile or
 * memory share) or a tensor-parallel degree; all replicas are then packed onto the pool's inventory with
 * first-fit decreasing, against a computed lower bound. Infeasible input is a `ValidationError` that says what is
 * missing. The formulas and their sources are documented in docs/capacity-planner.md.
 */
import { ValidationError } from '../core/errors';
import { GpuSharing } from './gpu-sharing';
import { GpuProduct, MIG_COMPUTE_SLICES, MigProfile, SharingKind } from './gpu-vendor';

/** Where planner errors point (pure functions have no construct path). */
export const PLANNER = 'planner';

/** Numeric precision of weights or KV cache. */
export enum Precision {
  /** 32-bit float: 4 bytes. */
  FP32 = 'fp32',
  /** 16-bit float: 2 bytes. */
  FP16 = 'fp16',
  /** bfloat16: 2 bytes. */
  BF16 = 'bf16',
  /** 8-bit float (e.g. FP8 E4M3 checkpoints or `--kv-cache-dtype fp8`): 1 byte. */
  FP8 = 'fp8',
  /** 8-bit integer (e.g. W8A8): 1 byte. */
  INT8 = 'int8',
  /** 4-bit integer (AWQ/GPTQ): half a byte. */
  INT4 = 'int4',
}

const BYTES: Record<Precision, number> = {
  [Precision.FP32]: 4, [Precision.FP16]: 2, [Precision.BF16]: 2, [Precision.FP8]: 1, [Precision.INT8]: 1, [Precision.INT4]: 0.5,
};

/** Bytes per parameter (or per KV-cache element) of a precision. */
export function bytesPerElement(precision: Precision): number {
  return BYTES[precision];
}

/** The architecture numbers that size the KV cache. */
export interface ModelArchitecture {
  /** Transformer layers (`num_hidden_layers`). */
  readonly layers: number;
  /** Key/value heads (`num_key_value_heads`; equals attention heads without GQA). */
  readonly kvHeads: number;
  /** Dimension of one head (`head_dim`, usually hidden_size / num_attention_heads). */
  readonly headDim: number;
}

/** A known model size with its architecture (from the models' published `config.json`). */
export interface ModelPreset {
  /** Example model of this size. */
  readonly example: string;
  /** Parameters in billions. */
  readonly paramsBillions: number;
  /** Architecture. */
  readonly architecture: ModelArchitecture;
}

/**
 * Architectures of popular open models, used when a model spec gives none: the preset with the nearest
 * parameter count (in log scale) is taken.
 */
export const MODEL_PRESETS: readonly ModelPreset[] = [
  { example: 'Qwen2.5-0.5B', paramsBillions: 0.5, architecture: { layers: 24, kvHeads: 2, headDim: 64 } },
  { example: 'Llama-3.2-1B', paramsBillions: 1.2, architecture: { layers: 16, kvHeads: 8, headDim: 64 } },
  { example: 'Llama-3.2-3B', paramsBillions: 3.2, architecture: { layers: 28, kvHeads: 8, headDim: 128 } },
  { example: 'Mistral-7B', paramsBillions: 7.2, architecture: { layers: 32, kvHeads: 8, headDim: 128 } },
  { example: 'Llama-3.1-8B', paramsBillions: 8, architecture: { layers: 32, kvHeads: 8, headDim: 128 } },
  { example: 'Llama-2-13B', paramsBillions: 13, architecture: { layers: 40, kvHeads: 40, headDim: 128 } },
  { example: 'Qwen2.5-14B', paramsBillions: 14.7, architecture: { layers: 48, kvHeads: 8, headDim: 128 } },
  { example: 'Gemma-2-27B', paramsBillions: 27, architecture: { layers: 46, kvHeads: 16, headDim: 128 } },
  { example: 'Qwen2.5-32B', paramsBillions: 32.5, architecture: { layers: 64, kvHeads: 8, headDim: 128 } },
  { example: 'Llama-3.1-70B', paramsBillions: 70.6, architecture: { layers: 80, kvHeads: 8, headDim: 128 } },
  { example: 'Qwen2.5-72B', paramsBillions: 72.7, architecture: { layers: 80, kvHeads: 8, headDim: 128 } },
  { example: 'Llama-3.1-405B', paramsBillions: 405, architecture: { layers: 126, kvHeads: 8, headDim: 128 } },
];

/** The architecture of the preset nearest to a parameter count (log scale). */
export function architectureFor(paramsBillions: number): ModelArchitecture {
  let best = MODEL_PRESETS[0];
  for (const p of MODEL_PRESETS) {
    if (Math.abs(Math.log(p.paramsBillions / paramsBillions)) < Math.abs(Math.log(best.paramsBillions / paramsBillions))) best = p;
  }
  return best.architecture;
}

/** One model to serve. */
export interface ModelSpec {
  /** Unique name of the model deployment, e.g. `llama-8b-chat`. */
  readonly name: string;
  /** Tenant (team) that pays for it. @default 'default' */
  readonly tenant?: string;
  /** Parameters in billions. */
  readonly paramsBillions: number;
  /** Precision of the weights. @default Precision.BF16 */
  readonly precision?: Precision;
  /** Precision of the KV cache (vLLM `--kv-cache-dtype`). @default Precision.BF16 */
  readonly kvCachePrecision?: Precision;
  /** Maximum context length in tokens (vLLM `--max-model-len`). @default 8192 */
  readonly contextLength?: number;
  /** Sequences served concurrently at full context (vLLM `--max-num-seqs` at full length). @default 8 */
  readonly concurrentSequences?: number;
  /** Replicas. @default 1 */
  readonly replicas?: number;
  /** Architecture for the KV cache. @default - the nearest entry of MODEL_PRESETS */
  readonly architecture?: ModelArchitecture;
}

/** Tunables of the memory model (defaults in {@link PLANNER_DEFAULTS}). */
export interface MemoryModelOptions {
  /** CUDA context, CUDA graphs and other non-torch memory per GPU, in GiB. @default 1 */
  readonly cudaContextGiB?: number;
  /** Peak activation memory as a fraction of the weights. @default 0.1 */
  readonly activationFraction?: number;
}

/** Defaults of the planner. */
export const PLANNER_DEFAULTS = {
  /** vLLM `--gpu-memory-utilization` default: the share of device memory a server may use. */
  gpuMemoryUtilization: 0.9,
  /** Non-torch memory per GPU (CUDA context, NCCL buffers, CUDA graphs), GiB. */
  cudaContextGiB: 1,
  /** Activation peak as a fraction of the weights. */
  activationFraction: 0.1,
  /** Hours in a month (365 * 24 / 12). */
  hoursPerMonth: 730,
  /** Default context length. */
  contextLength: 8192,
  /** Default concurrent sequences. */
  concurrentSequences: 8,
} as const;

/** GPU memory of one replica of a model. */
export interface MemoryEstimate {
  /** Weights: params x bytes per parameter, GiB. */
  readonly weightsGiB: number;
  /** KV cache: 2 x layers x kvHeads x headDim x bytes x contextLength x concurrentSequences, GiB. */
  readonly kvCacheGiB: number;
  /** Runtime overhead on one GPU: CUDA context + activation peak, GiB. */
  readonly overheadGiB: number;
  /** Total on one GPU (tensor-parallel degree 1), GiB. */
  readonly totalGiB: number;
  /** KV-cache bytes per token. */
  readonly kvCacheBytesPerToken: number;
  /** The architecture used. */
  readonly architecture: ModelArchitecture;
}

const GIB = 2 ** 30;

function checkPositiveInt(prop: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw ValidationError.invalidProp(PLANNER, { prop, value, allowed: 'a positive integer' });
  }
}

function checkPositive(prop: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw ValidationError.invalidProp(PLANNER, { prop, value, allowed: 'a positive number' });
  }
}

function checkPrecision(prop: string, value: unknown): void {
  if (value !== undefined && !Object.values(Precision).includes(value as Precision)) {
    throw ValidationError.invalidProp(PLANNER, { prop, value, allowed: Object.values(Precision).join(', ') });
  }
}

function validateModel(model: ModelSpec, prefix: string): void {
  if (typeof model.name !== 'string' || model.name.length === 0) {
    throw ValidationError.invalidProp(PLANNER, { prop: `${prefix}.name`, value: model.name, allowed: 'a non-empty string' });
  }
  checkPositive(`${prefix}.paramsBillions`, model.paramsBillions);
  checkPrecision(`${prefix}.precision`, model.precision);
  checkPrecision(`${prefix}.kvCachePrecision`, model.kvCachePrecision);
  if (model.contextLength !== undefined) checkPositiveInt(`${prefix}.contextLength`, model.contextLength);
  if (model.concurrentSequences !== undefined) checkPositiveInt(`${prefix}.concurrentSequences`, model.concurrentSequences);
  if (model.replicas !== undefined) checkPositiveInt(`${prefix}.replicas`, model.replicas);
  if (model.architecture !== undefined) {
    checkPositiveInt(`${prefix}.architecture.layers`, model.architecture.layers);
    checkPositiveInt(`${prefix}.architecture.kvHeads`, model.architecture.kvHeads);
    checkPositiveInt(`${prefix}.architecture.headDim`, model.architecture.headDim);
  }
}

/**
 * GPU memory of one replica of a model on one GPU:
 * `weights = params x bytes(precision)`,
 * `kvCache = 2 (K and V) x layers x kvHeads x headDim x bytes(kvCachePrecision) x contextLength x concurrentSequences`,
 * `overhead = cudaContextGiB + activationFraction x weights`.
 */
export function estimateModelMemory(model: ModelSpec, options: MemoryModelOptions = {}): MemoryEstimate {
  validateModel(model, 'model');
  const architecture = model.architecture ?? architectureFor(model.paramsBillions);
  const weightsGiB = (model.paramsBillions * 1e9 * bytesPerElement(model.precision ?? Precision.BF16)) / GIB;
  const kvCacheBytesPerToken = 2 * architecture.layers * architecture.kvHeads * architecture.headDim
    * bytesPerElement(model.kvCachePrecision ?? Precision.BF16);
  const tokens = (model.contextLength ?? PLANNER_DEFAULTS.contextLength) * (model.concurrentSequences ?? PLANNER_DEFAULTS.concurrentSequences);
  const kvCacheGiB = (kvCacheBytesPerToken * tokens) / GIB;
  const overheadGiB = (options.cudaContextGiB ?? PLANNER_DEFAULTS.cudaContextGiB)
    + (options.activationFraction ?? PLANNER_DEFAULTS.activationFraction) * weightsGiB;
  return {
    weightsGiB, kvCacheGiB, overheadGiB, totalGiB: weightsGiB + kvCacheGiB + overheadGiB, kvCacheBytesPerToken, architecture,
  };
}

/**
 * Memory per GPU of a replica split over `tensorParallel` GPUs: weights, KV cache and activations are sharded,
 * every GPU keeps its own CUDA context.
 */
export function memoryPerGpu(estimate: MemoryEstimate, tensorParallel: number, cudaContextGiB: number = PLANNER_DEFAULTS.cudaContextGiB): number {
  return (estimate.totalGiB - cudaContextGiB) / tensorParallel + cudaContextGiB;
}

/** The GPUs a plan may use. */
export interface GpuInventory {
  /** GPU product (memory, MIG profiles). */
  readonly product: GpuProduct;
  /** Number of nodes. */
  readonly nodes: number;
  /** GPUs per node (tensor-parallel groups never span nodes). */
  readonly gpusPerNode: number;
}

/** Input of {@link planCapacity}. */
export interface CapacityRequest {
  /** The models to place. */
  readonly models: readonly ModelSpec[];
  /** The GPUs. */
  readonly inventory: GpuInventory;
  /** How devices are shared. @default - GpuSharing.memoryShares() if the vendor supports it, else exclusive */
  readonly sharing?: GpuSharing;
  /** Share of device memory a model server may use (vLLM `--gpu-memory-utilization`). @default 0.9 */
  readonly gpuMemoryUtilization?: number;
  /** Hours per month for GPU-hours. @default 730 */
  readonly hoursPerMonth?: number;
  /** Memory model tunables. @default - PLANNER_DEFAULTS */
  readonly memoryModel?: MemoryModelOptions;
}

/** How a replica holds its GPU(s). */
export enum ShareKind {
  /** Whole devices (exclusive, or a tensor-parallel group). */
  WHOLE = 'whole',
  /** A MIG instance. */
  MIG = 'mig',
  /** A memory-capacity share. */
  MEMORY_SHARE = 'memory-share',
  /** A time-sliced share. */
  TIME_SLICE = 'time-slice',
  /** An MPS client. */
  MPS = 'mps',
}

/** What one replica of a model gets. */
export interface SharePlan {
  /** How the GPU is held. */
  readonly kind: ShareKind;
  /** Tensor-parallel degree (GPUs per replica; 1 for shares). */
  readonly tensorParallel: number;
  /** Profile name for the pool: MIG profile (`3g.40gb`), memory share (`24Gi`), or undefined for whole GPUs and time-slices/MPS. */
  readonly profile?: string;
  /** Memory reserved per GPU, GiB (a MIG instance's memory, the share, or the estimate). */
  readonly memoryGiBPerGpu: number;
  /** Fraction of a GPU per replica (whole: tensorParallel), used for GPU-hours. */
  readonly gpuFraction: number;
}

/** Where one replica runs. */
export interface ReplicaPlacement {
  /** Replica index (0-based). */
  readonly replica: number;
  /** Node index (0-based). */
  readonly node: number;
  /** Global GPU indices (node x gpusPerNode + local index). */
  readonly gpus: readonly number[];
}

/** The plan of one model. */
export interface ModelPlan {
  /** Model name. */
  readonly name: string;
  /** Tenant. */
  readonly tenant: string;
  /** Memory estimate of one replica. */
  readonly estimate: MemoryEstimate;
  /** The share or TP group each replica gets. */
  readonly share: SharePlan;
  /** Placement of each replica. */
  readonly replicas: readonly ReplicaPlacement[];
}

/** Use of one GPU in a plan. */
export interface GpuUsage {
  /** Global GPU index. */
  readonly index: number;
  /** Node index. */
  readonly node: number;
  /** Held whole by one replica. */
  readonly whole: boolean;
  /** Memory reserved on it, GiB. */
  readonly reservedGiB: number;
  /** Memory capacity that shares may reserve, GiB. */
  readonly capacityGiB: number;
  /** MIG compute slices used (MIG only). */
  readonly computeSlices: number;
  /** Replicas on it, as `model#replica`. */
  readonly replicas: readonly string[];
}

/** Output of {@link planCapacity}. */
export interface CapacityPlan {
  /** The inventory. */
  readonly inventory: { readonly product: string; readonly nodes: number; readonly gpusPerNode: number; readonly gpus: number };
  /** The sharing mode, described. */
  readonly sharing: string;
  /** Per model. */
  readonly models: readonly ModelPlan[];
  /** GPUs in use. */
  readonly gpus: readonly GpuUsage[];
  /** Number of GPUs in use. */
  readonly gpusUsed: number;
  /** Lower bound on GPUs for any packing of these shares. */
  readonly lowerBound: number;
  /** GPUs with one model replica per whole GPU (or TP group), no sharing. */
  readonly naiveGpus: number;
  /** Estimated memory of all replicas / device memory of the GPUs used (0..1). */
  readonly memoryUtilisation: number;
  /** GPU-hours per month per tenant (allocated fraction x hours). */
  readonly gpuHoursPerMonthByTenant: Readonly<Record<string, number>>;
  /** Hours per month used for GPU-hours. */
  readonly hoursPerMonth: number;
}

interface Item {
  readonly model: number;
  readonly replica: number;
  readonly label: string;
  readonly whole: boolean;
  readonly tp: number;
  readonly mem: number;
  readonly slices: number;
  readonly slots: number;
}

interface GpuState {
  whole: boolean;
  mem: number;
  slices: number;
  slots: number;
  readonly items: Item[];
}

const EPS = 1e-9;

/** Tensor-parallel degrees allowed on a node: powers of two dividing the GPUs per node. */
export function tensorParallelDegrees(gpusPerNode: number): number[] {
  const out: number[] = [];
  for (let t = 1; t <= gpusPerNode; t *= 2) if (gpusPerNode % t === 0) out.push(t);
  return out;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The default sharing for a product: memory shares where supported, else exclusive. */
export function defaultSharing(product: GpuProduct): GpuSharing {
  return product.vendor.supports(SharingKind.MEMORY_SHARES) ? GpuSharing.memoryShares() : GpuSharing.exclusive();
}

/** Checks that a sharing mode can be used with a product; throws a ValidationError at `scope` otherwise. */
export function checkSharing(scope: string | import('constructs').IConstruct, product: GpuProduct, sharing: GpuSharing): void {
  if (!product.vendor.supports(sharing.kind)) {
    throw ValidationError.invalidProp(scope, {
      prop: 'sharing', value: sharing.kind,
      allowed: `${product.vendor.sharing.join(', ')} (what the ${product.vendor.name} driver ${product.vendor.driver} supports)`,
      fix: `choose one of the supported sharing modes for ${product.name}`,
    });
  }
  if (sharing.kind === SharingKind.MIG) {
    if (!product.migCapable) {
      throw ValidationError.invalidProp(scope, {
        prop: 'sharing', value: sharing.kind, allowed: `exclusive, time-sliced, mps, memory-shares (${product.name} has no MIG)`,
        fix: 'use a MIG-capable product (A100, H100, H200, GH200) or another sharing mode',
      });
    }
    for (const p of sharing.migProfiles) {
      if (!product.migProfile(p)) {
        throw ValidationError.invalidProp(scope, {
          prop: 'sharing.migProfiles', value: p, allowed: product.migProfiles.map((m) => m.name).join(', '),
          fix: `use a MIG profile of ${product.name}`,
        });
      }
    }
  }
}

interface Resolved {
  readonly share: SharePlan;
  readonly item: Omit<Item, 'model' | 'replica' | 'label'>;
}

function resolveShare(
  estimate: MemoryEstimate, inv: GpuInventory, sharing: GpuSharing, usable: number, cudaContextGiB: number,
): Resolved | undefined {
  const need = estimate.totalGiB;
  const whole = (): Resolved | undefined => {
    const tp = tensorParallelDegrees(inv.gpusPerNode).find((t) => memoryPerGpu(estimate, t, cudaContextGiB) <= usable + EPS);
    if (tp === undefined) return undefined;
    const perGpu = memoryPerGpu(estimate, tp, cudaContextGiB);
    return {
      share: { kind: ShareKind.WHOLE, tensorParallel: tp, memoryGiBPerGpu: round(perGpu), gpuFraction: tp },
      item: { whole: true, tp, mem: perGpu * tp, slices: 0, slots: 0 },
    };
  };
  if (sharing.kind === SharingKind.EXCLUSIVE || need > usable + EPS) return whole();
  switch (sharing.kind) {
    case SharingKind.MIG: {
      const profiles = sharing.migProfiles
        .map((p) => inv.product.migProfile(p))
        .filter((p): p is MigProfile => p !== undefined)
        .sort((a, b) => a.memoryGiB - b.memoryGiB || a.computeSlices - b.computeSlices);
      const p = profiles.find((m) => need <= m.memoryGiB * (usable / inv.product.memoryGiB) + EPS);
      if (!p) return whole();
      return {
        share: { kind: ShareKind.MIG, tensorParallel: 1, profile: p.name, memoryGiBPerGpu: p.memoryGiB, gpuFraction: p.computeSlices / MIG_COMPUTE_SLICES },
        item: { whole: false, tp: 1, mem: p.memoryGiB, slices: p.computeSlices, slots: 0 },
      };
    }
    case SharingKind.MEMORY_SHARES: {
      const g = sharing.granularityGiB ?? 1;
      const share = Math.ceil(need / g - EPS) * g;
      if (share > usable + EPS) return whole();
      return {
        share: { kind: ShareKind.MEMORY_SHARE, tensorParallel: 1, profile: `${share}Gi`, memoryGiBPerGpu: share, gpuFraction: share / usable },
        item: { whole: false, tp: 1, mem: share, slices: 0, slots: 0 },
      };
    }
    default: {
      const kind = sharing.kind === SharingKind.MPS ? ShareKind.MPS : ShareKind.TIME_SLICE;
      const maxSharers = sharing.maxSharers ?? 1;
      return {
        share: { kind, tensorParallel: 1, memoryGiBPerGpu: round(need), gpuFraction: Math.max(need / usable, 1 / maxSharers) },
        item: { whole: false, tp: 1, mem: need, slices: 0, slots: 1 },
      };
    }
  }
}

interface Capacity {
  readonly mem: number;
  readonly slices: number;
  readonly slots: number;
}

function capacityOf(inv: GpuInventory, sharing: GpuSharing, usable: number): Capacity {
  switch (sharing.kind) {
    case SharingKind.MIG: return { mem: inv.product.memoryGiB, slices: MIG_COMPUTE_SLICES, slots: Infinity };
    case SharingKind.TIME_SLICED:
    case SharingKind.MPS: return { mem: usable, slices: Infinity, slots: sharing.maxSharers ?? 1 };
    default: return { mem: usable, slices: Infinity, slots: Infinity };
  }
}

interface Packing {
  readonly gpus: GpuState[];
  readonly placed: Map<Item, { node: number; gpus: number[] }>;
  readonly unplaced: Item[];
}

/** First-fit decreasing: TP groups first (largest first) on empty GPUs of one node, then shares by size. */
function pack(items: readonly Item[], nodes: number, gpusPerNode: number, cap: Capacity): Packing {
  const gpus: GpuState[] = Array.from({ length: nodes * gpusPerNode }, () => ({ whole: false, mem: 0, slices: 0, slots: 0, items: [] }));
  const placed = new Map<Item, { node: number; gpus: number[] }>();
  const unplaced: Item[] = [];
  const order = (a: Item, b: Item): number => a.model - b.model || a.replica - b.replica;
  const wholes = items.filter((i) => i.whole).sort((a, b) => b.tp - a.tp || b.mem - a.mem || order(a, b));
  const shares = items.filter((i) => !i.whole)
    .sort((a, b) => b.slices - a.slices || b.mem - a.mem || order(a, b));
  for (const it of wholes) {
    let done = false;
    for (let n = 0; n < nodes && !done; n++) {
      const free: number[] = [];
      for (let g = n * gpusPerNode; g < (n + 1) * gpusPerNode && free.length < it.tp; g++) {
        if (gpus[g].items.length === 0) free.push(g);
      }
      if (free.length === it.tp) {
        for (const g of free) {
          gpus[g].whole = true;
          gpus[g].mem = it.mem / it.tp;
          gpus[g].items.push(it);
        }
        placed.set(it, { node: n, gpus: free });
        done = true;
      }
    }
    if (!done) unplaced.push(it);
  }
  for (const it of shares) {
    const g = gpus.findIndex((s) => !s.whole
      && s.mem + it.mem <= cap.mem + EPS && s.slices + it.slices <= cap.slices && s.slots + it.slots <= cap.slots);
    if (g < 0) {
      unplaced.push(it);
      continue;
    }
    gpus[g].mem += it.mem;
    gpus[g].slices += it.slices;
    gpus[g].slots += it.slots;
    gpus[g].items.push(it);
    placed.set(it, { node: Math.floor(g / gpusPerNode), gpus: [g] });
  }
  return { gpus, placed, unplaced };
}

/** Lower bound on GPUs: whole GPUs of TP groups plus the shares' demand in each dimension over the capacity. */
function lowerBoundOf(items: readonly Item[], cap: Capacity): number {
  const wholeGpus = items.filter((i) => i.whole).reduce((s, i) => s + i.tp, 0);
  const shares = items.filter((i) => !i.whole);
  const dims = [
    shares.reduce((s, i) => s + i.mem, 0) / cap.mem,
    Number.isFinite(cap.slices) ? shares.reduce((s, i) => s + i.slices, 0) / cap.slices : 0,
    Number.isFinite(cap.slots) ? shares.reduce((s, i) => s + i.slots, 0) / cap.slots : 0,
  ];
  const maxTp = Math.max(0, ...items.map((i) => i.tp));
  return Math.max(maxTp, wholeGpus + Math.ceil(Math.max(...dims) - 1e-6));
}

/** Validates the inventory (positive integer counts). */
export function checkInventory(scope: string | import('constructs').IConstruct, inv: { nodes: number; gpusPerNode: number }): void {
  for (const prop of ['nodes', 'gpusPerNode'] as const) {
    const v = inv[prop];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw ValidationError.invalidProp(scope, { prop, value: v, allowed: 'a positive integer', fix: `set ${prop} to the number of ${prop === 'nodes' ? 'GPU nodes' : 'GPUs on each node'}` });
    }
  }
}

/**
 * Plans the placement of all models on the inventory. Throws a `ValidationError` for bad input and for plans that
 * do not fit, saying what is missing.
 */
export function planCapacity(request: CapacityRequest): CapacityPlan {
  const inv = request.inventory;
  checkInventory(PLANNER, inv);
  const sharing = request.sharing ?? defaultSharing(inv.product);
  checkSharing(PLANNER, inv.product, sharing);
  const util = request.gpuMemoryUtilization ?? PLANNER_DEFAULTS.gpuMemoryUtilization;
  if (!(util > 0 && util <= 1)) {
    throw ValidationError.invalidProp(PLANNER, { prop: 'gpuMemoryUtilization', value: util, allowed: 'a number in (0, 1]' });
  }
  const hoursPerMonth = request.hoursPerMonth ?? PLANNER_DEFAULTS.hoursPerMonth;
  checkPositive('hoursPerMonth', hoursPerMonth);
  const cudaContextGiB = request.memoryModel?.cudaContextGiB ?? PLANNER_DEFAULTS.cudaContextGiB;
  const usable = inv.product.memoryGiB * util;
  const cap = capacityOf(inv, sharing, usable);

  const seen = new Set<string>();
  const resolved = request.models.map((m, i) => {
    const prefix = `models[${i}]`;
    validateModel(m, prefix);
    if (seen.has(m.name)) {
      throw ValidationError.invalidProp(PLANNER, { prop: `${prefix}.name`, value: m.name, allowed: 'a name not used by another model' });
    }
    seen.add(m.name);
    const estimate = estimateModelMemory(m, request.memoryModel);
    const r = resolveShare(estimate, inv, sharing, usable, cudaContextGiB);
    if (r === undefined) {
      const maxT = Math.max(...tensorParallelDegrees(inv.gpusPerNode));
      let t = maxT;
      while (memoryPerGpu(estimate, t, cudaContextGiB) > usable + EPS) t *= 2;
      const target = Math.ceil(inv.gpusPerNode / t) * t;
      throw ValidationError.invalidProp(PLANNER, {
        prop: `${prefix}.paramsBillions`, value: m.paramsBillions,
        allowed: `a model whose replica fits one node of ${inv.gpusPerNode} x ${inv.product.name} `
          + `(${round(usable * maxT, 1)} GiB usable); "${m.name}" needs ${round(estimate.totalGiB, 1)} GiB `
          + `(weights ${round(estimate.weightsGiB, 1)} + KV cache ${round(estimate.kvCacheGiB, 1)} + overhead ${round(estimate.overheadGiB, 1)}), `
          + `i.e. a tensor-parallel group of ${t} ${inv.product.name} GPUs in one node: needs ${target - inv.gpusPerNode} more `
          + `${inv.product.name} GPUs per node (${target} per node; tensor-parallel degrees are powers of two dividing the GPUs per node)`,
        fix: 'use a lower precision (fp8, int4), a shorter context or fewer concurrent sequences, or nodes with more or larger GPUs',
      });
    }
    return { spec: m, estimate, ...r };
  });

  const items: Item[] = [];
  resolved.forEach((r, model) => {
    for (let replica = 0; replica < (r.spec.replicas ?? 1); replica++) {
      items.push({ model, replica, label: `${r.spec.name}#${replica}`, ...r.item });
    }
  });

  const packing = pack(items, inv.nodes, inv.gpusPerNode, cap);
  const lowerBound = lowerBoundOf(items, cap);
  if (packing.unplaced.length > 0) {
    // Pack again on an inventory large enough for everything to see how much is missing.
    const bigger = pack(items, inv.nodes + items.length, inv.gpusPerNode, cap);
    const neededGpus = bigger.gpus.filter((g) => g.items.length > 0).length;
    const lastNode = Math.max(...[...bigger.placed.values()].map((p) => p.node));
    const moreGpus = Math.max(neededGpus - inv.nodes * inv.gpusPerNode, 0);
    const moreNodes = Math.max(lastNode + 1 - inv.nodes, 1);
    const names = packing.unplaced.map((i) => i.label);
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    const missing = moreGpus > 0
      ? `needs ${moreGpus} more ${inv.product.name} GPUs (${moreNodes} more node${moreNodes > 1 ? 's' : ''} of ${inv.gpusPerNode})`
      : `needs ${moreNodes} more node${moreNodes > 1 ? 's' : ''} of ${inv.gpusPerNode} x ${inv.product.name} (tensor-parallel groups must fit on one node)`;
    throw new ValidationError(PLANNER,
      `inventory too small: ${names.length} replica${names.length > 1 ? 's do' : ' does'} not fit (${shown}); `
      + `the plan needs ${neededGpus} ${inv.product.name} GPUs, the inventory has ${inv.nodes * inv.gpusPerNode} `
      + `(${inv.nodes} x ${inv.gpusPerNode}): ${missing}. Fix: add nodes, or lower replicas, precision or context length.`);
  }

  const models: ModelPlan[] = resolved.map((r, model) => ({
    name: r.spec.name,
    tenant: r.spec.tenant ?? 'default',
    estimate: r.estimate,
    share: r.share,
    replicas: items.filter((i) => i.model === model).map((i) => {
      const p = packing.placed.get(i)!;
      return { replica: i.replica, node: p.node, gpus: p.gpus };
    }),
  }));

  const gpus: GpuUsage[] = [];
  packing.gpus.forEach((g, index) => {
    if (g.items.length === 0) return;
    gpus.push({
      index, node: Math.floor(index / inv.gpusPerNode), whole: g.whole, reservedGiB: round(g.mem, 3),
      capacityGiB: g.whole ? inv.product.memoryGiB : cap.mem, computeSlices: g.slices, replicas: g.items.map((i) => i.label),
    });
  });

  const gpusUsed = gpus.length;
  const estimatedTotal = resolved.reduce((s, r) => s + r.estimate.totalGiB * (r.spec.replicas ?? 1), 0);
  const naiveGpus = items.reduce((s, i) => s + (i.whole ? i.tp : 1), 0);
  const byTenant: Record<string, number> = {};
  for (const m of models) {
    byTenant[m.tenant] = (byTenant[m.tenant] ?? 0) + m.share.gpuFraction * m.replicas.length * hoursPerMonth;
  }
  for (const k of Object.keys(byTenant)) byTenant[k] = round(byTenant[k], 1);
  const sortedTenants: Record<string, number> = {};
  for (const k of Object.keys(byTenant).sort()) sortedTenants[k] = byTenant[k];

  return {
    inventory: { product: inv.product.name, nodes: inv.nodes, gpusPerNode: inv.gpusPerNode, gpus: inv.nodes * inv.gpusPerNode },
    sharing: sharing.toString(),
    models,
    gpus,
    gpusUsed,
    lowerBound,
    naiveGpus,
    memoryUtilisation: gpusUsed === 0 ? 0 : round(estimatedTotal / (gpusUsed * inv.product.memoryGiB), 4),
    gpuHoursPerMonthByTenant: sortedTenants,
    hoursPerMonth,
  };
}

/**
 * Alias of {@link ShareKind} for imports from this module (not re-exported by the package barrel, where
 * `PlacementKind` names the federation placement kinds).
 */
export const PlacementKind = ShareKind;
/** Alias of {@link ShareKind}. */
export type PlacementKind = ShareKind;
