import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  BucketAccess, EnvSource, IBucket, IWorkload, Labels, MANAGED_BY, NetworkEndpoint, NetworkFlow, ValidationError,
  cpu as formatCpu, gib, imageSuppressionAnnotations, isDns1123Label, parseQuantity, sanitizeDns1123, shortHash, stableName,
} from '../core';
import { Cluster } from '../imports/cnpg-cluster-postgresql.cnpg.io';
import { Database } from '../imports/cnpg-database-postgresql.cnpg.io';
import { ScheduledBackup } from '../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { KubeConfigMap } from '../imports/k8s';
import { CnpgInstances } from './cnpg-instances';
import {
  S3CredentialKeys, SecretRequirement, addEnvOnce, addRequirement, assertWorkload, existingGrant, validateEnvPrefix,
} from './grants';
import { HnswOptions, LanceDbOptions, PgAuditClass, PgVectorOptions, VectorEngine, VectorEngineKind } from './vector-engine';

/** PostgreSQL port. */
export const POSTGRES_PORT = 5432;

/** How clients reach a vector store (no credentials: those come from Secrets through grants). */
export interface VectorStoreConnection {
  /** The engine. */
  readonly engine: VectorEngineKind;
  /** `postgresql://<rw host>:5432/<db>` (pgvector) or `s3://<bucket>/<prefix>` (lancedb); no credentials. */
  readonly uri: string;
  /** Host of the read/write endpoint (pgvector) or the S3 endpoint URL (lancedb). */
  readonly host: string;
  /** TCP port the pods accept connections on. */
  readonly port: number;
  /** Database name (pgvector). */
  readonly database?: string;
  /** Secret with the read/write credentials in the store namespace (pgvector: CloudNativePG's `<cluster>-app`). @default - lancedb: the bucket grant's credentials Secret */
  readonly secretName?: string;
  /** ConfigMap with client configuration, in the store namespace. */
  readonly configMapName?: string;
}

/** What a vector store grant created. */
export interface VectorStoreGrant {
  /** The store. */
  readonly store: IVectorStore;
  /** The grantee. */
  readonly grantee: IWorkload;
  /** The access given. */
  readonly access: BucketAccess;
  /** The Secret the grantee's credential env vars reference. */
  readonly credentialsSecretName: string;
  /** The network edge(s) created. */
  readonly flows: readonly NetworkFlow[];
  /** The environment variables added to the grantee. */
  readonly envNames: readonly string[];
}

/** Network access to a vector store's pods. */
export interface VectorStoreConnections {
  /** The pods clients connect to (PostgreSQL instances, or the object-store servers for LanceDB). */
  readonly endpoint: NetworkEndpoint;
  /** Their port. */
  readonly port: number;
  /** Allows `workload` to connect (an explicit NetworkFlow edge, nothing broader) without credentials. */
  allowFrom(workload: IWorkload): NetworkFlow;
}

/** A vector store, whichever engine. */
export interface IVectorStore extends IConstruct {
  /** The engine. */
  readonly engine: VectorEngineKind;
  /** Connection information (no credentials). */
  readonly connection: VectorStoreConnection;
  /** Network access to the store's pods. */
  readonly connections: VectorStoreConnections;
  /** Gives `workload` read access: credentials env vars from Secrets and the network edge. */
  grantRead(workload: IWorkload): VectorStoreGrant;
  /** Gives `workload` read/write access: credentials env vars from Secrets and the network edge. */
  grantReadWrite(workload: IWorkload): VectorStoreGrant;
}

/** Props of {@link VectorStore}. */
export interface VectorStoreProps {
  /** The engine: `VectorEngine.pgvector({...})` or `VectorEngine.lancedb({...})`. */
  readonly engine: VectorEngine;
  /** Namespace of the store (created by the platform). @default 'vector' */
  readonly namespace?: string;
  /** Name of the store (CNPG Cluster name; LanceDB prefix). @default - derived from the construct id */
  readonly storeName?: string;
  /** Bucket for base backups and WAL archives (pgvector). @default - no backups */
  readonly backupBucket?: IBucket;
  /**
   * Prefix of the env var names grants add (`<prefix>PGHOST`, `<prefix>LANCEDB_URI`, ...).
   * @default ''
   */
  readonly envPrefix?: string;
}

