import * as fc from 'fast-check';
import { ValidationError } from '../../lib/core/errors';
import {
  architectureFor, CapacityPlan, CapacityRequest, estimateModelMemory, GpuProduct, GpuSharing, memoryPerGpu, ModelSpec,
  planCapacity, Precision, ShareKind, tensorParallelDegrees,
} from '../../lib/compute';
import { validationErrorOf } from '../support/errors';

const GIB = 2 ** 30;
const H100 = { product: GpuProduct.H100_80GB, nodes: 2, gpusPerNode: 8 };

const errorOf = validationErrorOf;

describe('estimateModelMemory', () => {
  test('weights + KV cache + overhead for Llama-3.1-8B in bf16 (literal formula)', () => {
    const e = estimateModelMemory({ name: 'm', paramsBillions: 8, contextLength: 8192, concurrentSequences: 8 });
    expect(e.architecture).toEqual({ layers: 32, kvHeads: 8, headDim: 128 });
    expect(e.weightsGiB).toBeCloseTo((8e9 * 2) / GIB, 10);
    // 2 (K,V) x 32 layers x 8 KV heads x 128 head dim x 2 bytes = 131072 bytes per token (128 KiB)
    expect(e.kvCacheBytesPerToken).toBe(131072);
    expect(e.kvCacheGiB).toBeCloseTo((131072 * 8192 * 8) / GIB, 10);
    expect(e.kvCacheGiB).toBe(8);
    expect(e.overheadGiB).toBeCloseTo(1 + 0.1 * e.weightsGiB, 10);
    expect(e.totalGiB).toBeCloseTo(e.weightsGiB + e.kvCacheGiB + e.overheadGiB, 10);
  });

  test('precision: int4 halves a byte per parameter, fp8 KV cache halves the cache', () => {
    const bf16 = estimateModelMemory({ name: 'm', paramsBillions: 70.6 });
    const int4 = estimateModelMemory({ name: 'm', paramsBillions: 70.6, precision: Precision.INT4, kvCachePrecision: Precision.FP8 });
    expect(int4.weightsGiB).toBeCloseTo(bf16.weightsGiB / 4, 10);
    expect(int4.kvCacheGiB).toBeCloseTo(bf16.kvCacheGiB / 2, 10);
    expect(estimateModelMemory({ name: 'm', paramsBillions: 1, precision: Precision.FP32 }).weightsGiB).toBeCloseTo(4e9 / GIB, 10);
  });

  test('explicit architecture overrides the preset; presets are chosen by nearest size', () => {
    const e = estimateModelMemory({ name: 'm', paramsBillions: 8, architecture: { layers: 10, kvHeads: 1, headDim: 64 }, contextLength: 1024, concurrentSequences: 1 });
    expect(e.kvCacheBytesPerToken).toBe(2 * 10 * 1 * 64 * 2);
    expect(architectureFor(70)).toEqual({ layers: 80, kvHeads: 8, headDim: 128 });
    expect(architectureFor(400)).toEqual({ layers: 126, kvHeads: 8, headDim: 128 });
    expect(architectureFor(0.4)).toEqual({ layers: 24, kvHeads: 2, headDim: 64 });
  });

  test('memory per GPU under tensor parallelism keeps one CUDA context per GPU', () => {
    const e = estimateModelMemory({ name: 'm', paramsBillions: 70.6 });
    expect(memoryPerGpu(e, 1)).toBeCloseTo(e.totalGiB, 10);
    expect(memoryPerGpu(e, 4)).toBeCloseTo((e.totalGiB - 1) / 4 + 1, 10);
  });

  test.each([
    [{ name: 'm', paramsBillions: 0 }, 'planner: invalid model.paramsBillions: 0. Allowed: a positive number.'],
    [{ name: 'm', paramsBillions: -7 }, 'planner: invalid model.paramsBillions: -7. Allowed: a positive number.'],
    [{ name: 'm', paramsBillions: 7, contextLength: 0 }, 'planner: invalid model.contextLength: 0. Allowed: a positive integer.'],
    [{ name: 'm', paramsBillions: 7, concurrentSequences: -1 }, 'planner: invalid model.concurrentSequences: -1. Allowed: a positive integer.'],
    [{ name: 'm', paramsBillions: 7, replicas: 0 }, 'planner: invalid model.replicas: 0. Allowed: a positive integer.'],
    [{ name: '', paramsBillions: 7 }, 'planner: invalid model.name: "". Allowed: a non-empty string.'],
    [{ name: 'm', paramsBillions: 7, precision: 'fp4' as Precision }, 'planner: invalid model.precision: "fp4". Allowed: fp32, fp16, bf16, fp8, int8, int4.'],
    [{ name: 'm', paramsBillions: 7, architecture: { layers: 0, kvHeads: 8, headDim: 128 } }, 'planner: invalid model.architecture.layers: 0. Allowed: a positive integer.'],
  ])('bad model %j', (model, message) => {
    expect(errorOf(() => estimateModelMemory(model as ModelSpec)).message).toBe(message);
  });
});

