/**
 * Text renderings of capacity plans (CLI output, the reference-mix table of docs/capacity-planner.md) and the
 * reference model mix. Pure functions.
 */
import { CapacityPlan, CapacityRequest, ModelSpec, planCapacity, Precision } from './capacity-planner';
import { GpuSharing } from './gpu-sharing';
import { GpuProduct } from './gpu-vendor';

/**
 * A reference mix of 24 model deployments of mixed sizes, precisions and tenants (a typical enterprise catalog:
 * many small assistants, embedding-size helpers, a few mid-size and two large models).
 */
export const REFERENCE_MIX: readonly ModelSpec[] = [
  { name: 'qwen-0.5b-router', tenant: 'platform', paramsBillions: 0.5, contextLength: 4096, concurrentSequences: 16, replicas: 2 },
  { name: 'llama-1b-classifier', tenant: 'platform', paramsBillions: 1.2, contextLength: 4096, concurrentSequences: 16 },
  { name: 'llama-3b-summarizer', tenant: 'legal', paramsBillions: 3.2, contextLength: 8192, concurrentSequences: 8 },
  { name: 'llama-3b-extractor', tenant: 'finance', paramsBillions: 3.2, contextLength: 4096, concurrentSequences: 8 },
  { name: 'mistral-7b-support', tenant: 'support', paramsBillions: 7.2, contextLength: 8192, concurrentSequences: 8, replicas: 2 },
  { name: 'mistral-7b-int4-faq', tenant: 'support', paramsBillions: 7.2, precision: Precision.INT4, contextLength: 4096, concurrentSequences: 8 },
  { name: 'llama-8b-chat', tenant: 'research', paramsBillions: 8, contextLength: 8192, concurrentSequences: 16, replicas: 2 },
  { name: 'llama-8b-fp8-rag', tenant: 'legal', paramsBillions: 8, precision: Precision.FP8, kvCachePrecision: Precision.FP8, contextLength: 16384, concurrentSequences: 8 },
  { name: 'llama-8b-radiology', tenant: 'radiology', paramsBillions: 8, contextLength: 8192, concurrentSequences: 8 },
  { name: 'llama-8b-int4-notes', tenant: 'radiology', paramsBillions: 8, precision: Precision.INT4, contextLength: 8192, concurrentSequences: 4 },
  { name: 'llama-13b-coder', tenant: 'research', paramsBillions: 13, contextLength: 4096, concurrentSequences: 4 },
  { name: 'qwen-14b-analyst', tenant: 'finance', paramsBillions: 14.7, contextLength: 8192, concurrentSequences: 8 },
  { name: 'qwen-14b-fp8-translate', tenant: 'legal', paramsBillions: 14.7, precision: Precision.FP8, contextLength: 8192, concurrentSequences: 8 },
  { name: 'gemma-27b-int4-writer', tenant: 'support', paramsBillions: 27, precision: Precision.INT4, contextLength: 8192, concurrentSequences: 4 },
  { name: 'gemma-27b-fp8-review', tenant: 'legal', paramsBillions: 27, precision: Precision.FP8, contextLength: 8192, concurrentSequences: 4 },
  { name: 'qwen-32b-int4-agent', tenant: 'research', paramsBillions: 32.5, precision: Precision.INT4, contextLength: 16384, concurrentSequences: 4 },
  { name: 'qwen-32b-coder', tenant: 'research', paramsBillions: 32.5, contextLength: 16384, concurrentSequences: 8 },
  { name: 'llama-70b-int4-assist', tenant: 'support', paramsBillions: 70.6, precision: Precision.INT4, contextLength: 8192, concurrentSequences: 8 },
  { name: 'llama-70b-fp8-radiology', tenant: 'radiology', paramsBillions: 70.6, precision: Precision.FP8, contextLength: 16384, concurrentSequences: 8 },
  { name: 'llama-70b-chat', tenant: 'research', paramsBillions: 70.6, contextLength: 8192, concurrentSequences: 16 },
  { name: 'qwen-72b-fp8-finance', tenant: 'finance', paramsBillions: 72.7, precision: Precision.FP8, contextLength: 32768, concurrentSequences: 4 },
  { name: 'llama-1b-guard', tenant: 'platform', paramsBillions: 1.2, contextLength: 8192, concurrentSequences: 8, replicas: 2 },
  { name: 'llama-3b-int4-edge-eval', tenant: 'platform', paramsBillions: 3.2, precision: Precision.INT4, contextLength: 2048, concurrentSequences: 4 },
  { name: 'mistral-7b-fp8-intake', tenant: 'radiology', paramsBillions: 7.2, precision: Precision.FP8, contextLength: 8192, concurrentSequences: 8 },
];

/** One scenario of the reference table: an inventory and a sharing mode. */
export interface ReferenceScenario {
  /** Label of the row. */
  readonly label: string;
  /** The request (models are the reference mix). */
  readonly request: CapacityRequest;
}