interface ResolvedHnsw { readonly m: number; readonly efConstruction: number; readonly efSearch: number }

/**
 * A vector store for retrieval (RAG), with the same interface whichever engine:
 *
 * - `pgvector`: a CloudNativePG `postgresql.cnpg.io/v1` Cluster (PSS-restricted pods, data checksums, pgaudit
 *   preloaded, `hnsw.ef_search`), a `Database` object that owns the `vector` and `pgaudit` extensions, backups to an
 *   `IBucket` through `barmanObjectStore` plus a `ScheduledBackup`. CloudNativePG itself creates the
 *   PodDisruptionBudgets (`enablePDB`, on by default) and the `<cluster>-app` Secret with the application
 *   credentials (generated in the cluster, so no value is in Git). Read-only grants use a managed role
 *   `<db>_reader` (member of `pg_read_all_data`) whose password Secret `<cluster>-reader` is provisioned out of band.
 *   Note: CloudNativePG deprecates the in-tree `barmanObjectStore` (1.26+) for the Barman Cloud plugin, whose
 *   `ObjectStore` CRD is not among the schemas this library validates against; the in-tree field is still served
 *   by the Cluster CRD used here.
 * - `lancedb`: a prefix of an `IBucket`, a ConfigMap for embedded clients (`LANCEDB_URI`, `AWS_ENDPOINT`,
 *   `AWS_REGION`, `AWS_ALLOW_HTTP=false`) and the bucket's grants. The bucket credentials cover the whole bucket,
 *   not only the prefix.
 *
 * Secrets are namespaced: a grantee in another namespace needs a copy of the referenced Secret in its own
 * namespace (provisioned out of band); {@link requiredSecrets} lists every Secret and namespace.
 */
export class VectorStore extends Construct implements IVectorStore {
  /** The engine. */
  public readonly engine: VectorEngineKind;
  /** Namespace. */
  public readonly namespace: string;
  /** Store name. */
  public readonly storeName: string;
  /** Env var prefix of grants. */
  public readonly envPrefix: string;
  /** Connection information. */
  public readonly connection: VectorStoreConnection;
  /** Network access. */
  public readonly connections: VectorStoreConnections;
  /** Resolved HNSW parameters (pgvector). */
  public readonly hnsw?: ResolvedHnsw;
  /** Resolved instances (pgvector). */
  public readonly instances?: number;
  /** The CNPG Cluster (pgvector). */
  public readonly cluster?: ApiObject;
  /** The client ConfigMap (lancedb). */
  public readonly configMap?: KubeConfigMap;

  private readonly grants = new Map<IWorkload, VectorStoreGrant>();
  private readonly flows = new Map<IWorkload, NetworkFlow>();
  private readonly _requirements: SecretRequirement[] = [];
  private readonly lanceBucket?: IBucket;
  private readonly readerNeeded: { value: boolean } = { value: false };