describe('planCapacity', () => {
  test('tensor-parallel degrees are powers of two dividing the GPUs per node', () => {
    expect(tensorParallelDegrees(8)).toEqual([1, 2, 4, 8]);
    expect(tensorParallelDegrees(6)).toEqual([1, 2]);
    expect(tensorParallelDegrees(1)).toEqual([1]);
  });

  test('memory shares: small models share one GPU, a 70B bf16 model gets a TP-4 group', () => {
    const plan = planCapacity({
      inventory: H100,
      sharing: GpuSharing.memoryShares(),
      models: [
        { name: 'llama-70b', tenant: 'research', paramsBillions: 70.6 },
        { name: 'llama-8b', tenant: 'radiology', paramsBillions: 8, replicas: 2 },
        { name: 'qwen-0.5b', tenant: 'platform', paramsBillions: 0.5 },
      ],
    });
    const big = plan.models[0];
    expect(big.share).toEqual({ kind: ShareKind.WHOLE, tensorParallel: 4, memoryGiBPerGpu: 42.16, gpuFraction: 4 });
    expect(big.replicas).toEqual([{ replica: 0, node: 0, gpus: [0, 1, 2, 3] }]);
    const small = plan.models[1];
    expect(small.share.kind).toBe(ShareKind.MEMORY_SHARE);
    expect(small.share.profile).toBe('26Gi');
    expect(small.replicas.map((r) => r.gpus)).toEqual([[4], [4]]);
    expect(plan.models[2].replicas[0].gpus).toEqual([4]);
    expect(plan.gpusUsed).toBe(5);
    expect(plan.lowerBound).toBe(5);
    expect(plan.naiveGpus).toBe(7);
    expect(plan.inventory).toEqual({ product: 'H100-80GB', nodes: 2, gpusPerNode: 8, gpus: 16 });
    expect(plan.sharing).toBe('memory-shares(8GiB)');
    expect(Object.keys(plan.gpuHoursPerMonthByTenant)).toEqual(['platform', 'radiology', 'research']);
    expect(plan.gpuHoursPerMonthByTenant.research).toBe(4 * 730);
    expect(plan.gpuHoursPerMonthByTenant.radiology).toBeCloseTo((2 * 26 / 72) * 730, 0);
  });

  test('MIG: the smallest profile of the pool that holds the model', () => {
    const plan = planCapacity({
      inventory: { product: GpuProduct.A100_80GB, nodes: 1, gpusPerNode: 8 },
      sharing: GpuSharing.mig('1g.10gb', '3g.40gb'),
      models: [
        { name: 'tiny', paramsBillions: 0.5, contextLength: 4096, concurrentSequences: 4 },
        { name: 'mid', paramsBillions: 8, contextLength: 8192, concurrentSequences: 8 },
        { name: 'big', paramsBillions: 14.7, contextLength: 8192, concurrentSequences: 8 },
      ],
    });
    expect(plan.models.map((m) => [m.share.kind, m.share.profile ?? m.share.tensorParallel])).toEqual([
      [ShareKind.MIG, '1g.10gb'], [ShareKind.MIG, '3g.40gb'], [ShareKind.WHOLE, 1],
    ]);
    expect(plan.models[0].share.gpuFraction).toBeCloseTo(1 / 7, 10);
  });

  test('exclusive: one replica per whole GPU; plan equals naive', () => {
    const plan = planCapacity({ inventory: H100, sharing: GpuSharing.exclusive(), models: [{ name: 'a', paramsBillions: 1, replicas: 3 }] });
    expect(plan.gpusUsed).toBe(3);
    expect(plan.naiveGpus).toBe(3);
    expect(plan.gpus.every((g) => g.whole)).toBe(true);
  });

  test('time-slicing caps the sharers per GPU', () => {
    const plan = planCapacity({ inventory: H100, sharing: GpuSharing.timeSliced({ maxSharers: 2 }), models: [{ name: 'a', paramsBillions: 0.5, replicas: 5 }] });
    expect(plan.gpusUsed).toBe(3);
    expect(plan.lowerBound).toBe(3);
    expect(plan.gpus.map((g) => g.replicas.length)).toEqual([2, 2, 1]);
  });

  test('the default sharing is memory shares for NVIDIA and exclusive for AMD', () => {
    expect(planCapacity({ inventory: H100, models: [] }).sharing).toBe('memory-shares(8GiB)');
    expect(planCapacity({ inventory: { product: GpuProduct.MI300X, nodes: 1, gpusPerNode: 8 }, models: [] }).sharing).toBe('exclusive');
  });

  test('error: a model larger than a node says how many GPUs per node are missing', () => {
    const e = errorOf(() => planCapacity({ inventory: H100, models: [{ name: 'llama-405b', paramsBillions: 405 }] }));
    expect(e.message).toBe(
      'planner: invalid models[0].paramsBillions: 405. Allowed: a model whose replica fits one node of 8 x H100-80GB '
      + '(576 GiB usable); "llama-405b" needs 862.3 GiB (weights 754.4 + KV cache 31.5 + overhead 76.4), '
      + 'i.e. a tensor-parallel group of 16 H100-80GB GPUs in one node: needs 8 more H100-80GB GPUs per node '
      + '(16 per node; tensor-parallel degrees are powers of two dividing the GPUs per node). '
      + 'Fix: use a lower precision (fp8, int4), a shorter context or fewer concurrent sequences, or nodes with more or larger GPUs');
  });

  test('error: total over the inventory says how many GPUs are missing', () => {
    const e = errorOf(() => planCapacity({
      inventory: { product: GpuProduct.H100_80GB, nodes: 1, gpusPerNode: 8 },
      sharing: GpuSharing.exclusive(),
      models: [{ name: 'chat', paramsBillions: 8, replicas: 10 }],
    }));
    expect(e.message).toBe(
      'planner: inventory too small: 2 replicas do not fit (chat#8, chat#9); the plan needs 10 H100-80GB GPUs, '
      + 'the inventory has 8 (1 x 8): needs 2 more H100-80GB GPUs (1 more node of 8). '
      + 'Fix: add nodes, or lower replicas, precision or context length.');
  });

  test('error: a TP degree that does not divide the GPUs per node asks for more GPUs per node', () => {
    const e = errorOf(() => planCapacity({
      inventory: { product: GpuProduct.L4, nodes: 1, gpusPerNode: 6 }, sharing: GpuSharing.exclusive(),
      models: [{ name: 'm0', paramsBillions: 14.7, precision: Precision.FP32, contextLength: 2048, concurrentSequences: 1 }],
    }));
    expect(e.message).toContain('i.e. a tensor-parallel group of 4 L4 GPUs in one node: needs 2 more L4 GPUs per node (8 per node; ');
  });

  test.each([
    [{ inventory: { ...H100, nodes: 0 } }, 'planner: invalid nodes: 0. Allowed: a positive integer. Fix: set nodes to the number of GPU nodes'],
    [{ inventory: { ...H100, gpusPerNode: -8 } }, 'planner: invalid gpusPerNode: -8. Allowed: a positive integer. Fix: set gpusPerNode to the number of GPUs on each node'],
    [{ inventory: { ...H100, nodes: 1.5 } }, 'planner: invalid nodes: 1.5. Allowed: a positive integer. Fix: set nodes to the number of GPU nodes'],
    [{ gpuMemoryUtilization: 1.2 }, 'planner: invalid gpuMemoryUtilization: 1.2. Allowed: a number in (0, 1].'],
    [{ sharing: GpuSharing.mig('1g.12gb') }, 'planner: invalid sharing.migProfiles: "1g.12gb". Allowed: 1g.10gb, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb. Fix: use a MIG profile of H100-80GB'],
    [{ inventory: { product: GpuProduct.L40S, nodes: 1, gpusPerNode: 8 }, sharing: GpuSharing.mig('1g.10gb') },
      'planner: invalid sharing: "mig". Allowed: exclusive, time-sliced, mps, memory-shares (L40S has no MIG). Fix: use a MIG-capable product (A100, H100, H200, GH200) or another sharing mode'],
    [{ inventory: { product: GpuProduct.MI300X, nodes: 1, gpusPerNode: 8 }, sharing: GpuSharing.mps() },
      'planner: invalid sharing: "mps". Allowed: exclusive (what the AMD driver gpu.amd.com supports). Fix: choose one of the supported sharing modes for MI300X'],
    [{ models: [{ name: 'a', paramsBillions: 1 }, { name: 'a', paramsBillions: 2 }] }, 'planner: invalid models[1].name: "a". Allowed: a name not used by another model.'],
    [{ models: [{ name: 'a', paramsBillions: 1, replicas: -1 }] }, 'planner: invalid models[0].replicas: -1. Allowed: a positive integer.'],
  ])('bad request %#', (patch, message) => {
    const request = { inventory: H100, models: [{ name: 'm', paramsBillions: 1 }], ...patch } as CapacityRequest;
    expect(errorOf(() => planCapacity(request)).message).toBe(message);
  });

  test('deterministic: same input, same plan', () => {
    const req: CapacityRequest = { inventory: H100, models: [{ name: 'a', paramsBillions: 8, replicas: 3 }, { name: 'b', paramsBillions: 3.2 }] };
    expect(JSON.stringify(planCapacity(req))).toBe(JSON.stringify(planCapacity(req)));
  });
});

