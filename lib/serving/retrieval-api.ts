import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ContainerImage, EnvSource, IWorkload, Labels, MANAGED_BY, NetworkEndpoint, ValidationError, cpu as cpuQuantity, gib,
  imageSuppressionAnnotations, markWorkload, restrictedContainerSecurityContext, restrictedPodSecurityContext, setEnvVar,
  stableName,
} from '../core';
import { IntOrString, KubePodDisruptionBudget, KubeService } from '../imports/k8s';
import { OFFLINE_ENV } from './offline-env';

/** Default HTTP port of the retrieval API. */
export const RETRIEVAL_API_PORT = 8080;

/** Props of {@link RetrievalApi}. */
export interface RetrievalApiProps {
  /** Namespace (the tenant's). */
  readonly namespace: string;
  /** Tenant name (labels and object names `<tenant>-retrieval`). */
  readonly tenant: string;
  /** The retrieval service image (your RAG API), from the private registry, pinned by digest. */
  readonly image: ContainerImage;
  /** HTTP port the service listens on (also the Service port). @default 8080 */
  readonly port?: number;
  /** Replicas of the Deployment. @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/ @default 2 */
  readonly replicas?: number;
  /** CPU cores requested (and limited) per replica. @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/ @default 1 */
  readonly cpu?: number;
  /** Memory requested (and limited) per replica, in GiB. @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/ @default 2 */
  readonly memoryGiB?: number;
  /** HTTP path of the readiness and liveness probes. @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/ @default '/healthz' */
  readonly healthPath?: string;
  /**
   * Base URL of the tenant's inference gateway (query embeddings and generation go through it); set as
   * `INFERENCE_GATEWAY_URL`.
   * @default - not set
   */
  readonly gatewayUrl?: string;
  /** ServiceAccount of the pods (no token is mounted). @see https://kubernetes.io/docs/concepts/security/service-accounts/ */
  readonly serviceAccountName: string;
  /** PriorityClass of the pods. @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass @default - none */
  readonly priorityClassName?: string;
}

/**
 * A tenant's retrieval (RAG) API: a Deployment + Service running the tenant's retrieval service, the workload that
 * reads the vector store. It is an {@link IWorkload}: `vectorStore.grantRead(api)` adds the connection variables
 * (`PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`/`PGPASSWORD` from the read-only Secret, `PGSSLMODE`) and the one network
 * edge to the PostgreSQL pods on 5432. PSS-restricted pods, requests = limits, probes, telemetry and hub downloads
 * off (embedding libraries honour `HF_HUB_OFFLINE`), a PDB when it runs more than one replica.
 */
export class RetrievalApi extends Construct implements IWorkload {
  /** The Deployment. */
  public readonly resource: ApiObject;
  /** The Service. */
  public readonly service: KubeService;
  /** The PodDisruptionBudget (more than one replica). */
  public readonly pdb?: KubePodDisruptionBudget;
  /** Name of the Deployment, Service and PDB. */
  public readonly name: string;
  /** The retrieval pods on the network. */
  public readonly endpoint: NetworkEndpoint;
  /** Resolved port. */
  public readonly port: number;
  /** Resolved replicas. */
  public readonly replicas: number;
  /** In-cluster URL of the API. */
  public readonly url: string;
  private readonly env: Array<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: RetrievalApiProps) {
    super(scope, id);
    markWorkload(this);
    this.name = stableName([props.tenant, 'retrieval']);
    this.port = props.port ?? RETRIEVAL_API_PORT;
    if (!Number.isInteger(this.port) || this.port < 1024 || this.port > 65535) {
      throw ValidationError.invalidProp(this, {
        prop: 'port', value: props.port, allowed: 'an integer from 1024 to 65535 (non-root processes cannot bind lower ports)',
      });
    }
    this.replicas = props.replicas ?? 2;
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      throw ValidationError.invalidProp(this, { prop: 'replicas', value: props.replicas, allowed: 'an integer >= 1' });
    }
    const selector = { [Labels.TENANT]: props.tenant, [Labels.COMPONENT]: 'retrieval-api' };
    const labels = {
      ...selector, [Labels.APP_NAME]: 'retrieval-api', [Labels.APP_INSTANCE]: this.name,
      [Labels.APP_PART_OF]: 'sovereign-inference-stack', [Labels.APP_MANAGED_BY]: MANAGED_BY,
    };
    this.endpoint = { namespace: props.namespace, podSelector: selector };
    this.url = `http://${this.name}.${props.namespace}.svc:${this.port}`;
    this.env = [
      ...OFFLINE_ENV.map((e) => ({ ...e })),
      { name: 'HOME', value: '/tmp' },
      { name: 'PORT', value: String(this.port) },
      ...(props.gatewayUrl ? [{ name: 'INFERENCE_GATEWAY_URL', value: props.gatewayUrl }] : []),
    ];
    const resources = { cpu: cpuQuantity(props.cpu ?? 1), memory: gib(props.memoryGiB ?? 2) };
    const probe = (extra: Record<string, number>) => ({
      httpGet: { path: props.healthPath ?? '/healthz', port: 'http', scheme: 'HTTP' }, ...extra,
    });
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: this.name, namespace: props.namespace, labels,
        annotations: {
          [Labels.CONSTRUCT_PATH]: this.node.path,
          ...imageSuppressionAnnotations(props.image),
        },
      },
      spec: {
        replicas: this.replicas,
        revisionHistoryLimit: 3,
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(),
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
            containers: [{
              name: 'main',
              image: props.image.reference,
              imagePullPolicy: 'IfNotPresent',
              env: this.env,
              ports: [{ name: 'http', containerPort: this.port, protocol: 'TCP' }],
              resources: { requests: { ...resources }, limits: { ...resources } },
              securityContext: restrictedContainerSecurityContext(),
              readinessProbe: probe({ periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 }),
              livenessProbe: probe({ periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 5 }),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
            topologySpreadConstraints: [{
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { ...selector } },
            }],
          },
        },
      },
    });
    this.service = new KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [{ name: 'http', port: this.port, targetPort: IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    if (this.replicas > 1) {
      this.pdb = new KubePodDisruptionBudget(this, 'Pdb', {
        metadata: { name: this.name, namespace: props.namespace, labels },
        spec: {
          maxUnavailable: IntOrString.fromNumber(1),
          selector: { matchLabels: { ...selector } },
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }
  }

  /** Adds an environment variable to the main container (grants put the store's connection settings here). */
  public addEnv(name: string, source: EnvSource): void {
    setEnvVar(this.env, name, source);
  }
}
