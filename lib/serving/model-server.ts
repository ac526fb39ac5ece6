import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ContainerImage, EnvSource, GpuRequest, IGpuProvider, IWorkload, Labels, MANAGED_BY, NetworkEndpoint, ValidationError, gib,
  imageSuppressionAnnotations, markWorkload, restrictedContainerSecurityContext, restrictedPodSecurityContext, setEnvVar,
  cpu as cpuQuantity,
} from '../core';
import { KubePodDisruptionBudget, KubeService, IntOrString } from '../imports/k8s';
import { ModelSource, ModelSourceKind } from './model-source';
import { OFFLINE_ENV } from './offline-env';
import { ServingEngine, ServingEngineKind } from './serving-engine';

/** Port of the vLLM OpenAI-compatible server (HTTP and `/metrics`). */
export const VLLM_PORT = 8000;
/** Port of the Ollama server. */
export const OLLAMA_PORT = 11434;
/** NIXL side-channel port of vLLM (`VLLM_NIXL_SIDE_CHANNEL_PORT`): prefill/decode KV-transfer handshake. */
export const NIXL_SIDE_CHANNEL_PORT = 5600;
/** Name of the main container (KServe's LLMInferenceService merges its template by this name). */
export const MAIN_CONTAINER = 'main';

/** Prefill/decode disaggregation (llm-d): a separate prefill pool next to the decode pool. */
export interface DisaggregationOptions {
  /** Replicas of the prefill pool. @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-overview @default 1 */
  readonly prefillReplicas?: number;
}

/** Props of {@link ModelServer}. */
export interface ModelServerProps {
  /** Model name (DNS-1123 label): object names, the served model name and the route path derive from it. */
  readonly modelName: string;
  /** Namespace (the tenant's). */
  readonly namespace: string;
  /** Tenant name (label). */
  readonly tenant: string;
  /** The serving engine. @see ServingEngine */
  readonly engine: ServingEngine;
  /** The server image (vLLM, vLLM CPU or Ollama), pinned by digest. @see https://docs.vllm.ai/en/latest/deployment/docker.html */
  readonly image: ContainerImage;
  /** Where the weights come from (already checked by the stack). */
  readonly source: ModelSource;
  /** GPUs: the pool and what each replica asks for (the planner's decision). @default - no GPUs (edge engines) */
  readonly gpu?: { readonly provider: IGpuProvider; readonly request: GpuRequest };
  /** Tensor-parallel degree passed to vLLM (`--tensor-parallel-size`). @see https://docs.vllm.ai/en/latest/configuration/engine_args.html @default 1 */
  readonly tensorParallel?: number;
  /** Maximum context length in tokens (`--max-model-len`). @see https://docs.vllm.ai/en/latest/configuration/engine_args.html @default - the model's own maximum */
  readonly contextLength?: number;
  /** Lower autoscaling bound (>= 1). @default 1 */
  readonly minReplicas?: number;
  /** Upper autoscaling bound; equal to `minReplicas` means a fixed replica count. @see https://keda.sh/docs/latest/concepts/scaling-deployments/ @default minReplicas */
  readonly maxReplicas?: number;
  /**
   * Queue length per replica (`vllm:num_requests_waiting`) above which KEDA adds a replica (Prometheus trigger
   * `threshold`).
   * @see https://keda.sh/docs/latest/scalers/prometheus/
   * @default 5
   */
  readonly targetQueueLength?: number;
  /**
   * Prometheus server KEDA queries for the vLLM metrics (`serverAddress`).
   * @see https://keda.sh/docs/latest/scalers/prometheus/
   * @default 'http://prometheus-operated.monitoring.svc:9090'
   */
  readonly prometheusAddress?: string;
  /** CPU cores requested (and limited) per replica. @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/ @default 4 */
  readonly cpu?: number;
  /** Memory requested (and limited) per replica, in GiB. @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/ @default 32 */
  readonly memoryGiB?: number;
  /** Shared memory (`/dev/shm`, for NCCL between tensor-parallel ranks), in GiB. @see https://kubernetes.io/docs/concepts/storage/volumes/#emptydir @default 8 */
  readonly sharedMemoryGiB?: number;
  /** Prefill/decode split (KServe engine only). @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-overview @default - no split */
  readonly disaggregation?: DisaggregationOptions;
  /** ServiceAccount of the pods (no token is mounted). @see https://kubernetes.io/docs/concepts/security/service-accounts/ */
  readonly serviceAccountName: string;
  /** PriorityClass of the pods. @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass @default - none */
  readonly priorityClassName?: string;
  /**
   * Gateway/route/pool the KServe router should use (names in the same namespace).
   * @see https://kserve.github.io/website/docs/concepts/architecture/control-plane-llmisvc
   * @default - KServe defaults
   */
  readonly router?: { readonly gatewayName: string; readonly httpRouteName: string; readonly inferencePoolName: string };
  /** PersistentVolumeClaim holding local weights (edge, `ModelSource.fromLocalVolume`). @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims @default - none */
  readonly localVolumeClaimName?: string;
}

