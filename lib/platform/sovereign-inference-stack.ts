import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Precision, CapacityPlan, ModelSpec, PlacementKind } from '../compute/capacity-planner';
import {
  BucketGrant, ContainerImage, GpuRequest, IBucket, IGpuProvider, IWorkload, Labels, MANAGED_BY, NetworkEndpoint,
  NetworkFlow, ValidationError, isDns1123Label, stableName,
} from '../core';
import { IntOrString, KubeNetworkPolicy, KubePersistentVolumeClaim, KubePriorityClass, Quantity } from '../imports/k8s';
import { AUDIT_OTLP_GRPC_PORT, AUDIT_OTLP_HTTP_PORT, AuditLogShipper } from '../serving/audit-log-shipper';
import { EPP_GRPC_PORT, EPP_METRICS_PORT } from '../serving/endpoint-picker';
import { InferenceGateway } from '../serving/inference-gateway';
import { ModelMonitoring } from '../serving/model-monitoring';
import { ModelRoute } from '../serving/model-route';
import { DisaggregationOptions, ModelServer, NIXL_SIDE_CHANNEL_PORT } from '../serving/model-server';
import { ModelSource, ModelSourceKind } from '../serving/model-source';
import { RetrievalApi } from '../serving/retrieval-api';
import { ServingEngineKind } from '../serving/serving-engine';
import { Guardrails } from '../policy/guardrails';
import type { IVectorStore, VectorStoreGrant } from '../storage/vector-store';
import { StackProfile } from './stack-profile';
import { Tenant } from './tenant';

/** A GPU provider that can also plan where models fit (a `GpuPool`). */
export interface IPlanningGpuProvider extends IGpuProvider {
  /** Plans the models on the pool's inventory; throws a ValidationError when they do not fit. */
  plan(models: readonly ModelSpec[]): CapacityPlan;
}

/**
 * A vector store (RAG) the stack can grant retrieval access to: a `VectorStore` of lib/storage, or anything with the
 * same read grant.
 */
export type IRetrievalStore = Pick<IVectorStore, 'grantRead'>;

/** The images the stack runs; all from the private registry, pinned by digest. */
export interface StackImages {
  /** Model server: vLLM OpenAI server (datacenter), vLLM CPU or Ollama (edge). */
  readonly modelServer: ContainerImage;
  /** llm-d endpoint picker (inference scheduler). Required for InferencePool routing. @default - none */
  readonly endpointPicker?: ContainerImage;
  /** Vector, the audit-log shipper. Required with an audit bucket. @default - none */
  readonly auditLogShipper?: ContainerImage;
  /**
   * The tenants' retrieval (RAG) API. With a `vectorStore`, each tenant gets a {@link RetrievalApi} running it,
   * granted read access to the store. @default - no retrieval API (grant your own workloads with `grantRetrieval`)
   */
  readonly retrievalApi?: ContainerImage;
}

