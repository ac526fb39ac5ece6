import { IConstruct } from 'constructs';
import { IWorkload, NetworkEndpoint } from './workload';

/** The access a grant gives. */
export enum BucketAccess {
  /** List and get objects. */
  READ = 'read',
  /** List, get, put and delete objects (object lock still prevents deleting locked versions). */
  READ_WRITE = 'readwrite',
}

/** What a grant created: the env vars it added and the network edge. */
export interface BucketGrant {
  /** The bucket. */
  readonly bucket: IBucket;
  /** The grantee. */
  readonly grantee: IWorkload;
  /** The access given. */
  readonly access: BucketAccess;
  /** The Secret holding the credentials the grantee's env vars reference (never literal values). */
  readonly credentialsSecretName: string;
}

/**
 * A backend-neutral S3-compatible bucket. Everything that consumes a bucket (model weights, audit logs, vector
 * store backups, LanceDB data) takes this interface, so another object-store backend can be added without touching
 * consumers. `MinioBucket` implements it.
 */
export interface IBucket extends IConstruct {
  /** The bucket name (S3 rules). */
  readonly bucketName: string;
  /** The in-cluster S3 endpoint URL, e.g. `https://minio.storage.svc.cluster.local:443`. */
  readonly endpointUrl: string;
  /** TCP port of the S3 endpoint. */
  readonly port: number;
  /** The object-store server pods, for NetworkPolicy edges. */
  readonly serverEndpoint: NetworkEndpoint;
  /** Whether object lock (WORM) is enabled on the bucket. */
  readonly objectLock: boolean;
  /** `s3://<bucket>/<prefix>` URI of an object prefix in this bucket. */
  s3Uri(prefix?: string): string;
  /** Gives `workload` read access: credentials as env vars from a Secret, and the network edge. */
  grantRead(workload: IWorkload): BucketGrant;
  /** Gives `workload` read/write access: credentials as env vars from a Secret, and the network edge. */
  grantReadWrite(workload: IWorkload): BucketGrant;
}
