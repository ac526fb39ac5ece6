import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ContainerImage, EnvSource, IBucket, IWorkload, Labels, MANAGED_BY, NetworkEndpoint, ValidationError, imageSuppressionAnnotations,
  markWorkload, restrictedContainerSecurityContext, restrictedPodSecurityContext, setEnvVar, stableName,
} from '../core';
import { IntOrString, KubeConfigMap, KubeService } from '../imports/k8s';

/** OTLP/gRPC port the shipper receives access logs on. */
export const AUDIT_OTLP_GRPC_PORT = 4317;
/** OTLP/HTTP port the shipper receives access logs on. */
export const AUDIT_OTLP_HTTP_PORT = 4318;

/** Props of {@link AuditLogShipper}. */
export interface AuditLogShipperProps {
  /** Namespace (the tenant's). */
  readonly namespace: string;
  /** Tenant (object key prefix in the bucket). */
  readonly tenant: string;
  /**
   * The WORM bucket (object lock must be enabled). Exactly one of `bucket` and `localVolume` is required.
   * @default - none
   */
  readonly bucket?: IBucket;
  /**
   * A PersistentVolumeClaim (same namespace) the records are appended to as JSON lines, for sites without an object
   * store (edge). Not WORM: see the class documentation. Exactly one of `bucket` and `localVolume` is required.
   * @default - none
   */
  readonly localVolume?: LocalAuditVolume;
  /** Vector image, pinned by digest. @see https://vector.dev/docs/reference/configuration/ */
  readonly image: ContainerImage;
  /**
   * Seconds a batch is buffered before it is written as one object (Vector sink `batch.timeout_secs`).
   * @see https://vector.dev/docs/reference/configuration/sinks/aws_s3/
   * @default 60
   */
  readonly batchTimeoutSeconds?: number;
}

/** A local volume for audit records (edge sites without an object store). */
export interface LocalAuditVolume {
  /** Name of the PersistentVolumeClaim (ReadWriteOnce is enough: one shipper replica). */
  readonly claimName: string;
}

/** Where the local audit volume is mounted in the shipper. */
export const LOCAL_AUDIT_MOUNT_PATH = '/audit';

/**
 * Inference request logging into a WORM bucket (or, at the edge, a local volume). What writes what: the tenant's
 * gateway sends one access-log record per request over OTLP (gRPC 4317 / HTTP 4318) to this Service; this
 * Deployment (Vector) batches the records and writes them as gzip'd JSON-lines objects under `<tenant>/` in the audit bucket, using the credentials of a
 * read-write grant. Object lock on the bucket makes the written objects immutable for the bucket's retention.
 *
 * Not emitted here: telling the gateway implementation to send its access log to this collector (Istio `Telemetry`
 * with an OpenTelemetry access-log provider, or the equivalent of kgateway/Envoy Gateway); that setting lives in
 * the gateway implementation's own configuration. Without it no records arrive.
 *
 * Local volume (`localVolume`, edge sites without an object store): the records are appended to
 * `/audit/<tenant>/<yyyy-mm-dd>.jsonl` on a PersistentVolumeClaim. This is an audit trail, but not a WORM one:
 * anyone with root on the node or write access to the claim can alter it. Ship the files to a WORM bucket of the
 * datacenter (e.g. a periodic upload when the site is connected) where the regulation requires immutability.
 *
 * @see https://vector.dev/docs/reference/configuration/sources/opentelemetry/
 * @see https://vector.dev/docs/reference/configuration/sinks/aws_s3/
 */
export class AuditLogShipper extends Construct implements IWorkload {
  /** The Deployment. */
  public readonly resource: ApiObject;
  /** The OTLP Service the gateway sends to. */
  public readonly service: KubeService;
  /** The shipper pods on the network. */
  public readonly endpoint: NetworkEndpoint;
  /** Name of the Deployment/Service/ConfigMap. */
  public readonly name: string;
  /** In-cluster OTLP/gRPC endpoint for the gateway's access-log sink. */
  public readonly otlpGrpcUrl: string;
  private readonly env: any[] = [];