/** Where Prometheus runs and how KEDA reaches it. */
export interface MonitoringOptions {
  /**
   * The Prometheus server pods (they scrape model servers and pickers).
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Prometheus
   */
  readonly prometheus: NetworkEndpoint;
  /** URL KEDA queries. @see https://keda.sh/docs/latest/scalers/prometheus/ */
  readonly prometheusAddress: string;
  /**
   * Labels Prometheus selects PodMonitors and PrometheusRules by (`podMonitorSelector`/`ruleSelector`).
   * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusSpec
   * @default {}
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
}

/**
 * Default monitoring: prometheus-operator's `prometheus-operated` Service in `monitoring` (pods labelled
 * `app.kubernetes.io/name: prometheus`), no selector labels.
 */
export const DEFAULT_MONITORING: MonitoringOptions = {
  prometheus: { namespace: 'monitoring', podSelector: { 'app.kubernetes.io/name': 'prometheus' } },
  prometheusAddress: 'http://prometheus-operated.monitoring.svc:9090',
};

/** Options of {@link SovereignInferenceStackProps.localAuditLog}. */
export interface LocalAuditLogOptions {
  /** Size of each tenant's audit volume, in GiB. @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims @default 10 */
  readonly volumeGiB?: number;
}

/** One model of the stack. */
export interface InferenceModelProps {
  /** Model name (DNS-1123 label, unique in the stack): object names and the route path `/models/<name>`. */
  readonly name: string;
  /** Owning tenant (one of the stack's tenants). */
  readonly tenant: Tenant;
  /**
   * Where the weights come from: a platform bucket (datacenter) or the local model volume (edge). Public hubs and
   * plain URIs are refused.
   * @default - none: `addModel` throws a ValidationError (the source must be given)
   */
  readonly source?: ModelSource;
  /** Parameters in billions (planner). */
  readonly parametersBillions: number;
  /** Precision of the weights (planner). @default Precision.BF16 */
  readonly precision?: Precision;
  /**
   * Context length in tokens: sizes the KV cache in the planner and is passed to vLLM as `--max-model-len`.
   * @see https://docs.vllm.ai/en/latest/configuration/engine_args.html
   * @default - the planner assumes 8192 tokens; no `--max-model-len` (the model's own maximum)
   */
  readonly contextLength?: number;
  /** Fixed replica count (>= 1); shorthand for minReplicas = maxReplicas. @default 1 */
  readonly replicas?: number;
  /** Autoscaling lower bound (>= 1). @default - `replicas`, else 1 */
  readonly minReplicas?: number;
  /** Autoscaling upper bound (>= minReplicas). @default - the larger of `minReplicas` and `replicas` */
  readonly maxReplicas?: number;
  /**
   * Prefill/decode split (KServe engine).
   * @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-overview
   * @default - none
   */
  readonly disaggregation?: DisaggregationOptions;
  /**
   * Request priority in the pool (InferenceObjective).
   * @see https://gateway-api-inference-extension.sigs.k8s.io/api-types/inferenceobjective/
   * @default - none
   */
  readonly priority?: number;
  /** CPU cores requested (and limited) per replica. @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/ @default 4 (datacenter), 2 (edge) */
  readonly cpu?: number;
  /** Memory requested (and limited) per replica, in GiB. @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/ @default 32 (datacenter), 8 (edge) */
  readonly memoryGiB?: number;
  /** p95 latency objective in seconds (PrometheusRule alert, vLLM engines). @see https://prometheus-operator.dev/docs/developer/alerting/ @default 30 */
  readonly latencyP95Seconds?: number;
}

/** Props of {@link SovereignInferenceStack}. */
export interface SovereignInferenceStackProps {
  /** Private registry host (and optional path prefix) every image must come from. */
  readonly registry: string;
  /** The images. */
  readonly images: StackImages;
  /** The tenants whose models this stack serves. */
  readonly tenants: readonly Tenant[];
  /** The GPU pool (datacenter profile): plans and attaches the models' GPUs. @default - none (edge) */
  readonly pool?: IPlanningGpuProvider;
  /** Profile. @default StackProfile.datacenter() */
  readonly profile?: StackProfile;
  /** Models to add right away (same as calling addModel for each). @default [] */
  readonly models?: readonly InferenceModelProps[];
  /** WORM bucket inference requests are logged into. @default - no request logging (unless `localAuditLog`) */
  readonly auditBucket?: IBucket;
  /**
   * Edge profile only, for sites without an object store: log inference requests to a local PersistentVolumeClaim
   * per tenant instead of a WORM bucket. The trail is not immutable (see AuditLogShipper); ship it to the
   * datacenter's WORM bucket where that is required. Exclusive with `auditBucket`.
   * @default - no local request logging
   */
  readonly localAuditLog?: LocalAuditLogOptions;
  /**
   * RAG vector store (`VectorStore` of lib/storage). With `images.retrievalApi` every tenant gets a retrieval API
   * with a read grant on it (connection Secret references and one NetworkFlow to the store's pods on its port);
   * other RAG workloads get the same with {@link SovereignInferenceStack.grantRetrieval}.
   * @see https://github.com/pgvector/pgvector
   * @default - none
   */
  readonly vectorStore?: IRetrievalStore;
  /** Replicas of each tenant's retrieval API. @default 2 */
  readonly retrievalReplicas?: number;
  /** Pods allowed to call the tenants' gateways (NetworkPolicy edges). @default [] (nobody) */
  readonly clients?: readonly NetworkEndpoint[];
  /**
   * GatewayClass of the tenants' Gateways.
   * @see https://gateway-api-inference-extension.sigs.k8s.io/implementations/gateways/
   * @default 'istio'
   */
  readonly gatewayClassName?: string;
  /** Where Prometheus runs and how KEDA reaches it. @default DEFAULT_MONITORING */
  readonly monitoring?: MonitoringOptions;
  /**
   * CIDRs of the Kubernetes API server endpoints (`kubectl get endpointslice kubernetes`). The endpoint pickers
   * watch pods through the API: this is their only egress outside pod-to-pod flows. Required with InferencePool
   * routing.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   * @default - none
   */
  readonly apiServerCidrs?: readonly string[];
  /** API server port (egress NetworkPolicy of the endpoint pickers). @default 6443 */
  readonly apiServerPort?: number;
  /** PriorityClass value of the model servers. @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass @default 100000 */
  readonly priorityValue?: number;
}

/** What {@link SovereignInferenceStack.addModel} created. */
export interface InferenceModel {
  /** Model name. */
  readonly name: string;
  /** The tenant. */
  readonly tenant: Tenant;
  /** The model servers. */
  readonly server: ModelServer;
  /** The route (and InferencePool + endpoint picker when used). */
  readonly route: ModelRoute;
  /** Metrics and alerts (vLLM engines). */
  readonly monitoring?: ModelMonitoring;
  /** The read grant on the weights bucket. */
  readonly weightsGrant?: BucketGrant;
  /** The GPU request decided by the planner. */
  readonly gpuRequest?: GpuRequest;
  /** The network edges created for the model. */
  readonly flows: readonly NetworkFlow[];
}

/**
 * The whole serving platform for models of several tenants, sovereign by default: model servers (KServe
 * LLMInferenceService with vLLM, or plain vLLM Deployments; Ollama/vLLM-CPU at the edge) with GPUs planned on a
 * GpuPool and weights from the platform's buckets; a Gateway per tenant with an HTTPRoute per model through an
 * InferencePool and the llm-d endpoint picker; KEDA autoscaling on vLLM metrics, PDBs and a PriorityClass;
 * PodMonitors and SLO alerts; request logging into a WORM bucket (at the edge optionally a local, non-WORM volume);
 * RAG retrieval from a VectorStore (a retrieval API per tenant with a read grant, or `grantRetrieval` for your own
 * workloads); and every flow between those parts as an explicit NetworkFlow (nothing else is reachable). Images must come from the private registry, pinned by digest.
 */
export class SovereignInferenceStack extends Construct {
  /** The profile. */
  public readonly profile: StackProfile;
  /** The PriorityClass of the model servers. */
  public readonly priorityClass: KubePriorityClass;
  /** Gateways by tenant name. */
  public readonly gateways: ReadonlyMap<string, InferenceGateway>;
  /** Audit-log shippers by tenant name. */
  public readonly auditShippers: ReadonlyMap<string, AuditLogShipper>;
  /** Local model volumes by tenant name (edge). */
  public readonly modelVolumes: ReadonlyMap<string, KubePersistentVolumeClaim>;
  /** Retrieval (RAG) APIs by tenant name (with `vectorStore` and `images.retrievalApi`). */
  public readonly retrievalApis: ReadonlyMap<string, RetrievalApi>;
  /** The vector store read grants of the retrieval APIs, by tenant name. */
  public readonly retrievalGrants: ReadonlyMap<string, VectorStoreGrant>;
  /** Resolved monitoring options. */
  public readonly monitoring: MonitoringOptions;
  /**
   * The capacity plan of all models so far (datacenter): computed on first use after a model was added, and checked
   * at synth (all models together must fit the pool; a model that cannot fit even alone fails `addModel` at once).
   */
  public get plan(): CapacityPlan | undefined {
    if (!this._plan && this.specs.length > 0 && this.props.pool) this._plan = this.props.pool.plan(this.specs);
    return this._plan;
  }

