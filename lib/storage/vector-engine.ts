import { ContainerImage, IBucket } from '../core';

/** Which engine a vector store runs on. */
export enum VectorEngineKind {
  /** PostgreSQL with the pgvector extension, on CloudNativePG. */
  PGVECTOR = 'pgvector',
  /** Embedded LanceDB clients on an S3 bucket prefix. */
  LANCEDB = 'lancedb',
}

/** pgaudit statement classes (`pgaudit.log`). @see https://github.com/pgaudit/pgaudit#pgauditlog */
export enum PgAuditClass {
  /** SELECT and COPY from a relation. */
  READ = 'read',
  /** INSERT, UPDATE, DELETE, TRUNCATE and COPY to a relation. */
  WRITE = 'write',
  /** Function calls and DO blocks. */
  FUNCTION = 'function',
  /** GRANT, REVOKE, CREATE/ALTER/DROP ROLE. */
  ROLE = 'role',
  /** All DDL not in ROLE. */
  DDL = 'ddl',
  /** DISCARD, FETCH, CHECKPOINT, VACUUM, SET. */
  MISC = 'misc',
}

/**
 * HNSW index parameters of pgvector. `m` and `efConstruction` are index build options (`CREATE INDEX ... USING hnsw
 * (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)`), handed to clients; `efSearch` is the
 * `hnsw.ef_search` server parameter.
 *
 * @see https://github.com/pgvector/pgvector#hnsw
 */
export interface HnswOptions {
  /**
   * Max connections per layer (2-100).
   * @see https://github.com/pgvector/pgvector#hnsw
   * @default 16
   */
  readonly m?: number;
  /**
   * Size of the candidate list while building (4-1000, at least 2 x m).
   * @see https://github.com/pgvector/pgvector#hnsw
   * @default 64
   */
  readonly efConstruction?: number;
  /**
   * Size of the candidate list while searching (1-1000).
   * @see https://github.com/pgvector/pgvector#hnsw
   * @default 40
   */
  readonly efSearch?: number;
}

/** Options of {@link VectorEngine.pgvector}. */
export interface PgVectorOptions {
  /**
   * PostgreSQL operand image from your registry, pinned by digest; it must ship pgvector and pgaudit (e.g. a mirror of
   * the CloudNativePG `standard` images). `ContainerImage.unpinned(reference, { reason })` opts out for this image
   * (the reason is recorded on the Cluster).
   * @see https://github.com/cloudnative-pg/postgres-containers
   */
  readonly image: ContainerImage;
  /**
   * PostgreSQL instances (1 primary + standbys). CloudNativePG creates the PodDisruptionBudgets.
   * @see https://cloudnative-pg.io/documentation/current/cloudnative-pg.v1/#postgresql-cnpg-io-v1-ClusterSpec
   * @default 3
   */
  readonly instances?: number;
  /**
   * Volume size per instance, a Kubernetes quantity.
   * @see https://cloudnative-pg.io/documentation/current/cloudnative-pg.v1/#postgresql-cnpg-io-v1-ClusterSpec
   * @default '20Gi'
   */
  readonly storageSize?: string;
  /**
   * StorageClass of the volumes.
   * @see https://cloudnative-pg.io/documentation/current/cloudnative-pg.v1/#postgresql-cnpg-io-v1-ClusterSpec
   * @default - the cluster default
   */
  readonly storageClassName?: string;
  /**
   * Application database (and owner) name.
   * @see https://cloudnative-pg.io/documentation/current/cloudnative-pg.v1/#postgresql-cnpg-io-v1-ClusterSpec
   * @default 'app'
   */
  readonly database?: string;
  /**
   * HNSW parameters.
   * @see https://github.com/pgvector/pgvector#hnsw
   * @default - pgvector defaults (m 16, ef_construction 64, ef_search 40)
   */
  readonly hnsw?: HnswOptions;
  /**
   * pgaudit statement classes logged.
   * @see https://github.com/pgaudit/pgaudit#pgauditlog
   * @default [DDL, ROLE, WRITE]
   */
  readonly auditLog?: readonly PgAuditClass[];
  /**
   * CPU cores requested (and limited to) per instance.
   * @see https://cloudnative-pg.io/documentation/current/cloudnative-pg.v1/#postgresql-cnpg-io-v1-ClusterSpec
   * @default 1
   */
  readonly cpu?: number;
  /**
   * Memory GiB requested (and limited to) per instance.
   * @see https://cloudnative-pg.io/documentation/current/cloudnative-pg.v1/#postgresql-cnpg-io-v1-ClusterSpec
   * @default 2
   */
  readonly memoryGiB?: number;
  /**
   * Extra `postgresql.parameters`.
   * @see https://cloudnative-pg.io/documentation/current/cloudnative-pg.v1/#postgresql-cnpg-io-v1-ClusterSpec
   * @default {}
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Backup schedule (six-field cron with seconds, as CloudNativePG's ScheduledBackup expects). Used only with a
   * `backupBucket`.
   * @see https://cloudnative-pg.io/documentation/current/backup/#scheduled-backups
   * @default '0 0 2 * * *'
   */
  readonly backupSchedule?: string;
  /**
   * Days of backups kept (`backup.retentionPolicy`).
   * @see https://cloudnative-pg.io/documentation/current/backup/#retention-policies
   * @default 30
   */
  readonly backupRetentionDays?: number;
  /**
   * Secret key with the CA certificate of the object store's TLS endpoint (`barmanObjectStore.endpointCA`).
   * @see https://cloudnative-pg.io/documentation/current/appendixes/object_stores/
   * @default - the system trust store of the image
   */
  readonly backupEndpointCA?: { readonly name: string; readonly key: string };
}

/** Options of {@link VectorEngine.lancedb}. */
export interface LanceDbOptions {
  /**
   * The bucket holding the LanceDB tables.
   * @see https://lancedb.github.io/lancedb/guides/storage/
   */
  readonly bucket: IBucket;
  /**
   * Object prefix of the tables in the bucket.
   * @see https://lancedb.github.io/lancedb/guides/storage/
   * @default - the store name
   */
  readonly prefix?: string;
  /**
   * Region clients send.
   * @see https://lancedb.github.io/lancedb/guides/storage/
   * @default 'us-east-1'
   */
  readonly region?: string;
}

/**
 * The engine of a {@link VectorStore}: choose with `VectorEngine.pgvector({...})` or `VectorEngine.lancedb({...})`.
 * The store's interface is the same whichever engine.
 */
export class VectorEngine {
  /**
   * PostgreSQL + pgvector on CloudNativePG (`postgresql.cnpg.io/v1` Cluster, Database, ScheduledBackup).
   * @see https://cloudnative-pg.io/documentation/current/
   */
  public static pgvector(options: PgVectorOptions): VectorEngine {
    return new VectorEngine(VectorEngineKind.PGVECTOR, options, undefined);
  }

  /**
   * Embedded LanceDB on an S3 bucket prefix: no server, clients read and write the tables in the bucket.
   * @see https://lancedb.github.io/lancedb/guides/storage/
   */
  public static lancedb(options: LanceDbOptions): VectorEngine {
    return new VectorEngine(VectorEngineKind.LANCEDB, undefined, options);
  }

  private constructor(
    /** The engine kind. */
    public readonly kind: VectorEngineKind,
    /** pgvector options (pgvector engine). */
    public readonly pgvectorOptions: PgVectorOptions | undefined,
    /** LanceDB options (lancedb engine). */
    public readonly lancedbOptions: LanceDbOptions | undefined,
  ) {}
}
