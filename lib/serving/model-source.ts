import { IBucket } from '../core';

/** Where a model's weights come from. */
export enum ModelSourceKind {
  /** An object prefix in a platform bucket (`s3://`). */
  BUCKET = 'bucket',
  /** A directory on the stack's local volume (edge: weights staged on the node's disk). */
  LOCAL_VOLUME = 'local-volume',
  /** A raw URI, checked by the stack (public model hubs are refused). */
  URI = 'uri',
}

/** Hosts and schemes of public model hubs; a model source never points there. */
export const PUBLIC_MODEL_HUBS: readonly string[] = [
  'hf://', 'hf.co/', 'huggingface.co/', 'https://huggingface.co', 'https://hf.co', 'http://huggingface.co',
  'ollama.com/', 'https://ollama.com', 'registry.ollama.ai', 'https://registry.ollama.ai',
  'https://modelscope.cn', 'modelscope://', 'https://www.kaggle.com', 'kaggle://',
];

/**
 * The weights of a model. Weights come from the platform's own storage: a bucket prefix (`s3://`, read through a
 * bucket grant) or, at the edge, a directory on the local volume. Public hubs (Hugging Face, Ollama registry, ...)
 * are refused with a ValidationError when the model is added.
 */
export class ModelSource {
  /** Weights under `prefix` in `bucket` (the model server gets a read grant and the network edge). */
  public static fromBucket(bucket: IBucket, prefix: string): ModelSource {
    return new ModelSource(ModelSourceKind.BUCKET, bucket.s3Uri(prefix), bucket, prefix.replace(/^\/+|\/+$/g, ''));
  }

  /** Weights in directory `path` (relative) of the stack's local model volume (edge profile). */
  public static fromLocalVolume(path: string): ModelSource {
    return new ModelSource(ModelSourceKind.LOCAL_VOLUME, `pvc://${path.replace(/^\/+|\/+$/g, '')}`, undefined, path.replace(/^\/+|\/+$/g, ''));
  }

  /**
   * A raw URI. Only accepted when it does not point to a public hub and its scheme is `s3://` of a bucket known to
   * the stack; exists so that strings from catalog files can be checked with a precise error.
   */
  public static fromUri(uri: string): ModelSource {
    return new ModelSource(ModelSourceKind.URI, uri, undefined, undefined);
  }

  private constructor(
    /** Kind of source. */
    public readonly kind: ModelSourceKind,
    /** The URI (`s3://bucket/prefix`, `pvc://path`, or the raw URI given). */
    public readonly uri: string,
    /** The bucket, for bucket sources. */
    public readonly bucket: IBucket | undefined,
    /** Object prefix or local path. */
    public readonly path: string | undefined,
  ) {}

  /** True if the URI points to a public model hub. */
  public get isPublicHub(): boolean {
    const u = this.uri.toLowerCase();
    return PUBLIC_MODEL_HUBS.some((h) => u.startsWith(h));
  }
}
