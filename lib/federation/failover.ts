/** What happens to the application on the cluster it fails over from. */
export enum PurgeMode {
  /** Delete it at once, then create it on the new cluster (for applications that must never run twice). */
  DIRECTLY = 'Directly',
  /** Delete it once the new one is healthy, or after the grace period. */
  GRACEFULLY = 'Gracefully',
  /** Keep it (someone removes it by hand). */
  NEVER = 'Never',
}

/** Application-level failover of a propagation (Karmada `failover.application`). */
export interface ApplicationFailover {
  /**
   * How long an application may be unhealthy before Karmada moves it, in seconds.
   * @see https://karmada.io/docs/userguide/failover/application-failover
   * @default 300
   */
  readonly tolerationSeconds?: number;
  /**
   * What happens to the application on the cluster it leaves.
   * @default PurgeMode.GRACEFULLY
   */
  readonly purgeMode?: PurgeMode;
  /**
   * With `PurgeMode.GRACEFULLY`: how long to wait for the new application to become healthy before deleting the
   * old one anyway, in seconds. Only allowed with `GRACEFULLY`.
   * @default 600 (with GRACEFULLY)
   */
  readonly gracePeriodSeconds?: number;
}

/** What happens to applications on a failed cluster (Karmada `failover.cluster`). */
export enum ClusterPurgeMode {
  /** Delete them at once. */
  DIRECTLY = 'Directly',
  /** Delete them once the replacements are healthy. */
  GRACEFULLY = 'Gracefully',
}

/** Failover behaviour of a propagation. */
export interface FailoverOptions {
  /**
   * Application failover (move an unhealthy application to another selected cluster). With a `Placement.groups`
   * placement the application moves to the next group.
   * @see https://karmada.io/docs/userguide/failover/application-failover
   * @default - no application failover
   */
  readonly application?: ApplicationFailover;
  /**
   * Cluster failover purge mode (what happens on a cluster that fails as a whole).
   * @see https://karmada.io/docs/userguide/failover/failover-overview
   * @default - the controller's default
   */
  readonly clusterPurgeMode?: ClusterPurgeMode;
}

/** How a propagation handles objects that already exist in a member cluster. */
export enum ConflictResolution {
  /** Stop propagating (no unexpected overwrite). */
  ABORT = 'Abort',
  /** Take the object over (when migrating a cluster into the fleet). */
  OVERWRITE = 'Overwrite',
}

/** Whether a propagation may take objects over from lower-priority policies. */
export enum Preemption {
  /** Take over objects claimed by lower-priority policies. */
  ALWAYS = 'Always',
  /** Never take over. */
  NEVER = 'Never',
}
