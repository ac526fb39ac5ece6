import { Construct } from 'constructs';
import {
  BucketAccess, BucketGrant, EnvSource, FsGroupChangePolicy, IBucket, IWorkload, Labels, MANAGED_BY, NetworkEndpoint,
  NetworkFlow, ValidationError, imageSuppressionAnnotations, isDns1123Label, restrictedContainerSecurityContext,
  restrictedPodSecurityContext, sanitizeDns1123, shortHash, stableName,
} from '../core';
import { KubeConfigMap, KubeJob, Quantity } from '../imports/k8s';
import { bucketNameProblem } from './bucket-name';
import { BucketRetention } from './bucket-retention';
import {
  S3CredentialKeys, SecretRequirement, addEnvOnce, addRequirement, existingGrant, validateEnvPrefix,
} from './grants';
import type { MinioTenant } from './minio-tenant';

/** Options of a bucket created in a tenant ({@link MinioTenant.addBucket}). */
export interface MinioBucketOptions {
  /**
   * The bucket name (S3 naming rules).
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
   * @default - derived from the construct id
   */
  readonly bucketName?: string;
  /**
   * Object versioning (`mc version enable`). Required by object lock.
   * @see https://min.io/docs/minio/linux/administration/object-management/object-versioning.html
   * @default true
   */
  readonly versioned?: boolean;
  /**
   * Object lock (WORM), set when the bucket is created (`spec.buckets[].objectLock`); it cannot be turned on later.
   * @see https://min.io/docs/minio/linux/administration/object-management/object-retention.html
   * @default false
   */
  readonly objectLock?: boolean;
  /**
   * Default retention of new object versions; requires `objectLock`.
   * @see https://min.io/docs/minio/linux/administration/object-management/object-retention.html
   * @default - no default retention
   */
  readonly retention?: BucketRetention;
  /**
   * Hard quota in GiB (`mc quota set --size`).
   * @see https://min.io/docs/minio/linux/reference/minio-mc/mc-quota-set.html
   * @default - no quota
   */
  readonly quotaGiB?: number;
  /**
   * Region the bucket is created in (the Tenant's `buckets[].region`) and that grants give clients (`AWS_REGION`).
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#tenantspec
   * @default - no region on the Tenant's bucket entry (the server's region applies); grants give clients `us-east-1`
   */
  readonly region?: string;
  /**
   * Prefix of the environment variable names a grant adds (`<prefix>AWS_ACCESS_KEY_ID`, ...). Give each bucket
   * granted to the same workload a distinct prefix.
   * @see https://docs.aws.amazon.com/sdkref/latest/guide/environment-variables.html
   * @default '' (the standard AWS SDK names)
   */
  readonly envPrefix?: string;
}

/** Props of {@link MinioBucket}. */
export interface MinioBucketProps extends MinioBucketOptions {
  /**
   * The tenant that serves the bucket.
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#tenantspec
   */
  readonly tenant: MinioTenant;
}

/** Where an imported bucket lives: a tenant of this app, or the S3 endpoint and server pods of one elsewhere. */
export interface MinioBucketAttributes {
  /** The tenant serving the bucket. @default - give `endpointUrl` and `serverEndpoint` */
  readonly tenant?: MinioTenant;
  /** S3 endpoint URL. @default - the tenant's */
  readonly endpointUrl?: string;
  /** The server pods (for the NetworkPolicy edge). @default - the tenant's */
  readonly serverEndpoint?: NetworkEndpoint;
  /** S3 port of the server pods. @default 9000 */
  readonly port?: number;
  /** Whether the bucket has object lock. @default false */
  readonly objectLock?: boolean;
  /** Region. @default 'us-east-1' */
  readonly region?: string;
  /** Env var name prefix for grants. @default '' */
  readonly envPrefix?: string;
}

/** What a grant on a MinIO bucket created. */
export interface MinioBucketGrant extends BucketGrant {
  /** The network edge from the grantee's pods to the MinIO server pods on the S3 port. */
  readonly flow: NetworkFlow;
  /** The environment variables added to the grantee. */
  readonly envNames: readonly string[];
}

const IMPORT = Symbol('MinioBucket.import');
type InternalProps = MinioBucketProps & { readonly [IMPORT]?: MinioBucketAttributes };

