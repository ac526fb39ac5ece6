import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ContainerImage, FsGroupChangePolicy, Labels, MANAGED_BY, NetworkEndpoint, NetworkFlow, ValidationError, cpu as formatCpu, gib,
  imageSuppressionAnnotations, isDns1123Label, parseQuantity, restrictedContainerSecurityContext, restrictedPodSecurityContext,
  stableName,
} from '../core';
import type { PodSecurityContext, SecurityContext } from '../imports/k8s';
import { Tenant } from '../imports/minio-tenant-minio.min.io';
import { SecretRequirement, addRequirement } from './grants';
import { MinioBucket, MinioBucketOptions } from './minio-bucket';
import { MinioAuditWebhook, MinioEncryption, MinioPoolOptions, MinioTls } from './minio-options';

/** The S3 port of MinIO server pods (the `minio` Service maps 443, or 80 without TLS, to it). */
export const MINIO_S3_PORT = 9000;
/** The label the MinIO operator puts on every pod of a tenant (value: the tenant name). */
export const MINIO_TENANT_LABEL = 'v1.min.io/tenant';
/** UID/GID the MinIO and KES containers run as (the upstream tenant chart's default). */
const MINIO_UID = 1000;

/** Pod security context of the MinIO and KES pods (PSS restricted; volume ownership changed only on mismatch). */
function minioPodSecurityContext(): PodSecurityContext {
  return restrictedPodSecurityContext(MINIO_UID, { fsGroupChangePolicy: FsGroupChangePolicy.ON_ROOT_MISMATCH });
}

/** Container security context of the MinIO and KES containers (PSS restricted). */
function minioContainerSecurityContext(): SecurityContext {
  return restrictedContainerSecurityContext(MINIO_UID, { runAsGroup: MINIO_UID });
}

/** A pool with every default resolved. */
export interface ResolvedMinioPool {
  /** Pool name. */
  readonly name: string;
  /** Server pods. */
  readonly servers: number;
  /** Volumes per server. */
  readonly volumesPerServer: number;
  /** Size of each volume (quantity). */
  readonly volumeSize: string;
  /** StorageClass, if set. */
  readonly storageClassName?: string;
  /** CPU cores per server. */
  readonly cpu: number;
  /** Memory GiB per server. */
  readonly memoryGiB: number;
}

/** Props of {@link MinioTenant}. */
export interface MinioTenantProps {
  /** Namespace of the tenant (created by the platform with PSA `restricted` labels and default-deny policies). @default 'minio' */
  readonly namespace?: string;
  /**
   * Tenant name (`metadata.name`, label value on every pod).
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#tenantspec
   * @default - derived from the construct id
   */
  readonly tenantName?: string;
  /**
   * MinIO server image from your registry, pinned by digest (`ContainerImage.fromRegistry(...)`), or
   * `ContainerImage.unpinned(reference, { reason })` to opt out for this image (the reason is recorded on the Tenant).
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#tenantspec
   */
  readonly image: ContainerImage;
  /**
   * MinIO client (`mc`) image from your registry, pinned by digest: runs the per-bucket setup Jobs (versioning,
   * quota, retention, per-bucket users and policies). An unpinned image's reason is recorded on each Job.
   * @see https://min.io/docs/minio/linux/reference/minio-mc.html
   */
  readonly clientImage: ContainerImage;
  /**
   * Server pools.
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#tenantspec
   * @default - one pool of 4 servers with 2 volumes of 100Gi each
   */
  readonly pools?: readonly MinioPoolOptions[];
  /**
   * TLS.
   * @see https://min.io/docs/minio/kubernetes/upstream/operations/network-encryption.html
   * @default MinioTls.autoCert()
   */
  readonly tls?: MinioTls;
  /**
   * Server-side encryption through KES.
   * @see https://min.io/docs/minio/kubernetes/upstream/operations/server-side-encryption.html
   * @default - no SSE-KMS
   */
  readonly encryption?: MinioEncryption;
  /**
   * Audit log webhook.
   * @see https://min.io/docs/minio/linux/operations/monitoring/minio-logging.html
   * @default - no audit webhook
   */
  readonly audit?: MinioAuditWebhook;
  /**
   * Let the operator add Prometheus scrape configuration (`spec.prometheusOperator`).
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#tenantspec
   * @default false
   */
  readonly prometheus?: boolean;
  /**
   * Secret (in the tenant namespace) with the `config.env` key (`export MINIO_ROOT_USER=...` /
   * `export MINIO_ROOT_PASSWORD=...`). Referenced by name only; provision it out of band.
   * @see https://min.io/docs/minio/kubernetes/upstream/reference/operator-crd.html#tenantspec
   * @default '<tenantName>-env-configuration'
   */
  readonly configurationSecretName?: string;
}