const products = [GpuProduct.H100_80GB, GpuProduct.A100_40GB, GpuProduct.L40S, GpuProduct.L4, GpuProduct.H200];
const sharingArb = fc.constantFrom(
  GpuSharing.exclusive(), GpuSharing.memoryShares(), GpuSharing.timeSliced({ maxSharers: 3 }), GpuSharing.mps({ activeThreadPercentage: 25 }),
);
const modelArb = fc.record({
  paramsBillions: fc.constantFrom(0.5, 1.2, 3.2, 7.2, 8, 13, 14.7, 27, 32.5, 70.6),
  precision: fc.constantFrom(...Object.values(Precision)),
  contextLength: fc.constantFrom(2048, 4096, 8192, 16384),
  concurrentSequences: fc.integer({ min: 1, max: 16 }),
  replicas: fc.integer({ min: 1, max: 3 }),
});
const requestArb = fc.record({
  product: fc.constantFrom(...products),
  nodes: fc.integer({ min: 1, max: 4 }),
  gpusPerNode: fc.constantFrom(1, 2, 4, 6, 8),
  sharing: sharingArb,
  models: fc.array(modelArb, { minLength: 0, maxLength: 12 }),
}).map(({ product, nodes, gpusPerNode, sharing, models }): CapacityRequest => ({
  inventory: { product, nodes, gpusPerNode },
  sharing,
  models: models.map((m, i) => ({ name: `m${i}`, tenant: `t${i % 3}`, ...m })),
}));