const READ_ACTIONS_BUCKET = ['s3:GetBucketLocation', 's3:ListBucket'];
const READ_ACTIONS_OBJECT = ['s3:GetObject', 's3:GetObjectVersion'];
const WRITE_ACTIONS_BUCKET = ['s3:ListBucketMultipartUploads'];
const WRITE_ACTIONS_OBJECT = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
const MC_UID = 1000;

/**
 * A bucket in a {@link MinioTenant}, implementing the backend-neutral `IBucket`.
 *
 * What is enforced where:
 * - The Tenant's `spec.buckets` creates the bucket (with object lock when set): the MinIO operator does it.
 * - Versioning, quota, default retention, and the per-bucket users and policies are not Tenant fields. A setup
 *   Job (`mc`, PSS restricted, digest-pinned image, network limited to the MinIO pods) applies them, idempotently;
 *   its name carries a hash of the settings, so a change creates a new Job.
 * - Credentials: each access level (`read`, `readwrite`) has one credentials Secret per bucket,
 *   `<bucket>-<access>-s3-credentials` with keys `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. The library never
 *   writes it: provision it out of band (External Secrets, Sealed Secrets, your vault) in the tenant namespace (the
 *   setup Job reads it to create the MinIO user and attach the bucket policy) and in each grantee's namespace (pods
 *   can only reference Secrets of their own namespace). {@link requiredSecrets} lists where. The operator's
 *   `spec.users` is not used on purpose: it attaches the `consoleAdmin` policy to every such user.
 */
export class MinioBucket extends Construct implements IBucket {
  /**
   * Imports an existing bucket by name, served by a tenant of this app or by an S3 endpoint elsewhere. Grants work
   * as for a bucket created here; nothing is created for the bucket itself.
   */
  public static fromBucketName(scope: Construct, id: string, bucketName: string, attrs: MinioBucketAttributes): MinioBucket {
    return new MinioBucket(scope, id, { bucketName, tenant: attrs.tenant as MinioTenant, [IMPORT]: attrs } as InternalProps);
  }

  /** The bucket name. */
  public readonly bucketName: string;
  /** S3 endpoint URL. */
  public readonly endpointUrl: string;
  /** S3 port of the server pods. */
  public readonly port: number;
  /** The MinIO server pods. */
  public readonly serverEndpoint: NetworkEndpoint;
  /** Whether object lock is on. */
  public readonly objectLock: boolean;
  /** Whether versioning is on. */
  public readonly versioned: boolean;
  /** Default retention, if any. */
  public readonly retention?: BucketRetention;
  /** Quota in GiB, if any. */
  public readonly quotaGiB?: number;
  /** Region given to clients (`AWS_REGION` of grants): the `region` prop, else `us-east-1`. */
  public readonly region: string;
  /** Env var name prefix of grants. */
  public readonly envPrefix: string;
  /** True if this app creates and configures the bucket; false if imported. */
  public readonly managed: boolean;
  /** The tenant, if known. */
  public readonly tenant?: MinioTenant;
  /** The setup Job (managed buckets only). */
  public readonly setupJob?: KubeJob;

  /** @internal region given explicitly (emitted in the Tenant's bucket list). */
  public readonly _explicitRegion?: string;

  private readonly grants = new Map<IWorkload, MinioBucketGrant>();
  private readonly _requirements: SecretRequirement[] = [];
  private readonly slug: string;