/**
 * A MinIO tenant (`minio.min.io/v2` Tenant of the MinIO operator): pools of server pods with their volumes, TLS,
 * optional KES encryption and audit webhook, PSS-restricted pods and no public exposure (`exposeServices` off,
 * no LoadBalancer). Buckets are added with {@link addBucket}.
 *
 * Upstream note: the MinIO server repository is archived and the operator frozen at v7.1.1; consumers only see the
 * backend-neutral `IBucket`, so another object store can replace this construct without touching them.
 *
 * No secret value is emitted: the root credentials (`configuration`), the KES configuration, the audit token and
 * every bucket credential are Secrets referenced by name and provisioned out of band. {@link requiredSecrets}
 * lists them all.
 *
 * @see https://github.com/minio/operator/blob/master/docs/tenant_crd.adoc
 */
export class MinioTenant extends Construct {
  /** Tenant name. */
  public readonly tenantName: string;
  /** Namespace. */
  public readonly namespace: string;
  /** MinIO server image. */
  public readonly image: ContainerImage;
  /** `mc` image of the bucket setup Jobs. */
  public readonly clientImage: ContainerImage;
  /** Resolved pools. */
  public readonly pools: readonly ResolvedMinioPool[];
  /** TLS mode. */
  public readonly tls: MinioTls;
  /** Root credentials Secret name. */
  public readonly configurationSecretName: string;
  /** Whether the Prometheus operator integration is on. */
  public readonly prometheus: boolean;
  /** In-cluster S3 endpoint URL (the operator's `minio` Service). */
  public readonly endpointUrl: string;
  /** S3 port of the server pods (used by NetworkPolicies). */
  public readonly port = MINIO_S3_PORT;
  /** The MinIO server pods. */
  public readonly serverEndpoint: NetworkEndpoint;
  /** The Tenant object. */
  public readonly resource: ApiObject;

  private readonly _buckets: MinioBucket[] = [];
  private readonly _requirements: SecretRequirement[] = [];

