/**
 * Identifies model servers. A pod is a model server when
 * - it belongs to a KServe serving resource (`LLMInferenceService`, `InferenceService`), or
 * - its pod labels (or the object's labels) carry `sovereign-ai.dev/component: model-server`, or
 * - one of its containers looks like a model server: the image name contains vllm, text-generation-inference (tgi),
 *   sglang, ollama, tritonserver, llama.cpp/llama-cpp or lmdeploy, or the command/args run `vllm`,
 *   `text-generation-launcher`, `sglang.launch_server` or `ollama serve`.
 * The model-server containers of such a pod are the containers matching the image/command heuristics; when none
 * matches (e.g. a labelled pod with a custom image), all its regular containers.
 */
import { PolicyLabels } from './labels';
import { ContainerKind, ContainerView, Json, PodView } from './pod-specs';

const IMAGE_HINT = /(^|[-_/.])(vllm|tgi|text-generation-inference|sglang|ollama|tritonserver|llama[-_.]?cpp|lmdeploy)([-_/.:@]|$)/i;
const COMMAND_HINT = /(^|[\s/"'])(vllm(\s|$|\.entrypoints)|python3? -m vllm|text-generation-launcher|sglang\.launch_server|ollama serve)/;

function imageName(image: string): string {
  // drop registry host, tag and digest: keep the repository path
  const noDigest = image.split('@')[0];
  const lastColon = noDigest.lastIndexOf(':');
  const noTag = lastColon > noDigest.lastIndexOf('/') ? noDigest.slice(0, lastColon) : noDigest;
  const slash = noTag.indexOf('/');
  return slash >= 0 && /[.:]|^localhost$/.test(noTag.slice(0, slash)) ? noTag.slice(slash + 1) : noTag;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => String(x)) : [];
}

/** True when the container looks like a model server (image or command). */
export function looksLikeModelServer(c: Json): boolean {
  if (typeof c.image === 'string' && IMAGE_HINT.test(imageName(c.image))) return true;
  const cmd = [...strings(c.command), ...strings(c.args)].join(' ');
  return COMMAND_HINT.test(` ${cmd}`);
}

/** True when the pod is a model server. */
export function isModelServerPod(v: PodView): boolean {
  if (v.servingResource) return true;
  const objLabels = v.object.manifest.metadata?.labels ?? {};
  if (v.labels[PolicyLabels.COMPONENT] === PolicyLabels.MODEL_SERVER || objLabels[PolicyLabels.COMPONENT] === PolicyLabels.MODEL_SERVER) {
    return true;
  }
  return v.containers.some((c) => c.kind === ContainerKind.CONTAINER && looksLikeModelServer(c.container));
}

/** The model-server containers of a pod (empty when the pod is not a model server). */
export function modelServerContainers(v: PodView): ContainerView[] {
  if (!isModelServerPod(v)) return [];
  const regular = v.containers.filter((c) => c.kind === ContainerKind.CONTAINER);
  const matching = regular.filter((c) => looksLikeModelServer(c.container));
  return matching.length > 0 ? matching : regular;
}