  constructor(scope: Construct, id: string, props: MinioBucketProps) {
    super(scope, id);
    const imported = (props as InternalProps)[IMPORT];
    this.managed = imported === undefined;
    this.tenant = props.tenant;
    this.bucketName = props.bucketName ?? stableName([id]);
    const problem = bucketNameProblem(this.bucketName);
    if (problem) {
      throw ValidationError.invalidProp(this, {
        prop: 'bucketName', value: this.bucketName, allowed: problem.allowed,
        fix: 'follow the S3 bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).',
      });
    }
    this.slug = sanitizeDns1123(this.bucketName);

    if (imported) {
      const endpointUrl = imported.endpointUrl ?? imported.tenant?.endpointUrl;
      const serverEndpoint = imported.serverEndpoint ?? imported.tenant?.serverEndpoint;
      if (!endpointUrl || !serverEndpoint) {
        throw ValidationError.invalidProp(this, {
          prop: 'attrs', value: Object.keys(imported),
          allowed: 'a tenant, or both endpointUrl and serverEndpoint',
          fix: 'pass { tenant } for a bucket of a MinioTenant of this app, or { endpointUrl, serverEndpoint } for one elsewhere.',
        });
      }
      this.endpointUrl = endpointUrl;
      this.serverEndpoint = serverEndpoint;
      this.port = imported.port ?? imported.tenant?.port ?? 9000;
      this.objectLock = imported.objectLock ?? false;
      this.versioned = this.objectLock;
      this.region = imported.region ?? 'us-east-1';
      this.envPrefix = validateEnvPrefix(this, 'envPrefix', imported.envPrefix ?? '');
      imported.tenant?._registerBucket(this);
      return;
    }

    const tenant = props.tenant;
    this.endpointUrl = tenant.endpointUrl;
    this.serverEndpoint = tenant.serverEndpoint;
    this.port = tenant.port;
    this.objectLock = props.objectLock ?? false;
    this.versioned = props.versioned ?? true;
    this.retention = props.retention;
    this.quotaGiB = props.quotaGiB;
    this._explicitRegion = props.region;
    this.region = props.region ?? 'us-east-1';
    this.envPrefix = validateEnvPrefix(this, 'envPrefix', props.envPrefix ?? '');

    if (this.objectLock && !this.versioned) {
      throw ValidationError.invalidProp(this, {
        prop: 'versioned', value: false, allowed: 'true when objectLock is true (object lock works on object versions)',
        fix: 'remove versioned: false, or turn objectLock off.',
      });
    }
    if (this.retention !== undefined) {
      if (!this.objectLock) {
        throw ValidationError.invalidProp(this, {
          prop: 'retention', value: this.retention,
          allowed: 'a retention only on a bucket with objectLock: true',
          fix: 'set objectLock: true (WORM buckets must be created with object lock), or remove retention.',
        });
      }
      if (!this.retention.isValid) {
        throw ValidationError.invalidProp(this, {
          prop: 'retention', value: this.retention,
          allowed: 'exactly one of days (1-36500) or years (1-100), a whole number',
          fix: 'e.g. BucketRetention.compliance({ years: 7 }).',
        });
      }
    }
    if (this.quotaGiB !== undefined && (!Number.isInteger(this.quotaGiB) || this.quotaGiB < 1)) {
      throw ValidationError.invalidProp(this, { prop: 'quotaGiB', value: this.quotaGiB, allowed: 'a whole number of GiB, at least 1' });
    }
    if (this._explicitRegion !== undefined && !/^[a-z0-9-]{1,32}$/.test(this._explicitRegion)) {
      throw ValidationError.invalidProp(this, { prop: 'region', value: this._explicitRegion, allowed: 'lowercase letters, digits and hyphens, e.g. "eu-central-1"' });
    }

    tenant._registerBucket(this);
    this.setupJob = this.createSetupJob(tenant);
  }

  /** Name of the credentials Secret of an access level (`<bucket>-<access>-s3-credentials`). */
  public credentialsSecretName(access: BucketAccess): string {
    return stableName([this.slug, access, 's3-credentials']);
  }

  /** `s3://<bucket>/<prefix>`. */
  public s3Uri(prefix?: string): string {
    const p = (prefix ?? '').replace(/^\/+/, '');
    return p ? `s3://${this.bucketName}/${p}` : `s3://${this.bucketName}`;
  }

  /** Read access: list and get objects. */
  public grantRead(workload: IWorkload): MinioBucketGrant {
    return this.grant(workload, BucketAccess.READ);
  }

  /** Read/write access: list, get, put and delete objects (object lock still protects locked versions). */
  public grantReadWrite(workload: IWorkload): MinioBucketGrant {
    return this.grant(workload, BucketAccess.READ_WRITE);
  }

  /** The grants made so far. */
  public get grantsMade(): readonly MinioBucketGrant[] {
    return [...this.grants.values()];
  }