  constructor(scope: Construct, id: string, props: MinioTenantProps) {
    super(scope, id);
    this.namespace = props.namespace ?? 'minio';
    if (!isDns1123Label(this.namespace)) {
      throw ValidationError.invalidProp(this, { prop: 'namespace', value: this.namespace, allowed: 'a DNS-1123 label' });
    }
    this.tenantName = props.tenantName ?? stableName([id]);
    if (!isDns1123Label(this.tenantName)) {
      throw ValidationError.invalidProp(this, { prop: 'tenantName', value: this.tenantName, allowed: 'a DNS-1123 label' });
    }
    props.image.validatePinned(this, 'image');
    props.clientImage.validatePinned(this, 'clientImage');
    this.image = props.image;
    this.clientImage = props.clientImage;
    this.tls = props.tls ?? MinioTls.autoCert();
    this.prometheus = props.prometheus ?? false;
    this.configurationSecretName = props.configurationSecretName ?? `${this.tenantName}-env-configuration`;
    this.pools = this.resolvePools(props.pools);
    this.endpointUrl = `https://minio.${this.namespace}.svc.cluster.local`;
    this.serverEndpoint = { namespace: this.namespace, podSelector: { [MINIO_TENANT_LABEL]: this.tenantName } };

    addRequirement(this._requirements, {
      namespace: this.namespace, name: this.configurationSecretName, keys: ['config.env'],
      purpose: 'MinIO root credentials (export MINIO_ROOT_USER=... / export MINIO_ROOT_PASSWORD=...)',
    });
    if (this.tls.certificateSecretName) {
      addRequirement(this._requirements, {
        namespace: this.namespace, name: this.tls.certificateSecretName, keys: ['tls.crt', 'tls.key'],
        purpose: 'MinIO server certificate (kubernetes.io/tls)',
      });
    }

    const env: Array<Record<string, unknown>> = [];
    if (props.audit) env.push(...this.auditEnv(props.audit));

    const labels = {
      [Labels.APP_MANAGED_BY]: MANAGED_BY,
      [Labels.APP_INSTANCE]: this.tenantName,
      [Labels.COMPONENT]: 'object-store',
      [Labels.DATA_BEARING]: 'true',
    };
    const spec: Record<string, unknown> = {
      image: this.image.reference,
      imagePullPolicy: 'IfNotPresent',
      configuration: { name: this.configurationSecretName },
      pools: this.pools.map((p) => this.renderPool(p)),
      requestAutoCert: this.tls.autoCert,
      ...(this.tls.certificateSecretName ? { externalCertSecret: [{ name: this.tls.certificateSecretName, type: 'kubernetes.io/tls' }] } : {}),
      exposeServices: { minio: false, console: false },
      features: { bucketDNS: false, enableSFTP: false },
      prometheusOperator: this.prometheus,
      poolsMetadata: { labels: { [Labels.DATA_BEARING]: 'true' } },
      buckets: Lazy.any({
        produce: () => {
          const managed = this._buckets.filter((b) => b.managed);
          return managed.length === 0 ? undefined : managed.map((b) => ({
            name: b.bucketName,
            objectLock: b.objectLock,
            ...(b._explicitRegion ? { region: b._explicitRegion } : {}),
          }));
        },
      }),
      ...(env.length > 0 ? { env } : {}),
      ...(props.encryption ? { kes: this.renderKes(props.encryption) } : {}),
    };
    // explicit per-image opt-outs of digest pinning (server, KES) are recorded as reviewed policy suppressions
    const annotations = imageSuppressionAnnotations(this.image, props.encryption?.options.image);
    this.resource = new ApiObject(this, 'Resource', {
      ...Tenant.GVK,
      metadata: { name: this.tenantName, namespace: this.namespace, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec,
    });

    // Erasure-coded servers talk to each other on the S3 port.
    const totalServers = this.pools.reduce((n, p) => n + p.servers, 0);
    if (totalServers > 1) {
      new NetworkFlow(this, 'InterNodeFlow', {
        name: stableName([this.tenantName, 'minio-internode']),
        from: this.serverEndpoint,
        to: this.serverEndpoint,
        ports: [{ port: MINIO_S3_PORT }],
      });
    }
    if (props.audit?.destination) {
      new NetworkFlow(this, 'AuditFlow', {
        name: stableName([this.tenantName, 'minio-audit']),
        from: this.serverEndpoint,
        to: props.audit.destination,
        ports: [{ port: portOf(props.audit.endpointUrl) }],
      });
    }
  }

  /** Adds a bucket to this tenant. */
  public addBucket(id: string, options: MinioBucketOptions = {}): MinioBucket {
    return new MinioBucket(this, id, { ...options, tenant: this });
  }

  /** Buckets of this tenant, in creation order. */
  public get buckets(): readonly MinioBucket[] {
    return [...this._buckets];
  }

  /**
   * Every Secret this tenant and its buckets reference without writing it (provision these out of band): the root
   * configuration, certificates, KES configuration, audit token and the per-bucket credentials in every namespace
   * that uses them.
   */
  public get requiredSecrets(): readonly SecretRequirement[] {
    const all = [...this._requirements];
    for (const b of this._buckets) for (const r of b.requiredSecrets) addRequirement(all, r);
    return all;
  }

  /** @internal Called by MinioBucket. */
  public _registerBucket(bucket: MinioBucket): void {
    const clash = this._buckets.find((b) => b.bucketName === bucket.bucketName);
    if (clash) {
      throw ValidationError.invalidProp(bucket, {
        prop: 'bucketName', value: bucket.bucketName,
        allowed: `a bucket name not already used in tenant ${this.tenantName} (used by ${clash.node.path})`,
        fix: 'give each bucket a distinct bucketName.',
      });
    }
    this._buckets.push(bucket);
  }

  private resolvePools(pools: readonly MinioPoolOptions[] | undefined): ResolvedMinioPool[] {
    const given = pools ?? [{}];
    if (given.length === 0) {
      throw ValidationError.invalidProp(this, { prop: 'pools', value: [], allowed: 'at least one pool', fix: 'omit pools for the default pool.' });
    }
    const names = new Set<string>();
    return given.map((p, i) => {
      const at = `pools[${i}]`;
      const name = p.name ?? `pool-${i}`;
      if (!isDns1123Label(name) || names.has(name)) {
        throw ValidationError.invalidProp(this, { prop: `${at}.name`, value: name, allowed: 'a DNS-1123 label unique among the pools' });
      }
      names.add(name);
      const servers = p.servers ?? 4;
      if (!Number.isInteger(servers) || servers < 1) {
        throw ValidationError.invalidProp(this, { prop: `${at}.servers`, value: servers, allowed: 'an integer of at least 1' });
      }
      const volumesPerServer = p.volumesPerServer ?? 2;
      if (!Number.isInteger(volumesPerServer) || volumesPerServer < 1) {
        throw ValidationError.invalidProp(this, { prop: `${at}.volumesPerServer`, value: volumesPerServer, allowed: 'an integer of at least 1' });
      }
      // The operator's own pool validation (erasure coding needs at least 4 drives when there are 2 or 3 servers).
      if ((servers === 2 || servers === 3) && servers * volumesPerServer < 4) {
        throw ValidationError.invalidProp(this, {
          prop: `${at}.volumesPerServer`, value: volumesPerServer,
          allowed: `at least 2 volumes per server with ${servers} servers (erasure coding needs at least 4 drives in total)`,
          fix: 'add volumes per server, or use 1 or at least 4 servers.',
        });
      }
      const volumeSize = p.volumeSize ?? '100Gi';
      const bytes = parseQuantity(volumeSize);
      if (bytes === undefined || bytes <= 0) {
        throw ValidationError.invalidProp(this, {
          prop: `${at}.volumeSize`, value: volumeSize,
          allowed: 'a Kubernetes quantity greater than zero (e.g. "100Gi", "2Ti")',
          fix: 'write the size with a binary suffix, e.g. "500Gi".',
        });
      }
      const cpu = p.cpu ?? 1;
      if (!(cpu > 0) || !Number.isFinite(cpu)) {
        throw ValidationError.invalidProp(this, { prop: `${at}.cpu`, value: cpu, allowed: 'a positive number of cores' });
      }
      const memoryGiB = p.memoryGiB ?? 4;
      if (!(memoryGiB > 0) || !Number.isFinite(memoryGiB)) {
        throw ValidationError.invalidProp(this, { prop: `${at}.memoryGiB`, value: memoryGiB, allowed: 'a positive number of GiB' });
      }
      return { name, servers, volumesPerServer, volumeSize, storageClassName: p.storageClassName, cpu, memoryGiB };
    });
  }

  private renderPool(p: ResolvedMinioPool): Record<string, unknown> {
    const resources = { cpu: formatCpu(p.cpu), memory: gib(p.memoryGiB) };
    return {
      name: p.name,
      servers: p.servers,
      volumesPerServer: p.volumesPerServer,
      volumeClaimTemplate: {
        metadata: { name: 'data', labels: { [Labels.DATA_BEARING]: 'true' } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: p.volumeSize } },
          ...(p.storageClassName ? { storageClassName: p.storageClassName } : {}),
        },
      },
      resources: { requests: resources, limits: resources },
      securityContext: minioPodSecurityContext(),
      containerSecurityContext: minioContainerSecurityContext(),
    };
  }

  private renderKes(encryption: MinioEncryption): Record<string, unknown> {
    const o = encryption.options;
    o.image.validatePinned(this, 'encryption.image');
    const replicas = o.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw ValidationError.invalidProp(this, { prop: 'encryption.replicas', value: replicas, allowed: 'an integer of at least 1' });
    }
    addRequirement(this._requirements, {
      namespace: this.namespace, name: o.configurationSecretName, keys: ['server-config.yaml'],
      purpose: 'KES server configuration (KMS backend and its credentials)',
    });
    const resources = { cpu: '250m', memory: '256Mi' };
    return {
      image: o.image.reference,
      imagePullPolicy: 'IfNotPresent',
      replicas,
      kesSecret: { name: o.configurationSecretName },
      keyName: o.keyName ?? 'minio-default-key',
      resources: { requests: resources, limits: resources },
      securityContext: minioPodSecurityContext(),
      containerSecurityContext: minioContainerSecurityContext(),
      labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY },
    };
  }

  private auditEnv(audit: MinioAuditWebhook): Array<Record<string, unknown>> {
    let url: URL | undefined;
    try {
      url = new URL(audit.endpointUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw ValidationError.invalidProp(this, {
        prop: 'audit.endpointUrl', value: audit.endpointUrl, allowed: 'an http(s) URL of an in-cluster receiver',
      });
    }
    const env: Array<Record<string, unknown>> = [
      { name: 'MINIO_AUDIT_WEBHOOK_ENABLE_PLATFORM', value: 'on' },
      { name: 'MINIO_AUDIT_WEBHOOK_ENDPOINT_PLATFORM', value: audit.endpointUrl },
    ];
    if (audit.authTokenSecret) {
      env.push({ name: 'MINIO_AUDIT_WEBHOOK_AUTH_TOKEN_PLATFORM', valueFrom: { secretKeyRef: { ...audit.authTokenSecret } } });
      addRequirement(this._requirements, {
        namespace: this.namespace, name: audit.authTokenSecret.name, keys: [audit.authTokenSecret.key],
        purpose: 'bearer token of the MinIO audit webhook',
      });
    }
    return env;
  }
}

function portOf(endpointUrl: string): number {
  const url = new URL(endpointUrl);
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}
