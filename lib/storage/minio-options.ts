import { ContainerImage, NetworkEndpoint } from '../core';

/**
 * How the MinIO tenant serves TLS. There is no plain-HTTP option: traffic to the object store is always encrypted.
 *
 * @see https://min.io/docs/minio/kubernetes/upstream/operations/network-encryption.html
 */
export class MinioTls {
  /**
   * The operator requests a certificate for the tenant from the Kubernetes certificates API (`requestAutoCert`).
   * Clients trust it through the cluster CA (the `kube-root-ca.crt` ConfigMap of every namespace, key `ca.crt`).
   */
  public static autoCert(): MinioTls {
    return new MinioTls(true, undefined, { name: 'kube-root-ca.crt', key: 'ca.crt' });
  }

  /**
   * A certificate you provide: a `kubernetes.io/tls` Secret in the tenant namespace (e.g. issued by cert-manager
   * from your internal CA), referenced by name only, and the ConfigMap key holding the CA that signed it (for the
   * bucket setup Jobs).
   */
  public static externalCertificate(secretName: string, ca: ConfigMapKey): MinioTls {
    return new MinioTls(false, secretName, ca);
  }

  private constructor(
    /** Whether the operator requests the certificate. */
    public readonly autoCert: boolean,
    /** The Secret holding the certificate, when provided by you. */
    public readonly certificateSecretName: string | undefined,
    /** The ConfigMap key with the CA certificate clients trust (in the tenant namespace). */
    public readonly ca: ConfigMapKey,
  ) {}
}

/** A key of a ConfigMap. */
export interface ConfigMapKey {
  /** ConfigMap name. */
  readonly name: string;
  /** Key. */
  readonly key: string;
}

/** Options of {@link MinioEncryption.kes}. */
export interface KesEncryptionOptions {
  /**
   * KES image from your registry, pinned by digest, or `ContainerImage.unpinned(reference, { reason })` to opt out
   * for this image (the reason is recorded on the Tenant). @see https://min.io/docs/kes/
   */
  readonly image: ContainerImage;
  /**
   * Secret (in the tenant namespace) holding the KES server configuration (`server-config.yaml`, with the KMS
   * backend such as Vault and its credentials). Referenced by name only.
   * @see https://min.io/docs/minio/kubernetes/upstream/operations/server-side-encryption.html
   */
  readonly configurationSecretName: string;
  /**
   * Name of the master key in the KMS used for server-side encryption.
   * @see https://min.io/docs/minio/kubernetes/upstream/operations/server-side-encryption.html
   * @default 'minio-default-key'
   */
  readonly keyName?: string;
  /**
   * KES replicas.
   * @see https://min.io/docs/minio/kubernetes/upstream/operations/server-side-encryption.html
   * @default 2
   */
  readonly replicas?: number;
}

/**
 * Server-side encryption of a MinIO tenant.
 *
 * @see https://min.io/docs/minio/kubernetes/upstream/operations/server-side-encryption.html
 */
export class MinioEncryption {
  /** SSE with keys from a KMS through MinIO KES (`spec.kes` of the Tenant). */
  public static kes(options: KesEncryptionOptions): MinioEncryption {
    return new MinioEncryption(options);
  }

  private constructor(
    /** The KES options. */
    public readonly options: KesEncryptionOptions,
  ) {}
}

/** Where MinIO sends its audit log (one JSON event per S3 request). @see https://min.io/docs/minio/linux/operations/monitoring/minio-logging.html */
export interface MinioAuditWebhook {
  /** In-cluster endpoint URL of the audit log receiver, e.g. `https://audit-sink.audit.svc.cluster.local:8443/minio`. */
  readonly endpointUrl: string;
  /** Secret key holding the bearer token MinIO sends to the receiver. @default - no token */
  readonly authTokenSecret?: { readonly name: string; readonly key: string };
  /** The receiver's pods: when given, a NetworkFlow from the MinIO pods to them is emitted. @default - no flow (add one yourself) */
  readonly destination?: NetworkEndpoint;
}

/** One server pool of a tenant. @see https://min.io/docs/minio/kubernetes/upstream/operations/install-deploy-manage/expand-minio-tenant.html */
export interface MinioPoolOptions {
  /**
   * Pool name (DNS-1123 label, immutable).
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#pool
   * @default 'pool-<index>'
   */
  readonly name?: string;
  /**
   * MinIO server pods in the pool (immutable once created).
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#pool
   * @default 4
   */
  readonly servers?: number;
  /**
   * Volumes (PVCs) per server (immutable once created).
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#pool
   * @default 2
   */
  readonly volumesPerServer?: number;
  /**
   * Size of each volume, a Kubernetes quantity.
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#pool
   * @default '100Gi'
   */
  readonly volumeSize?: string;
  /**
   * StorageClass of the volumes.
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#pool
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * CPU cores requested (and limited to) per server.
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#pool
   * @default 1
   */
  readonly cpu?: number;
  /**
   * Memory in GiB requested (and limited to) per server.
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#pool
   * @default 4
   */
  readonly memoryGiB?: number;
}