  private readonly props: SovereignInferenceStackProps;
  private readonly models = new Map<string, InferenceModel>();
  private readonly specs: ModelSpec[] = [];
  private readonly tenantNames: Set<string>;
  private _plan?: CapacityPlan;

  constructor(scope: Construct, id: string, props: SovereignInferenceStackProps) {
    super(scope, id);
    Guardrails.ensure(this);
    // All models together must fit the pool: planned once per synth (not on every addModel).
    this.node.addValidation({
      validate: () => {
        this._plan = undefined;
        try {
          void this.plan;
          return [];
        } catch (e) {
          if (e instanceof ValidationError) return [e.message];
          throw e;
        }
      },
    });
    this.props = props;
    this.profile = props.profile ?? StackProfile.datacenter();
    this.monitoring = props.monitoring ?? DEFAULT_MONITORING;
    const engine = this.profile.engine;
    if (props.tenants.length === 0) {
      throw ValidationError.invalidProp(this, { prop: 'tenants', value: [], allowed: 'at least one Tenant', fix: 'create a Tenant and pass it in tenants.' });
    }
    this.tenantNames = new Set(props.tenants.map((t) => t.name));
    props.images.modelServer.validate(this.node.path, 'images.modelServer', props.registry);
    const usesPicker = engine.supportsEndpointPicker;
    if (usesPicker) {
      if (!props.images.endpointPicker) {
        throw ValidationError.invalidProp(this, {
          prop: 'images.endpointPicker', value: undefined, allowed: 'the llm-d endpoint picker image, pinned by digest',
          fix: 'mirror the llm-d inference scheduler image into your registry and pass it as images.endpointPicker.',
        });
      }
      props.images.endpointPicker.validate(this.node.path, 'images.endpointPicker', props.registry);
      if (!props.apiServerCidrs || props.apiServerCidrs.length === 0) {
        throw ValidationError.invalidProp(this, {
          prop: 'apiServerCidrs', value: props.apiServerCidrs, allowed: 'the CIDRs of the Kubernetes API server endpoints (at least one)',
          fix: 'list them with `kubectl get endpointslice -n default -l kubernetes.io/service-name=kubernetes`; the endpoint pickers watch pods through the API.',
        });
      }
    }
    if (engine.usesGpus && !props.pool) {
      throw ValidationError.invalidProp(this, {
        prop: 'pool', value: undefined, allowed: 'a GpuPool for GPU serving engines',
        fix: 'pass the GpuPool the models run on, or use StackProfile.edge() for CPU serving.',
      });
    }
    if (props.localAuditLog) {
      if (props.auditBucket) {
        throw ValidationError.invalidProp(this, {
          prop: 'localAuditLog', value: props.localAuditLog, allowed: 'either auditBucket or localAuditLog, not both',
          fix: 'keep auditBucket (WORM) wherever an object store is reachable; remove localAuditLog.',
        });
      }
      if (!this.profile.isEdge) {
        throw ValidationError.invalidProp(this, {
          prop: 'localAuditLog', value: props.localAuditLog, allowed: 'only with StackProfile.edge() (a local volume is not WORM)',
          fix: 'log to a WORM bucket with auditBucket (e.g. a MinioBucket with object lock).',
        });
      }
      const size = props.localAuditLog.volumeGiB ?? 10;
      if (!Number.isInteger(size) || size < 1) {
        throw ValidationError.invalidProp(this, { prop: 'localAuditLog.volumeGiB', value: size, allowed: 'an integer >= 1' });
      }
    }
    if (props.auditBucket || props.localAuditLog) {
      if (!props.images.auditLogShipper) {
        throw ValidationError.invalidProp(this, {
          prop: 'images.auditLogShipper', value: undefined, allowed: 'the Vector image, pinned by digest, when auditBucket or localAuditLog is set',
          fix: 'mirror the Vector image into your registry and pass it as images.auditLogShipper.',
        });
      }
      props.images.auditLogShipper.validate(this.node.path, 'images.auditLogShipper', props.registry);
    }
    if (props.images.retrievalApi) {
      if (!props.vectorStore) {
        throw ValidationError.invalidProp(this, {
          prop: 'images.retrievalApi', value: props.images.retrievalApi.reference, allowed: 'a retrieval API image only together with vectorStore',
          fix: 'pass the VectorStore the retrieval API reads as vectorStore, or remove images.retrievalApi.',
        });
      }
      props.images.retrievalApi.validate(this.node.path, 'images.retrievalApi', props.registry);
    }

    const labels = { [Labels.APP_PART_OF]: 'sovereign-inference-stack', [Labels.APP_MANAGED_BY]: MANAGED_BY };
    this.priorityClass = new KubePriorityClass(this, 'PriorityClass', {
      metadata: { name: stableName([id, 'inference']), labels },
      value: props.priorityValue ?? 100000,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Online inference model servers of the sovereign inference stack.',
    });

    const gateways = new Map<string, InferenceGateway>();
    const shippers = new Map<string, AuditLogShipper>();
    const volumes = new Map<string, KubePersistentVolumeClaim>();
    const retrievalApis = new Map<string, RetrievalApi>();
    const retrievalGrants = new Map<string, VectorStoreGrant>();
    for (const tenant of props.tenants) {
      const scopeT = new Construct(this, tenant.name);
      const gateway = new InferenceGateway(scopeT, 'Gateway', {
        namespace: tenant.namespace, tenant: tenant.name, gatewayClassName: props.gatewayClassName,
      });
      gateways.set(tenant.name, gateway);
      for (const client of props.clients ?? []) {
        new NetworkFlow(scopeT, `Client-${client.namespace}`, {
          name: stableName([client.namespace, 'to', gateway.name]),
          from: client, to: gateway.endpoint, ports: [{ port: gateway.httpPort }],
        });
      }
      if ((props.auditBucket || props.localAuditLog) && props.images.auditLogShipper) {
        let localVolume: { claimName: string } | undefined;
        if (props.localAuditLog) {
          const claim = new KubePersistentVolumeClaim(scopeT, 'AuditVolume', {
            metadata: {
              name: 'audit-log', namespace: tenant.namespace,
              labels: { ...labels, [Labels.TENANT]: tenant.name, [Labels.DATA_BEARING]: 'true' },
            },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: this.profile.storageClassName,
              resources: { requests: { storage: Quantity.fromString(`${props.localAuditLog.volumeGiB ?? 10}Gi`) } },
            },
          });
          localVolume = { claimName: claim.name };
        }
        const shipper = new AuditLogShipper(scopeT, 'AuditLog', {
          namespace: tenant.namespace, tenant: tenant.name, bucket: props.auditBucket, localVolume,
          image: props.images.auditLogShipper,
        });
        props.auditBucket?.grantReadWrite(shipper);
        new NetworkFlow(scopeT, 'GatewayToAuditLog', {
          name: stableName([gateway.name, 'audit-log']),
          from: gateway.endpoint, to: shipper.endpoint,
          ports: [{ port: AUDIT_OTLP_GRPC_PORT }, { port: AUDIT_OTLP_HTTP_PORT }],
        });
        shippers.set(tenant.name, shipper);
      }
      if (props.vectorStore && props.images.retrievalApi) {
        const api = new RetrievalApi(scopeT, 'Retrieval', {
          namespace: tenant.namespace, tenant: tenant.name, image: props.images.retrievalApi,
          replicas: props.retrievalReplicas, serviceAccountName: tenant.serviceAccountName,
        });
        // the store's read grant: connection env (credentials from its Secret) + one flow to its pods
        retrievalGrants.set(tenant.name, props.vectorStore.grantRead(api));
        // the retrieval API embeds queries and generates answers through the tenant's gateway
        new NetworkFlow(scopeT, 'RetrievalToGateway', {
          name: stableName([api.name, 'to-gateway']), from: api.endpoint, to: gateway.endpoint, ports: [{ port: gateway.httpPort }],
        });
        for (const client of props.clients ?? []) {
          new NetworkFlow(scopeT, `ClientToRetrieval-${client.namespace}`, {
            name: stableName([client.namespace, 'to', api.name]), from: client, to: api.endpoint, ports: [{ port: api.port }],
          });
        }
        retrievalApis.set(tenant.name, api);
      }
      if (this.profile.isEdge) {
        volumes.set(tenant.name, new KubePersistentVolumeClaim(scopeT, 'ModelVolume', {
          metadata: {
            name: 'models', namespace: tenant.namespace,
            labels: { ...labels, [Labels.TENANT]: tenant.name, [Labels.DATA_BEARING]: 'true' },
          },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: this.profile.storageClassName,
            resources: { requests: { storage: Quantity.fromString(`${this.profile.modelVolumeGiB}Gi`) } },
          },
        }));
      }
    }
    this.gateways = gateways;
    this.auditShippers = shippers;
    this.modelVolumes = volumes;
    this.retrievalApis = retrievalApis;
    this.retrievalGrants = retrievalGrants;

