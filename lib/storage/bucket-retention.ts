/** S3 object-lock retention mode. @see https://min.io/docs/minio/linux/administration/object-management/object-retention.html */
export enum RetentionMode {
  /** Locked versions cannot be deleted or overwritten, except by users with the bypass-governance permission. */
  GOVERNANCE = 'GOVERNANCE',
  /** WORM: nobody, not even the root user, can delete or shorten the retention of a locked version. */
  COMPLIANCE = 'COMPLIANCE',
}

/** A retention period: whole days or whole years (exactly one). */
export interface RetentionPeriod {
  /** Retention in days. @default - use `years` */
  readonly days?: number;
  /** Retention in years. @default - use `days` */
  readonly years?: number;
}

/**
 * The default object-lock retention of a bucket (`mc retention set --default <mode> <validity>`). Requires object
 * lock (and therefore versioning) on the bucket.
 *
 * @see https://min.io/docs/minio/linux/reference/minio-mc/mc-retention-set.html
 */
export class BucketRetention {
  /** GOVERNANCE-mode default retention. */
  public static governance(period: RetentionPeriod): BucketRetention {
    return new BucketRetention(RetentionMode.GOVERNANCE, period);
  }

  /** COMPLIANCE-mode (WORM) default retention: the mode for audit trails. */
  public static compliance(period: RetentionPeriod): BucketRetention {
    return new BucketRetention(RetentionMode.COMPLIANCE, period);
  }

  /** The mode. */
  public readonly mode: RetentionMode;
  /** Days, when given in days. */
  public readonly days?: number;
  /** Years, when given in years. */
  public readonly years?: number;

  private constructor(mode: RetentionMode, period: RetentionPeriod) {
    this.mode = mode;
    this.days = period.days;
    this.years = period.years;
  }

  /** True if exactly one of days/years is set and it is a positive integer (at most 36500 days / 100 years). */
  public get isValid(): boolean {
    const set = [this.days, this.years].filter((v) => v !== undefined);
    if (set.length !== 1) return false;
    const v = set[0] as number;
    const max = this.days !== undefined ? 36500 : 100;
    return Number.isInteger(v) && v >= 1 && v <= max;
  }

  /** The validity argument of `mc retention set` (`30d`, `7y`). */
  public get validity(): string {
    return this.days !== undefined ? `${this.days}d` : `${this.years}y`;
  }

  /** Plain-data form for error messages and configuration hashes. */
  public toJSON(): Record<string, unknown> {
    return { mode: this.mode, ...(this.days !== undefined ? { days: this.days } : {}), ...(this.years !== undefined ? { years: this.years } : {}) };
  }
}