  /** Secrets this bucket references without writing them (provision out of band), with their namespaces. */
  public get requiredSecrets(): readonly SecretRequirement[] {
    return [...this._requirements];
  }

  private grant(workload: IWorkload, access: BucketAccess): MinioBucketGrant {
    const existing = existingGrant(this, this.grants, workload, access, 'a bucket');
    if (existing) return existing;
    const secretName = this.credentialsSecretName(access);
    const p = this.envPrefix;
    const env: Array<[string, EnvSource]> = [
      [`${p}AWS_ACCESS_KEY_ID`, { secretKeyRef: { name: secretName, key: S3CredentialKeys.ACCESS_KEY_ID } }],
      [`${p}AWS_SECRET_ACCESS_KEY`, { secretKeyRef: { name: secretName, key: S3CredentialKeys.SECRET_ACCESS_KEY } }],
      [`${p}AWS_ENDPOINT_URL`, { value: this.endpointUrl }],
      [`${p}AWS_REGION`, { value: this.region }],
      [`${p}S3_BUCKET`, { value: this.bucketName }],
    ];
    addEnvOnce(this, workload, env, 'envPrefix', p);

    const hash = shortHash(workload.node.path, 10);
    const flow = new NetworkFlow(this, `Allow-${sanitizeDns1123(workload.node.id) || 'workload'}-${hash}`, {
      name: stableName([this.slug, 's3', workload.node.id, hash], 54),
      from: workload.endpoint,
      to: this.serverEndpoint,
      ports: [{ port: this.port }],
    });
    const keys = [S3CredentialKeys.ACCESS_KEY_ID, S3CredentialKeys.SECRET_ACCESS_KEY];
    const purpose = `${access} credentials of bucket ${this.bucketName}`;
    addRequirement(this._requirements, { namespace: workload.endpoint.namespace, name: secretName, keys, purpose });
    if (this.managed) {
      addRequirement(this._requirements, {
        namespace: this.serverEndpoint.namespace, name: secretName, keys,
        purpose: `${purpose} (read by the bucket setup Job to create the MinIO user)`,
      });
    }
    const grant: MinioBucketGrant = {
      bucket: this, grantee: workload, access, credentialsSecretName: secretName, flow, envNames: env.map(([n]) => n),
    };
    this.grants.set(workload, grant);
    return grant;
  }

