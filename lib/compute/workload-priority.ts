/**
 * A Kueue WorkloadPriorityClass: the priority of workloads admitted through a pool's queues (independent of
 * pod PriorityClasses). Enum-like: use the static members or {@link WorkloadPriority.of}.
 *
 * @see https://kueue.sigs.k8s.io/docs/concepts/workload_priority_class/
 */
export class WorkloadPriority {
  /** Interactive inference serving production traffic: admitted and kept before anything else. */
  public static readonly PRODUCTION_INFERENCE = new WorkloadPriority('production-inference', 1000, 'Interactive inference serving production traffic');
  /** Development and staging inference. */
  public static readonly DEVELOPMENT = new WorkloadPriority('development', 500, 'Development and staging inference');
  /** Batch work (offline inference, evaluation, fine-tuning): preempted first. */
  public static readonly BATCH = new WorkloadPriority('batch', 100, 'Batch inference, evaluation and fine-tuning');

  /** A custom priority. `name` must be a DNS-1123 label. */
  public static of(name: string, value: number, description: string): WorkloadPriority {
    return new WorkloadPriority(name, value, description);
  }

  private constructor(
    /** Short name (the pool prefixes it with its own name). */
    public readonly name: string,
    /** Priority value: higher is admitted first and preempts lower. */
    public readonly value: number,
    /** Description. */
    public readonly description: string,
  ) {}
}