/** The scenarios of the reference table in docs/capacity-planner.md. */
export function referenceScenarios(models: readonly ModelSpec[] = REFERENCE_MIX): ReferenceScenario[] {
  const h100 = { product: GpuProduct.H100_80GB, nodes: 8, gpusPerNode: 8 };
  return [
    { label: 'H100-80GB, memory shares', request: { models, inventory: h100, sharing: GpuSharing.memoryShares() } },
    { label: 'H100-80GB, MIG (1g.10gb, 2g.20gb, 3g.40gb, 7g.80gb)', request: { models, inventory: h100, sharing: GpuSharing.mig('1g.10gb', '2g.20gb', '3g.40gb', '7g.80gb') } },
    { label: 'H100-80GB, time-sliced (max 4)', request: { models, inventory: h100, sharing: GpuSharing.timeSliced({ maxSharers: 4 }) } },
    { label: 'H100-80GB, exclusive', request: { models, inventory: h100, sharing: GpuSharing.exclusive() } },
    { label: 'H200, memory shares', request: { models, inventory: { product: GpuProduct.H200, nodes: 8, gpusPerNode: 8 }, sharing: GpuSharing.memoryShares() } },
    { label: 'L40S, memory shares', request: { models, inventory: { product: GpuProduct.L40S, nodes: 12, gpusPerNode: 8 }, sharing: GpuSharing.memoryShares() } },
  ];
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function gib(x: number): string {
  return x.toFixed(1);
}

/** The markdown block of docs/capacity-planner.md generated from the planner (kept in sync by a test). */
export function referenceMixMarkdown(): string {
  const lines: string[] = [];
  const replicas = REFERENCE_MIX.reduce((s, m) => s + (m.replicas ?? 1), 0);
  lines.push(`Reference mix: ${REFERENCE_MIX.length} models, ${replicas} replicas (see \`REFERENCE_MIX\` in lib/compute/capacity-report.ts).`);
  lines.push('');
  lines.push('| Inventory and sharing | GPUs used | Lower bound | Naive (whole GPU per replica) | Saved vs naive | Memory utilisation |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const s of referenceScenarios()) {
    const p = planCapacity(s.request);
    const saved = p.naiveGpus === 0 ? 0 : (p.naiveGpus - p.gpusUsed) / p.naiveGpus;
    lines.push(`| ${s.label} | ${p.gpusUsed} | ${p.lowerBound} | ${p.naiveGpus} | ${pct(saved)} | ${pct(p.memoryUtilisation)} |`);
  }
  lines.push('');
  const plan = planCapacity(referenceScenarios()[0].request);
  lines.push(`Per model, ${referenceScenarios()[0].label}:`);
  lines.push('');
  lines.push('| Model | Tenant | Params (B) | Precision | Weights GiB | KV cache GiB | Overhead GiB | Total GiB | Share | Replicas on GPUs |');
  lines.push('|---|---|---:|---|---:|---:|---:|---:|---|---|');
  plan.models.forEach((m, i) => {
    const spec = REFERENCE_MIX[i];
    const e = m.estimate;
    lines.push(`| ${m.name} | ${m.tenant} | ${spec.paramsBillions} | ${spec.precision ?? Precision.BF16} | ${gib(e.weightsGiB)} | ${gib(e.kvCacheGiB)} `
      + `| ${gib(e.overheadGiB)} | ${gib(e.totalGiB)} | ${shareLabel(m.share)} | ${m.replicas.map((r) => r.gpus.join('+')).join(', ')} |`);
  });
  lines.push('');
  lines.push('GPU-hours per month by tenant (same plan):');
  lines.push('');
  lines.push('| Tenant | GPU-hours / month |');
  lines.push('|---|---:|');
  for (const [t, h] of Object.entries(plan.gpuHoursPerMonthByTenant)) lines.push(`| ${t} | ${h.toFixed(1)} |`);
  return lines.join('\n');
}

function shareLabel(share: CapacityPlan['models'][number]['share']): string {
  if (share.kind === 'whole') return share.tensorParallel > 1 ? `TP ${share.tensorParallel} (whole GPUs)` : 'whole GPU';
  return share.profile ? `${share.kind} ${share.profile}` : share.kind;
}

/** Human-readable rendering of a plan (the CLI's output). */
export function formatPlan(plan: CapacityPlan): string {
  const lines: string[] = [];
  const inv = plan.inventory;
  lines.push(`inventory: ${inv.nodes} nodes x ${inv.gpusPerNode} ${inv.product} = ${inv.gpus} GPUs; sharing: ${plan.sharing}`);
  lines.push('');
  const rows = plan.models.map((m) => [m.name, m.tenant, gib(m.estimate.totalGiB), shareLabel(m.share),
    m.replicas.map((r) => `n${r.node}:gpu${r.gpus.join('+')}`).join(' ')]);
  const header = ['MODEL', 'TENANT', 'GiB', 'SHARE', 'PLACEMENT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) lines.push(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
  lines.push('');
  lines.push(`GPUs used: ${plan.gpusUsed}   lower bound: ${plan.lowerBound}   naive (whole GPU per replica): ${plan.naiveGpus}   memory utilisation: ${pct(plan.memoryUtilisation)}`);
  lines.push(`GPU-hours per month (${plan.hoursPerMonth} h): ${Object.entries(plan.gpuHoursPerMonthByTenant).map(([t, h]) => `${t} ${h.toFixed(1)}`).join(', ')}`);
  return lines.join('\n');
}