/**
 * One model's servers: a KServe `LLMInferenceService` (serving.kserve.io/v1alpha2) or a plain Deployment + Service
 * (vLLM, vLLM CPU, Ollama), with PSS-restricted pods, probes, requests = limits, GPUs from the pool, weights from the
 * platform's storage, telemetry off; KEDA autoscaling on `vllm:num_requests_waiting` (inline `spec.scaling.keda` for
 * KServe, a ScaledObject otherwise) and a PodDisruptionBudget.
 *
 * Weights: for bucket sources vLLM streams `s3://` directly (`--load-format runai_streamer`, credentials from the
 * bucket grant's Secret, endpoint from the bucket), so KServe's storage initializer is disabled and the process
 * that reads the weights is the one that got the grant.
 *
 * Pod labels (KServe engine): `spec.template` is a bare PodSpec without metadata. The selector labels the
 * NetworkPolicies, the PDB and the InferencePool use go into `spec.labels` (decode/main pods) and
 * `spec.prefill.labels` (prefill pods): the LLMInferenceService controller copies these WorkloadSpec labels onto the
 * pod templates of the Deployments it creates (`utils.PropagateMap(llmSvc.Spec.Labels, &template.Labels)`), while
 * `metadata.labels` of the resource only reach the pods for a few approved prefixes (Kueue, local model cache).
 *
 * @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-overview
 * @see https://github.com/kserve/kserve/blob/master/pkg/controller/v1alpha2/llmisvc/workload_single_node.go
 * @see https://docs.vllm.ai/en/latest/models/extensions/runai_model_streamer.html
 */
export class ModelServer extends Construct implements IWorkload {
  /** The primary object: the LLMInferenceService or the Deployment. */
  public readonly resource: ApiObject;
  /** The in-namespace Service (Deployment engines) or undefined (KServe creates its own). */
  public readonly service?: KubeService;
  /** Name of the primary object. */
  public readonly name: string;
  /** The model server pods on the network. */
  public readonly endpoint: NetworkEndpoint;
  /** Labels that select the model server pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The port the server listens on (HTTP + metrics). */
  public readonly port: number;
  /** Resolved lower replica bound. */
  public readonly minReplicas: number;
  /** Resolved upper replica bound. */
  public readonly maxReplicas: number;
  /** The pod spec (plain JSON, shared with the emitted object). */
  public readonly podSpec: Record<string, any>;
  /** The prefill pod spec (disaggregation), if any. */
  public readonly prefillPodSpec?: Record<string, any>;
  /** The KEDA ScaledObject (Deployment engines with maxReplicas > minReplicas). */
  public readonly scaledObject?: ApiObject;
  /** The PodDisruptionBudget. */
  public readonly pdb: KubePodDisruptionBudget;

  private readonly engine: ServingEngine;