function tryPlan(req: CapacityRequest): CapacityPlan | ValidationError {
  try {
    return planCapacity(req);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
}

describe('planCapacity properties', () => {
  test('never overcommits a GPU', () => {
    fc.assert(fc.property(requestArb, (req) => {
      const plan = tryPlan(req);
      if (plan instanceof ValidationError) return;
      const usable = req.inventory.product.memoryGiB * 0.9;
      const perGpu = new Map<number, { mem: number; count: number; whole: boolean }>();
      for (const m of plan.models) {
        for (const r of m.replicas) {
          expect(r.gpus.length).toBe(m.share.tensorParallel);
          expect(new Set(r.gpus.map((g) => Math.floor(g / req.inventory.gpusPerNode)))).toEqual(new Set([r.node]));
          for (const g of r.gpus) {
            const s = perGpu.get(g) ?? { mem: 0, count: 0, whole: false };
            s.mem += m.share.kind === ShareKind.WHOLE ? memoryPerGpu(m.estimate, m.share.tensorParallel) : m.share.memoryGiBPerGpu;
            s.count += 1;
            s.whole ||= m.share.kind === ShareKind.WHOLE;
            perGpu.set(g, s);
          }
        }
      }
      for (const [g, s] of perGpu) {
        expect(g).toBeLessThan(req.inventory.nodes * req.inventory.gpusPerNode);
        expect(s.mem).toBeLessThanOrEqual(usable + 0.01);
        if (s.whole) expect(s.count).toBe(1);
        if (req.sharing?.maxSharers) expect(s.count).toBeLessThanOrEqual(req.sharing.maxSharers);
      }
      expect(perGpu.size).toBe(plan.gpusUsed);
    }), { numRuns: 300 });
  });

  test('every model replica is placed, or the plan is a ValidationError naming what is missing', () => {
    fc.assert(fc.property(requestArb, (req) => {
      const plan = tryPlan(req);
      if (plan instanceof ValidationError) {
        expect(plan.message).toMatch(/^planner: (inventory too small: .*needs \d+ more|invalid models\[\d+\]\.paramsBillions: .*needs \d+ more)/);
        return;
      }
      expect(plan.models.map((m) => m.name)).toEqual(req.models.map((m) => m.name));
      plan.models.forEach((m, i) => expect(m.replicas.length).toBe(req.models[i].replicas ?? 1));
    }), { numRuns: 300 });
  });

  test('never below the lower bound, never above the naive count, lower bound >= max TP degree', () => {
    fc.assert(fc.property(requestArb, (req) => {
      const plan = tryPlan(req);
      if (plan instanceof ValidationError) return;
      expect(plan.gpusUsed).toBeGreaterThanOrEqual(plan.lowerBound);
      expect(plan.gpusUsed).toBeLessThanOrEqual(plan.naiveGpus);
      const maxTp = Math.max(0, ...plan.models.map((m) => m.share.tensorParallel));
      expect(plan.lowerBound).toBeGreaterThanOrEqual(maxTp);
      expect(plan.memoryUtilisation).toBeLessThanOrEqual(1);
    }), { numRuns: 300 });
  });

  test('a plan that fails for lack of GPUs fits when the missing nodes are added', () => {
    fc.assert(fc.property(requestArb, (req) => {
      const plan = tryPlan(req);
      if (!(plan instanceof ValidationError)) return;
      const m = /\((\d+) more nodes? of \d+\)|needs (\d+) more nodes? of/.exec(plan.message);
      if (!m) return;
      const more = Number(m[1] ?? m[2]);
      const bigger = tryPlan({ ...req, inventory: { ...req.inventory, nodes: req.inventory.nodes + more } });
      expect(bigger).not.toBeInstanceOf(ValidationError);
    }), { numRuns: 200 });
  });
});