  /** The bucket policy of an access level, in IAM JSON as MinIO expects it. */
  public policyDocument(access: BucketAccess): Record<string, unknown> {
    const write = access === BucketAccess.READ_WRITE;
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [...READ_ACTIONS_BUCKET, ...(write ? WRITE_ACTIONS_BUCKET : [])],
          Resource: [`arn:aws:s3:::${this.bucketName}`],
        },
        {
          Effect: 'Allow',
          Action: [...READ_ACTIONS_OBJECT, ...(write ? WRITE_ACTIONS_OBJECT : [])],
          Resource: [`arn:aws:s3:::${this.bucketName}/*`],
        },
      ],
    };
  }

  /** MinIO policy name of an access level. */
  public policyName(access: BucketAccess): string {
    return `${this.bucketName}-${access}`;
  }

  private setupScript(): string {
    const target = `tenant/${this.bucketName}`;
    const lines = [
      'set -eu',
      '. /config/config.env',
      'mc() { command mc --config-dir /tmp/.mc "$@"; }',
      'mc alias set tenant "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null',
      `mc mb --ignore-existing ${this.objectLock ? '--with-lock ' : ''}${target}`,
      this.versioned ? `mc version enable ${target}` : `echo "versioning left unchanged on ${target}"`,
      this.quotaGiB !== undefined ? `mc quota set ${target} --size ${this.quotaGiB}GiB` : `echo "no quota on ${target}"`,
    ];
    if (this.retention) {
      lines.push(`mc retention set --default ${this.retention.mode} ${this.retention.validity} ${target}`);
    }
    for (const access of [BucketAccess.READ, BucketAccess.READ_WRITE]) {
      const v = access === BucketAccess.READ ? 'READ' : 'READWRITE';
      const policy = this.policyName(access);
      lines.push(
        `if [ -n "\${${v}_ACCESS_KEY_ID:-}" ]; then`,
        `  mc admin user add tenant "$${v}_ACCESS_KEY_ID" "$${v}_SECRET_ACCESS_KEY"`,
        `  mc admin policy create tenant ${policy} /policies/${access}.json`,
        `  mc admin policy attach tenant ${policy} --user "$${v}_ACCESS_KEY_ID" || echo "policy ${policy} already attached"`,
        'fi',
      );
    }
    return lines.join('\n') + '\n';
  }

  private createSetupJob(tenant: MinioTenant): KubeJob {
    const namespace = tenant.namespace;
    const labels = {
      [Labels.APP_MANAGED_BY]: MANAGED_BY,
      [Labels.COMPONENT]: 'bucket-setup',
      [Labels.APP_INSTANCE]: stableName([tenant.tenantName, this.slug]),
    };
    const policies = new KubeConfigMap(this, 'Policies', {
      metadata: { name: stableName([this.slug, 'bucket-policies']), namespace, labels: { ...labels } },
      data: {
        'read.json': JSON.stringify(this.policyDocument(BucketAccess.READ), null, 2),
        'readwrite.json': JSON.stringify(this.policyDocument(BucketAccess.READ_WRITE), null, 2),
      },
    });
    const script = this.setupScript();
    const settings = JSON.stringify({ script, image: tenant.clientImage.reference, endpoint: tenant.endpointUrl, ca: tenant.tls.ca });
    const credentialEnv = [BucketAccess.READ, BucketAccess.READ_WRITE].flatMap((access) => {
      const v = access === BucketAccess.READ ? 'READ' : 'READWRITE';
      const name = this.credentialsSecretName(access);
      return [
        { name: `${v}_ACCESS_KEY_ID`, valueFrom: { secretKeyRef: { name, key: S3CredentialKeys.ACCESS_KEY_ID, optional: true } } },
        { name: `${v}_SECRET_ACCESS_KEY`, valueFrom: { secretKeyRef: { name, key: S3CredentialKeys.SECRET_ACCESS_KEY, optional: true } } },
      ];
    });
    const resources = {
      requests: { cpu: Quantity.fromString('50m'), memory: Quantity.fromString('64Mi') },
      limits: { cpu: Quantity.fromString('200m'), memory: Quantity.fromString('128Mi') },
    };
    // an explicit opt-out of digest pinning for the mc image is recorded as a reviewed policy suppression
    const annotations = imageSuppressionAnnotations(tenant.clientImage);
    const job = new KubeJob(this, 'Setup', {
      metadata: {
        name: stableName([this.slug, 'bucket-setup', shortHash(settings)]),
        namespace,
        labels: { ...labels },
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(MC_UID, { fsGroupChangePolicy: FsGroupChangePolicy.ON_ROOT_MISMATCH }),
            containers: [{
              name: 'mc',
              image: tenant.clientImage.reference,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', '-ec', script],
              env: [
                { name: 'HOME', value: '/tmp' },
                { name: 'MINIO_ENDPOINT', value: tenant.endpointUrl },
                ...credentialEnv,
              ],
              resources,
              securityContext: restrictedContainerSecurityContext(MC_UID, { runAsGroup: MC_UID }),
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'config', mountPath: '/config', readOnly: true },
                { name: 'policies', mountPath: '/policies', readOnly: true },
                { name: 'ca', mountPath: '/tmp/.mc/certs/CAs', readOnly: true },
              ],
            }],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: Quantity.fromString('16Mi') } },
              { name: 'config', secret: { secretName: tenant.configurationSecretName, defaultMode: 0o440, items: [{ key: 'config.env', path: 'config.env' }] } },
              { name: 'policies', configMap: { name: policies.name } },
              { name: 'ca', configMap: { name: tenant.tls.ca.name, items: [{ key: tenant.tls.ca.key, path: 'ca.crt' }] } },
            ],
          },
        },
      },
    });
    new NetworkFlow(this, 'SetupFlow', {
      name: stableName([this.slug, 'bucket-setup']),
      from: { namespace, podSelector: labels },
      to: this.serverEndpoint,
      ports: [{ port: this.port }],
    });
    if (!isDns1123Label(job.name)) throw new Error(`internal: bad job name ${job.name}`);
    return job;
  }
}