  constructor(scope: Construct, id: string, props: VectorStoreProps) {
    super(scope, id);
    this.engine = props.engine.kind;
    this.namespace = props.namespace ?? 'vector';
    if (!isDns1123Label(this.namespace)) {
      throw ValidationError.invalidProp(this, { prop: 'namespace', value: this.namespace, allowed: 'a DNS-1123 label' });
    }
    this.storeName = props.storeName ?? stableName([id], 50);
    if (!isDns1123Label(this.storeName) || this.storeName.length > 50) {
      throw ValidationError.invalidProp(this, { prop: 'storeName', value: this.storeName, allowed: 'a DNS-1123 label of at most 50 characters' });
    }
    this.envPrefix = validateEnvPrefix(this, 'envPrefix', props.envPrefix ?? '');

    if (props.engine.pgvectorOptions) {
      const o = props.engine.pgvectorOptions;
      this.hnsw = this.resolveHnsw(o.hnsw ?? {});
      this.instances = o.instances ?? 3;
      if (!Number.isInteger(this.instances) || this.instances < 1) {
        throw ValidationError.invalidProp(this, {
          prop: 'engine.instances', value: this.instances, allowed: 'an integer of at least 1',
          fix: 'use 1 for a single instance, or 3 for a primary with two standbys.',
        });
      }
      this.cluster = this.createPgvector(o, this.instances, this.hnsw, props.backupBucket);
      const host = `${this.storeName}-rw.${this.namespace}.svc.cluster.local`;
      const database = o.database ?? 'app';
      this.connection = {
        engine: this.engine, uri: `postgresql://${host}:${POSTGRES_PORT}/${database}`, host, port: POSTGRES_PORT,
        database, secretName: `${this.storeName}-app`,
      };
      this.connections = this.makeConnections({ namespace: this.namespace, podSelector: { 'cnpg.io/cluster': this.storeName } }, POSTGRES_PORT);
    } else {
      const o = props.engine.lancedbOptions as LanceDbOptions;
      this.lanceBucket = o.bucket;
      const prefix = (o.prefix ?? this.storeName).replace(/^\/+|\/+$/g, '');
      if (prefix === '' || /\s/.test(prefix)) {
        throw ValidationError.invalidProp(this, { prop: 'engine.prefix', value: o.prefix, allowed: 'a non-empty object prefix without whitespace' });
      }
      const region = o.region ?? 'us-east-1';
      const uri = o.bucket.s3Uri(prefix);
      this.configMap = new KubeConfigMap(this, 'Config', {
        metadata: {
          name: stableName([this.storeName, 'lancedb']),
          namespace: this.namespace,
          labels: this.labels('vector-store'),
        },
        data: {
          LANCEDB_URI: uri,
          AWS_ENDPOINT: o.bucket.endpointUrl,
          AWS_REGION: region,
          AWS_ALLOW_HTTP: 'false',
          'storage_options.json': JSON.stringify({ endpoint: o.bucket.endpointUrl, region, allow_http: 'false' }),
        },
      });
      this.connection = { engine: this.engine, uri, host: o.bucket.endpointUrl, port: o.bucket.port, configMapName: this.configMap.name };
      this.connections = this.makeConnections(o.bucket.serverEndpoint, o.bucket.port);
    }
  }

  /** Read access. */
  public grantRead(workload: IWorkload): VectorStoreGrant {
    return this.grant(workload, BucketAccess.READ);
  }

  /** Read/write access. */
  public grantReadWrite(workload: IWorkload): VectorStoreGrant {
    return this.grant(workload, BucketAccess.READ_WRITE);
  }

  /** Secrets this store references without writing them (provision out of band), with their namespaces. */
  public get requiredSecrets(): readonly SecretRequirement[] {
    return [...this._requirements];
  }

  private labels(component: string): Record<string, string> {
    return {
      [Labels.APP_MANAGED_BY]: MANAGED_BY,
      [Labels.APP_INSTANCE]: this.storeName,
      [Labels.COMPONENT]: component,
    };
  }

  private makeConnections(endpoint: NetworkEndpoint, port: number): VectorStoreConnections {
    return {
      endpoint,
      port,
      allowFrom: (workload: IWorkload) => {
        assertWorkload(this, workload);
        return this.flowFrom(workload, endpoint, port);
      },
    };
  }

  private flowFrom(workload: IWorkload, to: NetworkEndpoint, port: number): NetworkFlow {
    const existing = this.flows.get(workload);
    if (existing) return existing;
    const hash = shortHash(workload.node.path, 10);
    const flow = new NetworkFlow(this, `Allow-${sanitizeDns1123(workload.node.id) || 'workload'}-${hash}`, {
      name: stableName([this.storeName, 'db', workload.node.id, hash], 54),
      from: workload.endpoint,
      to,
      ports: [{ port }],
    });
    this.flows.set(workload, flow);
    return flow;
  }

