export * from './gpu-vendor';
export * from './gpu-sharing';
export * from './workload-priority';
// Explicit lists: the module's `PlacementKind` alias stays out of the package barrel (federation has its own).
export {
  MODEL_PRESETS,
  PLANNER,
  PLANNER_DEFAULTS,
  Precision,
  ShareKind,
  architectureFor,
  bytesPerElement,
  checkInventory,
  checkSharing,
  defaultSharing,
  estimateModelMemory,
  memoryPerGpu,
  planCapacity,
  tensorParallelDegrees,
} from './capacity-planner';
export type {
  CapacityPlan,
  CapacityRequest,
  GpuInventory,
  GpuUsage,
  MemoryEstimate,
  MemoryModelOptions,
  ModelArchitecture,
  ModelPlan,
  ModelPreset,
  ModelSpec,
  ReplicaPlacement,
  SharePlan,
} from './capacity-planner';
export * from './capacity-report';
export * from './gpu-pool';
