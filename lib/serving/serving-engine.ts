/** The kinds of serving engines. */
export enum ServingEngineKind {
  /** KServe `LLMInferenceService` (serving.kserve.io/v1alpha2) running vLLM. */
  KSERVE = 'kserve',
  /** A plain `apps/v1` Deployment running the vLLM OpenAI-compatible server. */
  VLLM_DEPLOYMENT = 'vllm-deployment',
  /** Ollama in a single-replica Deployment (edge). */
  OLLAMA = 'ollama',
  /** The vLLM CPU build in a Deployment (edge, no GPU). */
  VLLM_CPU = 'vllm-cpu',
}

/**
 * How models are served. `kserve()` where the KServe controller is installed, `vllmDeployment()` for clusters
 * without it; `ollama()` and `vllmCpu()` for the edge profile.
 *
 * @see https://kserve.github.io/website/docs/model-serving/generative-inference/llmisvc/llmisvc-overview
 * @see https://docs.vllm.ai/en/latest/deployment/k8s.html
 */
export class ServingEngine {
  /** KServe LLMInferenceService with vLLM; KServe manages the model-server Deployments. */
  public static kserve(): ServingEngine {
    return new ServingEngine(ServingEngineKind.KSERVE, true, true);
  }

  /** Plain vLLM Deployments + Services, for clusters without KServe. */
  public static vllmDeployment(): ServingEngine {
    return new ServingEngine(ServingEngineKind.VLLM_DEPLOYMENT, true, true);
  }

  /** Ollama (edge): one replica per model, weights from a local volume, no GPU pool required. */
  public static ollama(): ServingEngine {
    return new ServingEngine(ServingEngineKind.OLLAMA, false, false);
  }

  /** vLLM CPU build (edge): one replica per model, weights from a local volume. */
  public static vllmCpu(): ServingEngine {
    return new ServingEngine(ServingEngineKind.VLLM_CPU, false, false);
  }

  private constructor(
    /** Which engine. */
    public readonly kind: ServingEngineKind,
    /** Whether the engine exposes the vLLM metrics the llm-d endpoint picker scores on (InferencePool routing). */
    public readonly supportsEndpointPicker: boolean,
    /** Whether the engine uses GPUs from a GpuPool. */
    public readonly usesGpus: boolean,
  ) {}

  /** True for the engines that run vLLM (metrics `vllm:*`). */
  public get isVllm(): boolean {
    return this.kind !== ServingEngineKind.OLLAMA;
  }
}
