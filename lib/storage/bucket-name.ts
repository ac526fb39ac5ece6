/**
 * S3 bucket naming rules (general purpose buckets), as enforced by AWS and by MinIO's strict bucket-name check.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */

/** Why a bucket name is invalid: `allowed` describes the rule that was broken. */
export interface BucketNameProblem {
  /** The rule, phrased as what is allowed. */
  readonly allowed: string;
}

const FORBIDDEN_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const FORBIDDEN_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Returns the first S3 naming rule `name` breaks, or `undefined` if the name is valid. */
export function bucketNameProblem(name: string): BucketNameProblem | undefined {
  if (name.length < 3 || name.length > 63) {
    return { allowed: 'a bucket name of 3 to 63 characters' };
  }
  if (!/^[a-z0-9.-]+$/.test(name)) {
    return { allowed: 'only lowercase letters, digits, dots (.) and hyphens (-) in a bucket name' };
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return { allowed: 'a bucket name that begins and ends with a lowercase letter or digit' };
  }
  if (name.includes('..')) {
    return { allowed: 'a bucket name without two adjacent dots' };
  }
  if (name.includes('.-') || name.includes('-.')) {
    return { allowed: 'a bucket name without a dot next to a hyphen' };
  }
  if (IPV4.test(name)) {
    return { allowed: 'a bucket name that is not formatted as an IP address' };
  }
  const prefix = FORBIDDEN_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) {
    return { allowed: `a bucket name that does not start with ${FORBIDDEN_PREFIXES.map((p) => `"${p}"`).join(', ')}` };
  }
  const suffix = FORBIDDEN_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) {
    return { allowed: `a bucket name that does not end with ${FORBIDDEN_SUFFIXES.map((s) => `"${s}"`).join(', ')}` };
  }
  return undefined;
}

/** True if `name` follows the S3 bucket naming rules. */
export function isValidBucketName(name: string): boolean {
  return bucketNameProblem(name) === undefined;
}