  constructor(scope: Construct, id: string, props: ModelServerProps) {
    super(scope, id);
    markWorkload(this);
    this.engine = props.engine;
    this.name = props.modelName;
    this.minReplicas = props.minReplicas ?? 1;
    this.maxReplicas = props.maxReplicas ?? this.minReplicas;
    const tp = props.tensorParallel ?? 1;
    const isKserve = props.engine.kind === ServingEngineKind.KSERVE;
    const isOllama = props.engine.kind === ServingEngineKind.OLLAMA;
    this.port = isOllama ? OLLAMA_PORT : VLLM_PORT;
    if (props.disaggregation && !isKserve) {
      throw ValidationError.invalidProp(this, {
        prop: 'disaggregation', value: props.disaggregation, allowed: 'only with ServingEngine.kserve()',
        fix: 'remove disaggregation or use ServingEngine.kserve() (llm-d prefill/decode pools).',
      });
    }

    this.selectorLabels = {
      [Labels.MODEL]: props.modelName,
      [Labels.COMPONENT]: 'model-server',
    };
    const labels = {
      ...this.selectorLabels,
      [Labels.TENANT]: props.tenant,
      [Labels.APP_NAME]: isOllama ? 'ollama' : 'vllm',
      [Labels.APP_INSTANCE]: props.modelName,
      [Labels.APP_PART_OF]: 'sovereign-inference-stack',
      [Labels.APP_MANAGED_BY]: MANAGED_BY,
    };
    this.endpoint = { namespace: props.namespace, podSelector: { ...this.selectorLabels } };

    // decode (main) and prefill pods run the same server; they differ in labels and replicas only
    const build = (): Record<string, any> => {
      const podSpec = this.buildPodSpec(props, tp);
      if (props.gpu && props.engine.usesGpus) {
        props.gpu.provider.attachToPodSpec(
          { namespace: props.namespace, podSpec, containerNames: [MAIN_CONTAINER] }, props.gpu.request,
        );
      }
      return podSpec;
    };
    this.podSpec = build();
    if (props.disaggregation) this.prefillPodSpec = build();

    const metadata = {
      name: props.modelName,
      namespace: props.namespace,
      labels,
      annotations: {
        [Labels.CONSTRUCT_PATH]: this.node.path,
        // an explicit per-image opt-out of digest pinning is recorded as a reviewed policy suppression
        ...imageSuppressionAnnotations(props.image),
      },
    };
    const autoscaled = this.maxReplicas > this.minReplicas;
    const trigger = {
      type: 'prometheus',
      metadata: {
        serverAddress: props.prometheusAddress ?? 'http://prometheus-operated.monitoring.svc:9090',
        query: `sum(vllm:num_requests_waiting{namespace="${props.namespace}",model_name="${props.modelName}"})`,
        threshold: String(props.targetQueueLength ?? 5),
      },
    };

    if (isKserve) {
      const spec: Record<string, any> = {
        model: { uri: props.source.uri, name: props.modelName },
        labels: { ...labels, ...(props.disaggregation ? { 'llm-d.ai/role': 'decode' } : {}) },
        storageInitializer: { enabled: false },
        template: this.podSpec,
      };
      if (autoscaled) {
        spec.scaling = { minReplicas: this.minReplicas, maxReplicas: this.maxReplicas, keda: { triggers: [trigger] } };
      } else {
        spec.replicas = this.minReplicas;
      }
      if (tp > 1) spec.parallelism = { tensor: tp };
      if (props.disaggregation) {
        spec.prefill = {
          replicas: props.disaggregation.prefillReplicas ?? 1,
          labels: { ...labels, 'llm-d.ai/role': 'prefill' },
          template: this.prefillPodSpec,
          ...(tp > 1 ? { parallelism: { tensor: tp } } : {}),
        };
      }
      if (props.router) {
        spec.router = {
          gateway: { refs: [{ name: props.router.gatewayName, namespace: props.namespace }] },
          route: { http: { refs: [{ name: props.router.httpRouteName }] } },
          scheduler: { pool: { ref: { name: props.router.inferencePoolName } } },
        };
      }
      this.resource = new ApiObject(this, 'Resource', {
        apiVersion: 'serving.kserve.io/v1alpha2', kind: 'LLMInferenceService', metadata, spec,
      });
    } else {
      this.resource = new ApiObject(this, 'Resource', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata,
        spec: {
          ...(autoscaled ? {} : { replicas: this.minReplicas }),
          revisionHistoryLimit: 3,
          selector: { matchLabels: { ...this.selectorLabels } },
          strategy: props.engine.usesGpus
            ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }
            : { type: 'Recreate' },
          template: { metadata: { labels: { ...labels } }, spec: this.podSpec },
        },
      });
      this.service = new KubeService(this, 'Service', {
        metadata: { name: props.modelName, namespace: props.namespace, labels },
        spec: {
          type: 'ClusterIP',
          selector: { ...this.selectorLabels },
          ports: [{ name: 'http', port: this.port, targetPort: IntOrString.fromString('http'), protocol: 'TCP' }],
        },
      });
      if (autoscaled) {
        this.scaledObject = new ApiObject(this, 'ScaledObject', {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: props.modelName, namespace: props.namespace, labels },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.modelName },
            minReplicaCount: this.minReplicas,
            maxReplicaCount: this.maxReplicas,
            pollingInterval: 15,
            cooldownPeriod: 300,
            triggers: [trigger],
          },
        });
      }
    }

    this.pdb = new KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: props.modelName, namespace: props.namespace, labels },
      spec: {
        maxUnavailable: IntOrString.fromNumber(1),
        selector: { matchLabels: { ...this.selectorLabels } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }

  /** Adds an environment variable to the main container of every pod (decode and prefill). */
  public addEnv(name: string, source: EnvSource): void {
    for (const spec of [this.podSpec, this.prefillPodSpec]) {
      if (!spec) continue;
      const main = spec.containers.find((c: any) => c.name === MAIN_CONTAINER);
      setEnvVar(main.env, name, source);
    }
  }

  private buildPodSpec(props: ModelServerProps, tp: number): Record<string, any> {
    const isOllama = props.engine.kind === ServingEngineKind.OLLAMA;
    const cpuCores = props.cpu ?? 4;
    const memory = gib(props.memoryGiB ?? 32);
    const volumes: any[] = [
      { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'cache', emptyDir: { sizeLimit: '10Gi' } },
    ];
    const mounts: any[] = [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'cache', mountPath: '/cache' },
    ];
    if (props.engine.usesGpus && tp > 1) {
      volumes.push({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: gib(props.sharedMemoryGiB ?? 8) } });
      mounts.push({ name: 'shm', mountPath: '/dev/shm' });
    }
    if (props.localVolumeClaimName) {
      volumes.push({ name: 'models', persistentVolumeClaim: { claimName: props.localVolumeClaimName, readOnly: !isOllama } });
      mounts.push({ name: 'models', mountPath: '/models', readOnly: !isOllama });
    }
    const env: any[] = [
      ...OFFLINE_ENV.map((e) => ({ ...e })),
      { name: 'HOME', value: '/tmp' },
      { name: 'XDG_CACHE_HOME', value: '/cache' },
    ];
    let command: string[];
    let args: string[];
    let healthPath: string;
    if (isOllama) {
      env.push(
        { name: 'OLLAMA_HOST', value: `0.0.0.0:${OLLAMA_PORT}` },
        { name: 'OLLAMA_MODELS', value: `/models/${props.source.path ?? props.modelName}` },
        { name: 'OLLAMA_NOPRUNE', value: '1' },
      );
      command = ['ollama'];
      args = ['serve'];
      healthPath = '/api/version';
    } else {
      env.push(
        { name: 'HF_HOME', value: '/cache/huggingface' },
        { name: 'VLLM_CACHE_ROOT', value: '/cache/vllm' },
        { name: 'VLLM_CONFIG_ROOT', value: '/cache/vllm-config' },
      );
      const fromBucket = props.source.kind === ModelSourceKind.BUCKET;
      const modelPath = fromBucket ? props.source.uri : `/models/${props.source.path ?? props.modelName}`;
      if (fromBucket && props.source.bucket) {
        env.push(
          { name: 'AWS_ENDPOINT_URL', value: props.source.bucket.endpointUrl },
          { name: 'RUNAI_STREAMER_S3_USE_VIRTUAL_ADDRESSING', value: '0' },
        );
      }
      command = ['vllm'];
      args = [
        'serve', modelPath,
        '--served-model-name', props.modelName,
        '--host', '0.0.0.0',
        '--port', String(VLLM_PORT),
      ];
      if (fromBucket) args.push('--load-format', 'runai_streamer');
      if (tp > 1) args.push('--tensor-parallel-size', String(tp));
      if (props.contextLength !== undefined) args.push('--max-model-len', String(props.contextLength));
      if (props.disaggregation) {
        // prefill and decode both run the NIXL connector: the decode side pulls the KV cache the prefill side computed
        args.push('--kv-transfer-config', '{"kv_connector":"NixlConnector","kv_role":"kv_both"}');
        env.push(
          { name: 'VLLM_NIXL_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: String(NIXL_SIDE_CHANNEL_PORT) },
        );
      }
      healthPath = '/health';
    }
    const probe = (extra: Record<string, number>) => ({
      httpGet: { path: healthPath, port: 'http', scheme: 'HTTP' },
      ...extra,
    });
    const spec: Record<string, any> = {
      serviceAccountName: props.serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(),
      terminationGracePeriodSeconds: 120,
      containers: [{
        name: MAIN_CONTAINER,
        image: props.image.reference,
        imagePullPolicy: 'IfNotPresent',
        command,
        args,
        env,
        ports: [{ name: 'http', containerPort: this.port, protocol: 'TCP' }],
        resources: {
          requests: { cpu: cpuQuantity(cpuCores), memory, 'ephemeral-storage': '12Gi' },
          limits: { cpu: cpuQuantity(cpuCores), memory, 'ephemeral-storage': '12Gi' },
        },
        securityContext: restrictedContainerSecurityContext(),
        startupProbe: probe({ periodSeconds: 10, failureThreshold: 180, timeoutSeconds: 5 }),
        readinessProbe: probe({ periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 }),
        livenessProbe: probe({ periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 5 }),
        volumeMounts: mounts,
      }],
      volumes,
    };
    if (props.priorityClassName) spec.priorityClassName = props.priorityClassName;
    spec.topologySpreadConstraints = [{
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { [Labels.MODEL]: props.modelName, [Labels.COMPONENT]: 'model-server' } },
    }];

    return spec;
  }

  /** The engine this server runs. */
  public get servingEngine(): ServingEngine {
    return this.engine;
  }
}