  private grant(workload: IWorkload, access: BucketAccess): VectorStoreGrant {
    const existing = existingGrant(this, this.grants, workload, access, 'a vector store');
    if (existing) return existing;
    const grant = this.lanceBucket ? this.grantLance(workload, access, this.lanceBucket) : this.grantPg(workload, access);
    this.grants.set(workload, grant);
    return grant;
  }

  private grantLance(workload: IWorkload, access: BucketAccess, bucket: IBucket): VectorStoreGrant {
    const bucketGrant = access === BucketAccess.READ ? bucket.grantRead(workload) : bucket.grantReadWrite(workload);
    const p = this.envPrefix;
    // Literal values (not configMapKeyRef): a pod can only reference ConfigMaps of its own namespace.
    const env: Array<[string, EnvSource]> = [
      [`${p}LANCEDB_URI`, { value: this.connection.uri }],
      [`${p}AWS_ENDPOINT`, { value: bucket.endpointUrl }],
      [`${p}AWS_ALLOW_HTTP`, { value: 'false' }],
    ];
    addEnvOnce(this, workload, env, 'envPrefix', p);
    const flows = 'flow' in bucketGrant ? [(bucketGrant as { flow: NetworkFlow }).flow] : [];
    return {
      store: this, grantee: workload, access, credentialsSecretName: bucketGrant.credentialsSecretName, flows,
      envNames: env.map(([n]) => n),
    };
  }

  private grantPg(workload: IWorkload, access: BucketAccess): VectorStoreGrant {
    const write = access === BucketAccess.READ_WRITE;
    const secretName = write ? `${this.storeName}-app` : `${this.storeName}-reader`;
    const host = write ? this.connection.host : `${this.storeName}-r.${this.namespace}.svc.cluster.local`;
    const p = this.envPrefix;
    const hnsw = this.hnsw!;
    const env: Array<[string, EnvSource]> = [
      [`${p}PGHOST`, { value: host }],
      [`${p}PGPORT`, { value: String(POSTGRES_PORT) }],
      [`${p}PGDATABASE`, { value: this.connection.database! }],
      [`${p}PGUSER`, { secretKeyRef: { name: secretName, key: 'username' } }],
      [`${p}PGPASSWORD`, { secretKeyRef: { name: secretName, key: 'password' } }],
      [`${p}PGSSLMODE`, { value: 'require' }],
      [`${p}PGVECTOR_HNSW_M`, { value: String(hnsw.m) }],
      [`${p}PGVECTOR_HNSW_EF_CONSTRUCTION`, { value: String(hnsw.efConstruction) }],
      [`${p}PGVECTOR_HNSW_EF_SEARCH`, { value: String(hnsw.efSearch) }],
    ];
    addEnvOnce(this, workload, env, 'envPrefix', p);
    const flow = this.flowFrom(workload, this.connections.endpoint, POSTGRES_PORT);
    if (!write) {
      this.readerNeeded.value = true;
      addRequirement(this._requirements, {
        namespace: this.namespace, name: secretName, keys: ['username', 'password'],
        purpose: `password of the read-only role of vector store ${this.storeName} (kubernetes.io/basic-auth)`,
      });
    }
    if (!write || workload.endpoint.namespace !== this.namespace) {
      addRequirement(this._requirements, {
        namespace: workload.endpoint.namespace, name: secretName, keys: ['username', 'password'],
        purpose: write
          ? `copy of the CloudNativePG-generated ${secretName} Secret for grantees outside ${this.namespace}`
          : `read-only credentials of vector store ${this.storeName}`,
      });
    }
    return { store: this, grantee: workload, access, credentialsSecretName: secretName, flows: [flow], envNames: env.map(([n]) => n) };
  }