  constructor(scope: Construct, id: string, props: AuditLogShipperProps) {
    super(scope, id);
    markWorkload(this);
    if ((props.bucket === undefined) === (props.localVolume === undefined)) {
      throw ValidationError.invalidProp(this, {
        prop: 'bucket', value: props.bucket?.bucketName, allowed: 'exactly one of bucket (WORM object store) and localVolume (edge)',
        fix: 'pass the audit bucket, or at sites without an object store a localVolume claim.',
      });
    }
    if (props.bucket && !props.bucket.objectLock) {
      throw ValidationError.invalidProp(this, {
        prop: 'auditBucket', value: props.bucket.bucketName, allowed: 'a bucket with object lock (WORM) enabled',
        fix: 'create the audit bucket with object lock (e.g. MinioBucket objectLock) so audit records cannot be altered.',
      });
    }
    this.name = stableName([props.tenant, 'audit-log']);
    const selector = { [Labels.TENANT]: props.tenant, [Labels.COMPONENT]: 'audit-log-shipper' };
    const labels = {
      ...selector, [Labels.APP_NAME]: 'vector', [Labels.APP_INSTANCE]: this.name,
      [Labels.APP_PART_OF]: 'sovereign-inference-stack', [Labels.APP_MANAGED_BY]: MANAGED_BY,
    };
    this.endpoint = { namespace: props.namespace, podSelector: selector };
    this.otlpGrpcUrl = `http://${this.name}.${props.namespace}.svc:${AUDIT_OTLP_GRPC_PORT}`;
    const vectorConfig = {
      data_dir: '/var/lib/vector',
      api: { enabled: true, address: '0.0.0.0:8686' },
      sources: {
        otlp: {
          type: 'opentelemetry',
          grpc: { address: `0.0.0.0:${AUDIT_OTLP_GRPC_PORT}` },
          http: { address: `0.0.0.0:${AUDIT_OTLP_HTTP_PORT}` },
        },
      },
      sinks: props.localVolume ? {
        audit_volume: {
          type: 'file',
          inputs: ['otlp.logs'],
          path: `${LOCAL_AUDIT_MOUNT_PATH}/${props.tenant}/%Y-%m-%d.jsonl`,
          encoding: { codec: 'json' },
          acknowledgements: { enabled: true },
        },
      } : {
        audit_bucket: {
          type: 'aws_s3',
          inputs: ['otlp.logs'],
          endpoint: props.bucket!.endpointUrl,
          region: 'us-east-1',
          bucket: props.bucket!.bucketName,
          key_prefix: `${props.tenant}/%Y/%m/%d/`,
          filename_append_uuid: true,
          compression: 'gzip',
          encoding: { codec: 'json' },
          framing: { method: 'newline_delimited' },
          batch: { timeout_secs: props.batchTimeoutSeconds ?? 60 },
          acknowledgements: { enabled: true },
          force_path_style: true,
        },
      },
    };
    new KubeConfigMap(this, 'Config', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      data: { 'vector.yaml': JSON.stringify(vectorConfig, undefined, 2) + '\n' },
    });
    const probe = (extra: Record<string, number>) => ({ httpGet: { path: '/health', port: 8686 }, ...extra });
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: this.name, namespace: props.namespace, labels,
        annotations: { [Labels.CONSTRUCT_PATH]: this.node.path, ...imageSuppressionAnnotations(props.image) },
      },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 3,
        selector: { matchLabels: { ...selector } },
        // a ReadWriteOnce claim: the old pod lets go before the new one mounts it
        ...(props.localVolume ? { strategy: { type: 'Recreate' } } : {}),
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(),
            containers: [{
              name: 'vector',
              image: props.image.reference,
              imagePullPolicy: 'IfNotPresent',
              args: ['--config', '/etc/vector/vector.yaml'],
              env: this.env,
              ports: [
                { name: 'otlp-grpc', containerPort: AUDIT_OTLP_GRPC_PORT, protocol: 'TCP' },
                { name: 'otlp-http', containerPort: AUDIT_OTLP_HTTP_PORT, protocol: 'TCP' },
              ],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '256Mi' } },
              securityContext: restrictedContainerSecurityContext(),
              readinessProbe: probe({ periodSeconds: 10 }),
              livenessProbe: probe({ periodSeconds: 20 }),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/vector', readOnly: true },
                { name: 'data', mountPath: '/var/lib/vector' },
                ...(props.localVolume ? [{ name: 'audit', mountPath: LOCAL_AUDIT_MOUNT_PATH }] : []),
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: this.name } },
              { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
              ...(props.localVolume ? [{ name: 'audit', persistentVolumeClaim: { claimName: props.localVolume.claimName } }] : []),
            ],
          },
        },
      },
    });
    this.service = new KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [
          { name: 'otlp-grpc', port: AUDIT_OTLP_GRPC_PORT, targetPort: IntOrString.fromNumber(AUDIT_OTLP_GRPC_PORT), protocol: 'TCP', appProtocol: 'grpc' },
          { name: 'otlp-http', port: AUDIT_OTLP_HTTP_PORT, targetPort: IntOrString.fromNumber(AUDIT_OTLP_HTTP_PORT), protocol: 'TCP' },
        ],
      },
    });
  }

  /** Adds an environment variable to the shipper container (grants put the bucket credentials here). */
  public addEnv(name: string, source: EnvSource): void {
    setEnvVar(this.env, name, source);
  }
}