    props.models?.forEach((m) => this.addModel(m));
  }

  /** Models added so far, by name. */
  public get modelNames(): string[] {
    return [...this.models.keys()];
  }

  /** Looks up an added model. */
  public model(name: string): InferenceModel | undefined {
    return this.models.get(name);
  }

  /**
   * Gives `workload` (a RAG retriever) read access to the stack's vector store: the connection env vars (credentials
   * as Secret references) and one NetworkFlow from the workload's pods to the store's pods on the store's port,
   * nothing broader. Returns the store's grant. Throws if the stack has no vector store.
   */
  public grantRetrieval(workload: IWorkload): VectorStoreGrant {
    if (!this.props.vectorStore) {
      throw ValidationError.invalidProp(this, {
        prop: 'vectorStore', value: undefined, allowed: 'a VectorStore when retrieval is granted',
        fix: 'pass vectorStore to the stack.',
      });
    }
    return this.props.vectorStore.grantRead(workload);
  }

  /**
   * Adds a model: plans its GPUs on the pool, then emits its servers, route (InferencePool + endpoint picker where
   * the engine supports it), autoscaling, monitoring, the read grant on its weights and its network edges.
   */
  public addModel(model: InferenceModelProps): InferenceModel {
    const engine = this.profile.engine;
    const index = this.models.size;
    const at = `models[${index}]`;
    if (!isDns1123Label(model.name ?? '') || model.name.length > 40) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.name`, value: model.name, allowed: 'a DNS-1123 label of at most 40 characters',
        fix: 'use a name like "llama-3-8b-instruct".',
      });
    }
    if (this.models.has(model.name)) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.name`, value: model.name, allowed: `a name not used by another model of the stack (used: ${[...this.models.keys()].join(', ')})`,
        fix: 'give each model a unique name.',
      });
    }
    if (!model.tenant || !this.tenantNames.has(model.tenant.name)) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.tenant`, value: model.tenant?.name, allowed: `one of the stack's tenants (${[...this.tenantNames].join(', ')})`,
        fix: 'pass the Tenant in the stack\'s tenants.',
      });
    }
    const source = model.source;
    if (!source) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.source`, value: undefined, allowed: 'ModelSource.fromBucket(bucket, prefix) or, at the edge, ModelSource.fromLocalVolume(path)',
        fix: 'upload the weights to a platform bucket and name it as the source.',
      });
    }
    if (source.isPublicHub) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.source`, value: source.uri, allowed: 'weights in the platform\'s own storage (a bucket prefix or the local model volume); public model hubs are never contacted',
        fix: 'mirror the weights into a MinioBucket and use ModelSource.fromBucket(bucket, prefix).',
      });
    }
    if (source.kind === ModelSourceKind.URI) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.source`, value: source.uri, allowed: 'ModelSource.fromBucket(bucket, prefix) or ModelSource.fromLocalVolume(path)',
        fix: 'name the bucket object so the stack can grant read access and open the network edge.',
      });
    }
    if (source.kind === ModelSourceKind.LOCAL_VOLUME && !this.profile.isEdge) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.source`, value: source.uri, allowed: 'a bucket source in the datacenter profile',
        fix: 'use ModelSource.fromBucket(bucket, prefix); local volumes exist only in StackProfile.edge().',
      });
    }
    if (source.kind === ModelSourceKind.BUCKET && engine.kind === ServingEngineKind.OLLAMA) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.source`, value: source.uri, allowed: 'ModelSource.fromLocalVolume(path) with the Ollama engine',
        fix: 'stage the weights on the node\'s model volume, or use ServingEngine.vllmCpu() to stream from the bucket.',
      });
    }
    const minReplicas = model.minReplicas ?? model.replicas ?? 1;
    const maxReplicas = model.maxReplicas ?? Math.max(minReplicas, model.replicas ?? minReplicas);
    for (const [prop, v] of [['minReplicas', minReplicas], ['maxReplicas', maxReplicas]] as const) {
      const given = prop === 'minReplicas' ? (model.minReplicas !== undefined ? 'minReplicas' : 'replicas') : 'maxReplicas';
      if (!Number.isInteger(v) || v < 1) {
        throw ValidationError.invalidProp(this, {
          prop: `${at}.${given}`, value: v, allowed: 'an integer >= 1',
          fix: 'serve at least one replica; remove the model to stop serving it.',
        });
      }
    }
    if (maxReplicas < minReplicas) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.maxReplicas`, value: maxReplicas, allowed: `an integer >= minReplicas (${minReplicas})`,
      });
    }
    if (this.profile.isEdge && maxReplicas > 1) {
      throw ValidationError.invalidProp(this, {
        prop: `${at}.maxReplicas`, value: maxReplicas, allowed: '1 in the edge profile (single node)',
        fix: 'remove replicas/maxReplicas, or use StackProfile.datacenter().',
      });
    }

    // GPU planning: all models so far plus this one must fit the pool.
    let gpuRequest: GpuRequest | undefined;
    let tensorParallel = 1;
    if (engine.usesGpus && this.props.pool) {
      const spec: ModelSpec = {
        name: model.name, tenant: model.tenant.name, paramsBillions: model.parametersBillions,
        precision: model.precision, contextLength: model.contextLength,
        // prefill pods hold the weights too: they need GPUs like decode replicas
        replicas: maxReplicas + (model.disaggregation ? model.disaggregation.prefillReplicas ?? 1 : 0),
      };
      // A model's share (profile or tensor-parallel degree) depends on the model alone, so it is planned on its
      // own here (a model that cannot fit the pool even alone fails at once); the packing of all models together
      // is planned once, at synth (see `plan`). Re-planning every model on each addModel would be quadratic.
      const index = this.specs.length;
      let plan: CapacityPlan;
      try {
        plan = this.props.pool.plan([spec]);
      } catch (e) {
        if (e instanceof ValidationError && index > 0) {
          throw new ValidationError(e.path, e.detail.replace(/^invalid models\[0\]\./, `invalid models[${index}].`));
        }
        throw e;
      }
      const mine = plan.models[0];
      tensorParallel = mine.share.tensorParallel;
      gpuRequest = mine.share.kind === PlacementKind.WHOLE
        ? { gpus: mine.share.tensorParallel }
        : (mine.share.profile !== undefined ? { profile: mine.share.profile } : {});
      this.specs.push(spec);
      this._plan = undefined;
    }

    const tenant = model.tenant;
    const gateway = this.gateways.get(tenant.name)!;
    const scope = new Construct(this, model.name);
    const usesPicker = engine.supportsEndpointPicker;
    const poolName = usesPicker ? stableName([model.name, 'pool']) : undefined;
    const server = new ModelServer(scope, 'Server', {
      modelName: model.name,
      namespace: tenant.namespace,
      tenant: tenant.name,
      engine,
      image: this.props.images.modelServer,
      source,
      gpu: gpuRequest && this.props.pool ? { provider: this.props.pool, request: gpuRequest } : undefined,
      tensorParallel,
      contextLength: model.contextLength,
      minReplicas,
      maxReplicas,
      prometheusAddress: this.monitoring.prometheusAddress,
      cpu: model.cpu ?? (this.profile.isEdge ? 2 : 4),
      memoryGiB: model.memoryGiB ?? (this.profile.isEdge ? 8 : 32),
      disaggregation: model.disaggregation,
      serviceAccountName: tenant.serviceAccountName,
      priorityClassName: this.priorityClass.name,
      router: engine.kind === ServingEngineKind.KSERVE && poolName
        ? { gatewayName: gateway.name, httpRouteName: model.name, inferencePoolName: poolName }
        : undefined,
      localVolumeClaimName: this.modelVolumes.get(tenant.name)?.name,
    });
    const route = new ModelRoute(scope, 'Route', {
      namespace: tenant.namespace,
      tenant: tenant.name,
      modelName: model.name,
      gateway,
      selectorLabels: server.selectorLabels,
      targetPort: server.port,
      endpointPicker: usesPicker,
      pickerImage: this.props.images.endpointPicker,
      disaggregated: model.disaggregation !== undefined,
      priority: model.priority,
      priorityClassName: this.priorityClass.name,
    });

    const flows: NetworkFlow[] = [];
    const flow = (id: string, name: string, from: NetworkEndpoint, to: NetworkEndpoint, ports: number[]) => {
      const f = new NetworkFlow(scope, id, { name, from, to, ports: ports.map((port) => ({ port })) });
      flows.push(f);
      return f;
    };
    flow('GatewayToServer', stableName([model.name, 'from-gateway']), gateway.endpoint, server.endpoint, [server.port]);
    let monitoring: ModelMonitoring | undefined;
    if (engine.isVllm) {
      flow('PrometheusToServer', stableName([tenant.name, model.name, 'metrics']), this.monitoring.prometheus, server.endpoint, [server.port]);
      monitoring = new ModelMonitoring(scope, 'Monitoring', {
        namespace: tenant.namespace, modelName: model.name, selectorLabels: server.selectorLabels,
        latencyP95Seconds: model.latencyP95Seconds, prometheusSelectorLabels: this.monitoring.selectorLabels,
      });
    }
    if (route.picker) {
      const picker = route.picker;
      flow('GatewayToPicker', stableName([picker.name, 'from-gateway']), gateway.endpoint, picker.endpoint, [EPP_GRPC_PORT]);
      flow('PickerToServer', stableName([model.name, 'from-epp']), picker.endpoint, server.endpoint, [server.port]);
      flow('PrometheusToPicker', stableName([tenant.name, picker.name, 'metrics']), this.monitoring.prometheus, picker.endpoint, [EPP_METRICS_PORT]);
      new KubeNetworkPolicy(scope, 'PickerToApiServer', {
        metadata: {
          name: stableName([picker.name, 'apiserver-egress']), namespace: tenant.namespace,
          labels: { [Labels.APP_MANAGED_BY]: MANAGED_BY, [Labels.COMPONENT]: 'network-flow' },
        },
        spec: {
          podSelector: { matchLabels: { ...picker.endpoint.podSelector } },
          policyTypes: ['Egress'],
          egress: [{
            to: (this.props.apiServerCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ port: IntOrString.fromNumber(this.props.apiServerPort ?? 6443), protocol: 'TCP' }],
          }],
        },
      });
    }
    if (model.disaggregation) {
      // Within the model: the decode pods' routing sidecar sends each request to the prefill pod the picker chose
      // (vLLM HTTP port), then the decode vLLM pulls the KV cache over NIXL (side-channel handshake on 5600; the
      // transfer itself goes over RDMA, which NetworkPolicy does not see).
      flow('PrefillDecode', stableName([model.name, 'kv-transfer']), server.endpoint, server.endpoint, [server.port, NIXL_SIDE_CHANNEL_PORT]);
    }
    const weightsGrant = source.kind === ModelSourceKind.BUCKET && source.bucket ? source.bucket.grantRead(server) : undefined;

    const created: InferenceModel = {
      name: model.name, tenant, server, route, monitoring, weightsGrant, gpuRequest, flows,
    };
    this.models.set(model.name, created);
    return created;
  }
}

/** Every ApiObject of the stack (for tests and reports). */
export function stackObjects(stack: SovereignInferenceStack): ApiObject[] {
  return stack.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}