  private resolveHnsw(h: HnswOptions): ResolvedHnsw {
    const m = h.m ?? 16;
    if (!Number.isInteger(m) || m < 2 || m > 100) {
      throw ValidationError.invalidProp(this, { prop: 'engine.hnsw.m', value: m, allowed: 'an integer from 2 to 100' });
    }
    const efConstruction = h.efConstruction ?? 64;
    if (!Number.isInteger(efConstruction) || efConstruction < 4 || efConstruction > 1000 || efConstruction < 2 * m) {
      throw ValidationError.invalidProp(this, {
        prop: 'engine.hnsw.efConstruction', value: efConstruction, allowed: `an integer from ${Math.max(4, 2 * m)} to 1000 (at least 2 x m)`,
      });
    }
    const efSearch = h.efSearch ?? 40;
    if (!Number.isInteger(efSearch) || efSearch < 1 || efSearch > 1000) {
      throw ValidationError.invalidProp(this, { prop: 'engine.hnsw.efSearch', value: efSearch, allowed: 'an integer from 1 to 1000' });
    }
    return { m, efConstruction, efSearch };
  }

  private createPgvector(o: PgVectorOptions, instances: number, hnsw: ResolvedHnsw, backupBucket: IBucket | undefined): ApiObject {
    o.image.validatePinned(this, 'engine.image');
    const storageSize = o.storageSize ?? '20Gi';
    const bytes = parseQuantity(storageSize);
    if (bytes === undefined || bytes <= 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'engine.storageSize', value: storageSize, allowed: 'a Kubernetes quantity greater than zero (e.g. "20Gi", "1Ti")',
        fix: 'write the size with a binary suffix, e.g. "50Gi".',
      });
    }
    const database = o.database ?? 'app';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database) || ['postgres', 'template0', 'template1'].includes(database)) {
      throw ValidationError.invalidProp(this, {
        prop: 'engine.database', value: database,
        allowed: 'a lowercase SQL identifier (letters, digits, underscores) other than postgres, template0, template1',
      });
    }
    const cpuCores = o.cpu ?? 1;
    if (!(cpuCores > 0) || !Number.isFinite(cpuCores)) {
      throw ValidationError.invalidProp(this, { prop: 'engine.cpu', value: cpuCores, allowed: 'a positive number of cores' });
    }
    const memoryGiB = o.memoryGiB ?? 2;
    if (!(memoryGiB > 0) || !Number.isFinite(memoryGiB)) {
      throw ValidationError.invalidProp(this, { prop: 'engine.memoryGiB', value: memoryGiB, allowed: 'a positive number of GiB' });
    }
    const audit = o.auditLog ?? [PgAuditClass.DDL, PgAuditClass.ROLE, PgAuditClass.WRITE];
    if (audit.length === 0) {
      throw ValidationError.invalidProp(this, {
        prop: 'engine.auditLog', value: [], allowed: 'at least one PgAuditClass', fix: 'audit trails are required; keep the default [DDL, ROLE, WRITE].',
      });
    }
    const retentionDays = o.backupRetentionDays ?? 30;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw ValidationError.invalidProp(this, { prop: 'engine.backupRetentionDays', value: retentionDays, allowed: 'a whole number of days, at least 1' });
    }
    const schedule = o.backupSchedule ?? '0 0 2 * * *';
    if (schedule.trim().split(/\s+/).length !== 6) {
      throw ValidationError.invalidProp(this, {
        prop: 'engine.backupSchedule', value: schedule, allowed: 'a six-field cron expression with seconds (e.g. "0 0 2 * * *")',
      });
    }

    const name = this.storeName;
    const resources = { cpu: formatCpu(cpuCores), memory: gib(memoryGiB) };
    const dataLabels = { ...this.labels('vector-store'), [Labels.DATA_BEARING]: 'true' };
    const instancesWorkload = new CnpgInstances(this, 'Instances', this.namespace, name);

    let backup: Record<string, unknown> | undefined;
    if (backupBucket) {
      const grant = backupBucket.grantReadWrite(instancesWorkload);
      const secret = grant.credentialsSecretName;
      backup = {
        barmanObjectStore: {
          destinationPath: backupBucket.s3Uri(name),
          endpointURL: backupBucket.endpointUrl,
          ...(o.backupEndpointCA ? { endpointCA: { ...o.backupEndpointCA } } : {}),
          s3Credentials: {
            accessKeyId: { name: secret, key: S3CredentialKeys.ACCESS_KEY_ID },
            secretAccessKey: { name: secret, key: S3CredentialKeys.SECRET_ACCESS_KEY },
          },
          wal: { compression: 'gzip', maxParallel: 2 },
          data: { compression: 'gzip', jobs: 2 },
        },
        retentionPolicy: `${retentionDays}d`,
        target: 'prefer-standby',
      };
    }

    const annotations = imageSuppressionAnnotations(o.image);
    const cluster = new ApiObject(this, 'Resource', {
      ...Cluster.GVK,
      metadata: {
        name, namespace: this.namespace, labels: dataLabels,
        // an explicit opt-out of digest pinning is recorded as a reviewed policy suppression
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        instances,
        imageName: o.image.reference,
        imagePullPolicy: 'IfNotPresent',
        enableSuperuserAccess: false,
        enablePDB: true,
        inheritedMetadata: { labels: { [Labels.DATA_BEARING]: 'true', [Labels.APP_MANAGED_BY]: MANAGED_BY } },
        bootstrap: { initdb: { database, owner: database, dataChecksums: true } },
        storage: { size: storageSize, ...(o.storageClassName ? { storageClass: o.storageClassName } : {}) },
        resources: { requests: resources, limits: resources },
        seccompProfile: { type: 'RuntimeDefault' },
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        postgresql: {
          shared_preload_libraries: ['pgaudit'],
          parameters: {
            'pgaudit.log': audit.join(', '),
            'pgaudit.log_catalog': 'off',
            'pgaudit.log_parameter': 'off',
            'pgaudit.log_relation': 'on',
            'hnsw.ef_search': String(hnsw.efSearch),
            ...(o.parameters ?? {}),
          },
        },
        managed: Lazy.any({
          produce: () => (this.readerNeeded.value ? {
            roles: [{
              name: `${database}_reader`,
              ensure: 'present',
              login: true,
              inRoles: ['pg_read_all_data'],
              passwordSecret: { name: `${name}-reader` },
            }],
          } : undefined),
        }),
        env: Lazy.any({ produce: () => (instancesWorkload.env.length > 0 ? instancesWorkload.env : undefined) }),
        ...(backup ? { backup } : {}),
      },
    });

    new ApiObject(this, 'Database', {
      ...Database.GVK,
      metadata: { name: stableName([name, database]), namespace: this.namespace, labels: dataLabels },
      spec: {
        name: database,
        owner: database,
        cluster: { name },
        ensure: 'present',
        databaseReclaimPolicy: 'retain',
        extensions: [
          { name: 'vector', ensure: 'present' },
          { name: 'pgaudit', ensure: 'present' },
        ],
      },
    });

    if (backupBucket) {
      new ApiObject(this, 'ScheduledBackup', {
        ...ScheduledBackup.GVK,
        metadata: { name: stableName([name, 'backup']), namespace: this.namespace, labels: this.labels('vector-store-backup') },
        spec: {
          cluster: { name },
          schedule,
          method: 'barmanObjectStore',
          backupOwnerReference: 'self',
          immediate: true,
        },
      });
    }

    if (instances > 1) {
      new NetworkFlow(this, 'Replication', {
        name: stableName([name, 'replication']),
        from: instancesWorkload.endpoint,
        to: instancesWorkload.endpoint,
        ports: [{ port: POSTGRES_PORT }],
      });
    }
    return cluster;
  }
}
